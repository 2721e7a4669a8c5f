//! Per-kernel Vulkan objects (shader module, descriptor-set layout, pipeline layout,
//! compute pipeline) and the per-dispatch descriptor sets.
//!
//! Kernel code is distrusted: its language, byte range, length and SPIR-V magic are checked
//! (as ash's `util::read_spv` does) before `vkCreateShaderModule` sees it. Each kernel's
//! set 0 holds `bindings.len()` storage buffers, binding i = `bindings[i]`; its push-constant
//! range is `push_constant_bytes` at offset 0. Each dispatch gets its own descriptor set,
//! written once with (pool buffer, offset, size).

use super::context::Context;
use super::memory::Allocation;
use crate::bundle::{BundleError, Kernel, KernelLanguage, Program};
use crate::error::{Error, Result};
use ash::vk;

const SPIRV_MAGIC: u32 = 0x0723_0203;

fn invalid(field: String, message: impl Into<String>) -> Error {
    Error::Bundle(BundleError::Invalid { field, message: message.into() })
}

/// The Vulkan objects of one kernel; null handles until created.
#[derive(Default)]
pub(crate) struct KernelObjects {
    pub(crate) module: vk::ShaderModule,
    pub(crate) set_layout: vk::DescriptorSetLayout,
    pub(crate) pipeline_layout: vk::PipelineLayout,
    pub(crate) pipeline: vk::Pipeline,
    /// The driver's compile statistics of the pipeline, (name, value), when the context
    /// captures them (`Context::executable_properties`).
    pub(crate) statistics: Vec<(String, String)>,
}

impl KernelObjects {
    /// # Safety
    /// The GPU must no longer use these objects; `device` created them.
    pub(crate) unsafe fn destroy(&mut self, device: &ash::Device) {
        // SAFETY: per the contract; destroying null handles is a no-op in Vulkan.
        unsafe {
            device.destroy_pipeline(self.pipeline, None);
            device.destroy_pipeline_layout(self.pipeline_layout, None);
            device.destroy_descriptor_set_layout(self.set_layout, None);
            device.destroy_shader_module(self.module, None);
        }
        *self = KernelObjects::default();
    }
}

/// Checks kernel `i` against what Vulkan and this device accept, before any object exists.
pub(crate) fn check_kernel(ctx: &Context, i: usize, k: &Kernel) -> Result<()> {
    let f = format!("kernels[{i}] '{}'", k.name);
    if k.language != KernelLanguage::Spirv {
        return Err(invalid(format!("{f}.language"), format!("{:?} code cannot run on Vulkan; the bundle must hold SPIR-V", k.language)));
    }
    if k.co_resident {
        return Err(invalid(format!("{f}.co_resident"), "its workgroups wait on one another, and Vulkan gives no way to show they are all resident at once; compile it for an OpenCL target".to_string()));
    }
    if !k.push_constant_bytes.is_multiple_of(4) {
        return Err(invalid(format!("{f}.push_constant_bytes"), format!("{} is not a multiple of 4, as Vulkan requires", k.push_constant_bytes)));
    }
    let bindings = u32::try_from(k.bindings.len()).unwrap_or(u32::MAX);
    if bindings > ctx.max_storage_buffers_per_set {
        return Err(invalid(format!("{f}.bindings"), format!("{bindings} storage buffers exceeds the device limit {}", ctx.max_storage_buffers_per_set)));
    }
    if k.entry.as_bytes().contains(&0) {
        return Err(invalid(format!("{f}.entry"), "contains a NUL byte"));
    }
    Ok(())
}

/// The SPIR-V words of kernel `i`, checked for length and magic.
pub(crate) fn spirv_words(kernels_section: &[u8], i: usize, k: &Kernel) -> Result<Vec<u32>> {
    let f = format!("kernels[{i}] '{}'.code", k.name);
    let start = usize::try_from(k.code.offset).ok();
    let end = k.code.offset.checked_add(k.code.len).and_then(|e| usize::try_from(e).ok());
    let bytes = match (start, end) {
        (Some(s), Some(e)) => kernels_section.get(s..e),
        _ => None,
    }
    .ok_or_else(|| invalid(f.clone(), "byte range lies outside the kernels section"))?;
    if bytes.len() % 4 != 0 || bytes.len() < 20 {
        return Err(invalid(f, format!("{} bytes is not a SPIR-V module (needs a multiple of 4, at least 20)", bytes.len())));
    }
    let words: Vec<u32> = bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    match words.first() {
        Some(&SPIRV_MAGIC) => Ok(words),
        Some(&w) if w == SPIRV_MAGIC.swap_bytes() => Err(invalid(f, "big-endian SPIR-V; bundles store little-endian words")),
        Some(&w) => Err(invalid(f, format!("missing SPIR-V magic 0x07230203 (found {w:#010x})"))),
        None => Err(invalid(f, "empty")),
    }
}

