//! `cached_attention_mma` (tuning.opencl_ptx_mma: prefill attention on NVIDIA tensor cores
//! through inline PTX) with its PTX written as OpenCL C (`opencl_ptx_mma_emulated`) on PoCL,
//! against the op's CPU reference: head sizes 64 and 128, grouped-query heads, head-major
//! and token-major Q, chunks ending inside a query block, several key blocks with the cache
//! read from a nonzero position, a sliding window and soft-capping. Cache rows past the
//! chunk's last position are NaN: the kernel must never let them into a result. The same
//! kernels, real PTX, pass clang's NVPTX back end with the instruction counts they are built
//! on. The real instructions run on the GPU machine only
//! (`scripts/llm_device_check.py ... nvidia-h100-opencl`).

mod common;

use common::*;
use driftc::compile::{compile_graph, CompileOptions, Compiled};
use driftc::ir::{DType, Graph, Value};
use driftc::ops::cached_attention::CachedAttention;
use driftc::reference::rel_l2;
use driftc::target::{Precision, Target};

type Case = AttentionCase;

/// The attention op alone, f16 Q / caches / output.
fn graph(c: &Case) -> Graph {
    attention_graph(c, DType::F16, "attention_mma")
}

fn compile(g: &Graph, target: &str, tuning: &str) -> Compiled {
    let text = std::fs::read_to_string(repo().join(format!("targets/{target}.toml"))).expect("target file");
    let t = Target::from_toml(&set_tuning(&text, tuning), std::path::Path::new(&format!("{target}.toml"))).expect("target parses");
    let opts = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
    compile_graph(g, &t, &opts, 1).unwrap_or_else(|e| panic!("{} on {target} ({tuning}): {e}", g.name))
}

const EMULATED: &str = "opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true";

fn check(c: &Case, seed: u64) {
    check_with(c, seed, "");
}

/// [`check`] with `tuning` entries on top of the emulated tensor cores.
fn check_with(c: &Case, seed: u64, tuning: &str) {
    let g = graph(c);
    let mut inputs = attention_inputs(&mut Rng(seed), 500.0, c.heads, c.t, c.kv_heads, c.ctx, c.d, c.pos, c.pos + c.t - 1);
    if c.attention.seq_major {
        // Token-major Q: the same values as [1, T, H, D].
        let q = inputs.get("q").expect("q").as_f32();
        let swapped: Vec<f32> = (0..q.len()).map(|i| { let (j, e) = (i / c.d, i % c.d); let (t, h) = (j / c.heads, j % c.heads); q[(h * c.t + t) * c.d + e] }).collect();
        inputs.insert("q".into(), Value::f32(vec![1, c.t, c.heads, c.d], swapped));
    }
    for name in ["q", "k", "v"] {
        let x = inputs.get(name).expect("input");
        let f16 = Value::from_f32_as(DType::F16, x.shape.clone(), x.as_f32());
        inputs.insert(name.into(), f16);
    }
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    assert!(want.iter().all(|x| x.is_finite()), "the reference reads no NaN row");
    let compiled = compile(&g, "pocl", &format!("{EMULATED}\n{tuning}"));
    assert!(compiled.sources.iter().any(|(k, _)| k.starts_with("cached_attention_mma")), "d={} ({tuning}): cached_attention_mma is chosen", c.d);
    let got = run_on_device(&compiled, &inputs).remove("y").expect("y");
    let err = rel_l2(&got, &want);
    // f16 probabilities and output: a few units of f16 rounding.
    assert!(err <= 2e-3, "d={} t={} pos={} ({tuning}): rel L2 {err:.3e} vs the CPU reference", c.d, c.t, c.pos);
}

