//! Operators: one file per operator (or per tight family), each holding the op's
//! attributes, its ONNX importer, its shape/type rule, its CPU reference and its kernel
//! mapping. There is no central `match` on op types: [`registry`] is a table of
//! importers, and everything else goes through the [`Op`] trait.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Debug;

use crate::codegen::{CodegenError, KernelBuilder, Lang};
use crate::front::onnx::OnnxNode;
use crate::ir::{DType, Value};

pub mod broadcast;
pub mod elementwise;
pub mod expand;
pub mod logic;
pub mod norm;
pub mod norm_stats;

pub mod attention;
pub mod cached_attention;
pub mod cached_attention_coop;
pub mod cached_attention_gqa;
pub mod cached_attention_mma;
pub mod cached_attention_split;
pub mod cached_attention_tiled;
pub mod attention_combine;
pub mod kv_cache_write;
pub mod batchnorm;
pub mod cast;
pub mod concat;
pub mod constant;
pub mod conv;
pub mod conv_transpose;
pub mod gather;
pub mod gemm;
pub mod identity;
pub mod matmul;
pub mod linear;
pub mod linear_q4;
pub mod linear_matvec;
pub mod linear_coop;
pub mod linear_mma;
pub mod linear_wgmma;
pub mod linear_int8;
pub mod linear_tiled;
pub mod matvec;
pub mod gather_q4;
pub mod pad;
pub mod quantize_rows;
pub mod packed_int8_row;
pub mod pool;
pub mod reduce;
pub mod cumsum;
pub mod einsum;
pub mod rms_norm;
pub mod rotary;
pub mod sdpa;
pub mod topk;
pub mod argmax;
pub mod cast_like;
pub mod depth_to_space;
pub mod gather_elements;
pub mod modulo;
pub mod range;
pub mod split;
pub mod tile;
pub mod trilu;
pub mod reshape;
pub mod resize;
pub mod shape;
pub mod slice;
pub mod softmax;
pub mod transpose;
pub mod widen_q4;

/// What is known about one input when inferring shapes: its type, and its value when it is
/// a constant or could be folded.
#[derive(Debug, Clone, Copy)]
pub struct Fact<'a> {
    pub dtype: DType,
    pub shape: &'a [usize],
    pub value: Option<&'a Value>,
}

/// An inferred output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFact {
    pub dtype: DType,
    pub shape: Vec<usize>,
}

impl OutFact {
    pub fn new(dtype: DType, shape: Vec<usize>) -> Self {
        OutFact { dtype, shape }
    }
}

