//! ONNX frontend: parses a `ModelProto` (onnx-protobuf), decodes initializers in every
//! encoding, resolves graph input shapes (`--shape` for dynamic dimensions), imports
//! every node through the op registry and infers shapes as it goes, propagating values
//! through shape arithmetic (Shape → Gather → Concat → Reshape) so exported graphs get
//! static shapes. Folded nodes stay in the graph; the `simplify` pass removes them.

mod node;
pub mod tensor;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use onnx_protobuf::{Message, ModelProto, ValueInfoProto};

pub use node::OnnxNode;

use crate::ir::{DType, Graph, Node, Role, TensorId, Value};
use crate::ops::{registry, Fact, OpError};

/// Most nodes a model may have; more is refused before anything is built.
pub const MAX_NODES: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("{path}: not a valid ONNX model: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: the model has no graph")]
    NoGraph { path: String },
    #[error("the model uses {} operator type(s) driftc does not support:\n{}", .ops.len(), format_unsupported(.ops))]
    UnsupportedOps { ops: Vec<(String, Vec<String>)> },
    #[error("node '{node}' ({op}): {error}")]
    Node { node: String, op: String, error: OpError },
    #[error("tensor '{tensor}': {message}")]
    Tensor { tensor: String, message: String },
    #[error("tensor '{tensor}': external data file {file}: {message}")]
    ExternalData { tensor: String, file: String, message: String },
    #[error("the model has dynamic dimensions that must be fixed with --shape NAME=d0,d1,..:\n{}", .inputs.join("\n"))]
    DynamicDims { inputs: Vec<String> },
    #[error("--shape {name}: {message}")]
    ShapeArg { name: String, message: String },
    #[error("node '{node}' ({op}) reads tensor '{tensor}' before anything defines it (the graph is not topologically sorted or the tensor is missing)")]
    Undefined { node: String, op: String, tensor: String },
    #[error("graph output '{0}' is never produced")]
    MissingOutput(String),
    #[error("the model has {count} nodes, more than the limit of {MAX_NODES}")]
    TooManyNodes { count: usize },
}

fn format_unsupported(ops: &[(String, Vec<String>)]) -> String {
    ops.iter()
        .map(|(op, nodes)| {
            let shown: Vec<&str> = nodes.iter().take(5).map(String::as_str).collect();
            let more = if nodes.len() > 5 { format!(" and {} more", nodes.len() - 5) } else { String::new() };
            format!("  {op}: {} node(s), e.g. {}{more}", nodes.len(), shown.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Static shapes for inputs with dynamic dimensions (`--shape NAME=d0,d1,..`).
    pub shapes: BTreeMap<String, Vec<usize>>,
    /// Keep weights whose external data files are absent as shape-only tensors
    /// (planning without weights). Compiling such a graph fails later, naming them.
    /// Also treats graph inputs that feed only parameter slots as such weights (graphs
    /// exported without their parameters), unless `runtime_inputs` names the real inputs.
    pub allow_missing_weights: bool,
    /// The graph inputs the application feeds; every other graph input is a weight
    /// without data (planning only).
    pub runtime_inputs: Option<Vec<String>>,
    /// Graph inputs fixed to a value at compile time (`--freeze NAME=FILE.npy`): they
    /// become constants, so shape-determining parameters fed as inputs can fold.
    pub frozen_inputs: BTreeMap<String, Value>,
    /// LLM checkpoints: tokens per prefill chunk (default: `target_prefill_tokens`, else 8).
    pub prefill_tokens: Option<usize>,
    /// LLM checkpoints: the target's chunk (`tuning.llm_prefill_tokens`), used, capped at
    /// the context, when `prefill_tokens` is not given. `compile_file` fills it in.
    pub target_prefill_tokens: Option<usize>,
    /// LLM checkpoints: quantize decode activations to int8 before int8 weights
    /// (`tuning.decode_int8_activations` of the target when None).
    pub decode_int8_activations: Option<bool>,
    /// LLM checkpoints: quantize prefill activations to int8 in a kernel of their own before
    /// int8 weights (`tuning.prefill_int8_activations` of the target when None).
    pub prefill_int8_activations: Option<bool>,
    /// LLM checkpoints: keys per split of a decode step's attention
    /// (`tuning.decode_attention_split_keys` of the target when None).
    pub decode_split_keys: Option<usize>,
    /// LLM checkpoints: weight quantization.
    pub quant: crate::front::llm::Quant,
    /// LLM checkpoints: KV-cache length (default: the model's, capped).
    pub max_context: Option<usize>,
}

/// Parses `--shape` text: `NAME=d0,d1,..`.
pub fn parse_shape_arg(arg: &str) -> Result<(String, Vec<usize>), Error> {
    let (name, dims) = arg.rsplit_once('=').ok_or_else(|| Error::ShapeArg { name: arg.into(), message: "expected NAME=d0,d1,...".into() })?;
    let dims: Result<Vec<usize>, _> = dims.split(',').map(|d| d.trim().parse::<usize>()).collect();
    let dims = dims.map_err(|_| Error::ShapeArg { name: name.into(), message: "dimensions must be non-negative integers".into() })?;
    Ok((name.to_string(), dims))
}

pub fn load(path: &Path, options: &ImportOptions) -> Result<Graph, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Read { path: path.display().to_string(), message: e.to_string() })?;
    let model = ModelProto::parse_from_bytes(&bytes).map_err(|e| Error::Parse { path: path.display().to_string(), message: e.to_string() })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    // Models are often saved as `<name>/model.onnx`: name the graph after the directory then.
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("model");
    let parent = path.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str());
    let name = match parent {
        Some(p) if stem == "model" => p.to_string(),
        _ => stem.to_string(),
    };
    import(&model, dir, &name, options).map_err(|e| match e {
        Error::NoGraph { .. } => Error::NoGraph { path: path.display().to_string() },
        other => other,
    })
}

