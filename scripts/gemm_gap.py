#!/usr/bin/env python3
"""Per-product gap to cuBLAS: reads the prefill chunk's per-dispatch profile that
`llm_device_check.py --bench SHAPE --dispatches` prints (rows `| i | label | kernel | us |`),
sums each projection's dispatches per layer (a K-split product's parts and its sum are
listed apart), and prints driftc's TFLOP/s per projection beside PyTorch's (torch.matmul
in f16 and bf16 on this GPU, best of several CUDA-event timings; skipped without CUDA) at
the same [M, K] x [K, N]. Run it on the GPU machine after the benchmark, on its log.

    usage: gemm_gap.py LOG --shape llama-3.2-1b|llama-3.1-8b [--rows 1024]
"""
import argparse, re
from collections import defaultdict

# hidden, intermediate, heads, kv heads, head size
SHAPES = {"llama-3.2-1b": (2048, 8192, 32, 8, 64), "llama-3.1-8b": (4096, 14336, 32, 8, 128)}


def torch_tflops(m, k, n, runs=20):
    try:
        import torch
        if not torch.cuda.is_available():
            return {}
    except ImportError:
        return {}
    out = {}
    for name, dt in [("f16", torch.float16), ("bf16", torch.bfloat16)]:
        a, b = torch.randn(m, k, device="cuda", dtype=dt), torch.randn(k, n, device="cuda", dtype=dt)
        for _ in range(3):
            a @ b
        best = float("inf")
        for _ in range(runs):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record(); a @ b; e.record(); torch.cuda.synchronize()
            best = min(best, s.elapsed_time(e))
        out[name] = 2.0 * m * k * n / (best * 1e-3) / 1e12
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--shape", required=True, choices=sorted(SHAPES))
    ap.add_argument("--rows", type=int, default=1024)
    a = ap.parse_args()
    hidden, inter, heads, kv, d = SHAPES[a.shape]
    # (K, N) per projection; up's kernel also takes the gate's product in its epilogue.
    dims = {"q_proj": (hidden, heads * d), "k_proj": (hidden, kv * d), "v_proj": (hidden, kv * d), "o_proj": (heads * d, hidden),
            "gate_proj": (hidden, inter), "up_proj": (hidden, inter), "down_proj": (inter, hidden)}
    per = defaultdict(lambda: defaultdict(float))  # projection -> layer -> us
    sums = defaultdict(lambda: defaultdict(float))
    row = re.compile(r"^\| \d+ \| (model\.layers\.(\d+)\.([a-z_]+?)(\.k_sum)?) \| ([a-z_0-9]+) \| ([0-9.]+) \|$")
    for line in open(a.log):
        mt = row.match(line.strip())
        if not mt or mt.group(3) not in dims:
            continue
        layer, proj, is_sum, us = int(mt.group(2)), mt.group(3), mt.group(4), float(mt.group(6))
        (sums if is_sum else per)[proj][layer] += us
    if not per:
        raise SystemExit(f"{a.log}: no per-dispatch prefill rows (run llm_device_check.py with --dispatches)")
    print(f"{a.shape}, {a.rows} rows: per projection, mean over layers (the first layer left out where there are more)")
    print("| projection | M x K x N | driftc us | driftc TFLOP/s | its sum us | torch f16 TFLOP/s | torch bf16 TFLOP/s |")
    print("|---|---|---|---|---|---|---|")
    for proj, (k, n) in dims.items():
        layers = sorted(per[proj])
        if not layers:
            continue
        use = layers[1:] or layers
        us = sum(per[proj][l] for l in use) / len(use)
        su = sum(sums[proj].get(l, 0.0) for l in use) / len(use)
        t = torch_tflops(a.rows, k, n)
        tf = lambda key: f"{t[key]:.0f}" if key in t else "-"
        print(f"| {proj} | {a.rows} x {k} x {n} | {us:.1f} | {2.0 * a.rows * k * n / (us * 1e-6) / 1e12:.0f} | {su:.1f} | {tf('f16')} | {tf('bf16')} |", flush=True)


if __name__ == "__main__":
    main()
