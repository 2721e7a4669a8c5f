//! The int8 prefill path (QuantizeRows then LinearInt8) at sizes whose edges cut the
//! kernel's tiles: 70 rows (two row tiles, the second partial), 90 outputs (two output
//! tiles), K = 96 inputs (three blocks of 32 with their own scales, one block holding an
//! outlier), on lavapipe and PoCL (OpenCL C's plain kernel) against the CPU reference,
//! with the weight's per-row scale as the product's epilogue as the LLM frontend builds
//! it. At whole tiles the NVIDIA OpenCL target's tensor-core form (`mma.sync` m16n8k32
//! s8 through inline PTX) runs on PoCL with its PTX written as OpenCL C, and clang's
//! NVPTX back end accepts the real one.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::compile::{compile_graph, CompileOptions};
use driftc::ir::{DType, Graph, Node, Role, Value};
use driftc::ops::elementwise::{ElementwiseOp, Kind};
use driftc::ops::linear_int8::LinearInt8;
use driftc::ops::quantize_rows::QuantizeRows;
use driftc::reference::rel_l2;
use driftc::target::{Precision, Target};

/// x [1, m, k] quantized, times int8 w [n, k], times a per-output scale: (graph, inputs,
/// the CPU reference's y).
fn product(m: usize, k: usize, n: usize, seed: u64) -> (Graph, BTreeMap<String, Value>, Vec<f32>) {
    let mut rng = Rng(seed);
    let mut g = Graph { name: "linear_int8".into(), opset: 17, ..Graph::default() };
    let x = g.add_tensor("x", DType::F32, vec![1, m, k], Role::Input);
    let weights: Vec<i64> = (0..n * k).map(|_| rng.below(255) as i64 - 127).collect();
    let mut wv = Value::i64(vec![n, k], weights);
    wv.dtype = DType::I8;
    let w = g.add_const("w", wv);
    let s = g.add_const("w_scale", Value::f32(vec![n], (0..n).map(|i| 0.01 + i as f32 * 1e-4).collect()));
    let xq = g.add_tensor("xq", DType::I32, vec![1, m, k / 4], Role::Activation);
    let xs = g.add_tensor("xs", DType::F32, vec![1, m, k / 32], Role::Activation);
    let p = g.add_tensor("p", DType::F32, vec![1, m, n], Role::Activation);
    let y = g.add_tensor("y", DType::F32, vec![1, m, n], Role::Activation);
    g.inputs = vec![x];
    g.outputs = vec![y];
    g.add_node(Node::new("quantize", Box::new(QuantizeRows), vec![Some(x)], vec![xq, xs]));
    g.add_node(Node::new("product", Box::new(LinearInt8), vec![Some(xq), Some(xs), Some(w)], vec![p]));
    g.add_node(Node::new("scale", Box::new(ElementwiseOp { kind: Kind::Mul, alpha: 1.0, beta: 0.0 }), vec![Some(p), Some(s)], vec![y]));
    let mut inputs = BTreeMap::new();
    inputs.insert("x".to_string(), Value::f32(vec![1, m, k], (0..m * k).map(|i| (rng.below(2001) as f32 - 1000.0) / 300.0 * if i % k == 40 { 50.0 } else { 1.0 }).collect()));
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    (g, inputs, want)
}

/// `target`'s file with `tuning` set.
fn tuned(target: &str, tuning: &str) -> Target {
    let text = std::fs::read_to_string(repo().join(format!("targets/{target}.toml"))).expect("target file");
    Target::from_toml(&set_tuning(&text, tuning), std::path::Path::new(&format!("{target}.toml"))).expect("target parses")
}

