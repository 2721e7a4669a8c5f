//! fuse-linear-scale: the per-output-row scale of a q8 projection of one row (an LLM
//! decode step's int8 weights, whose scale the frontend applies as a Mul after the
//! product) becomes an input of the Linear itself, applied in its kernel right after the
//! row's sum. The projection is then epilogue-free, so fuse-linear-rotary can fold its
//! RoPE as it does for f16 weights (q8 decode kept its rotary dispatches before).
//!
//! ```text
//!   x ─ Linear(W int8) then Mul(_, s[N])  ⇒  x ─ Linear(W int8; row_scale s)
//! ```

use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, NodeId, TensorId};
use crate::ops::elementwise::{ElementwiseOp, Kind};
use crate::ops::linear::Linear;
use crate::target::Target;

pub struct FuseLinearScale;

impl Pass for FuseLinearScale {
    fn name(&self) -> &'static str {
        "fuse-linear-scale"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        // The scaled kernel is linear_matvec's (cooperative workgroups of two lanes or more).
        if target.limits.max_compute_workgroup_invocations < 2 {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-linear-scale", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            let Some((linear, scale)) = candidate(g, id) else { continue };
            let node = &mut g.nodes[id];
            node.epilogue.clear();
            node.op = Box::new(Linear { row_scale: true, ..linear });
            node.inputs.push(Some(scale));
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}

/// A one-row Linear without RoPE or a row scale yet, whose only epilogue step multiplies
/// by a constant [N] vector: (the Linear, that vector).
fn candidate(g: &Graph, id: NodeId) -> Option<(Linear, TensorId)> {
    let n = g.nodes.node_weight(id)?;
    let linear = n.op.as_any().downcast_ref::<Linear>()?;
    let (x, y) = (n.input(0)?, *n.outputs.first()?);
    let k = *g.tensor(x).shape.last()?;
    let out = *g.tensor(y).shape.last()?;
    if linear.rope.is_some() || linear.row_scale || numel(&g.tensor(x).shape) != Some(k) {
        return None;
    }
    let [step] = n.epilogue.as_slice() else { return None };
    let ew = step.op.as_any().downcast_ref::<ElementwiseOp>()?;
    if ew.kind != Kind::Mul || ew.alpha != 1.0 || ew.beta != 0.0 {
        return None;
    }
    let scale = match step.args.as_slice() {
        [None, Some(s)] | [Some(s), None] => *s,
        _ => return None,
    };
    let st = g.tensor(scale);
    (st.value.is_some() && st.shape == [out]).then_some((linear.clone(), scale))
}

#[cfg(test)]
mod tests {
    use crate::ir::Value;
    use crate::ops::linear::Linear;
    use crate::ops::Op;

    #[test]
    fn scaled_rows_equal_the_product_then_the_scale() {
        let x = Value::f32(vec![1, 3], vec![1.0, -2.0, 0.5]);
        let w = Value::f32(vec![2, 3], vec![3.0, 1.0, -4.0, 2.0, 0.0, 8.0]);
        let s = Value::f32(vec![2], vec![0.5, -0.25]);
        let y = Linear { row_scale: true, ..Linear::default() }.eval(&[Some(&x), Some(&w), Some(&s)]).expect("scaled").remove(0).as_f32();
        // x · w rows: 3 - 2 - 2 = -1, 2 + 0 + 4 = 6; times 0.5 and -0.25.
        assert_eq!(y, vec![-0.5, -1.5]);
    }
}
