//! The manifest: everything the runtime needs to execute a bundle, decided at compile time.
//!
//! Indices (`pool`, `kernel`, tensor indices) refer to the vectors of the same manifest;
//! byte ranges refer to the kernels section, the weights section, or a pool. None of it is
//! trusted until [`super::verify`] has checked it.

use bincode::{Decode, Encode};

/// GPU API the kernels are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Api {
    Vulkan,
    OpenCl,
    Metal,
    WebGpu,
}

impl std::fmt::Display for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Api::Vulkan => "Vulkan",
            Api::OpenCl => "OpenCL",
            Api::Metal => "Metal",
            Api::WebGpu => "WebGPU",
        })
    }
}

/// Language of one kernel's code blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum KernelLanguage {
    /// SPIR-V binary, little-endian words.
    Spirv,
    /// Metal Shading Language source.
    Msl,
    /// WGSL source.
    Wgsl,
    /// OpenCL C source.
    OpenclC,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Precision {
    F32,
    F16,
}

/// Element type of a tensor as the host sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum DType {
    F32,
    F16,
    I64,
    I32,
    I8,
    U8,
    Bool,
}

impl DType {
    pub fn size(self) -> u64 {
        match self {
            DType::F32 | DType::I32 => 4,
            DType::F16 => 2,
            DType::I64 => 8,
            DType::I8 | DType::U8 | DType::Bool => 1,
        }
    }
}

/// Element type of a tensor in device memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum ElemType {
    F32,
    F16,
    /// 32-bit signed integers; also holds int64 indices and booleans (0/1) on device.
    I32,
    /// Signed 8-bit integers packed four to a 32-bit word.
    I8x4,
}

impl ElemType {
    pub fn size(self) -> u64 {
        match self {
            ElemType::F32 | ElemType::I32 => 4,
            ElemType::F16 => 2,
            ElemType::I8x4 => 1,
        }
    }
}

/// Physical layout of a tensor in its storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Layout {
    /// Row-major over the logical shape.
    Linear,
    /// Rank-4 NCHW tensor stored as `[N][H][W][ceil(C/4)]` vec4, zero-padded channels.
    Phwc4,
}

/// Kind of physical object realizing a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum StorageKind {
    /// A byte range of a pool buffer (every backend).
    Buffer,
    ImageBuffer,
    Texture2d,
    Texture2dArray,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum PoolRole {
    /// Filled once from the weights section at load time, read-only afterwards.
    Weights,
    /// Planned intermediates, inputs and outputs.
    Activations,
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Pool {
    pub name: String,
    pub role: PoolRole,
    /// Bytes. For an image pool, `width * height * elem.size()`.
    pub size: u64,
    /// `Some` when the pool is one image object rather than a buffer: an activations
    /// pool shared (in turn, by lifetime) by tensors with texture storage of exactly this
    /// geometry. A dispatch binds the whole image (offset 0, size = `size`).
    pub image: Option<ImageGeometry>,
}

/// Geometry of an image pool. Texels are single-channel (OpenCL `CL_R`), so one texel
/// holds one element and any element can be written alone; texel (x, y) holds element
/// `y * width + x` of the tensor's physical (linear or PHWC4) element order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct ImageGeometry {
    /// Only [`StorageKind::Texture2d`] is implemented (OpenCL backend).
    pub kind: StorageKind,
    /// Texels per row (OpenCL CL_DEVICE_IMAGE2D_MAX_WIDTH bounds it).
    pub width: u32,
    /// Rows (CL_DEVICE_IMAGE2D_MAX_HEIGHT bounds it).
    pub height: u32,
    /// Texel type: F32 (`CL_FLOAT`) or F16 (`CL_HALF_FLOAT`); kernels read and write
    /// both as float (read_imagef / write_imagef), which needs no cl_khr_fp16.
    pub elem: ElemType,
}

impl ImageGeometry {
    /// Bytes of the image's texels, or `None` on overflow.
    pub fn bytes(&self) -> Option<u64> {
        u64::from(self.width).checked_mul(u64::from(self.height))?.checked_mul(self.elem.size())
    }
}

