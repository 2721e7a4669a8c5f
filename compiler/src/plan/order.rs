//! Memory-aware execution order: a topological order that tries to keep the live set
//! small. Greedy list scheduling: among the ready nodes, run the one whose outputs add
//! the fewest bytes net of the inputs it frees (their last use); ties keep the model's
//! order. A variant runs the readers of an activation the last node read (siblings) first.
//! `plan_memory` keeps this order only when its plan is smaller than the model's own order.

use std::collections::{BTreeSet, HashMap};

use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use runtime_min::bundle::PoolRole;

use crate::ir::{Graph, IrError, NodeId, TensorId};
use crate::passes::virtualize::Physical;

/// The memory-aware order; with `siblings`, readers of an activation the last node read
/// (as a main input) go first among the ready nodes.
pub fn memory_aware(g: &Graph, physical: &HashMap<TensorId, Physical>, siblings: bool) -> Result<Vec<NodeId>, IrError> {
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
    let mut shared: BTreeSet<TensorId> = BTreeSet::new();
    while !ready.is_empty() {
        let delta = |n: NodeId| -> i64 {
            let node = g.node(n);
            let added: i64 = node.outputs.iter().map(|&t| bytes(t)).sum();
            let inputs: BTreeSet<TensorId> = node.all_inputs().map(root).collect();
            let freed: i64 = inputs.iter().filter(|t| !pinned.contains(t) && uses.get(t) == Some(&1)).map(|&t| bytes(t)).sum();
            added - freed
        };
        // With `siblings`, readers of an activation the last node read, still to be read,
        // go first: the q, k and v projections of one normalized row stay side by side,
        // so the target may merge them into one launch.
        let reads_shared = |n: &&NodeId| g.node(**n).inputs.iter().flatten().map(|&t| root(t)).any(|t| shared.contains(&t));
        let pick = ready.iter().filter(|n| siblings && reads_shared(n)).min_by_key(|&&n| (delta(n), n)).or_else(|| ready.iter().min_by_key(|&&n| (delta(n), n)));
        let Some(&next) = pick else { break };
        ready.remove(&next);
        order.push(next);
        let inputs: BTreeSet<TensorId> = g.node(next).all_inputs().map(root).collect();
        let main: BTreeSet<TensorId> = g.node(next).inputs.iter().flatten().map(|&t| root(t)).collect();
        shared.clear();
        for t in inputs {
            if let Some(u) = uses.get_mut(&t) {
                *u = u.saturating_sub(1);
                // (Main inputs only: a padded chunk's `last_row`, which every row-wise
                // kernel reads, makes no siblings.)
                if *u > 0 && bytes(t) > 0 && main.contains(&t) {
                    shared.insert(t);
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role};
    use crate::ops::identity::Identity;
    use runtime_min::bundle::{ElemType, Layout, StorageKind};

    /// x feeds three projections (q of 8 units, k and v of 2); q and k each feed a turn
    /// of their own size. Least added bytes first runs k, then turns it (0 added, k freed)
    /// before v and q run; with siblings, k, v and q come side by side.
    #[test]
    fn siblings_keep_the_readers_of_one_activation_together() {
        let mut g = Graph::default();
        let mut physical = HashMap::new();
        let mut tensor = |g: &mut Graph, name: &str, units: u64, role: Role| {
            let t = g.add_tensor(name, DType::F32, vec![units as usize], role);
            physical.insert(t, Physical { pool: PoolRole::Activations, elem: ElemType::F32, layout: Layout::Linear, storage: StorageKind::Buffer, bytes: 1024 * units, alias_of: None, objects: Vec::new(), texture: None });
            t
        };
        let x = tensor(&mut g, "x", 4, Role::Input);
        let [q, k, v] = [("q", 8), ("k", 2), ("v", 2)].map(|(n, u)| tensor(&mut g, n, u, Role::Activation));
        let [qr, kr] = [("q_rot", 8), ("k_rot", 2)].map(|(n, u)| tensor(&mut g, n, u, Role::Activation));
        g.inputs = vec![x];
        g.outputs = vec![qr, kr, v];
        let node = |name: &str, input: TensorId, output: TensorId| Node::new(name, Box::new(Identity { name: "Identity" }), vec![Some(input)], vec![output]);
        for n in [node("q_proj", x, q), node("k_proj", x, k), node("v_proj", x, v), node("q_rope", q, qr), node("k_rope", k, kr)] {
            g.add_node(n);
        }
        let names = |order: Vec<NodeId>| -> Vec<String> { order.into_iter().map(|n| g.node(n).name.clone()).collect() };
        let plain = names(memory_aware(&g, &physical, false).expect("order"));
        let grouped = names(memory_aware(&g, &physical, true).expect("order"));
        assert_eq!(plain, ["k_proj", "k_rope", "v_proj", "q_proj", "q_rope"], "least added bytes first");
        assert_eq!(grouped, ["k_proj", "v_proj", "q_proj", "q_rope", "k_rope"], "siblings first, then least added bytes");
    }
}
