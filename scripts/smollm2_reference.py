#!/usr/bin/env python3
"""Greedy reference for a converted SmolLM2 checkpoint (scripts/convert_smollm2.py):
transformers LlamaForCausalLM in f32 with its KV cache, argmax each step, no logits
processors, no EOS stop. Prints one JSON object: prompt_ids, ids (new tokens), text.
Run with Debian's python3 (python3-torch, transformers):

    /usr/bin/python3 scripts/smollm2_reference.py CKPT_DIR "question" [NEW_TOKENS]
"""
import json, sys

import torch
from transformers import LlamaForCausalLM, PreTrainedTokenizerFast

ckpt, question = sys.argv[1], sys.argv[2]
new = int(sys.argv[3]) if len(sys.argv) > 3 else 32
tok = PreTrainedTokenizerFast(tokenizer_file=f"{ckpt}/tokenizer.json")
prompt = tok.encode(f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n", add_special_tokens=False)
model = LlamaForCausalLM.from_pretrained(ckpt, torch_dtype=torch.float32).eval()
with torch.no_grad():
    o = model(torch.tensor([prompt]), use_cache=True)
    past, nxt, gen = o.past_key_values, int(o.logits[0, -1].argmax()), []
    for _ in range(new):
        gen.append(nxt)
        o = model(torch.tensor([[nxt]]), past_key_values=past, use_cache=True)
        past, nxt = o.past_key_values, int(o.logits[0, -1].argmax())
print(json.dumps({"prompt_ids": prompt, "ids": gen, "text": tok.decode(gen)}))
