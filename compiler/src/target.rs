//! Device descriptions: loads `targets/<name>.toml` into [`Target`].
//!
//! A target file is data, not code: every limit is named after the API field it mirrors
//! (Vulkan `VkPhysicalDeviceLimits`, OpenCL `clGetDeviceInfo`, Metal feature tables) and
//! carries its public source in a comment beside it. Unknown fields are rejected so a typo
//! never silently falls back to a default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The target files of this source tree, built into the binary.
macro_rules! builtin_targets {
    ($($name:literal),* $(,)?) => {
        const BUILTIN: &[(&str, &str)] = &[$(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/", $name, ".toml")))),*];
    };
}
builtin_targets!("adreno740", "adreno750", "apple-m3", "intel-xe2", "lavapipe", "mali-g715", "nvidia-h100", "nvidia-h100-opencl", "pocl", "webgpu");

/// Errors while finding or parsing a target description.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("unknown target '{name}'; known targets: {known}")]
    Unknown { name: String, known: String },
    #[error("target file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("target file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("target file {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The GPU API a target is driven through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Vulkan,
    OpenCl,
    Metal,
    WebGpu,
}

/// The kernel language a bundle for the target carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KernelLanguage {
    Spirv,
    Msl,
    Wgsl,
    OpenclC,
}

/// Arithmetic/storage precision of activations and weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    F32,
    F16,
}

/// Physical storage kind preferred for a class of tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StorageKind {
    Buffer,
    ImageBuffer,
    Texture2d,
    Texture2dArray,
}

/// A profiling form of `linear_coop` (`tuning.linear_coop_diagnostic`): part of its work
/// left out so a dispatch profile shows what the rest costs. Its products are wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoopDiagnostic {
    /// The whole kernel (the only form whose results are right).
    #[default]
    Off,
    /// No loads from the operands' buffers: zeros are staged and multiplied (refused with
    /// the keys that load blocks straight from the buffers).
    NoLoads,
    /// Only the matrix products that keep every staged block in use (product (i, j) where
    /// i = j mod rows of blocks or j = i mod columns: one per block at 4 x 4, a quarter of
    /// them), so the driver cannot drop the loads and stores the profile is to show.
    MinProducts,
    /// The blocks that `linear_coop_weights_direct` / `linear_coop_rows_direct` load
    /// straight from the buffers read as if each 16 × 16 block lay whole (512 contiguous
    /// bytes, a band's blocks consecutive along K): the speed of a block layout's loads,
    /// on data not laid out so (needs one of the two keys).
    BlockedLoads,
}

impl CoopDiagnostic {
    /// The form as a target file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CoopDiagnostic::Off => "off",
            CoopDiagnostic::NoLoads => "no-loads",
            CoopDiagnostic::MinProducts => "min-products",
            CoopDiagnostic::BlockedLoads => "blocked-loads",
        }
    }
}

