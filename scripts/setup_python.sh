#!/usr/bin/env bash
# Create the repo-local Python environment .venv (numpy, onnx, onnxruntime at the
# exact versions in scripts/requirements.txt). Idempotent: reuses a working .venv
# and only installs what is missing. Quiet; exits non-zero on any failure.
#   usage: bash scripts/setup_python.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
req="$root/scripts/requirements.txt"
py="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
    echo "setup_python: $venv is broken, recreating" >&2
    rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
fi
# Fast path: everything already installed at the pinned versions.
if "$venv/bin/python" - "$req" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        if version(name) != want:
            sys.exit(1)
PY
then
    exit 0
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
"$venv/bin/python" -c 'import numpy, onnx, onnxruntime'
