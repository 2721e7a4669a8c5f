//! Kernel checks, program builds, and per-dispatch `cl_kernel` objects.
//!
//! A bundle kernel for OpenCL is OpenCL C source with one entry (`Kernel::entry`, `k_main`
//! from driftc) whose arguments are, in order, one `__global T*` per binding and, when
//! `push_constant_bytes > 0`, one by-value argument of exactly that many bytes (a scalar
//! or a struct) carrying the dispatch's push constants. Every kernel is checked (language,
//! code range, UTF-8, argument bytes) before any OpenCL object exists; once built, each
//! dispatch's kernel object is checked against what the compiler saw (argument count,
//! `CL_KERNEL_WORK_GROUP_SIZE`; on NVIDIA a kernel short of it is built again with its
//! registers capped) and gets its arguments set once, at session creation.

use super::device::Device;
use super::ptx;
use super::handles::{cl_error, Context, Kernel, Program};
use crate::bundle::{BundleError, Kernel as KernelEntry, KernelLanguage};
use crate::error::{Error, Result};
use opencl3::kernel::{create_kernel, get_kernel_data, get_kernel_work_group_data, set_kernel_arg, CL_KERNEL_COMPILE_WORK_GROUP_SIZE, CL_KERNEL_LOCAL_MEM_SIZE, CL_KERNEL_NUM_ARGS, CL_KERNEL_PRIVATE_MEM_SIZE, CL_KERNEL_WORK_GROUP_SIZE};
use opencl3::program::{build_program, create_program_with_binary, create_program_with_source, get_program_build_data, get_program_info, CL_PROGRAM_BINARIES, CL_PROGRAM_BUILD_LOG};
use cl3::info_type::InfoType;
use opencl3::types::cl_mem;
use std::ffi::{c_void, CString};

fn invalid(field: String, message: impl Into<String>) -> Error {
    Error::Bundle(BundleError::Invalid { field, message: message.into() })
}

/// "kernels[i] 'name'", the prefix of every message about kernel `i`.
pub(crate) fn kernel_path(i: usize, k: &KernelEntry) -> String {
    format!("kernels[{i}] '{}'", k.name)
}

/// A kernel's source and entry name, checked; no OpenCL call is made.
pub(crate) struct Checked<'a> {
    pub(crate) source: &'a str,
    pub(crate) entry: CString,
}

/// Checks kernel `i` against what OpenCL and this device accept, before any object exists.
pub(crate) fn check_kernel<'a>(dev: &Device, i: usize, k: &KernelEntry, kernels_section: &'a [u8]) -> Result<Checked<'a>> {
    let f = kernel_path(i, k);
    if k.language != KernelLanguage::OpenclC {
        return Err(invalid(format!("{f}.language"), format!("{:?} code cannot run on OpenCL; the bundle must hold OpenCL C source", k.language)));
    }
    let entry = CString::new(k.entry.as_bytes()).map_err(|_| invalid(format!("{f}.entry"), "contains a NUL byte"))?;
    if k.entry.is_empty() {
        return Err(invalid(format!("{f}.entry"), "is empty"));
    }
    let start = usize::try_from(k.code.offset).ok();
    let end = k.code.offset.checked_add(k.code.len).and_then(|e| usize::try_from(e).ok());
    let bytes = start
        .zip(end)
        .and_then(|(s, e)| kernels_section.get(s..e))
        .ok_or_else(|| invalid(format!("{f}.code"), "byte range lies outside the kernels section"))?;
    let source = std::str::from_utf8(bytes).map_err(|e| invalid(format!("{f}.code"), format!("OpenCL C source is not UTF-8: {e}")))?;
    if source.contains('\0') {
        return Err(invalid(format!("{f}.code"), "OpenCL C source contains a NUL byte"));
    }
    let args = (k.bindings.len() as u64)
        .saturating_mul(dev.pointer_bytes)
        .saturating_add(u64::from(k.push_constant_bytes));
    if args > dev.max_parameter_bytes {
        return Err(invalid(
            format!("{f}.bindings"),
            format!("{} buffer arguments and {} push-constant bytes need {args} bytes of kernel arguments; the device allows {} (CL_DEVICE_MAX_PARAMETER_SIZE)", k.bindings.len(), k.push_constant_bytes, dev.max_parameter_bytes),
        ));
    }
    Ok(Checked { source, entry })
}

