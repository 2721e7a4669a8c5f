#!/usr/bin/env python3
"""Exports a BERT encoder from Hugging Face transformers (BertModel) to ONNX with the
legacy TorchScript exporter, so the exporter's own patterns (Erf-GELU, LayerNormalization,
MatMul-Div-Add(mask)-Softmax-MatMul attention, the extended attention mask built from
the int64 mask with Cast/Sub/Mul) are what driftc sees.

Default: golden/models/bert_tiny, random weights (torch seed 0) of
BertConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
intermediate_size=128, vocab_size=1000, max_position_embeddings=64).
With --pretrained DIR: the model in DIR (config.json + model.safetensors), loaded offline.

Inputs (numpy RandomState(0)): input_ids int64 [1, SEQ] drawn from the vocabulary,
token_type_ids int64 (second half 1), attention_mask int64 (last quarter 0: padding).
Outputs: last_hidden_state [1, SEQ, hidden], pooler_output [1, hidden]. Opset 17.

Run with Debian's python3 (python3-torch 1.13, plus pip transformers==4.36.2), then
make_references.py in .venv:

    /usr/bin/python3 scripts/make_bert.py && .venv/bin/python scripts/make_references.py golden/models/bert_tiny
"""
import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from transformers import BertConfig, BertModel  # noqa: E402

SEQ = 16


def tiny_model():
    torch.manual_seed(0)
    config = BertConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
                        vocab_size=1000, max_position_embeddings=64)
    return BertModel(config)


def inputs(vocab, seq):
    rng = np.random.RandomState(0)
    ids = rng.randint(0, vocab, size=(1, seq)).astype(np.int64)
    types = np.zeros((1, seq), dtype=np.int64)
    types[:, seq // 2:] = 1
    mask = np.ones((1, seq), dtype=np.int64)
    mask[:, seq - seq // 4:] = 0
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pretrained", help="directory with config.json and the weights (loaded offline)")
    ap.add_argument("--out", default=os.path.join(root, "golden", "models", "bert_tiny"))
    ap.add_argument("--seq", type=int, default=SEQ)
    a = ap.parse_args()

    if a.pretrained:
        torch.manual_seed(0)  # any weight the checkpoint lacks (e.g. the pooler) is seeded
        model = BertModel.from_pretrained(a.pretrained, local_files_only=True)
    else:
        model = tiny_model()
    model.eval()
    feeds = inputs(model.config.vocab_size, a.seq)
    os.makedirs(os.path.join(a.out, "inputs"), exist_ok=True)
    for name, arr in feeds.items():
        np.save(os.path.join(a.out, "inputs", name + ".npy"), arr)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    args = tuple(torch.from_numpy(feeds[n]) for n in names)
    with torch.no_grad():
        torch.onnx.export(model, args, os.path.join(a.out, "model.onnx"), input_names=names,
                          output_names=["last_hidden_state", "pooler_output"], opset_version=17,
                          do_constant_folding=True)


if __name__ == "__main__":
    main()
