#!/usr/bin/env python3
"""A random-weight Hugging Face checkpoint with the shape of a real Llama, for benchmarks
(weights from transformers' own initializer, seed 0; never committed):

    python3 scripts/make_llama_shaped.py llama-3.2-1b OUT_DIR [--dtype float16]

Shapes: llama-3.2-1b (16 layers, hidden 2048, 32/8 heads, FFN 8192, vocab 128256, tied
embeddings) and llama-3.1-8b (32 layers, hidden 4096, 32/8 heads, FFN 14336, vocab 128256).
rope_scaling is left out (driftc's frontend does not read Llama 3.1's yet); it does not
change the work per token.
"""
import argparse, os

import torch
from transformers import LlamaConfig, LlamaForCausalLM

SHAPES = {
    "llama-3.2-1b": dict(hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, num_attention_heads=32,
                         num_key_value_heads=8, vocab_size=128256, tie_word_embeddings=True),
    "llama-3.1-8b": dict(hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
                         num_key_value_heads=8, vocab_size=128256, tie_word_embeddings=False),
}

ap = argparse.ArgumentParser()
ap.add_argument("shape", choices=sorted(SHAPES))
ap.add_argument("out")
ap.add_argument("--dtype", default="float16", choices=["float16", "float32", "bfloat16"])
a = ap.parse_args()
torch.manual_seed(0)
cfg = LlamaConfig(**SHAPES[a.shape], max_position_embeddings=131072, rms_norm_eps=1e-5, rope_theta=500000.0,
                  bos_token_id=128000, eos_token_id=128001)
with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
    model = LlamaForCausalLM(cfg).to(getattr(torch, a.dtype))
model.save_pretrained(a.out, safe_serialization=True, max_shard_size="4GB")
print("wrote", a.out, sum(p.numel() for p in model.parameters()), "parameters")
