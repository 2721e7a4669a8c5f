//! One ONNX backend node test: read `model.onnx` and `test_data_set_0/{input,output}_N.pb`,
//! compile for lavapipe at f32 with the input shapes the data has, run through runtime-min
//! and compare every output as onnx's runner does (`np.testing.assert_allclose`, rtol 1e-3,
//! atol 1e-7, NaN equal to NaN; integers and booleans exactly).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use driftc::codegen::CodegenError;
use driftc::compile::{self, CompileOptions};
use driftc::front::onnx::{self as onnx, tensor, ImportOptions};
use driftc::ir::{DType, Data, Value};
use driftc::ops::OpError;
use driftc::target::{Precision, Target};
use driftc::CompileError;
use onnx_protobuf::{type_proto, ModelProto, TensorProto, ValueInfoProto};
use protobuf::Message;
use runtime_min::{Bundle, HostTensor, Session, SessionOptions};

/// onnx `backend/test/runner/__init__.py` defaults.
pub const RTOL: f64 = 1e-3;
pub const ATOL: f64 = 1e-7;
/// Tests whose data files (inputs + outputs) are larger are skipped.
pub const MAX_DATA_BYTES: u64 = 16 << 20;
/// Longest reason kept.
const MAX_REASON: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    Fail,
    Unsupported,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unsupported => "unsupported",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    /// The op type of the model's first node (`domain::Op` outside the default domain).
    pub op: String,
    pub status: Status,
    /// Empty for a pass; otherwise one line.
    pub reason: String,
}

type Res<T> = Result<T, (Status, String)>;

fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err((Status::Fail, msg.into()))
}

fn unsupported<T>(msg: impl Into<String>) -> Res<T> {
    Err((Status::Unsupported, msg.into()))
}

/// One line: the first line of `text`, followed by the next one when the first only
/// introduces it (ends with ':'), cut to [`MAX_REASON`] characters.
pub fn one_line(text: &str) -> String {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut s = lines.next().unwrap_or("").to_string();
    if s.ends_with(':') {
        if let Some(next) = lines.next() {
            s.push(' ');
            s.push_str(next);
        }
    }
    if s.chars().count() > MAX_REASON {
        s = s.chars().take(MAX_REASON).collect::<String>() + "...";
    }
    s
}

/// The op type that labels a test.
pub fn op_type_of(model: &ModelProto) -> String {
    match model.graph.as_ref().and_then(|g| g.node.first()) {
        None => "(no nodes)".into(),
        Some(n) if n.domain.is_empty() || n.domain == "ai.onnx" => n.op_type.clone(),
        Some(n) => format!("{}::{}", n.domain, n.op_type),
    }
}

fn read_model(dir: &Path) -> Res<ModelProto> {
    let path = dir.join("model.onnx");
    let bytes = std::fs::read(&path).or_else(|e| fail(format!("harness: {}: {e}", path.display())))?;
    ModelProto::parse_from_bytes(&bytes).or_else(|e| fail(format!("harness: {}: {e}", path.display())))
}

/// ONNX element type names, including those newer than [`tensor::dtype_name`] knows.
fn type_name(code: i32) -> String {
    let name = match code {
        17 => "FLOAT8E4M3FN",
        18 => "FLOAT8E4M3FNUZ",
        19 => "FLOAT8E5M2",
        20 => "FLOAT8E5M2FNUZ",
        21 => "UINT4",
        22 => "INT4",
        23 => "FLOAT4E2M1",
        24 => "FLOAT8E8M0",
        25 => "UINT2",
        26 => "INT2",
        other => tensor::dtype_name(other),
    };
    name.to_string()
}

/// `prefix_0.pb`, `prefix_1.pb`, ... in index order.
fn data_files(set: &Path, prefix: &str) -> Vec<PathBuf> {
    (0..).map(|i| set.join(format!("{prefix}_{i}.pb"))).take_while(|p| p.is_file()).collect()
}

fn read_tensor(path: &Path, set: &Path) -> Res<Value> {
    let bytes = std::fs::read(path).or_else(|e| fail(format!("harness: {}: {e}", path.display())))?;
    let t = TensorProto::parse_from_bytes(&bytes).or_else(|e| fail(format!("harness: {}: not a TensorProto: {e}", path.display())))?;
    if tensor::dtype_of(t.data_type).is_none() {
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("?");
        return unsupported(format!("{file}: element type {} is not supported", type_name(t.data_type)));
    }
    tensor::to_value(&t, set).or_else(|e| fail(format!("harness: {}: {e}", path.display())))
}