fn input_shape(vi: &ValueInfoProto, options: &ImportOptions, unresolved: &mut Vec<String>) -> Result<(DType, Vec<usize>), Error> {
    let tt = vi.type_.as_ref().and_then(|t| match &t.value {
        Some(onnx_protobuf::type_proto::Value::TensorType(tt)) => Some(tt),
        _ => None,
    });
    let tt = tt.ok_or_else(|| Error::Tensor { tensor: vi.name.clone(), message: "graph input is not a tensor".into() })?;
    let (dtype, _) = tensor::dtype_of(tt.elem_type).ok_or_else(|| Error::Tensor {
        tensor: vi.name.clone(),
        message: format!("element type {} is not supported", tensor::dtype_name(tt.elem_type)),
    })?;
    let dims: Vec<Option<i64>> = tt
        .shape
        .as_ref()
        .map(|s| {
            s.dim
                .iter()
                .map(|d| match d.value {
                    Some(onnx_protobuf::tensor_shape_proto::dimension::Value::DimValue(v)) if v >= 0 => Some(v),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(given) = options.shapes.get(&vi.name) {
        if given.len() != dims.len() {
            return Err(Error::ShapeArg { name: vi.name.clone(), message: format!("has rank {}, the model's input has rank {}", given.len(), dims.len()) });
        }
        for (i, (g, d)) in given.iter().zip(&dims).enumerate() {
            if let Some(d) = d {
                if *d as usize != *g {
                    return Err(Error::ShapeArg { name: vi.name.clone(), message: format!("dimension {i} is fixed to {d} in the model, not {g}") });
                }
            }
        }
        let shape = tensor::shape_of(&given.iter().map(|&d| d as i64).collect::<Vec<_>>(), &vi.name)?;
        return Ok((dtype, shape));
    }
    if dims.iter().any(|d| d.is_none()) {
        let shown: Vec<String> = tt
            .shape
            .as_ref()
            .map(|s| {
                s.dim
                    .iter()
                    .map(|d| match &d.value {
                        Some(onnx_protobuf::tensor_shape_proto::dimension::Value::DimValue(v)) => v.to_string(),
                        Some(onnx_protobuf::tensor_shape_proto::dimension::Value::DimParam(p)) => p.clone(),
                        _ => "?".into(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        unresolved.push(format!("  {} [{}]", vi.name, shown.join(", ")));
        return Ok((dtype, vec![]));
    }
    let shape = tensor::shape_of(&dims.iter().map(|d| d.unwrap_or(0)).collect::<Vec<_>>(), &vi.name)?;
    Ok((dtype, shape))
}

/// Imports a parsed model. `dir` resolves external data; `name` labels the graph.
pub fn import(model: &ModelProto, dir: &Path, name: &str, options: &ImportOptions) -> Result<Graph, Error> {
    let graph_proto = model.graph.as_ref().ok_or(Error::NoGraph { path: name.into() })?;
    if graph_proto.node.len() > MAX_NODES {
        return Err(Error::TooManyNodes { count: graph_proto.node.len() });
    }
    let opset = model.opset_import.iter().find(|o| o.domain.is_empty() || o.domain == "ai.onnx").map(|o| o.version).unwrap_or(1);
    let reg = registry();

    // Every unsupported op at once, with node names.
    let mut unsupported: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &graph_proto.node {
        let known = (n.domain.is_empty() || n.domain == "ai.onnx") && reg.contains_key(n.op_type.as_str());
        if !known {
            let op = if n.domain.is_empty() { n.op_type.clone() } else { format!("{}::{}", n.domain, n.op_type) };
            unsupported.entry(op).or_default().push(if n.name.is_empty() { "<unnamed>".into() } else { n.name.clone() });
        }
    }
    if !unsupported.is_empty() {
        return Err(Error::UnsupportedOps { ops: unsupported.into_iter().collect() });
    }

    let mut g = Graph { opset, name: name.to_string(), ..Default::default() };
    let mut by_name: HashMap<String, TensorId> = HashMap::new();
    for init in &graph_proto.initializer {
        let t = if tensor::is_external(init) && options.allow_missing_weights {
            match tensor::to_value(init, dir) {
                Ok(v) => g.add_const(init.name.clone(), v),
                Err(Error::ExternalData { .. }) => {
                    let (dtype, _) = tensor::dtype_of(init.data_type).unwrap_or((DType::F32, 4));
                    g.add_tensor(init.name.clone(), dtype, tensor::shape_of(&init.dims, &init.name)?, Role::Weight)
                }
                Err(e) => return Err(e),
            }
        } else {
            g.add_const(init.name.clone(), tensor::to_value(init, dir)?)
        };
        by_name.insert(init.name.clone(), t);
    }
    let bf16_names: std::collections::HashSet<&str> = graph_proto
        .input
        .iter()
        .chain(&graph_proto.value_info)
        .filter(|vi| matches!(&vi.type_.as_ref().and_then(|t| t.value.clone()), Some(onnx_protobuf::type_proto::Value::TensorType(tt)) if tt.elem_type == 16))
        .map(|vi| vi.name.as_str())
        .chain(graph_proto.initializer.iter().filter(|t| t.data_type == 16).map(|t| t.name.as_str()))
        .collect();
    let mut unresolved = Vec::new();
    for vi in &graph_proto.input {
        if by_name.contains_key(&vi.name) {
            continue; // a graph input that is also an initializer is a weight
        }
        if let Some(v) = options.frozen_inputs.get(&vi.name) {
            // A graph input given a value at compile time becomes a constant (`--freeze`).
            let (dtype, _) = input_shape(vi, options, &mut Vec::new()).unwrap_or((v.dtype, v.shape.clone()));
            if dtype != v.dtype {
                return Err(Error::ShapeArg { name: vi.name.clone(), message: format!("frozen value is {:?}, the input is {dtype:?}", v.dtype) });
            }
            let t = g.add_const(vi.name.clone(), v.clone());
            by_name.insert(vi.name.clone(), t);
            continue;
        }
        let (dtype, shape) = input_shape(vi, options, &mut unresolved)?;
        let t = g.add_tensor(vi.name.clone(), dtype, shape, Role::Input);
        g.inputs.push(t);
        by_name.insert(vi.name.clone(), t);
    }
    if !unresolved.is_empty() {
        return Err(Error::DynamicDims { inputs: unresolved });
    }
    for given in options.shapes.keys().chain(options.frozen_inputs.keys()) {
        if !graph_proto.input.iter().any(|vi| &vi.name == given) {
            let names: Vec<&str> = g.inputs.iter().map(|&t| g.tensor(t).name.as_str()).collect();
            return Err(Error::ShapeArg { name: given.clone(), message: format!("no graph input has this name (inputs: {})", names.join(", ")) });
        }
    }

    for (i, n) in graph_proto.node.iter().enumerate() {
        let node_name = if n.name.is_empty() { format!("{}_{i}", n.op_type) } else { n.name.clone() };
        let mut inputs: Vec<Option<TensorId>> = Vec::with_capacity(n.input.len());
        for input in &n.input {
            if input.is_empty() {
                inputs.push(None);
                continue;
            }
            let t = by_name.get(input).copied().ok_or_else(|| Error::Undefined { node: node_name.clone(), op: n.op_type.clone(), tensor: input.clone() })?;
            inputs.push(Some(t));
        }
        let node_err = |error: OpError| Error::Node { node: node_name.clone(), op: n.op_type.clone(), error };
        let import_fn = reg.get(n.op_type.as_str()).ok_or_else(|| node_err(OpError::Unsupported(n.op_type.clone())))?;
        // bfloat16 tensors are held as f32 (exactly); a cast *to* bfloat16 would need its
        // rounding, and CastLike only sees the target's dtype through the graph's types.
        if n.op_type == "CastLike" && n.input.get(1).is_some_and(|like| bf16_names.contains(like.as_str())) {
            return Err(node_err(OpError::Unsupported("CastLike to bfloat16".into())));
        }
        let values: Vec<Option<Arc<Value>>> = inputs.iter().map(|t| t.and_then(|t| g.tensor(t).value.clone())).collect();
        let shapes: Vec<Option<Vec<usize>>> = inputs.iter().map(|t| t.map(|t| g.tensor(t).shape.clone())).collect();
        let onnx_node = OnnxNode {
            proto: n,
            opset,
            const_inputs: values.iter().map(|v| v.as_deref()).collect(),
            input_shapes: shapes.iter().map(|s| s.as_deref()).collect(),
        };
        let op = import_fn(&onnx_node).map_err(node_err)?;
        let outputs = infer_and_fold(&mut g, op.as_ref(), &inputs, &n.output).map_err(node_err)?;
        for (out_name, &t) in n.output.iter().zip(&outputs) {
            if !out_name.is_empty() {
                by_name.insert(out_name.clone(), t);
            }
        }
        g.add_node(Node::new(node_name, op, inputs, outputs));
    }
    for vi in &graph_proto.output {
        let t = by_name.get(&vi.name).copied().ok_or_else(|| Error::MissingOutput(vi.name.clone()))?;
        g.outputs.push(t);
    }
    if options.allow_missing_weights || options.runtime_inputs.is_some() {
        demote_weight_inputs(&mut g, options.runtime_inputs.as_deref())?;
    }
    Ok(g)
}

/// Turns graph inputs that are really parameters into shape-only weights: those not in
/// `runtime` when given, else those whose every use is a parameter slot.
fn demote_weight_inputs(g: &mut Graph, runtime: Option<&[String]>) -> Result<(), Error> {
    if let Some(names) = runtime {
        for n in names {
            if !g.inputs.iter().any(|&t| &g.tensor(t).name == n) {
                return Err(Error::ShapeArg { name: n.clone(), message: "--runtime-inputs names no graph input".into() });
            }
        }
    }
    let mut param_only: HashMap<TensorId, bool> = g.inputs.iter().map(|&t| (t, true)).collect();
    for id in g.nodes.node_indices() {
        let node = g.node(id);
        let slots = node.op.weight_slots();
        for (i, t) in node.inputs.iter().enumerate() {
            if let Some(flag) = t.and_then(|t| param_only.get_mut(&t)) {
                *flag &= slots.contains(&i);
            }
        }
    }
    let keep: Vec<TensorId> = g
        .inputs
        .iter()
        .copied()
        .filter(|&t| match runtime {
            Some(names) => names.contains(&g.tensor(t).name),
            None => !param_only.get(&t).copied().unwrap_or(false),
        })
        .collect();
    for &t in &g.inputs {
        if !keep.contains(&t) {
            g.tensors[t].role = Role::Weight;
        }
    }
    g.inputs = keep;
    Ok(())
}

/// Infers a node's outputs, creates their tensors, and computes their values when every
/// input is known (shape arithmetic and constant subgraphs).
pub fn infer_and_fold(g: &mut Graph, op: &dyn crate::ops::Op, inputs: &[Option<TensorId>], names: &[String]) -> Result<Vec<TensorId>, OpError> {
    let facts: Vec<Option<Fact<'_>>> = inputs
        .iter()
        .map(|t| t.map(|t| { let x = g.tensor(t); Fact { dtype: x.dtype, shape: &x.shape, value: x.value.as_deref() } }))
        .collect();
    let out_facts = op.infer(&facts)?;
    // Declared sizes are checked before anything is allocated or folded.
    for (i, f) in out_facts.iter().enumerate() {
        match crate::ir::numel(&f.shape) {
            Some(n) if n <= tensor::MAX_ELEMENTS => {}
            _ => return Err(OpError::Invalid(format!("output {i} would have shape {:?}, more than {} elements", f.shape, tensor::MAX_ELEMENTS))),
        }
    }
    let all_known = inputs.iter().flatten().all(|&t| g.tensor(t).value.is_some());
    let values = if all_known {
        let args: Vec<Option<&Value>> = inputs.iter().map(|t| t.and_then(|t| g.tensor(t).value.as_deref())).collect();
        Some(op.eval(&args)?)
    } else {
        op.fold_from_shapes(&facts)
    };
    let mut outputs = Vec::with_capacity(out_facts.len());
    for (i, f) in out_facts.into_iter().enumerate() {
        let name = names.get(i).filter(|n| !n.is_empty()).cloned().unwrap_or_else(|| format!("{}_out{i}", op.op_type()));
        let t = g.add_tensor(name, f.dtype, f.shape, Role::Activation);
        if let Some(v) = values.as_ref().and_then(|v| v.get(i)) {
            if v.shape != g.tensor(t).shape {
                return Err(OpError::Invalid(format!("output {i}: shape rule says {:?} but evaluation gave {:?}", g.tensor(t).shape, v.shape)));
            }
            g.tensors[t].value = Some(Arc::new(v.clone()));
        }
        outputs.push(t);
    }
    Ok(outputs)
}
