//! Code generation: ops describe kernels as [`KernelSpec`]s through a [`KernelBuilder`];
//! [`render`] expands templates with tera, giving each template tensor accessors that the
//! codegen writes for the tensor's physical descriptor (tensor virtualization: templates
//! never compute an address); [`backend`] validates WGSL with naga and translates it to
//! SPIR-V or MSL.

pub mod backend;
pub mod helpers;
pub mod library;
pub mod merge;
pub mod prefetch;
pub mod render;

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use crate::ir::{Graph, Node, TensorId, Value};
use crate::passes::virtualize::Physical;
use crate::target::{Precision, Target};

/// Source language templates are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Wgsl,
    OpenclC,
}

impl Lang {
    pub fn dir(self) -> &'static str {
        match self {
            Lang::Wgsl => "wgsl",
            Lang::OpenclC => "opencl",
        }
    }
    /// A float literal.
    pub fn f(self, v: f32) -> String {
        let s = if v.is_finite() { format!("{v:?}") } else if v > 0.0 { "3.4028235e38".into() } else { "-3.4028235e38".into() };
        match self {
            Lang::Wgsl => s,
            Lang::OpenclC => format!("{s}f"),
        }
    }
    /// An unsigned integer literal.
    pub fn u(self, v: usize) -> String {
        match self {
            Lang::Wgsl => format!("{v}u"),
            Lang::OpenclC => format!("{v}u"),
        }
    }
    /// `cond ? a : b` in the language.
    pub fn select(self, cond: &str, a: &str, b: &str) -> String {
        match self {
            Lang::Wgsl => format!("select({b}, {a}, {cond})"),
            Lang::OpenclC => format!("(({cond}) ? ({a}) : ({b}))"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error("node '{node}' ({op}): no kernel for target '{target}': {message}")]
    NoKernel { node: String, op: String, target: String, message: String },
    #[error("node '{node}' ({op}): {message}")]
    Node { node: String, op: String, message: String },
    #[error("template '{template}' for node '{node}' on target '{target}': {message}")]
    Render { template: String, node: String, target: String, message: String },
    #[error("kernel '{kernel}' (template '{template}', node '{node}', target '{target}') failed {stage}: {message}")]
    Validate { kernel: String, template: String, node: String, target: String, stage: &'static str, message: String },
}

/// Read-only or read-write binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

#[derive(Debug, Clone)]
pub struct Binding {
    /// Name the template uses for the tensor (`x`, `w`, `y`).
    pub name: String,
    pub tensor: TensorId,
    pub access: Access,
    /// Logical shape the template sees, when it differs from the tensor's (a 1-D conv
    /// viewed as 2-D); only for linear layouts with the same element count.
    pub view: Option<Vec<usize>>,
    /// Bound as 16-byte words (see [`helpers::TensorDesc::words`]).
    pub words: bool,
    /// With `words`: each word as two `vec4<f16>` (see [`helpers::TensorDesc::halves`]).
    pub halves: bool,
}

/// One kernel launch an op asks for.
#[derive(Debug, Clone)]
pub struct KernelSpec {
    /// Template file stem under `templates/<lang>/` (e.g. `conv2d_direct`).
    pub template: &'static str,
    pub bindings: Vec<Binding>,
    /// Compile-time constants baked into the source.
    pub params: Map<String, Json>,
    /// Invocations; one per output element for most kernels.
    pub invocations: u64,
    pub workgroup: u32,
    /// Names of the template's output-coordinate variables when the kernel applies the
    /// node's fused epilogue to its value `v` at `{{ epilogue }}`; `None` otherwise.
    pub epilogue_coords: Option<Vec<String>>,
    /// Workgroup-cooperative kernel: `invocations` is a whole number of workgroups, the
    /// body sees `group` (its workgroup, clamped to the last real one) and `lane` (its
    /// index inside it) instead of `i`, every invocation reaches the body (no early
    /// return, so it may use barriers), and `drift_shared`, `shared_per_lane` f32s per lane
    /// of workgroup memory, is declared for it.
    pub cooperative: bool,
    /// Length of `drift_shared` in f32s per lane (cooperative kernels; 1 unless asked; 0:
    /// not declared).
    pub shared_per_lane: u32,
    /// Length of `drift_shared4`, a second workgroup array of vec4s of f32 for data the
    /// whole workgroup reads (cooperative kernels; 0: not declared).
    pub shared_vec4: u32,
    /// Further workgroup arrays a cooperative kernel declares (typed staging such as the
    /// f16 tiles cooperative matrices load from).
    pub workgroup_arrays: Vec<WorkgroupArray>,
    /// Uses cooperative matrices (WGSL `coop_mat16x16`, SPIR-V KHR_cooperative_matrix):
    /// the bundle then requires them, and subgroups of the target's size.
    pub cooperative_matrix: bool,
    /// Uses int8 dot products (WGSL `dot4I8Packed`): the bundle then requires them.
    pub int8_dot: bool,
    /// Sums across subgroups (WGSL `subgroupAdd`): the bundle then requires subgroup
    /// arithmetic and subgroups of the target's size.
    pub subgroup_arithmetic: bool,
    /// This dispatch and the one its node recorded just before it are alternatives: for
    /// any run at most one of them reads or writes more than the inputs that choose (the
    /// other's workgroups return at once), so no barrier is needed between the two.
    pub exclusive_with_previous: bool,
    /// 32-bit counters the kernel reads and writes through one more parameter,
    /// `drift_counters` (OpenCL C cooperative kernels only): zero when it starts, and it
    /// leaves them zero (an in-order queue runs one kernel at a time, so every such kernel
    /// shares one range past the planned activations, zeroed at load). 0: none.
    pub counters: u32,
}

/// A workgroup array declared for a cooperative kernel: `var<workgroup> name: array<elem, len>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkgroupArray {
    pub name: String,
    pub elem: WorkgroupElem,
    pub len: u32,
    /// Byte alignment asked of its start (OpenCL C `aligned`), 0 for the element's own:
    /// `linear_wgmma`'s swizzled tiles, whose pattern the tensor cores read from the
    /// address bits.
    pub align: u32,
}

/// Element type of a [`WorkgroupArray`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkgroupElem {
    F16,
    F32,
    /// Four int8 values packed in a u32 (dot4I8Packed operands).
    U32,
    /// vec4<u32>: sixteen packed int8 values read whole (one 16-byte load per lane).
    Vec4U32,
    /// vec4<f16>: staging that cooperative matrices load from (16-byte rows of halves).
    Vec4F16,
    /// vec4<f32>: rows read whole by every lane (a decode query staged once).
    Vec4F32,
}

