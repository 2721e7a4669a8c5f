//! Checks every index, range, grid and requirement in a manifest against the bundle's
//! sections and, when given, the device's limits. Runs before any GPU call.

use super::{BundleError, ElemType, Layout, Manifest, PoolRole, StorageKind, WEIGHTS_ALIGN};
use crate::bundle::KernelLanguage;

/// Most entries of each kind a manifest may declare (defence against huge allocations).
const MAX_ENTRIES: usize = 1 << 20;
/// Most bindings of one kernel.
const MAX_BINDINGS: usize = 64;
/// Most push-constant bytes of one dispatch.
const MAX_PUSH_CONSTANTS: usize = 4096;

/// What the device offers; filled by a backend from its API's limits and features.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLimits {
    pub max_storage_buffer_range: u64,
    pub max_workgroup_invocations: u32,
    pub max_workgroup_size: [u32; 3],
    pub max_workgroup_count: [u32; 3],
    pub max_push_constants_size: u32,
    pub max_shared_memory_bytes: u32,
    pub min_storage_buffer_offset_alignment: u64,
    pub fp16: bool,
    pub int8_dot: bool,
    /// 16 × 16 × 16 f16 × f16 + f32 cooperative matrices at subgroup scope, supported (a
    /// session enables them when its bundle requires them).
    pub cooperative_matrix: bool,
    /// 0 when unknown.
    pub subgroup_size: u32,
    /// Subgroup arithmetic, shuffle and vote operations in compute shaders.
    pub subgroup_arithmetic: bool,
    /// Device memory the runtime may allocate, bytes; 0 when unknown.
    pub memory_bytes: u64,
    /// Largest 2D image the backend can create and bind, texels (OpenCL
    /// CL_DEVICE_IMAGE2D_MAX_WIDTH / _HEIGHT); [0, 0] when it binds no images (no
    /// CL_DEVICE_IMAGE_SUPPORT, or the Vulkan backend, which binds buffers only).
    pub max_image2d: [u32; 2],
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> BundleError {
    BundleError::invalid(field, message)
}

fn check_count(field: &str, n: usize) -> Result<(), BundleError> {
    if n > MAX_ENTRIES {
        return Err(invalid(field, format!("{n} entries exceeds the limit of {MAX_ENTRIES}")));
    }
    Ok(())
}

fn check_range(field: &str, offset: u64, len: u64, within: u64, within_name: &str) -> Result<(), BundleError> {
    match offset.checked_add(len) {
        Some(end) if end <= within => Ok(()),
        _ => Err(invalid(field, format!("byte range {offset}+{len} lies outside {within_name} of {within} bytes"))),
    }
}

/// An image pool: a supported kind and texel type, a size that matches its geometry,
/// and, with a device, dimensions within the device's 2D-image limits.
fn check_image(f: &str, p: &super::Pool, img: &super::ImageGeometry, device: Option<&DeviceLimits>) -> Result<(), BundleError> {
    if p.role != PoolRole::Activations {
        return Err(invalid(format!("{f}.role"), "an image pool must hold activations (weights are uploaded into buffers)"));
    }
    if img.kind != StorageKind::Texture2d {
        return Err(invalid(format!("{f}.image.kind"), format!("{:?} images are not supported by this runtime (only Texture2d)", img.kind)));
    }
    if !matches!(img.elem, ElemType::F32 | ElemType::F16) {
        return Err(invalid(format!("{f}.image.elem"), format!("{:?} texels are not supported (only F32 and F16)", img.elem)));
    }
    if img.width == 0 || img.height == 0 {
        return Err(invalid(format!("{f}.image"), format!("{}x{} has a zero dimension", img.width, img.height)));
    }
    if img.bytes() != Some(p.size) {
        return Err(invalid(format!("{f}.size"), format!("{} bytes, but a {}x{} image of {:?} holds {:?}", p.size, img.width, img.height, img.elem, img.bytes())));
    }
    if let Some(d) = device {
        let [max_w, max_h] = d.max_image2d;
        if max_w == 0 || max_h == 0 {
            return Err(invalid(format!("{f}.image"), "the bundle needs 2D images, which this device (or backend) cannot bind; recompile with --storage buffer"));
        }
        if img.width > max_w {
            return Err(invalid(format!("{f}.image.width"), format!("{} exceeds the device's 2D image width {max_w}", img.width)));
        }
        if img.height > max_h {
            return Err(invalid(format!("{f}.image.height"), format!("{} exceeds the device's 2D image height {max_h}", img.height)));
        }
    }
    Ok(())
}