/// Refuses graph inputs/outputs driftc cannot represent: non-tensor types (sequences,
/// optionals, maps) and element types outside [`tensor::dtype_of`].
fn check_io_type(vi: &ValueInfoProto, kind: &str) -> Res<()> {
    match vi.type_.as_ref().and_then(|t| t.value.as_ref()) {
        Some(type_proto::Value::TensorType(tt)) => {
            if tensor::dtype_of(tt.elem_type).is_none() {
                return unsupported(format!("{kind} '{}': element type {} is not supported", vi.name, type_name(tt.elem_type)));
            }
            Ok(())
        }
        Some(type_proto::Value::SequenceType(_)) => unsupported(format!("{kind} '{}' is a sequence, not a tensor", vi.name)),
        Some(type_proto::Value::OptionalType(_)) => unsupported(format!("{kind} '{}' is an optional, not a tensor", vi.name)),
        Some(type_proto::Value::MapType(_)) => unsupported(format!("{kind} '{}' is a map, not a tensor", vi.name)),
        _ => unsupported(format!("{kind} '{}' has no tensor type", vi.name)),
    }
}

/// Compile errors that mean "driftc lacks this" rather than "driftc got it wrong".
fn is_unsupported(e: &CompileError) -> bool {
    matches!(
        e,
        CompileError::Frontend(onnx::Error::UnsupportedOps { .. })
            | CompileError::Frontend(onnx::Error::Node { error: OpError::Unsupported(_) | OpError::NotConstant { .. }, .. })
            | CompileError::Codegen(CodegenError::NoKernel { .. })
    )
}

fn compile_reason(e: &CompileError) -> String {
    match e {
        CompileError::Frontend(onnx::Error::UnsupportedOps { ops }) => {
            format!("unsupported op type(s): {}", ops.iter().map(|(op, _)| op.as_str()).collect::<Vec<_>>().join(", "))
        }
        other => format!("compile: {}", one_line(&other.to_string())),
    }
}

/// A host tensor of the dtype the bundle declares for a value of `v.dtype`.
fn host_of(v: &Value) -> HostTensor {
    let shape: Vec<u64> = v.shape.iter().map(|&d| d as u64).collect();
    match v.dtype {
        DType::F32 | DType::F16 => HostTensor::from_f32(&shape, &v.as_f32()),
        DType::I64 | DType::I32 => HostTensor::from_i64(&shape, &v.as_i64()),
        DType::Bool => HostTensor::from_bool(&shape, &v.as_i64().iter().map(|&x| x != 0).collect::<Vec<_>>()),
        DType::I8 | DType::U8 => HostTensor::new(v.dtype, &shape, v.as_i64().iter().map(|&x| x as u8).collect()),
    }
}

/// `assert_allclose(actual=got, desired=want, rtol, atol, equal_nan=True)`.
fn close(got: f64, want: f64) -> bool {
    if got.is_nan() || want.is_nan() {
        return got.is_nan() && want.is_nan();
    }
    if got.is_infinite() || want.is_infinite() {
        return got == want;
    }
    (got - want).abs() <= ATOL + RTOL * want.abs()
}

fn compare(name: &str, got: &HostTensor, want: &Value) -> Res<()> {
    let want_shape: Vec<u64> = want.shape.iter().map(|&d| d as u64).collect();
    if got.shape != want_shape {
        return fail(format!("output '{name}': shape {:?}, expected {:?}", got.shape, want.shape));
    }
    match &want.data {
        Data::F32(_) | Data::F16(_) => {
            let w = want.as_f32();
            let g = got.to_f32().or_else(|e| fail(format!("output '{name}': {e}")))?;
            if g.len() != w.len() {
                return fail(format!("output '{name}': {} elements, expected {}", g.len(), w.len()));
            }
            let bad: Vec<usize> = (0..w.len()).filter(|&i| !close(f64::from(g[i]), f64::from(w[i]))).collect();
            if let Some(&i) = bad.first() {
                let max_abs = bad.iter().map(|&i| (f64::from(g[i]) - f64::from(w[i])).abs()).fold(0.0f64, f64::max);
                return fail(format!(
                    "output '{name}': {}/{} elements differ beyond rtol {RTOL:e} atol {ATOL:e} (first at {i}: got {}, expected {}; max abs diff {max_abs:.3e})",
                    bad.len(),
                    w.len(),
                    g[i],
                    w[i]
                ));
            }
        }
        Data::I64(_) | Data::Bool(_) | Data::I8(_) => {
            let w = want.as_i64();
            let g = got.to_i64().or_else(|e| fail(format!("output '{name}': expected {:?}: {e}", want.dtype)))?;
            if g.len() != w.len() {
                return fail(format!("output '{name}': {} elements, expected {}", g.len(), w.len()));
            }
            let bad: Vec<usize> = (0..w.len()).filter(|&i| g[i] != w[i]).collect();
            if let Some(&i) = bad.first() {
                return fail(format!("output '{name}': {}/{} elements differ (first at {i}: got {}, expected {})", bad.len(), w.len(), g[i], w[i]));
            }
        }
    }
    Ok(())
}

/// Everything one test needs before compiling.
struct Loaded {
    inputs: Vec<(String, Value)>,
    outputs: Vec<(String, Value)>,
}