/// Registers per work-item that let a workgroup of `invocations` work-items fit an NVIDIA
/// multiprocessor's 65536 (every architecture since sm_50), in the allocation's steps of 8;
/// `None` where the compiler's own cap (255) already fits.
pub(crate) fn nv_register_cap(invocations: u64) -> Option<u32> {
    let per_item = 65536 / invocations.max(1);
    (per_item < 255).then(|| u32::try_from((per_item / 8) * 8).unwrap_or(0).max(16))
}

/// Builds kernel `i`'s source for `dev`; a failed build reports the compiler's log. On
/// NVIDIA (`cl_nv_compiler_options`), a kernel whose registers leave room for fewer
/// work-items per group than the manifest dispatches (CL_KERNEL_WORK_GROUP_SIZE) is built
/// again with its registers capped (`-cl-nv-maxrregcount`, see [`nv_register_cap`]); where
/// that build fails or still falls short, the first one is kept and `dispatch_kernel`
/// refuses the workgroup size by name.
pub(crate) fn build(ctx: &Context, dev: &Device, i: usize, k: &KernelEntry, source: &str, entry: &CString) -> Result<Program> {
    let program = build_with(ctx, dev, i, k, source, c"")?;
    let invocations = k.workgroup_size.iter().fold(1u64, |a, &d| a.saturating_mul(u64::from(d)));
    let Some(cap) = nv_register_cap(invocations).filter(|_| dev.nv_compiler_options) else {
        return Ok(program);
    };
    if kernel_limit(dev, &program, entry).is_none_or(|max| max >= invocations) {
        return Ok(program);
    }
    // The extension's text spells the option both ways across its versions ("=<N>" in
    // CUDA 3.2's, "<N>" in the registry's); the first build that reaches the size is kept.
    for spelling in [format!("-cl-nv-maxrregcount={cap}"), format!("-cl-nv-maxrregcount {cap}")] {
        let Ok(options) = CString::new(spelling) else {
            continue;
        };
        if let Ok(capped) = build_with(ctx, dev, i, k, source, &options) {
            if kernel_limit(dev, &capped, entry).is_some_and(|max| max >= invocations) {
                return Ok(capped);
            }
        }
    }
    Ok(program)
}

/// CL_KERNEL_WORK_GROUP_SIZE of `entry` in a built program; `None` where unreadable.
fn kernel_limit(dev: &Device, program: &Program, entry: &CString) -> Option<u64> {
    let kernel = Kernel::own(create_kernel(program.raw(), entry).ok()?);
    get_kernel_work_group_data(kernel.raw(), dev.id, CL_KERNEL_WORK_GROUP_SIZE).ok().and_then(|b| kernel_uint(&b))
}

/// What the driver reports of one built kernel (`SessionOptions::pipeline_statistics`):
/// the work-items it allows per group, its private (spilled) and local bytes per item and
/// group, and on NVIDIA (`cl_nv_compiler_options`) the assembler's own lines (registers,
/// spills, "Potential Performance Loss" such as serialized wgmma) from `verbose`, the log
/// of a second, verbose build of the same source ([`nv_assembler_log`]; the program that
/// runs is the first). What cannot be read is
/// left out.
pub(crate) fn statistics(dev: &Device, k: &KernelEntry, entry: &CString, program: &Program, verbose: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(raw) = create_kernel(program.raw(), entry) {
        let kernel = Kernel::own(raw);
        for (name, param) in [("work-group limit", CL_KERNEL_WORK_GROUP_SIZE), ("private bytes per work-item", CL_KERNEL_PRIVATE_MEM_SIZE), ("local bytes", CL_KERNEL_LOCAL_MEM_SIZE)] {
            if let Some(v) = get_kernel_work_group_data(kernel.raw(), dev.id, param).ok().and_then(|b| kernel_uint(&b)) {
                out.push((name.to_string(), v.to_string()));
            }
        }
    }
    if let Some(log) = verbose {
        for line in entry_section(log, &k.entry).unwrap_or(log).lines().map(str::trim).filter(|l| l.contains("ptxas") && (l.contains("Used") || l.contains("spill") || l.contains("Performance"))) {
            out.push(("ptxas".to_string(), line.to_string()));
        }
    }
    out
}