/// Verifies `m` against section sizes and, if given, device limits.
pub fn verify(m: &Manifest, kernels_len: u64, weights_len: u64, device: Option<&DeviceLimits>) -> Result<(), BundleError> {
    check_count("pools", m.pools.len())?;
    check_count("tensors", m.tensors.len())?;
    check_count("kernels", m.kernels.len())?;
    check_count("weights", m.weights.len())?;
    check_count("programs", m.programs.len())?;
    if let Some(dev) = device {
        check_requirements(m, dev)?;
    }
    let mut pool_total: u64 = 0;
    for (i, p) in m.pools.iter().enumerate() {
        pool_total = pool_total
            .checked_add(p.size)
            .ok_or_else(|| invalid(format!("pools[{i}].size"), "total pool size overflows"))?;
    }
    let pool = |field: &str, idx: u32| -> Result<&super::Pool, BundleError> {
        m.pools.get(idx as usize).ok_or_else(|| invalid(field, format!("pool index {idx} out of range (bundle has {} pools)", m.pools.len())))
    };
    for (i, p) in m.pools.iter().enumerate() {
        if let Some(img) = &p.image {
            check_image(&format!("pools[{i}] '{}'", p.name), p, img, device)?;
        }
    }
    for (i, t) in m.tensors.iter().enumerate() {
        let f = format!("tensors[{i}] '{}'", t.name);
        let p = pool(&format!("{f}.storage.pool"), t.storage.pool)?;
        if p.image.is_some() {
            return Err(invalid(format!("{f}.storage.pool"), format!("pool '{}' is an image; listed tensors (inputs and outputs) live in buffers", p.name)));
        }
        check_range(&format!("{f}.storage"), t.storage.offset, t.storage.size, p.size, &format!("pool '{}'", p.name))?;
        let count = t.element_count().ok_or_else(|| invalid(format!("{f}.shape"), "element count overflows"))?;
        let need = count
            .checked_mul(t.storage.elem.size())
            .ok_or_else(|| invalid(format!("{f}.shape"), "byte size overflows"))?;
        if t.storage.layout == Layout::Linear && need > t.storage.size {
            return Err(invalid(format!("{f}.storage.size"), format!("{} bytes cannot hold {count} elements of {:?}", t.storage.size, t.storage.elem)));
        }
    }
    for (field, list) in [("inputs", &m.inputs), ("outputs", &m.outputs)] {
        for (i, &t) in list.iter().enumerate() {
            let entry = m.tensors.get(t as usize).ok_or_else(|| invalid(format!("{field}[{i}]"), format!("tensor index {t} out of range")))?;
            if entry.storage.layout != Layout::Linear {
                return Err(invalid(format!("{field}[{i}] '{}'", entry.name), "graph inputs and outputs must have linear layout"));
            }
            if m.pools.get(entry.storage.pool as usize).map(|p| p.role) != Some(PoolRole::Activations) {
                return Err(invalid(format!("{field}[{i}] '{}'", entry.name), "graph inputs and outputs must live in an activations pool"));
            }
        }
    }
    for (i, w) in m.weights.iter().enumerate() {
        let f = format!("weights[{i}]");
        check_range(&format!("{f}.data"), w.data.offset, w.data.len, weights_len, "the weights section")?;
        if w.data.offset % WEIGHTS_ALIGN != 0 {
            return Err(invalid(format!("{f}.data.offset"), format!("{} is not {WEIGHTS_ALIGN}-byte aligned", w.data.offset)));
        }
        let p = pool(&format!("{f}.pool"), w.pool)?;
        if p.role != PoolRole::Weights {
            return Err(invalid(format!("{f}.pool"), format!("pool '{}' is not a weights pool", p.name)));
        }
        check_range(&f, w.pool_offset, w.data.len, p.size, &format!("pool '{}'", p.name))?;
    }
    for (i, k) in m.kernels.iter().enumerate() {
        let f = format!("kernels[{i}] '{}'", k.name);
        check_range(&format!("{f}.code"), k.code.offset, k.code.len, kernels_len, "the kernels section")?;
        if k.bindings.len() > MAX_BINDINGS {
            return Err(invalid(format!("{f}.bindings"), format!("{} bindings exceeds {MAX_BINDINGS}", k.bindings.len())));
        }
        if k.language == KernelLanguage::Spirv && (k.code.len % 4 != 0 || k.code.len < 20) {
            return Err(invalid(format!("{f}.code"), format!("{} bytes is not a SPIR-V module (needs a multiple of 4, at least 20)", k.code.len)));
        }
        let invocations = k.workgroup_size.iter().try_fold(1u64, |a, &d| a.checked_mul(d as u64)).unwrap_or(u64::MAX);
        if invocations == 0 {
            return Err(invalid(format!("{f}.workgroup_size"), "has a zero dimension"));
        }
        if let Some(d) = device {
            if invocations > d.max_workgroup_invocations as u64 {
                return Err(invalid(format!("{f}.workgroup_size"), format!("{invocations} invocations exceeds the device limit {}", d.max_workgroup_invocations)));
            }
            for axis in 0..3 {
                if k.workgroup_size[axis] > d.max_workgroup_size[axis] {
                    return Err(invalid(format!("{f}.workgroup_size[{axis}]"), format!("{} exceeds the device limit {}", k.workgroup_size[axis], d.max_workgroup_size[axis])));
                }
            }
            if k.shared_memory_bytes > d.max_shared_memory_bytes {
                return Err(invalid(format!("{f}.shared_memory_bytes"), format!("{} exceeds the device limit {}", k.shared_memory_bytes, d.max_shared_memory_bytes)));
            }
            if k.push_constant_bytes > d.max_push_constants_size {
                return Err(invalid(format!("{f}.push_constant_bytes"), format!("{} exceeds the device limit {}", k.push_constant_bytes, d.max_push_constants_size)));
            }
        }
    }
    for (pi, prog) in m.programs.iter().enumerate() {
        check_count(&format!("programs[{pi}].dispatches"), prog.dispatches.len())?;
        for (field, list, len) in [("inputs", &prog.inputs, m.inputs.len()), ("outputs", &prog.outputs, m.outputs.len())] {
            check_count(&format!("programs[{pi}].{field}"), list.len())?;
            for (i, &x) in list.iter().enumerate() {
                if x as usize >= len {
                    return Err(invalid(format!("programs[{pi}] '{}'.{field}[{i}]", prog.name), format!("position {x} out of range (bundle has {len} {field})")));
                }
            }
        }
        for (di, d) in prog.dispatches.iter().enumerate() {
            let f = format!("programs[{pi}].dispatches[{di}] '{}'", d.label);
            let k = m.kernels.get(d.kernel as usize).ok_or_else(|| invalid(format!("{f}.kernel"), format!("kernel index {} out of range", d.kernel)))?;
            if d.bindings.len() != k.bindings.len() {
                return Err(invalid(format!("{f}.bindings"), format!("{} bindings but kernel '{}' declares {}", d.bindings.len(), k.name, k.bindings.len())));
            }
            if d.push_constants.len() > MAX_PUSH_CONSTANTS || d.push_constants.len() as u64 != k.push_constant_bytes as u64 {
                return Err(invalid(format!("{f}.push_constants"), format!("{} bytes but kernel '{}' declares {}", d.push_constants.len(), k.name, k.push_constant_bytes)));
            }
            for (bi, b) in d.bindings.iter().enumerate() {
                let bf = format!("{f}.bindings[{bi}]");
                let p = pool(&format!("{bf}.pool"), b.pool)?;
                check_range(&bf, b.offset, b.size, p.size, &format!("pool '{}'", p.name))?;
                if p.image.is_some() {
                    // An image is bound whole; range, alignment and binding limits are the
                    // image's own, checked with the pool.
                    if b.offset != 0 || b.size != p.size {
                        return Err(invalid(bf, format!("binds {}+{} of image pool '{}'; an image is bound whole (0+{})", b.offset, b.size, p.name, p.size)));
                    }
                    continue;
                }
                if b.size == 0 {
                    return Err(invalid(bf, "binding of zero bytes"));
                }
                if p.role == PoolRole::Weights && k.bindings.get(bi) == Some(&super::Access::ReadWrite) {
                    return Err(invalid(bf, format!("kernel '{}' would write the weights pool '{}'", k.name, p.name)));
                }
                if let Some(dev) = device {
                    if b.size > dev.max_storage_buffer_range {
                        return Err(invalid(bf, format!("{} bytes exceeds the device's storage-binding limit {}", b.size, dev.max_storage_buffer_range)));
                    }
                    if dev.min_storage_buffer_offset_alignment > 0 && b.offset % dev.min_storage_buffer_offset_alignment != 0 {
                        return Err(invalid(bf, format!("offset {} is not a multiple of the device's alignment {}", b.offset, dev.min_storage_buffer_offset_alignment)));
                    }
                }
            }
            if let Some(a) = d.side_after {
                check_side(m, prog, di, a, &f)?;
            }
            if d.grid.contains(&0) {
                return Err(invalid(format!("{f}.grid"), format!("{:?} has a zero dimension", d.grid)));
            }
            if let Some(dev) = device {
                for axis in 0..3 {
                    if d.grid[axis] > dev.max_workgroup_count[axis] {
                        return Err(invalid(format!("{f}.grid[{axis}]"), format!("{} exceeds the device limit {}", d.grid[axis], dev.max_workgroup_count[axis])));
                    }
                }
            }
        }
    }
    if let Some(llm) = &m.llm {
        verify_llm(m, llm)?;
    }
    if let Some(dev) = device {
        if dev.memory_bytes != 0 && pool_total > dev.memory_bytes {
            return Err(invalid("pools", format!("{pool_total} bytes of pools exceeds the device memory {}", dev.memory_bytes)));
        }
    }
    Ok(())
}

