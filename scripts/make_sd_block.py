#!/usr/bin/env python3
"""Exports golden/models/sd_block: a small Stable-Diffusion-style block (GroupNorm + SiLU +
Conv resnet, LayerNorm, self- and cross-attention with manual softmax(QK^T/sqrt(d))V,
GELU feed-forward) from PyTorch with random weights, so the exporter's own patterns
(decomposed GroupNorm, Sigmoid*x, Erf-GELU, MatMul-Softmax-MatMul) are what the fusion
passes see. Run with Debian's python3 (python3-torch), then make_references.py in .venv:

    /usr/bin/python3 scripts/make_sd_block.py && .venv/bin/python scripts/make_references.py golden/models/sd_block
"""
import os

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)
C, H, W, CTX, DC, HEADS = 32, 8, 8, 7, 24, 2


class Attention(nn.Module):
    def __init__(self, dq, dkv):
        super().__init__()
        self.q = nn.Linear(dq, dq, bias=False)
        self.k = nn.Linear(dkv, dq, bias=False)
        self.v = nn.Linear(dkv, dq, bias=False)
        self.o = nn.Linear(dq, dq)

    def forward(self, x, ctx):
        b, n, d = x.shape
        hd = d // HEADS
        q = self.q(x).reshape(b, n, HEADS, hd).transpose(1, 2)
        k = self.k(ctx).reshape(b, -1, HEADS, hd).transpose(1, 2)
        v = self.v(ctx).reshape(b, -1, HEADS, hd).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-1, -2)) * (hd ** -0.5)
        p = s.softmax(dim=-1)
        o = torch.matmul(p, v).transpose(1, 2).reshape(b, n, d)
        return self.o(o)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.gn1, self.conv1 = nn.GroupNorm(8, C), nn.Conv2d(C, C, 3, padding=1)
        self.gn2, self.conv2 = nn.GroupNorm(8, C), nn.Conv2d(C, C, 3, padding=1)
        self.ln1, self.attn1 = nn.LayerNorm(C), Attention(C, C)
        self.ln2, self.attn2 = nn.LayerNorm(C), Attention(C, DC)
        self.ln3, self.ff1, self.ff2 = nn.LayerNorm(C), nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

    def forward(self, x, ctx):
        h = self.conv1(F.silu(self.gn1(x)))
        h = self.conv2(F.silu(self.gn2(h))) + x
        b, c, hh, ww = h.shape
        t = h.reshape(b, c, hh * ww).transpose(1, 2)
        n1 = self.ln1(t)
        t = self.attn1(n1, n1) + t
        t = self.attn2(self.ln2(t), ctx) + t
        t = self.ff2(F.gelu(self.ff1(self.ln3(t)))) + t
        return t.transpose(1, 2).reshape(b, c, hh, ww)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    out = os.path.join(root, "golden", "models", "sd_block")
    os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
    m = Block().eval()
    with torch.no_grad():
        for gn in (m.gn1, m.gn2):
            gn.weight.uniform_(0.5, 1.5)
            gn.bias.normal_(0, 0.1)
    rng = np.random.RandomState(0)
    x = rng.standard_normal((1, C, H, W)).astype(np.float32)
    ctx = rng.standard_normal((1, CTX, DC)).astype(np.float32)
    np.save(os.path.join(out, "inputs", "x.npy"), x)
    np.save(os.path.join(out, "inputs", "ctx.npy"), ctx)
    torch.onnx.export(m, (torch.from_numpy(x), torch.from_numpy(ctx)), os.path.join(out, "model.onnx"),
                      input_names=["x", "ctx"], output_names=["y"], opset_version=17, do_constant_folding=True)


if __name__ == "__main__":
    main()
