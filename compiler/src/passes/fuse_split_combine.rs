//! fuse-split-combine: where the target asks for it (`tuning.decode_attention_combine_last`,
//! OpenCL C targets), a decode step's split attention merges its own splits
//! (`CachedAttentionSplit::combine`): the last workgroup of each cache head to finish
//! combines that head's partials, so neither a combining dispatch nor the output
//! projection's every workgroup (`fuse-combine-linear`) redoes it, and the keys can be cut
//! into more splits (more workgroups at short contexts) for the same combining cost.
//!
//! ```text
//!   q, K, V, pos ─ CachedAttentionSplit ─ parts ─ AttentionCombine ─ o
//!   ⇒  q, K, V, pos ─ CachedAttentionSplit(combine) ─ (o, parts)
//! ```
//!
//! Runs before `fuse-combine-linear`, which then finds no AttentionCombine to fold. Only
//! where nothing else reads the partials and neither node carries a fused epilogue.

use super::patterns::sole_consumer;
use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, NodeId, TensorId};
use crate::ops::attention_combine::AttentionCombine;
use crate::ops::cached_attention_split::CachedAttentionSplit;
use crate::target::{KernelLanguage, Target};

pub struct FuseSplitCombine;

impl Pass for FuseSplitCombine {
    fn name(&self) -> &'static str {
        "fuse-split-combine"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        if !target.tuning.decode_attention_combine_last || target.kernel_language != KernelLanguage::OpenclC {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-split-combine", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            let Some(m) = candidate(g, id) else { continue };
            g.remove_node(m.combine);
            let node = &mut g.nodes[id];
            node.op = Box::new(CachedAttentionSplit { combine: true, ..m.op });
            node.outputs = vec![m.merged, m.parts];
            changes += 1;
        }
        if changes > 0 {
            g.rebuild_edges();
        }
        Ok(PassReport { changes })
    }
}

struct Match {
    combine: NodeId,
    op: CachedAttentionSplit,
    parts: TensorId,
    merged: TensorId,
}

/// The pattern at CachedAttentionSplit node `id`.
fn candidate(g: &Graph, id: NodeId) -> Option<Match> {
    let n = g.nodes.node_weight(id)?;
    let op = n.op.as_any().downcast_ref::<CachedAttentionSplit>()?.clone();
    if op.combine || !n.epilogue.is_empty() {
        return None;
    }
    let &[parts] = n.outputs.as_slice() else { return None };
    let consumers = g.consumers();
    let combine = sole_consumer(g, &consumers, parts)?;
    let cn = g.node(combine);
    cn.op.as_any().downcast_ref::<AttentionCombine>()?;
    if !cn.epilogue.is_empty() || cn.input(0) != Some(parts) {
        return None;
    }
    let &[merged] = cn.outputs.as_slice() else { return None };
    Some(Match { combine, op, parts, merged })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role, Value};
    use crate::ops::cached_attention::CachedAttention;
    use crate::ops::Op;

    /// Split attention ─ AttentionCombine: folded into one node whose first output is the
    /// combine's, with the same value; only for OpenCL C targets that ask.
    #[test]
    fn the_split_attention_takes_over_its_combine() {
        let (heads, kv_heads, ctx, d, splits) = (4usize, 2usize, 9usize, 4usize, 3usize);
        let mut g = Graph::default();
        let q = g.add_tensor("q", DType::F32, vec![1, heads, 1, d], Role::Input);
        let k = g.add_tensor("k", DType::F32, vec![1, kv_heads, ctx, d], Role::Input);
        let v = g.add_tensor("v", DType::F32, vec![1, kv_heads, ctx, d], Role::Input);
        let p = g.add_tensor("position", DType::I64, vec![1], Role::Input);
        let parts = g.add_tensor("parts", DType::F32, vec![1, heads, 1, splits, d + 2], Role::Activation);
        let o = g.add_tensor("o", DType::F32, vec![1, heads, 1, d], Role::Activation);
        let attention = CachedAttention { scale: 0.5, softcap: 0.0, window: 0, seq_major: false };
        let split = CachedAttentionSplit { attention, splits, combine: false };
        g.add_node(Node::new("attention.splits", Box::new(split), vec![Some(q), Some(k), Some(v), Some(p)], vec![parts]));
        g.add_node(Node::new("attention", Box::new(AttentionCombine), vec![Some(parts)], vec![o]));
        g.inputs = vec![q, k, v, p];
        g.outputs = vec![o];
        let vals = |n: usize, s: f32| Value::f32(vec![n], (0..n).map(|i| ((i as f32) * s).sin()).collect());
        let reshape = |v: Value, shape: Vec<usize>| Value::f32(shape, v.as_f32());
        let qv = reshape(vals(heads * d, 0.7), vec![1, heads, 1, d]);
        let kv = reshape(vals(kv_heads * ctx * d, 1.3), vec![1, kv_heads, ctx, d]);
        let vv = reshape(vals(kv_heads * ctx * d, 0.4), vec![1, kv_heads, ctx, d]);
        let pv = Value::i64(vec![1], vec![6]);
        let args = [Some(&qv), Some(&kv), Some(&vv), Some(&pv)];
        let want = split_of(&g).eval(&args).expect("evaluates").remove(0);
        let want = AttentionCombine.eval(&[Some(&want)]).expect("combines").remove(0);

        let mut target = Target::load("pocl").expect("pocl");
        assert_eq!(FuseSplitCombine.run(&mut g, &target).expect("runs").changes, 0, "off unless the target asks");
        let mut lavapipe = Target::load("lavapipe").expect("lavapipe");
        lavapipe.tuning.decode_attention_combine_last = true;
        assert_eq!(FuseSplitCombine.run(&mut g, &lavapipe).expect("runs").changes, 0, "OpenCL C targets only");
        target.tuning.decode_attention_combine_last = true;
        assert_eq!(FuseSplitCombine.run(&mut g, &target).expect("runs").changes, 1);
        g.check().expect("consistent");
        let ids: Vec<NodeId> = g.nodes.node_indices().collect();
        assert_eq!(ids.len(), 1, "the combine is gone");
        let node = g.node(ids[0]);
        assert_eq!(node.outputs, vec![o, parts]);
        assert_eq!(g.tensor(o).producer, Some(ids[0]));
        let got = node.op.eval(&args).expect("evaluates");
        assert_eq!(got[0].shape, vec![1, heads, 1, d]);
        assert_eq!(got[0].as_f32(), want.as_f32());
    }

    fn split_of(g: &Graph) -> CachedAttentionSplit {
        let id = g.nodes.node_indices().next().expect("a node");
        g.node(id).op.as_any().downcast_ref::<CachedAttentionSplit>().expect("the split attention").clone()
    }
}
