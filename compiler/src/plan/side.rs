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

    /// Two products, each on a weight widened from a constant: the second widening may
    /// start at the first product's step; the first has no product before it.
    #[test]
    fn a_widening_starts_at_the_product_before_its_reader() {
        let (f, order, _) = crate::plan::fixtures::two_widened_products();
        let got: Vec<(String, usize)> = starts(&f.g, &order, &f.physical).into_iter().map(|(n, s)| (f.g.node(n).name.clone(), s)).collect();
        assert_eq!(got, [("widen2".to_string(), 1)]);
    }
}
