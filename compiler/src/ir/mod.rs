//! The graph IR: tensors in an arena with typed handles, nodes in a petgraph
//! `StableDiGraph` whose edges carry the tensor flowing from producer to consumer.
//!
//! Invariants (checked by [`Graph::check`] after every pass):
//! - every tensor has at most one producer, and `Tensor::producer` names it;
//! - every node input is a graph input, a weight, a constant, or produced by a node;
//! - the node graph is acyclic, and its edges match the nodes' inputs;
//! - every shape is static (dynamic dimensions are resolved by the frontend or refused);
//! - logical shapes and dtypes only: physical layout is decided later, by `virtualize`.

mod arena;
mod dump;
pub mod value;

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
pub use runtime_min::bundle::DType;

pub use arena::{Arena, Handle};
pub use value::{numel, Data, Value};

use crate::ops::Op;

pub type TensorId = Handle<Tensor>;
pub type NodeId = NodeIndex;

/// What a tensor is in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Fed by the application at run time.
    Input,
    /// Weights: known at compile time (`value` set) or absent (planning-only graphs).
    Weight,
    /// Produced by a node.
    Activation,
}

#[derive(Debug, Clone)]
pub struct Tensor {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<usize>,
    pub role: Role,
    /// Compile-time value: weights, constants, and activations folded by shape propagation.
    pub value: Option<Arc<Value>>,
    pub producer: Option<NodeId>,
}

impl Tensor {
    pub fn numel(&self) -> usize {
        numel(&self.shape).unwrap_or(usize::MAX)
    }
    /// True for tensors whose contents are fixed at compile time.
    pub fn is_const(&self) -> bool {
        self.value.is_some() || self.role == Role::Weight
    }
}

/// A binary or unary element-wise operation fused after a node's main computation.
#[derive(Debug)]
pub struct EpilogueStep {
    pub op: Box<dyn Op>,
    /// Operands in the op's input order: `None` is the running value, `Some(t)` a tensor
    /// broadcast to the node's output shape.
    pub args: Vec<Option<TensorId>>,
    /// Name of the node this step came from, for dumps and error messages.
    pub from: String,
}

#[derive(Debug)]
pub struct Node {
    pub name: String,
    pub op: Box<dyn Op>,
    /// `None` for an absent optional input.
    pub inputs: Vec<Option<TensorId>>,
    pub outputs: Vec<TensorId>,
    /// Element-wise steps applied to output 0, in order.
    pub epilogue: Vec<EpilogueStep>,
    /// A prefill chunk's padding (the LLM frontend sets it on a chunk's nodes): rows of
    /// the output past the one `LastRow::tensor` holds are not needed. Kernels that can
    /// skip them do (whole tiles of rows, query blocks, rows of a row-wise kernel) and read
    /// no key past it; those rows' outputs are then unspecified (a KV-cache write leaves
    /// the cache rows they would land in as they were). Only kernels read it: the CPU
    /// reference computes every row.
    pub last_row: Option<LastRow>,
}

/// Where a padded chunk's rows end, for [`Node::last_row`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastRow {
    /// [1], integer: the index of the last row in use.
    pub tensor: TensorId,
    /// The output axis the rows run along (a KV-cache write's: its new rows' axis).
    pub axis: usize,
}

