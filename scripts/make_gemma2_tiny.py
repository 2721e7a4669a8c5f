#!/usr/bin/env python3
"""golden/models/gemma2_tiny: a random-weight Gemma 2 checkpoint (transformers
Gemma2ForCausalLM, save_pretrained with safetensors) small enough to commit, with the
features that make Gemma 2 differ from Llama: embedding scale √hidden, RMSNorm with
(1 + weight), pre- and post-norms around attention and the MLP, GeGLU with tanh-GELU,
attention-logit soft-capping, final-logit soft-capping, head_dim ≠ hidden/heads,
query_pre_attn_scalar, and sliding-window attention on alternating layers (window 8, so
it matters within the test's 45 tokens). References are computed with eager attention in
f32: the logits of input_ids at position 0, and 32 greedy tokens after a 13-token prompt
(each step recomputes the whole sequence without a cache: the model's definition, not
its cache implementation). Needs transformers >= 4.42 (Gemma 2); run where it is
installed (the GPU machine has it):

    python3 scripts/make_gemma2_tiny.py OUT_DIR
"""
import json, os, sys

import numpy as np
import torch
from transformers import Gemma2Config, Gemma2ForCausalLM

out = sys.argv[1]
torch.manual_seed(0)
cfg = Gemma2Config(vocab_size=320, hidden_size=64, intermediate_size=128, num_hidden_layers=4, num_attention_heads=4,
                   num_key_value_heads=2, head_dim=24, max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=10000.0,
                   attn_logit_softcapping=50.0, final_logit_softcapping=30.0, query_pre_attn_scalar=20, sliding_window=8,
                   hidden_activation="gelu_pytorch_tanh", initializer_range=0.06, tie_word_embeddings=True,
                   bos_token_id=2, eos_token_id=1, pad_token_id=0)
cfg._attn_implementation = "eager"
model = Gemma2ForCausalLM(cfg).eval().float()
with torch.no_grad():
    for name, p in model.named_parameters():
        if "norm" in name:
            p.uniform_(-0.5, 0.5)  # Gemma norms scale by (1 + w)
model.save_pretrained(out, safe_serialization=True)
T = 8
rng = np.random.RandomState(0)
ids = rng.randint(0, cfg.vocab_size, size=(1, T)).astype(np.int64)
prompt = rng.randint(0, cfg.vocab_size, size=(13,)).astype(np.int64)
with torch.no_grad():
    logits = model(torch.from_numpy(ids), use_cache=False).logits.float().numpy()
    seq, gen = list(prompt), []
    for _ in range(32):
        nxt = int(model(torch.tensor([seq]), use_cache=False).logits[0, -1].argmax())
        gen.append(nxt)
        seq.append(nxt)
os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
os.makedirs(os.path.join(out, "outputs"), exist_ok=True)
np.save(os.path.join(out, "inputs", "input_ids.npy"), ids)
np.save(os.path.join(out, "inputs", "position.npy"), np.zeros(1, np.int64))
# The chunk's last prompt row: all T rows are prompt tokens here.
np.save(os.path.join(out, "inputs", "last_row.npy"), np.array([T - 1], np.int64))
np.save(os.path.join(out, "inputs", "prompt_ids.npy"), prompt)
np.save(os.path.join(out, "outputs", "logits.npy"), logits)
np.save(os.path.join(out, "outputs", "generated_ids.npy"), np.array(gen, np.int64))
import transformers
meta = {"inputs": [{"name": "input_ids", "file": "inputs/input_ids.npy", "shape": [1, T], "dtype": "int64"},
                   {"name": "position", "file": "inputs/position.npy", "shape": [1], "dtype": "int64"},
                   {"name": "last_row", "file": "inputs/last_row.npy", "shape": [1], "dtype": "int64"}],
        "outputs": [{"name": "logits", "file": "outputs/logits.npy", "shape": list(logits.shape), "dtype": "float32"}],
        "generate": {"prompt_ids": "inputs/prompt_ids.npy", "generated_ids": "outputs/generated_ids.npy", "new_tokens": 32},
        "source": f"transformers {transformers.__version__} Gemma2ForCausalLM, random weights (torch.manual_seed(0), "
                  "initializer_range 0.06, norms uniform(-0.5, 0.5)), eager attention, f32; logits for input_ids at position 0; "
                  "generated_ids: greedy argmax recomputing the full sequence each step; scripts/make_gemma2_tiny.py"}
json.dump(meta, open(os.path.join(out, "meta.json"), "w"), indent=2)
print("wrote", out, "logits std", float(logits.std()), "generated", gen, "distinct", len(set(gen)))
if len(set(gen)) < 8:
    sys.exit("the greedy continuation is degenerate; pick other initializer settings")
