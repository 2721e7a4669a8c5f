//! fuse-group-norm: GroupNorm as PyTorch exports it, back into one node.
//!
//! ```text
//!   x ─ Reshape[N,G,-1] ─ InstanceNorm(1, 0) ─ Reshape[x.shape] ─ Mul(γ) ─ Add(β) ─ y
//!   ⇒  x ─ GroupNormalization(γ, β; G groups, per-channel affine) ─ y
//! ```
//!
//! γ and β must have one value per channel (shape [C,1,..]); without the Mul/Add the
//! node has no affine. The decomposed form keeps three full-size intermediates alive;
//! the fused one keeps none.

use super::patterns::{const_all, op_type, other_operand, sole_consumer};
use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, Node, NodeId, TensorId};
use crate::ops::norm::{Kind, Norm};
use crate::target::Target;

pub struct FuseGroupNorm;

struct Match {
    nodes: Vec<NodeId>,
    x: TensorId,
    y: TensorId,
    groups: usize,
    epsilon: f32,
    gamma: Option<TensorId>,
    beta: Option<TensorId>,
}

fn find(g: &Graph, consumers: &std::collections::HashMap<TensorId, Vec<NodeId>>, r1: NodeId) -> Option<Match> {
    let n1 = g.node(r1);
    if n1.op.op_type() != "Reshape" || !n1.epilogue.is_empty() {
        return None;
    }
    let x = n1.input(0)?;
    let xs = &g.tensor(x).shape;
    let t1 = n1.outputs[0];
    let s1 = &g.tensor(t1).shape;
    if xs.len() < 3 || s1.len() != 3 || s1[0] != xs[0] {
        return None;
    }
    let (c, groups) = (xs[1], s1[1]);
    if groups == 0 || c % groups != 0 {
        return None;
    }
    let inorm = sole_consumer(g, consumers, t1)?;
    let ni = g.node(inorm);
    let norm = ni.op.as_any().downcast_ref::<Norm>()?;
    if norm.kind != Kind::Instance || ni.input(0) != Some(t1) || !ni.epilogue.is_empty() {
        return None;
    }
    if !ni.input(1).is_some_and(|s| const_all(g, s, 1.0)) || !ni.input(2).is_some_and(|b| const_all(g, b, 0.0)) {
        return None;
    }
    let t2 = ni.outputs[0];
    let r2 = sole_consumer(g, consumers, t2)?;
    if op_type(g, r2) != Some("Reshape") || !g.node(r2).epilogue.is_empty() {
        return None;
    }
    let mut y = g.node(r2).outputs[0];
    if &g.tensor(y).shape != xs {
        return None;
    }
    let mut nodes = vec![r1, inorm, r2];
    let per_channel = |t: TensorId| {
        let s = &g.tensor(t).shape;
        numel(s) == Some(c) && s.first() == Some(&c) && s.len() == xs.len() - 1
    };
    let (mut gamma, mut beta) = (None, None);
    if let Some(m) = sole_consumer(g, consumers, y).filter(|&m| op_type(g, m) == Some("Mul") && g.node(m).epilogue.is_empty()) {
        if let Some(gm) = other_operand(g, m, y).filter(|&t| per_channel(t)) {
            gamma = Some(gm);
            nodes.push(m);
            y = g.node(m).outputs[0];
            if let Some(a) = sole_consumer(g, consumers, y).filter(|&a| op_type(g, a) == Some("Add") && g.node(a).epilogue.is_empty()) {
                if let Some(bt) = other_operand(g, a, y).filter(|&t| per_channel(t)) {
                    beta = Some(bt);
                    nodes.push(a);
                    y = g.node(a).outputs[0];
                }
            }
        }
    }
    Some(Match { nodes, x, y, groups, epsilon: norm.epsilon, gamma, beta })
}

impl Pass for FuseGroupNorm {
    fn name(&self) -> &'static str {
        "fuse-group-norm"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-group-norm", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if g.nodes.node_weight(id).is_none() {
                continue;
            }
            // The pattern starts at a Reshape: the map of readers only for those.
            if g.node(id).op.op_type() != "Reshape" {
                continue;
            }
            let consumers = g.consumers();
            let Some(m) = find(g, &consumers, id) else { continue };
            let name = g.node(m.nodes[1]).name.clone();
            for n in &m.nodes {
                g.remove_node(*n);
            }
            // γ/β present: per-channel affine (GroupNormalization-21 semantics).
            let op = Norm { kind: Kind::Group { groups: m.groups, per_group_affine: false }, epsilon: m.epsilon, stats: false };
            g.add_node(Node::new(format!("{name}.group_norm"), Box::new(op), vec![Some(m.x), m.gamma, m.beta], vec![m.y]));
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}
