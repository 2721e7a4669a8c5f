//! Test helpers: WGSL → SPIR-V through naga, a small builder for hand-made bundles, and
//! the bundles the Vulkan tests (and `examples/tiny.bundle`) are made of.
#![allow(dead_code)]

use runtime_min::bundle::*;
use runtime_min::{Bundle, Error, Session, SessionOptions};

/// Compiles one WGSL compute kernel to SPIR-V words with deliberate naga options:
/// - push constants are `var<immediate>` (naga 30), so the validator gets IMMEDIATES, and
///   SHADER_FLOAT16 for `enable f16;` kernels;
/// - `use_storage_input_output_16: false`: lavapipe lacks StorageInputOutput16;
/// - buffer accesses unchecked (the kernels guard `i < n` themselves and the runtime
///   enables robustBufferAccess), other indexing restricted;
/// - no loop-bound counters, workgroup zeroing or division checks (GPU-NOTES: they cost
///   1.4–2× on lavapipe); no debug flags, so the words are the same in every profile.
pub fn spirv(wgsl: &str) -> Vec<u32> {
    use naga::back::spv;
    use naga::proc::{BoundsCheckPolicies, BoundsCheckPolicy};
    use naga::valid::{Capabilities, ValidationFlags, Validator};
    let module = naga::front::wgsl::parse_str(wgsl).unwrap_or_else(|e| panic!("WGSL parse error: {}", e.emit_to_string(wgsl)));
    let caps = Capabilities::IMMEDIATES | Capabilities::SHADER_FLOAT16;
    let info = Validator::new(ValidationFlags::all(), caps)
        .validate(&module)
        .unwrap_or_else(|e| panic!("WGSL validation error: {}", e.emit_to_string(wgsl)));
    let options = spv::Options {
        lang_version: (1, 3),
        flags: spv::WriterFlags::empty(),
        fake_missing_bindings: true, // use the WGSL @group/@binding numbers as they are
        bounds_check_policies: BoundsCheckPolicies {
            index: BoundsCheckPolicy::Restrict,
            buffer: BoundsCheckPolicy::Unchecked,
            image_load: BoundsCheckPolicy::Restrict,
            binding_array: BoundsCheckPolicy::Restrict,
        },
        zero_initialize_workgroup_memory: spv::ZeroInitializeWorkgroupMemoryMode::None,
        force_loop_bounding: false,
        use_storage_input_output_16: false,
        emit_int_div_checks: false,
        ..spv::Options::default()
    };
    spv::write_vec(&module, &info, &options, None).unwrap_or_else(|e| panic!("SPIR-V write error: {e}"))
}

pub fn f32_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Deterministic values in [-1, 1) (a 32-bit LCG; no rand dependency).
pub fn values(n: usize, seed: u32) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// Builds a bundle by hand: pools, tensors, kernels (WGSL compiled here), weights, dispatches.
pub struct Builder {
    pub m: Manifest,
    pub kernels: Vec<u8>,
    pub weights: Vec<u8>,
}

impl Builder {
    pub fn new(api: Api) -> Self {
        Builder {
            m: Manifest {
                target: "lavapipe".into(),
                api,
                precision: Precision::F32,
                source_model: "hand-made".into(),
                requirements: Requirements {
                    fp16: false,
                    int8_dot: false,
                    cooperative_matrix: false,
                    subgroup_size: 0,
                    subgroup_arithmetic: false,
                    max_binding_range: 0,
                    max_workgroup_invocations: 64,
                    max_shared_memory_bytes: 0,
                    max_push_constant_bytes: 4,
                    device_memory_bytes: 0,
                },
                pools: vec![],
                tensors: vec![],
                inputs: vec![],
                outputs: vec![],
                kernels: vec![],
                weights: vec![],
                programs: vec![Program { name: "main".into(), dispatches: vec![], inputs: vec![], outputs: vec![] }],
                plan: PlanReport { strategy: "by-hand".into(), naive_bytes: 0, planned_bytes: 0, lower_bound_bytes: 0 },
                llm: None,
            },
            kernels: vec![],
            weights: vec![],
        }
    }

