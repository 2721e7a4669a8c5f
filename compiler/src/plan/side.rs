//! Side starts (`tuning.opencl_side_queue`): a node made from constants alone whose inputs
//! are all weights (a q8 weight widened per prefill chunk) may run on a second queue from
//! an earlier step, beside the nodes there: from the last node before it that reads
//! another such node's output (the product before its own reader). So one product's
//! weights are widened while the product before runs. Its outputs live from that step
//! (`super::lifetimes`), so nothing that runs beside it shares their memory.

use std::collections::{BTreeMap, HashMap};

use runtime_min::bundle::PoolRole;

use crate::ir::{Graph, NodeId, TensorId};
use crate::passes::virtualize::Physical;

/// For each node that may run beside others, the step of `order` from which it may.
pub fn starts(g: &Graph, order: &[NodeId], physical: &HashMap<TensorId, Physical>) -> BTreeMap<NodeId, usize> {
    let Ok(made) = super::order::of_constants(g, physical) else {
        return BTreeMap::new();
    };
    let weight = |t: TensorId| physical.get(&t).is_some_and(|p| p.pool == PoolRole::Weights);
    let candidates: Vec<(usize, NodeId)> = order.iter().enumerate().filter(|(_, n)| made.contains(n) && g.node(**n).all_inputs().all(weight)).map(|(s, &n)| (s, n)).collect();
    let outputs_of = |n: NodeId| g.node(n).outputs.clone();
    let side_outputs: Vec<TensorId> = candidates.iter().flat_map(|&(_, n)| outputs_of(n)).collect();
    // Steps of the nodes that read a candidate's output.
    let readers: Vec<usize> = order.iter().enumerate().filter(|(_, n)| g.node(**n).all_inputs().any(|t| side_outputs.contains(&t))).map(|(s, _)| s).collect();
    let mut starts = BTreeMap::new();
    for (step, n) in candidates {
        if let Some(&from) = readers.iter().rev().find(|&&r| r < step) {
            starts.insert(n, from);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role};
    use crate::ops::identity::Identity;
    use runtime_min::bundle::{ElemType, Layout, StorageKind};

    /// Two products of x, each on a weight widened from a constant: the second widening
    /// may start at the first product's step; the first has no product before it.
    #[test]
    fn a_widening_starts_at_the_product_before_its_reader() {
        let (mut g, mut physical) = (Graph::default(), HashMap::new());
        let mut tensor = |g: &mut Graph, name: &str, role: Role| {
            let t = g.add_tensor(name, DType::F32, vec![4], role);
            let pool = if role == Role::Weight { PoolRole::Weights } else { PoolRole::Activations };
            physical.insert(t, Physical { pool, elem: ElemType::F32, layout: Layout::Linear, storage: StorageKind::Buffer, bytes: 16, alias_of: None, objects: Vec::new(), texture: None });
            t
        };
        let x = tensor(&mut g, "x", Role::Input);
        let [w1, w2] = ["w1", "w2"].map(|n| tensor(&mut g, n, Role::Weight));
        let [wide1, wide2, y1, x2, y2] = ["wide1", "wide2", "y1", "x2", "y2"].map(|n| tensor(&mut g, n, Role::Activation));
        g.inputs = vec![x];
        g.outputs = vec![y2];
        let node = |name: &str, inputs: &[TensorId], output: TensorId| Node::new(name, Box::new(Identity { name: "Identity" }), inputs.iter().map(|&t| Some(t)).collect(), vec![output]);
        let order: Vec<NodeId> = [node("widen1", &[w1], wide1), node("proj1", &[x, wide1], y1), node("norm", &[y1], x2), node("widen2", &[w2], wide2), node("proj2", &[x2, wide2], y2)].into_iter().map(|n| g.add_node(n)).collect();
        let got: Vec<(String, usize)> = starts(&g, &order, &physical).into_iter().map(|(n, s)| (g.node(n).name.clone(), s)).collect();
        assert_eq!(got, [("widen2".to_string(), 1)]);
    }
}