fn load(dir: &Path, model: &ModelProto) -> Res<Loaded> {
    let graph = model.graph.as_ref().map_or_else(|| fail("harness: model has no graph"), Ok)?;
    let set = dir.join("test_data_set_0");
    let in_files = data_files(&set, "input");
    let out_files = data_files(&set, "output");
    let bytes: u64 = in_files.iter().chain(&out_files).filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    if bytes > MAX_DATA_BYTES {
        return unsupported(format!("skipped: too large ({} MiB of test data)", bytes >> 20));
    }
    let inits: Vec<&str> = graph.initializer.iter().map(|t| t.name.as_str()).collect();
    let graph_inputs: Vec<&ValueInfoProto> = graph.input.iter().filter(|vi| !inits.contains(&vi.name.as_str())).collect();
    for vi in &graph_inputs {
        check_io_type(vi, "input")?;
    }
    for vi in &graph.output {
        check_io_type(vi, "output")?;
    }
    if in_files.len() != graph_inputs.len() {
        return fail(format!("harness: {} input_N.pb files for {} graph inputs", in_files.len(), graph_inputs.len()));
    }
    if out_files.len() != graph.output.len() {
        return fail(format!("harness: {} output_N.pb files for {} graph outputs", out_files.len(), graph.output.len()));
    }
    let mut inputs = Vec::new();
    for (vi, f) in graph_inputs.iter().zip(&in_files) {
        inputs.push((vi.name.clone(), read_tensor(f, &set)?));
    }
    let mut outputs = Vec::new();
    for (vi, f) in graph.output.iter().zip(&out_files) {
        outputs.push((vi.name.clone(), read_tensor(f, &set)?));
    }
    Ok(Loaded { inputs, outputs })
}

/// Inputs a retry freezes: integer tensors and scalars, the parameters (axes, starts, K,
/// repeats, shapes, range bounds) node tests feed as graph inputs where exported models
/// have constants.
fn parameters(data: &Loaded) -> BTreeMap<String, Value> {
    data.inputs.iter().filter(|(_, v)| matches!(v.dtype, DType::I64 | DType::I32) || v.shape.is_empty()).map(|(n, v)| (n.clone(), v.clone())).collect()
}

fn run_loaded(dir: &Path, target: &Target, data: &Loaded) -> Res<()> {
    let shapes: BTreeMap<String, Vec<usize>> = data.inputs.iter().map(|(n, v)| (n.clone(), v.shape.clone())).collect();
    // Input shapes come from the test data; every other option keeps its default.
    let mut options = CompileOptions { precision: Some(Precision::F32), import: ImportOptions { shapes, ..Default::default() }, ..Default::default() };
    let mut result = compile::compile_file(&dir.join("model.onnx"), target, &options);
    if matches!(&result, Err(e) if compile_reason(e).contains("must be a compile-time constant")) {
        // As `driftc compile --freeze NAME=FILE.npy` would: the parameters become constants.
        options.import.frozen_inputs = parameters(data);
        for name in options.import.frozen_inputs.keys() {
            options.import.shapes.remove(name);
        }
        result = compile::compile_file(&dir.join("model.onnx"), target, &options);
    }
    let compiled = match result {
        Ok(c) => c,
        Err(e) if is_unsupported(&e) => return unsupported(compile_reason(&e)),
        Err(e) => return fail(compile_reason(&e)),
    };
    let rt = |what: &str, e: runtime_min::Error| (Status::Fail, format!("runtime: {what}: {}", one_line(&e.to_string())));
    let bundle = Bundle::from_vec(compiled.bundle).map_err(|e| rt("bundle", e))?;
    let mut session = Session::new(&bundle, &SessionOptions::default()).map_err(|e| rt("session", e))?;
    for (name, v) in data.inputs.iter().filter(|(n, _)| !options.import.frozen_inputs.contains_key(n)) {
        session.set_input(name, &host_of(v)).map_err(|e| rt("set_input", e))?;
    }
    session.run().map_err(|e| rt("run", e))?;
    for (name, want) in &data.outputs {
        let got = session.output(name).map_err(|e| rt("output", e))?;
        compare(name, &got, want)?;
    }
    Ok(())
}

/// Runs one test directory; never panics through (the caller catches panics too).
pub fn run(dir: &Path, target: &Target) -> Outcome {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
    let model = match read_model(dir) {
        Ok(m) => m,
        Err((status, reason)) => return Outcome { name, op: "(unreadable)".into(), status, reason },
    };
    let op = op_type_of(&model);
    let result = load(dir, &model).and_then(|data| run_loaded(dir, target, &data));
    match result {
        Ok(()) => Outcome { name, op, status: Status::Pass, reason: String::new() },
        Err((status, reason)) => Outcome { name, op, status, reason: one_line(&reason) },
    }
}