    pub fn pool(&mut self, name: &str, role: PoolRole, size: u64) -> u32 {
        self.m.pools.push(Pool { name: name.into(), role, size, image: None });
        self.m.requirements.device_memory_bytes += size;
        self.m.plan.planned_bytes += size;
        (self.m.pools.len() - 1) as u32
    }

    /// A linear buffer tensor; returns its binding range.
    pub fn tensor(&mut self, name: &str, dtype: DType, shape: &[u64], pool: u32, offset: u64, elem: ElemType) -> BufferRange {
        let bytes = shape.iter().product::<u64>() * elem.size();
        let size = bytes.div_ceil(4) * 4;
        let storage = Storage { pool, offset, size, elem, layout: Layout::Linear, kind: StorageKind::Buffer };
        self.m.tensors.push(TensorEntry { name: name.into(), dtype, shape: shape.to_vec(), storage });
        self.m.requirements.max_binding_range = self.m.requirements.max_binding_range.max(size);
        BufferRange { pool, offset, size }
    }

    pub fn input(&mut self, name: &str, dtype: DType, shape: &[u64], pool: u32, offset: u64, elem: ElemType) -> BufferRange {
        let r = self.tensor(name, dtype, shape, pool, offset, elem);
        self.m.inputs.push((self.m.tensors.len() - 1) as u32);
        let at = (self.m.inputs.len() - 1) as u32;
        for p in &mut self.m.programs {
            p.inputs.push(at);
        }
        r
    }

    pub fn output(&mut self, name: &str, dtype: DType, shape: &[u64], pool: u32, offset: u64, elem: ElemType) -> BufferRange {
        let r = self.tensor(name, dtype, shape, pool, offset, elem);
        self.m.outputs.push((self.m.tensors.len() - 1) as u32);
        let at = (self.m.outputs.len() - 1) as u32;
        for p in &mut self.m.programs {
            p.outputs.push(at);
        }
        r
    }

    pub fn kernel_code(&mut self, name: &str, entry: &str, code: &[u8], bindings: Vec<Access>, push_constant_bytes: u32) -> u32 {
        let offset = self.kernels.len() as u64;
        self.kernels.extend_from_slice(code);
        self.m.kernels.push(Kernel {
            name: name.into(),
            language: KernelLanguage::Spirv,
            entry: entry.into(),
            code: ByteRange { offset, len: code.len() as u64 },
            workgroup_size: [64, 1, 1],
            bindings,
            push_constant_bytes,
            shared_memory_bytes: 0,
            co_resident: false,
        });
        (self.m.kernels.len() - 1) as u32
    }

    pub fn kernel(&mut self, name: &str, entry: &str, wgsl: &str, bindings: Vec<Access>, push_constant_bytes: u32) -> u32 {
        let code: Vec<u8> = spirv(wgsl).iter().flat_map(|w| w.to_le_bytes()).collect();
        self.kernel_code(name, entry, &code, bindings, push_constant_bytes)
    }

    /// Appends `data` to the weights section (256-aligned) and uploads it to `pool` at `pool_offset`.
    pub fn weight(&mut self, pool: u32, pool_offset: u64, data: &[u8]) {
        let offset = align_up(self.weights.len() as u64, WEIGHTS_ALIGN);
        self.weights.resize(offset as usize, 0);
        self.weights.extend_from_slice(data);
        self.m.weights.push(WeightUpload { pool, pool_offset, data: ByteRange { offset, len: data.len() as u64 } });
    }

    pub fn dispatch(&mut self, kernel: u32, label: &str, bindings: Vec<BufferRange>, grid: [u32; 3], push_constants: Vec<u8>, barrier_before: bool) {
        self.m.programs[0].dispatches.push(Dispatch { kernel, label: label.into(), bindings, grid, push_constants, barrier_before, side_after: None });
    }

    pub fn build(&self) -> Vec<u8> {
        write(&self.m, &self.kernels, &self.weights).expect("bundle::write")
    }
}

pub const WG: u32 = 64;

