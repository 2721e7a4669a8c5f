#!/usr/bin/env python3
"""A random-weight Hugging Face checkpoint with the shape of a real Llama, for benchmarks
(weights from transformers' own initializer, seed 0; never committed):

    python3 scripts/make_llama_shaped.py llama-3.2-1b OUT_DIR [--dtype float16] [--layers N]

Shapes: llama-3.2-1b (16 layers, hidden 2048, 32/8 heads, FFN 8192, vocab 128256, tied
embeddings) and llama-3.1-8b (32 layers, hidden 4096, 32/8 heads, FFN 14336, vocab 128256),
each with its published rope scaling (rope_type llama3; factor 32 for 3.2-1B, 8 for 3.1-8B).
`--layers N` keeps every shape but the depth: a quick checkpoint for kernel experiments (its
per-kernel profile has the full model's shapes, its compile takes seconds).
"""
import argparse, os

import torch
from transformers import LlamaConfig, LlamaForCausalLM

SHAPES = {
    "llama-3.2-1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
                         num_key_value_heads=8, vocab_size=128256, tie_word_embeddings=True, rope_factor=32.0),
    "llama-3.1-8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                         num_key_value_heads=8, vocab_size=128256, tie_word_embeddings=False, rope_factor=8.0),
}

ap = argparse.ArgumentParser()
ap.add_argument("shape", choices=sorted(SHAPES))
ap.add_argument("out")
ap.add_argument("--dtype", default="float16", choices=["float16", "float32", "bfloat16"])
ap.add_argument("--layers", type=int, default=None, help="decoder layers (default: the shape's)")
a = ap.parse_args()
torch.manual_seed(0)
shape = dict(SHAPES[a.shape])
if a.layers:
    shape["num_hidden_layers"] = a.layers
scaling = {"rope_type": "llama3", "factor": shape.pop("rope_factor"), "low_freq_factor": 1.0, "high_freq_factor": 4.0,
           "original_max_position_embeddings": 8192}
# transformers 5 reads rope_parameters (theta included); 4.43+ reads rope_scaling.
if "rope_parameters" in LlamaConfig().to_dict():
    rope = dict(rope_parameters=scaling | {"rope_theta": 500000.0})
else:
    rope = dict(rope_scaling=scaling, rope_theta=500000.0)
cfg = LlamaConfig(**shape, **rope, max_position_embeddings=131072, rms_norm_eps=1e-5, bos_token_id=128000, eos_token_id=128001)
with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
    model = LlamaForCausalLM(cfg).to(getattr(torch, a.dtype))
model.save_pretrained(a.out, safe_serialization=True, max_shard_size="4GB")
print("wrote", a.out, sum(p.numel() for p in model.parameters()), "parameters")