/// The compile statistics of every executable of `pipeline` (created with
/// CAPTURE_STATISTICS), as (name, value) text; empty when the driver reports none or a
/// query fails (they are diagnostics, never needed to run).
fn statistics(ext: &ash::khr::pipeline_executable_properties::Device, pipeline: vk::Pipeline) -> Vec<(String, String)> {
    let text = |c: Result<&std::ffi::CStr, std::ffi::FromBytesUntilNulError>| c.map_or_else(|_| "?".to_string(), |c| c.to_string_lossy().into_owned());
    let info = vk::PipelineInfoKHR::default().pipeline(pipeline);
    // SAFETY: `pipeline` is valid and was created with CAPTURE_STATISTICS on a device with
    // the extension's feature enabled.
    let Ok(executables) = (unsafe { ext.get_pipeline_executable_properties(&info) }) else { return Vec::new() };
    let mut out = Vec::new();
    for (i, e) in executables.iter().enumerate() {
        let Ok(index) = u32::try_from(i) else { break };
        let info = vk::PipelineExecutableInfoKHR::default().pipeline(pipeline).executable_index(index);
        // SAFETY: as above; `index` is below the executable count just returned.
        let Ok(stats) = (unsafe { ext.get_pipeline_executable_statistics(&info) }) else { continue };
        let prefix = if executables.len() > 1 { format!("{}: ", text(e.name_as_c_str())) } else { String::new() };
        for st in &stats {
            // SAFETY: `format` says which member of the union the driver wrote.
            let value = unsafe {
                match st.format {
                    vk::PipelineExecutableStatisticFormatKHR::BOOL32 => (st.value.b32 == vk::TRUE).to_string(),
                    vk::PipelineExecutableStatisticFormatKHR::INT64 => st.value.i64.to_string(),
                    vk::PipelineExecutableStatisticFormatKHR::UINT64 => st.value.u64.to_string(),
                    vk::PipelineExecutableStatisticFormatKHR::FLOAT64 => st.value.f64.to_string(),
                    _ => "?".to_string(),
                }
            };
            out.push((format!("{prefix}{}", text(st.name_as_c_str())), value));
        }
    }
    out
}

/// Creates kernel `k`'s objects into `out` (already pushed into the executor, so whatever
/// exists when an error returns is destroyed by its `Drop`).
pub(crate) fn create_kernel(ctx: &Context, words: &[u32], k: &Kernel, out: &mut KernelObjects) -> Result<()> {
    let d = &ctx.device;
    let info = vk::ShaderModuleCreateInfo::default().code(words);
    // SAFETY: `words` is a whole number of SPIR-V words starting with the magic number.
    out.module = unsafe { d.create_shader_module(&info, None) }.map_err(|e| Error::vk("vkCreateShaderModule", e))?;
    let bindings: Vec<vk::DescriptorSetLayoutBinding> = (0..k.bindings.len())
        .map(|i| {
            vk::DescriptorSetLayoutBinding::default()
                .binding(u32::try_from(i).unwrap_or(u32::MAX))
                .descriptor_type(vk::DescriptorType::STORAGE_BUFFER)
                .descriptor_count(1)
                .stage_flags(vk::ShaderStageFlags::COMPUTE)
        })
        .collect();
    let info = vk::DescriptorSetLayoutCreateInfo::default().bindings(&bindings);
    // SAFETY: `info` and `bindings` are valid for the call.
    out.set_layout = unsafe { d.create_descriptor_set_layout(&info, None) }.map_err(|e| Error::vk("vkCreateDescriptorSetLayout", e))?;
    let set_layouts = [out.set_layout];
    let ranges = [vk::PushConstantRange::default()
        .stage_flags(vk::ShaderStageFlags::COMPUTE)
        .offset(0)
        .size(k.push_constant_bytes)];
    let mut info = vk::PipelineLayoutCreateInfo::default().set_layouts(&set_layouts);
    if k.push_constant_bytes > 0 {
        info = info.push_constant_ranges(&ranges);
    }
    // SAFETY: the set layout is valid; the push-constant size is a non-zero multiple of 4
    // within the device limit (checked by `check_kernel` and the verifier).
    out.pipeline_layout = unsafe { d.create_pipeline_layout(&info, None) }.map_err(|e| Error::vk("vkCreatePipelineLayout", e))?;
    let entry = std::ffi::CString::new(k.entry.as_str()).map_err(|_| invalid(format!("kernel '{}'.entry", k.name), "contains a NUL byte"))?;
    let stage = vk::PipelineShaderStageCreateInfo::default()
        .stage(vk::ShaderStageFlags::COMPUTE)
        .module(out.module)
        .name(&entry);
    let flags = if ctx.executable_properties.is_some() { vk::PipelineCreateFlags::CAPTURE_STATISTICS_KHR } else { vk::PipelineCreateFlags::empty() };
    let infos = [vk::ComputePipelineCreateInfo::default().flags(flags).stage(stage).layout(out.pipeline_layout)];
    // SAFETY: module, entry name and layout are valid for the call; CAPTURE_STATISTICS only
    // with the extension's feature enabled on the device.
    match unsafe { d.create_compute_pipelines(vk::PipelineCache::null(), &infos, None) } {
        Ok(p) => {
            out.pipeline = p.first().copied().unwrap_or_default();
            if let Some(ext) = &ctx.executable_properties {
                out.statistics = statistics(ext, out.pipeline);
            }
            Ok(())
        }
        Err((partial, e)) => {
            for p in partial {
                // SAFETY: a pipeline returned by a failed batch call is null or valid, unused.
                unsafe { d.destroy_pipeline(p, None) };
            }
            Err(Error::vk("vkCreateComputePipelines", e))
        }
    }
}

