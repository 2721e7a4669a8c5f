//! The prefill attention kernel (`cached_attention_tiled`) at head sizes the tiny LLM
//! checkpoints do not reach (64, 128: query blocks of 64 and 32), with grouped-query heads,
//! a chunk that ends inside a query block, a sliding window and soft-capping, on lavapipe
//! and PoCL, against the op's CPU reference. Cache rows past the chunk's last position are
//! NaN: the kernel must never let them into a result.

mod common;


use common::*;
use driftc::compile::{compile_graph, CompileOptions};
use driftc::ir::{DType, Graph};
use driftc::ops::cached_attention::CachedAttention;
use driftc::reference::rel_l2;
use driftc::target::{Precision, Target};

type Case = AttentionCase;

fn graph(c: &Case) -> Graph {
    attention_graph(c, DType::F32, "attention")
}

fn check(c: &Case) {
    let g = graph(c);
    // Cache rows past the last query's position hold NaN.
    let inputs = attention_inputs(&mut Rng(0x5eed ^ c.d as u64), 500.0, c.heads, c.t, c.kv_heads, c.ctx, c.d, c.pos, c.pos + c.t - 1);
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    assert!(want.iter().all(|x| x.is_finite()), "the reference reads no NaN row");
    for (target, got) in run_on_cpu_devices(&g, &inputs, "cached_attention_tiled", "y", &format!("d={}", c.d)) {
        let err = rel_l2(&got, &want);
        assert!(err <= 1e-5, "d={} {target}: rel L2 {err:.3e} vs the CPU reference", c.d);
    }
}

#[test]
fn head_size_64_gqa_chunk_ending_inside_a_block() {
    // 4 query heads over 2 cache heads, 40 queries at position 20 (blocks of 64: one,
    // partly padding), keys 0..=59 of 96 rows.
    check(&Case { d: 64, heads: 4, kv_heads: 2, t: 40, ctx: 96, pos: 20, attention: CachedAttention { scale: 0.125, softcap: 0.0, window: 0, seq_major: false } });
}

/// [1, A, B, D] → [1, B, A, D].
fn swap_middle(x: &[f32], a: usize, b: usize, d: usize) -> Vec<f32> {
    (0..a * b * d).map(|i| { let (j, e) = (i / d, i % d); let (bi, ai) = (j / a, j % a); x[(ai * b + bi) * d + e] }).collect()
}

/// Token-major Q and output (the LLM prefill's layout: the projection's rows, and the rows
/// the output projection reads) at head size `d` through `kernel`, against the head-major
/// op's CPU reference.
fn check_token_major(d: usize, kernel: &str) {
    let (heads, kv_heads, t, ctx, pos) = (4, 2, 40, 96, 20);
    let head_major = Case { d, heads, kv_heads, t, ctx, pos, attention: CachedAttention { scale: 0.125, softcap: 0.0, window: 0, seq_major: false } };
    let mut inputs = attention_inputs(&mut Rng(0x70c3 ^ d as u64), 500.0, heads, t, kv_heads, ctx, d, pos, pos + t - 1);
    let want = driftc::reference::run(&graph(&head_major), &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    let want = swap_middle(&want, heads, t, d);
    let q = inputs.get("q").expect("q").as_f32();
    inputs.insert("q".into(), driftc::ir::Value::f32(vec![1, t, heads, d], swap_middle(&q, heads, t, d)));
    let token_major = Case { attention: CachedAttention { seq_major: true, ..head_major.attention.clone() }, ..head_major };
    let g = graph(&token_major);
    let cpu = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    assert!(rel_l2(&cpu, &want) <= 1e-6, "d={d} token-major CPU reference vs head-major: {:.3e}", rel_l2(&cpu, &want));
    for (target, got) in run_on_cpu_devices(&g, &inputs, kernel, "y", &format!("token-major d={d}")) {
        let err = rel_l2(&got, &want);
        assert!(err <= 1e-5, "token-major d={d} {target}: rel L2 {err:.3e} vs the head-major CPU reference");
    }
}

#[test]
fn token_major_queries_and_output_equal_the_head_major_attention() {
    // The tiled kernel (d = 64), and the one-invocation-per-output kernel that takes head
    // sizes the others do not (d = 80).
    check_token_major(64, "cached_attention_tiled");
    check_token_major(80, "cached_attention");
}

#[test]
fn head_size_128_sliding_window_soft_capped() {
    // Blocks of 32 queries; Gemma 2's window (16 keys) and soft-capping (30).
    check(&Case { d: 128, heads: 2, kv_heads: 1, t: 70, ctx: 128, pos: 33, attention: CachedAttention { scale: 0.09, softcap: 30.0, window: 16, seq_major: false } });
}

/// On a target that prefills on cooperative matrices (nvidia-h100, f16) the matrix kernel
/// takes head sizes whose key blocks split evenly over its lanes (64: blocks of 64 keys;
/// 128: blocks of 32), and leaves 80 (32 keys x 80 = 320 words over 128 lanes) to another
/// kernel. Compile-only: the kernel's results are checked on the GPU machine.
#[test]
fn cooperative_attention_only_for_head_sizes_its_blocks_load_whole() {
    let t = Target::load("nvidia-h100").expect("target");
    for (d, coop) in [(64, true), (128, true), (80, false)] {
        let g = graph(&Case { d, heads: 4, kv_heads: 2, t: 64, ctx: 256, pos: 0, attention: CachedAttention { scale: 0.1, softcap: 0.0, window: 0, seq_major: false } });
        let opts = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
        let compiled = compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("d={d}: {e}"));
        let b = runtime_min::bundle::open(&compiled.bundle, None).expect("opens");
        let uses = b.manifest.kernels.iter().any(|k| k.name.starts_with("cached_attention_coop"));
        assert_eq!(uses, coop, "d={d}: cached_attention_coop chosen: {uses}");
    }
}