/// NVIDIA's build log of a second, verbose build of kernel `i`'s source (`-cl-nv-verbose`:
/// the assembler's registers, spills, shared memory); `None` where it fails. The program
/// gets one more kernel, storing a number unique to this call: a build the driver finds
/// in its compute cache assembles nothing and logs nothing (on the H200 a second process
/// read no figure), and the cache is keyed by what reaches the assembler, so a unique
/// comment was not enough (H200, 2026-12-03). It takes no register cap: where `build`
/// kept a capped program, the figures are the uncapped one's.
pub(crate) fn nv_assembler_log(ctx: &Context, dev: &Device, i: usize, k: &KernelEntry, source: &str) -> Option<String> {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let nonce = (nanos as u64) ^ (u64::from(std::process::id()) << 40) ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let fresh = format!("{source}\n__kernel void drift_verbose_build(__global ulong* p) {{\n    p[0] = {nonce}ul;\n}}\n");
    let verbose = build_with(ctx, dev, i, k, &fresh, c"-cl-nv-verbose").ok()?;
    let log = get_program_build_data(verbose.raw(), dev.id, CL_PROGRAM_BUILD_LOG).ok()?;
    let end = log.iter().position(|&c| c == 0).unwrap_or(log.len());
    Some(String::from_utf8_lossy(log.get(..end)?).to_string())
}

/// Registers per work-item that NVIDIA's assembler reports ("Used N registers") for
/// `entry` in a verbose log ([`nv_assembler_log`], [`entry_section`]; the uncapped figure
/// errs towards refusing a co-resident grid); the largest figure of the log where no line
/// names the entry; `None` where unreadable.
pub(crate) fn entry_registers(log: &str, entry: &str) -> Option<u64> {
    let used = |l: &str| -> Option<u64> { l.split("Used ").nth(1)?.split(" registers").next()?.trim().parse().ok() };
    match entry_section(log, entry) {
        Some(section) => section.lines().find_map(used),
        None => log.lines().filter_map(used).max(),
    }
}

/// The lines of a verbose ptxas log about `entry`: from "Compiling entry function
/// 'entry'" to the next kernel's (the log lists every kernel of the program); `None`
/// where no line names it.
fn entry_section<'a>(log: &'a str, entry: &str) -> Option<&'a str> {
    const NEXT: &str = "Compiling entry function '";
    let (_, rest) = log.split_once(format!("{NEXT}{entry}'").as_str())?;
    Some(rest.split(NEXT).next().unwrap_or(rest))
}

/// One build of kernel `i`'s source with `options`; a failure reports the compiler's log.
fn build_with(ctx: &Context, dev: &Device, i: usize, k: &KernelEntry, source: &str, options: &std::ffi::CStr) -> Result<Program> {
    let what = kernel_path(i, k);
    let raw = create_program_with_source(ctx.raw(), &[source]).map_err(|code| cl_error("clCreateProgramWithSource", &what, code))?;
    let program = Program::own(raw);
    build_checked(dev, &program, options, &what)?;
    if source.contains(ptx::MARK) {
        if let Some(arch) = build_for_sm90a(ctx, dev, &what, &program, options)? {
            return Ok(arch);
        }
    }
    Ok(program)
}