/// Where a tensor lives.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Storage {
    pub pool: u32,
    pub offset: u64,
    /// Bytes reserved, including layout padding.
    pub size: u64,
    pub elem: ElemType,
    pub layout: Layout,
    pub kind: StorageKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct TensorEntry {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<u64>,
    pub storage: Storage,
}

impl TensorEntry {
    /// Number of logical elements, or `None` on overflow.
    pub fn element_count(&self) -> Option<u64> {
        self.shape.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub enum Access {
    Read,
    ReadWrite,
}

/// A byte range inside one section of the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct ByteRange {
    pub offset: u64,
    pub len: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Kernel {
    /// `<op>_<strategy>_<dtype>` plus a disambiguating suffix.
    pub name: String,
    pub language: KernelLanguage,
    pub entry: String,
    /// Code blob inside the kernels section.
    pub code: ByteRange,
    pub workgroup_size: [u32; 3],
    /// One entry per storage-buffer binding, in binding order.
    pub bindings: Vec<Access>,
    pub push_constant_bytes: u32,
    pub shared_memory_bytes: u32,
    /// The kernel's workgroups wait on one another (driftc's persistent chained kernels,
    /// `tuning.chain_persistent_groups`): every workgroup launched must be resident on the
    /// device at once, or the waits spin out and the results are wrong. Such a kernel
    /// walks its work by the count launched (its grid is along x alone), so any launch of
    /// 1 to the dispatch's grid workgroups computes the same; a runtime launches at most
    /// what it can show the device holds at once, and refuses the dispatch when that is none.
    pub co_resident: bool,
}

/// A binding of one dispatch: a byte range of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct BufferRange {
    pub pool: u32,
    pub offset: u64,
    pub size: u64,
}

impl BufferRange {
    /// Whether the two ranges share a byte (same pool; ends saturate, so a hostile range
    /// cannot wrap).
    pub fn overlaps(&self, other: &BufferRange) -> bool {
        self.pool == other.pool && self.offset < other.offset.saturating_add(other.size) && other.offset < self.offset.saturating_add(self.size)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Dispatch {
    pub kernel: u32,
    /// The graph node(s) this dispatch computes, for profiles and errors.
    pub label: String,
    pub bindings: Vec<BufferRange>,
    /// Workgroup counts.
    pub grid: [u32; 3],
    pub push_constants: Vec<u8>,
    /// True when this dispatch reads memory an earlier dispatch wrote, so a barrier is needed.
    pub barrier_before: bool,
    /// `Some(a)`: the dispatch reads only the weights pool and may run on a second queue
    /// (where the backend has one) as soon as the program's dispatches before index `a`
    /// are done, beside those from `a` on, none of which touches what it writes; the first
    /// later dispatch that binds memory it writes waits for it. (A q8 prefill's weights
    /// widened under the products before their readers.) Backends without a second queue
    /// run it in its place.
    pub side_after: Option<u32>,
}

impl Dispatch {
    /// The ranges it binds that its kernel (in `kernels`) may write; every range when the
    /// kernel index or a binding's access is missing.
    pub fn written(&self, kernels: &[Kernel]) -> Vec<BufferRange> {
        let k = kernels.get(self.kernel as usize);
        self.bindings.iter().enumerate().filter(|(bi, _)| k.and_then(|k| k.bindings.get(*bi)) != Some(&Access::Read)).map(|(_, b)| *b).collect()
    }
}

/// One entry point of a bundle (e.g. "main", or "prefill" and "decode" of an LLM). Programs
/// share the pools: state tensors (a KV cache) written by one run are read by the next.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Program {
    pub name: String,
    pub dispatches: Vec<Dispatch>,
    /// Positions in [`Manifest::inputs`] this program reads; only these are uploaded.
    pub inputs: Vec<u32>,
    /// Positions in [`Manifest::outputs`] this program writes; only these can be read after it.
    pub outputs: Vec<u32>,
}

/// Copy of `data` (weights section) into `pool` at `pool_offset`, done once at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
pub struct WeightUpload {
    pub pool: u32,
    pub pool_offset: u64,
    pub data: ByteRange,
}

/// What the device must offer to run the bundle.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Requirements {
    pub fp16: bool,
    pub int8_dot: bool,
    /// Cooperative matrices of 16 × 16 × 16 f16 products with f32 sums at subgroup scope
    /// (VK_KHR_cooperative_matrix).
    pub cooperative_matrix: bool,
    /// Subgroup size kernels assume; 0 when they assume none.
    pub subgroup_size: u32,
    /// Subgroup operations in compute shaders: arithmetic (sums and maxima across a
    /// subgroup, e.g. WGSL `subgroupAdd`), shuffles (`subgroupShuffleXor`) and votes
    /// (`subgroupAny`), on subgroups of `subgroup_size` laid over consecutive invocations.
    pub subgroup_arithmetic: bool,
    /// Largest single binding range used.
    pub max_binding_range: u64,
    pub max_workgroup_invocations: u32,
    pub max_shared_memory_bytes: u32,
    pub max_push_constant_bytes: u32,
    /// Pools together, bytes.
    pub device_memory_bytes: u64,
}

/// The memory plan's figures, as reported by `driftc plan`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
pub struct PlanReport {
    pub strategy: String,
    pub naive_bytes: u64,
    pub planned_bytes: u64,
    pub lower_bound_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct Manifest {
    pub target: String,
    pub api: Api,
    pub precision: Precision,
    /// File name of the model the bundle was compiled from (no directories).
    pub source_model: String,
    pub requirements: Requirements,
    pub pools: Vec<Pool>,
    pub tensors: Vec<TensorEntry>,
    /// Indices into `tensors`.
    pub inputs: Vec<u32>,
    pub outputs: Vec<u32>,
    pub kernels: Vec<Kernel>,
    pub weights: Vec<WeightUpload>,
    pub programs: Vec<Program>,
    pub plan: PlanReport,
    /// Present for LLM bundles: what `Generator` needs to drive prefill and decode.
    pub llm: Option<LlmSpec>,
}

/// How an LLM bundle is driven. The programs, inputs and outputs are named here; their
/// shapes are the tensors' own.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub struct LlmSpec {
    /// `model_type` of config.json (e.g. "llama").
    pub family: String,
    pub vocab_size: u32,
    /// Tokens the KV cache holds; positions run 0..max_context.
    pub max_context: u32,
    /// Tokens per prefill chunk (the prefill program's input length).
    pub prefill_tokens: u32,
    /// Program names.
    pub prefill: String,
    pub decode: String,
    /// Input names (token ids as int64 [1, T]; position as int64 [1]) and the logits
    /// output name, per program.
    pub prefill_ids: String,
    pub prefill_position: String,
    pub prefill_logits: String,
    /// The prefill chunk with logits for one row only (`prefill_last_row`, int64 [1], the
    /// row within the chunk), output `prefill_last_logits` [1, 1, vocab]: what generation
    /// reads; the prefill program's all-row logits serve scoring. Since format v7 both
    /// prefill programs read `prefill_last_row` as the chunk's last prompt row: the rows
    /// past it are padding that their kernels may skip.
    pub prefill_last: String,
    pub prefill_last_row: String,
    pub prefill_last_logits: String,
    pub decode_ids: String,
    pub decode_position: String,
    pub decode_logits: String,
    /// The decode program's greedy choice: the index of the largest logit (first on ties,
    /// NaN skipped, 0 when every logit is NaN: as `runtime_min::argmax`), int64 [1, 1, 1],
    /// computed on the device so greedy decoding reads 4 bytes a step.
    pub decode_next_id: String,
    /// Token ids from config.json / generation_config.json.
    pub bos_token_id: Option<u32>,
    pub eos_token_ids: Vec<u32>,
    /// tokenizer.json of the checkpoint, when it had one.
    pub tokenizer_json: Option<String>,
}
