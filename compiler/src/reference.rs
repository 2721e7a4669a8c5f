//! The CPU reference interpreter: evaluates a graph node by node with each op's `eval`
//! (exact f32 semantics), applying fused epilogues, so it checks the passes as well as
//! the device. Used by tests and by `driftc verify`.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{Graph, TensorId, Value};
use crate::ops::broadcast;

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("input '{0}' was not given")]
    MissingInput(String),
    #[error("input '{name}' has shape {got:?}, the model expects {expected:?}")]
    Shape { name: String, expected: Vec<usize>, got: Vec<usize> },
    #[error("node '{node}' ({op}): {message}")]
    Node { node: String, op: String, message: String },
    #[error("tensor '{0}' has no value (absent weight?)")]
    NoValue(String),
    #[error(transparent)]
    Ir(#[from] crate::ir::IrError),
}

/// Runs the graph's first program (the only one, for ONNX models) on named inputs and
/// returns its named outputs. State tensors (KV caches) start as zeros.
pub fn run(g: &Graph, inputs: &BTreeMap<String, Value>) -> Result<BTreeMap<String, Value>, ReferenceError> {
    let spec = g.program_specs().into_iter().next().ok_or_else(|| ReferenceError::MissingInput("(no program)".into()))?;
    run_program(g, &spec, inputs)
}

/// Runs one program: the nodes its outputs depend on, in execution order.
pub fn run_program(g: &Graph, spec: &crate::ir::ProgramSpec, inputs: &BTreeMap<String, Value>) -> Result<BTreeMap<String, Value>, ReferenceError> {
    let mut values: HashMap<TensorId, Value> = HashMap::new();
    for &t in &g.state {
        let tensor = g.tensor(t);
        let v = match inputs.get(&tensor.name) {
            Some(v) => v.clone(),
            None => Value::from_f32_as(tensor.dtype, tensor.shape.clone(), vec![0.0; tensor.shape.iter().product()]),
        };
        values.insert(t, v);
    }
    let members = g.program_nodes(spec);
    for &t in &spec.inputs {
        let tensor = g.tensor(t);
        let v = inputs.get(&tensor.name).ok_or_else(|| ReferenceError::MissingInput(tensor.name.clone()))?;
        if v.shape != tensor.shape {
            return Err(ReferenceError::Shape { name: tensor.name.clone(), expected: tensor.shape.clone(), got: v.shape.clone() });
        }
        values.insert(t, v.clone());
    }
    let get = |values: &HashMap<TensorId, Value>, t: TensorId| -> Result<Value, ReferenceError> {
        if let Some(v) = values.get(&t) {
            return Ok(v.clone());
        }
        g.tensor(t).value.as_deref().cloned().ok_or_else(|| ReferenceError::NoValue(g.tensor(t).name.clone()))
    };
    for id in g.order()? {
        if !members.contains(&id) {
            continue;
        }
        let node = g.node(id);
        let fail = |message: String| ReferenceError::Node { node: node.name.clone(), op: node.op.op_type().into(), message };
        let args: Vec<Option<Value>> = node.inputs.iter().map(|t| t.map(|t| get(&values, t)).transpose()).collect::<Result<_, _>>()?;
        let refs: Vec<Option<&Value>> = args.iter().map(|a| a.as_ref()).collect();
        let mut outs = node.op.eval(&refs).map_err(|e| fail(e.to_string()))?;
        for step in &node.epilogue {
            let ew = step.op.as_elementwise().ok_or_else(|| fail(format!("epilogue step '{}' is not element-wise", step.from)))?;
            let cur = outs.first().cloned().ok_or_else(|| fail("no output".into()))?;
            let operands: Vec<Value> = step.args.iter().map(|a| match a { None => Ok(cur.clone()), Some(t) => get(&values, *t) }).collect::<Result<_, _>>()?;
            let refs: Vec<&Value> = operands.iter().collect();
            let next = broadcast::eval(ew, &refs).map_err(|e| fail(format!("epilogue '{}': {e}", step.from)))?;
            if let Some(o) = outs.first_mut() {
                *o = next;
            }
        }
        for (&t, v) in node.outputs.iter().zip(outs) {
            values.insert(t, v);
        }
    }
    let mut out = BTreeMap::new();
    for &t in &spec.outputs {
        out.insert(g.tensor(t).name.clone(), get(&values, t)?);
    }
    Ok(out)
}

/// Relative L2 error ‖a − b‖ / max(‖b‖, tiny).
pub fn rel_l2(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() {
        return f64::INFINITY;
    }
    let (mut num, mut den) = (0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        let d = x as f64 - y as f64;
        num += d * d;
        den += (y as f64) * (y as f64);
    }
    if num.is_nan() {
        return f64::INFINITY;
    }
    (num.sqrt()) / den.sqrt().max(1e-30)
}