impl WorkgroupElem {
    pub fn bytes(self) -> u32 {
        match self {
            WorkgroupElem::F16 => 2,
            WorkgroupElem::F32 | WorkgroupElem::U32 => 4,
            WorkgroupElem::Vec4F16 => 8,
            WorkgroupElem::Vec4F32 | WorkgroupElem::Vec4U32 => 16,
        }
    }
    pub fn wgsl(self) -> &'static str {
        match self {
            WorkgroupElem::F16 => "f16",
            WorkgroupElem::F32 => "f32",
            WorkgroupElem::U32 => "u32",
            WorkgroupElem::Vec4F16 => "vec4<f16>",
            WorkgroupElem::Vec4F32 => "vec4<f32>",
            WorkgroupElem::Vec4U32 => "vec4<u32>",
        }
    }
    pub fn opencl(self) -> &'static str {
        match self {
            WorkgroupElem::F16 => "half",
            WorkgroupElem::F32 => "float",
            WorkgroupElem::U32 => "uint",
            WorkgroupElem::Vec4F16 => "half4",
            WorkgroupElem::Vec4F32 => "float4",
            WorkgroupElem::Vec4U32 => "uint4",
        }
    }
    pub fn is_f16(self) -> bool {
        matches!(self, WorkgroupElem::F16 | WorkgroupElem::Vec4F16)
    }
}

