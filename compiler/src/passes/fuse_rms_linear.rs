//! fuse-rms-linear: an RMSNorm over one row (an LLM decode step) read only by Linear /
//! LinearQ4 nodes is folded into each of them: each workgroup of their kernel normalizes
//! the row into its own workgroup memory (or, where it does not fit, each row's lanes sum
//! the squares of what they stream), so the normalized row never goes through device
//! memory and the norm's own dispatch (a single workgroup, latency-bound) disappears.
//!
//! ```text
//!   x ─ RMSNorm(g, ε) ─ t ─┬ Linear(Wq) ─ q          x ─┬ Linear(Wq; norm g, ε) ─ q
//!                          ├ Linear(Wk) ─ k    ⇒       ├ Linear(Wk; norm g, ε) ─ k
//!                          └ Linear(Wv) ─ v            └ Linear(Wv; norm g, ε) ─ v
//! ```

use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, NodeId};
use crate::ops::linear::Linear;
use crate::ops::linear_matvec::int8_lanes;
use crate::ops::linear_q4::LinearQ4;
use crate::ops::rms_norm::RmsNorm;
use crate::target::Target;

pub struct FuseRmsLinear;

impl Pass for FuseRmsLinear {
    fn name(&self) -> &'static str {
        "fuse-rms-linear"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        // The folded kernel needs cooperative workgroups (linear_matvec); the target may
        // prefer the norm's own dispatch (`tuning.fold_rms_norm`) except where the readers
        // will share one packed int8 row (`candidate`).
        if target.limits.max_compute_workgroup_invocations < 4 || !(target.tuning.fold_rms_norm || target.tuning.decode_quantize_once) {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-rms-linear", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if g.nodes.node_weight(id).is_none() {
                continue;
            }
            let Some((x, scale, eps, users)) = candidate(g, id, target) else { continue };
            let t = g.node(id).outputs[0];
            g.remove_node(id);
            for user in users {
                let node = &mut g.nodes[user];
                if let Some(l) = node.op.as_any().downcast_ref::<Linear>() {
                    node.op = Box::new(Linear { norm: Some(eps), ..l.clone() });
                } else if let Some(l) = node.op.as_any().downcast_ref::<LinearQ4>() {
                    node.op = Box::new(LinearQ4 { norm: Some(eps), ..l.clone() });
                }
                for slot in node.inputs.iter_mut().filter(|s| **s == Some(t)) {
                    *slot = Some(x);
                }
                node.inputs.push(Some(scale));
            }
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}

/// For an RMSNorm of one row over its last axis, with a [K] scale and no epilogue, whose
/// output only un-normalized Linear/LinearQ4 nodes read as their activation: (x, scale,
/// epsilon, those nodes). A Linear/LinearQ4 with int8 activations quantizes the
/// normalized row from workgroup memory, so the norm folds into it only where that row
/// (f32), its int8 copy, its block scales (and sums) and the sums of two lanes or more
/// fit the target's workgroup memory (`linear_matvec::int8_lanes`); otherwise the norm
/// keeps its own dispatch and the projection quantizes the row it reads. Where the target
/// does not fold norms (`tuning.fold_rms_norm` false) but packs shared int8 rows
/// (`tuning.decode_quantize_once`), a norm read only by int8-activation projections still
/// folds: `share-int8-activations` then moves it into their one packed row.
fn candidate(g: &Graph, id: NodeId, target: &Target) -> Option<(crate::ir::TensorId, crate::ir::TensorId, f32, Vec<NodeId>)> {
    let n = g.node(id);
    let norm = n.op.as_any().downcast_ref::<RmsNorm>()?;
    let (x, scale, t) = (n.input(0)?, n.input(1)?, *n.outputs.first()?);
    let shape = &g.tensor(x).shape;
    let k = *shape.last()?;
    let last_axis = norm.axis == -1 || norm.axis == shape.len() as i64 - 1;
    if !last_axis || numel(shape) != Some(k) || g.tensor(scale).shape != [k] || !n.epilogue.is_empty() || g.outputs.contains(&t) {
        return None;
    }
    let users = g.consumers_of(t);
    if users.is_empty() {
        return None;
    }
    for &u in &users {
        let un = g.node(u);
        let unfolded = match (un.op.as_any().downcast_ref::<Linear>(), un.op.as_any().downcast_ref::<LinearQ4>()) {
            (Some(l), _) => l.norm.is_none() && l.rope.is_none() && un.inputs.len() == 2 && (!l.act_int8 || int8_lanes(target, k, false, true, false).is_some()),
            (_, Some(l)) => l.norm.is_none() && un.inputs.len() == 3 && (!l.act_int8 || int8_lanes(target, k, true, true, false).is_some()),
            _ => false,
        };
        if !unfolded || un.input(0) != Some(t) || un.all_inputs().filter(|&i| i == t).count() != 1 {
            return None;
        }
        // Int8 activations that fit-int8-activations will keep (it runs later).
        let int8 = super::fit_int8_activations::servable(g, u, target) == Some(true);
        if !target.tuning.fold_rms_norm && !(target.tuning.decode_quantize_once && int8) {
            return None;
        }
    }
    Some((x, scale, norm.epsilon, users))
}

#[cfg(test)]
mod tests {
    use crate::ir::Value;
    use crate::ops::linear::Linear;
    use crate::ops::rms_norm::RmsNorm;
    use crate::ops::Op;

    #[test]
    fn folded_norm_equals_norm_then_linear() {
        let x = Value::f32(vec![1, 1, 4], vec![0.5, -2.0, 1.5, 3.0]);
        let scale = Value::f32(vec![4], vec![1.0, 0.5, -1.0, 2.0]);
        let w = Value::f32(vec![3, 4], (0..12).map(|i| (i as f32 - 5.0) * 0.25).collect());
        let normed = RmsNorm { axis: -1, epsilon: 1e-5 }.eval(&[Some(&x), Some(&scale)]).expect("rms");
        let want = Linear::default().eval(&[Some(&normed[0]), Some(&w)]).expect("linear");
        let got = Linear { norm: Some(1e-5), rope: None, act_int8: false, row_scale: false, kv_append: None, packed: None, k_splits: 0, gate: None, combine: false }.eval(&[Some(&x), Some(&w), Some(&scale)]).expect("folded");
        assert_eq!(got[0].shape, want[0].shape);
        for (a, b) in got[0].as_f32().iter().zip(want[0].as_f32()) {
            assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
}
