//! fuse-linear-rotary: the RoPE of a one-row projection (an LLM decode step's q or k) is
//! applied by the projection's own kernel, which pairs rows i and i + d/2 of each head in
//! one workgroup: the rotary dispatch and the round trip of q and k through memory
//! between them disappear.
//!
//! ```text
//!   x ─ Linear(W) ─ t ─ Reshape [1, H, 1, d] ─ r ─ RotaryEmbedding(cos, sin, ids) ─ q
//!   ⇒  x ─ Linear(W; rope d, cos, sin, ids) ─ t ─ Reshape [1, H, 1, d] ─ r   (q's readers read r)
//! ```
//!
//! Only projections without a fused epilogue (an epilogue would run before the turn in the
//! kernel but after it in the op's reference; q8's per-row scale is moved into the Linear
//! by fuse-linear-scale first) and RoPE over whole heads (rotate_half, position_ids given).

use super::patterns::{projection_reshape, sole_consumer, ProjectionReshape};
use super::simplify::replace_uses;
use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, NodeId, TensorId};
use crate::ops::linear::Linear;
use crate::ops::rotary::Rotary;
use crate::target::Target;

pub struct FuseLinearRotary;

impl Pass for FuseLinearRotary {
    fn name(&self) -> &'static str {
        "fuse-linear-rotary"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        // The folded kernel pairs rows in workgroups of at least 4 lanes (linear_matvec).
        if target.limits.max_compute_workgroup_invocations < 4 {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-linear-rotary", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if g.nodes.node_weight(id).is_none() {
                continue;
            }
            let Some(m) = candidate(g, id) else { continue };
            let linear = g.node(id).op.as_any().downcast_ref::<Linear>().cloned().unwrap_or_default();
            g.remove_node(m.rotary);
            replace_uses(g, m.rotated, m.reshaped);
            let node = &mut g.nodes[id];
            node.op = Box::new(Linear { rope: Some(m.head), ..linear });
            node.inputs.extend([Some(m.cos), Some(m.sin), Some(m.ids)]);
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}

struct Match {
    rotary: NodeId,
    /// The Reshape's output (what the rotary read) and the rotary's output.
    reshaped: TensorId,
    rotated: TensorId,
    head: usize,
    cos: TensorId,
    sin: TensorId,
    ids: TensorId,
}

fn candidate(g: &Graph, id: NodeId) -> Option<Match> {
    // The pattern starts at a Linear: the map of readers only for those.
    g.nodes.node_weight(id)?.op.as_any().downcast_ref::<crate::ops::linear::Linear>()?;
    let consumers = g.consumers();
    let ProjectionReshape { linear, reshaped, .. } = projection_reshape(g, &consumers, id)?;
    if linear.rope.is_some() {
        return None;
    }
    let qid = sole_consumer(g, &consumers, reshaped)?;
    let qn = g.node(qid);
    let rot = qn.op.as_any().downcast_ref::<Rotary>()?;
    let (cos, sin, ids, rotated) = (qn.input(1)?, qn.input(2)?, qn.input(3)?, *qn.outputs.first()?);
    let &[1, _, 1, head] = g.tensor(reshaped).shape.as_slice() else { return None };
    let whole = rot.rotary_dim == 0 || rot.rotary_dim == head;
    let tables_fit = g.tensor(cos).shape.get(1) == Some(&(head / 2)) && g.tensor(ids).shape.iter().product::<usize>() == 1;
    if rot.interleaved || rot.num_heads != 0 || rot.parts != 0 || !whole || !tables_fit || qn.input(0) != Some(reshaped) || !qn.epilogue.is_empty() || g.outputs.contains(&rotated) || head % 2 != 0 {
        return None;
    }
    Some(Match { rotary: qid, reshaped, rotated, head, cos, sin, ids })
}

#[cfg(test)]
mod tests {
    use crate::ir::Value;
    use crate::ops::linear::Linear;
    use crate::ops::rotary::Rotary;
    use crate::ops::Op;

    #[test]
    fn folded_rope_equals_linear_then_rotary() {
        let x = Value::f32(vec![1, 1, 3], vec![0.5, -1.0, 2.0]);
        let w = Value::f32(vec![8, 3], (0..24).map(|i| (i as f32 - 11.0) * 0.125).collect());
        let cos = Value::f32(vec![3, 2], vec![1.0, 0.9, 0.5, 0.25, -0.4, 0.8]);
        let sin = Value::f32(vec![3, 2], vec![0.0, 0.1, 0.8, -0.6, 0.9, 0.3]);
        let ids = Value::i64(vec![1, 1], vec![2]);
        let y = Linear::default().eval(&[Some(&x), Some(&w)]).expect("linear");
        let heads = Value::f32(vec![1, 2, 1, 4], y[0].as_f32());
        let want = Rotary { interleaved: false, num_heads: 0, rotary_dim: 0, parts: 0 }.eval(&[Some(&heads), Some(&cos), Some(&sin), Some(&ids)]).expect("rotary");
        let got = Linear { norm: None, rope: Some(4), act_int8: false, row_scale: false, kv_append: None, packed: None, k_splits: 0, gate: None, combine: false }.eval(&[Some(&x), Some(&w), Some(&cos), Some(&sin), Some(&ids)]).expect("fused");
        for (a, b) in got[0].as_f32().iter().zip(want[0].as_f32()) {
            assert!((a - b).abs() <= 1e-6, "{a} vs {b}");
        }
    }
}
