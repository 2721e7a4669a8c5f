//! fold-split-sums: the sum split-linear-k adds after a K-split product is folded into
//! its one reader where that reader can add the partial products as it loads them: a
//! RotaryEmbedding on 3-D rows (a prefill chunk's q or k) or a token-major KvCacheWrite
//! (its v). One dispatch fewer per folded sum, and the rows are rounded once, after the
//! RoPE, instead of after the sum too.
//!
//! ```text
//!   Linear(k_splits S) ─ p [S, 1, T, N] ─ ReduceSum(axis 0) ─ y ─ RotaryEmbedding(y, ..)
//!     ⇒ Linear(k_splits S) ─ p ─ RotaryEmbedding(p, ..; parts S)
//!   Linear(k_splits S) ─ p ─ ReduceSum(axis 0) ─ y ─ KvCacheWrite(C, y, position; token-major)
//!     ⇒ Linear(k_splits S) ─ p ─ KvCacheWrite(C, p, position; token-major, parts S)
//! ```
//!
//! Only sums without an epilogue whose output is read by that one node and is not a
//! graph output. A q8 projection's sum carries its per-column scale and stays: keeping
//! that scale on the parts instead (it commutes with the sum) was measured slower on the
//! H200 (2026-12-02, 2-layer Llama-3.2-1B-shaped q8 chunk 2413.7 -> 2462.0 us: the cut
//! products' cooperative kernel stages results with an epilogue, 1761.3 -> 1844.9 us,
//! more than the 37 us of sums saved).

use super::patterns::sole_consumer;
use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, NodeId, TensorId};
use crate::ops::kv_cache_write::KvCacheWrite;
use crate::ops::linear::Linear;
use crate::ops::linear_q4::LinearQ4;
use crate::ops::reduce::{Kind, Reduce};
use crate::ops::rotary::Rotary;
use crate::target::Target;

pub struct FoldSplitSums;

impl Pass for FoldSplitSums {
    fn name(&self) -> &'static str {
        "fold-split-sums"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let order = g.order().map_err(|e| PassError::Failed { pass: "fold-split-sums", message: e.to_string() })?;
        let consumers = g.consumers();
        let mut changes = 0;
        for id in order {
            let Some(m) = candidate(g, &consumers, id) else { continue };
            g.remove_node(id);
            let node = &mut g.nodes[m.reader];
            if let Some(r) = node.op.as_any().downcast_ref::<Rotary>() {
                node.op = Box::new(Rotary { parts: m.count, ..r.clone() });
            } else if let Some(w) = node.op.as_any().downcast_ref::<KvCacheWrite>() {
                node.op = Box::new(KvCacheWrite { parts: m.count, ..w.clone() });
            }
            if let Some(slot) = node.inputs.get_mut(m.slot) {
                *slot = Some(m.parts);
            }
            changes += 1;
        }
        if changes > 0 {
            g.rebuild_edges();
        }
        Ok(PassReport { changes })
    }
}

struct Match {
    /// The reader, the input slot that read the sum, the partial products, their count.
    reader: NodeId,
    slot: usize,
    parts: TensorId,
    count: usize,
}

