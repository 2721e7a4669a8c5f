//! fuse-linear-kv-append: a decode step's key or value projection writes its outputs
//! straight into the layer's KV cache (row `position` of each head), so the separate
//! cache-write dispatch and the round trip of k and v through memory disappear.
//!
//! ```text
//!   x ─ Linear ─ t [1, 1, N] ─ Reshape [1, H, 1, d] ─ r ─ KvCacheWrite(C, r, position) ─ C'
//!   ⇒  x ─ Linear(kv_append d; C, position) ─ C'
//! ```
//!
//! Only one-row projections without a fused epilogue (the kernel's epilogue would see the
//! cache's coordinates), whose output and reshape nothing else reads.

use super::patterns::{projection_reshape, sole_consumer, ProjectionReshape};
use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, NodeId, TensorId};
use crate::ops::kv_cache_write::KvCacheWrite;
use crate::ops::linear::Linear;
use crate::target::Target;

pub struct FuseLinearKvAppend;

impl Pass for FuseLinearKvAppend {
    fn name(&self) -> &'static str {
        "fuse-linear-kv-append"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        // The folded kernel is linear_matvec's (cooperative workgroups).
        if target.limits.max_compute_workgroup_invocations < 2 {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-linear-kv-append", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            let Some(m) = candidate(g, id) else { continue };
            let linear = m.linear.clone();
            g.remove_node(m.reshape);
            g.remove_node(m.write);
            let node = &mut g.nodes[id];
            node.op = Box::new(Linear { kv_append: Some(m.head), ..linear });
            node.inputs.extend([Some(m.cache), Some(m.position)]);
            node.outputs = vec![m.updated];
            changes += 1;
        }
        if changes > 0 {
            g.rebuild_edges();
        }
        Ok(PassReport { changes })
    }
}

struct Match {
    linear: Linear,
    reshape: NodeId,
    write: NodeId,
    head: usize,
    cache: TensorId,
    position: TensorId,
    /// The cache write's output, which the Linear now produces.
    updated: TensorId,
}

fn candidate(g: &Graph, id: NodeId) -> Option<Match> {
    // The pattern starts at a Linear: the map of readers only for those.
    g.nodes.node_weight(id)?.op.as_any().downcast_ref::<crate::ops::linear::Linear>()?;
    let consumers = g.consumers();
    let ProjectionReshape { linear, reshape: rid, reshaped } = projection_reshape(g, &consumers, id)?;
    let t = *g.node(id).outputs.first()?;
    if linear.kv_append.is_some() {
        return None;
    }
    let &[1, heads, 1, head] = g.tensor(reshaped).shape.as_slice() else { return None };
    let wid = sole_consumer(g, &consumers, reshaped)?;
    let wn = g.node(wid);
    // A token-major write reads [1, T, H·d] rows: not the head-major rows matched here.
    wn.op.as_any().downcast_ref::<KvCacheWrite>().filter(|w| !w.seq_major)?;
    let (cache, position, updated) = (wn.input(0)?, wn.input(2)?, *wn.outputs.first()?);
    let cache_fits = matches!(g.tensor(cache).shape.as_slice(), &[1, h, _, d] if h == heads && d == head);
    if wn.input(1) != Some(reshaped) || !wn.epilogue.is_empty() || !cache_fits || g.tensor(cache).dtype != g.tensor(t).dtype {
        return None;
    }
    Some(Match { linear, reshape: rid, write: wid, head, cache, position, updated })
}

#[cfg(test)]
mod tests {
    use crate::ir::Value;
    use crate::ops::linear::Linear;
    use crate::ops::Op;

    #[test]
    fn appended_rows_equal_the_product_written_at_position() {
        // 2 heads of 2 outputs, cache of 3 rows; x · w = [1, 2, 3, 4] lands at row 1.
        let x = Value::f32(vec![1, 1, 2], vec![1.0, 0.0]);
        let w = Value::f32(vec![4, 2], vec![1.0, 9.0, 2.0, 9.0, 3.0, 9.0, 4.0, 9.0]);
        let cache = Value::f32(vec![1, 2, 3, 2], vec![-1.0; 12]);
        let pos = Value::i64(vec![1], vec![1]);
        let op = Linear { kv_append: Some(2), ..Linear::default() };
        let y = op.eval(&[Some(&x), Some(&w), Some(&cache), Some(&pos)]).expect("appends").remove(0);
        assert_eq!(y.shape, vec![1, 2, 3, 2]);
        assert_eq!(y.as_f32(), vec![-1.0, -1.0, 1.0, 2.0, -1.0, -1.0, -1.0, -1.0, 3.0, 4.0, -1.0, -1.0]);
        let past = Value::i64(vec![1], vec![3]);
        let y = op.eval(&[Some(&x), Some(&w), Some(&cache), Some(&past)]).expect("drops").remove(0);
        assert_eq!(y.as_f32(), vec![-1.0; 12], "a position at or past the cache's length writes nothing");
    }
}