/// Creates a descriptor pool big enough for one set per dispatch of every program.
pub(crate) fn create_descriptor_pool(ctx: &Context, kernels: &[Kernel], programs: &[Program]) -> Result<vk::DescriptorPool> {
    let dispatches = programs.iter().flat_map(|p| p.dispatches.iter());
    let (sets, buffers) = dispatches.fold((0u64, 0u64), |(s, b), d| {
        let n = kernels.get(d.kernel as usize).map_or(0, |k| k.bindings.len() as u64);
        (s + 1, b + n)
    });
    let too_many = |what: &str| Error::Unsupported { what: format!("{what} descriptors exceed 2^32") };
    let sets = u32::try_from(sets.max(1)).map_err(|_| too_many("descriptor set"))?;
    let buffers = u32::try_from(buffers.max(1)).map_err(|_| too_many("storage buffer"))?;
    let sizes = [vk::DescriptorPoolSize::default().ty(vk::DescriptorType::STORAGE_BUFFER).descriptor_count(buffers)];
    let info = vk::DescriptorPoolCreateInfo::default().max_sets(sets).pool_sizes(&sizes);
    // SAFETY: `info` and `sizes` are valid for the call.
    unsafe { ctx.device.create_descriptor_pool(&info, None) }.map_err(|e| Error::vk("vkCreateDescriptorPool", e))
}

/// Allocates and writes one descriptor set per dispatch of `program`.
pub(crate) fn write_sets(ctx: &Context, pool: vk::DescriptorPool, kernels: &[KernelObjects], program: &Program, pools: &[Allocation]) -> Result<Vec<vk::DescriptorSet>> {
    let mut sets = Vec::with_capacity(program.dispatches.len());
    for d in &program.dispatches {
        let k = kernels.get(d.kernel as usize).ok_or_else(|| invalid(format!("dispatch '{}'.kernel", d.label), "out of range"))?;
        let layouts = [k.set_layout];
        let info = vk::DescriptorSetAllocateInfo::default().descriptor_pool(pool).set_layouts(&layouts);
        // SAFETY: the pool was sized for one set per dispatch; the layout is valid.
        let set = unsafe { ctx.device.allocate_descriptor_sets(&info) }
            .map_err(|e| Error::vk("vkAllocateDescriptorSets", e))?
            .first()
            .copied()
            .unwrap_or_default();
        let mut infos = Vec::with_capacity(d.bindings.len());
        for b in &d.bindings {
            let buffer = pools.get(b.pool as usize).map_or(vk::Buffer::null(), |a| a.buffer);
            if buffer == vk::Buffer::null() {
                return Err(invalid(format!("dispatch '{}'.bindings", d.label), format!("pool {} has no buffer", b.pool)));
            }
            infos.push([vk::DescriptorBufferInfo::default().buffer(buffer).offset(b.offset).range(b.size)]);
        }
        let writes: Vec<vk::WriteDescriptorSet> = infos
            .iter()
            .enumerate()
            .map(|(i, info)| {
                vk::WriteDescriptorSet::default()
                    .dst_set(set)
                    .dst_binding(u32::try_from(i).unwrap_or(u32::MAX))
                    .descriptor_type(vk::DescriptorType::STORAGE_BUFFER)
                    .buffer_info(info)
            })
            .collect();
        // SAFETY: every range lies inside its pool buffer, is within maxStorageBufferRange and
        // aligned to minStorageBufferOffsetAlignment (checked by the verifier with this
        // device's limits); `set` is freshly allocated and not in use.
        unsafe { ctx.device.update_descriptor_sets(&writes, &[]) };
        sets.push(set);
    }
    Ok(sets)
}
