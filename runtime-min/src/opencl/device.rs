//! OpenCL platform and device choice, and the device's limits as [`DeviceLimits`] for the
//! bundle verifier.
//!
//! Nothing here creates an OpenCL object: platform and device ids are not reference
//! counted (root devices), so a bundle can be verified against [`Device::limits`] before
//! any context, queue, program or buffer exists. OpenCL is loaded at run time (opencl3's
//! `dynamic` feature loads `libOpenCL.so.1`), so a machine without it gets
//! [`Error::NoDevice`], not a link failure.
//!
//! Device order, which `SessionOptions::device_index` indexes: every GPU device of every
//! platform (platforms in ICD order), then every other device. `None` picks index 0.

use super::handles::cl_error;
use crate::bundle::DeviceLimits;
use crate::error::{Error, Result};
use opencl3::device::{
    get_device_data, get_device_ids, CL_DEVICE_ADDRESS_BITS, CL_DEVICE_AVAILABLE, CL_DEVICE_COMPILER_AVAILABLE, CL_DEVICE_EXTENSIONS,
    CL_DEVICE_GLOBAL_MEM_SIZE, CL_DEVICE_IMAGE2D_MAX_HEIGHT, CL_DEVICE_IMAGE2D_MAX_WIDTH, CL_DEVICE_IMAGE_SUPPORT, CL_DEVICE_LOCAL_MEM_SIZE, CL_DEVICE_MAX_COMPUTE_UNITS, CL_DEVICE_MAX_MEM_ALLOC_SIZE, CL_DEVICE_MAX_PARAMETER_SIZE,
    CL_DEVICE_MAX_WORK_GROUP_SIZE, CL_DEVICE_MAX_WORK_ITEM_SIZES, CL_DEVICE_MEM_BASE_ADDR_ALIGN, CL_DEVICE_NAME, CL_DEVICE_TYPE,
    CL_DEVICE_TYPE_ALL, CL_DEVICE_TYPE_GPU,
};
use opencl3::platform::platform::{get_platform_data, get_platform_ids, CL_PLATFORM_NAME};
use opencl3::types::{cl_device_id, cl_device_info, cl_platform_id};

/// ocl-icd's "no platform found" code (cl_khr_icd), returned when no ICD is installed.
const CL_PLATFORM_NOT_FOUND_KHR: i32 = -1001;
/// cl3's code when `libOpenCL.so.1` cannot be loaded.
const DLOPEN_RUNTIME_LOAD_FAILED: i32 = -2000;

const INSTALL_HINT: &str = "install an OpenCL ICD loader and driver, e.g. on Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd";

fn no_device(reason: impl Into<String>) -> Error {
    Error::NoDevice { api: "OpenCL".into(), reason: reason.into() }
}

/// The chosen device, its limits, and the facts the executor needs beyond them.
pub(crate) struct Device {
    pub(crate) id: cl_device_id,
    /// "DEVICE NAME (PLATFORM NAME)".
    pub(crate) name: String,
    pub(crate) limits: DeviceLimits,
    /// Largest global work size per dimension the device's `size_t` can hold.
    pub(crate) max_global_size: usize,
    /// CL_DEVICE_ADDRESS_BITS / 8: the size of a `__global` pointer argument.
    pub(crate) pointer_bytes: u64,
    /// CL_DEVICE_MAX_PARAMETER_SIZE: bytes of all kernel arguments together.
    pub(crate) max_parameter_bytes: u64,
    /// CL_DEVICE_MAX_MEM_ALLOC_SIZE: the largest single buffer (a whole pool).
    pub(crate) max_alloc_bytes: u64,
    /// `cl_nv_compiler_options`: builds take `-cl-nv-maxrregcount` (NVIDIA).
    pub(crate) nv_compiler_options: bool,
    /// CL_DEVICE_MAX_COMPUTE_UNITS (multiprocessors on NVIDIA).
    pub(crate) compute_units: u64,
    /// NVIDIA's compute capability (`cl_nv_device_attribute_query`), for occupancy.
    pub(crate) nv_compute_capability: Option<(u64, u64)>,
}

/// Local memory a workgroup may declare on an NVIDIA GPU of compute capability `cc`, where
/// it is known to exceed what NVIDIA's OpenCL reports (CL_DEVICE_LOCAL_MEM_SIZE: 48 KB):
/// on sm_90 a kernel declaring 197632 bytes built and ran (H200, driver 580.159.04,
/// 2026-12-04, bench/RESULTS.md twenty-ninth session; the architecture allows 227 KB, not
/// measured through OpenCL). `None` elsewhere (the reported figure stands).
pub(crate) fn nv_local_memory_bytes(cc: Option<(u64, u64)>) -> Option<u64> {
    matches!(cc, Some((9, _))).then_some(197_632)
}

/// `cl_nv_device_attribute_query`'s CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV and _MINOR_NV.
const CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV: cl_device_info = 0x4000;
const CL_DEVICE_COMPUTE_CAPABILITY_MINOR_NV: cl_device_info = 0x4001;

