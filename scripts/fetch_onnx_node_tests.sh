#!/usr/bin/env bash
# Fetch the ONNX backend node tests (onnx/backend/test/data/node/<test>/model.onnx and
# test_data_set_0/{input,output}_N.pb) from the PyPI wheel onnx==1.22.0, the last
# release that ships them, into target/onnx-node-tests/node/ for
# compiler/tests/conformance.rs. Never committed (target/ is git-ignored).
# Idempotent: the wheel is downloaded and the tests extracted only when missing.
# Prints one summary line on success.
#   usage: bash scripts/fetch_onnx_node_tests.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup_python.sh
py=.venv/bin/python

ver=1.22.0
base=target/onnx-node-tests
whl_dir=$base/wheel
out=$base/node
stamp=$base/.node-extracted-$ver

whl=$(ls "$whl_dir"/onnx-$ver-cp311-cp311-manylinux*_x86_64.whl 2>/dev/null | head -n 1 || true)
if [ -z "$whl" ]; then
    mkdir -p "$whl_dir"
    .venv/bin/pip download -q --disable-pip-version-check --no-deps \
        --only-binary=:all: --implementation cp --python-version 3.11 \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        "onnx==$ver" -d "$whl_dir"
    whl=$(ls "$whl_dir"/onnx-$ver-cp311-cp311-manylinux*_x86_64.whl | head -n 1)
fi

if [ ! -f "$stamp" ] || [ ! -d "$out" ]; then
    rm -rf "$out" "$out.tmp" "$stamp"
    "$py" - "$whl" "$out.tmp" <<'PY'
import os, shutil, sys, zipfile
whl, dest = sys.argv[1:]
prefix = "onnx/backend/test/data/node/"
with zipfile.ZipFile(whl) as z:
    for info in z.infolist():
        name = info.filename
        if not name.startswith(prefix) or name.endswith("/"):
            continue
        rel = name[len(prefix):]
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            sys.exit(f"fetch_onnx_node_tests: refusing member {name!r}")
        path = os.path.join(dest, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with z.open(info) as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
    mv "$out.tmp" "$out"
    touch "$stamp"
fi

n=$(find "$out" -mindepth 2 -maxdepth 2 -name model.onnx | wc -l)
if [ "$n" -eq 0 ]; then
    echo "fetch_onnx_node_tests: no tests under $out" >&2
    exit 1
fi
echo "onnx==$ver node tests: $n in $out"