/// The pattern at ReduceSum node `id`.
fn candidate(g: &Graph, consumers: &std::collections::HashMap<TensorId, Vec<NodeId>>, id: NodeId) -> Option<Match> {
    let n = g.nodes.node_weight(id)?;
    let r = n.op.as_any().downcast_ref::<Reduce>()?;
    let split_sum = r.kind == Kind::Sum && !r.keepdims && !r.axes_input && r.axes.as_deref() == Some(&[0]);
    if !split_sum || !n.epilogue.is_empty() {
        return None;
    }
    let (parts, y) = (n.input(0)?, *n.outputs.first()?);
    let count = *g.tensor(parts).shape.first()?;
    // The parts of a product split-linear-k cut (kept in a plain layout by its kernel).
    let producer = g.nodes.node_weight(g.tensor(parts).producer?)?;
    let cut = match (producer.op.as_any().downcast_ref::<Linear>(), producer.op.as_any().downcast_ref::<LinearQ4>()) {
        (Some(l), _) => l.k_splits,
        (_, Some(l)) => l.k_splits,
        _ => 0,
    };
    if cut != count {
        return None;
    }
    // Partial sums of 3-D rows [S, B, T, N], in the sum's precision.
    if g.tensor(parts).shape.len() != 4 || count < 2 || g.tensor(parts).dtype != g.tensor(y).dtype {
        return None;
    }
    let reader = sole_consumer(g, consumers, y)?;
    let rn = g.node(reader);
    if !rn.epilogue.is_empty() {
        return None;
    }
    let slot = if let Some(rot) = rn.op.as_any().downcast_ref::<Rotary>() {
        (rot.parts == 0 && rn.input(0) == Some(y) && !rn.inputs.iter().skip(1).any(|i| *i == Some(y))).then_some(0)?
    } else if let Some(w) = rn.op.as_any().downcast_ref::<KvCacheWrite>() {
        (w.seq_major && w.parts == 0 && rn.input(1) == Some(y) && rn.input(0) != Some(y) && rn.input(2) != Some(y)).then_some(1)?
    } else {
        return None;
    };
    Some(Match { reader, slot, parts, count })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role, Value};
    use crate::reference;

    /// RoPE over the sum of a product cut in two and a token-major cache write of another:
    /// both sums fold into their readers, and the reference gives what it gave before; a
    /// sum over parts no cut product made stays.
    #[test]
    fn folded_sums_give_the_summed_results() {
        let mut g = Graph::default();
        let (t, heads, d, ctx, k) = (3, 2, 4, 5, 8);
        let n = heads * d;
        let vals = |len: usize, m: usize| -> Vec<f32> { (0..len).map(|i| ((i * m % 23) as f32 - 11.0) / 7.0).collect() };
        let x = g.add_tensor("x", DType::F32, vec![1, t, k], Role::Input);
        let wq = g.add_const("wq", Value::f32(vec![n, k], vals(n * k, 3)));
        let wv = g.add_const("wv", Value::f32(vec![n, k], vals(n * k, 11)));
        let pq = g.add_tensor("pq", DType::F32, vec![2, 1, t, n], Role::Activation);
        let pv = g.add_tensor("pv", DType::F32, vec![2, 1, t, n], Role::Activation);
        let po = g.add_tensor("po", DType::F32, vec![2, 1, t, n], Role::Input);
        let q = g.add_tensor("q", DType::F32, vec![1, t, n], Role::Activation);
        let v = g.add_tensor("v", DType::F32, vec![1, t, n], Role::Activation);
        let o = g.add_tensor("o", DType::F32, vec![1, t, n], Role::Activation);
        let cos = g.add_const("cos", Value::f32(vec![ctx, d / 2], vals(ctx * d / 2, 5)));
        let sin = g.add_const("sin", Value::f32(vec![ctx, d / 2], vals(ctx * d / 2, 7)));
        let ids = g.add_const("ids", Value::i64(vec![1, t], vec![1, 2, 3]));
        let cache = g.add_tensor("cache", DType::F32, vec![1, heads, ctx, d], Role::Input);
        let pos = g.add_const("pos", Value::i64(vec![1], vec![1]));
        let qr = g.add_tensor("qr", DType::F32, vec![1, t, n], Role::Activation);
        let or = g.add_tensor("or", DType::F32, vec![1, t, n], Role::Activation);
        let c2 = g.add_tensor("c2", DType::F32, vec![1, heads, ctx, d], Role::Activation);
        let cut = || Box::new(Linear { k_splits: 2, ..Linear::default() });
        let sum = || Box::new(Reduce { kind: Kind::Sum, keepdims: false, noop_with_empty_axes: false, axes: Some(vec![0]), axes_input: false });
        let rope = || Box::new(Rotary { interleaved: false, num_heads: heads, rotary_dim: 0, parts: 0 });
        g.add_node(Node::new("q_proj", cut(), vec![Some(x), Some(wq)], vec![pq]));
        g.add_node(Node::new("v_proj", cut(), vec![Some(x), Some(wv)], vec![pv]));
        g.add_node(Node::new("q_sum", sum(), vec![Some(pq)], vec![q]));
        g.add_node(Node::new("v_sum", sum(), vec![Some(pv)], vec![v]));
        g.add_node(Node::new("o_sum", sum(), vec![Some(po)], vec![o]));
        g.add_node(Node::new("rope", rope(), vec![Some(q), Some(cos), Some(sin), Some(ids)], vec![qr]));
        g.add_node(Node::new("o_rope", rope(), vec![Some(o), Some(cos), Some(sin), Some(ids)], vec![or]));
        g.add_node(Node::new("write", Box::new(KvCacheWrite { seq_major: true, parts: 0 }), vec![Some(cache), Some(v), Some(pos)], vec![c2]));
        g.inputs = vec![x, po, cache];
        g.outputs = vec![qr, or, c2];
        g.rebuild_edges();
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("x".to_string(), Value::f32(vec![1, t, k], vals(t * k, 17)));
        inputs.insert("po".to_string(), Value::f32(vec![2, 1, t, n], vals(2 * t * n, 19)));
        inputs.insert("cache".to_string(), Value::f32(vec![1, heads, ctx, d], vals(heads * ctx * d, 13)));
        let before = reference::run(&g, &inputs).expect("runs");
        let target = Target::load("lavapipe").expect("target");
        let report = FoldSplitSums.run(&mut g, &target).expect("pass runs");
        assert_eq!(report.changes, 2, "q's and v's sums fold; o's parts are no cut product's");
        g.check().expect("consistent");
        let sums: Vec<&str> = g.nodes.node_weights().filter(|n| n.op.op_type() == "ReduceSum").map(|n| n.name.as_str()).collect();
        assert_eq!(sums, vec!["o_sum"]);
        let after = reference::run(&g, &inputs).expect("runs");
        for name in ["qr", "or", "c2"] {
            let (a, b) = (before[name].as_f32(), after[name].as_f32());
            assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-5), "{name}: {a:?} vs {b:?}");
        }
    }
}
