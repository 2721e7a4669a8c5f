#!/usr/bin/env bash
# Fetch real-weight ONNX models shipped inside a PyPI wheel (rapidocr-onnxruntime:
# PP-OCRv4 DBNet text detector and PP-OCR v2.0 direction classifier) and write
# onnxruntime reference data for them under target/pypi-models/{ocr_det,ocr_cls}/.
# Never committed (target/ is git-ignored). Idempotent: the wheel is downloaded and
# each model extracted only when missing; references are recomputed every run.
#   usage: bash scripts/fetch_pypi_models.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup_python.sh
py=.venv/bin/python

pkg=rapidocr-onnxruntime
ver=1.4.4
whl_dir=target/pypi-models/wheels
whl="$whl_dir/rapidocr_onnxruntime-$ver-py3-none-any.whl"
out=target/pypi-models

if [ ! -f "$whl" ]; then
    mkdir -p "$whl_dir"
    .venv/bin/pip download -q --disable-pip-version-check --no-deps "$pkg==$ver" -d "$whl_dir"
fi

extract() {  # extract MEMBER-IN-WHEEL DEST-DIR
    if [ ! -f "$2/model.onnx" ]; then
        mkdir -p "$2"
        "$py" - "$whl" "$1" "$2/model.onnx" <<'PY'
import shutil, sys, zipfile
whl, member, dest = sys.argv[1:]
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(dest + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst)
import os; os.replace(dest + ".tmp", dest)
PY
    fi
}
extract rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx "$out/ocr_det"
extract rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx "$out/ocr_cls"

# Noise inputs give DBNet an all-zero map: use a synthetic text page instead.
"$py" scripts/synth_ocr_inputs.py "$out/ocr_det" det 224 224
"$py" scripts/synth_ocr_inputs.py "$out/ocr_cls" cls
"$py" scripts/make_references.py "$out/ocr_det" \
    --source "$pkg==$ver wheel (PyPI): rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx; input: scripts/synth_ocr_inputs.py det (numpy seed 0, ImageNet-normalized); onnxruntime CPU ORT_DISABLE_ALL"
"$py" scripts/make_references.py "$out/ocr_cls" \
    --source "$pkg==$ver wheel (PyPI): rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx; input: scripts/synth_ocr_inputs.py cls (numpy seed 0, (x-0.5)/0.5); onnxruntime CPU ORT_DISABLE_ALL"
"$py" scripts/make_references.py --check "$out/ocr_det" "$out/ocr_cls"
