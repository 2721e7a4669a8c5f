#!/usr/bin/env python3
"""Long-context references for golden/models/llama_tiny, made by transformers on the same
checkpoint: positions far past one tile of the attention kernels (256 keys) and past the
config's max_position_embeddings (transformers extends its rotary table; driftc takes the
context from --max-context).

- inputs/long_ids.npy: 600 random token ids (numpy seed 1).
- outputs/long_log_probs.npy: log-softmax of transformers' logits at position i, read at
  long_ids[i + 1] (599 values, one forward pass over all 600 ids).
- outputs/long_top1.npy: transformers' argmax at each of those positions.
- outputs/long_generated_ids.npy: 32 greedy tokens after the first 560 ids (KV cache).

Run with Debian's python3 (python3-torch) and transformers:

    /usr/bin/python3 scripts/make_long_context_golden.py
"""
import os

import numpy as np
import torch
from transformers import LlamaForCausalLM

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
d = os.path.join(root, "golden", "models", "llama_tiny")
model = LlamaForCausalLM.from_pretrained(d, attn_implementation="eager").eval().float()
ids = np.random.RandomState(1).randint(0, model.config.vocab_size, size=600).astype(np.int64)
with torch.no_grad():
    logits = model(torch.from_numpy(ids[None])).logits[0].double()
    lp = torch.log_softmax(logits, dim=-1)
    log_probs = lp[torch.arange(599), torch.from_numpy(ids[1:])].numpy()
    top1 = logits[:599].argmax(dim=-1).numpy().astype(np.int64)
    o = model(torch.from_numpy(ids[None, :560]), use_cache=True)
    past, nxt, gen = o.past_key_values, int(o.logits[0, -1].argmax()), []
    for _ in range(32):
        gen.append(nxt)
        o = model(torch.tensor([[nxt]]), past_key_values=past, use_cache=True)
        past, nxt = o.past_key_values, int(o.logits[0, -1].argmax())
np.save(os.path.join(d, "inputs", "long_ids.npy"), ids)
np.save(os.path.join(d, "outputs", "long_log_probs.npy"), log_probs)
np.save(os.path.join(d, "outputs", "long_top1.npy"), top1)
np.save(os.path.join(d, "outputs", "long_generated_ids.npy"), np.array(gen, np.int64))
print("perplexity", float(np.exp(-log_probs.mean())), "generated", gen)
