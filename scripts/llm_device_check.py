#!/usr/bin/env python3
"""LLM checks on a GPU machine (Vulkan or OpenCL target):

1. llama_tiny, llama31_tiny and gemma2_tiny parity: the prompt logits (`driftc run`, input_ids at position 0) against
   transformers' (relative L2), and 32 greedy tokens (`driftc generate --prompt-ids`)
   against transformers' own greedy tokens (golden/models/llama_tiny); on the target as
   benched (--tuning applied) and again with the decode attention split 8 keys at a time,
   so the split kernel and its combine run at these short lengths (llama and llama 3.1;
   gemma 2's 24-wide heads take the one-pass decode kernel either way).
2. With --bench SHAPE: a random-weight checkpoint of that shape (scripts/make_llama_shaped.py),
   compiled at --precision f16, `driftc generate --bench`-style run of PROMPT prompt tokens
   and NEW new tokens, and transformers (PyTorch, bf16, eager, KV cache) on the same
   checkpoint for comparison. Prints markdown rows.

    usage: llm_device_check.py DRIFTC TARGET OUTDIR [--bench llama-3.2-1b] [--prompt 1024] [--new 256]
"""
import argparse, hashlib, json, os, subprocess, sys, time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("driftc")
ap.add_argument("target")
ap.add_argument("outdir")
ap.add_argument("--bench", action="append", default=[])
ap.add_argument("--prompt", type=int, default=1024)
ap.add_argument("--new", type=int, default=256)
ap.add_argument("--max-context", type=int, default=0, help="the benched bundles' KV-cache length (default: prompt + new tokens; a short prompt in a longer context pads its chunk, as in an app)")
ap.add_argument("--chunk", type=int, default=None, help="prefill tokens per chunk (default: the target's tuning.llm_prefill_tokens)")
ap.add_argument("--quant", action="append", default=[], help="weight formats to bench (default f16); q8+i8act and 8/4/4+i8act: with int8 decode activations")
ap.add_argument("--skip-torch", action="store_true", help="bench driftc only (transformers already measured in this run)")
ap.add_argument("--skip-driftc", action="store_true", help="bench transformers only (driftc already measured in this run)")
ap.add_argument("--tuning", action="append", default=[], help="KEY=VALUE: bench bundles compiled for a copy of the target file with this [tuning] entry (repeatable; e.g. fixed_array_bounds_checks=false)")
ap.add_argument("--layers", type=int, default=None, help="--bench checkpoints with this many layers (kernel experiments: full-size shapes, short compiles)")
ap.add_argument("--dispatches", action="store_true", help="the decode step's and prefill chunk's profiles list every dispatch too")
ap.add_argument("--no-robust-buffer-access", action="store_true", help="driftc generate --no-robust-buffer-access for the timed runs, the decode-step check, the profiles and the pipeline statistics (the driver's bounds checks off; driftc's kernels clamp their own buffer indices; the prefill-chunk check through driftc run keeps them)")
ap.add_argument("--step-by-step", action="store_true", help="driftc generate --step-by-step for the timed runs only (by default greedy decode steps are chained on the device, through OpenCL and Vulkan; the harness then also times the same generation step by step, checks its tokens are the same, and splits its step into run and host time)")
ap.add_argument("--warmup", type=int, default=1, help="driftc generate --warmup for the timed run (untimed generations first, as transformers' runs have; 0: the first prompt of the process is timed)")
ap.add_argument("--spin-wait-us", type=int, default=20000, help="driftc generate --spin-wait-us for the timed runs (poll the fence before blocking; 0 blocks at once)")
ap.add_argument("--pipeline-stats", action="store_true", help="print each kernel's compile statistics for the benched bundles (Vulkan: the driver's pipeline statistics; OpenCL: the work-group limit, private and local bytes, and on NVIDIA the assembler's registers and spills)")
ap.add_argument("--skip-parity", action="store_true", help="no tiny-checkpoint parity or cooperative-matrix checks (already run with this binary)")
ap.add_argument("--against-tiled", action="store_true", help="the prefill-chunk check also compiles each benched bundle without the target's tensor-core prefill (opencl_ptx_mma / prefill_cooperative_matrix off: linear_tiled) and bounds the two chunks' logits against each other (rel L2 <= 5e-3; for q8 and 8/4/4, whose distance to transformers' f32 logits is their quantization's)")
ap.add_argument("--quick", action="store_true", help="A/B runs: only the timed generation per bundle (no step-by-step companion run, no decode-step or prefill-chunk profile)")
ap.add_argument("--skip-chunk-check", action="store_true", help="no prefill-chunk logits check against transformers' f32 model (it loads that model first: tens of seconds for an 8B shape; for kernel A/B runs)")
a = ap.parse_args()
os.makedirs(a.outdir, exist_ok=True)
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def sh(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout if r.stdout.strip() else r.stderr


target_file = os.path.join(os.environ.get("DRIFTC_TARGETS", os.path.join(root, "targets")), f"{a.target}.toml")
target_text = open(target_file).read() if os.path.exists(target_file) else ""


def target_with(overrides, tag):
    """A copy of the target file with [tuning] entries KEY=VALUE set (replaced or added)."""
    lines = target_text.splitlines()
    if "[tuning]" not in lines:
        lines.append("[tuning]")
    for kv in overrides:
        key, value = kv.split("=", 1)
        hit = [i for i, l in enumerate(lines) if l.split("=")[0].strip() == key.strip()]
        if hit:
            lines[hit[0]] = f"{key.strip()} = {value.strip()}"
        else:
            lines.insert(lines.index("[tuning]") + 1, f"{key.strip()} = {value.strip()}")
    tdir = os.path.join(a.outdir, f"target-{tag}")
    os.makedirs(tdir, exist_ok=True)
    path = os.path.join(tdir, f"{a.target}.toml")
    open(path, "w").write("\n".join(lines) + "\n")
    return path


# The target as benched (--tuning applied), and with decode attention split across
# workgroups (8 keys per split: the 40-token generations run the split kernel and the
# combine, which the default 256 keys per split leave out at this length).
parity_targets = [] if a.skip_parity else [("", target_with(a.tuning, "parity") if a.tuning else a.target)]
if target_text and not a.skip_parity:
    parity_targets.append((" (8 keys per decode attention split)", target_with(a.tuning + ["decode_attention_split_keys=8"], "split")))
ok = True
for name, (what, tgt) in [(n, t) for n in ["llama_tiny", "llama31_tiny", "gemma2_tiny"] for t in parity_targets]:
    tiny = os.path.join(root, "golden/models", name)
    if not os.path.isdir(tiny):
        continue
    bundle = os.path.join(a.outdir, f"{name}.{a.target}.bundle")
    sh(a.driftc, "compile", tiny, "--target", tgt, "--precision", "f32", "--prefill-tokens", "8", "-o", bundle)
    sh(a.driftc, "run", bundle, "--input", f"input_ids={tiny}/inputs/input_ids.npy", "--input", f"position={tiny}/inputs/position.npy", "--input", f"last_row={tiny}/inputs/last_row.npy", "--output-dir", a.outdir)
    got = np.load(os.path.join(a.outdir, "logits.npy")).astype(np.float64)
    want = np.load(os.path.join(tiny, "outputs/logits.npy")).astype(np.float64)
    err = float(np.linalg.norm(got - want) / np.linalg.norm(want))
    prompt = ",".join(str(int(x)) for x in np.load(os.path.join(tiny, "inputs/prompt_ids.npy")))
    gen = json.loads(sh(a.driftc, "generate", bundle, "--prompt-ids", prompt, "--max-new-tokens", "32", "--ignore-eos", "--json"))
    ref = [int(x) for x in np.load(os.path.join(tiny, "outputs/generated_ids.npy"))]
    same = gen["ids"] == ref
    ok &= same and err <= 1e-4
    print(f"{name} on {a.target}{what}: prompt logits rel L2 {err:.2e} (<= 1e-4: {err <= 1e-4}); 32 greedy tokens equal transformers': {same}")

# Targets that prefill on cooperative matrices (tuning.prefill_cooperative_matrix): the
# f16 prompt logits of a 40-token chunk (edges inside the 64 x 64 tiles; K = 160 is not a
# multiple of the 32-input steps) from linear_coop and cached_attention_coop against the
# same bundle compiled with linear_tiled and cached_attention_tiled (a copy of the target
# file with the tuning off), for f16, q8 and 8/4/4; both against transformers' f32 logits.
if "prefill_cooperative_matrix = true" in target_text and not a.skip_parity:
    import torch
    from transformers import AutoModelForCausalLM
    # --tuning applies to both sides (e.g. coop_stage_halves=true is checked here).
    coop = target_with(a.tuning, "coop") if a.tuning else a.target
    tiled = target_with(a.tuning + ["prefill_cooperative_matrix=false"], "tiled")
    for name in ["llama_tiny", "gemma2_tiny"]:
        tiny = os.path.join(root, "golden/models", name)
        cfg = json.load(open(os.path.join(tiny, "config.json")))
        ids = np.random.RandomState(1).randint(0, cfg["vocab_size"], size=(1, 40)).astype(np.int64)
        np.save(os.path.join(a.outdir, "coop_ids.npy"), ids)
        np.save(os.path.join(a.outdir, "coop_pos.npy"), np.zeros([1], np.int64))
        np.save(os.path.join(a.outdir, "coop_last.npy"), np.array([ids.shape[1] - 1], np.int64))
        ref = AutoModelForCausalLM.from_pretrained(tiny, torch_dtype=torch.float32).eval()
        with torch.no_grad():
            want = ref(torch.tensor(ids)).logits.numpy().astype(np.float64)
        for q in ["f16", "q8", "8/4/4"]:
            got = {}
            for kind, tgt in [("coop", coop), ("tiled", tiled)]:
                b = os.path.join(a.outdir, f"{name}.{kind}.bundle")
                sh(a.driftc, "compile", tiny, "--target", tgt, "--quant", q, "--precision", "f16", "--prefill-tokens", "40", "-o", b)
                kinds = sh(a.driftc, "inspect", b)
                uses = "linear_coop" in kinds
                if uses != (kind == "coop"):
                    ok = False
                    print(f"{name} {q}: the {kind} bundle {'uses' if uses else 'lacks'} linear_coop")
                out = os.path.join(a.outdir, kind)
                sh(a.driftc, "run", b, "--input", f"input_ids={a.outdir}/coop_ids.npy", "--input", f"position={a.outdir}/coop_pos.npy", "--input", f"last_row={a.outdir}/coop_last.npy", "--output-dir", out)
                got[kind] = np.load(os.path.join(out, "logits.npy")).astype(np.float64).reshape(want.shape)
            rel = lambda x, y: float(np.linalg.norm(x - y) / np.linalg.norm(y))
            between, vs_ref = rel(got["coop"], got["tiled"]), rel(got["coop"], want)
            bound = 5e-3
            ok &= between <= bound
            print(f"{name} {q} f16 prefill on {a.target}: cooperative-matrix kernels vs tiled rel L2 {between:.2e} (<= {bound}: {between <= bound}); vs transformers f32 {vs_ref:.2e} (linear_tiled {rel(got['tiled'], want):.2e})", flush=True)

for shape in a.bench:
    import torch
    from transformers import LlamaForCausalLM
    ckpt = os.path.join(a.outdir, shape + (f"-{a.layers}layers" if a.layers else ""))
    if not os.path.exists(os.path.join(ckpt, "config.json")):
        t0 = time.time()
        sh(sys.executable, os.path.join(root, "scripts/make_llama_shaped.py"), shape, ckpt, "--dtype", "float16", *(["--layers", str(a.layers)] if a.layers else []))
        print(f"{shape}: checkpoint in {time.time() - t0:.0f} s")
    rng = np.random.RandomState(0)
    ids = rng.randint(0, 128000, size=a.prompt)
    cfg = json.load(open(os.path.join(ckpt, "config.json")))
    # Device copy bandwidth in this run (read + write bytes per second), the yardstick of #8.
    import torch
    src = torch.empty(1 << 30, dtype=torch.uint8, device="cuda"); dst = torch.empty_like(src)
    for _ in range(3):
        dst.copy_(src)
    torch.cuda.synchronize(); t0 = time.perf_counter()
    for _ in range(20):
        dst.copy_(src)
    torch.cuda.synchronize()
    copy_bw = 20 * 2 * src.numel() / (time.perf_counter() - t0)
    del src, dst
    torch.cuda.empty_cache()
    print(f"{shape}: device copy (torch, 1 GiB) {copy_bw / 1e9:.0f} GB/s read + write", flush=True)
    hd = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    params_embed = cfg["vocab_size"] * cfg["hidden_size"]
    decode_refs = {}
    # transformers' f32 prompt logits per chunk length, computed once for all formats.
    chunk_refs = {}
    for q in [] if a.skip_driftc else a.quant or ["f16"]:
        b = os.path.join(a.outdir, f"{shape}.{a.target}.{q.replace('/', '')}.bundle")
        t0 = time.time()
        # "q8+i8act" / "8/4/4+i8act": the same weights with the decode projections' activations
        # quantized to int8 (int8 dot products), from a copy of the target file with
        # tuning.decode_int8_activations on.
        wq = q.split("+")[0]
        overrides = a.tuning + (["decode_int8_activations = true"] if q.endswith("+i8act") else [])
        tgt = target_with(overrides, q.replace("/", "")) if overrides else a.target
        if a.tuning:
            print(f"{shape} {q}: target tuning {a.tuning}", flush=True)
        prec = ["--precision", "f16"] if wq in ("q8", "8/4/4") else []
        out = sh(a.driftc, "compile", ckpt, "--target", tgt, "--quant", wq, *prec, *(["--prefill-tokens", str(a.chunk)] if a.chunk else []), "--max-context", str(max(a.max_context, a.prompt + a.new)), "-o", b)
        print(f"{shape} {q}: compiled in {time.time() - t0:.0f} s: {out.strip().splitlines()[0]}; bundle {os.path.getsize(b)} B", flush=True)
        for note in (l for l in out.splitlines() if l.startswith("note: ")):
            print(f"{shape} {q}: compile {note}", flush=True)
        # The prefill program alone on the first chunk of the prompt, against transformers'
        # f32 logits for the same tokens (the full-size kernels' correctness: head size 64
        # or 128 attention tiles, cooperative-matrix projections where the target has them);
        # bound for f16 only (q8 and 8/4/4 print their quantization's distance).
        if not a.skip_chunk_check:
            chunk = int(sh(a.driftc, "inspect", b).split("input 'input_ids' I64 [1, ")[1].split("]")[0])
            # A prompt shorter than the chunk is padded with its last token; last_row marks
            # its end and only its rows are compared.
            live = min(chunk, len(ids))
            first_chunk = list(ids[:live]) + [ids[live - 1]] * (chunk - live)
            np.save(os.path.join(a.outdir, "bench_ids.npy"), np.array([first_chunk], dtype=np.int64))
            np.save(os.path.join(a.outdir, "bench_pos.npy"), np.zeros([1], np.int64))
            np.save(os.path.join(a.outdir, "bench_last.npy"), np.array([live - 1], np.int64))
            sh(a.driftc, "run", b, "--input", f"input_ids={a.outdir}/bench_ids.npy", "--input", f"position={a.outdir}/bench_pos.npy", "--input", f"last_row={a.outdir}/bench_last.npy", "--output-dir", os.path.join(a.outdir, "bench_out"))
            got = np.load(os.path.join(a.outdir, "bench_out", "logits.npy")).astype(np.float32).reshape(chunk, -1)[:live]
            if live not in chunk_refs:
                from transformers import LlamaForCausalLM as _L
                ref32 = _L.from_pretrained(ckpt, torch_dtype=torch.float32).cuda().eval()
                with torch.no_grad():
                    chunk_refs[live] = ref32(torch.tensor(np.array([ids[:live]]), device="cuda")).logits[0].float().cpu().numpy()
                del ref32
                torch.cuda.empty_cache()
            if a.against_tiled:
                # The same weights on linear_tiled (the target's tensor-core prefill off, and
                # what needs it), the same chunk.
                off = ["opencl_ptx_mma=false", "opencl_ptx_wgmma=false", "subgroup_reductions=false", "attention_subgroup_reductions=false", "opencl_ptx_stream_loads=false", "chain_dependent_dispatches=false", "chain_persistent_groups=0", "chain_spin_waits=false"] if "opencl_ptx_mma = true" in target_text else ["prefill_cooperative_matrix=false"]
                bt = b + ".tiled"
                sh(a.driftc, "compile", ckpt, "--target", target_with(overrides + off, "tiled"), "--quant", wq, *prec, *(["--prefill-tokens", str(a.chunk)] if a.chunk else []), "--max-context", str(max(a.max_context, a.prompt + a.new)), "-o", bt)
                sh(a.driftc, "run", bt, "--input", f"input_ids={a.outdir}/bench_ids.npy", "--input", f"position={a.outdir}/bench_pos.npy", "--input", f"last_row={a.outdir}/bench_last.npy", "--output-dir", os.path.join(a.outdir, "tiled_out"))
                tiled = np.load(os.path.join(a.outdir, "tiled_out", "logits.npy")).astype(np.float32).reshape(chunk, -1)[:live]
                between = float(np.linalg.norm(got - tiled) / np.linalg.norm(tiled))
                ok &= between <= 5e-3
                print(f"{shape} {q} prefill chunk: tensor-core kernels vs linear_tiled (same weights) logits rel L2 {between:.2e} (<= 5e-3: {between <= 5e-3}); top-1 agreement {float((got.argmax(-1) == tiled.argmax(-1)).mean()):.4f}", flush=True)
                os.remove(bt)
            want = chunk_refs[live]
            err = float(np.linalg.norm(got - want) / np.linalg.norm(want))
            agree = float((got.argmax(-1) == want.argmax(-1)).mean())
            if wq == "f16":
                ok &= err <= 2e-2
            print(f"{shape} {q} prefill chunk of {chunk} ({live} prompt rows) vs transformers f32: logits rel L2 {err:.2e}" + (f" (<= 2e-2: {err <= 2e-2})" if wq == "f16" else "") + f", top-1 agreement {agree:.4f}", flush=True)
        if not a.skip_parity:
            # One decode step after the whole prompt (position PROMPT: the split decode
            # attention over the cache, the decode projections) against transformers' f32
            # logits for the prompt plus the token the bundle chose; bound for f16 only.
            dl = os.path.join(a.outdir, "decode_logits.npy")
            r2 = json.loads(sh(a.driftc, "generate", b, "--prompt-ids", ",".join(map(str, ids)), "--max-new-tokens", "2", "--ignore-eos", "--json", "--save-logits", dl, *(["--no-robust-buffer-access"] if a.no_robust_buffer_access else [])))
            first = int(r2["ids"][0])
            if first not in decode_refs:
                from transformers import LlamaForCausalLM as _L
                ref32 = _L.from_pretrained(ckpt, torch_dtype=torch.float32).cuda().eval()
                with torch.no_grad():
                    decode_refs[first] = ref32(torch.tensor(np.array([list(ids) + [first]]), device="cuda")).logits[0, -1].float().cpu().numpy()
                del ref32
                torch.cuda.empty_cache()
            got, want = np.load(dl).astype(np.float64), decode_refs[first].astype(np.float64)
            err = float(np.linalg.norm(got - want) / np.linalg.norm(want))
            top = int(got.argmax()) == int(want.argmax())
            if wq == "f16":
                ok &= err <= 2e-2
            print(f"{shape} {q} decode step at position {a.prompt} vs transformers f32: logits rel L2 {err:.2e}" + (f" (<= 2e-2: {err <= 2e-2})" if wq == "f16" else "") + f", same top-1: {top}", flush=True)
        # After one warm-up generation, as transformers' rows below are timed after theirs;
        # the warm-up's own (cold) prompt rate is printed beside.
        r = json.loads(sh(a.driftc, "generate", b, "--prompt-ids", ",".join(map(str, ids)), "--max-new-tokens", str(a.new), "--ignore-eos", "--json", "--spin-wait-us", str(a.spin_wait_us), "--warmup", str(a.warmup), *(["--step-by-step"] if a.step_by_step else []), *(["--no-robust-buffer-access"] if a.no_robust_buffer_access else [])))
        chains = bool(r.get("decode_chained"))
        print(f"| {shape} | driftc {a.target} {q}{' (decode steps chained)' if chains else ''} | {r['prefill_tok_s']:.0f} | {r['decode_tok_s']:.1f} |", flush=True)
        rs = r
        if chains and not a.quick:
            # The same generation step by step: its row beside, and its tokens must be the
            # chained run's (greedy, the same bundle and prompt).
            rs = json.loads(sh(a.driftc, "generate", b, "--prompt-ids", ",".join(map(str, ids)), "--max-new-tokens", str(a.new), "--ignore-eos", "--json", "--spin-wait-us", str(a.spin_wait_us), "--warmup", str(a.warmup), "--step-by-step", *(["--no-robust-buffer-access"] if a.no_robust_buffer_access else [])))
            print(f"| {shape} | driftc {a.target} {q} step by step | {rs['prefill_tok_s']:.0f} | {rs['decode_tok_s']:.1f} |", flush=True)
            same = list(rs["ids"]) == list(r["ids"])
            ok &= same
            print(f"{shape} {q}: chained tokens equal step-by-step tokens: {same} ({len(r['ids'])} tokens)", flush=True)
        # The generated ids' digest: bundles whose kernels sum in the same order (e.g. the
        # same weights under other launch shapes) must print the same one.
        print(f"{shape} {q}: {len(r['ids'])} generated ids, digest {hashlib.sha256(','.join(map(str, r['ids'])).encode()).hexdigest()[:16]}", flush=True)
        if r.get("cold_prefill_tok_s"):
            print(f"{shape} {q}: first (cold) prompt of the process {r['cold_prefill_tok_s']:.0f} tok/s; the row above is after {a.warmup} warm-up generation(s)", flush=True)
        # Bytes one decode step reads: the weights section (less the embedding table when it
        # is not also the LM head: decode gathers one row of it; its share estimated by
        # parameter count) plus the KV cache up to the mean decode position.
        wbytes = int(sh(a.driftc, "inspect", b).split("weights ")[1].split(" B")[0])
        if not cfg.get("tie_word_embeddings", False):
            total = params_embed * 2 + cfg["num_hidden_layers"] * (cfg["hidden_size"] * (cfg["num_attention_heads"] + 2 * cfg["num_key_value_heads"]) * hd + cfg["num_attention_heads"] * hd * cfg["hidden_size"] + 3 * cfg["hidden_size"] * cfg["intermediate_size"])
            wbytes -= int(wbytes * params_embed / total)
        kv = cfg["num_hidden_layers"] * 2 * cfg["num_key_value_heads"] * hd * (a.prompt + a.new / 2) * (4 if wq == "f32" else 2)
        bw = (wbytes + kv) * r["decode_tok_s"]
        print(f"{shape} {q}: decode reads {(wbytes + kv) / 1e9:.3f} GB per token -> {bw / 1e9:.0f} GB/s = {100 * bw / copy_bw:.0f}% of the copy bandwidth", flush=True)
        if a.quick:
            print(f"{shape} {q}: per decode step {r['decode_us_per_token']:.1f} us{' chained' if chains else ''} (--quick: no step-by-step run, no profiles)", flush=True)
            os.remove(b)
            continue
        if chains:
            print(f"{shape} {q}: per decode step {r['decode_us_per_token']:.1f} us chained; step by step:", flush=True)
        print(f"{shape} {q}: per decode step {rs['decode_us_per_token']:.1f} us = run {rs['decode_run_us_per_token']:.1f} us (GPU {rs['decode_gpu_us_per_token']:.1f} us) + host between runs {rs['decode_us_per_token'] - rs['decode_run_us_per_token']:.1f} us", flush=True)
        # Per-kernel GPU time of one decode step after the whole prompt (timestamps after
        # every dispatch of the last step, at position PROMPT + 2).
        p = subprocess.run([a.driftc, "generate", b, "--prompt-ids", ",".join(map(str, ids)), "--max-new-tokens", "4", "--ignore-eos", "--profile", *(["--profile-dispatches"] if a.dispatches else []), *(["--no-robust-buffer-access"] if a.no_robust_buffer_access else [])], capture_output=True, text=True)
        print(f"{shape} {q} decode step profile:\n{p.stderr.strip()}", flush=True)
        p = subprocess.run([a.driftc, "generate", b, "--prompt-ids", ",".join(map(str, ids)), "--max-new-tokens", "1", "--ignore-eos", "--profile", *(["--profile-dispatches"] if a.dispatches else []), *(["--no-robust-buffer-access"] if a.no_robust_buffer_access else [])], capture_output=True, text=True)
        print(f"{shape} {q} prefill chunk profile:\n{p.stderr.strip()}", flush=True)
        if a.pipeline_stats:
            p = subprocess.run([a.driftc, "generate", b, "--prompt-ids", "1", "--max-new-tokens", "1", "--ignore-eos", "--pipeline-stats", *(["--no-robust-buffer-access"] if a.no_robust_buffer_access else [])], capture_output=True, text=True)
            print(f"{shape} {q} kernel statistics (driver):\n{p.stderr.strip()}", flush=True)
        os.remove(b)
    if a.skip_torch:
        continue
    # transformers on the same checkpoint: bf16, eager attention, its KV cache.
    m = LlamaForCausalLM.from_pretrained(ckpt, torch_dtype=torch.bfloat16).cuda().eval()
    x = torch.tensor(np.array([ids]), device="cuda")
    # PyTorch's rows take its best of several timed runs (its prefill varied by 1.4x
    # between single runs of earlier sessions). The prompt's logits: the last row's only,
    # as driftc computes them (transformers' default is every row's, a full LM head per
    # prompt token; 6% of an 8B prefill).
    import inspect
    keep = {"logits_to_keep": 1} if "logits_to_keep" in inspect.signature(m.forward).parameters else {}
    with torch.no_grad():
        pre = float("inf")
        for _ in range(4):
            torch.cuda.synchronize(); t0 = time.perf_counter()
            o = m(x, use_cache=True, **keep)
            torch.cuda.synchronize(); pre = min(pre, time.perf_counter() - t0)
        past, nxt = o.past_key_values, o.logits[:, -1:].argmax(-1)
        torch.cuda.synchronize(); t0 = time.perf_counter()
        for _ in range(a.new - 1):
            o = m(nxt, past_key_values=past, use_cache=True)
            past, nxt = o.past_key_values, o.logits[:, -1:].argmax(-1)
        torch.cuda.synchronize(); dec = time.perf_counter() - t0
    import transformers
    print(f"| {shape} | transformers {transformers.__version__} (torch {torch.__version__}) bf16 eager | {a.prompt / pre:.0f} | {(a.new - 1) / dec:.1f} |", flush=True)
    # transformers' best setting: static KV cache, whose decode step generate() compiles
    # with torch.compile; prefill = a 1-token generate, decode = the rest of an a.new one.
    try:
        m.generation_config.cache_implementation = "static"
        kw = dict(do_sample=False, cache_implementation="static", pad_token_id=0)
        with torch.no_grad():
            t0 = time.time()
            for _ in range(2):
                m.generate(x, max_new_tokens=a.new, min_new_tokens=a.new, **kw)
            warm = time.time() - t0
            one = full = float("inf")
            for _ in range(3):
                torch.cuda.synchronize(); t0 = time.perf_counter()
                m.generate(x, max_new_tokens=1, min_new_tokens=1, **kw)
                torch.cuda.synchronize(); one = min(one, time.perf_counter() - t0)
            for _ in range(2):
                torch.cuda.synchronize(); t0 = time.perf_counter()
                m.generate(x, max_new_tokens=a.new, min_new_tokens=a.new, **kw)
                torch.cuda.synchronize(); full = min(full, time.perf_counter() - t0)
        print(f"| {shape} | transformers {transformers.__version__} bf16 static cache + torch.compile (warm-up {warm:.0f} s) | {a.prompt / one:.0f} | {(a.new - 1) / (full - one):.1f} |", flush=True)
    except Exception as e:  # report and go on: the eager row stands
        print(f"{shape}: transformers static cache + compile failed: {type(e).__name__}: {e}", flush=True)
    del m
    torch.cuda.empty_cache()
sys.exit(0 if ok else 1)
