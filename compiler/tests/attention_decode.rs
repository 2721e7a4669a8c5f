//! The decode attention kernel (`cached_attention_gqa`: one workgroup per cache head and
//! split of the keys, serving all the query heads that share it) with the split partials
//! merged by AttentionCombine, on lavapipe and PoCL against the ops' CPU reference: head
//! sizes 64 and 128, groups of 1, 4 and 8 query heads, splits longer than one tile of 256
//! keys, empty splits, a sliding window with soft-capping. Cache rows past the position are
//! NaN: the kernel must never let them into a result.

mod common;


use common::*;
use driftc::ir::{DType, Graph, Node, Role};
use driftc::ops::attention_combine::AttentionCombine;
use driftc::ops::cached_attention::CachedAttention;
use driftc::ops::cached_attention_split::CachedAttentionSplit;
use driftc::reference::rel_l2;

struct Case {
    d: usize,
    heads: usize,
    kv_heads: usize,
    ctx: usize,
    pos: usize,
    splits: usize,
    attention: CachedAttention,
}

fn graph(c: &Case) -> Graph {
    let mut g = Graph { name: format!("decode_attention_d{}", c.d), opset: 17, ..Graph::default() };
    let q = g.add_tensor("q", DType::F32, vec![1, c.heads, 1, c.d], Role::Input);
    let k = g.add_tensor("k", DType::F32, vec![1, c.kv_heads, c.ctx, c.d], Role::Input);
    let v = g.add_tensor("v", DType::F32, vec![1, c.kv_heads, c.ctx, c.d], Role::Input);
    let p = g.add_tensor("position", DType::I64, vec![1], Role::Input);
    let parts = g.add_tensor("parts", DType::F32, vec![1, c.heads, 1, c.splits, c.d + 2], Role::Activation);
    let y = g.add_tensor("y", DType::F32, vec![1, c.heads, 1, c.d], Role::Activation);
    g.inputs = vec![q, k, v, p];
    g.outputs = vec![y];
    let split = CachedAttentionSplit { attention: c.attention.clone(), splits: c.splits, combine: false };
    g.add_node(Node::new("attention.splits", Box::new(split), vec![Some(q), Some(k), Some(v), Some(p)], vec![parts]));
    g.add_node(Node::new("attention", Box::new(AttentionCombine), vec![Some(parts)], vec![y]));
    g
}

fn check(c: &Case) {
    check_at(c, None);
}

/// With `f16`: lavapipe only (PoCL here has no fp16), an f16 bundle (16-byte words of 8
/// halves) against the f32 reference within that tolerance.
fn check_at(c: &Case, f16: Option<f64>) {
    let name = format!("d={} heads={}/{} pos={} splits={}", c.d, c.heads, c.kv_heads, c.pos, c.splits);
    let g = graph(c);
    // Cache rows past the position hold NaN.
    let inputs = attention_inputs(&mut Rng(0xdec0 ^ (c.d * 31 + c.heads) as u64), 400.0, c.heads, 1, c.kv_heads, c.ctx, c.d, c.pos, c.pos);
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    assert!(want.iter().all(|x| x.is_finite()), "{name}: the reference reads no NaN row");
    if let Some(tol) = f16 {
        let got = run_chosen(&g, &inputs, "cached_attention_gqa", "y", &name, "lavapipe", driftc::target::Precision::F16);
        let err = rel_l2(&got, &want);
        assert!(err <= tol, "{name} lavapipe f16: rel L2 {err:.3e} vs the CPU reference");
        return;
    }
    for (target, got) in run_on_cpu_devices(&g, &inputs, "cached_attention_gqa", "y", &name) {
        let err = rel_l2(&got, &want);
        assert!(err <= 1e-5, "{name} {target}: rel L2 {err:.3e} vs the CPU reference");
    }
}

#[test]
fn f16_words_head_size_256_groups_of_2() {
    // Gemma 2's head size 256 (32 words of 8 halves per row), two query heads per cache
    // head, two splits of a 300-key range.
    check_at(&Case { d: 256, heads: 4, kv_heads: 2, ctx: 320, pos: 299, splits: 2, attention: CachedAttention { scale: 0.0625, softcap: 0.0, window: 0, seq_major: false } }, Some(3e-3));
}

#[test]
fn head_size_64_groups_of_4_splits_of_several_tiles() {
    // 8 query heads over 2 cache heads; keys 0..=700 in 2 splits of 351 (two tiles each).
    check(&Case { d: 64, heads: 8, kv_heads: 2, ctx: 768, pos: 700, splits: 2, attention: CachedAttention { scale: 0.125, softcap: 0.0, window: 0, seq_major: false } });
}

