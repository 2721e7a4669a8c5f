//! Small helpers shared by the pattern-fusion passes: single-consumer checks, constant
//! inspection, and node rewiring.

use std::collections::HashMap;

use crate::ir::{Graph, NodeId, TensorId};

/// The only node reading `t`, when there is exactly one and `t` is not a graph output.
pub fn sole_consumer(g: &Graph, consumers: &HashMap<TensorId, Vec<NodeId>>, t: TensorId) -> Option<NodeId> {
    if g.outputs.contains(&t) {
        return None;
    }
    match consumers.get(&t)?.as_slice() {
        [c] if g.nodes.node_weight(*c).is_some() => Some(*c),
        _ => None,
    }
}

/// The op type of a node, if it still exists.
pub fn op_type(g: &Graph, n: NodeId) -> Option<&'static str> {
    g.nodes.node_weight(n).map(|node| node.op.op_type())
}

/// Every element of a constant equals `v`.
pub fn const_all(g: &Graph, t: TensorId, v: f32) -> bool {
    g.tensor(t).value.as_deref().is_some_and(|x| x.as_f32().iter().all(|&e| e == v))
}

/// The single value of a one-element constant.
pub fn const_scalar(g: &Graph, t: TensorId) -> Option<f32> {
    let v = g.tensor(t).value.as_deref()?;
    (v.len() == 1).then(|| v.as_f32().first().copied()).flatten()
}

/// For a binary element-wise node reading `t`, the other operand.
pub fn other_operand(g: &Graph, n: NodeId, t: TensorId) -> Option<TensorId> {
    let node = g.nodes.node_weight(n)?;
    match (node.input(0), node.input(1)) {
        (Some(a), Some(b)) if a == t && b != t => Some(b),
        (Some(a), Some(b)) if b == t && a != t => Some(a),
        _ => None,
    }
}

/// A one-row Linear projection without a fused epilogue whose output only a Reshape (also
/// without epilogue) reads: the decode shape the fold-into-projection passes start from.
pub struct ProjectionReshape {
    pub linear: crate::ops::linear::Linear,
    /// The Reshape node and its output.
    pub reshape: NodeId,
    pub reshaped: TensorId,
}

/// Matches [`ProjectionReshape`] at node `id`.
pub fn projection_reshape(g: &Graph, consumers: &HashMap<TensorId, Vec<NodeId>>, id: NodeId) -> Option<ProjectionReshape> {
    let n = g.nodes.node_weight(id)?;
    let linear = n.op.as_any().downcast_ref::<crate::ops::linear::Linear>()?;
    let (x, t) = (n.input(0)?, *n.outputs.first()?);
    let k = *g.tensor(x).shape.last()?;
    if !n.epilogue.is_empty() || crate::ir::numel(&g.tensor(x).shape) != Some(k) {
        return None;
    }
    let reshape = sole_consumer(g, consumers, t)?;
    let rn = g.node(reshape);
    rn.op.as_any().downcast_ref::<crate::ops::reshape::ReshapeOp>()?;
    let reshaped = *rn.outputs.first()?;
    if rn.input(0) != Some(t) || !rn.epilogue.is_empty() {
        return None;
    }
    Some(ProjectionReshape { linear: linear.clone(), reshape, reshaped })
}
