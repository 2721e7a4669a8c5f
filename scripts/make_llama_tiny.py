#!/usr/bin/env python3
"""golden/models/llama_tiny: a random-weight Llama checkpoint (Hugging Face transformers
LlamaForCausalLM, save_pretrained with safetensors) with grouped-query attention, plus
input_ids and the reference logits transformers computes for them (f32, eager attention).
Run with Debian's python3 (python3-torch, transformers):

    /usr/bin/python3 scripts/make_llama_tiny.py

`--llama31 OUT_DIR` writes golden/models/llama31_tiny instead: Llama 3.1's rope scaling
(rope_type llama3, factor 8, original context 64, so within head_dim 16 one frequency is
kept, two are blended and five divided) with tied embeddings as in Llama 3.2. It needs
transformers >= 4.43 (the GPU machine has it):

    python3 scripts/make_llama_tiny.py --llama31 OUT_DIR
"""
import json, os, sys

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
llama31 = len(sys.argv) > 2 and sys.argv[1] == "--llama31"
out = sys.argv[2] if llama31 else os.path.join(root, "golden", "models", "llama_tiny")
extra = {}
if llama31:
    scaling = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
               "original_max_position_embeddings": 64}
    # transformers 5 reads rope_parameters (theta included); 4.43+ reads rope_scaling.
    if "rope_parameters" in LlamaConfig().to_dict():
        extra = dict(rope_parameters=scaling | {"rope_theta": 10000.0})
    else:
        extra = dict(rope_scaling=scaling)
    extra |= dict(bos_token_id=1, eos_token_id=2)
cfg = LlamaConfig(hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, vocab_size=320, max_position_embeddings=64, rms_norm_eps=1e-6,
                  rope_theta=10000.0, tie_word_embeddings=llama31, initializer_range=0.2, **extra)
cfg._attn_implementation = "eager"
model = LlamaForCausalLM(cfg).eval().float()
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            p.uniform_(0.5, 1.5)
model.save_pretrained(out, safe_serialization=True)
T = 8
rng = np.random.RandomState(0)
ids = rng.randint(0, cfg.vocab_size, size=(1, T)).astype(np.int64)
with torch.no_grad():
    logits = model(torch.from_numpy(ids)).logits.float().numpy()
# Greedy generation reference: a 13-token prompt (two prefill chunks of 8) and 32 new
# tokens, each the argmax of transformers' logits with its KV cache (no EOS stop, no
# logits processors).
prompt = rng.randint(0, cfg.vocab_size, size=(13,)).astype(np.int64)
NEW = 32
with torch.no_grad():
    o = model(torch.from_numpy(prompt[None]), use_cache=True)
    past, nxt, gen = o.past_key_values, int(o.logits[0, -1].argmax()), []
    for _ in range(NEW):
        gen.append(nxt)
        o = model(torch.tensor([[nxt]]), past_key_values=past, use_cache=True)
        past, nxt = o.past_key_values, int(o.logits[0, -1].argmax())
os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
os.makedirs(os.path.join(out, "outputs"), exist_ok=True)
np.save(os.path.join(out, "inputs", "input_ids.npy"), ids)
np.save(os.path.join(out, "inputs", "position.npy"), np.zeros(1, np.int64))
# The chunk's last prompt row: all T rows are prompt tokens here.
np.save(os.path.join(out, "inputs", "last_row.npy"), np.array([T - 1], np.int64))
np.save(os.path.join(out, "inputs", "prompt_ids.npy"), prompt)
np.save(os.path.join(out, "outputs", "logits.npy"), logits)
np.save(os.path.join(out, "outputs", "generated_ids.npy"), np.array(gen, np.int64))
meta = {"inputs": [{"name": "input_ids", "file": "inputs/input_ids.npy", "shape": [1, T], "dtype": "int64"},
                   {"name": "position", "file": "inputs/position.npy", "shape": [1], "dtype": "int64"},
                   {"name": "last_row", "file": "inputs/last_row.npy", "shape": [1], "dtype": "int64"}],
        "outputs": [{"name": "logits", "file": "outputs/logits.npy", "shape": list(logits.shape), "dtype": "float32"}],
        "generate": {"prompt_ids": "inputs/prompt_ids.npy", "generated_ids": "outputs/generated_ids.npy", "new_tokens": NEW},
        "source": "transformers LlamaForCausalLM, random weights (torch.manual_seed(0), initializer_range 0.2), GQA 4/2 heads; "
                  + ("rope_scaling llama3 (factor 8, low 1, high 4, original context 64), tied embeddings; " if llama31 else "")
                  + "logits from transformers (f32) for input_ids at position 0; generated_ids: greedy argmax of transformers "
                  + "with its KV cache after prompt_ids; scripts/make_llama_tiny.py"}
json.dump(meta, open(os.path.join(out, "meta.json"), "w"), indent=2)
print("wrote", out, "logits", logits.shape, "std", float(logits.std()), "generated", gen)
