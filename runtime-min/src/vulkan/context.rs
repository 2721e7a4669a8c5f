//! Vulkan instance, physical-device choice, logical device and compute queue, plus the
//! device's limits as [`DeviceLimits`] for the bundle verifier.
//!
//! Invariants: the `ash::Entry` (the loaded Vulkan library) outlives the instance, the
//! instance outlives the device, and `Drop` waits for the device to go idle before
//! destroying the device and then the instance. Vulkan is loaded at run time
//! (`Entry::load`), so a machine without it gets [`Error::NoDevice`], not a link failure.

use crate::bundle::{DeviceLimits, Requirements};
use crate::error::{Error, Result};
use ash::vk;

fn no_device(reason: impl Into<String>) -> Error {
    Error::NoDevice { api: "Vulkan".into(), reason: reason.into() }
}

/// What one physical device offers, read before the logical device exists.
struct Candidate {
    physical: vk::PhysicalDevice,
    name: String,
    kind: vk::PhysicalDeviceType,
    api_version: u32,
    queue_family: u32,
    timestamp_valid_bits: u32,
}

/// Optional features, as the device reports them.
#[derive(Default, Clone, Copy)]
struct Features {
    robust_buffer_access: bool,
    shader_float16: bool,
    storage_16bit: bool,
    uniform_storage_16bit: bool,
    shader_int8: bool,
    storage_8bit: bool,
    integer_dot: bool,
    /// VK_KHR_cooperative_matrix with its feature, the Vulkan memory model its SPIR-V
    /// declares, and the 16 × 16 × 16 f16 × f16 + f32 shape at subgroup scope.
    cooperative_matrix: bool,
    /// vulkanMemoryModelDeviceScope (device-scope barriers in modules on that model).
    memory_model_device_scope: bool,
    /// VK_KHR_pipeline_executable_properties with pipelineExecutableInfo (compile
    /// statistics of each pipeline: registers, spills, as the driver reports them).
    executable_statistics: bool,
}

pub(crate) struct Context {
    /// Kept alive until the instance is destroyed (the library must stay loaded).
    _entry: ash::Entry,
    instance: ash::Instance,
    pub(crate) device: ash::Device,
    pub(crate) queue: vk::Queue,
    pub(crate) queue_family: u32,
    pub(crate) name: String,
    pub(crate) limits: DeviceLimits,
    pub(crate) memory: vk::PhysicalDeviceMemoryProperties,
    /// 0 when the queue cannot write timestamps.
    pub(crate) timestamp_valid_bits: u32,
    pub(crate) timestamp_period_ns: f32,
    pub(crate) max_allocation_bytes: u64,
    /// min(maxPerStageDescriptorStorageBuffers, maxDescriptorSetStorageBuffers).
    pub(crate) max_storage_buffers_per_set: u32,
    /// Present when statistics were asked for and the device offers them: pipelines are
    /// then created with CAPTURE_STATISTICS and read back through it.
    pub(crate) executable_properties: Option<ash::khr::pipeline_executable_properties::Device>,
}