/// `tuning.coop_attention_one_pass`: the matrix kernel's one-pass form (online softmax,
/// the output rescaled through workgroup memory a few fragments at a time when a row's
/// maximum moves by more than 8) at both head
/// sizes, windowed and soft-capped too. Compile-only (naga validates each module; the
/// results are checked on the GPU machine against the tiled kernel and transformers).
#[test]
fn cooperative_attention_one_pass_compiles_at_both_head_sizes() {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    for one_pass in [false, true] {
        let t = Target::from_toml(&set_tuning(&text, &format!("coop_attention_one_pass = {one_pass}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        for (d, attention) in [(64, CachedAttention { scale: 0.1, softcap: 0.0, window: 0, seq_major: false }), (128, CachedAttention { scale: 0.09, softcap: 30.0, window: 16, seq_major: false })] {
            let g = graph(&Case { d, heads: 4, kv_heads: 2, t: 64, ctx: 256, pos: 0, attention });
            let opts = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
            let compiled = compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("d={d}, one pass {one_pass}: {e}"));
            let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("cached_attention_coop")).expect("cached_attention_coop source");
            assert_eq!(src.contains("drift_att_stats[128u + lane] = alpha;"), one_pass, "d={d}: one pass {one_pass}");
            assert_eq!(src.matches("for (var kb0: u32").count(), if one_pass { 1 } else { 2 }, "d={d}: passes over the keys");
            assert_eq!(src.contains("exp(s - m_row) * inv_l"), !one_pass, "d={d}: probabilities normalized in the pass (two passes only)");
            // One pass: O rescaled only after a row's flag, read by the whole workgroup; Q
            // staged scaled where no soft cap follows the scale.
            assert_eq!(src.contains("workgroupUniformLoad(&drift_att_flag)"), one_pass, "d={d}: lazy rescale flag");
            // The one-pass kernel shuffles and votes across subgroups: the bundle says so.
            let b = runtime_min::bundle::open(&compiled.bundle, None).unwrap_or_else(|e| panic!("d={d}: {e}"));
            assert_eq!(b.manifest.requirements.subgroup_arithmetic, one_pass, "d={d}: subgroup operations required with one pass {one_pass}");
            assert_eq!(src.contains(") * 0.1)"), one_pass && d == 64, "d={d}: Q staged scaled (one pass without soft cap only)");
        }
    }
}

/// `tuning.coop_attention_prefetch` (the next key block's words loaded into registers while
/// this one multiplies) and `tuning.coop_attention_longest_first` (a head's last query block
/// first), in both pass forms, at both head sizes, token-major too. Compile-only (naga
/// validates each module; the results are checked on the GPU machine against the tiled
/// kernel and transformers).
#[test]
fn cooperative_attention_prefetch_and_longest_first_compile() {
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    for (one_pass, prefetch, longest) in [(true, true, false), (false, true, true), (true, false, true)] {
        let keys = format!("coop_attention_one_pass = {one_pass}\ncoop_attention_prefetch = {prefetch}\ncoop_attention_longest_first = {longest}");
        let t = Target::from_toml(&set_tuning(&text, &keys), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        for (d, seq_major) in [(64, true), (128, false)] {
            let attention = CachedAttention { scale: 0.1, softcap: if d == 128 { 30.0 } else { 0.0 }, window: if d == 128 { 16 } else { 0 }, seq_major };
            let g = graph(&Case { d, heads: 4, kv_heads: 2, t: 200, ctx: 256, pos: 0, attention });
            let opts = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
            let compiled = compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("d={d} {keys}: {e}"));
            let (_, src) = compiled.sources.iter().find(|(k, _)| k.starts_with("cached_attention_coop")).expect("cached_attention_coop source");
            assert_eq!(src.contains("kr0_0 = vec4<f16>("), prefetch, "d={d} {keys}: next block's words in registers");
            assert_eq!(src.contains("let qb: u32 = 3u - group % 4u;"), longest, "d={d} {keys}: query blocks last first (4 blocks of 64)");
        }
    }
}
