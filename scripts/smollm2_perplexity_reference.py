#!/usr/bin/env python3
"""Perplexity reference for a converted SmolLM2 checkpoint (scripts/convert_smollm2.py):
transformers LlamaForCausalLM in f32, one forward pass over the first TOKENS tokens of TEXT
(tokenized without special tokens, as `driftc perplexity` does), exp of the mean negative
log-likelihood of each next token. Prints one JSON object. Run with Debian's python3
(python3-torch) and transformers:

    /usr/bin/python3 scripts/smollm2_perplexity_reference.py CKPT_DIR TEXT [TOKENS]
"""
import json, sys

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import LlamaForCausalLM

ckpt, text = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 2048
ids = Tokenizer.from_file(f"{ckpt}/tokenizer.json").encode(open(text).read(), add_special_tokens=False).ids[:n]
model = LlamaForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32).eval()
with torch.no_grad():
    logits = model(torch.tensor([ids])).logits[0].double()
lp = torch.log_softmax(logits, -1)[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].numpy()
print(json.dumps({"tokens": len(ids), "predicted": len(lp), "perplexity": float(np.exp(-lp.mean()))}))