fn data(dev: cl_device_id, param: cl_device_info, name: &'static str) -> Result<Vec<u8>> {
    get_device_data(dev, param).map_err(|code| cl_error("clGetDeviceInfo", name, code))
}

/// An unsigned integer of 4 or 8 native-endian bytes (cl_uint, cl_ulong, size_t, cl_bool).
fn uint(bytes: &[u8], name: &'static str) -> Result<u64> {
    match *bytes {
        [a, b, c, d] => Ok(u64::from(u32::from_ne_bytes([a, b, c, d]))),
        [a, b, c, d, e, f, g, h] => Ok(u64::from_ne_bytes([a, b, c, d, e, f, g, h])),
        _ => Err(Error::OpenCl { call: "clGetDeviceInfo", message: format!("{name}: unexpected {}-byte value", bytes.len()) }),
    }
}

fn dev_uint(dev: cl_device_id, param: cl_device_info, name: &'static str) -> Result<u64> {
    uint(&data(dev, param, name)?, name)
}

fn text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(bytes.get(..end).unwrap_or_default()).trim().to_string()
}

fn dev_text(dev: cl_device_id, param: cl_device_info, name: &'static str) -> Result<String> {
    Ok(text(&data(dev, param, name)?))
}

fn sat_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

struct Listed {
    id: cl_device_id,
    platform: String,
}

/// Serializes platform and device enumeration: the ICD loader and PoCL initialize their
/// platform lists on the first call, and two threads doing that at once crashed (SIGSEGV)
/// or saw an empty device list with ocl-icd 2.3 and PoCL 3.1.
static ENUMERATION: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn enumerate() -> Result<Vec<Listed>> {
    let _guard = ENUMERATION.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let platforms: Vec<cl_platform_id> = match get_platform_ids() {
        Ok(p) => p,
        Err(DLOPEN_RUNTIME_LOAD_FAILED) => return Err(no_device(format!("cannot load the OpenCL library libOpenCL.so.1; {INSTALL_HINT}"))),
        Err(CL_PLATFORM_NOT_FOUND_KHR) => return Err(no_device(format!("the OpenCL loader found no platform (no ICD installed); {INSTALL_HINT}"))),
        Err(code) => return Err(cl_error("clGetPlatformIDs", "platforms", code)),
    };
    if platforms.is_empty() {
        return Err(no_device(format!("no OpenCL platform found; {INSTALL_HINT}")));
    }
    let mut gpus = Vec::new();
    let mut others = Vec::new();
    for p in platforms {
        let platform = get_platform_data(p, CL_PLATFORM_NAME).map(|b| text(&b)).unwrap_or_default();
        // A platform that fails to list devices is skipped, not fatal: others may work.
        let Ok(ids) = get_device_ids(p, CL_DEVICE_TYPE_ALL) else { continue };
        for id in ids {
            let ty = dev_uint(id, CL_DEVICE_TYPE, "CL_DEVICE_TYPE")?;
            let d = Listed { id, platform: platform.clone() };
            if ty & CL_DEVICE_TYPE_GPU != 0 {
                gpus.push(d);
            } else {
                others.push(d);
            }
        }
    }
    gpus.extend(others);
    if gpus.is_empty() {
        return Err(no_device(format!("the OpenCL platforms list no device; {INSTALL_HINT}")));
    }
    Ok(gpus)
}

impl Device {
    /// Picks device `index` (GPUs first, then others; `None` is 0) and reads its limits.
    pub(crate) fn pick(index: Option<usize>) -> Result<Device> {
        let list = enumerate()?;
        let i = index.unwrap_or(0);
        let Some(chosen) = list.get(i) else {
            let names: Vec<String> = list
                .iter()
                .enumerate()
                .map(|(j, d)| format!("{j}: {} ({})", dev_text(d.id, CL_DEVICE_NAME, "CL_DEVICE_NAME").unwrap_or_default(), d.platform))
                .collect();
            return Err(no_device(format!("device_index {i} is out of range; the OpenCL devices are: {}", names.join(", "))));
        };
        let id = chosen.id;
        let name = format!("{} ({})", dev_text(id, CL_DEVICE_NAME, "CL_DEVICE_NAME")?, chosen.platform);
        if dev_uint(id, CL_DEVICE_AVAILABLE, "CL_DEVICE_AVAILABLE")? == 0 {
            return Err(no_device(format!("{name} is not available")));
        }
        if dev_uint(id, CL_DEVICE_COMPILER_AVAILABLE, "CL_DEVICE_COMPILER_AVAILABLE")? == 0 {
            return Err(no_device(format!("{name} has no OpenCL C compiler; bundles carry kernel source")));
        }
        Self::read(id, name)
    }