impl Node {
    pub fn new(name: impl Into<String>, op: Box<dyn Op>, inputs: Vec<Option<TensorId>>, outputs: Vec<TensorId>) -> Self {
        Node { name: name.into(), op, inputs, outputs, epilogue: Vec::new(), last_row: None }
    }
    /// Every tensor the node reads: main inputs, then epilogue operands, then `last_row`.
    pub fn all_inputs(&self) -> impl Iterator<Item = TensorId> + '_ {
        self.inputs.iter().flatten().copied().chain(self.epilogue.iter().flat_map(|s| s.args.iter().flatten().copied())).chain(self.last_row.map(|r| r.tensor))
    }
    pub fn input(&self, i: usize) -> Option<TensorId> {
        self.inputs.get(i).copied().flatten()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IrError {
    #[error("tensor '{tensor}' has two producers: nodes '{first}' and '{second}'")]
    TwoProducers { tensor: String, first: String, second: String },
    #[error("node '{node}' ({op}) reads tensor '{tensor}', which nothing produces")]
    Unproduced { node: String, op: String, tensor: String },
    #[error("the graph has a cycle through node '{node}'")]
    Cycle { node: String },
    #[error("tensor '{tensor}' records producer '{recorded}' but is produced by '{actual}'")]
    StaleProducer { tensor: String, recorded: String, actual: String },
    #[error("graph output '{tensor}' is neither produced nor an input or constant")]
    DanglingOutput { tensor: String },
    #[error("node '{node}' ({op}) refers to tensor handle {handle} that does not exist")]
    BadHandle { node: String, op: String, handle: usize },
}

#[derive(Debug, Default)]
pub struct Graph {
    pub tensors: Arena<Tensor>,
    pub nodes: StableDiGraph<Node, TensorId>,
    pub inputs: Vec<TensorId>,
    pub outputs: Vec<TensorId>,
    /// Default-domain opset the model was exported with.
    pub opset: i64,
    /// Model name for messages (file stem).
    pub name: String,
    /// Tensors that persist between runs (KV caches): no producer, not set by the host,
    /// live for the whole execution order, updated in place by `in_place_input` ops.
    pub state: Vec<TensorId>,
    /// Entry points when there is more than one (an LLM's prefill and decode); empty means
    /// one program, "main", over all inputs and outputs.
    pub programs: Vec<ProgramSpec>,
    /// How an LLM bundle is driven (set by the LLM frontend; copied into the manifest).
    pub llm: Option<runtime_min::bundle::LlmSpec>,
}

/// One entry point: the graph inputs it reads and the outputs it computes. Its nodes are
/// the producers its outputs depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramSpec {
    pub name: String,
    pub inputs: Vec<TensorId>,
    pub outputs: Vec<TensorId>,
}

impl Graph {
    pub fn add_tensor(&mut self, name: impl Into<String>, dtype: DType, shape: Vec<usize>, role: Role) -> TensorId {
        self.tensors.append(Tensor { name: name.into(), dtype, shape, role, value: None, producer: None })
    }

    pub fn add_const(&mut self, name: impl Into<String>, value: Value) -> TensorId {
        let t = self.add_tensor(name, value.dtype, value.shape.clone(), Role::Weight);
        self.tensors[t].value = Some(Arc::new(value));
        t
    }

    pub fn tensor(&self, t: TensorId) -> &Tensor {
        &self.tensors[t]
    }

