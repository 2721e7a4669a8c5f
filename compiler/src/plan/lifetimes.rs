//! Lifetimes: for each activation tensor that owns storage (aliases fold into their
//! root), the first and last execution step that touches it. Graph inputs live from step
//! 0; graph outputs to the last step. Buffer tensors become usage records of the pool
//! plan; texture tensors go to [`super::texture_pools`].

use std::collections::{BTreeMap, HashMap};

use runtime_min::bundle::{PoolRole, StorageKind};

use super::UsageRecord;
use crate::ir::{Graph, NodeId, TensorId};
use crate::passes::virtualize::Physical;

/// Usage records of activation roots stored in buffers, ordered by tensor handle
/// (deterministic).
pub fn usage_records(g: &Graph, order: &[NodeId], physical: &HashMap<TensorId, Physical>) -> Vec<(TensorId, UsageRecord)> {
    spans(g, order, physical)
        .into_iter()
        .filter(|(t, _)| physical.get(t).is_some_and(|p| p.storage == StorageKind::Buffer))
        .collect()
}

/// Usage records (size, first, last) of every activation root, whatever its storage,
/// ordered by tensor handle.
pub fn spans(g: &Graph, order: &[NodeId], physical: &HashMap<TensorId, Physical>) -> Vec<(TensorId, UsageRecord)> {
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