#[test]
fn tile_edges_match_the_reference() {
    let (m, k, n) = (70usize, 96usize, 90usize);
    let (g, inputs, want) = product(m, k, n, 0x1e8);
    let t = Target::load("lavapipe").expect("target");
    let opts = CompileOptions { precision: Some(Precision::F32), ..CompileOptions::default() };
    let compiled = compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("lavapipe: {e}"));
    let b = runtime_min::bundle::open(&compiled.bundle, None).expect("opens");
    for kernel in ["quantize_rows", "linear_int8"] {
        assert!(b.manifest.kernels.iter().any(|kk| kk.name.starts_with(kernel)), "{kernel} is in the bundle");
    }
    let got = run_on_device(&compiled, &inputs).remove("y").expect("y");
    let err = rel_l2(&got, &want);
    assert!(err <= 1e-6, "rel L2 {err:.3e} vs the CPU reference");
    // In an f16 bundle the per-block scales stay f32: a row of small activations (amax
    // 2e-4: scale 1.6e-6, an f16 subnormal) keeps the reference's result up to the f16
    // rounding of x and y.
    let mut small = inputs.clone();
    let mut vals = small["x"].as_f32();
    vals[..k].iter_mut().enumerate().for_each(|(i, v)| *v = (1.0 + (i % 7) as f32 / 7.0) * 1e-4 * if i % 2 == 0 { 1.0 } else { -1.0 });
    vals[k - 1] = 2e-4;
    small.insert("x".to_string(), Value::f32(vec![1, m, k], vals));
    let want = driftc::reference::run(&g, &small).expect("reference runs").remove("y").expect("y").as_f32();
    let half = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
    let compiled = compile_graph(&g, &t, &half, 1).unwrap_or_else(|e| panic!("lavapipe f16: {e}"));
    let got = run_on_device(&compiled, &small).remove("y").expect("y");
    let row0 = rel_l2(&got[..n], &want[..n]);
    assert!(row0 <= 3e-3, "f16 bundle, small row: rel L2 {row0:.3e} vs the CPU reference");
    // PoCL (OpenCL C): the plain kernel, one lane per output (the first inputs again).
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    let pocl = Target::load("pocl").expect("target");
    let compiled = compile_graph(&g, &pocl, &opts, 1).unwrap_or_else(|e| panic!("pocl: {e}"));
    assert!(compiled.sources.iter().any(|(kk, src)| kk.starts_with("linear_int8") && !src.contains("DRIFT_MMA_S8")), "pocl: the plain linear_int8");
    let got = run_on_device(&compiled, &inputs).remove("y").expect("y");
    let err = rel_l2(&got, &want);
    assert!(err <= 1e-6, "pocl: rel L2 {err:.3e} vs the CPU reference");
}

