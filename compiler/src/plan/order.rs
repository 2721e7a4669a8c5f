//! Memory-aware execution order: a topological order that tries to keep the live set
//! small. Greedy list scheduling: among the ready nodes, run the one whose outputs add
//! the fewest bytes net of the inputs it frees (their last use); ties keep the model's
//! order. A variant runs the readers of an activation the last node read (siblings) first.
//! Nodes that read no graph input (a weight widened per chunk) wait until a reader of
//! theirs has its other inputs, then run first.
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
    // Nodes that read no graph input, directly or through their producers (a weight cast
    // per chunk): held back until a reader of theirs has run all its other producers,
    // then released (with their own held-back producers) to run before any other ready node.
    let held = of_constants(g, physical)?;
    let mut waiting: HashMap<NodeId, usize> = g.nodes.node_indices().map(|n| (n, 0)).collect();
    for e in (&g.nodes).edge_references() {
        if !held.contains(&e.source()) {
            *waiting.entry(e.target()).or_default() += 1;
        }
    }
    let mut released: BTreeSet<NodeId> = BTreeSet::new();
    let mut ready: BTreeSet<NodeId> = BTreeSet::new();
    let release = |n: NodeId, released: &mut BTreeSet<NodeId>, ready: &mut BTreeSet<NodeId>, indegree: &HashMap<NodeId, usize>| {
        let mut stack: Vec<NodeId> = g.nodes.neighbors_directed(n, petgraph::Direction::Incoming).filter(|p| held.contains(p)).collect();
        while let Some(d) = stack.pop() {
            if released.insert(d) {
                if indegree.get(&d) == Some(&0) {
                    ready.insert(d);
                }
                stack.extend(g.nodes.neighbors_directed(d, petgraph::Direction::Incoming).filter(|p| held.contains(p)));
            }
        }
    };
    for n in g.nodes.node_indices() {
        if held.contains(&n) {
            continue;
        }
        if indegree.get(&n) == Some(&0) {
            ready.insert(n);
        }
        if waiting.get(&n) == Some(&0) {
            release(n, &mut released, &mut ready, &indegree);
        }
    }
    let mut order = Vec::with_capacity(indegree.len());
    let mut shared: BTreeSet<TensorId> = BTreeSet::new();
    loop {
        // Held-back nodes no reader released (nothing reads them but the graph's outputs)
        // run once nothing else is ready.
        if ready.is_empty() {
            ready.extend(held.iter().filter(|n| !released.contains(n) && indegree.get(n) == Some(&0)).copied());
            released.extend(held.iter().copied());
            if ready.is_empty() {
                break;
            }
        }
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
        // Released held-back nodes first (the weights widened for the q, k and v
        // projections of one row run side by side, then the projections), then siblings.
        let pick = ready.iter().filter(|n| held.contains(n)).min_by_key(|&&n| (delta(n), n));
        let pick = pick.or_else(|| ready.iter().filter(|n| siblings && reads_shared(n)).min_by_key(|&&n| (delta(n), n))).or_else(|| ready.iter().min_by_key(|&&n| (delta(n), n)));
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
            let s = e.target();
            if let Some(d) = indegree.get_mut(&s) {
                *d -= 1;
                if *d == 0 && (!held.contains(&s) || released.contains(&s)) {
                    ready.insert(s);
                }
            }
            if !held.contains(&next) && !held.contains(&s) {
                if let Some(w) = waiting.get_mut(&s) {
                    *w -= 1;
                    if *w == 0 {
                        release(s, &mut released, &mut ready, &indegree);
                    }
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

/// The nodes that read no graph input, directly or through their producers (a weight
/// widened per chunk): those whose producers are all such nodes and whose inputs and
/// outputs include no graph input or output. (Constant folding leaves none in a graph as
/// imported: only passes after it make them.)
pub(super) fn of_constants(g: &Graph, physical: &HashMap<TensorId, Physical>) -> Result<BTreeSet<NodeId>, IrError> {
    let root = |t: TensorId| physical.get(&t).and_then(|p| p.alias_of).unwrap_or(t);
    let pinned: BTreeSet<TensorId> = g.outputs.iter().chain(&g.inputs).map(|&t| root(t)).collect();
    let mut held = BTreeSet::new();
    for n in g.order()? {
        let producers_held = g.nodes.neighbors_directed(n, petgraph::Direction::Incoming).all(|p| held.contains(&p));
        let node = g.node(n);
        if producers_held && !node.all_inputs().chain(node.outputs.iter().copied()).any(|t| pinned.contains(&root(t)) || g.inputs.contains(&t)) {
            held.insert(n);
        }
    }
    Ok(held)
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

    /// A tensor of `units` KiB for the order tests (weights in the weights pool).
    fn tensor(g: &mut Graph, physical: &mut HashMap<TensorId, Physical>, name: &str, units: u64, role: Role) -> TensorId {
        let t = g.add_tensor(name, DType::F32, vec![units as usize], role);
        let pool = if role == Role::Weight { PoolRole::Weights } else { PoolRole::Activations };
        physical.insert(t, Physical { pool, elem: ElemType::F32, layout: Layout::Linear, storage: StorageKind::Buffer, bytes: 1024 * units, alias_of: None, objects: Vec::new(), texture: None });
        t
    }

    fn node(name: &str, inputs: &[TensorId], output: TensorId) -> Node {
        Node::new(name, Box::new(Identity { name: "Identity" }), inputs.iter().map(|&t| Some(t)).collect(), vec![output])
    }

    fn names(g: &Graph, order: Vec<NodeId>) -> Vec<String> {
        order.into_iter().map(|n| g.node(n).name.clone()).collect()
    }

    /// Two products each read a weight widened per chunk (a node of a constant only): the
    /// widenings are held back until their reader has its other inputs, so each runs just
    /// before its own product and one widened weight is live at a time.
    #[test]
    fn nodes_of_constants_only_run_just_before_their_readers() {
        let (mut g, mut physical) = (Graph::default(), HashMap::new());
        let x = tensor(&mut g, &mut physical, "x", 4, Role::Input);
        let [w1, w2] = [("w1", 8), ("w2", 8)].map(|(n, u)| tensor(&mut g, &mut physical, n, u, Role::Weight));
        let [h, y, wide1, wide2] = [("h", 4), ("y", 4), ("wide1", 16), ("wide2", 16)].map(|(n, u)| tensor(&mut g, &mut physical, n, u, Role::Activation));
        g.inputs = vec![x];
        g.outputs = vec![y];
        // (The widenings added last, as the pass adds them.)
        for n in [node("proj1", &[x, wide1], h), node("proj2", &[h, wide2], y), node("widen2", &[w2], wide2), node("widen1", &[w1], wide1)] {
            g.add_node(n);
        }
        g.rebuild_edges();
        for siblings in [false, true] {
            assert_eq!(names(&g, memory_aware(&g, &physical, siblings).expect("order")), ["widen1", "proj1", "widen2", "proj2"], "siblings {siblings}");
        }
    }

    /// Two readers of x (q and k projections) on widened weights: both widenings are
    /// released at once and run first, then the projections side by side (the target may
    /// merge each pair into one launch).
    #[test]
    fn widenings_of_sibling_readers_run_together() {
        let (mut g, mut physical) = (Graph::default(), HashMap::new());
        let x = tensor(&mut g, &mut physical, "x", 4, Role::Input);
        let [wq, wk] = [("wq", 8), ("wk", 2)].map(|(n, u)| tensor(&mut g, &mut physical, n, u, Role::Weight));
        let [q, k, wide_q, wide_k] = [("q", 4), ("k", 1), ("wide_q", 16), ("wide_k", 4)].map(|(n, u)| tensor(&mut g, &mut physical, n, u, Role::Activation));
        g.inputs = vec![x];
        g.outputs = vec![q, k];
        for n in [node("q_proj", &[x, wide_q], q), node("k_proj", &[x, wide_k], k), node("q_widen", &[wq], wide_q), node("k_widen", &[wk], wide_k)] {
            g.add_node(n);
        }
        g.rebuild_edges();
        assert_eq!(names(&g, memory_aware(&g, &physical, true).expect("order")), ["k_widen", "q_widen", "q_proj", "k_proj"]);
    }
}
