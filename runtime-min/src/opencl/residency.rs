//! How many workgroups of one built kernel the device holds at once, a lower bound: what
//! a co-resident dispatch (`Kernel::co_resident`, workgroups that wait on one another,
//! walking their work by the count launched) is launched with when its recorded grid is
//! larger, or its waits would spin out on workgroups that never start.
//!
//! NVIDIA (`cl_nv_device_attribute_query`): per multiprocessor, the fewest of the
//! workgroups its registers hold (the assembler's registers per work-item, from a verbose
//! build, allocated per warp in steps of 256 from each of four 16384-register
//! partitions; NVIDIA's CL_KERNEL_WORK_GROUP_SIZE is only the source's required size), its
//! thread, block and shared-memory limits for the compute capability (1 KiB of shared
//! memory reserved per block from 8.0 on, 128-byte steps; the largest carveout, which the
//! driver picks for kernels that need it), times the multiprocessors (at 255 registers
//! where the assembler's figure could not be read). Any other device
//! (OpenCL has no occupancy query; an Intel "compute unit" is one EU, and PoCL may run
//! workgroups one after another): one workgroup.

use super::device::Device;
use super::handles::Kernel;
use super::kernels::kernel_uint;
use crate::bundle::Kernel as KernelEntry;
use crate::error::{Error, Result};
use opencl3::kernel::{get_kernel_work_group_data, CL_KERNEL_LOCAL_MEM_SIZE};

/// Registers per work-item an NVIDIA kernel may use at most (the bound taken where the
/// assembler's figure could not be read).
const MAX_REGISTERS: u64 = 255;

/// Per multiprocessor of an NVIDIA compute capability: threads, blocks, shared-memory bytes
/// (CUDA C Programming Guide, "Technical Specifications per Compute Capability").
fn nv_multiprocessor(major: u64, minor: u64) -> Option<(u64, u64, u64)> {
    const KIB: u64 = 1024;
    Some(match (major, minor) {
        (7, 0) | (7, 2) => (2048, 32, 96 * KIB),
        (7, 5) => (1024, 16, 64 * KIB),
        (8, 0) => (2048, 32, 164 * KIB),
        (8, 7) => (1536, 16, 164 * KIB),
        (8, 6) => (1536, 16, 100 * KIB),
        (8, 9) => (1536, 24, 100 * KIB),
        (9, 0) | (10, 0) => (2048, 32, 228 * KIB),
        (12, 0) => (1536, 16, 100 * KIB),
        _ => return None,
    })
}

/// Workgroups of `workgroup` items using `registers` per item and `local` bytes each
/// that one NVIDIA multiprocessor of compute capability `cc` holds.
pub(crate) fn nv_groups_per_multiprocessor(cc: (u64, u64), registers: u64, workgroup: u64, local: u64) -> Option<u64> {
    let (threads, blocks, shared) = nv_multiprocessor(cc.0, cc.1)?;
    let w = workgroup.max(1);
    let per_warp = registers.clamp(1, 1 << 20).saturating_mul(32).div_ceil(256) * 256;
    let by_registers = (16384 / per_warp * 4) / w.div_ceil(32);
    let reserved = if cc.0 >= 8 { 1024 } else { 0 };
    let by_shared = if local == 0 { blocks } else { shared / ((local + reserved).div_ceil(128) * 128) };
    Some(by_registers.min(threads / w).min(blocks).min(by_shared))
}

/// The workgroups to launch for a dispatch of `grid`, with how the device's bound was
/// found: the grid itself, or for a co-resident kernel at most what the device can be
/// shown to hold at once (`registers` per work-item come from NVIDIA's assembler,
/// `kernels::entry_registers`); `path` names the dispatch in the error when not even one
/// workgroup fits or the grid is not along x alone (the count launched is what the kernel
/// walks its shares by).
pub(crate) fn launch_groups(dev: &Device, kernel: &Kernel, k: &KernelEntry, registers: Option<u64>, grid: [u32; 3], path: &str) -> Result<(u32, String)> {
    if !k.co_resident {
        return Ok((grid[0], String::new()));
    }
    let unsupported = |what: String| Error::Unsupported { what: format!("{path}: kernel '{}' {what}", k.name) };
    if grid[1] != 1 || grid[2] != 1 {
        return Err(unsupported(format!("waits on its workgroups across a {grid:?} grid; co-resident grids are along x alone")));
    }
    let workgroup = k.workgroup_size.iter().fold(1u64, |a, &d| a.saturating_mul(u64::from(d)));
    let local = get_kernel_work_group_data(kernel.raw(), dev.id, CL_KERNEL_LOCAL_MEM_SIZE)
        .ok()
        .and_then(|b| kernel_uint(&b))
        .ok_or_else(|| Error::OpenCl { call: "clGetKernelWorkGroupInfo", message: format!("{path}: CL_KERNEL_LOCAL_MEM_SIZE unreadable") })?;
    // (Registers unread, e.g. no verbose build: the most a work-item can hold, 255.)
    let nv = dev.nv_compute_capability.and_then(|cc| {
        let regs = registers.unwrap_or(MAX_REGISTERS);
        Some((cc, regs, nv_groups_per_multiprocessor(cc, regs, workgroup, local)?))
    });
    let (holds, how) = match nv {
        Some(((major, minor), regs, n)) => (
            n.saturating_mul(dev.compute_units),
            format!(
                "{} compute units, {n} per multiprocessor of compute capability {major}.{minor} at {regs} registers per work-item{} and {local} local bytes",
                dev.compute_units,
                if registers.is_none() { " (the assembler's figure unread: the most there can be)" } else { "" }
            ),
        ),
        None => (1, "no occupancy figures for this device: NVIDIA's compute capability and the assembler's registers".to_string()),
    };
    if holds == 0 {
        return Err(unsupported(format!("has workgroups that wait on one another, but {} holds none of them ({how})", dev.name)));
    }
    Ok((grid[0].min(u32::try_from(holds).unwrap_or(u32::MAX)), how))
}

#[cfg(test)]
mod tests {
    use super::nv_groups_per_multiprocessor;

    #[test]
    fn nvidia_occupancy_takes_the_tightest_limit() {
        // H100/H200 (9.0), 256-item groups (8 warps): 64 registers -> 2048 per warp, 32
        // warps, 4 groups; 34 KiB of local memory -> 228 / 35 = 6; threads 8; so 4.
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 64, 256, 34 * 1024), Some(4));
        // 72 registers allocate as 2304 per warp: 28 warps, 3 groups; 128 -> 2; 168 -> 1.
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 72, 256, 34 * 1024), Some(3));
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 128, 256, 34 * 1024), Some(2));
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 168, 256, 0), Some(1));
        // Shared memory binds: 60 KiB groups on 9.0 -> 228 / 61 = 3.
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 32, 256, 60 * 1024), Some(3));
        // 7.5: 1024 threads per multiprocessor, no reservation: 64 / 16 = 4, threads 8 -> 4.
        assert_eq!(nv_groups_per_multiprocessor((7, 5), 32, 128, 16 * 1024), Some(4));
        // 64 items (2 warps) at 40 registers: 1280 per warp, 12 per partition, 48 warps ->
        // 24 groups (not 65536 / 1280 = 51 warps, 25), under 32 blocks and 32 by threads.
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 40, 64, 0), Some(24));
        // Too many registers for one group: none; an unknown capability: no figure.
        assert_eq!(nv_groups_per_multiprocessor((9, 0), 255, 512, 0), Some(0));
        assert_eq!(nv_groups_per_multiprocessor((6, 1), 32, 256, 0), None);
    }
}
