//! A gated decode projection (`Linear::gate`, folded by fuse-linear-gate): one row times
//! the up weight, times act(the row times the gate weight, scaled per row), on lavapipe
//! against the CPU reference: rows of whole 16-byte words (walked word by word) and of
//! not (element by element), f32 and f16, SiLU and tanh-GELU, with and without the gate's
//! scale.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::ir::{DType, Graph, Node, Role, Value};
use driftc::ops::elementwise::{ElementwiseOp, Kind};
use driftc::ops::linear::{Gate, Linear};
use driftc::reference::rel_l2;
use driftc::target::Precision;

fn case(k: usize, n: usize, act: Kind, scaled: bool) -> (Graph, BTreeMap<String, Value>) {
    let mut rng = Rng(7 + k as u64 * 31 + n as u64);
    let mut vals = |len: usize| (0..len).map(|_| (rng.below(2001) as f32 - 1000.0) / 1000.0).collect::<Vec<f32>>();
    let mut g = Graph::default();
    let x = g.add_tensor("x", DType::F32, vec![1, 1, k], Role::Input);
    let w = g.add_const("w", Value::f32(vec![n, k], vals(n * k)));
    let wg = g.add_const("wg", Value::f32(vec![n, k], vals(n * k)));
    let mut inputs = vec![Some(x), Some(w), Some(wg)];
    if scaled {
        inputs.push(Some(g.add_const("sg", Value::f32(vec![n], vals(n).iter().map(|v| 1.0 + v).collect()))));
    }
    let y = g.add_tensor("y", DType::F32, vec![1, 1, n], Role::Activation);
    g.inputs.push(x);
    g.outputs.push(y);
    let gate = Gate { act: ElementwiseOp { kind: act, alpha: 1.0, beta: 0.0 }, scaled };
    g.add_node(Node::new("up", Box::new(Linear { gate: Some(gate), ..Linear::default() }), inputs, vec![y]));
    g.rebuild_edges();
    let feed = [("x".to_string(), Value::f32(vec![1, 1, k], vals(k).iter().map(|v| 3.0 * v).collect()))].into_iter().collect();
    (g, feed)
}

#[test]
fn gated_rows_match_the_reference() {
    for (k, n, act, scaled, precision, tol) in [
        (64, 24, Kind::Silu, true, Precision::F32, 1e-5),
        (64, 24, Kind::GeluTanh, false, Precision::F32, 1e-5),
        (10, 7, Kind::Silu, true, Precision::F32, 1e-5),
        (64, 24, Kind::Silu, true, Precision::F16, 3e-3),
    ] {
        let (g, inputs) = case(k, n, act, scaled);
        let want = driftc::reference::run(&g, &inputs).expect("reference").remove("y").expect("y").as_f32();
        let got = run_chosen(&g, &inputs, "linear_matvec", "y", "gated", "lavapipe", precision);
        let err = rel_l2(&got, &want);
        assert!(err <= tol, "k={k} n={n} {act:?} scaled {scaled} {precision:?}: rel L2 {err:.3e}");
    }
}