/// Physical layout preferred for rank-4 activations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActivationLayout {
    /// Row-major over the logical NCHW shape, one scalar per element.
    Linear,
    /// Batch, height, width, then channels in zero-padded slices of 4 (vec4 elements).
    Phwc4,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Short name used on the command line (`--target adreno750`); equals the file stem.
    pub name: String,
    /// Human description of the device.
    pub description: String,
    pub api: Api,
    pub kernel_language: KernelLanguage,
    /// True when this project can run bundles for the target on the machines it has.
    pub runnable_here: bool,
    /// Precision used unless `--precision` overrides it.
    pub default_precision: Precision,
    pub features: Features,
    pub limits: Limits,
    pub tuning: Tuning,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Half-precision arithmetic and 16-bit storage (Vulkan shaderFloat16 +
    /// storageBuffer16BitAccess; OpenCL cl_khr_fp16; Metal always).
    pub fp16: bool,
    /// 8-bit integer dot products (VK_KHR_shader_integer_dot_product,
    /// cl_khr_integer_dot_product, Metal none).
    pub int8_dot: bool,
    /// Cooperative matrices (VK_KHR_cooperative_matrix, Metal simdgroup_matrix).
    pub cooperative_matrix: bool,
    /// Subgroup / wave / SIMD width kernels may assume.
    pub subgroup_size: u32,
    /// Image (texture) objects usable from compute kernels.
    pub images: bool,
    /// The driver compiles workgroup barriers inside branches that every lane of a
    /// workgroup takes alike (a merged dispatch's members, `codegen::merge`) correctly.
    /// Default true; PoCL 3.1 does not (pocl.toml: measured).
    #[serde(default = "default_true")]
    pub barriers_in_uniform_branches: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest range of one storage-buffer binding, bytes (Vulkan maxStorageBufferRange;
    /// OpenCL CL_DEVICE_MAX_MEM_ALLOC_SIZE).
    pub max_storage_buffer_range: u64,
    /// Vulkan maxComputeWorkGroupInvocations / OpenCL CL_DEVICE_MAX_WORK_GROUP_SIZE.
    pub max_compute_workgroup_invocations: u32,
    /// Vulkan maxComputeWorkGroupCount (per dimension).
    pub max_compute_workgroup_count: [u32; 3],
    /// Vulkan maxComputeSharedMemorySize / OpenCL CL_DEVICE_LOCAL_MEM_SIZE, bytes.
    pub max_compute_shared_memory_size: u32,
    /// Workgroup memory a kernel may declare where it asks for more than the reported
    /// figure (CUDA's opt-in, `sharedMemPerBlockOptin`), bytes. Only the kernels built to
    /// use it (`linear_wgmma`'s stages, and merged dispatches holding one) go past
    /// `max_compute_shared_memory_size`; every other kernel still sizes itself by that.
    /// Default: `max_compute_shared_memory_size`.
    #[serde(default)]
    pub max_compute_shared_memory_opt_in: Option<u32>,
    /// Vulkan minStorageBufferOffsetAlignment / OpenCL CL_DEVICE_MEM_BASE_ADDR_ALIGN (bytes).
    /// The planner aligns every tensor offset to at least this.
    pub min_storage_buffer_offset_alignment: u32,
    /// Vulkan maxPushConstantsSize (bytes); 0 where the API has none (OpenCL passes args).
    pub max_push_constants_size: u32,
    /// Widest 2D image, texels (OpenCL CL_DEVICE_IMAGE2D_MAX_WIDTH; Vulkan
    /// maxImageDimension2D; Metal/WebGPU maximum 2D texture width).
    pub max_image2d_width: u32,
    /// Tallest 2D image, texels (OpenCL CL_DEVICE_IMAGE2D_MAX_HEIGHT; Vulkan
    /// maxImageDimension2D). A tensor with texture storage that needs more rows is split
    /// into several images.
    pub max_image2d_height: u32,
    /// Memory the app may use on the device for one model, bytes (weights + activations).
    pub memory_budget_bytes: u64,
    /// Storage buffers one kernel may bind (Vulkan maxPerStageDescriptorStorageBuffers,
    /// WebGPU maxStorageBuffersPerShaderStage). Merged dispatches
    /// (`tuning.merge_independent_dispatches`) stop growing before their bindings pass it
    /// (or the bundle's 64); the kernels of single ops are not held to it. Default 8
    /// (WebGPU's default limit).
    #[serde(default = "default_storage_buffers")]
    pub max_storage_buffers_per_stage: u32,
}

impl Limits {
    /// Workgroup memory of the kernels that opt in to more than the reported figure
    /// (`max_compute_shared_memory_opt_in`, else `max_compute_shared_memory_size`).
    pub fn shared_memory_opt_in(&self) -> u32 {
        self.max_compute_shared_memory_opt_in.unwrap_or(self.max_compute_shared_memory_size).max(self.max_compute_shared_memory_size)
    }
}

fn default_storage_buffers() -> u32 {
    8
}

fn default_matvec_unroll() -> u32 {
    8
}
fn default_matvec_workgroup() -> u32 {
    256
}

fn default_true() -> bool {
    true
}

fn default_coop_large() -> [u32; 4] {
    [4, 2, 2, 4]
}

fn default_coop_small() -> [u32; 4] {
    [2, 2, 2, 2]
}

fn default_opencl_wgmma_row_groups() -> u32 {
    1
}

fn default_opencl_wgmma_warpgroup_rows() -> u32 {
    128
}

fn default_opencl_wgmma_tile_outputs() -> u32 {
    128
}

fn default_prefill_widened_max_bytes() -> u64 {
    512 << 20
}

fn default_opencl_wgmma_step_inputs() -> u32 {
    32
}

fn default_opencl_wgmma_stages() -> u32 {
    3
}

fn default_opencl_mma_stages() -> u32 {
    2
}

fn default_coop_large_min_tiles() -> usize {
    128
}

fn default_linear_split_k() -> [u32; 2] {
    [1, 0]
}

fn default_coop_attention_rescale_margin() -> f32 {
    8.0
}

fn default_coop_step() -> u32 {
    32
}

fn default_split_keys() -> usize {
    256
}

fn default_linear_lanes() -> u32 {
    32
}

fn default_llm_prefill_tokens() -> usize {
    64
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tuning {
    /// Workgroup size (invocations) for element-wise and copy kernels.
    pub workgroup_size_elementwise: u32,
    /// Workgroup size for convolution and matrix kernels.
    pub workgroup_size_conv: u32,
    /// Lanes of the decode matrix-vector kernel (a power of two; more lanes keep more
    /// weight loads in flight per workgroup). Default 256.
    #[serde(default = "default_matvec_workgroup")]
    pub workgroup_size_matvec: u32,
    /// Sum the lanes of a decode projection's row with one subgroup operation
    /// (`subgroupAdd`) where a row's lanes are exactly one subgroup (`linear_lanes_per_row`
    /// = `features.subgroup_size`), instead of a tree of workgroup barriers; the bundle then
    /// requires subgroup arithmetic and subgroups of that size. WGSL-derived targets, and
    /// OpenCL targets with `opencl_ptx_mma`, where PTX butterfly shuffles sum rows of up to
    /// 32 lanes and one barrier replaces the tree (emulated: the tree). Default false.
    #[serde(default)]
    pub subgroup_reductions: bool,
    /// The decode attention kernel (`cached_attention_gqa`) takes each tile's score maximum
    /// and the final exponential sums with `subgroupMax` / `subgroupAdd` and one slot per
    /// subgroup instead of 8-round trees of workgroup barriers; the bundle then requires
    /// subgroup arithmetic and subgroups of the target's size. WGSL-derived targets, and
    /// OpenCL targets with `opencl_ptx_mma` (PTX butterfly shuffles in subgroups of 32;
    /// emulated: the trees). Default false (on for nvidia-h100 with the two keys below, and
    /// for nvidia-h100-opencl with the next: bench/RESULTS.md).
    #[serde(default)]
    pub attention_subgroup_reductions: bool,
    /// The decode attention kernel (`cached_attention_gqa`) stages every query head's value
    /// sums in workgroup memory at once and sums their key groups with all its lanes, where
    /// that fits the workgroup memory (silently one head at a time where it does not), instead
    /// of one head at a time with a lane per column and two barriers each. Default false (on
    /// for nvidia-h100 and nvidia-h100-opencl, measured with the keys around it).
    #[serde(default)]
    pub attention_combine_all_heads: bool,
    /// The decode attention kernel (`cached_attention_gqa`) issues every key word and every
    /// value word a lane reads in a tile of keys at the tile's start, held in registers
    /// (16-byte rows of at most 16 words), so a tile waits on memory once, not once per four
    /// words of keys and again per four of values. Default false
    /// (on for nvidia-h100: H200 decode attention 12.4 -> 8.8 us per 1B layer; and for
    /// nvidia-h100-opencl: 11.8 -> 9.3 us; bench/RESULTS.md).
    #[serde(default)]
    pub decode_attention_prefetch: bool,
    /// With `decode_attention_prefetch` (OpenCL C): the split decode attention loads its
    /// first tile's key and value words before staging the queries, and each later tile's
    /// as the tile before has summed its values, so the cache's memory latency passes under
    /// the staging (a split of at most 256 keys is one tile: its every word). Default false.
    #[serde(default)]
    pub decode_attention_early_words: bool,
    /// A decode step's output projection combines the split attention's partials itself,
    /// in each of its workgroups (`passes::fuse_combine_linear`), instead of after a
    /// combining dispatch of its own. Default false (nvidia-h100 and nvidia-h100-opencl set
    /// it, measured).
    #[serde(default)]
    pub decode_combine_in_projection: bool,
    /// A decode step's split attention merges its own splits (`passes::fuse_split_combine`,
    /// OpenCL C targets): each workgroup counts itself out on its cache head's counter
    /// after writing its partials and the last one combines them, instead of a combining
    /// dispatch or the output projection's every workgroup (`decode_combine_in_projection`)
    /// doing it; more splits then cost no more combining. Default false.
    #[serde(default)]
    pub decode_attention_combine_last: bool,
    /// [KiB, workgroups]: decode kernels (`linear_matvec`, `cached_attention_gqa`; single
    /// dispatches) end with their last `workgroups` workgroups prefetching into the L2 the
    /// first KiB of the largest weight the next dispatch reads (`codegen::prefetch`, PTX
    /// `prefetch.global.L2`), so the memory works while an in-order queue drains one kernel
    /// and starts the next. OpenCL C targets with `opencl_ptx_mma` (not emulated); elsewhere
    /// nothing. Default [0, 0]: off.
    #[serde(default)]
    pub decode_prefetch_next_weights: [u32; 2],
    /// Decode projections that stage their RMS-normalized row (`linear_matvec`, OpenCL C
    /// with `opencl_ptx_mma`, not emulated) sum its squares by PTX shuffles, a slot per
    /// subgroup of 32 and one barrier, instead of a tree of workgroup barriers: every
    /// workgroup pays that sum before its first weight load. Default false.
    #[serde(default)]
    pub decode_stage_shuffle_sums: bool,
    /// Lanes that share one output row in the decode kernel of a Linear layer (a power of
    /// two; `linear_matvec`). Default 32, a subgroup on most GPUs.
    #[serde(default = "default_linear_lanes")]
    pub linear_lanes_per_row: u32,
    /// [outputs, lanes]: int8-activation decode projections of at least `outputs` rows
    /// give each row `lanes` lanes instead (a power of two; more rows per workgroup, fewer
    /// partial waves of workgroups; the row's quantization paid once for more rows).
    /// Default [0, 0]: off (nvidia-h100 [12288, 16], nvidia-h100-opencl [1024, 16]: measured).
    #[serde(default)]
    pub linear_lanes_many_rows: [u32; 2],
    /// [parts, tiles]: prefill products of several rows whose kernel would run few enough
    /// workgroups that `parts` times them stay within `tiles` are cut along K into `parts`
    /// partial products and a sum (`passes::split_linear_k`): more workgroups on the GPU
    /// for the same work. Default [1, 0]: off (nvidia-h100 sets [2, 256]: measured faster). A
    /// SPIR-V, MSL or WGSL target (the cut kernels are WGSL).
    #[serde(default = "default_linear_split_k")]
    pub linear_split_k: [u32; 2],
    /// LLM decode steps run a gated feed-forward's gate and up projections (f16, q8, int4) as one kernel
    /// (`passes::fuse_linear_gate`): both weight rows of an output walked side by side,
    /// up · act(gate) stored. Default false (nvidia-h100 and nvidia-h100-opencl set it:
    /// measured faster).
    #[serde(default)]
    pub decode_fused_gate: bool,
    /// Prefill runs a gated feed-forward's gate and up projections as one cooperative-matrix
    /// product (`passes::fuse_linear_gate`, `linear_coop` with a gate): each subgroup's
    /// columns of blocks half gate, half up projection of the same outputs, up · act(gate)
    /// stored from the epilogue; no gate tensor written and read back, one product fewer.
    /// Where `linear_coop::gate_qualifies` holds (f16 bundles); on OpenCL, one warpgroup
    /// product staging the up and gate rows side by side (`linear_wgmma::gate_qualifies`).
    /// Default false (on SPIR-V its first form, a branch choosing each staged weight row's
    /// buffer, measured slower on the H200 than the two products apart; the present form,
    /// each weight load's buffer fixed, not yet measured); nvidia-h100-opencl sets it
    /// (measured faster).
    #[serde(default)]
    pub prefill_fused_gate: bool,
    /// Lanes of one workgroup of the decode kernel of a Linear layer (`linear_matvec`; a
    /// power of two, capped by the device): more lanes share one staging of the activation
    /// row (its RMSNorm and int8 quantization) among more output rows. Default 256.
    #[serde(default = "default_matvec_workgroup")]
    pub linear_matvec_workgroup: u32,
    /// As `linear_matvec_workgroup`, for the kernels that quantize the activation row to
    /// int8 first (`decode_int8_activations`): that prologue is paid once per workgroup,
    /// so more rows per workgroup can pay off where plain streaming does not. Default 256.
    #[serde(default = "default_matvec_workgroup")]
    pub linear_matvec_workgroup_int8: u32,
    /// The decode kernel of a Linear layer (`linear_matvec`) takes fewer rows per workgroup
    /// (halving its workgroup while it keeps 64 lanes and, with RoPE, two rows) while its
    /// rows would fill fewer workgroups than this: a projection of 2048 rows in workgroups
    /// of 32 rows runs on 64 of a 132-SM GPU's multiprocessors. Projections whose
    /// workgroups end up of different sizes are not merged into one dispatch
    /// (`merge_independent_dispatches`). Default 0: off.
    #[serde(default)]
    pub linear_matvec_min_workgroups: u32,
    /// OpenCL C decode projections (`linear_matvec`) launch at most this many workgroups,
    /// each staging (normalizing, quantizing) its row once and then walking the row groups
    /// g, g + this, g + 2·this, ...: the row's staging paid once per workgroup instead of once
    /// per row group, and no partial last wave of workgroups (a GPU's multiprocessors times
    /// the workgroups each holds). Default 0: one workgroup per row group.
    #[serde(default)]
    pub linear_matvec_persistent_groups: u32,
    /// Most 16-byte weight words each lane of a decode projection (`linear_matvec`) loads
    /// before summing them (per weight row; a folded gate doubles it): 16, 8, 4, 2 or 1.
    /// Fewer hold fewer registers, so more workgroups may share a multiprocessor; 16 puts
    /// a 4096-input f16 row's words (32 lanes) in one round of loads instead of two.
    /// Default 8.
    #[serde(default = "default_matvec_unroll")]
    pub linear_matvec_max_unroll: u32,
    /// OpenCL C decode projections (`linear_matvec`) whose row is first staged, quantized
    /// or combined in workgroup memory load their first round of weight words before that
    /// (into registers; round 0 then sums them), so the weights' memory latency passes under
    /// the staging instead of after it (persistent workgroups: their first row group's).
    /// Default off.
    #[serde(default)]
    pub linear_matvec_early_loads: bool,
    /// With `linear_matvec_persistent_groups` (OpenCL C with inline PTX): a workgroup
    /// walking its row groups asks the L2 for its next row group's weight lines
    /// (`prefetch.global.L2`, no registers held) as it starts the current one, so their
    /// memory latency passes under this group's loads and row sums instead of after them
    /// (each row group's words are otherwise one round of loads, waited for whole).
    /// Default off.
    #[serde(default)]
    pub linear_matvec_prefetch_next_group: bool,
    /// With `linear_matvec_persistent_groups` (OpenCL C): a workgroup walking its row
    /// groups loads the next group's first round of weight words into registers as soon as
    /// the current group's words are summed, so their memory latency passes under the
    /// current group's row sums, barrier and epilogue (each row group is otherwise one
    /// round of loads issued only after the previous group's epilogue). Default off.
    #[serde(default)]
    pub linear_matvec_carry_loads: bool,
    /// Tokens per LLM prefill chunk when `--prefill-tokens` is not given (capped at the
    /// context): larger chunks fill a large GPU's tiles, smaller ones keep a phone's
    /// activations small. Default 64.
    #[serde(default = "default_llm_prefill_tokens")]
    pub llm_prefill_tokens: usize,
    /// Prefill Linear layers on cooperative matrices of 16 × 16 × 16 f16 products with f32
    /// sums (`linear_coop`), for f16 bundles on SPIR-V targets whose `cooperative_matrix`
    /// offers that shape at subgroup scope with subgroups of 32. Default false.
    #[serde(default)]
    pub prefill_cooperative_matrix: bool,
    /// Fold a one-row RMSNorm into the projections that read it (`fuse-rms-linear`: each
    /// workgroup normalizes the row itself, no norm dispatch); false keeps the norm's own
    /// dispatch and the projections read its output. Default true.
    #[serde(default = "default_true")]
    pub fold_rms_norm: bool,
    /// Keys per split of an LLM decode step's attention over the KV cache: the cache's
    /// length / this many splits (at most max(32, 8192 / this)), each a workgroup per
    /// cache head, merged by `AttentionCombine`. Fewer keys per split give
    /// more workgroups to a large GPU at short contexts. Default 256.
    #[serde(default = "default_split_keys")]
    pub decode_attention_split_keys: usize,
    /// `linear_coop` stages f16 operands as stored (bound as `vec4<f16>`, two per 16-byte
    /// word) instead of unpacking each word to f32 and converting back: no conversion
    /// instructions between the loads and the tensor cores. Default false (nvidia-h100
    /// sets it: measured faster).
    #[serde(default)]
    pub coop_stage_halves: bool,
    /// `linear_coop`'s large workgroup shape, used where it gives at least 128
    /// workgroups: [subgroups down, subgroups across, 16 × 16 blocks down, blocks across
    /// per subgroup]. Default [4, 2, 2, 4] (128 × 128 tiles, 8 subgroups).
    #[serde(default = "default_coop_large")]
    pub linear_coop_large: [u32; 4],
    /// `linear_coop`'s small workgroup shape. Default [2, 2, 2, 2] (64 × 64, 4 subgroups).
    #[serde(default = "default_coop_small")]
    pub linear_coop_small: [u32; 4],
    /// `linear_coop` takes the large shape only where it gives at least this many
    /// workgroups (fewer leave multiprocessors idle or thinly occupied). Default 128.
    #[serde(default = "default_coop_large_min_tiles")]
    pub linear_coop_large_min_tiles: usize,
    /// `linear_coop` stages int8 weights (q8 prefill) 8 inputs per load from 16-byte
    /// words (`unpack4xI8`), instead of 4 inputs per lane and step each read on its own.
    /// Default false (nvidia-h100 sets it: measured faster).
    #[serde(default)]
    pub coop_stage_int8_words: bool,
    /// `linear_coop` stages int4 weights (8/4/4 prefill) 8 inputs per load: one 32-bit
    /// word of nibbles, dequantized with its block's scale, instead of 4 inputs per lane
    /// and step each read and split on its own. Default false (nvidia-h100 sets it:
    /// measured 42% less `linear_coop` time on 8/4/4 prefill).
    #[serde(default)]
    pub coop_stage_int4_words: bool,
    /// `linear_coop` stages alternate steps in two copies of its workgroup tiles, so a step
    /// needs one workgroup barrier instead of two (where both copies fit the workgroup
    /// memory). Default false (measured slower on the H200: one copy leaves room for more
    /// workgroups per multiprocessor).
    #[serde(default)]
    pub linear_coop_double_buffer: bool,
    /// OpenCL targets on NVIDIA GPUs of sm_80 or newer: prefill products of f16 bundles whose
    /// rows, outputs and inputs fill whole 64 x 64 x 32 tiles (`linear_mma`) and the chunk
    /// attention at head sizes 64 and 128 (`cached_attention_mma`) run on the tensor cores
    /// through inline PTX (`cp.async` staging, `ldmatrix`, `mma.sync` m16n8k16), which
    /// NVIDIA's OpenCL compiler passes to its assembler; other OpenCL devices fail to build
    /// such a bundle's kernels. Default false (`nvidia-h100-opencl`: true, measured).
    #[serde(default)]
    pub opencl_ptx_mma: bool,
    /// With `opencl_ptx_mma`: the tensor-core kernels' PTX instructions written as OpenCL C (copies
    /// done at once, each subgroup's register exchange through local memory and barriers),
    /// so the same kernel runs on any OpenCL device, slowly: for checking its data flow
    /// where there is no NVIDIA GPU (PoCL). Default false.
    #[serde(default)]
    pub opencl_ptx_mma_emulated: bool,
    /// With `opencl_ptx_mma`: f16 prefill products on whole 128 x 128 tiles and steps of
    /// `opencl_wgmma_step_inputs` inputs run on Hopper's warpgroup tensor-core instructions
    /// (`linear_wgmma`: warpgroups of 128 lanes, `wgmma.mma_async` m64n128k16 from operands
    /// staged in local memory, `opencl_wgmma_stages` stages of `cp.async`), the rest stays
    /// on `linear_mma`. NVIDIA's OpenCL
    /// compiler targets sm_90, whose assembler refuses `wgmma`, so the kernel carries those
    /// instructions in PTX comments and runtime-min uncomments them in the PTX the driver
    /// built and builds that for sm_90a (`clCreateProgramWithBinary`): sm_90 devices only
    /// (H100, H200). Default false.
    #[serde(default)]
    pub opencl_ptx_wgmma: bool,
    /// `linear_wgmma`'s stages of staged tiles (16 or 24 KB each at 32 inputs per step, twice
    /// that at 64; at least 3): one multiplying, the rest landed or in flight. Default 3
    /// (48 KB, what NVIDIA's OpenCL reports as its workgroup memory); where
    /// `limits.max_compute_shared_memory_opt_in` does not hold them the kernel falls back
    /// to `linear_mma`.
    #[serde(default = "default_opencl_wgmma_stages")]
    pub opencl_wgmma_stages: u32,
    /// `linear_wgmma`'s warpgroups per workgroup: 1, 2 or 4 (of `opencl_wgmma_warpgroup_rows`
    /// rows each; e.g. 2 of 128: 256 × 128 tiles where the chunk's rows fill them, each
    /// weight tile staged once for twice the rows). Default 1.
    #[serde(default = "default_opencl_wgmma_row_groups")]
    pub opencl_wgmma_row_groups: u32,
    /// Keys per block of the tensor-core chunk attention (`cached_attention_mma`): 0 (the
    /// default) for 4096 / head size (32 at 128: two stages of K and V in 32 KB), or a
    /// larger multiple of 16 (e.g. 64: half the blocks, each with its softmax update and
    /// barrier), whose stages may take the target's opt-in workgroup memory.
    #[serde(default)]
    pub attention_mma_block_keys: u32,
    /// `linear_wgmma`'s rows per warpgroup: 128 (two halves of 64, 128 sums per lane) or 64
    /// (one, 64 sums per lane: fewer registers, so more warpgroups per multiprocessor or per
    /// workgroup). A workgroup's tile holds `opencl_wgmma_row_groups` × this many rows
    /// (at most 256). Default 128.
    #[serde(default = "default_opencl_wgmma_warpgroup_rows")]
    pub opencl_wgmma_warpgroup_rows: u32,
    /// `linear_wgmma`'s inputs per step: 32 (staged rows of 64 bytes, wgmma's 64-byte
    /// swizzle) or 64 (rows of 128 bytes, the 128-byte swizzle: stages twice as large, half
    /// the steps and barriers). Default 32.
    #[serde(default = "default_opencl_wgmma_step_inputs")]
    pub opencl_wgmma_step_inputs: u32,
    /// `linear_wgmma`'s outputs per workgroup tile: 128 (wgmma m64n128k16) or 256
    /// (m64n256k16: each staged row of x serves twice the outputs, a quarter fewer bytes
    /// copied per product; 128 sums per lane per half tile, so warpgroups of 64 rows only).
    /// Projections whose outputs do not fill 256-wide tiles, or whose 256-wide tiles would
    /// be fewer than `opencl_mma_large_min_tiles`, keep 128. Default 128.
    #[serde(default = "default_opencl_wgmma_tile_outputs")]
    pub opencl_wgmma_tile_outputs: u32,
    /// `linear_mma` takes 128 x 128 tiles where they make at least this many workgroups,
    /// else 64 x 64 (four times as many). Default 128 (our choice, not measured: two
    /// workgroups of the large kernel fit an H100 SM, so fewer than ~132 large tiles leave
    /// SMs idle).
    #[serde(default = "default_coop_large_min_tiles")]
    pub opencl_mma_large_min_tiles: usize,
    /// `linear_mma`'s stages of staged tiles: 2 (the next step's copies in flight while a
    /// step multiplies; two barriers a step) or 3 (the step after next in flight, one
    /// barrier a step, rows swizzled instead of padded). Default 2.
    #[serde(default = "default_opencl_mma_stages")]
    pub opencl_mma_stages: u32,
    /// With `opencl_ptx_mma`: q8 bundles' int8 prefill weights also go to `linear_mma` (half
    /// the weight bytes staged; each lane turns its fragment's int8 pairs into f16, exactly),
    /// where they would take `linear_tiled`. Default false (`nvidia-h100-opencl`: true, measured).
    #[serde(default)]
    pub opencl_mma_int8_weights: bool,
    /// With `opencl_ptx_wgmma`: a prefill chunk's products with int8 weights (q8) read them
    /// widened to f16 by a Cast run once per chunk (`passes::widen_prefill_weights`; exact)
    /// and take `linear_wgmma`, instead of `linear_mma` on int8 tiles. f16 bundles only.
    /// Default false.
    #[serde(default)]
    pub prefill_widened_weights: bool,
    /// With `prefill_widened_weights`: a weight whose f16 copy would take more bytes than
    /// this keeps its int8/int4 form (an 8B's LM head over every row of the full-logits
    /// prefill program: 1.05 GB of activation memory, where its largest layer weight takes
    /// 117 MB). Default 512 MiB.
    #[serde(default = "default_prefill_widened_max_bytes")]
    pub prefill_widened_max_bytes: u64,
    /// OpenCL C: nodes made from constants alone whose kernels read only weights (the
    /// widening above) run on a second queue, each from the product before its reader on,
    /// beside it (`plan::side`; their outputs live from there, so the plan grows by what
    /// they hold meanwhile). Default false.
    #[serde(default)]
    pub opencl_side_queue: bool,
    /// With `opencl_ptx_mma`: 8/4/4 bundles' int4 prefill weights (blocks of a multiple of
    /// 32 inputs) also go to `linear_mma` (a quarter of the f16 bytes staged; each lane
    /// turns its fragment's nibble pairs into f16 and multiplies them by the block's f16
    /// scale in one rounding, as the cooperative-matrix kernel's dequantization rounds),
    /// where they would take `linear_tiled`. Default false (`nvidia-h100-opencl`: true,
    /// measured).
    #[serde(default)]
    pub opencl_mma_int4_weights: bool,
    /// With `opencl_ptx_mma`: the decode projections (`linear_matvec`) read their weight
    /// words with `ld.global.nc.L1::no_allocate.L2::256B` (read-only path, no L1 line kept,
    /// the next 256 bytes fetched into L2 with each line); with `opencl_ptx_mma_emulated`,
    /// plain loads. Default false.
    #[serde(default)]
    pub opencl_ptx_stream_loads: bool,
    /// `linear_coop` loads a step's slices, stores them to workgroup memory and multiplies
    /// them in the same step, instead of loading the next step's slices into registers
    /// while multiplying this one: fewer registers per lane (more workgroups resident), no
    /// overlap inside a workgroup. Default false (nvidia-h100 sets it: measured 15-23%
    /// less `linear_coop` time).
    #[serde(default)]
    pub linear_coop_direct_staging: bool,
    /// `linear_coop` hands its results to the epilogue a row of accumulator blocks at a
    /// time (a subgroup's 16 rows × all its columns staged at once, lanes walking
    /// consecutive columns) instead of one 16 × 16 block at a time: 1 / fcols of the
    /// barriers (a quarter with the large shape's 4 columns of blocks), fcols times the
    /// epilogue operand loads in flight between them. Costs workgroup memory for the
    /// subgroups' column blocks. Default false.
    #[serde(default)]
    pub linear_coop_row_epilogue: bool,
    /// For a padded prefill chunk (nodes with `last_row`), `linear_coop` records the
    /// product twice, in the small and the large shape, each returning at once unless the
    /// rows in use would have chosen it (the large one from the first row count that gives
    /// `linear_coop_large_min_tiles` large tiles): a short prompt in a tall chunk then runs
    /// on small tiles, as many workgroups as its rows fill. Costs an empty dispatch per
    /// such product. Default false.
    #[serde(default)]
    pub linear_coop_shape_by_rows: bool,
    /// With `linear_coop_shape_by_rows`, the product's two variants are recorded without a
    /// barrier between them: every workgroup of the variant the rows in use did not choose
    /// returns after reading the row count, so the two never touch the same memory in one
    /// run. One barrier (and the wait for the first variant's empty grid) fewer per
    /// product. Default false.
    #[serde(default)]
    pub linear_coop_variants_unordered: bool,
    /// Profiling only: `linear_coop` without its buffer loads (`no-loads`), with only the
    /// matrix products that keep its staged blocks in use (`min-products`), or with its
    /// direct block loads laid out as whole blocks would be (`blocked-loads`), so that a
    /// dispatch profile splits the product kernel's time between moving operands and
    /// multiplying them (compare the kernels' register counts too: a lighter kernel may
    /// run more workgroups at once). The results are wrong: never set in a target file
    /// that builds bundles for use (`driftc compile` warns; the shipped targets are
    /// tested to leave it off). Default `off`.
    #[serde(default)]
    pub linear_coop_diagnostic: CoopDiagnostic,
    /// `linear_coop` numbers its tiles rows first: consecutive workgroups share a weight
    /// tile (one column of row tiles runs side by side), so each weight byte is read from
    /// memory about once while the activation rows stay in the cache. Default false
    /// (outputs first).
    #[serde(default)]
    pub linear_coop_rows_first: bool,
    /// `linear_coop` moves f16 operands as 16-byte words end to end: one load from the
    /// buffer (bound as vec4<u32>) and one store into a vec4<u32> tile per 8 inputs, from
    /// which the matrices load as f16 (`coop_stage_halves` moves each as two 8-byte
    /// halves). Default false.
    #[serde(default)]
    pub coop_stage_words16: bool,
    /// `linear_coop`'s epilogue alternates two 16 × 16 slices of workgroup memory per
    /// subgroup: one barrier per accumulator block instead of two. Default false.
    #[serde(default)]
    pub linear_coop_epilogue_pingpong: bool,
    /// `linear_coop`'s epilogue (one 16 × 16 block per subgroup at a time, each subgroup in
    /// its own slice of workgroup memory) orders a block's store and its lanes' reads with
    /// subgroup barriers instead of workgroup barriers, so subgroups do not wait for each
    /// other. WGSL's subgroupBarrier declares subgroup memory semantics only: for drivers
    /// whose subgroup barrier also orders workgroup memory among a subgroup's lanes
    /// (NVIDIA's warp synchronization does); checked on the GPU before use. Default false.
    #[serde(default)]
    pub linear_coop_epilogue_subgroup_sync: bool,
    /// `linear_coop` loads each B block just before the products of its column (one B block
    /// live at a time instead of all of the subgroup's). Default false.
    #[serde(default)]
    pub linear_coop_stream_b: bool,
    /// With `linear_coop_direct_staging`, f16 weights whose rows fill whole tiles (and K
    /// whole steps) are not staged: each subgroup loads its 16 × 16 weight blocks from the
    /// buffer itself (KHR_cooperative_matrix loads from storage), and only the activation
    /// rows go through workgroup memory. Half the staging stores and workgroup memory;
    /// each weight block read by every subgroup row of the workgroup. Default false.
    #[serde(default)]
    pub linear_coop_weights_direct: bool,
    /// The same for the f16 activation rows (whole tiles of rows): with both keys nothing
    /// is staged and a step has no barrier, every block coming from the buffers (and the
    /// caches in front of them). Default false.
    #[serde(default)]
    pub linear_coop_rows_direct: bool,
    /// Inputs `linear_coop` stages per step (16, 32 or 64). Default 32.
    #[serde(default = "default_coop_step")]
    pub linear_coop_step: u32,
    /// `cached_attention_coop` pads each row of its score block by 4 floats: its softmax
    /// lanes walk 16 rows of the block in step, which without padding all fall on one
    /// bank of workgroup memory. Default false (nvidia-h100 sets it: measured 2x faster).
    #[serde(default)]
    pub coop_attention_score_padding: bool,
    /// `cached_attention_coop` makes one pass over the key blocks (online softmax: a
    /// running max per row, the output rescaled through workgroup memory when it grows)
    /// instead of two (maxima and sums, then probabilities and values): each key block
    /// staged and multiplied by Q once instead of twice. Default false (nvidia-h100 sets it:
    /// measured faster).
    #[serde(default)]
    pub coop_attention_one_pass: bool,
    /// How far (natural log) a block's score maximum must pass a row's before the one-pass
    /// `cached_attention_coop` moves the row's maximum and rescales the output: below it the
    /// stale maximum serves (probabilities up to e^margin, inside f16). 0 rescales at every
    /// rise (the test of the rescaling path). Default 8.0, at most 10.
    #[serde(default = "default_coop_attention_rescale_margin")]
    pub coop_attention_rescale_margin: f32,
    /// `cached_attention_coop` loads the next key block's K (and V) words into registers
    /// while the current block is multiplied, and stores them to workgroup memory at the
    /// next block's start: a block waits on memory once per block overlapped with work
    /// instead of once before it. Default false (nvidia-h100 sets it, with the key below:
    /// measured 3% less prefill attention time).
    #[serde(default)]
    pub coop_attention_prefetch: bool,
    /// `cached_attention_coop` runs a head's query blocks last first: under the causal
    /// mask the last block reads the most key blocks, and starting the longest workgroups
    /// first leaves short ones for the tail. Default false (nvidia-h100 sets it).
    #[serde(default)]
    pub coop_attention_longest_first: bool,
    /// An imported ONNX MatMul by a constant 2-D weight becomes a Linear over the weight
    /// transposed at compile time (`passes::matmul_as_linear`): the LLM path's product
    /// kernels, cooperative matrices included where the target prefills on them. Default
    /// false.
    #[serde(default)]
    pub onnx_matmul_as_linear: bool,
    /// LLM decode projections with int8 or int4 weights (q8, 8/4/4) quantize their
    /// activation row to int8 and sum int8 dot products (`Linear::act_int8`,
    /// `LinearQ4::act_int8`, kernel `linear_matvec`); needs `int8_dot` on a SPIR-V, MSL or
    /// WGSL target; OpenCL C kernels sum the products with PTX `dp4a` (`opencl_ptx_mma`, not
    /// emulated) or in C. Default false.
    #[serde(default)]
    pub decode_int8_activations: bool,
    /// With `decode_int8_activations`: the projections that read one activation row share
    /// one quantization of it (`share-int8-activations`: a `PackedInt8Row` dispatch, with
    /// the folded RMSNorm), read from memory, instead of each of their workgroups
    /// normalizing and quantizing the row again. Default false.
    #[serde(default)]
    pub decode_quantize_once: bool,
    /// Consecutive workgroup-cooperative dispatches of one program that touch no memory
    /// another of them writes (the q, k and v projections of a decode step) run as one
    /// dispatch whose workgroups branch to their member's body (`codegen::merge`): one
    /// launch and one tail instead of several. Default false (through Vulkan on the H200
    /// it changed no unprofiled time: with no barrier between them, the GPU already runs
    /// such dispatches side by side; an OpenCL in-order queue runs each after the last).
    #[serde(default)]
    pub merge_independent_dispatches: bool,
    /// Consecutive workgroup-cooperative dispatches of one program run as one dispatch even
    /// where one reads what another writes (`codegen::merge`, chained members): workgroups
    /// take their index from a ticket counter, a member's workgroups wait (PTX acquire
    /// loads on a counter in the activations pool) until every workgroup of the members it
    /// depends on has signalled (PTX release), and the last workgroup out zeroes the
    /// counters. Through an in-order OpenCL queue each kernel otherwise starts only after
    /// the last has drained: one launch, ramp and tail for many decode dispatches. Needs an
    /// OpenCL C target with `opencl_ptx_mma` (NVIDIA, PTX) and
    /// `features.barriers_in_uniform_branches`. Default false: on the H200 each workgroup's
    /// ticket, wait and signal cost more than the launches they saved (decode steps 5-10%
    /// slower); `nvidia-h100-opencl` sets it with `chain_persistent_groups`, whose
    /// persistent chains were faster (its file lists the runs).
    #[serde(default)]
    pub chain_dependent_dispatches: bool,
    /// With `chain_dependent_dispatches`: a chained kernel launches at most this many
    /// workgroups, each walking every N-th workgroup's share of each member in turn (no
    /// tickets), waiting once per member on what it depends on and signalling once per
    /// member. Every launched workgroup must be resident at once (the waits are a grid
    /// barrier): at most the multiprocessors times the workgroups one holds at the kernel's
    /// registers and local memory. The kernels are marked `co_resident` in the manifest and
    /// walk their shares by the count launched: runtime-min launches at most what it can
    /// show the device holds at once (on NVIDIA from the compute capability's occupancy
    /// limits), saying so in `Session::launch_notes`. With `linear_matvec_persistent_groups` at the same N, each
    /// workgroup does one share of each member, which stages its row once and walks its row
    /// groups. Default 0: one workgroup per share, numbered by tickets.
    #[serde(default)]
    pub chain_persistent_groups: u32,
    /// With `chain_persistent_groups`: before a member's wait, each workgroup asks the L2
    /// for the weights of its first share of that member (PTX `prefetch.global.L2`; the
    /// weights depend on nothing the wait is for). Default false.
    #[serde(default)]
    pub chain_prefetch_first_share: bool,
    /// With `chain_persistent_groups`: a workgroup starting one share of a member asks the
    /// L2 for the weights of its next share of that member (PTX `prefetch.global.L2`, as
    /// `chain_prefetch_first_share` takes a share's bytes), so their memory latency passes
    /// under this share's loads and sums. Default false.
    #[serde(default)]
    pub chain_prefetch_next_share: bool,
    /// With `chain_dependent_dispatches`: a workgroup signals with its one release add
    /// after the workgroup barrier (as CUDA's grid sync does), not after a fence in every
    /// lane, and its polling lane spins instead of sleeping 256 ns between polls (its
    /// 2^20 polls then give up sooner than a second). PTX only: with
    /// `opencl_ptx_mma_emulated` the OpenCL C atomics stay as they are. Default false.
    #[serde(default)]
    pub chain_spin_waits: bool,
    /// With `chain_dependent_dispatches`: templates whose dispatches may chain with one
    /// another (e.g. `["linear_matvec", "cached_attention_wg"]`: a decode step's attention
    /// joins the projections around it), where otherwise only dispatches of one template
    /// chain (a merged kernel runs with the registers its hungriest member needs). Empty
    /// by default.
    #[serde(default)]
    pub chain_templates: Vec<String>,
    /// With `chain_dependent_dispatches`: at most this many members per chained kernel
    /// (0: no bound but the bindings' and grid's). A decode step whose every dispatch
    /// chains (`chain_templates`) is otherwise one kernel of hundreds of members, which
    /// the driver compiles at load. Default 0.
    #[serde(default)]
    pub chain_max_members: u32,
    /// The persistent decode keys (`chain_dependent_dispatches` and the `chain_*` keys
    /// with it, `linear_matvec_persistent_groups`, `linear_matvec_early_loads`,
    /// `linear_matvec_carry_loads`, `linear_matvec_prefetch_next_group`) apply only to
    /// models whose widest projection (`Linear`, `LinearQ4`) takes at most this many inputs; wider
    /// models compile with them off, and the compile report says so. Their gain is each
    /// launch's fixed cost saved, which a larger model's longer projections hide.
    /// 0: no bound. Default 0.
    #[serde(default)]
    pub persistent_decode_max_input: u64,
    /// LLM prefill projections with int8 weights quantize their activations in a kernel of
    /// their own (`QuantizeRows`: per block of 32 inputs, amax / 127) and multiply in int8 dot products
    /// (`LinearInt8`, 64 × 64 tiles), the paper's stage-aware prefill; needs `int8_dot` on
    /// a SPIR-V, MSL or WGSL target (OpenCL C targets: plain int sums, or NVIDIA's tensor
    /// cores with `opencl_ptx_mma`). Targets that prefill on cooperative matrices keep f16
    /// products there. Default false.
    #[serde(default)]
    pub prefill_int8_activations: bool,
    /// Clamp indices into workgroup arrays, vectors and other fixed-size arrays (naga's
    /// `index` bounds-check policy `Restrict`); bindings are clamped either way. Off removes
    /// those clamps from inner loops (a measurement to make per target). Default true.
    #[serde(default = "default_true")]
    pub fixed_array_bounds_checks: bool,
    /// Storage preferred for intermediate activations (graph inputs and outputs are
    /// always buffers). `buffer` everywhere; `texture2d` on OpenCL targets with images.
    /// `driftc compile --storage` overrides it.
    pub activation_storage: StorageKind,
    /// Layout preferred for rank-4 activations.
    pub activation_layout: ActivationLayout,
}

impl Target {
    /// Parses a target description from TOML text; `path` is used in errors only.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, TargetError> {
        let target: Target = toml::from_str(text).map_err(|e| TargetError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        target.check(path)?;
        Ok(target)
    }

    fn check(&self, path: &Path) -> Result<(), TargetError> {
        let invalid = |message: String| TargetError::Invalid { path: path.to_path_buf(), message };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if !stem.is_empty() && stem != self.name {
            return Err(invalid(format!("name '{}' differs from the file name '{stem}'", self.name)));
        }
        let align = self.limits.min_storage_buffer_offset_alignment;
        if align == 0 || !align.is_power_of_two() {
            return Err(invalid(format!("limits.min_storage_buffer_offset_alignment {align} is not a power of two")));
        }
        for (what, wg) in [
            ("tuning.workgroup_size_elementwise", self.tuning.workgroup_size_elementwise),
            ("tuning.workgroup_size_conv", self.tuning.workgroup_size_conv),
            ("tuning.workgroup_size_matvec", self.tuning.workgroup_size_matvec),
        ] {
            if wg == 0 || wg > self.limits.max_compute_workgroup_invocations {
                return Err(invalid(format!(
                    "{what} {wg} is outside 1..={} (limits.max_compute_workgroup_invocations)",
                    self.limits.max_compute_workgroup_invocations
                )));
            }
        }
        if self.tuning.llm_prefill_tokens == 0 {
            return Err(invalid("tuning.llm_prefill_tokens is 0".into()));
        }
        if ![16, 32, 64].contains(&self.tuning.linear_coop_step) {
            return Err(invalid(format!("tuning.linear_coop_step {} is not 16, 32 or 64", self.tuning.linear_coop_step)));
        }
        for (what, shape) in [("tuning.linear_coop_large", self.tuning.linear_coop_large), ("tuning.linear_coop_small", self.tuning.linear_coop_small)] {
            if shape.iter().any(|&v| v == 0 || v > 16) {
                return Err(invalid(format!("{what} {shape:?}: every entry must be 1..=16")));
            }
        }
        let margin = self.tuning.coop_attention_rescale_margin;
        if !(0.0..=10.0).contains(&margin) {
            return Err(invalid(format!("tuning.coop_attention_rescale_margin {margin} is not within 0..=10 (probabilities reach e^margin in f16)")));
        }
        if self.tuning.decode_attention_split_keys == 0 {
            return Err(invalid("tuning.decode_attention_split_keys is 0".into()));
        }
        let [rows, lanes] = self.tuning.linear_lanes_many_rows;
        if rows > 0 && !lanes.is_power_of_two() {
            return Err(invalid(format!("tuning.linear_lanes_many_rows: lanes {lanes} is not a power of two")));
        }
        if ![1, 2, 4, 8, 16].contains(&self.tuning.linear_matvec_max_unroll) {
            return Err(invalid(format!("tuning.linear_matvec_max_unroll {} is not 1, 2, 4, 8 or 16", self.tuning.linear_matvec_max_unroll)));
        }
        if !self.tuning.linear_lanes_per_row.is_power_of_two() {
            return Err(invalid(format!("tuning.linear_lanes_per_row {} is not a power of two", self.tuning.linear_lanes_per_row)));
        }
        // The decode kernel's workgroups are capped by the device where they are used.
        for (what, wg) in [("tuning.workgroup_size_matvec", self.tuning.workgroup_size_matvec), ("tuning.linear_matvec_workgroup", self.tuning.linear_matvec_workgroup), ("tuning.linear_matvec_workgroup_int8", self.tuning.linear_matvec_workgroup_int8)] {
            if !wg.is_power_of_two() {
                return Err(invalid(format!("{what} {wg} is not a power of two")));
            }
        }
        if self.tuning.decode_int8_activations && !self.features.int8_dot && self.kernel_language != KernelLanguage::OpenclC {
            return Err(invalid("tuning.decode_int8_activations needs features.int8_dot on a SPIR-V, MSL or WGSL target (the kernel uses WGSL's dot4I8Packed; OpenCL C kernels sum int8 products with PTX dp4a or in C)".into()));
        }
        if self.tuning.attention_subgroup_reductions && self.kernel_language == KernelLanguage::OpenclC && !self.tuning.opencl_ptx_mma {
            return Err(invalid("tuning.attention_subgroup_reductions needs a SPIR-V, MSL or WGSL target (the kernel uses WGSL's subgroupMax and subgroupAdd), or an OpenCL target with tuning.opencl_ptx_mma (PTX shuffles)".into()));
        }
        if self.tuning.linear_split_k[0] > 1 && self.kernel_language == KernelLanguage::OpenclC {
            return Err(invalid("tuning.linear_split_k needs a SPIR-V, MSL or WGSL target (the cut products' kernels are WGSL)".into()));
        }
        if self.tuning.coop_stage_words16 && (self.tuning.linear_coop_weights_direct || self.tuning.linear_coop_rows_direct) {
            return Err(invalid("tuning.coop_stage_words16 stages what tuning.linear_coop_weights_direct / linear_coop_rows_direct load straight from the buffer (16-byte words against 8-byte halves): set one or the other".into()));
        }
        if self.tuning.linear_coop_diagnostic == CoopDiagnostic::NoLoads && (self.tuning.linear_coop_weights_direct || self.tuning.linear_coop_rows_direct) {
            return Err(invalid("tuning.linear_coop_diagnostic = \"no-loads\" leaves out the staged loads; tuning.linear_coop_weights_direct / linear_coop_rows_direct load blocks straight from the buffers, which it would keep: set one or the other".into()));
        }
        if self.tuning.linear_coop_diagnostic == CoopDiagnostic::BlockedLoads && !(self.tuning.linear_coop_weights_direct || self.tuning.linear_coop_rows_direct) {
            return Err(invalid("tuning.linear_coop_diagnostic = \"blocked-loads\" changes the blocks tuning.linear_coop_weights_direct / linear_coop_rows_direct load straight from the buffers: set one of them".into()));
        }
        if self.tuning.opencl_ptx_mma && self.kernel_language != KernelLanguage::OpenclC {
            return Err(invalid("tuning.opencl_ptx_mma needs an OpenCL C target (its kernel is OpenCL C with inline PTX)".into()));
        }
        if !matches!(self.tuning.opencl_wgmma_row_groups, 1 | 2 | 4) || !matches!(self.tuning.opencl_wgmma_warpgroup_rows, 64 | 128) || self.tuning.opencl_wgmma_row_groups * self.tuning.opencl_wgmma_warpgroup_rows > 256 {
            return Err(invalid(format!(
                "tuning.opencl_wgmma_row_groups = {} warpgroups of tuning.opencl_wgmma_warpgroup_rows = {} rows: 1, 2 or 4 warpgroups of 64 or 128 rows, at most 256 rows per workgroup",
                self.tuning.opencl_wgmma_row_groups, self.tuning.opencl_wgmma_warpgroup_rows
            )));
        }
        if !(self.tuning.attention_mma_block_keys.is_multiple_of(16) && self.tuning.attention_mma_block_keys <= 256) {
            return Err(invalid(format!("tuning.attention_mma_block_keys: {} (0, or a multiple of 16 up to 256)", self.tuning.attention_mma_block_keys)));
        }
        match (self.tuning.opencl_wgmma_tile_outputs, self.tuning.opencl_wgmma_warpgroup_rows) {
            (128, _) | (256, 64) => {}
            (outs, rows) => {
                return Err(invalid(format!(
                    "tuning.opencl_wgmma_tile_outputs = {outs} with tuning.opencl_wgmma_warpgroup_rows = {rows}: 128, or 256 with warpgroups of 64 rows (256 outputs of 128 rows would need 256 sums per lane)"
                )))
            }
        }
        if !matches!(self.tuning.opencl_wgmma_step_inputs, 32 | 64) {
            return Err(invalid(format!("tuning.opencl_wgmma_step_inputs: {} (32 or 64 inputs per step)", self.tuning.opencl_wgmma_step_inputs)));
        }
        if let Some(opt_in) = self.limits.max_compute_shared_memory_opt_in {
            if opt_in < self.limits.max_compute_shared_memory_size {
                return Err(invalid(format!("limits.max_compute_shared_memory_opt_in: {opt_in} bytes, below limits.max_compute_shared_memory_size ({})", self.limits.max_compute_shared_memory_size)));
            }
        }
        if self.tuning.opencl_ptx_wgmma && !self.tuning.opencl_ptx_mma {
            return Err(invalid("tuning.opencl_ptx_wgmma needs tuning.opencl_ptx_mma (its kernel is built on the same PTX staging, and emulated with it)".into()));
        }
        if self.tuning.linear_split_k[0] > 16 {
            return Err(invalid(format!("tuning.linear_split_k: {} parts (at most 16)", self.tuning.linear_split_k[0])));
        }
        if self.tuning.decode_quantize_once && self.kernel_language == KernelLanguage::OpenclC {
            return Err(invalid("tuning.decode_quantize_once needs a SPIR-V, MSL or WGSL target (the packed int8 row's kernels are WGSL)".into()));
        }
        if self.tuning.merge_independent_dispatches && !self.features.barriers_in_uniform_branches {
            return Err(invalid("tuning.merge_independent_dispatches needs features.barriers_in_uniform_branches (a merged kernel's members keep their barriers inside a branch on the workgroup index)".into()));
        }
        if self.tuning.chain_dependent_dispatches && !(self.kernel_language == KernelLanguage::OpenclC && self.tuning.opencl_ptx_mma && self.features.barriers_in_uniform_branches) {
            return Err(invalid("tuning.chain_dependent_dispatches needs an OpenCL C target with tuning.opencl_ptx_mma (its waits are PTX acquire loads) and features.barriers_in_uniform_branches".into()));
        }
        if self.tuning.chain_persistent_groups > 0 && !self.tuning.chain_dependent_dispatches {
            return Err(invalid("tuning.chain_persistent_groups needs tuning.chain_dependent_dispatches (it shapes the chained kernels)".into()));
        }
        if self.tuning.chain_spin_waits && !self.tuning.chain_dependent_dispatches {
            return Err(invalid("tuning.chain_spin_waits needs tuning.chain_dependent_dispatches (it shapes the chained kernels' waits)".into()));
        }
        if self.tuning.linear_matvec_prefetch_next_group && !(self.tuning.linear_matvec_persistent_groups > 0 && self.inline_ptx()) {
            return Err(invalid("tuning.linear_matvec_prefetch_next_group needs tuning.linear_matvec_persistent_groups and an OpenCL C target with tuning.opencl_ptx_mma (its prefetch is PTX)".into()));
        }
        if self.tuning.linear_matvec_carry_loads && !(self.tuning.linear_matvec_persistent_groups > 0 && self.api == Api::OpenCl) {
            return Err(invalid("tuning.linear_matvec_carry_loads needs tuning.linear_matvec_persistent_groups and an OpenCL C target (its row groups are walked there)".into()));
        }
        if !self.tuning.chain_templates.is_empty() && !self.tuning.chain_dependent_dispatches {
            return Err(invalid("tuning.chain_templates needs tuning.chain_dependent_dispatches (it shapes the chained kernels)".into()));
        }
        if let Some(t) = self.tuning.chain_templates.iter().find(|t| !crate::codegen::render::TEMPLATES.iter().any(|(name, ..)| name == t)) {
            return Err(invalid(format!("tuning.chain_templates: '{t}' is not a kernel template")));
        }
        if self.tuning.decode_attention_early_words && !(self.tuning.decode_attention_prefetch && self.api == Api::OpenCl) {
            return Err(invalid("tuning.decode_attention_early_words needs tuning.decode_attention_prefetch and an OpenCL C target (its tiles' words are loaded there)".into()));
        }
        if self.tuning.chain_prefetch_next_share && self.tuning.chain_persistent_groups == 0 {
            return Err(invalid("tuning.chain_prefetch_next_share needs tuning.chain_persistent_groups".into()));
        }
        if self.tuning.chain_prefetch_first_share && self.tuning.chain_persistent_groups == 0 {
            return Err(invalid("tuning.chain_prefetch_first_share needs tuning.chain_persistent_groups".into()));
        }
        if self.tuning.subgroup_reductions && self.kernel_language == KernelLanguage::OpenclC && !self.tuning.opencl_ptx_mma {
            return Err(invalid("tuning.subgroup_reductions needs a SPIR-V, MSL or WGSL target (the kernels use WGSL's subgroupAdd), or an OpenCL target with tuning.opencl_ptx_mma (PTX shuffles)".into()));
        }
        if self.tuning.opencl_ptx_stream_loads && !self.tuning.opencl_ptx_mma {
            return Err(invalid("tuning.opencl_ptx_stream_loads needs tuning.opencl_ptx_mma (the loads are PTX)".into()));
        }
        if self.tuning.prefill_int8_activations && !self.features.int8_dot && self.kernel_language != KernelLanguage::OpenclC {
            return Err(invalid("tuning.prefill_int8_activations needs features.int8_dot on a SPIR-V, MSL or WGSL target (the kernels use WGSL's pack4xI8 and dot4I8Packed); OpenCL C targets need no feature".into()));
        }
        if self.default_precision == Precision::F16 && !self.features.fp16 {
            return Err(invalid("default_precision is f16 but features.fp16 is false".into()));
        }
        if self.limits.max_compute_workgroup_count.iter().any(|&c| c == 0) {
            return Err(invalid("limits.max_compute_workgroup_count has a zero".into()));
        }
        self.storage_supported(self.tuning.activation_storage).map_err(|m| invalid(format!("tuning.activation_storage: {m}")))?;
        Ok(())
    }

    /// Whether OpenCL C kernels for this target carry NVIDIA inline PTX (`opencl_ptx_mma`
    /// on an OpenCL C target, not emulated in C).
    pub fn inline_ptx(&self) -> bool {
        self.kernel_language == KernelLanguage::OpenclC && self.tuning.opencl_ptx_mma && !self.tuning.opencl_ptx_mma_emulated
    }

    /// Lanes of a workgroup whose lanes cooperate (reductions in workgroup memory): the
    /// largest power of two up to `cap` and the device's limit.
    pub fn cooperative_lanes(&self, cap: u32) -> u32 {
        let limit = self.limits.max_compute_workgroup_invocations.clamp(1, cap.max(1));
        if limit.is_power_of_two() {
            limit
        } else {
            limit.next_power_of_two() / 2
        }
    }

    /// Whether driftc can realize activations with `kind` on this target; the reason when
    /// not. Buffers work everywhere; 2D textures (single-channel images) only through the
    /// OpenCL backend, on a device with images. Vulkan, Metal and WebGPU bundles bind
    /// storage buffers only.
    pub fn storage_supported(&self, kind: StorageKind) -> Result<(), String> {
        match kind {
            StorageKind::Buffer => Ok(()),
            StorageKind::Texture2d if self.api != Api::OpenCl => Err(format!("texture2d storage is implemented for OpenCL targets only; target '{}' uses {:?}, whose kernels bind storage buffers only", self.name, self.api)),
            StorageKind::Texture2d if !self.features.images || self.limits.max_image2d_width == 0 || self.limits.max_image2d_height == 0 => {
                Err(format!("target '{}' declares no 2D images (features.images, limits.max_image2d_width/height)", self.name))
            }
            StorageKind::Texture2d => Ok(()),
            other => Err(format!("{other:?} storage is not implemented (use buffer or texture2d)")),
        }
    }

    /// This target with `tuning.activation_storage` replaced (`driftc compile --storage`),
    /// or the reason the combination is unsupported.
    pub fn with_activation_storage(&self, kind: StorageKind) -> Result<Target, String> {
        self.storage_supported(kind)?;
        let mut t = self.clone();
        t.tuning.activation_storage = kind;
        Ok(t)
    }

    /// This target as the passes see it for a bundle of `precision`: the keys that hold for
    /// f16 bundles only (`tuning.prefill_fused_gate`: its product runs on f16 cooperative
    /// matrices; `tuning.prefill_widened_weights`: on f16 warpgroup products) off for f32 ones, so no pass folds what no kernel then takes.
    pub fn for_precision(&self, precision: Precision) -> Target {
        let mut t = self.clone();
        if precision != Precision::F16 {
            t.tuning.prefill_fused_gate = false;
            t.tuning.prefill_widened_weights = false;
        }
        t
    }

    /// This target with the persistent decode keys off, and why, when a model whose widest
    /// projection takes `widest_input` inputs exceeds `tuning.persistent_decode_max_input`
    /// (None: the target as it is).
    pub fn for_widest_input(&self, widest_input: u64) -> Option<(Target, String)> {
        let max = self.tuning.persistent_decode_max_input;
        let tu = &self.tuning;
        let any = tu.chain_dependent_dispatches || tu.linear_matvec_persistent_groups > 0 || tu.linear_matvec_early_loads || tu.linear_matvec_carry_loads || tu.linear_matvec_prefetch_next_group;
        if max == 0 || widest_input <= max || !any {
            return None;
        }
        let mut t = self.clone();
        let tu = &mut t.tuning;
        tu.chain_dependent_dispatches = false;
        tu.chain_persistent_groups = 0;
        tu.chain_spin_waits = false;
        tu.chain_prefetch_first_share = false;
        tu.chain_prefetch_next_share = false;
        tu.linear_matvec_persistent_groups = 0;
        tu.linear_matvec_early_loads = false;
        tu.linear_matvec_carry_loads = false;
        tu.linear_matvec_prefetch_next_group = false;
        let why = format!("target '{}': persistent decode kernels off (chains, persistent projections, early and carried loads): the model's widest projection takes {widest_input} inputs, above tuning.persistent_decode_max_input = {max}", self.name);
        Some((t, why))
    }

    /// A directory of target files to use instead of the built-in ones: `$DRIFTC_TARGETS`.
    pub fn dir() -> Option<PathBuf> {
        std::env::var_os("DRIFTC_TARGETS").map(PathBuf::from)
    }

    /// Names of every known target, sorted.
    pub fn known() -> Vec<String> {
        let mut names: Vec<String> = match Self::dir() {
            Some(dir) => std::fs::read_dir(dir)
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .filter_map(|e| {
                            let p = e.path();
                            (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(String::from))?
                        })
                        .collect()
                })
                .unwrap_or_default(),
            None => BUILTIN.iter().map(|(n, _)| n.to_string()).collect(),
        };
        names.sort();
        names
    }

    /// Loads a target by name (`lavapipe`: built into the binary, or from
    /// `$DRIFTC_TARGETS`) or by path to a `.toml` file.
    pub fn load(name_or_path: &str) -> Result<Self, TargetError> {
        let path = if name_or_path.ends_with(".toml") {
            PathBuf::from(name_or_path)
        } else {
            if !name_or_path.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                return Err(TargetError::Unknown { name: name_or_path.into(), known: Self::known().join(", ") });
            }
            match Self::dir() {
                Some(dir) => dir.join(format!("{name_or_path}.toml")),
                None => {
                    let text = BUILTIN.iter().find(|(n, _)| *n == name_or_path).map(|(_, t)| *t);
                    let text = text.ok_or_else(|| TargetError::Unknown { name: name_or_path.into(), known: Self::known().join(", ") })?;
                    return Self::from_toml(text, Path::new(&format!("targets/{name_or_path}.toml")));
                }
            }
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !name_or_path.ends_with(".toml") => {
                return Err(TargetError::Unknown { name: name_or_path.into(), known: Self::known().join(", ") })
            }
            Err(source) => return Err(TargetError::Read { path, source }),
        };
        Self::from_toml(&text, &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texture2d_storage_needs_an_opencl_target_with_images() {
        let pocl = Target::load("pocl").expect("pocl");
        assert!(pocl.with_activation_storage(StorageKind::Texture2d).is_ok());
        let e = Target::load("lavapipe").expect("lavapipe").with_activation_storage(StorageKind::Texture2d).expect_err("Vulkan");
        assert!(e.contains("OpenCL targets only") && e.contains("lavapipe"), "{e}");
        let e = pocl.with_activation_storage(StorageKind::Texture2dArray).expect_err("not implemented");
        assert!(e.contains("not implemented"), "{e}");
        let mut no_images = pocl.clone();
        no_images.features.images = false;
        assert!(no_images.with_activation_storage(StorageKind::Texture2d).is_err());
    }

    #[test]
    fn a_target_file_asking_for_unsupported_storage_is_refused() {
        let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/lavapipe.toml")).replace("activation_storage = \"buffer\"", "activation_storage = \"texture2d\"");
        let e = Target::from_toml(&text, Path::new("targets/lavapipe.toml")).expect_err("refused").to_string();
        assert!(e.contains("tuning.activation_storage") && e.contains("OpenCL targets only"), "{e}");
    }

    #[test]
    fn wgsl_only_tuning_on_an_opencl_target_is_refused_by_name() {
        let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/pocl.toml"));
        for key in ["subgroup_reductions", "attention_subgroup_reductions"] {
            let e = Target::from_toml(&text.replace("[tuning]", &format!("[tuning]\n{key} = true")), Path::new("targets/pocl.toml")).expect_err("refused").to_string();
            assert!(e.contains(&format!("tuning.{key}")) && e.contains("WGSL"), "{e}");
        }
        // Merged dispatches are OpenCL C too, but PoCL miscompiles their branches' barriers.
        let merged = text.replace("[tuning]", "[tuning]\nmerge_independent_dispatches = true");
        let e = Target::from_toml(&merged, Path::new("targets/pocl.toml")).expect_err("refused").to_string();
        assert!(e.contains("tuning.merge_independent_dispatches") && e.contains("features.barriers_in_uniform_branches"), "{e}");
        let fixed = merged.replace("barriers_in_uniform_branches = false", "barriers_in_uniform_branches = true");
        assert!(Target::from_toml(&fixed, Path::new("targets/pocl.toml")).is_ok());
    }

    #[test]
    fn a_decode_unroll_other_than_1_2_4_8_or_16_is_refused_by_name() {
        let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/pocl.toml"));
        for (unroll, ok) in [(0, false), (1, true), (3, false), (4, true), (8, true), (16, true), (32, false)] {
            let r = Target::from_toml(&text.replace("[tuning]", &format!("[tuning]\nlinear_matvec_max_unroll = {unroll}")), Path::new("targets/pocl.toml"));
            assert_eq!(r.is_ok(), ok, "{unroll}");
            if let Err(e) = r {
                assert!(e.to_string().contains("tuning.linear_matvec_max_unroll"), "{e}");
            }
        }
    }
}
