#!/usr/bin/env python3
"""golden/models/llama_tiny: a random-weight Llama checkpoint (Hugging Face transformers
LlamaForCausalLM, save_pretrained with safetensors) with grouped-query attention, plus
input_ids and the reference logits transformers computes for them (f32, eager attention).
Run with Debian's python3 (python3-torch, transformers):

    /usr/bin/python3 scripts/make_llama_tiny.py
"""
import json, os

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM

torch.manual_seed(0)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = os.path.join(root, "golden", "models", "llama_tiny")
cfg = LlamaConfig(hidden_size=64, intermediate_size=160, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, vocab_size=320, max_position_embeddings=64, rms_norm_eps=1e-6,
                  rope_theta=10000.0, tie_word_embeddings=False, initializer_range=0.2)
model = LlamaForCausalLM(cfg).eval()
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
os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
os.makedirs(os.path.join(out, "outputs"), exist_ok=True)
np.save(os.path.join(out, "inputs", "input_ids.npy"), ids)
np.save(os.path.join(out, "outputs", "logits.npy"), logits)
meta = {"inputs": [{"name": "input_ids", "file": "inputs/input_ids.npy", "shape": [1, T], "dtype": "int64"}],
        "outputs": [{"name": "logits", "file": "outputs/logits.npy", "shape": list(logits.shape), "dtype": "float32"}],
        "source": "transformers LlamaForCausalLM, random weights (torch.manual_seed(0), initializer_range 0.2), GQA 4/2 heads; "
                  "logits from transformers (f32); scripts/make_llama_tiny.py"}
json.dump(meta, open(os.path.join(out, "meta.json"), "w"), indent=2)
print("wrote", out, "logits", logits.shape, "std", float(logits.std()))