impl KernelSpec {
    pub fn new(template: &'static str, invocations: u64, workgroup: u32) -> Self {
        KernelSpec { template, bindings: Vec::new(), params: Map::new(), invocations, workgroup, epilogue_coords: None, cooperative: false, shared_per_lane: 1, shared_vec4: 0, workgroup_arrays: Vec::new(), cooperative_matrix: false, int8_dot: false, subgroup_arithmetic: false, exclusive_with_previous: false, counters: 0 }
    }
    /// A workgroup-cooperative kernel of `groups` workgroups (see [`KernelSpec::cooperative`]).
    pub fn cooperative(template: &'static str, groups: u64, workgroup: u32) -> Self {
        KernelSpec { cooperative: true, ..KernelSpec::new(template, groups.saturating_mul(workgroup as u64), workgroup) }
    }
    /// Gives a cooperative kernel `floats` f32s of `drift_shared` per lane.
    pub fn shared_per_lane(mut self, floats: u32) -> Self {
        self.shared_per_lane = floats.max(1);
        self
    }
    /// A cooperative kernel that declares no `drift_shared` (its workgroup memory is all in
    /// its own arrays).
    pub fn without_drift_shared(mut self) -> Self {
        self.shared_per_lane = 0;
        self
    }
    /// Gives a cooperative kernel `drift_shared4`, `n` vec4s of f32.
    pub fn shared_vec4(mut self, n: u32) -> Self {
        self.shared_vec4 = n;
        self
    }
    /// Declares workgroup array `name` of `len` `elem`s (cooperative kernels).
    pub fn workgroup_array(mut self, name: &str, elem: WorkgroupElem, len: u32) -> Self {
        self.workgroup_arrays.push(WorkgroupArray { name: name.into(), elem, len, align: 0 });
        self
    }
    /// Asks workgroup array `name` (declared before) to start at a multiple of `bytes`
    /// (OpenCL C; WGSL has no such attribute, and no kernel that asks has a WGSL form).
    pub fn workgroup_array_aligned(mut self, name: &str, bytes: u32) -> Self {
        if let Some(a) = self.workgroup_arrays.iter_mut().find(|a| a.name == name) {
            a.align = a.align.max(bytes);
        }
        self
    }
    /// Marks the dispatch as the alternative of its node's previous one
    /// ([`KernelSpec::exclusive_with_previous`]).
    pub fn exclusive_with_previous(mut self) -> Self {
        self.exclusive_with_previous = true;
        self
    }
    /// Marks the kernel as using int8 dot products.
    /// The kernel takes `words` zeroed counters ([`KernelSpec::counters`]).
    pub fn counters(mut self, words: u32) -> Self {
        self.counters = words;
        self
    }
    pub fn uses_int8_dot(mut self) -> Self {
        self.int8_dot = true;
        self
    }
    /// Marks the kernel as summing, shuffling or voting across subgroups (the bundle's
    /// `subgroup_arithmetic` requirement).
    pub fn uses_subgroup_arithmetic(mut self) -> Self {
        self.subgroup_arithmetic = true;
        self
    }
    /// Marks the kernel as using cooperative matrices.
    pub fn uses_cooperative_matrix(mut self) -> Self {
        self.cooperative_matrix = true;
        self
    }
    /// Bytes of workgroup memory the kernel declares (0 unless cooperative).
    pub fn shared_bytes(&self) -> u32 {
        if !self.cooperative {
            return 0;
        }
        let arrays = self.workgroup_arrays.iter().fold(0u32, |a, w| a.saturating_add(w.len.saturating_mul(w.elem.bytes())));
        self.workgroup.saturating_mul(self.shared_per_lane).saturating_mul(4).saturating_add(self.shared_vec4.saturating_mul(16)).saturating_add(arrays)
    }
    pub fn read(mut self, name: &str, t: TensorId) -> Self {
        self.bindings.push(Binding { name: name.into(), tensor: t, access: Access::Read, view: None, words: false, halves: false });
        self
    }
    pub fn write(mut self, name: &str, t: TensorId) -> Self {
        self.bindings.push(Binding { name: name.into(), tensor: t, access: Access::Write, view: None, words: false, halves: false });
        self
    }
    /// Reads `t` as 16-byte words (a single-object buffer whose binding offset is 16-byte
    /// aligned; see [`helpers::TensorDesc::words`]).
    pub fn read_words(mut self, name: &str, t: TensorId) -> Self {
        self.bindings.push(Binding { name: name.into(), tensor: t, access: Access::Read, view: None, words: true, halves: false });
        self
    }
    /// Reads `t` seen with logical shape `view` (same element count).
    /// Reads f16 `t` as 16-byte words of two `vec4<f16>` each (WGSL `array<vec4<f16>>`,
    /// element 2w and 2w + 1 for word w): halves staged without a conversion.
    pub fn read_halves(mut self, name: &str, t: TensorId) -> Self {
        self.bindings.push(Binding { name: name.into(), tensor: t, access: Access::Read, view: None, words: true, halves: true });
        self
    }
    pub fn read_view(mut self, name: &str, t: TensorId, view: Vec<usize>) -> Self {
        self.bindings.push(Binding { name: name.into(), tensor: t, access: Access::Read, view: Some(view), words: false, halves: false });
        self
    }
    pub fn write_view(mut self, name: &str, t: TensorId, view: Vec<usize>) -> Self {
        self.bindings.push(Binding { name: name.into(), tensor: t, access: Access::Write, view: Some(view), words: false, halves: false });
        self
    }
    pub fn param(mut self, key: &str, v: impl Into<Json>) -> Self {
        self.params.insert(key.into(), v.into());
        self
    }
    pub fn epilogue_at(mut self, coords: &[&str]) -> Self {
        self.epilogue_coords = Some(coords.iter().map(|s| s.to_string()).collect());
        self
    }
}