    pub fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n]
    }

    /// Adds a node, records it as producer of its outputs, and links it to its producers.
    pub fn add_node(&mut self, node: Node) -> NodeId {
        let outputs = node.outputs.clone();
        let inputs: Vec<TensorId> = node.all_inputs().collect();
        let id = self.nodes.add_node(node);
        for t in outputs {
            self.tensors[t].producer = Some(id);
        }
        for t in inputs {
            if let Some(p) = self.tensors[t].producer {
                self.nodes.add_edge(p, id, t);
            }
        }
        id
    }

    /// Removes a node; its outputs lose their producer.
    pub fn remove_node(&mut self, id: NodeId) -> Option<Node> {
        let node = self.nodes.remove_node(id)?;
        for &t in &node.outputs {
            if self.tensors[t].producer == Some(id) {
                self.tensors[t].producer = None;
            }
        }
        Some(node)
    }

    /// Recomputes producer links and edges from the nodes' inputs and outputs; passes
    /// that rewire inputs call this before the consistency check.
    pub fn rebuild_edges(&mut self) {
        self.nodes.clear_edges();
        let ids: Vec<NodeId> = self.nodes.node_indices().collect();
        for &id in &ids {
            for t in self.nodes[id].outputs.clone() {
                self.tensors[t].producer = Some(id);
            }
        }
        for &id in &ids {
            let inputs: Vec<TensorId> = self.nodes[id].all_inputs().collect();
            for t in inputs {
                if let Some(p) = self.tensors[t].producer {
                    self.nodes.add_edge(p, id, t);
                }
            }
        }
    }

    /// Nodes in a topological order; ties are broken by insertion order, so an
    /// already-sorted model keeps the file's order.
    pub fn order(&self) -> Result<Vec<NodeId>, IrError> {
        let mut indegree: HashMap<NodeId, usize> = self.nodes.node_indices().map(|n| (n, 0)).collect();
        for e in (&self.nodes).edge_references() {
            *indegree.entry(e.target()).or_default() += 1;
        }
        let mut ready: BinaryHeap<std::cmp::Reverse<NodeId>> =
            indegree.iter().filter(|(_, &d)| d == 0).map(|(&n, _)| std::cmp::Reverse(n)).collect();
        let mut order = Vec::with_capacity(indegree.len());
        while let Some(std::cmp::Reverse(n)) = ready.pop() {
            order.push(n);
            for e in self.nodes.edges(n) {
                if let Some(d) = indegree.get_mut(&e.target()) {
                    *d -= 1;
                    if *d == 0 {
                        ready.push(std::cmp::Reverse(e.target()));
                    }
                }
            }
        }
        if order.len() != indegree.len() {
            let stuck = self.nodes.node_indices().find(|n| !order.contains(n));
            let node = stuck.map(|n| self.nodes[n].name.clone()).unwrap_or_default();
            return Err(IrError::Cycle { node });
        }
        Ok(order)
    }

    /// For each tensor, the nodes that read it (main inputs or epilogue operands), each
    /// node once, in node order.
    pub fn consumers(&self) -> HashMap<TensorId, Vec<NodeId>> {
        let mut map: HashMap<TensorId, Vec<NodeId>> = HashMap::with_capacity(self.tensors.len());
        for id in self.nodes.node_indices() {
            for t in self.nodes[id].all_inputs() {
                let readers = map.entry(t).or_default();
                // A node reading one tensor twice is listed once (a node's reads are all
                // seen before the next node's, so its id is the last one listed).
                if readers.last() != Some(&id) {
                    readers.push(id);
                }
            }
        }
        map
    }

    /// Frees the data of weights that no node reads and no output or program names (a
    /// checkpoint's float weight once its quantized copy took its place in every product,
    /// an unused initializer): the tensor stays, its value goes. Returns how many.
    pub fn release_unread_weights(&mut self) -> usize {
        let mut kept: HashSet<TensorId> = self.nodes.node_indices().flat_map(|id| self.nodes[id].all_inputs()).collect();
        kept.extend(self.outputs.iter().chain(&self.inputs).chain(&self.state).copied());
        kept.extend(self.programs.iter().flat_map(|p| p.inputs.iter().chain(&p.outputs).copied()));
        let unread: Vec<TensorId> = self.tensors.iter().filter(|(t, tensor)| tensor.role == Role::Weight && tensor.value.is_some() && !kept.contains(t)).map(|(t, _)| t).collect();
        for &t in &unread {
            self.tensors[t].value = None;
        }
        unread.len()
    }

    /// The nodes that read `t` (as `consumers()` lists them), without building the map of
    /// every tensor: for passes that ask about one tensor per candidate node.
    pub fn consumers_of(&self, t: TensorId) -> Vec<NodeId> {
        self.nodes.node_indices().filter(|&id| self.nodes[id].all_inputs().any(|x| x == t)).collect()
    }

    /// The consistency check run after every pass.
    pub fn check(&self) -> Result<(), IrError> {
        let mut producer: HashMap<TensorId, NodeId> = HashMap::new();
        for id in self.nodes.node_indices() {
            let node = &self.nodes[id];
            for t in node.all_inputs().chain(node.outputs.iter().copied()) {
                if self.tensors.get(t).is_none() {
                    return Err(IrError::BadHandle { node: node.name.clone(), op: node.op.op_type().into(), handle: t.index() });
                }
            }
            for &t in &node.outputs {
                if let Some(prev) = producer.insert(t, id) {
                    return Err(IrError::TwoProducers {
                        tensor: self.tensors[t].name.clone(),
                        first: self.nodes[prev].name.clone(),
                        second: node.name.clone(),
                    });
                }
                if self.tensors[t].producer != Some(id) {
                    let recorded = self.tensors[t].producer.and_then(|p| self.nodes.node_weight(p)).map(|n| n.name.clone()).unwrap_or_default();
                    return Err(IrError::StaleProducer { tensor: self.tensors[t].name.clone(), recorded, actual: node.name.clone() });
                }
            }
        }
        let is_source = |t: TensorId| producer.contains_key(&t) || self.tensors[t].is_const() || self.inputs.contains(&t) || self.state.contains(&t);
        for id in self.nodes.node_indices() {
            let node = &self.nodes[id];
            for t in node.all_inputs() {
                if !is_source(t) {
                    return Err(IrError::Unproduced { node: node.name.clone(), op: node.op.op_type().into(), tensor: self.tensors[t].name.clone() });
                }
            }
        }
        for &t in &self.outputs {
            if self.tensors.get(t).is_none() || !is_source(t) {
                let tensor = self.tensors.get(t).map(|x| x.name.clone()).unwrap_or_default();
                return Err(IrError::DanglingOutput { tensor });
            }
        }
        self.order().map(|_| ())
    }

    /// The programs to emit: `programs`, or one "main" over every input and output.
    pub fn program_specs(&self) -> Vec<ProgramSpec> {
        if self.programs.is_empty() {
            vec![ProgramSpec { name: "main".into(), inputs: self.inputs.clone(), outputs: self.outputs.clone() }]
        } else {
            self.programs.clone()
        }
    }

    /// Nodes program `p` runs: every producer its outputs depend on.
    pub fn program_nodes(&self, p: &ProgramSpec) -> HashSet<NodeId> {
        let mut seen = HashSet::new();
        let mut stack: Vec<TensorId> = p.outputs.clone();
        while let Some(t) = stack.pop() {
            let Some(id) = self.tensors.get(t).and_then(|x| x.producer) else { continue };
            if self.nodes.node_weight(id).is_none() || !seen.insert(id) {
                continue;
            }
            let node = &self.nodes[id];
            stack.extend(node.all_inputs());
            for s in &node.epilogue {
                stack.extend(s.args.iter().flatten().copied());
            }
        }
        seen
    }

    /// Text dump of the IR in execution order (used by `--dump-after` and golden files).
    pub fn dump(&self) -> String {
        dump::dump(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::linear::Linear;

    /// A weight no node reads loses its data; the one a product reads, the graph's input
    /// and output keep theirs.
    #[test]
    fn release_unread_weights_frees_only_what_nothing_reads() {
        let mut g = Graph::default();
        let x = g.add_tensor("x", DType::F32, vec![1, 2], Role::Input);
        let read = g.add_const("w", Value::f32(vec![3, 2], vec![1.0; 6]));
        let unread = g.add_const("w.original", Value::f32(vec![3, 2], vec![2.0; 6]));
        let y = g.add_tensor("y", DType::F32, vec![1, 3], Role::Activation);
        g.add_node(Node::new("proj", Box::new(Linear::default()), vec![Some(x), Some(read)], vec![y]));
        g.inputs = vec![x];
        g.outputs = vec![y];
        assert_eq!(g.release_unread_weights(), 1);
        assert!(g.tensor(read).value.is_some() && g.tensor(unread).value.is_none());
        assert!(g.tensor(unread).is_const(), "still a weight, without data");
        assert_eq!(g.release_unread_weights(), 0);
    }
}