#[test]
fn head_size_128_one_head_per_cache_head_empty_splits() {
    // Position 2: three keys over 8 splits leaves five of them empty.
    check(&Case { d: 128, heads: 2, kv_heads: 2, ctx: 512, pos: 2, splits: 8, attention: CachedAttention { scale: 0.09, softcap: 0.0, window: 0, seq_major: false } });
}

#[test]
fn groups_of_8_sliding_window_soft_capped() {
    // Gemma 2's window (100 keys) and soft-capping (50) at position 300 of 320.
    check(&Case { d: 64, heads: 8, kv_heads: 1, ctx: 320, pos: 300, splits: 3, attention: CachedAttention { scale: 0.2, softcap: 50.0, window: 100, seq_major: false } });
}

/// With `tuning.decode_attention_combine_last` (OpenCL C), the split attention and its
/// combine become one kernel whose last workgroup per cache head merges the partials
/// through a counter: on PoCL against the CPU reference, with empty splits, several tiles
/// per split, groups of 4 and more splits than the merge unrolls; the counters are back at
/// zero after each run (a second run of the same session gives the same result).
#[test]
fn last_workgroup_per_cache_head_combines_the_splits_on_pocl() {
    use driftc::compile::{compile_graph, CompileOptions};
    use driftc::target::{Precision, Target};
    use runtime_min::{Bundle, Session, SessionOptions};
    let text = std::fs::read_to_string(repo().join("targets/pocl.toml")).expect("target file");
    let t = Target::from_toml(&set_tuning(&text, "decode_attention_combine_last = true"), std::path::Path::new("pocl.toml")).expect("target parses");
    let cases = [
        Case { d: 64, heads: 8, kv_heads: 2, ctx: 768, pos: 700, splits: 2, attention: CachedAttention { scale: 0.125, softcap: 0.0, window: 0, seq_major: false } },
        Case { d: 128, heads: 8, kv_heads: 2, ctx: 512, pos: 5, splits: 16, attention: CachedAttention { scale: 0.09, softcap: 0.0, window: 0, seq_major: false } },
        Case { d: 64, heads: 8, kv_heads: 1, ctx: 320, pos: 300, splits: 3, attention: CachedAttention { scale: 0.2, softcap: 50.0, window: 100, seq_major: false } },
        // More than 32 splits: the merging workgroup walks them in a loop (not unrolled).
        Case { d: 64, heads: 4, kv_heads: 2, ctx: 512, pos: 400, splits: 40, attention: CachedAttention { scale: 0.125, softcap: 0.0, window: 0, seq_major: false } },
    ];
    for c in &cases {
        let name = format!("d={} heads={}/{} pos={} splits={}", c.d, c.heads, c.kv_heads, c.pos, c.splits);
        let mut g = graph(c);
        let inputs = attention_inputs(&mut Rng(0x1a57 ^ (c.d * 31 + c.splits) as u64), 400.0, c.heads, 1, c.kv_heads, c.ctx, c.d, c.pos, c.pos);
        let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
        let opts = CompileOptions { precision: Some(Precision::F32), ..CompileOptions::default() };
        driftc::compile::optimize(&mut g, &t, None, |_, _| {}).unwrap_or_else(|e| panic!("{name}: {e}"));
        let compiled = compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<&str> = compiled.manifest.kernels.iter().map(|k| k.name.as_str()).collect();
        assert!(names.iter().all(|k| !k.starts_with("attention_combine")), "{name}: no combining dispatch ({names:?})");
        let counted = compiled.sources.iter().filter(|(k, src)| k.starts_with("cached_attention_gqa") && src.contains("__global uint* drift_counters")).count();
        assert_eq!(counted, 1, "{name}: the attention kernel takes the counters");
        let b = Bundle::from_vec(compiled.bundle.clone()).expect("bundle opens");
        let mut s = Session::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("{name}: no OpenCL device ({e})"));
        for (n, v) in &inputs {
            s.set_input(n, &host_of(v)).expect("input accepted");
        }
        for run in 0..2 {
            s.run().expect("run");
            let got = s.output("y").expect("output").to_f32().expect("f32");
            let err = rel_l2(&got, &want);
            assert!(err <= 1e-5, "{name} run {run}: rel L2 {err:.3e} vs the CPU reference");
        }
    }
}
