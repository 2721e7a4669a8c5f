//! Memory-aware execution order: a topological order that tries to keep the live set
//! small. Greedy list scheduling: among the ready nodes, run the one whose outputs add
//! the fewest bytes net of the inputs it frees (their last use); ties keep the model's
//! order. `plan_memory` keeps this order only when its plan is smaller than the
//! model's own order.

use std::collections::{BTreeSet, HashMap};

use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use runtime_min::bundle::PoolRole;

use crate::ir::{Graph, IrError, NodeId, TensorId};
use crate::passes::virtualize::Physical;

pub fn memory_aware(g: &Graph, physical: &HashMap<TensorId, Physical>) -> Result<Vec<NodeId>, IrError> {
    let root = |t: TensorId| physical.get(&t).and_then(|p| p.alias_of).unwrap_or(t);
    let bytes = |t: TensorId| physical.get(&t).filter(|p| p.pool == PoolRole::Activations && p.alias_of.is_none()).map_or(0i64, |p| p.bytes as i64);
    let mut uses: HashMap<TensorId, usize> = HashMap::new();
    for id in g.nodes.node_indices() {
        let set: BTreeSet<TensorId> = g.node(id).all_inputs().map(root).collect();
        for t in set {
            *uses.entry(t).or_default() += 1;
        }
    }
    let pinned: BTreeSet<TensorId> = g.outputs.iter().chain(&g.inputs).map(|&t| root(t)).collect();
    let mut indegree: HashMap<NodeId, usize> = g.nodes.node_indices().map(|n| (n, 0)).collect();
    for e in (&g.nodes).edge_references() {
        *indegree.entry(e.target()).or_default() += 1;
    }
    let mut ready: BTreeSet<NodeId> = indegree.iter().filter(|(_, &d)| d == 0).map(|(&n, _)| n).collect();
    let mut order = Vec::with_capacity(indegree.len());
    while !ready.is_empty() {
        let delta = |n: NodeId| -> i64 {
            let node = g.node(n);
            let added: i64 = node.outputs.iter().map(|&t| bytes(t)).sum();
            let inputs: BTreeSet<TensorId> = node.all_inputs().map(root).collect();
            let freed: i64 = inputs.iter().filter(|t| !pinned.contains(t) && uses.get(t) == Some(&1)).map(|&t| bytes(t)).sum();
            added - freed
        };
        let Some(&next) = ready.iter().min_by_key(|&&n| (delta(n), n)) else { break };
        ready.remove(&next);
        order.push(next);
        let inputs: BTreeSet<TensorId> = g.node(next).all_inputs().map(root).collect();
        for t in inputs {
            if let Some(u) = uses.get_mut(&t) {
                *u = u.saturating_sub(1);
            }
        }
        for e in g.nodes.edges(next) {
            if let Some(d) = indegree.get_mut(&e.target()) {
                *d -= 1;
                if *d == 0 {
                    ready.insert(e.target());
                }
            }
        }
    }
    if order.len() != indegree.len() {
        let node = g.nodes.node_indices().find(|n| !order.contains(n)).map(|n| g.node(n).name.clone()).unwrap_or_default();
        return Err(IrError::Cycle { node });
    }
    Ok(order)
}