/// What an op sees while choosing its kernels.
pub struct KernelBuilder<'a> {
    pub graph: &'a Graph,
    pub node: &'a Node,
    pub target: &'a Target,
    pub precision: Precision,
    pub lang: Lang,
    pub physical: &'a HashMap<TensorId, Physical>,
    pub specs: Vec<KernelSpec>,
}

impl<'a> KernelBuilder<'a> {
    pub fn err(&self, message: impl Into<String>) -> CodegenError {
        CodegenError::Node { node: self.node.name.clone(), op: self.node.op.op_type().into(), message: message.into() }
    }
    pub fn no_kernel(&self, message: impl Into<String>) -> CodegenError {
        CodegenError::NoKernel { node: self.node.name.clone(), op: self.node.op.op_type().into(), target: self.target.name.clone(), message: message.into() }
    }
    pub fn input(&self, i: usize) -> Result<TensorId, CodegenError> {
        self.node.input(i).ok_or_else(|| self.err(format!("input {i} is missing")))
    }
    /// The node's `last_row` (rows past it need not be computed), when its chunk is padded.
    pub fn last_row(&self) -> Option<TensorId> {
        self.node.last_row.map(|r| r.tensor)
    }
    /// For a kernel that skips a padded chunk's rows itself: `spec` reading the node's
    /// `last_row` with param `live` true, or `live` false where the chunk is not padded.
    pub fn read_last_row(&self, spec: KernelSpec) -> KernelSpec {
        match self.last_row() {
            Some(r) => spec.read("last_row", r).param("live", true),
            None => spec.param("live", false),
        }
    }
    /// For a row-wise kernel: `spec` with param `row_guard`, the code (a line of its own,
    /// newline first) that returns when the output coordinate along the node's row axis
    /// (named by `coord`, `None` where the kernel has no such coordinate) lies past its
    /// `last_row`, reading that tensor; an empty guard where the chunk is not padded.
    pub fn row_guard(&self, spec: KernelSpec, coord: impl Fn(usize) -> Option<String>) -> Result<KernelSpec, CodegenError> {
        let Some((r, name)) = self.node.last_row.and_then(|r| coord(r.axis).map(|name| (r, name))) else {
            return Ok(spec.param("row_guard", ""));
        };
        let d = self.desc("last_row", r.tensor)?;
        let last = helpers::load(self.lang, &d, &["0u".to_string()]).map_err(|m| self.err(m))?;
        let cast = match self.lang {
            Lang::Wgsl => format!("u32({last})"),
            Lang::OpenclC => format!("(uint)({last})"),
        };
        Ok(spec.read("last_row", r.tensor).param("row_guard", format!("\n    if ({name} > {cast}) {{\n        return;\n    }}")))
    }
    pub fn output(&self, i: usize) -> Result<TensorId, CodegenError> {
        self.node.outputs.get(i).copied().ok_or_else(|| self.err(format!("output {i} is missing")))
    }
    pub fn shape(&self, t: TensorId) -> &'a [usize] {
        &self.graph.tensor(t).shape
    }
    pub fn value(&self, t: TensorId) -> Option<&'a Value> {
        self.graph.tensor(t).value.as_deref()
    }
    pub fn wg_elementwise(&self) -> u32 {
        self.target.tuning.workgroup_size_elementwise
    }
    pub fn wg_conv(&self) -> u32 {
        self.target.tuning.workgroup_size_conv
    }
    /// Lanes of a workgroup-cooperative kernel: the largest power of two within 256 and
    /// the target's workgroup limit (reductions halve it step by step).
    pub fn wg_cooperative(&self) -> u32 {
        self.wg_cooperative_up_to(256)
    }
    /// As [`Self::wg_cooperative`] with a cap of `cap` lanes instead of 256: kernels that
    /// stream memory (matvec) keep more loads in flight per workgroup with more lanes.
    pub fn wg_cooperative_up_to(&self, cap: u32) -> u32 {
        self.target.cooperative_lanes(cap)
    }
    /// The descriptor templates see for `t` bound as `name` (see [`helpers::TensorDesc`]).
    pub fn desc(&self, name: &str, t: TensorId) -> Result<helpers::TensorDesc, CodegenError> {
        let p = self.physical.get(&t).ok_or_else(|| self.err(format!("tensor '{}' has no physical descriptor", self.graph.tensor(t).name)))?;
        Ok(p.desc(name, &self.graph.tensor(t).shape))
    }
    pub fn emit(&mut self, spec: KernelSpec) {
        self.specs.push(spec);
    }
}
