//! naga backends: every WGSL kernel is parsed and validated before any backend sees it,
//! then written as SPIR-V (Vulkan), MSL (Metal) or WGSL (WebGPU). `spirv-val` (Debian's
//! spirv-tools) checks SPIR-V when it is installed.

use naga::back::spv;
use naga::proc::{BoundsCheckPolicies, BoundsCheckPolicy};
use naga::valid::{Capabilities, ModuleInfo, ShaderStages, SubgroupOperationSet, ValidationFlags, Validator};

/// Parses and validates WGSL. f16, push constants (immediates), the f16 packing
/// builtins on f32/u32 (`unpack2x16float`: GLSL.std.450 UnpackHalf2x16 in SPIR-V) and
/// cooperative matrices (`coop_mat16x16`, only in kernels of targets that have them) and
/// subgroup barriers, sums, shuffles and votes in compute shaders (`subgroupBarrier`, `subgroupAdd`,
/// `subgroupShuffleXor`, `subgroupAny`, only where the target's tuning asks) are allowed.
pub fn validate_wgsl(src: &str) -> Result<(naga::Module, ModuleInfo), (&'static str, String)> {
    let module = naga::front::wgsl::parse_str(src).map_err(|e| ("WGSL parsing", e.emit_to_string(src)))?;
    let caps = Capabilities::IMMEDIATES | Capabilities::SHADER_FLOAT16 | Capabilities::SHADER_FLOAT16_IN_FLOAT32 | Capabilities::COOPERATIVE_MATRIX | Capabilities::SUBGROUP | Capabilities::SUBGROUP_BARRIER;
    let info = Validator::new(ValidationFlags::all(), caps)
        .subgroup_stages(ShaderStages::COMPUTE)
        .subgroup_operations(SubgroupOperationSet::BASIC | SubgroupOperationSet::ARITHMETIC | SubgroupOperationSet::SHUFFLE | SubgroupOperationSet::VOTE)
        .validate(&module).map_err(|e| ("naga validation", e.emit_to_string(src)))?;
    Ok((module, info))
}

/// Out-of-range indices into bindings are clamped into the binding (`Restrict`), so no
/// kernel can read or write outside the buffer range it is bound to, whatever a bundle
/// says. `fixed_arrays`: the same for workgroup arrays, vectors and other fixed-size
/// arrays (`tuning.fixed_array_bounds_checks`; our kernels index those with lane ids and
/// compile-time constants, so turning it off removes clamps, not protection of bindings).
fn policies(fixed_arrays: bool) -> BoundsCheckPolicies {
    let index = if fixed_arrays { BoundsCheckPolicy::Restrict } else { BoundsCheckPolicy::Unchecked };
    BoundsCheckPolicies { index, buffer: BoundsCheckPolicy::Restrict, image_load: BoundsCheckPolicy::Restrict, binding_array: BoundsCheckPolicy::Unchecked }
}

pub fn to_spirv(module: &naga::Module, info: &ModuleInfo, fixed_array_checks: bool) -> Result<Vec<u32>, String> {
    let options = spv::Options {
        lang_version: (1, 3),
        flags: spv::WriterFlags::empty(),
        bounds_check_policies: policies(fixed_array_checks),
        // Loop counters and workgroup zeroing cost 1.4-2x on lavapipe (GPU-NOTES.md);
        // our loops have static bounds and no kernel reads uninitialized shared memory.
        zero_initialize_workgroup_memory: spv::ZeroInitializeWorkgroupMemoryMode::None,
        force_loop_bounding: false,
        use_storage_input_output_16: false,
        ..spv::Options::default()
    };
    spv::write_vec(module, info, &options, None).map_err(|e| e.to_string())
}

pub fn to_msl(module: &naga::Module, info: &ModuleInfo, fixed_array_checks: bool) -> Result<String, String> {
    let options = naga::back::msl::Options {
        lang_version: (2, 4),
        fake_missing_bindings: true,
        bounds_check_policies: policies(fixed_array_checks),
        zero_initialize_workgroup_memory: false,
        force_loop_bounding: false,
        ..naga::back::msl::Options::default()
    };
    naga::back::msl::write_string(module, info, &options, &naga::back::msl::PipelineOptions::default()).map(|(s, _)| s).map_err(|e| e.to_string())
}

pub fn to_wgsl(module: &naga::Module, info: &ModuleInfo) -> Result<String, String> {
    naga::back::wgsl::write_string(module, info, naga::back::wgsl::WriterFlags::empty()).map_err(|e| e.to_string())
}

/// SPIR-V disassembly for golden files (naga's own writer, no external tool).
pub fn spirv_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Runs `spirv-val --target-env vulkan1.1` on a module. `Ok(false)` when the tool is
/// not installed.
pub fn spirv_val(words: &[u32]) -> Result<bool, String> {
    use std::io::Write;
    let Ok(tool) = which("spirv-val") else { return Ok(false) };
    // Unique per call: threads of one process may validate the same module at once.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir();
    let path = dir.join(format!("driftc-{}-{call}-{}.spv", std::process::id(), blake3::hash(&spirv_bytes(words)).to_hex()));
    let mut f = std::fs::File::create(&path).map_err(|e| e.to_string())?;
    f.write_all(&spirv_bytes(words)).map_err(|e| e.to_string())?;
    drop(f);
    let out = std::process::Command::new(tool).args(["--target-env", "vulkan1.1"]).arg(&path).output().map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    let out = out?;
    if out.status.success() {
        Ok(true)
    } else {
        Err(format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }
}

fn which(tool: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path).map(|d| d.join(tool)).find(|p| p.is_file()).ok_or(())
}
