//! simplify: removes nodes whose outputs were folded to constants by shape propagation,
//! bypasses no-ops (Identity, inference Dropout, and arithmetic with a neutral constant
//! that neither broadcasts nor casts: integer x + 0, x - 0; x · 1, x / 1), and deletes dead
//! nodes.

use std::collections::HashSet;

use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, NodeId, Role, TensorId};
use crate::target::Target;

pub struct Simplify;

/// Replaces every read of `from` by `to` (node inputs, epilogue operands, graph outputs
/// excepted).
pub fn replace_uses(g: &mut Graph, from: TensorId, to: TensorId) {
    let ids: Vec<NodeId> = g.nodes.node_indices().collect();
    for id in ids {
        let node = &mut g.nodes[id];
        for slot in node.inputs.iter_mut().flatten() {
            if *slot == from {
                *slot = to;
            }
        }
        for step in &mut node.epilogue {
            for slot in step.args.iter_mut().flatten() {
                if *slot == from {
                    *slot = to;
                }
            }
        }
    }
}

impl Pass for Simplify {
    fn name(&self) -> &'static str {
        "simplify"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let mut changes = materialize_constant_outputs(g);
        let order = g.order().map_err(|e| PassError::Failed { pass: "simplify", message: e.to_string() })?;
        for id in order {
            let node = g.node(id);
            // Folded: every output already has a compile-time value.
            if node.outputs.iter().all(|&t| g.tensor(t).value.is_some()) {
                let outs = node.outputs.clone();
                g.remove_node(id);
                for t in outs {
                    g.tensors[t].role = Role::Weight;
                }
                changes += 1;
                continue;
            }
            // No-op: reads of the output read the input instead, unless the output is a
            // graph output fed straight from a graph input (then a copy must stay).
            let bypass = if node.op.is_identity() { node.input(0) } else { neutral_operand(g, id) };
            if node.epilogue.is_empty() {
                if let (Some(x), Some(&y)) = (bypass, node.outputs.first()) {
                    let y_is_output = g.outputs.contains(&y);
                    if y_is_output && (g.inputs.contains(&x) || g.outputs.contains(&x) || g.tensor(x).is_const()) {
                        continue;
                    }
                    g.remove_node(id);
                    replace_uses(g, y, x);
                    if y_is_output {
                        // The producer of x now produces the graph output under its name.
                        for o in g.outputs.iter_mut() {
                            if *o == y {
                                *o = x;
                            }
                        }
                        let name = g.tensor(y).name.clone();
                        g.tensors[x].name = name;
                    }
                    changes += 1;
                }
            }
        }
        changes += remove_dead(g);
        Ok(PassReport { changes })
    }
}

/// For x + 0, 0 + x, x - 0 (integers: float x + 0 turns -0 into +0), x · 1, 1 · x and x / 1
/// whose output has x's shape and element type (the constant neither broadcasts x nor
/// changes its type): x.
fn neutral_operand(g: &Graph, id: NodeId) -> Option<TensorId> {
    use crate::ops::elementwise::{ElementwiseOp, Kind};
    let node = g.node(id);
    let op = node.op.as_any().downcast_ref::<ElementwiseOp>()?;
    let (a, b, y) = (node.input(0)?, node.input(1)?, *node.outputs.first()?);
    let out = g.tensor(y);
    let all = |t: TensorId, want: i64| -> bool {
        let v = match g.tensor(t).value.as_deref() {
            Some(v) if !v.is_empty() => v,
            _ => return false,
        };
        if v.holds_ints() {
            v.as_i64().iter().all(|&e| e == want)
        } else {
            v.as_f32().iter().all(|&e| e == want as f32)
        }
    };
    let integer = !crate::ir::value::is_float(out.dtype) && out.dtype != crate::ir::DType::Bool;
    let candidates: &[(TensorId, TensorId)] = match op.kind {
        Kind::Add if integer => &[(a, b), (b, a)],
        Kind::Sub if integer => &[(a, b)],
        Kind::Mul => &[(a, b), (b, a)],
        Kind::Div => &[(a, b)],
        _ => &[],
    };
    let neutral = if matches!(op.kind, Kind::Add | Kind::Sub) { 0 } else { 1 };
    candidates.iter().find(|&&(x, c)| g.tensor(x).shape == out.shape && g.tensor(x).dtype == out.dtype && all(c, neutral)).map(|&(x, _)| x)
}

/// A graph output folded to a constant still has to appear in the output buffer: give it a
/// copy node from a constant (Identity, which simplify keeps for this case).
fn materialize_constant_outputs(g: &mut Graph) -> usize {
    let mut changes = 0;
    for i in 0..g.outputs.len() {
        let t = g.outputs[i];
        let Some(value) = g.tensor(t).value.clone() else { continue };
        if g.tensor(t).producer.is_some_and(|p| g.nodes.node_weight(p).is_some_and(|n| n.op.is_identity())) {
            continue;
        }
        let name = g.tensor(t).name.clone();
        let c = g.add_const(format!("{name}.value"), (*value).clone());
        if let Some(p) = g.tensor(t).producer {
            g.remove_node(p);
        }
        let out = &mut g.tensors[t];
        out.value = None;
        out.role = Role::Activation;
        g.add_node(crate::ir::Node::new(format!("{name}.copy"), Box::new(crate::ops::identity::Identity { name: "Identity" }), vec![Some(c)], vec![t]));
        changes += 1;
    }
    changes
}