pub fn grid_for(n: u32) -> [u32; 3] {
    [n.div_ceil(WG), 1, 1]
}

const MUL_F32: &str = r#"
struct Params { n: u32 }
var<immediate> params: Params;
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> t: array<f32>;
@compute @workgroup_size(64)
fn mul_f32(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n) { return; }
    t[i] = a[i] * x[i];
}
"#;

const ADD_F32: &str = r#"
struct Params { n: u32 }
var<immediate> params: Params;
@group(0) @binding(0) var<storage, read> t: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn add_f32(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n) { return; }
    y[i] = t[i] + b[i];
}
"#;

/// Length of the y = a*x + b case: not a multiple of the workgroup size.
pub const AXPB_N: u32 = 1000;

/// Case (a): y = a*x + b as two kernels with a barrier between them; `a`, `b` in a weights
/// pool, `x`, `t`, `y` in an activations pool at non-zero offsets. Returns (builder, a, b).
pub fn axpb() -> (Builder, Vec<f32>, Vec<f32>) {
    let n = AXPB_N;
    let n64 = u64::from(n);
    let (a, b) = (values(n as usize, 1), values(n as usize, 2));
    let mut bld = Builder::new(Api::Vulkan);
    let wp = bld.pool("weights", PoolRole::Weights, 8192);
    let ap = bld.pool("activations", PoolRole::Activations, 12544);
    let ra = bld.tensor("a", DType::F32, &[n64], wp, 0, ElemType::F32);
    let rb = bld.tensor("b", DType::F32, &[n64], wp, 4096, ElemType::F32);
    bld.weight(wp, 0, &f32_bytes(&a));
    bld.weight(wp, 4096, &f32_bytes(&b));
    let rx = bld.input("x", DType::F32, &[n64], ap, 256, ElemType::F32);
    let rt = bld.tensor("t", DType::F32, &[n64], ap, 4352, ElemType::F32);
    let ry = bld.output("y", DType::F32, &[n64], ap, 8448, ElemType::F32);
    let (r, rw) = (Access::Read, Access::ReadWrite);
    let k_mul = bld.kernel("mul_f32", "mul_f32", MUL_F32, vec![r, r, rw], 4);
    let k_add = bld.kernel("add_f32", "add_f32", ADD_F32, vec![r, r, rw], 4);
    let push = n.to_le_bytes().to_vec();
    bld.dispatch(k_mul, "t = a * x", vec![ra, rx, rt], grid_for(n), push.clone(), false);
    bld.dispatch(k_add, "y = t + b", vec![rt, rb, ry], grid_for(n), push, true);
    (bld, a, b)
}

pub fn axpb_reference(a: &[f32], x: &[f32], b: &[f32]) -> Vec<f32> {
    a.iter().zip(x).zip(b).map(|((a, x), b)| a * x + b).collect()
}

const AFFINE_F16: &str = r#"
enable f16;
struct Params { n: u32 }
var<immediate> params: Params;
@group(0) @binding(0) var<storage, read> x: array<f16>;
@group(0) @binding(1) var<storage, read_write> y: array<f16>;
@compute @workgroup_size(64)
fn affine_f16(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n) { return; }
    y[i] = x[i] * 0.5h + 0.25h;
}
"#;

/// Case (b): y = 0.5 x + 0.25 on f16 storage, with f32 host input and output.
pub fn affine_f16(n: u32) -> Builder {
    let n64 = u64::from(n);
    let mut bld = Builder::new(Api::Vulkan);
    bld.m.precision = Precision::F16;
    bld.m.requirements.fp16 = true;
    let ap = bld.pool("activations", PoolRole::Activations, 4096);
    let rx = bld.input("x", DType::F32, &[1, n64], ap, 0, ElemType::F16);
    let ry = bld.output("y", DType::F32, &[1, n64], ap, 2048, ElemType::F16);
    let k = bld.kernel("affine_f16", "affine_f16", AFFINE_F16, vec![Access::Read, Access::ReadWrite], 4);
    bld.dispatch(k, "y = 0.5x + 0.25", vec![rx, ry], grid_for(n), n.to_le_bytes().to_vec(), false);
    bld
}