/// An operator-level error; the caller adds the node name and op type.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("input {index} ({what}) is required")]
    MissingInput { index: usize, what: &'static str },
    #[error("input {index} ({what}) must be a compile-time constant")]
    NotConstant { index: usize, what: &'static str },
    #[error("attribute '{name}': {message}")]
    Attribute { name: String, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error("not supported: {0}")]
    Unsupported(String),
}

pub fn invalid(msg: impl Into<String>) -> OpError {
    OpError::Invalid(msg.into())
}

/// An operator in the IR.
pub trait Op: Debug + Send + Sync + Any {
    /// The ONNX op type (or our fused op's name).
    fn op_type(&self) -> &'static str;
    /// Attributes as `k=v` text for IR dumps; deterministic.
    fn attrs(&self) -> String {
        String::new()
    }
    /// Output dtypes and shapes from the inputs' facts.
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError>;
    /// CPU reference: exact f32 semantics of the op.
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError>;
    /// Emits the kernels computing this node, through the virtualization helpers.
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError>;
    /// The element-wise view of this op, when it is one (fusion uses it).
    fn as_elementwise(&self) -> Option<&dyn Elementwise> {
        None
    }
    /// True when the op's kernel applies a fused epilogue to each output element.
    fn accepts_epilogue(&self) -> bool {
        false
    }
    /// False when the kernel applies only unary epilogue steps (no tensor operands), e.g.
    /// because it does not compute output coordinates for broadcasting.
    fn epilogue_operands(&self) -> bool {
        true
    }
    /// `Some(i)` when output 0 is input `i`'s data reinterpreted with another shape
    /// (Reshape, Flatten, Squeeze, Unsqueeze): no kernel when the layouts allow.
    fn alias_of_input(&self) -> Option<usize> {
        None
    }
    /// `Some(i)` when output 0 shares input `i`'s storage and the kernel updates it in
    /// place (KV-cache writes): the output is an alias that still needs a kernel.
    fn in_place_input(&self) -> Option<usize> {
        None
    }
    /// Float outputs stored as f32 even in an f16 bundle (scales whose f16 rounding or
    /// underflow would change results: QuantizeRows' per-block scales).
    fn f32_outputs(&self) -> &'static [usize] {
        &[]
    }
    /// Output values computable from input shapes alone (Shape, Size), even when the
    /// input's data is only known at run time.
    fn fold_from_shapes(&self, _inputs: &[Option<Fact<'_>>]) -> Option<Vec<Value>> {
        None
    }
    /// Input slots that hold parameters (weights, biases, norms' scales, embedding
    /// tables). Graphs exported without their weights carry them as graph inputs; those
    /// feeding only such slots are treated as weights.
    fn weight_slots(&self) -> Vec<usize> {
        self.as_elementwise().map(|e| (0..e.arity()).collect()).unwrap_or_default()
    }
    /// True for no-ops that simplify removes (Identity, Dropout in inference).
    fn is_identity(&self) -> bool {
        false
    }
    fn as_any(&self) -> &dyn Any;
}

/// An element-wise op: a scalar function of its operands, broadcast over tensors.
pub trait Elementwise {
    fn arity(&self) -> usize;
    /// f32 semantics for the CPU reference.
    fn eval_f32(&self, args: &[f32]) -> f32;
    /// Integer semantics where the op has them (shape arithmetic on int64).
    fn eval_i64(&self, _args: &[i64]) -> Option<i64> {
        None
    }
    /// Output dtype given operand dtypes (default: first operand's).
    fn out_dtype(&self, dtypes: &[DType]) -> DType {
        dtypes.first().copied().unwrap_or(DType::F32)
    }
    /// Kernel expression over f32 operand expressions.
    fn expr(&self, lang: Lang, args: &[String]) -> String;
}

/// Reads an ONNX node's attributes and inputs into an op.
pub type ImportFn = fn(&OnnxNode<'_>) -> Result<Box<dyn Op>, OpError>;

/// Every ONNX op type we import, by name.
pub fn registry() -> BTreeMap<&'static str, ImportFn> {
    let mut reg: BTreeMap<&'static str, ImportFn> = BTreeMap::new();
    elementwise::register(&mut reg);
    expand::register(&mut reg);
    logic::register(&mut reg);
    norm::register(&mut reg);
    batchnorm::register(&mut reg);
    cast::register(&mut reg);
    concat::register(&mut reg);
    constant::register(&mut reg);
    conv::register(&mut reg);
    conv_transpose::register(&mut reg);
    gather::register(&mut reg);
    gemm::register(&mut reg);
    identity::register(&mut reg);
    matmul::register(&mut reg);
    pad::register(&mut reg);
    pool::register(&mut reg);
    reduce::register(&mut reg);
    cumsum::register(&mut reg);
    einsum::register(&mut reg);
    rms_norm::register(&mut reg);
    rotary::register(&mut reg);
    sdpa::register(&mut reg);
    topk::register(&mut reg);
    argmax::register(&mut reg);
    cast_like::register(&mut reg);
    depth_to_space::register(&mut reg);
    gather_elements::register(&mut reg);
    modulo::register(&mut reg);
    range::register(&mut reg);
    split::register(&mut reg);
    tile::register(&mut reg);
    trilu::register(&mut reg);
    reshape::register(&mut reg);
    resize::register(&mut reg);
    shape::register(&mut reg);
    slice::register(&mut reg);
    softmax::register(&mut reg);
    transpose::register(&mut reg);
    reg
}

/// Required input `i` of an inference call.
pub fn fact<'a>(inputs: &[Option<Fact<'a>>], i: usize, what: &'static str) -> Result<Fact<'a>, OpError> {
    inputs.get(i).copied().flatten().ok_or(OpError::MissingInput { index: i, what })
}

/// Required input `i` of an evaluation call.
pub fn arg<'a>(inputs: &[Option<&'a Value>], i: usize, what: &'static str) -> Result<&'a Value, OpError> {
    inputs.get(i).copied().flatten().ok_or(OpError::MissingInput { index: i, what })
}

/// Constant value of input `i`, needed at compile time (e.g. a Reshape's target shape).
pub fn const_input<'a>(inputs: &[Option<Fact<'a>>], i: usize, what: &'static str) -> Result<Option<&'a Value>, OpError> {
    match inputs.get(i).copied().flatten() {
        None => Ok(None),
        Some(f) => f.value.map(Some).ok_or(OpError::NotConstant { index: i, what }),
    }
}

/// Normalizes a possibly negative axis against `rank`.
pub fn norm_axis(axis: i64, rank: usize) -> Result<usize, OpError> {
    let r = rank as i64;
    let a = if axis < 0 { axis + r } else { axis };
    // A scalar has no axis 0: shape rules index `shape[axis]`.
    if a < 0 || a >= r {
        return Err(invalid(format!("axis {axis} out of range for rank {rank}")));
    }
    Ok(a as usize)
}
