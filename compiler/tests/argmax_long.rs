//! ArgMax along a long last axis (an LLM's logits row: the greedy token picked on the
//! device) takes the workgroup kernel (`arg_reduce_wg`); on lavapipe and PoCL it gives the
//! CPU reference's indices, ties to the first index included, for rows whose best values
//! sit in different lanes, at the row's end, and repeated across lanes.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::ir::{DType, Graph, Node, Role, Value};
use driftc::ops::argmax::ArgReduce;

#[test]
fn long_rows_pick_the_reference_index() {
    // 5003: element by element; 5000: rows of whole 16-byte words (4 f32 or 8 f16 a load).
    check(5003);
    check(5000);
}

fn check(len: usize) {
    let rows = 6usize;
    let mut g = Graph { name: "argmax_long".into(), opset: 17, ..Graph::default() };
    let x = g.add_tensor("x", DType::F32, vec![rows, len], Role::Input);
    let y = g.add_tensor("y", DType::I64, vec![rows, 1], Role::Activation);
    g.inputs = vec![x];
    g.outputs = vec![y];
    g.add_node(Node::new("argmax", Box::new(ArgReduce { max: true, axis: -1, keepdims: true, select_last_index: false }), vec![Some(x)], vec![y]));
    let mut rng = Rng(0xa5);
    let mut vals: Vec<f32> = (0..rows * len).map(|_| (rng.below(20001) as f32 - 10000.0) / 100.0).collect();
    // Row 0: the best at the last element; row 1: a tie between lanes (index 300 first);
    // row 2: the best repeated in other lanes; row 3: all equal; row 4: NaN first in its
    // lane and elsewhere (skipped: the best is 5 at index 3); row 5: all NaN (0).
    vals[len - 1] = 500.0;
    vals[len + 300] = 400.0;
    vals[len + 1700] = 400.0;
    vals[2 * len + 7] = 300.0;
    vals[2 * len + 7 + 256] = 300.0;
    vals[2 * len + 4000] = 300.0;
    vals[3 * len..4 * len].iter_mut().for_each(|v| *v = 1.5);
    vals[4 * len..5 * len].iter_mut().for_each(|v| *v = 0.0);
    vals[4 * len + 1] = f32::NAN;
    vals[4 * len + 3] = 5.0;
    vals[4 * len + 2000] = f32::NAN;
    vals[5 * len..].iter_mut().for_each(|v| *v = f32::NAN);
    let mut inputs = BTreeMap::new();
    inputs.insert("x".to_string(), Value::f32(vec![rows, len], vals));
    let want = driftc::reference::run(&g, &inputs).expect("reference runs").remove("y").expect("y").as_f32();
    assert_eq!(want, vec![(len - 1) as f32, 300.0, 7.0, 0.0, 3.0, 0.0], "the reference's indices");
    let host: Vec<f32> = inputs["x"].as_f32().chunks(len).map(|r| runtime_min::argmax(r) as f32).collect();
    assert_eq!(host, want, "runtime-min's host argmax agrees");
    for (target, got) in run_on_cpu_devices(&g, &inputs, "arg_reduce_wg", "y", "argmax_long") {
        assert_eq!(got, want, "{target} len {len}: indices vs the CPU reference");
    }
    // An f16 bundle on lavapipe (the decode program's logits row), and which path it took.
    let got = run_chosen(&g, &inputs, "arg_reduce_wg", "y", "argmax_long f16", "lavapipe", driftc::target::Precision::F16);
    assert_eq!(got, want, "lavapipe f16 len {len}: indices vs the CPU reference");
    let t = driftc::target::Target::load("lavapipe").expect("target");
    let compiled = driftc::compile::compile_graph(&g, &t, &driftc::compile::CompileOptions::default(), 1).expect("compiles");
    let words = compiled.sources.iter().any(|(k, src)| k.starts_with("arg_reduce_wg") && src.contains("let row_w: u32 = group * "));
    assert_eq!(words, len % 8 == 0, "len {len}: lanes read whole words");
    // OpenCL C (PoCL, f32 rows: 4 elements a word) takes words as well.
    let t = driftc::target::Target::load("pocl").expect("target");
    let compiled = driftc::compile::compile_graph(&g, &t, &driftc::compile::CompileOptions::default(), 1).expect("compiles");
    let words = compiled.sources.iter().any(|(k, src)| k.starts_with("arg_reduce_wg") && src.contains("const uint row_w = group * "));
    assert_eq!(words, len % 4 == 0, "pocl len {len}: lanes read whole words");
}
