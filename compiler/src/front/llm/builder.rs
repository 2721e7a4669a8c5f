//! A small graph builder for frontends that construct graphs in code: constants, and
//! nodes whose outputs are inferred (and folded) exactly as the ONNX importer does.

use super::Error;
use crate::front::onnx::infer_and_fold;
use crate::ir::{DType, Graph, Node, Role, TensorId, Value};
use crate::ops::Op;

pub struct Builder {
    pub g: Graph,
}

impl Builder {
    pub fn new(name: &str) -> Self {
        Builder { g: Graph { opset: 17, name: name.into(), ..Default::default() } }
    }

    pub fn input(&mut self, name: &str, dtype: DType, shape: Vec<usize>) -> TensorId {
        let t = self.g.add_tensor(name, dtype, shape, Role::Input);
        self.g.inputs.push(t);
        t
    }

    pub fn konst(&mut self, name: &str, v: Value) -> TensorId {
        self.g.add_const(name, v)
    }

    pub fn ints(&mut self, name: &str, v: &[i64]) -> TensorId {
        self.konst(name, Value::i64(vec![v.len()], v.to_vec()))
    }

    /// Adds a node with one output named `name`.
    pub fn op(&mut self, name: &str, op: Box<dyn Op>, inputs: &[TensorId]) -> Result<TensorId, Error> {
        let outs = self.op_multi(name, op, inputs, 1)?;
        outs.first().copied().ok_or_else(|| Error::Build { node: name.into(), message: "no output".into() })
    }

    /// Adds a node with `count` outputs named `name`, `name.1`, `name.2`, ...
    pub fn op_multi(&mut self, name: &str, op: Box<dyn Op>, inputs: &[TensorId], count: usize) -> Result<Vec<TensorId>, Error> {
        let ins: Vec<Option<TensorId>> = inputs.iter().map(|&t| Some(t)).collect();
        let names: Vec<String> = (0..count).map(|i| if i == 0 { name.to_string() } else { format!("{name}.{i}") }).collect();
        let outs = infer_and_fold(&mut self.g, op.as_ref(), &ins, &names).map_err(|e| Error::Build { node: name.into(), message: e.to_string() })?;
        if outs.len() != count {
            return Err(Error::Build { node: name.into(), message: format!("{} outputs, expected {count}", outs.len()) });
        }
        self.g.add_node(Node::new(name, op, ins, outs.clone()));
        Ok(outs)
    }

    pub fn finish(mut self, outputs: &[TensorId]) -> Graph {
        self.g.outputs = outputs.to_vec();
        self.g
    }
}