/// The program built again from its own PTX with the `sm_90a` instructions uncommented
/// ([`ptx::retarget`]); `None` where the built PTX holds none (the marks sat in unused
/// macros). A device whose PTX targets another architecture is refused by name.
fn build_for_sm90a(ctx: &Context, dev: &Device, what: &str, program: &Program, options: &std::ffi::CStr) -> Result<Option<Program>> {
    let binaries = match get_program_info(program.raw(), CL_PROGRAM_BINARIES) {
        Ok(InfoType::VecVecUchar(b)) => b,
        Ok(_) => return Err(Error::OpenCl { call: "clGetProgramInfo", message: format!("{what}: CL_PROGRAM_BINARIES answered no binaries") }),
        Err(code) => return Err(cl_error("clGetProgramInfo", what, code)),
    };
    let Some(binary) = binaries.first() else {
        return Err(Error::OpenCl { call: "clGetProgramInfo", message: format!("{what}: the program has no binary for the device") });
    };
    let end = binary.iter().position(|&c| c == 0).unwrap_or(binary.len());
    let text = String::from_utf8_lossy(binary.get(..end).unwrap_or_default());
    let patched = match ptx::retarget(&text) {
        None => return Ok(None),
        Some(Ok(p)) => p,
        Some(Err(e)) => return Err(Error::Unsupported { what: format!("{what} on {}: {e}", dev.name) }),
    };
    let mut bytes = patched.into_bytes();
    bytes.push(0);
    // SAFETY: one device, one binary, both valid for the call.
    let raw = unsafe { create_program_with_binary(ctx.raw(), &[dev.id], &[bytes.as_slice()]) }.map_err(|code| cl_error("clCreateProgramWithBinary", what, code))?;
    let rebuilt = Program::own(raw);
    build_checked(dev, &rebuilt, options, &format!("{what}, its PTX with the sm_90a instructions uncommented,"))?;
    Ok(Some(rebuilt))
}

/// Builds `program` for `dev`; a failure reports `what` and the compiler's log.
fn build_checked(dev: &Device, program: &Program, options: &std::ffi::CStr, what: &str) -> Result<()> {
    let Err(code) = build_program(program.raw(), &[dev.id], options, None, std::ptr::null_mut()) else {
        return Ok(());
    };
    let log = get_program_build_data(program.raw(), dev.id, CL_PROGRAM_BUILD_LOG)
        .map(|b| {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(b.get(..end).unwrap_or_default()).trim().to_string()
        })
        .unwrap_or_else(|e| format!("(no build log: {})", opencl3::error_codes::error_text(e)));
    Err(Error::OpenCl { call: "clBuildProgram", message: format!("{what}: {} ({code}); build log:\n{log}", opencl3::error_codes::error_text(code)) })
}

pub(crate) fn kernel_uint(bytes: &[u8]) -> Option<u64> {
    match *bytes {
        [a, b, c, d] => Some(u64::from(u32::from_ne_bytes([a, b, c, d]))),
        [a, b, c, d, e, f, g, h] => Some(u64::from_ne_bytes([a, b, c, d, e, f, g, h])),
        _ => None,
    }
}