impl Context {
    /// Loads Vulkan, picks a device (`device_index`, else the first discrete GPU, else the
    /// first integrated GPU, else the first device with a compute queue), and creates a
    /// logical device enabling the optional features `req` needs and the device has.
    /// `statistics`: also enable VK_KHR_pipeline_executable_properties where the device
    /// has it (see [`Context::executable_properties`]). `robust`: enable robustBufferAccess
    /// where the device offers it.
    pub(crate) fn new(device_index: Option<usize>, req: &Requirements, statistics: bool, robust: bool) -> Result<Self> {
        // SAFETY: loading the Vulkan library runs its initialisers; we load the system's
        // Vulkan loader (libvulkan.so.1), which is designed to be loaded this way.
        let entry = unsafe { ash::Entry::load() }
            .map_err(|e| no_device(format!("cannot load the Vulkan library: {e} (install a Vulkan loader and driver, e.g. libvulkan1 and mesa-vulkan-drivers)")))?;
        // SAFETY: `entry` holds valid loader entry points.
        let loader_version = unsafe { entry.try_enumerate_instance_version() }
            .map_err(|e| Error::vk("vkEnumerateInstanceVersion", e))?
            .unwrap_or(vk::API_VERSION_1_0);
        if loader_version < vk::API_VERSION_1_1 {
            return Err(no_device("the Vulkan loader supports only Vulkan 1.0; 1.1 or later is needed"));
        }
        let api_version = loader_version.min(vk::API_VERSION_1_3);
        let app = vk::ApplicationInfo::default()
            .application_name(c"runtime-min")
            .engine_name(c"driftc")
            .api_version(api_version);
        let create = vk::InstanceCreateInfo::default().application_info(&app);
        // SAFETY: `create` and `app` are valid for the call; no layers or extensions.
        let instance = unsafe { entry.create_instance(&create, None) }.map_err(|e| match e {
            vk::Result::ERROR_INCOMPATIBLE_DRIVER => no_device("the Vulkan loader found no compatible driver (ICD); install one, e.g. mesa-vulkan-drivers"),
            e => Error::vk("vkCreateInstance", e),
        })?;
        match Self::with_instance(&entry, &instance, api_version, device_index, req, statistics, robust) {
            Ok(parts) => Ok(parts.into_context(entry, instance)),
            Err(e) => {
                // SAFETY: nothing created from `instance` survives the failed call above.
                unsafe { instance.destroy_instance(None) };
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn with_instance(entry: &ash::Entry, instance: &ash::Instance, api_version: u32, device_index: Option<usize>, req: &Requirements, statistics: bool, robust: bool) -> Result<Parts> {
        // SAFETY: `instance` is a valid instance.
        let physicals = unsafe { instance.enumerate_physical_devices() }.map_err(|e| Error::vk("vkEnumeratePhysicalDevices", e))?;
        let candidates: Vec<Option<Candidate>> = physicals.iter().map(|&p| candidate(instance, p)).collect();
        let names = || {
            candidates
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{i}: {}", c.as_ref().map_or("(no compute queue)", |c| c.name.as_str())))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let chosen = match device_index {
            Some(i) => match candidates.get(i) {
                Some(Some(c)) => c,
                Some(None) => return Err(no_device(format!("device {i} has no compute queue (devices: {})", names()))),
                None => return Err(no_device(format!("device index {i} out of range ({} devices: {})", candidates.len(), names()))),
            },
            None => {
                let usable = || candidates.iter().flatten();
                let by_kind = |k| usable().find(|c| c.kind == k);
                match by_kind(vk::PhysicalDeviceType::DISCRETE_GPU)
                    .or_else(|| by_kind(vk::PhysicalDeviceType::INTEGRATED_GPU))
                    .or_else(|| usable().next())
                {
                    Some(c) => c,
                    None if candidates.is_empty() => return Err(no_device("the Vulkan loader found no physical device (is a driver such as mesa-vulkan-drivers installed?)")),
                    None => return Err(no_device(format!("no device has a compute queue (devices: {})", names()))),
                }
            }
        };
        let api = api_version.min(chosen.api_version);
        let features = features(entry, instance, chosen.physical, api);
        let (limits, extra) = limits(instance, chosen, features)?;
        let enable = Features {
            robust_buffer_access: robust && features.robust_buffer_access,
            shader_float16: req.fp16 && features.shader_float16,
            storage_16bit: req.fp16 && features.storage_16bit,
            uniform_storage_16bit: req.fp16 && features.uniform_storage_16bit,
            shader_int8: features.shader_int8,
            storage_8bit: features.storage_8bit,
            integer_dot: req.int8_dot && features.integer_dot,
            cooperative_matrix: req.cooperative_matrix && features.cooperative_matrix,
            memory_model_device_scope: req.cooperative_matrix && features.cooperative_matrix && features.memory_model_device_scope,
            executable_statistics: statistics && features.executable_statistics,
        };
        let device = create_device(instance, chosen, api, enable)?;
        let executable_properties = enable.executable_statistics.then(|| ash::khr::pipeline_executable_properties::Device::new(instance, &device));
        // SAFETY: the queue family and index 0 were requested at device creation.
        let queue = unsafe { device.get_device_queue(chosen.queue_family, 0) };
        Ok(Parts {
            device,
            queue,
            queue_family: chosen.queue_family,
            name: chosen.name.clone(),
            limits,
            memory: extra.memory,
            timestamp_valid_bits: chosen.timestamp_valid_bits,
            timestamp_period_ns: extra.timestamp_period,
            max_allocation_bytes: extra.max_allocation,
            max_storage_buffers_per_set: extra.max_storage_buffers,
            executable_properties,
        })
    }

    /// Index of the first memory type allowed by `type_bits` that has all of `required`,
    /// preferring one that also has `preferred`.
    pub(crate) fn memory_type(&self, type_bits: u32, required: vk::MemoryPropertyFlags, preferred: vk::MemoryPropertyFlags) -> Option<(u32, vk::MemoryPropertyFlags)> {
        let count = (self.memory.memory_type_count as usize).min(self.memory.memory_types.len());
        let types = self.memory.memory_types.get(..count).unwrap_or_default();
        let fits = |want: vk::MemoryPropertyFlags| {
            types.iter().enumerate().find_map(|(i, t)| {
                let i = u32::try_from(i).ok()?;
                let allowed = i < 32 && type_bits & (1 << i) != 0;
                (allowed && t.property_flags.contains(want)).then_some((i, t.property_flags))
            })
        };
        fits(required | preferred).or_else(|| fits(required))
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        // SAFETY: every object created from `device` has been destroyed by its owner (the
        // executor drops its resources before this context); waiting idle first makes sure
        // no submitted work still uses the device. The instance is destroyed last.
        unsafe {
            let _ = self.device.device_wait_idle();
            self.device.destroy_device(None);
            self.instance.destroy_instance(None);
        }
    }
}

/// A context's parts before the entry and instance are moved in.
struct Parts {
    device: ash::Device,
    queue: vk::Queue,
    queue_family: u32,
    name: String,
    limits: DeviceLimits,
    memory: vk::PhysicalDeviceMemoryProperties,
    timestamp_valid_bits: u32,
    timestamp_period_ns: f32,
    max_allocation_bytes: u64,
    max_storage_buffers_per_set: u32,
    executable_properties: Option<ash::khr::pipeline_executable_properties::Device>,
}

impl Parts {
    fn into_context(self, entry: ash::Entry, instance: ash::Instance) -> Context {
        Context {
            _entry: entry,
            instance,
            device: self.device,
            queue: self.queue,
            queue_family: self.queue_family,
            name: self.name,
            limits: self.limits,
            memory: self.memory,
            timestamp_valid_bits: self.timestamp_valid_bits,
            timestamp_period_ns: self.timestamp_period_ns,
            max_allocation_bytes: self.max_allocation_bytes,
            max_storage_buffers_per_set: self.max_storage_buffers_per_set,
            executable_properties: self.executable_properties,
        }
    }
}

/// The device's name, type, API version and first compute queue family, or `None` when it
/// has no compute queue.
fn candidate(instance: &ash::Instance, physical: vk::PhysicalDevice) -> Option<Candidate> {
    // SAFETY: `physical` was enumerated from `instance`.
    let props = unsafe { instance.get_physical_device_properties(physical) };
    // SAFETY: as above.
    let families = unsafe { instance.get_physical_device_queue_family_properties(physical) };
    let (family, fam) = families
        .iter()
        .enumerate()
        .find(|(_, f)| f.queue_flags.contains(vk::QueueFlags::COMPUTE) && f.queue_count > 0)?;
    let name = props.device_name_as_c_str().map_or_else(|_| "(unnamed device)".to_string(), |n| n.to_string_lossy().into_owned());
    Some(Candidate {
        physical,
        name,
        kind: props.device_type,
        api_version: props.api_version,
        queue_family: u32::try_from(family).ok()?,
        timestamp_valid_bits: fam.timestamp_valid_bits,
    })
}

/// Whether the device offers device extension `name`.
fn has_extension(instance: &ash::Instance, physical: vk::PhysicalDevice, name: &std::ffi::CStr) -> bool {
    // SAFETY: `physical` was enumerated from `instance`.
    let Ok(extensions) = (unsafe { instance.enumerate_device_extension_properties(physical) }) else { return false };
    extensions.iter().any(|e| e.extension_name_as_c_str().is_ok_and(|n| n == name))
}

/// Whether the device lists the one cooperative-matrix shape our kernels use:
/// 16 × 16 × 16, f16 A and B, f32 C and result, subgroup scope.
fn has_coop_shape(entry: &ash::Entry, instance: &ash::Instance, physical: vk::PhysicalDevice) -> bool {
    // A loader that does not know the entry point gives none (ash would then call a stub
    // that panics): no shapes.
    // SAFETY: a valid instance handle and a NUL-terminated name.
    let known = unsafe { entry.get_instance_proc_addr(instance.handle(), c"vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR".as_ptr()) };
    if known.is_none() {
        return false;
    }
    let coop = ash::khr::cooperative_matrix::Instance::new(entry, instance);
    // SAFETY: the extension is present on `physical` (checked by the caller), so the
    // instance-level entry point is valid for it.
    let Ok(shapes) = (unsafe { coop.get_physical_device_cooperative_matrix_properties(physical) }) else { return false };
    shapes.iter().any(|p| {
        p.m_size == 16
            && p.n_size == 16
            && p.k_size == 16
            && p.a_type == vk::ComponentTypeKHR::FLOAT16
            && p.b_type == vk::ComponentTypeKHR::FLOAT16
            && p.c_type == vk::ComponentTypeKHR::FLOAT32
            && p.result_type == vk::ComponentTypeKHR::FLOAT32
            && p.scope == vk::ScopeKHR::SUBGROUP
    })
}

fn features(entry: &ash::Entry, instance: &ash::Instance, physical: vk::PhysicalDevice, api: u32) -> Features {
    let mut f11 = vk::PhysicalDeviceVulkan11Features::default();
    let mut f12 = vk::PhysicalDeviceVulkan12Features::default();
    let mut f13 = vk::PhysicalDeviceVulkan13Features::default();
    let mut fcoop = vk::PhysicalDeviceCooperativeMatrixFeaturesKHR::default();
    let coop_extension = api >= vk::API_VERSION_1_2 && has_extension(instance, physical, ash::khr::cooperative_matrix::NAME);
    let mut fexec = vk::PhysicalDevicePipelineExecutablePropertiesFeaturesKHR::default();
    let exec_extension = has_extension(instance, physical, ash::khr::pipeline_executable_properties::NAME);
    let mut f2 = vk::PhysicalDeviceFeatures2::default();
    // The Vulkan 1.1/1.2/1.3 feature structs may only be chained on a device of that version,
    // an extension's only when the device has the extension.
    if api >= vk::API_VERSION_1_2 {
        f2 = f2.push_next(&mut f11).push_next(&mut f12);
        if api >= vk::API_VERSION_1_3 {
            f2 = f2.push_next(&mut f13);
        }
        if coop_extension {
            f2 = f2.push_next(&mut fcoop);
        }
    }
    if exec_extension {
        f2 = f2.push_next(&mut fexec);
    }
    // SAFETY: `f2` and its chain are valid, writable structs for the call.
    unsafe { instance.get_physical_device_features2(physical, &mut f2) };
    let robust = f2.features.robust_buffer_access == vk::TRUE;
    Features {
        robust_buffer_access: robust,
        shader_float16: f12.shader_float16 == vk::TRUE,
        storage_16bit: f11.storage_buffer16_bit_access == vk::TRUE,
        uniform_storage_16bit: f11.uniform_and_storage_buffer16_bit_access == vk::TRUE,
        shader_int8: f12.shader_int8 == vk::TRUE,
        storage_8bit: f12.storage_buffer8_bit_access == vk::TRUE,
        integer_dot: f13.shader_integer_dot_product == vk::TRUE,
        cooperative_matrix: coop_extension
            && fcoop.cooperative_matrix == vk::TRUE
            && f12.vulkan_memory_model == vk::TRUE
            && has_coop_shape(entry, instance, physical),
        memory_model_device_scope: f12.vulkan_memory_model_device_scope == vk::TRUE,
        executable_statistics: exec_extension && fexec.pipeline_executable_info == vk::TRUE,
    }
}

struct Extra {
    memory: vk::PhysicalDeviceMemoryProperties,
    timestamp_period: f32,
    max_allocation: u64,
    max_storage_buffers: u32,
}

fn limits(instance: &ash::Instance, c: &Candidate, f: Features) -> Result<(DeviceLimits, Extra)> {
    let mut subgroup = vk::PhysicalDeviceSubgroupProperties::default();
    let mut maint3 = vk::PhysicalDeviceMaintenance3Properties::default();
    let mut p2 = vk::PhysicalDeviceProperties2::default().push_next(&mut subgroup).push_next(&mut maint3);
    // SAFETY: `p2` and its chain (core 1.1 structs; the instance is at least 1.1) are
    // valid, writable structs for the call.
    unsafe { instance.get_physical_device_properties2(c.physical, &mut p2) };
    let l = p2.properties.limits;
    let timestamp_period = l.timestamp_period;
    // SAFETY: `c.physical` was enumerated from `instance`.
    let memory = unsafe { instance.get_physical_device_memory_properties(c.physical) };
    let heap_count = (memory.memory_heap_count as usize).min(memory.memory_heaps.len());
    let device_local: u64 = memory
        .memory_heaps
        .get(..heap_count)
        .unwrap_or_default()
        .iter()
        .filter(|h| h.flags.contains(vk::MemoryHeapFlags::DEVICE_LOCAL))
        .fold(0u64, |a, h| a.saturating_add(h.size));
    let limits = DeviceLimits {
        max_storage_buffer_range: u64::from(l.max_storage_buffer_range),
        max_workgroup_invocations: l.max_compute_work_group_invocations,
        max_workgroup_size: l.max_compute_work_group_size,
        max_workgroup_count: l.max_compute_work_group_count,
        max_push_constants_size: l.max_push_constants_size,
        max_shared_memory_bytes: l.max_compute_shared_memory_size,
        min_storage_buffer_offset_alignment: l.min_storage_buffer_offset_alignment,
        fp16: f.shader_float16 && f.storage_16bit && f.uniform_storage_16bit,
        int8_dot: f.integer_dot,
        cooperative_matrix: f.cooperative_matrix,
        subgroup_size: subgroup.subgroup_size,
        subgroup_arithmetic: subgroup.supported_stages.contains(vk::ShaderStageFlags::COMPUTE) && subgroup.supported_operations.contains(vk::SubgroupFeatureFlags::ARITHMETIC | vk::SubgroupFeatureFlags::SHUFFLE | vk::SubgroupFeatureFlags::VOTE),
        memory_bytes: device_local,
        // This backend binds storage buffers only; bundles with image pools are refused.
        max_image2d: [0, 0],
    };
    let extra = Extra {
        memory,
        timestamp_period,
        max_allocation: maint3.max_memory_allocation_size,
        max_storage_buffers: l.max_per_stage_descriptor_storage_buffers.min(l.max_descriptor_set_storage_buffers),
    };
    Ok((limits, extra))
}

fn create_device(instance: &ash::Instance, c: &Candidate, api: u32, f: Features) -> Result<ash::Device> {
    let priorities = [1.0f32];
    let queues = [vk::DeviceQueueCreateInfo::default().queue_family_index(c.queue_family).queue_priorities(&priorities)];
    let core = vk::PhysicalDeviceFeatures::default().robust_buffer_access(f.robust_buffer_access);
    let mut f11 = vk::PhysicalDeviceVulkan11Features::default()
        .storage_buffer16_bit_access(f.storage_16bit)
        .uniform_and_storage_buffer16_bit_access(f.uniform_storage_16bit);
    let mut f12 = vk::PhysicalDeviceVulkan12Features::default()
        .shader_float16(f.shader_float16)
        .shader_int8(f.shader_int8)
        .storage_buffer8_bit_access(f.storage_8bit)
        .vulkan_memory_model(f.cooperative_matrix)
        .vulkan_memory_model_device_scope(f.memory_model_device_scope);
    let mut f13 = vk::PhysicalDeviceVulkan13Features::default().shader_integer_dot_product(f.integer_dot);
    let mut fcoop = vk::PhysicalDeviceCooperativeMatrixFeaturesKHR::default().cooperative_matrix(true);
    let mut fexec = vk::PhysicalDevicePipelineExecutablePropertiesFeaturesKHR::default().pipeline_executable_info(true);
    let mut f2 = vk::PhysicalDeviceFeatures2::default().features(core);
    if api >= vk::API_VERSION_1_2 {
        f2 = f2.push_next(&mut f11).push_next(&mut f12);
        if api >= vk::API_VERSION_1_3 {
            f2 = f2.push_next(&mut f13);
        }
        if f.cooperative_matrix {
            f2 = f2.push_next(&mut fcoop);
        }
    }
    let mut extensions = Vec::new();
    if f.cooperative_matrix {
        extensions.push(ash::khr::cooperative_matrix::NAME.as_ptr());
    }
    if f.executable_statistics {
        f2 = f2.push_next(&mut fexec);
        extensions.push(ash::khr::pipeline_executable_properties::NAME.as_ptr());
    }
    let info = vk::DeviceCreateInfo::default().queue_create_infos(&queues).enabled_extension_names(&extensions).push_next(&mut f2);
    // SAFETY: `info` and everything it points to live across the call; only features the
    // device reported are enabled, and only on a device of the matching API version.
    unsafe { instance.create_device(c.physical, &info, None) }.map_err(|e| Error::vk("vkCreateDevice", e))
}
