//! A decode row quantized once (`PackedInt8Row`, the kernel `share-int8-activations`
//! inserts) and read by an int8 and an int4 projection (`Linear` / `LinearQ4` with
//! `packed`): on lavapipe, at f32 and f16, a 4160-input row (130 blocks: three workgroups,
//! the last partial, and a scale region padded past 130) gives the CPU reference's
//! outputs, with the RMSNorm folded into the input-order row and none on the int4-pair row.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::reference::rel_l2;
use driftc::target::Precision;
use driftc::ir::{Data, DType, Graph, Node, Role, Value};
use driftc::ops::linear::Linear;
use driftc::ops::linear_q4::LinearQ4;
use driftc::ops::packed_int8_row::{layout, PackedInt8Row};

#[test]
fn packed_rows_feed_int8_and_int4_projections_like_the_reference() {
    let (k, n) = (4160usize, 24usize);
    let mut rng = Rng(0x5eed);
    let mut g = Graph { name: "packed_int8_row".into(), opset: 17, ..Graph::default() };
    let x = g.add_tensor("x", DType::F32, vec![1, k], Role::Input);
    let scale = g.add_const("g", Value::f32(vec![k], (0..k).map(|_| 0.5 + rng.below(1000) as f32 / 1000.0).collect()));
    let mut bytes = |len: usize| Value { dtype: DType::I8, shape: vec![], data: Data::I64((0..len).map(|_| rng.below(256) as i64 - 128).collect()) };
    let w8 = Value { shape: vec![n, k], ..bytes(n * k) };
    let w4 = Value { shape: vec![n, k / 2], ..bytes(n * k / 2) };
    let w8 = g.add_const("w8", w8);
    let w4 = g.add_const("w4", w4);
    let s4 = g.add_const("s4", Value::f32(vec![n, k / 32], (0..n * k / 32).map(|i| 0.01 + (i % 7) as f32 * 0.003).collect()));
    let p8 = g.add_tensor("p8", DType::I32, vec![1, layout(k, false).2], Role::Activation);
    let p4 = g.add_tensor("p4", DType::I32, vec![1, layout(k, true).2], Role::Activation);
    let y8 = g.add_tensor("y8", DType::F32, vec![1, n], Role::Activation);
    let y4 = g.add_tensor("y4", DType::F32, vec![1, n], Role::Activation);
    g.inputs = vec![x];
    g.outputs = vec![y8, y4];
    g.add_node(Node::new("pack8", Box::new(PackedInt8Row { int4_pairs: false, norm: Some(1e-5) }), vec![Some(x), Some(scale)], vec![p8]));
    g.add_node(Node::new("pack4", Box::new(PackedInt8Row { int4_pairs: true, norm: None }), vec![Some(x)], vec![p4]));
    g.add_node(Node::new("proj8", Box::new(Linear { packed: Some(DType::F32), ..Linear::default() }), vec![Some(p8), Some(w8)], vec![y8]));
    g.add_node(Node::new("proj4", Box::new(LinearQ4 { block: 32, norm: None, act_int8: false, packed: Some(DType::F32), k_splits: 0, gate: None }), vec![Some(p4), Some(w4), Some(s4)], vec![y4]));
    let mut inputs = BTreeMap::new();
    // Values spread over blocks of very different magnitudes (per-block scales matter).
    let row: Vec<f32> = (0..k).map(|i| (rng.below(2001) as f32 - 1000.0) / if (i / 32) % 3 == 0 { 10.0 } else { 1000.0 }).collect();
    inputs.insert("x".to_string(), Value::f32(vec![1, k], row));
    let want = driftc::reference::run(&g, &inputs).expect("reference runs");
    for precision in [Precision::F32, Precision::F16] {
        let t = driftc::target::Target::load("lavapipe").expect("target");
        let opts = driftc::compile::CompileOptions { precision: Some(precision), ..driftc::compile::CompileOptions::default() };
        let compiled = driftc::compile::compile_graph(&g, &t, &opts, 1).unwrap_or_else(|e| panic!("{precision:?}: {e}"));
        let src = compiled.sources.iter().find(|(k, _)| k.starts_with("packed_int8_row")).map(|(_, s)| s.clone()).expect("packed_int8_row kernel");
        assert!(src.contains("array<vec4<u32>>"), "{precision:?}: the row is read in 16-byte words");
        let got = run_on_device(&compiled, &inputs);
        for y in ["y8", "y4"] {
            let (g8, w) = (got[y].clone(), want[y].as_f32());
            let err = rel_l2(&g8, &w);
            // f16 storage rounds the row before it is quantized: a code may move by one.
            let tol = if precision == Precision::F32 { 1e-5 } else { 2e-2 };
            eprintln!("{precision:?} {y}: device vs reference {err:.3e}");
            assert!(err <= tol, "{precision:?} {y}: device vs reference {err:.3e}");
        }
    }
}
