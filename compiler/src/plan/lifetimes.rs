//! Lifetimes: for each activation tensor that owns storage (aliases fold into their
//! root), the first and last execution step that touches it. Graph inputs live from step
//! 0; graph outputs to the last step. Buffer tensors become usage records of the pool
//! plan; texture tensors go to [`super::texture_pools`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use runtime_min::bundle::{PoolRole, StorageKind};

use super::UsageRecord;
use crate::ir::{Graph, NodeId, TensorId};
use crate::passes::virtualize::Physical;

/// Usage records of activation roots stored in buffers, ordered by tensor handle
/// (deterministic).
pub fn usage_records(g: &Graph, order: &[NodeId], physical: &HashMap<TensorId, Physical>, side: bool) -> Vec<(TensorId, UsageRecord)> {
    spans(g, order, physical, side)
        .into_iter()
        .filter(|(t, _)| physical.get(t).is_some_and(|p| p.storage == StorageKind::Buffer))
        .collect()
}

/// Usage records (size, first, last) of every activation root, whatever its storage,
/// ordered by tensor handle. With `side`, the outputs of nodes that may run beside others
/// (`super::side`) live from the step they may start at.
pub fn spans(g: &Graph, order: &[NodeId], physical: &HashMap<TensorId, Physical>, side: bool) -> Vec<(TensorId, UsageRecord)> {
    let root = |t: TensorId| physical.get(&t).and_then(|p| p.alias_of).unwrap_or(t);
    let mut span: BTreeMap<TensorId, (usize, usize)> = BTreeMap::new();
    let mut touch = |t: TensorId, step: usize| {
        let e = span.entry(t).or_insert((step, step));
        e.0 = e.0.min(step);
        e.1 = e.1.max(step);
    };
    let last = order.len().saturating_sub(1);
    for &t in &g.inputs {
        touch(root(t), 0);
    }
    for (step, &id) in order.iter().enumerate() {
        let n = g.node(id);
        for t in n.all_inputs().chain(n.outputs.iter().copied()) {
            touch(root(t), step);
        }
    }
    // A tensor made from constants alone (a weight widened per prefill chunk,
    // `super::order::of_constants`) lives until the last of its reader's siblings, the steps
    // right after the reader that read one of its activations too: no sibling's output
    // takes its memory, so the siblings (a layer's q, k and v products) may launch as one
    // kernel. (An order was given, so the graph has no cycle; were it to, the set is empty.)
    let made = super::order::of_constants(g, physical).unwrap_or_default();
    let activation = |t: TensorId| physical.get(&root(t)).is_some_and(|p| p.pool == PoolRole::Activations);
    let main_inputs = |id: NodeId| -> BTreeSet<TensorId> { g.node(id).inputs.iter().flatten().copied().filter(|&t| activation(t)).map(root).collect() };
    let of_constants = |t: TensorId| g.tensor(t).producer.is_some_and(|p| made.contains(&p));
    for (step, &id) in order.iter().enumerate() {
        let widened: Vec<TensorId> = g.node(id).inputs.iter().flatten().copied().filter(|&t| activation(t) && of_constants(t)).collect();
        if widened.is_empty() {
            continue;
        }
        let shared: BTreeSet<TensorId> = main_inputs(id).into_iter().filter(|t| !widened.contains(t)).collect();
        let run_end = order.iter().enumerate().skip(step + 1).take_while(|(_, &n)| !main_inputs(n).is_disjoint(&shared)).map(|(i, _)| i).last().unwrap_or(step);
        for t in widened {
            touch(root(t), run_end);
        }
    }
    if side {
        for (n, step) in super::side::starts(g, order, physical) {
            for &t in &g.node(n).outputs {
                touch(root(t), step);
            }
        }
    }
    for &t in &g.outputs {
        touch(root(t), last);
    }
    // State (KV caches) persists between runs: it owns its bytes for the whole order.
    for &t in &g.state {
        touch(root(t), 0);
        touch(root(t), last);
    }
    span.into_iter()
        .filter(|(t, _)| physical.get(t).is_some_and(|p| p.pool == PoolRole::Activations && p.alias_of.is_none()))
        .map(|(t, (first, last))| (t, UsageRecord { size: physical.get(&t).map_or(0, |p| p.bytes), first, last }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Role;
    use crate::plan::fixtures::Fixture;

    /// q and k projections of x read weights widened from constants: q's widened weight
    /// lives on through k's step (its sibling), k's ends at its own; x's as ever.
    #[test]
    fn weights_made_from_constants_live_through_their_readers_siblings() {
        let mut f = Fixture::default();
        let x = f.tensor("x", Role::Input);
        let [wq, wk] = f.tensors(["wq", "wk"], Role::Weight);
        let [wide_q, wide_k, q, k] = f.tensors(["wide_q", "wide_k", "q", "k"], Role::Activation);
        f.g.inputs = vec![x];
        f.g.outputs = vec![q, k];
        let order = f.nodes(&[("q_widen", &[wq], wide_q), ("k_widen", &[wk], wide_k), ("q_proj", &[x, wide_q], q), ("k_proj", &[x, wide_k], k)]);
        let span = |t: TensorId| spans(&f.g, &order, &f.physical, false).into_iter().find(|(s, _)| *s == t).map(|(_, r)| (r.first, r.last));
        assert_eq!(span(wide_q), Some((0, 3)), "through k_proj, q_proj's sibling");
        assert_eq!(span(wide_k), Some((1, 3)));
        assert_eq!(span(x), Some((0, 3)));
    }

    /// With side starts, the second widening's output lives from the first product's
    /// step, where it may start (`super::super::side`); without, from its own.
    #[test]
    fn a_side_node_s_output_lives_from_where_it_may_start() {
        let (f, order, wide2) = crate::plan::fixtures::two_widened_products();
        let span = |side: bool| spans(&f.g, &order, &f.physical, side).into_iter().find(|(s, _)| *s == wide2).map(|(_, r)| (r.first, r.last));
        assert_eq!(span(false), Some((3, 4)));
        assert_eq!(span(true), Some((1, 4)));
    }
}