/// Deletes nodes none of whose outputs is read or is a graph output.
pub fn remove_dead(g: &mut Graph) -> usize {
    let mut removed = 0;
    loop {
        let used: HashSet<TensorId> = g.nodes.node_indices().flat_map(|n| g.node(n).all_inputs().collect::<Vec<_>>()).chain(g.outputs.iter().copied()).collect();
        let dead: Vec<NodeId> = g.nodes.node_indices().filter(|&n| g.node(n).outputs.iter().all(|t| !used.contains(t))).collect();
        if dead.is_empty() {
            return removed;
        }
        for n in dead {
            g.remove_node(n);
            removed += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role, Value};
    use crate::ops::elementwise::{ElementwiseOp, Kind};
    use crate::reference;

    fn elementwise(kind: Kind) -> Box<ElementwiseOp> {
        Box::new(ElementwiseOp { kind, alpha: 0.0, beta: 0.0 })
    }

    /// Integer x + 0, float x · 1 and 1 · x, x / 1 are bypassed with the same results; float
    /// x + 0 (-0 + 0 is +0), a neutral constant that broadcasts x, one that is not neutral,
    /// and a graph output fed straight from a graph input stay.
    #[test]
    fn neutral_constants_are_bypassed_where_exact() {
        let mut g = Graph::default();
        let p = g.add_tensor("p", DType::I64, vec![1], Role::Input);
        let x = g.add_tensor("x", DType::F32, vec![2, 3], Role::Input);
        let zero_i = g.add_const("zero_i", Value::i64(vec![1], vec![0]));
        let zeros_i = g.add_const("zeros_i", Value::i64(vec![4], vec![0; 4]));
        let zero_f = g.add_const("zero_f", Value::f32(vec![1], vec![0.0]));
        let ones = g.add_const("ones", Value::f32(vec![3], vec![1.0; 3]));
        let two = g.add_const("two", Value::f32(vec![1], vec![2.0]));
        let cases = [
            ("pos", Kind::Add, p, zero_i, DType::I64, vec![1]),
            ("wide", Kind::Add, p, zeros_i, DType::I64, vec![4]),
            ("fadd", Kind::Add, x, zero_f, DType::F32, vec![2, 3]),
            ("mul", Kind::Mul, ones, x, DType::F32, vec![2, 3]),
            ("div", Kind::Div, x, ones, DType::F32, vec![2, 3]),
            ("twice", Kind::Mul, x, two, DType::F32, vec![2, 3]),
            ("out", Kind::Sub, p, zero_i, DType::I64, vec![1]),
        ];
        let mut outs = Vec::new();
        for (name, kind, a, b, dtype, shape) in cases {
            let y = g.add_tensor(format!("{name}.y"), dtype, shape, Role::Activation);
            g.add_node(Node::new(name, elementwise(kind), vec![Some(a), Some(b)], vec![y]));
            outs.push((name, y));
        }
        // Read the bypassed outputs through a node each, so they are not graph outputs.
        let mut graph_outputs = Vec::new();
        for &(name, y) in &outs {
            if name == "out" {
                graph_outputs.push(y);
                continue;
            }
            let t = g.tensor(y).clone();
            let z = g.add_tensor(format!("{name}.z"), t.dtype, t.shape.clone(), Role::Activation);
            g.add_node(Node::new(format!("{name}.neg"), elementwise(Kind::Neg), vec![Some(y)], vec![z]));
            graph_outputs.push(z);
        }
        g.inputs = vec![p, x];
        g.outputs = graph_outputs;
        g.rebuild_edges();
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("p".to_string(), Value::i64(vec![1], vec![7]));
        inputs.insert("x".to_string(), Value::f32(vec![2, 3], vec![-0.0, 1.5, -2.0, 3.25, f32::INFINITY, -7.0]));
        let want = reference::run(&g, &inputs).expect("runs");
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/lavapipe.toml")).expect("target file");
        let t = Target::from_toml(&text, std::path::Path::new("lavapipe.toml")).expect("target parses");
        Simplify.run(&mut g, &t).expect("runs");
        g.check().expect("consistent");
        let left: Vec<String> = g.order().expect("order").into_iter().map(|id| g.node(id).name.clone()).filter(|n| !n.ends_with(".neg")).collect();
        assert_eq!(left, ["wide", "fadd", "twice", "out"], "nodes left");
        let got = reference::run(&g, &inputs).expect("runs");
        for (name, v) in &want {
            assert_eq!(format!("{:?}", got[name]), format!("{v:?}"), "{name}");
        }
    }
}
