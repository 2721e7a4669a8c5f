//! fuse-combine-linear: where the target asks for it (`tuning.decode_combine_in_projection`),
//! a decode step's output projection reads the split attention's partials itself and
//! combines them into its row in workgroup memory (`Linear::combine`), so the combining
//! dispatch, one dependent step of every layer, disappears. Every workgroup of the
//! projection redoes the combination (H·S·(d + 2) values from the cache, a few KB).
//!
//! ```text
//!   parts [1, H, 1, S, d + 2] ─ AttentionCombine ─ o [1, H, 1, d] ─ Reshape [1, 1, H·d] ─ Linear(W) ─ y
//!   ⇒  parts ─ Linear(W; combine) ─ y
//! ```
//!
//! Only a Linear of one row with nothing folded into it but int8 activations or a row scale
//! (no norm, RoPE, KV-cache append, packed row, cut or gate), whose row and reshape nothing
//! else reads, where the combined row (and with int8 activations its quantized copy) fits
//! the workgroup memory.

use super::patterns::{op_type, sole_consumer};
use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, NodeId, TensorId};
use crate::ops::attention_combine::AttentionCombine;
use crate::ops::linear::Linear;
use crate::target::Target;

pub struct FuseCombineLinear;

impl Pass for FuseCombineLinear {
    fn name(&self) -> &'static str {
        "fuse-combine-linear"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        if !target.tuning.decode_combine_in_projection || target.limits.max_compute_workgroup_invocations < 2 {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-combine-linear", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            let Some(m) = candidate(g, id, target) else { continue };
            g.remove_node(m.combine);
            g.remove_node(m.reshape);
            let node = &mut g.nodes[m.linear];
            node.op = Box::new(Linear { combine: true, ..m.op });
            if let Some(first) = node.inputs.first_mut() {
                *first = Some(m.parts);
            }
            changes += 1;
        }
        // (The readers map each match takes is built from the nodes, not the edges.)
        if changes > 0 {
            g.rebuild_edges();
        }
        Ok(PassReport { changes })
    }
}

struct Match {
    combine: NodeId,
    reshape: NodeId,
    linear: NodeId,
    op: Linear,
    parts: TensorId,
}

/// The pattern at AttentionCombine node `id`.
fn candidate(g: &Graph, id: NodeId, target: &Target) -> Option<Match> {
    let n = g.nodes.node_weight(id)?;
    n.op.as_any().downcast_ref::<AttentionCombine>()?;
    let (parts, o) = (n.input(0)?, *n.outputs.first()?);
    let &[1, heads, 1, _, w] = g.tensor(parts).shape.as_slice() else { return None };
    let d = w.checked_sub(2)?;
    // The kernel combines four columns of a head at a time.
    if d % 4 != 0 {
        return None;
    }
    let k = heads * d;
    let consumers = g.consumers();
    let reshape = sole_consumer(g, &consumers, o)?;
    let rn = g.node(reshape);
    if op_type(g, reshape) != Some("Reshape") || rn.input(0) != Some(o) || !rn.epilogue.is_empty() || !n.epilogue.is_empty() {
        return None;
    }
    let row = *rn.outputs.first()?;
    if g.tensor(row).shape.last() != Some(&k) || numel(&g.tensor(row).shape) != Some(k) {
        return None;
    }
    let linear = sole_consumer(g, &consumers, row)?;
    let ln = g.node(linear);
    let op = ln.op.as_any().downcast_ref::<Linear>()?.clone();
    let only = Linear { act_int8: op.act_int8, row_scale: op.row_scale, ..Linear::default() };
    if op != only || ln.input(0) != Some(row) || ln.inputs.iter().skip(1).any(|&t| t == Some(row)) {
        return None;
    }
    // The decode kernel stages the combined row as f32 (with int8 activations, its
    // quantized copy and block scales too) beside a float per lane.
    let fits = if op.act_int8 {
        crate::ops::linear_matvec::int8_lanes(target, k, false, true, false).is_some()
    } else {
        let lanes = target.cooperative_lanes(target.tuning.linear_matvec_workgroup) as usize;
        4 * k + 4 * lanes <= target.limits.max_compute_shared_memory_size as usize
    };
    fits.then_some(Match { combine: id, reshape, linear, op, parts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role, Value};
    use crate::ops::Op;

    /// parts ─ AttentionCombine ─ Reshape ─ Linear: folded, with the same output.
    #[test]
    fn the_projection_of_combined_partials_equals_combining_first() {
        let (heads, splits, d, n) = (2usize, 3usize, 4usize, 5usize);
        let mut g = Graph::default();
        let parts = g.add_tensor("parts", DType::F32, vec![1, heads, 1, splits, d + 2], Role::Input);
        let o = g.add_tensor("o", DType::F32, vec![1, heads, 1, d], Role::Activation);
        g.add_node(Node::new("attention", Box::new(AttentionCombine), vec![Some(parts)], vec![o]));
        let shape = g.add_const("shape", Value::i64(vec![3], vec![1, 1, (heads * d) as i64]));
        let row = g.add_tensor("row", DType::F32, vec![1, 1, heads * d], Role::Activation);
        g.add_node(Node::new("merged", Box::new(crate::ops::reshape::ReshapeOp { kind: crate::ops::reshape::Kind::Reshape { allow_zero: false }, axes: None }), vec![Some(o), Some(shape)], vec![row]));
        let w = g.add_const("w", Value::f32(vec![n, heads * d], (0..n * heads * d).map(|i| ((i * 7 % 11) as f32 - 5.0) / 4.0).collect()));
        let y = g.add_tensor("y", DType::F32, vec![1, 1, n], Role::Activation);
        g.add_node(Node::new("o_proj", Box::new(Linear::default()), vec![Some(row), Some(w)], vec![y]));
        g.inputs = vec![parts];
        g.outputs = vec![y];
        // Partials: values, then a max and a sum of exponentials per (head, split).
        let pv: Vec<f32> = (0..heads * splits * (d + 2)).map(|i| if i % (d + 2) == d + 1 { 1.0 + (i % 5) as f32 } else { ((i * 13 % 17) as f32 - 8.0) / 3.0 }).collect();
        let pval = Value::f32(vec![1, heads, 1, splits, d + 2], pv);
        let combined = AttentionCombine.eval(&[Some(&pval)]).expect("combines").remove(0);
        let rowv = Value::f32(vec![1, 1, heads * d], combined.as_f32());
        let wv = g.tensor(w).value.as_deref().cloned().expect("weight");
        let want = Linear::default().eval(&[Some(&rowv), Some(&wv)]).expect("projects").remove(0);
        let mut target = Target::load("lavapipe").expect("lavapipe");
        assert_eq!(FuseCombineLinear.run(&mut g, &target).expect("runs").changes, 0, "off unless the target asks");
        target.tuning.decode_combine_in_projection = true;
        assert_eq!(FuseCombineLinear.run(&mut g, &target).expect("runs").changes, 1);
        g.check().expect("consistent");
        let ids: Vec<NodeId> = g.nodes.node_indices().collect();
        assert_eq!(ids.len(), 1, "the combine and the reshape are gone");
        let node = g.node(ids[0]);
        assert_eq!(node.input(0), Some(parts));
        let got = node.op.eval(&[Some(&pval), Some(&wv)]).expect("evaluates").remove(0);
        assert_eq!(got.shape, vec![1, 1, n]);
        assert_eq!(got.as_f32(), want.as_f32());
    }
}
