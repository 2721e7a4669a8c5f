//! fuse-norm-conv: a group/instance normalization (with its fused activation) read only
//! by a convolution is applied inside the convolution's input reads. What remains is a
//! small statistics kernel; the normalized full-size tensor is never stored, which is
//! what bounds SD's VAE decoder (three 134 MB tensors live at 512×512 otherwise).
//!
//! ```text
//!   x ─ GroupNorm(γ, β)[+Silu] ─ t ─ Conv(W, b) ─ y
//!   ⇒  x ─ NormStats ─ s ─┐
//!      x ─────────────────┴ Conv(W, b; prologue: normalize with s, γ, β, Silu) ─ y
//! ```

use super::patterns::sole_consumer;
use super::{Pass, PassError, PassReport};
use crate::ir::{DType, Graph, Node, NodeId, Role};
use crate::ops::conv::{Conv, Prologue};
use crate::ops::elementwise::ElementwiseOp;
use crate::ops::norm::{Kind, Norm};
use crate::ops::norm_stats::NormStats;
use crate::target::Target;

pub struct FuseNormConv;

impl Pass for FuseNormConv {
    fn name(&self) -> &'static str {
        "fuse-norm-conv"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-norm-conv", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if g.nodes.node_weight(id).is_none() {
                continue;
            }
            let Some((conv_id, new_conv, stats_rows, eps)) = candidate(g, id) else { continue };
            let norm = g.node(id);
            let (Some(x), gamma, beta) = (norm.input(0), norm.input(1), norm.input(2)) else { continue };
            let name = norm.name.clone();
            let stats = g.add_tensor(format!("{name}.stats"), DType::F32, vec![stats_rows, 2], Role::Activation);
            g.remove_node(id);
            g.add_node(Node::new(format!("{name}.stats"), Box::new(NormStats { rows: stats_rows, epsilon: eps }), vec![Some(x)], vec![stats]));
            let conv = &mut g.nodes[conv_id];
            conv.op = Box::new(new_conv);
            conv.inputs.resize(3, None);
            conv.inputs[0] = Some(x);
            conv.inputs.extend([Some(stats), gamma, beta]);
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}

/// For a normalization node feeding only a plain Conv: (conv node, conv with prologue,
/// statistics rows, epsilon).
fn candidate(g: &Graph, id: NodeId) -> Option<(NodeId, Conv, usize, f32)> {
    let n = g.node(id);
    let norm = n.op.as_any().downcast_ref::<Norm>()?;
    let x = n.input(0)?;
    let xs = &g.tensor(x).shape;
    let (batch, c) = (*xs.first()?, *xs.get(1)?);
    let (groups, per_group) = match norm.kind {
        Kind::Group { groups, per_group_affine: false } => (groups, c / groups.max(1)),
        Kind::Instance => (c, 1),
        _ => return None,
    };
    let mut activations = Vec::new();
    for step in &n.epilogue {
        if step.args.iter().any(|a| a.is_some()) {
            return None;
        }
        activations.push(step.op.as_any().downcast_ref::<ElementwiseOp>()?.clone());
    }
    let consumers = g.consumers();
    let cid = sole_consumer(g, &consumers, n.outputs[0])?;
    let cn = g.node(cid);
    let conv = cn.op.as_any().downcast_ref::<Conv>()?;
    if conv.prologue.is_some() || cn.input(0) != Some(n.outputs[0]) || cn.inputs.len() > 3 {
        return None;
    }
    let mut new_conv = conv.clone();
    new_conv.prologue = Some(Prologue { groups, per_group, activations });
    Some((cid, new_conv, batch * groups, norm.epsilon))
}