/// A dispatch that may run beside others (`Dispatch::side_after` = `a`, at `di`): `a` lies
/// before it, it reads only the weights pool, and none of the dispatches from `a` up to
/// it touches memory it writes (what runs beside it may not race it).
fn check_side(m: &Manifest, prog: &super::Program, di: usize, a: u32, f: &str) -> Result<(), BundleError> {
    let field = format!("{f}.side_after");
    if a as usize >= di {
        return Err(invalid(field, format!("{a} is not before the dispatch's own index {di}")));
    }
    let Some(d) = prog.dispatches.get(di) else {
        return Err(invalid(field, "dispatch out of range"));
    };
    let k = m.kernels.get(d.kernel as usize).ok_or_else(|| invalid(format!("{f}.kernel"), "kernel index out of range"))?;
    for (bi, b) in d.bindings.iter().enumerate() {
        let role = m.pools.get(b.pool as usize).map(|p| p.role);
        if k.bindings.get(bi) == Some(&super::Access::Read) && role != Some(PoolRole::Weights) {
            return Err(invalid(format!("{f}.bindings[{bi}]"), "a dispatch run beside others reads only the weights pool"));
        }
    }
    let written = d.written(&m.kernels);
    for (ci, c) in prog.dispatches.iter().enumerate().take(di).skip(a as usize) {
        if c.bindings.iter().any(|b| written.iter().any(|w| b.overlaps(w))) {
            return Err(invalid(field, format!("dispatch {ci} '{}', which may run beside it, binds memory it writes", c.label)));
        }
    }
    Ok(())
}