/// The tensor-core form at whole tiles: 128 rows, 128 outputs, K = 192 (three steps of
/// 64, six blocks). PoCL runs it with the PTX written as OpenCL C (64 x 64 tiles: four
/// workgroups); the NVIDIA target's kernels (128 x 128 tiles and 64 x 64) pass clang's
/// NVPTX back end with their `mma.sync` m16n8k32 s8 per block (32, large tiles) or step (16, small tiles) and subgroup, and no
/// integer-to-float conversion (the sums read as floats past a bias).
#[test]
fn tensor_core_form_matches_the_reference() {
    let (m, k, n) = (128usize, 192usize, 128usize);
    let (g, inputs, want) = product(m, k, n, 0x5e8);
    let opts = CompileOptions { precision: Some(Precision::F32), ..CompileOptions::default() };
    let pocl = tuned("pocl", "opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true");
    let compiled = compile_graph(&g, &pocl, &opts, 1).unwrap_or_else(|e| panic!("pocl emulated: {e}"));
    assert!(compiled.sources.iter().any(|(kk, src)| kk.starts_with("linear_int8") && src.contains("DRIFT_MMA_S8(d0")), "pocl: the tensor-core linear_int8");
    let got = run_on_device(&compiled, &inputs).remove("y").expect("y");
    let err = rel_l2(&got, &want);
    assert!(err <= 1e-6, "emulated tensor-core linear_int8: rel L2 {err:.3e} vs the CPU reference");
    let clang = clang();
    let dir = std::env::temp_dir().join(format!("driftc-int8-mma-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (tuning, mmas) in [("opencl_mma_large_min_tiles = 1", 32), ("opencl_mma_large_min_tiles = 128", 16)] {
        let half = CompileOptions { precision: Some(Precision::F16), ..CompileOptions::default() };
        let compiled = compile_graph(&g, &tuned("nvidia-h100-opencl", tuning), &half, 1).unwrap_or_else(|e| panic!("nvidia-h100-opencl {tuning}: {e}"));
        let (name, src) = compiled.sources.iter().find(|(kk, _)| kk.starts_with("linear_int8")).unwrap_or_else(|| panic!("{tuning}: no linear_int8 kernel"));
        let ptx = nvptx(&clang, &dir, name, src);
        let count = |what: &str| ptx.matches(what).count();
        // A block's 32 (128 x 128 tiles, rolled) or a step's 2 x 8 (unrolled).
        assert_eq!(count("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32"), mmas, "{tuning}: mma.sync per step and subgroup");
        assert!(count("ldmatrix.sync.aligned.m8n8.x4") > 0 && count("cp.async.ca.shared.global") > 0, "{tuning}: fragments by ldmatrix, scales by cp.async");
        assert_eq!(count("cvt.rn.f32.s32"), 0, "{tuning}: no integer conversion");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Decode's int8 activations with a folded RMSNorm stage the normalized row, its int8 copy
/// and scales in workgroup memory; a row too long for that (K = 6400: 33 KB against
/// lavapipe's 32 KiB) keeps the norm's own dispatch instead of failing to compile, and
/// still matches the reference.
#[test]
fn long_rows_keep_their_norm_dispatch() {
    use driftc::ops::linear::Linear;
    use driftc::ops::rms_norm::RmsNorm;
    let (k, n) = (6400usize, 8usize);
    let mut rng = Rng(0x6400);
    let mut g = Graph { name: "int8_long_row".into(), opset: 17, ..Graph::default() };
    let x = g.add_tensor("x", DType::F32, vec![1, 1, k], Role::Input);
    let gamma = g.add_const("gamma", Value::f32(vec![k], (0..k).map(|i| 0.5 + (i % 5) as f32 * 0.25).collect()));
    let mut wv = Value::i64(vec![n, k], (0..n * k).map(|_| rng.below(255) as i64 - 127).collect());
    wv.dtype = DType::I8;
    let w = g.add_const("w", wv);
    let t = g.add_tensor("t", DType::F32, vec![1, 1, k], Role::Activation);
    let y = g.add_tensor("y", DType::F32, vec![1, 1, n], Role::Activation);
    g.inputs = vec![x];
    g.outputs = vec![y];
    g.add_node(Node::new("norm", Box::new(RmsNorm { axis: -1, epsilon: 1e-5 }), vec![Some(x), Some(gamma)], vec![t]));
    g.add_node(Node::new("proj", Box::new(Linear { act_int8: true, ..Linear::default() }), vec![Some(t), Some(w)], vec![y]));
    let mut inputs = BTreeMap::new();
    inputs.insert("x".to_string(), Value::f32(vec![1, 1, k], (0..k).map(|_| (rng.below(2001) as f32 - 1000.0) / 300.0).collect()));
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    let t = Target::load("lavapipe").expect("target");
    // The reference ran on the imported graph; the passes now rewrite it.
    driftc::compile::optimize(&mut g, &t, None, |_, _| {}).expect("passes run");
    let opts = CompileOptions { precision: Some(Precision::F32), ..CompileOptions::default() };
    let compiled = compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("lavapipe: {e}"));
    let b = runtime_min::bundle::open(&compiled.bundle, None).expect("opens");
    assert!(b.manifest.kernels.iter().any(|kk| kk.name.starts_with("rms_norm")), "the norm keeps its dispatch");
    let got = run_on_device(&compiled, &inputs).remove("y").expect("y");
    let err = rel_l2(&got, &want);
    assert!(err <= 1e-5, "rel L2 {err:.3e} vs the CPU reference");
}