#[test]
fn emulated_tensor_core_attention_matches_the_reference_on_pocl() {
    let plain = |scale: f32| CachedAttention { scale, softcap: 0.0, window: 0, seq_major: false };
    // 4 query heads over 2 cache heads, 40 queries at position 20 (one block, partly past
    // the chunk), keys 0..=59 of 96 rows.
    check(&Case { d: 64, heads: 4, kv_heads: 2, t: 40, ctx: 96, pos: 20, attention: plain(0.125) }, 0x6d6d_0001);
    // Token-major, three query blocks over keys 0..=279 (five blocks of 64, the last partly
    // past the chunk's last position).
    check(&Case { d: 64, heads: 2, kv_heads: 1, t: 130, ctx: 320, pos: 150, attention: CachedAttention { seq_major: true, ..plain(0.125) } }, 0x6d6d_0002);
    // Head size 128 (blocks of 32 keys), Gemma 2's window (16 keys) and soft-capping (30).
    check(&Case { d: 128, heads: 2, kv_heads: 1, t: 70, ctx: 128, pos: 33, attention: CachedAttention { scale: 0.09, softcap: 30.0, window: 16, seq_major: false } }, 0x6d6d_0003);
    // Larger key blocks (`attention_mma_block_keys`): 64 keys at head size 128 over keys
    // 0..=299 (five blocks, the last partly past the chunk), and 128 at head size 64.
    check_with(&Case { d: 128, heads: 4, kv_heads: 1, t: 150, ctx: 320, pos: 150, attention: plain(0.088) }, 0x6d6d_0004, "attention_mma_block_keys = 64");
    check_with(&Case { d: 64, heads: 2, kv_heads: 1, t: 130, ctx: 320, pos: 150, attention: CachedAttention { seq_major: true, ..plain(0.125) } }, 0x6d6d_0005, "attention_mma_block_keys = 128");
}

#[test]
fn attention_compiles_to_inline_ptx_only_where_asked() {
    let dir = std::env::temp_dir().join(format!("driftc-attention-mma-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let case = |d: usize| Case { d, heads: 4, kv_heads: 2, t: 128, ctx: 256, pos: 0, attention: CachedAttention { scale: 0.1, softcap: 0.0, window: 0, seq_major: true } };
    let uses = |c: &Compiled| c.sources.iter().any(|(k, _)| k.starts_with("cached_attention_mma"));
    assert!(!uses(&compile(&graph(&case(64)), "nvidia-h100-opencl", PTX_OFF)), "no tensor-core attention without the key");
    assert!(!uses(&compile(&graph(&case(80)), "nvidia-h100-opencl", "opencl_ptx_mma = true")), "head size 80 is left to the other kernels");
    let clang = clang();
    // (Blocks of 64 keys at head size 128: 64 KB of stages, the target's opt-in memory.)
    for (d, keys) in [(64usize, 0usize), (128, 0), (128, 64)] {
        let compiled = compile(&graph(&case(d)), "nvidia-h100-opencl", &format!("opencl_ptx_mma = true\nattention_mma_block_keys = {keys}"));
        let (name, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("cached_attention_mma")).unwrap_or_else(|| panic!("d={d}: cached_attention_mma chosen"));
        let ptx = nvptx(&clang, &dir, name, src);
        // Per key block of bk = 4096 / d keys (or the tuning's): d / 16 x bk / 8 score
        // products and as many value products; fragments: the query block's d / 16, then
        // per block (d / 16) x (bk / 16) of K and as many (transposed) of V; 4 shuffles per
        // block (two rows' maxima) and 4 at the end (their sums); bk / 4 packs per block.
        let bk = keys.max(4096 / d);
        assert!(src.contains(&format!("drift_mma[{}]", 2 * 2 * bk * d * 2 / 16)), "d={d}: two stages of {bk} keys' K and V");
        let products = 2 * (d / 16) * (bk / 8);
        for (instruction, want) in [
            ("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", products),
            ("ldmatrix.sync.aligned.m8n8.x4.shared.b16", d / 16 + (d / 16) * (bk / 16)),
            ("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16", (d / 16) * (bk / 16)),
            ("shfl.sync.bfly.b32", 8),
            ("cvt.rn.f16x2.f32", bk / 4),
        ] {
            assert_eq!(ptx.matches(instruction).count(), want, "d={d}, {bk} keys per block: {instruction}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