/// The features the bundle requires against the device's: checked before anything else
/// about the device, so a bundle for another kind of device is refused by its need, not
/// by some limit one of its kernels exceeds because of it.
fn check_requirements(m: &Manifest, dev: &DeviceLimits) -> Result<(), BundleError> {
    let r = &m.requirements;
    if r.fp16 && !dev.fp16 {
        return Err(invalid("requirements.fp16", "the bundle needs fp16 arithmetic and 16-bit storage, which this device lacks; recompile with --precision f32"));
    }
    if r.int8_dot && !dev.int8_dot {
        return Err(invalid("requirements.int8_dot", "the bundle needs int8 dot products, which this device lacks"));
    }
    if r.cooperative_matrix && !dev.cooperative_matrix {
        return Err(invalid("requirements.cooperative_matrix", "the bundle needs 16x16x16 f16 cooperative matrices with f32 sums (VK_KHR_cooperative_matrix), which this device lacks; compile for a target without them or with --precision f32"));
    }
    if r.subgroup_arithmetic && !dev.subgroup_arithmetic {
        return Err(invalid("requirements.subgroup_arithmetic", "the bundle's kernels sum, shuffle or vote across subgroups, which this device does not offer in compute shaders; compile for a target without tuning.subgroup_reductions and tuning.coop_attention_one_pass"));
    }
    if r.subgroup_size != 0 && dev.subgroup_size != 0 && r.subgroup_size != dev.subgroup_size {
        return Err(invalid("requirements.subgroup_size", format!("the bundle assumes subgroups of {}, the device has {}", r.subgroup_size, dev.subgroup_size)));
    }
    Ok(())
}

