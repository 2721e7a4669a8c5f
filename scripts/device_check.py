#!/usr/bin/env python3
"""Runs driftc bundles on this machine's GPU and compares them with onnxruntime.

For each model directory (model.onnx + meta.json + onnxruntime reference .npy files, as
made by make_references.py): compile for TARGET at each precision, run with
`driftc run --runs N` (median GPU time from Vulkan timestamps), compare every output with
the reference (relative L2), and time onnxruntime on the CPU for the same model.
Prints one table row per (model, precision); exits 1 if any error exceeds its tolerance.

    usage: device_check.py DRIFTC TARGET OUTDIR MODEL_DIR...
"""
import json, os, re, subprocess, sys, time

import numpy as np


def rel_l2(a, b):
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def ort_cpu_ms(model, feeds, runs=20):
    import onnxruntime as ort
    s = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    s.run(None, feeds)
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        s.run(None, feeds)
        t.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(t))


def main():
    driftc, target, outdir = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    failed = False
    print(f"| model | precision | max rel. L2 vs onnxruntime | driftc GPU ms (median) | driftc wall ms | onnxruntime CPU ms |")
    print("|---|---|---|---|---|---|")
    for d in sys.argv[4:]:
        meta = json.load(open(os.path.join(d, "meta.json")))
        name = os.path.basename(os.path.normpath(d))
        model = os.path.join(d, "model.onnx")
        feeds = {i["name"]: np.load(os.path.join(d, i["file"])) for i in meta["inputs"]}
        ort_ms = ort_cpu_ms(model, feeds)
        for prec, tol in (("f32", 1e-4), ("f16", 1e-2)):
            # (TARGET may be a target file: its stem names the bundle.)
            bundle = os.path.join(outdir, f"{name}.{os.path.splitext(os.path.basename(target))[0]}.{prec}.bundle")
            out = os.path.join(outdir, f"{name}-{prec}")
            shapes = sum((["--shape", s] for s in meta.get("shape_args", [])), [])
            subprocess.run([driftc, "compile", model, "--target", target, "--precision", prec, "-o", bundle] + shapes, check=True)
            inputs = sum((["--input", f"{i['name']}={os.path.join(d, i['file'])}"] for i in meta["inputs"]), [])
            r = subprocess.run([driftc, "run", bundle, "--output-dir", out, "--runs", "21"] + inputs, check=True, capture_output=True, text=True)
            line = r.stdout.strip().splitlines()[-1]
            gpu = re.search(r"gpu time: ([0-9.]+) ms", line)
            wall = re.search(r"wall time: ([0-9.]+) ms", line)
            worst = 0.0
            for o in meta["outputs"]:
                got = np.load(os.path.join(out, os.path.basename(o["file"])))
                want = np.load(os.path.join(d, o["file"]))
                worst = max(worst, rel_l2(got, want))
            ok = worst <= tol
            failed |= not ok
            print(f"| {name} | {prec} | {worst:.2e}{'' if ok else ' FAIL'} | {gpu.group(1) if gpu else 'n/a'} | {wall.group(1) if wall else 'n/a'} | {ort_ms:.2f} |", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