const AFFINE_I32: &str = r#"
struct Params { n: u32 }
var<immediate> params: Params;
@group(0) @binding(0) var<storage, read> x: array<i32>;
@group(0) @binding(1) var<storage, read_write> y: array<i32>;
@compute @workgroup_size(64)
fn affine_i32(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n) { return; }
    y[i] = x[i] * 3 - 1;
}
"#;

/// Case (c): y = 3x - 1 on i32 storage, with i64 host input and output.
pub fn affine_i32(n: u32) -> Builder {
    let n64 = u64::from(n);
    let mut bld = Builder::new(Api::Vulkan);
    let ap = bld.pool("activations", PoolRole::Activations, 2 * 256 * n64.div_ceil(64));
    let half = 256 * n64.div_ceil(64);
    let rx = bld.input("ids", DType::I64, &[n64], ap, 0, ElemType::I32);
    let ry = bld.output("y", DType::I64, &[n64], ap, half, ElemType::I32);
    let k = bld.kernel("affine_i32", "affine_i32", AFFINE_I32, vec![Access::Read, Access::ReadWrite], 4);
    bld.dispatch(k, "y = 3x - 1", vec![rx, ry], grid_for(n), n.to_le_bytes().to_vec(), false);
    bld
}

/// Creates a session, failing the test with a clear message when Vulkan is missing:
/// these tests must run on lavapipe (CI installs mesa-vulkan-drivers), never skip.
pub fn session_with(bundle: &Bundle, options: &SessionOptions) -> Session {
    match Session::new(bundle, options) {
        Ok(s) => s,
        Err(e @ Error::NoDevice { .. }) => panic!(
            "Vulkan is not usable here ({e}). These tests need a Vulkan driver; on Debian: \
             apt-get install libvulkan1 mesa-vulkan-drivers (lavapipe)"
        ),
        Err(e) => panic!("Session::new failed: {e}"),
    }
}

pub fn session(bundle: &Bundle) -> Session {
    session_with(bundle, &SessionOptions::default())
}

const COPY_I32: &str = r#"
@group(0) @binding(0) var<storage, read> w: array<i32>;
@group(0) @binding(1) var<storage, read_write> y: array<i32>;
@compute @workgroup_size(64)
fn copy_i32(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= arrayLength(&y)) { return; }
    y[i] = w[i];
}
"#;

/// Start, in i32 words, of the weights window that [`big_weights`] copies out.
pub const BIG_WINDOW_WORD: u64 = ((64 << 20) - 4096) / 4;
pub const BIG_WINDOW_WORDS: u64 = 2048;

/// More than 64 MiB of weights (word i holds i), uploaded as two ranges, so the staging
/// path needs several batches; one kernel copies a window straddling the 64 MiB mark.
pub fn big_weights() -> Builder {
    let pool_size: u64 = (64 << 20) + 8192;
    let split: u64 = 40 << 20;
    let mut bld = Builder::new(Api::Vulkan);
    let wp = bld.pool("weights", PoolRole::Weights, pool_size);
    let ap = bld.pool("activations", PoolRole::Activations, BIG_WINDOW_WORDS * 4);
    let words = |from: u64, to: u64| -> Vec<u8> { (from / 4..to / 4).flat_map(|i| (i as i32).to_le_bytes()).collect() };
    bld.weight(wp, 0, &words(0, split));
    bld.weight(wp, split, &words(split, pool_size));
    let window = BufferRange { pool: wp, offset: BIG_WINDOW_WORD * 4, size: BIG_WINDOW_WORDS * 4 };
    let ry = bld.output("y", DType::I32, &[BIG_WINDOW_WORDS], ap, 0, ElemType::I32);
    let k = bld.kernel("copy_i32", "copy_i32", COPY_I32, vec![Access::Read, Access::ReadWrite], 0);
    bld.dispatch(k, "y = w[window]", vec![window, ry], grid_for(BIG_WINDOW_WORDS as u32), vec![], false);
    bld
}