/// The LLM section names programs, inputs and outputs that exist, with the shapes
/// `Generator` relies on.
fn verify_llm(m: &Manifest, llm: &super::LlmSpec) -> Result<(), BundleError> {
    let program = |field: &str, name: &str| -> Result<usize, BundleError> {
        m.programs.iter().position(|p| p.name == name).ok_or_else(|| invalid(format!("llm.{field}"), format!("no program named '{name}'")))
    };
    let io = |field: &str, list: &[u32], name: &str, shape: &[u64]| -> Result<(), BundleError> {
        let t = list
            .iter()
            .filter_map(|&i| m.tensors.get(i as usize))
            .find(|t| t.name == name)
            .ok_or_else(|| invalid(format!("llm.{field}"), format!("no tensor named '{name}'")))?;
        if t.shape != shape {
            return Err(invalid(format!("llm.{field}"), format!("'{name}' has shape {:?}, expected {shape:?}", t.shape)));
        }
        Ok(())
    };
    if llm.prefill_tokens == 0 || llm.max_context == 0 || llm.vocab_size == 0 {
        return Err(invalid("llm", "prefill_tokens, max_context and vocab_size must be positive"));
    }
    program("prefill", &llm.prefill)?;
    program("decode", &llm.decode)?;
    program("prefill_last", &llm.prefill_last)?;
    let (t, v) = (u64::from(llm.prefill_tokens), u64::from(llm.vocab_size));
    io("prefill_ids", &m.inputs, &llm.prefill_ids, &[1, t])?;
    io("prefill_position", &m.inputs, &llm.prefill_position, &[1])?;
    io("prefill_logits", &m.outputs, &llm.prefill_logits, &[1, t, v])?;
    io("prefill_last_row", &m.inputs, &llm.prefill_last_row, &[1])?;
    io("prefill_last_logits", &m.outputs, &llm.prefill_last_logits, &[1, 1, v])?;
    io("decode_ids", &m.inputs, &llm.decode_ids, &[1, 1])?;
    io("decode_position", &m.inputs, &llm.decode_position, &[1])?;
    io("decode_logits", &m.outputs, &llm.decode_logits, &[1, 1, v])?;
    io("decode_next_id", &m.outputs, &llm.decode_next_id, &[1, 1, 1])?;
    for (i, &e) in llm.eos_token_ids.iter().enumerate() {
        if e >= llm.vocab_size {
            return Err(invalid(format!("llm.eos_token_ids[{i}]"), format!("{e} is outside the vocabulary of {}", llm.vocab_size)));
        }
    }
    Ok(())
}
