//! Test graphs for the planning code: 16-byte tensors with their storage (weights in the
//! weights pool, the rest activations) and one-output Identity nodes.

use std::collections::HashMap;

use runtime_min::bundle::{ElemType, Layout, PoolRole, StorageKind};

use crate::ir::{DType, Graph, Node, NodeId, Role, TensorId};
use crate::ops::identity::Identity;
use crate::passes::virtualize::Physical;

#[derive(Default)]
pub struct Fixture {
    pub g: Graph,
    pub physical: HashMap<TensorId, Physical>,
}

impl Fixture {
    pub fn tensor(&mut self, name: &str, role: Role) -> TensorId {
        let t = self.g.add_tensor(name, DType::F32, vec![4], role);
        let pool = if role == Role::Weight { PoolRole::Weights } else { PoolRole::Activations };
        self.physical.insert(t, Physical { pool, elem: ElemType::F32, layout: Layout::Linear, storage: StorageKind::Buffer, bytes: 16, alias_of: None, objects: Vec::new(), texture: None });
        t
    }
    pub fn tensors<const N: usize>(&mut self, names: [&str; N], role: Role) -> [TensorId; N] {
        names.map(|n| self.tensor(n, role))
    }
    /// Adds the nodes (name, inputs, output) in turn; their ids are the order.
    pub fn nodes(&mut self, nodes: &[(&str, &[TensorId], TensorId)]) -> Vec<NodeId> {
        nodes.iter().map(|&(name, inputs, output)| self.g.add_node(Node::new(name, Box::new(Identity { name: "Identity" }), inputs.iter().map(|&t| Some(t)).collect(), vec![output]))).collect()
    }
}

/// Two products of a row, each on a weight widened from a constant, a norm between:
/// widen1, proj1, norm, widen2, proj2 (the order), and widen2's output.
pub fn two_widened_products() -> (Fixture, Vec<NodeId>, TensorId) {
    let mut f = Fixture::default();
    let x = f.tensor("x", Role::Input);
    let [w1, w2] = f.tensors(["w1", "w2"], Role::Weight);
    let [wide1, wide2, y1, x2, y2] = f.tensors(["wide1", "wide2", "y1", "x2", "y2"], Role::Activation);
    f.g.inputs = vec![x];
    f.g.outputs = vec![y2];
    let order = f.nodes(&[("widen1", &[w1], wide1), ("proj1", &[x, wide1], y1), ("norm", &[y1], x2), ("widen2", &[w2], wide2), ("proj2", &[x2, wide2], y2)]);
    (f, order, wide2)
}
