#!/usr/bin/env bash
# OpenCL activation storage, buffer vs 2D texture, on this machine's OpenCL device.
#
# For each model directory (model.onnx + meta.json + onnxruntime reference .npy files, as
# made by scripts/make_references.py): compile for TARGET at f32 with `--storage buffer`
# and with `--storage texture2d`, run each bundle with `driftc run --runs RUNS` (median
# GPU time from OpenCL profiling events, first run dropped), compare every output with the
# reference (relative L2, tolerance 1e-4), and print one markdown table row per model.
# Exits 1 if any output misses the tolerance or a step fails.
#
#   usage: scripts/opencl_storage_bench.sh [MODEL_DIR...]
#   env:   DRIFTC  (default: target/release/driftc if built, else target/debug/driftc;
#                   GPU times come from profiling events, so either build is fine)
#          TARGET  (default: nvidia-h100-opencl; `pocl` to try it on the CPU)
#          RUNS    (default: 20)    DEVICE (OpenCL device index, default: driftc's choice, GPUs first)
#          PYTHON  (default: .venv/bin/python, else python3; needs numpy)
#          OUT     (default: target/opencl-storage-bench)
#
# On the H100 machine (GPU-NOTES.md: /etc/OpenCL/vendors/nvidia.icd must name
# libnvidia-opencl.so.1):
#   TARGET=nvidia-h100-opencl scripts/opencl_storage_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${TARGET:-nvidia-h100-opencl}
RUNS=${RUNS:-20}
OUT=${OUT:-target/opencl-storage-bench}
if [ -z "${DRIFTC:-}" ]; then
  if [ -x target/release/driftc ]; then DRIFTC=target/release/driftc; else DRIFTC=target/debug/driftc; fi
fi
if [ -z "${PYTHON:-}" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
if [ $# -eq 0 ]; then
  set -- golden/models/mobilenet_v2 golden/models/squeezenet1_1 golden/models/bert_tiny
fi
device_arg=()
if [ -n "${DEVICE:-}" ]; then device_arg=(--device "$DEVICE"); fi
[ -x "$DRIFTC" ] || { echo "no driftc at $DRIFTC (cargo build --release -p driftc, or set DRIFTC)" >&2; exit 2; }
mkdir -p "$OUT"

# Prints "ARGS" lines for the model's --input and --shape flags, from meta.json.
meta_args() {
  "$PYTHON" - "$1" <<'EOF'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "meta.json")))
print(" ".join(f"--input {i['name']}={os.path.join(d, i['file'])}" for i in m["inputs"]))
print(" ".join(f"--shape {s}" for s in m.get("shape_args", [])))
EOF
}

# Worst relative L2 error of the outputs in $2 against the references of model dir $1.
worst_error() {
  "$PYTHON" - "$1" "$2" <<'EOF'
import json, os, sys
import numpy as np
d, out = sys.argv[1:3]
m = json.load(open(os.path.join(d, "meta.json")))
worst = 0.0
for o in m["outputs"]:
    got = np.load(os.path.join(out, os.path.basename(o["file"]))).astype(np.float64).ravel()
    want = np.load(os.path.join(d, o["file"])).astype(np.float64).ravel()
    worst = max(worst, float(np.linalg.norm(got - want) / max(np.linalg.norm(want), 1e-30)))
print(f"{worst:.2e}")
EOF
}

failed=0
device_name=""
rows=()
for dir in "$@"; do
  name=$(basename "$dir")
  { read -r inputs; read -r shapes; } < <(meta_args "$dir")
  row="| $name"
  declare -A gpu=()
  for storage in buffer texture2d; do
    bundle="$OUT/$name.$TARGET.$storage.bundle"
    outdir="$OUT/$name-$storage"
    # shellcheck disable=SC2086  # $shapes and $inputs are lists of flags
    "$DRIFTC" compile "$dir/model.onnx" --target "$TARGET" --precision f32 --storage "$storage" -o "$bundle" $shapes 2>"$OUT/$name-$storage.compile.log" \
      || { echo "compile failed: $name $storage (see $OUT/$name-$storage.compile.log)" >&2; failed=1; row+=" | compile failed | | "; continue; }
    # shellcheck disable=SC2086
    line=$("$DRIFTC" run "$bundle" --output-dir "$outdir" --runs "$RUNS" "${device_arg[@]}" $inputs | tail -n 1) \
      || { echo "run failed: $name $storage" >&2; failed=1; row+=" | run failed | | "; continue; }
    device_name=$(sed -n 's/^device: \([^|]*\) |.*/\1/p' <<<"$line")
    ms=$(sed -n 's/.*gpu time: \([0-9.]*\) ms.*/\1/p' <<<"$line")
    mem=$(sed -n 's/.*device memory: \([0-9]*\) B.*/\1/p' <<<"$line")
    err=$(worst_error "$dir" "$outdir")
    if ! "$PYTHON" -c "import sys; sys.exit(0 if float('$err') <= 1e-4 else 1)"; then
      failed=1
      err="$err FAIL"
    fi
    gpu[$storage]=${ms:-}
    row+=" | ${ms:-n/a} | $err | $(( ${mem:-0} / 1024 ))"
  done
  ratio=$("$PYTHON" -c "
b, t = '${gpu[buffer]:-}', '${gpu[texture2d]:-}'
print(f'{float(t) / float(b):.2f}' if b and t and float(b) > 0 else 'n/a')")
  rows+=("$row | $ratio |")
  unset gpu
done

echo "OpenCL storage on ${device_name:-?} (target $TARGET, f32, median of $RUNS runs, $(date -u +%Y-%m-%d)):"
echo
echo "| model | buffer GPU ms | buffer rel. L2 | buffer device KiB | texture2d GPU ms | texture2d rel. L2 | texture2d device KiB | texture / buffer time |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit "$failed"
