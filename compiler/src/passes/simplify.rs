//! simplify: removes nodes whose outputs were folded to constants by shape propagation,
//! bypasses no-ops (Identity, inference Dropout), and deletes dead nodes.

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
            if node.op.is_identity() && node.epilogue.is_empty() {
                if let (Some(x), Some(&y)) = (node.input(0), node.outputs.first()) {
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
