#!/usr/bin/env python3
"""Write a deterministic synthetic "printed text" input for the rapidocr models.

Random noise gives the real-weight DBNet detector an all-zero probability map (max
~2e-5), which makes a useless reference. This draws glyph-like dark strokes on a light,
slightly noisy page (numpy RandomState(0)) and normalizes it the way PaddleOCR does
before each model:
  det: rows of 16 px glyphs, 1x3xHxW, (img - ImageNet mean) / ImageNet std
  cls: one line of 32 px glyphs, 1x3x48x192, (img - 0.5) / 0.5
Output: DIR/inputs/x.npy (float32, npy 1.0). Run scripts/make_references.py after it.

  usage: .venv/bin/python scripts/synth_ocr_inputs.py DIR det|cls [H W]
"""
import os
import sys

import numpy as np


def glyph(rng, size):
    g = np.zeros((size, size), bool)
    t = max(2, size // 8)  # stroke width
    for _ in range(rng.randint(2, 5)):
        a, b = rng.randint(0, size // 2), rng.randint(size // 2 + 1, size + 1)
        o = rng.randint(0, size - t)
        if rng.rand() < 0.5:
            g[o:o + t, a:b] = True
        else:
            g[a:b, o:o + t] = True
    return g


def page(rng, h, w, size, rows):
    img = 0.92 + rng.uniform(-0.04, 0.04, (h, w))
    for top in rows:
        x = 10
        while x < w - size - 6:
            if rng.rand() < 0.12:  # word gap
                x += size
                continue
            sl = img[top:top + size, x:x + size]
            sl[glyph(rng, size)] = 0.08 + 0.05 * rng.rand()
            x += size + rng.randint(1, 4)
    return np.repeat(img[None, None], 3, axis=1)


def main():
    d, kind = sys.argv[1], sys.argv[2]
    rng = np.random.RandomState(0)
    if kind == "det":
        h, w = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (224, 224)
        img = page(rng, h, w, 16, range(12, h - 16, 24))
        mean = np.array([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
        std = np.array([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)
        x = (img - mean) / std
    elif kind == "cls":
        img = page(rng, 48, 192, 32, [8])
        x = (img - 0.5) / 0.5
    else:
        sys.exit("kind must be det or cls")
    os.makedirs(os.path.join(d, "inputs"), exist_ok=True)
    with open(os.path.join(d, "inputs", "x.npy"), "wb") as f:
        np.lib.format.write_array(f, np.ascontiguousarray(x, dtype=np.float32), version=(1, 0))


if __name__ == "__main__":
    main()