/// Creates a `cl_kernel` for one dispatch of kernel `i` and sets its arguments: `buffers`
/// (one sub-buffer per binding) then, if any, the push constants.
pub(crate) fn dispatch_kernel(dev: &Device, program: &Program, i: usize, k: &KernelEntry, entry: &CString, buffers: &[cl_mem], push: &[u8]) -> Result<Kernel> {
    let what = kernel_path(i, k);
    let kernel = Kernel::own(create_kernel(program.raw(), entry).map_err(|code| cl_error("clCreateKernel", format!("{what} entry '{}'", k.entry), code))?);
    let num_args = get_kernel_data(kernel.raw(), CL_KERNEL_NUM_ARGS)
        .ok()
        .and_then(|b| kernel_uint(&b))
        .ok_or_else(|| Error::OpenCl { call: "clGetKernelInfo", message: format!("{what}: CL_KERNEL_NUM_ARGS unreadable") })?;
    let want = buffers.len() as u64 + u64::from(!push.is_empty());
    if num_args != want {
        return Err(invalid(
            format!("{what}.bindings"),
            format!("entry '{}' takes {num_args} arguments, but the manifest declares {} bindings and {} push-constant bytes ({want} arguments)", k.entry, buffers.len(), push.len()),
        ));
    }
    // reqd_work_group_size in the source, (0, 0, 0) when absent: it must be what the
    // manifest dispatches with, or every enqueue would fail with CL_INVALID_WORK_GROUP_SIZE.
    let required: Vec<u64> = get_kernel_work_group_data(kernel.raw(), dev.id, CL_KERNEL_COMPILE_WORK_GROUP_SIZE)
        .map(|b| b.chunks_exact(std::mem::size_of::<usize>()).filter_map(kernel_uint).collect())
        .unwrap_or_default();
    let declared: Vec<u64> = k.workgroup_size.iter().map(|&d| u64::from(d)).collect();
    if required.len() == 3 && required.iter().any(|&d| d != 0) && required != declared {
        return Err(invalid(
            format!("{what}.workgroup_size"),
            format!("{declared:?} differs from the source's reqd_work_group_size {required:?}"),
        ));
    }
    let invocations = k.workgroup_size.iter().fold(1u64, |a, &d| a.saturating_mul(u64::from(d)));
    let kernel_max = get_kernel_work_group_data(kernel.raw(), dev.id, CL_KERNEL_WORK_GROUP_SIZE)
        .ok()
        .and_then(|b| kernel_uint(&b))
        .ok_or_else(|| Error::OpenCl { call: "clGetKernelWorkGroupInfo", message: format!("{what}: CL_KERNEL_WORK_GROUP_SIZE unreadable") })?;
    if invocations > kernel_max {
        return Err(invalid(
            format!("{what}.workgroup_size"),
            format!("{invocations} work-items per group exceeds this kernel's limit on the device, {kernel_max} (CL_KERNEL_WORK_GROUP_SIZE)"),
        ));
    }
    for (a, mem) in buffers.iter().enumerate() {
        let index = u32::try_from(a).unwrap_or(u32::MAX);
        // SAFETY: argument `a` is a `__global` pointer (the argument count was checked
        // above); its value is a `cl_mem` handle, passed by address with its exact size, and
        // the sub-buffer outlives the kernel (the executor drops kernels first).
        unsafe { set_kernel_arg(kernel.raw(), index, std::mem::size_of::<cl_mem>(), (mem as *const cl_mem).cast::<c_void>()) }
            .map_err(|code| cl_error("clSetKernelArg", format!("{what} argument {a}"), code))?;
    }
    if !push.is_empty() {
        let index = u32::try_from(buffers.len()).unwrap_or(u32::MAX);
        // SAFETY: `push` is a live byte slice of exactly the size passed; OpenCL copies it
        // during the call and refuses (CL_INVALID_ARG_SIZE) a size the argument does not have.
        unsafe { set_kernel_arg(kernel.raw(), index, push.len(), push.as_ptr().cast::<c_void>()) }
            .map_err(|code| cl_error("clSetKernelArg", format!("{what} push-constant argument {index} ({} bytes)", push.len()), code))?;
    }
    Ok(kernel)
}

#[cfg(test)]
mod tests {
    use super::{entry_registers, nv_register_cap};

    #[test]
    fn registers_are_read_for_the_named_entry_of_a_verbose_log() {
        let log = "ptxas info    : 0 bytes gmem\nptxas info    : Compiling entry function 'drift_verbose_build' for 'sm_90'\nptxas info    : Used 6 registers, 360 bytes cmem[0]\nptxas info    : Compiling entry function 'k_main' for 'sm_90'\nptxas info    : Function properties for k_main\n    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\nptxas info    : Used 136 registers, 10256 bytes smem, 400 bytes cmem[0]\n";
        assert_eq!(entry_registers(log, "k_main"), Some(136));
        assert_eq!(entry_registers(log, "drift_verbose_build"), Some(6));
        // No line names the entry: the largest figure.
        assert_eq!(entry_registers(log, "other"), Some(136));
        assert_eq!(entry_registers("no figures", "k_main"), None);
    }

    #[test]
    fn register_caps_fit_the_workgroup_in_65536() {
        assert_eq!(nv_register_cap(256), None);
        assert_eq!(nv_register_cap(512), Some(128));
        assert_eq!(nv_register_cap(1024), Some(64));
        assert_eq!(nv_register_cap(768), Some(80));
        assert_eq!(nv_register_cap(0), None);
        assert_eq!(nv_register_cap(u64::MAX), Some(16));
    }
}