    fn read(id: cl_device_id, name: String) -> Result<Device> {
        let max_alloc_bytes = dev_uint(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE, "CL_DEVICE_MAX_MEM_ALLOC_SIZE")?;
        let max_wg = dev_uint(id, CL_DEVICE_MAX_WORK_GROUP_SIZE, "CL_DEVICE_MAX_WORK_GROUP_SIZE")?;
        let item_bytes = data(id, CL_DEVICE_MAX_WORK_ITEM_SIZES, "CL_DEVICE_MAX_WORK_ITEM_SIZES")?;
        let size_t = std::mem::size_of::<usize>();
        let mut item_sizes = [1u32; 3];
        for (slot, chunk) in item_sizes.iter_mut().zip(item_bytes.chunks_exact(size_t)) {
            *slot = sat_u32(uint(chunk, "CL_DEVICE_MAX_WORK_ITEM_SIZES")?);
        }
        // Bits in OpenCL; the verifier wants bytes. Sub-buffer origins must be multiples of it.
        let align_bits = dev_uint(id, CL_DEVICE_MEM_BASE_ADDR_ALIGN, "CL_DEVICE_MEM_BASE_ADDR_ALIGN")?;
        let local = dev_uint(id, CL_DEVICE_LOCAL_MEM_SIZE, "CL_DEVICE_LOCAL_MEM_SIZE")?;
        let global = dev_uint(id, CL_DEVICE_GLOBAL_MEM_SIZE, "CL_DEVICE_GLOBAL_MEM_SIZE")?;
        let address_bits = dev_uint(id, CL_DEVICE_ADDRESS_BITS, "CL_DEVICE_ADDRESS_BITS")?;
        let max_parameter_bytes = dev_uint(id, CL_DEVICE_MAX_PARAMETER_SIZE, "CL_DEVICE_MAX_PARAMETER_SIZE")?;
        let extensions = dev_text(id, CL_DEVICE_EXTENSIONS, "CL_DEVICE_EXTENSIONS")?;
        let has = |ext: &str| extensions.split_whitespace().any(|e| e == ext);
        // Images: CL_DEVICE_IMAGE_SUPPORT, then the 2D limits (0 without image support).
        let max_image2d = if dev_uint(id, CL_DEVICE_IMAGE_SUPPORT, "CL_DEVICE_IMAGE_SUPPORT")? != 0 {
            [sat_u32(dev_uint(id, CL_DEVICE_IMAGE2D_MAX_WIDTH, "CL_DEVICE_IMAGE2D_MAX_WIDTH")?), sat_u32(dev_uint(id, CL_DEVICE_IMAGE2D_MAX_HEIGHT, "CL_DEVICE_IMAGE2D_MAX_HEIGHT")?)]
        } else {
            [0, 0]
        };
        // The device's size_t bounds every global work size; so does the host's.
        let device_size_max = if address_bits >= 64 { u64::MAX } else { (1u64 << address_bits) - 1 };
        let max_global_size = usize::try_from(device_size_max).unwrap_or(usize::MAX);
        // OpenCL has no work-group-count limit; the bound is grid * work-group size <= size_t.
        let max_count = |axis: usize| sat_u32(device_size_max / u64::from(item_sizes[axis].max(1)));
        let nv_compute_capability = if has("cl_nv_device_attribute_query") {
            dev_uint(id, CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV, "CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV").ok().zip(dev_uint(id, CL_DEVICE_COMPUTE_CAPABILITY_MINOR_NV, "CL_DEVICE_COMPUTE_CAPABILITY_MINOR_NV").ok())
        } else {
            None
        };
        let limits = DeviceLimits {
            max_storage_buffer_range: max_alloc_bytes,
            max_workgroup_invocations: sat_u32(max_wg),
            max_workgroup_size: item_sizes,
            max_workgroup_count: [max_count(0), max_count(1), max_count(2)],
            // Push constants travel as one by-value kernel argument (see `kernels`).
            max_push_constants_size: sat_u32(max_parameter_bytes),
            max_shared_memory_bytes: sat_u32(nv_local_memory_bytes(nv_compute_capability).map_or(local, |nv| nv.max(local))),
            min_storage_buffer_offset_alignment: (align_bits / 8).max(1),
            fp16: has("cl_khr_fp16"),
            int8_dot: has("cl_khr_integer_dot_product") || has("cl_arm_integer_dot_product_int8"),
            // No cooperative matrices in OpenCL C.
            cooperative_matrix: false,
            // OpenCL reports sub-group sizes per kernel, not per device.
            subgroup_size: 0,
            // Kernels in OpenCL C use no sub-group functions.
            subgroup_arithmetic: false,
            memory_bytes: global,
            max_image2d,
        };
        let nv_compiler_options = has("cl_nv_compiler_options");
        // (Only co-resident dispatches use it: unreadable, they are refused, nothing else.)
        let compute_units = dev_uint(id, CL_DEVICE_MAX_COMPUTE_UNITS, "CL_DEVICE_MAX_COMPUTE_UNITS").unwrap_or(0);
        Ok(Device { id, name, limits, max_global_size, pointer_bytes: (address_bits / 8).max(4), max_parameter_bytes, max_alloc_bytes, nv_compiler_options, compute_units, nv_compute_capability })
    }
}
