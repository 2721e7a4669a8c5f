//! fuse-activations: activations that exporters spell as several nodes become one
//! element-wise op, so they fuse into their producer's epilogue.
//!
//! ```text
//!   x ─┬─ [Mul α] ─ Sigmoid ─ s ─┐            x ─ Silu(α) ─ y
//!      └─────────────────────────┴─ Mul ─ y  ⇒
//!
//!   x ─┬─ Div(√2) ─ Erf ─ Add(1) ─┐
//!      └──────────────────────────┴─ Mul ─ Mul(0.5) ─ y   ⇒   x ─ Gelu ─ y
//! ```

use super::patterns::{const_scalar, op_type, other_operand, sole_consumer};
use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, Node, NodeId, TensorId};
use crate::ops::elementwise::{ElementwiseOp, Kind};
use crate::target::Target;

pub struct FuseActivations;

fn plain(n: &Node) -> bool {
    n.epilogue.is_empty()
}

/// Sigmoid(x) or Sigmoid(x·α) read only by Mul(x, ·): returns (nodes to remove, x, y, α).
fn silu(g: &Graph, c: &std::collections::HashMap<TensorId, Vec<NodeId>>, sig: NodeId) -> Option<(Vec<NodeId>, TensorId, TensorId, f32)> {
    let n = g.node(sig);
    if n.op.op_type() != "Sigmoid" || !plain(n) {
        return None;
    }
    let arg = n.input(0)?;
    let s = n.outputs[0];
    let m = sole_consumer(g, c, s)?;
    if op_type(g, m) != Some("Mul") || !plain(g.node(m)) {
        return None;
    }
    let x = other_operand(g, m, s)?;
    let y = g.node(m).outputs[0];
    if x == arg {
        return Some((vec![sig, m], x, y, 1.0));
    }
    // x·α computed by a Mul read only by the Sigmoid.
    let scale = g.tensor(arg).producer?;
    let sn = g.node(scale);
    if sn.op.op_type() != "Mul" || !plain(sn) || sole_consumer(g, c, arg) != Some(sig) {
        return None;
    }
    let alpha = const_scalar(g, other_operand(g, scale, x)?)?;
    Some((vec![scale, sig, m], x, y, alpha))
}

/// x / √2 → Erf → + 1 → · x → · 0.5 (or 0.5 applied first): returns (nodes, x, y).
fn gelu(g: &Graph, c: &std::collections::HashMap<TensorId, Vec<NodeId>>, div: NodeId) -> Option<(Vec<NodeId>, TensorId, TensorId)> {
    let n = g.node(div);
    let (x, k) = (n.input(0)?, n.input(1)?);
    let scale = const_scalar(g, k)?;
    let is_div = n.op.op_type() == "Div" && (scale - std::f32::consts::SQRT_2).abs() < 1e-4;
    let is_mul = n.op.op_type() == "Mul" && (scale - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-4;
    if !(is_div || is_mul) || !plain(n) {
        return None;
    }
    let erf = sole_consumer(g, c, n.outputs[0]).filter(|&e| op_type(g, e) == Some("Erf") && plain(g.node(e)))?;
    let t_erf = g.node(erf).outputs[0];
    let add = sole_consumer(g, c, t_erf).filter(|&a| op_type(g, a) == Some("Add") && plain(g.node(a)))?;
    if const_scalar(g, other_operand(g, add, t_erf)?)? != 1.0 {
        return None;
    }
    let t_add = g.node(add).outputs[0];
    let m1 = sole_consumer(g, c, t_add).filter(|&m| op_type(g, m) == Some("Mul") && plain(g.node(m)))?;
    let other = other_operand(g, m1, t_add)?;
    let t_m1 = g.node(m1).outputs[0];
    if other == x {
        // (x · (1 + erf)) · 0.5
        let m2 = sole_consumer(g, c, t_m1).filter(|&m| op_type(g, m) == Some("Mul") && plain(g.node(m)))?;
        if const_scalar(g, other_operand(g, m2, t_m1)?)? != 0.5 {
            return None;
        }
        return Some((vec![div, erf, add, m1, m2], x, g.node(m2).outputs[0]));
    }
    // (x · 0.5) · (1 + erf)
    let half = g.tensor(other).producer?;
    let hn = g.node(half);
    if hn.op.op_type() != "Mul" || !plain(hn) || other_operand(g, half, x).and_then(|k| const_scalar(g, k)) != Some(0.5) || sole_consumer(g, c, other) != Some(m1) {
        return None;
    }
    Some((vec![div, erf, add, half, m1], x, t_m1))
}

impl Pass for FuseActivations {
    fn name(&self) -> &'static str {
        "fuse-activations"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-activations", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if g.nodes.node_weight(id).is_none() {
                continue;
            }
            // The patterns start at a Sigmoid (SiLU) or a Div / Mul (GELU).
            if !matches!(g.node(id).op.op_type(), "Sigmoid" | "Div" | "Mul") {
                continue;
            }
            let c = g.consumers();
            let found = silu(g, &c, id).map(|(n, x, y, a)| ((n, x, y), Kind::Silu, a)).or_else(|| gelu(g, &c, id).map(|m| (m, Kind::Gelu, 0.0)));
            let Some(((nodes, x, y), kind, alpha)) = found else { continue };
            let name = g.node(*nodes.last().unwrap_or(&id)).name.clone();
            for n in &nodes {
                g.remove_node(*n);
            }
            g.add_node(Node::new(name, Box::new(ElementwiseOp { kind, alpha, beta: 0.0 }), vec![Some(x)], vec![y]));
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}
