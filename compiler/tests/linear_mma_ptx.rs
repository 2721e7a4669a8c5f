//! tuning.opencl_ptx_mma: the prefill projections of an f16 Llama-shaped checkpoint whose
//! widths fill 64 x 64 (and, with `opencl_mma_large_min_tiles` = 1, 128 x 128) tiles compile
//! to `linear_mma` (OpenCL C with inline PTX) for the NVIDIA OpenCL target, and clang's
//! NVPTX back end accepts every kernel and keeps the instructions it is built on (per step
//! and subgroup 16 or 64 `mma.sync` and 8 or 16 `ldmatrix`; `cp.async` per lane for two or
//! three stages). Without the key, `linear_tiled`; on a SPIR-V target the key is refused by
//! name. With `opencl_ptx_mma_emulated` (the PTX written as OpenCL C) the same kernels run
//! on PoCL: the prompt's logits equal those of the `linear_tiled` bundle (the prefill
//! kernel checked against transformers' logits in `llm_generate`), small tiles in three
//! stages and large ones in two, and for q8 and 8/4/4 weights. The real
//! instructions run on the GPU machine only
//! (`scripts/llm_device_check.py ... nvidia-h100-opencl --tuning opencl_ptx_mma=true`).

mod common;

use common::*;
use driftc::target::Target;

fn compile(dir: &std::path::Path, tuning: &str) -> Vec<(String, String)> {
    compile_for(dir, "nvidia-h100-opencl", tuning).sources
}

/// linear_wgmma's tiles of 128 x 128 (one warpgroup of 128 rows), which the checks below
/// take as the base form; the target's own are 128 x 256 where the outputs fill them.
const NARROW: &str = "\nopencl_wgmma_tile_outputs = 128\nopencl_wgmma_warpgroup_rows = 128\nopencl_wgmma_row_groups = 1";

/// Large (128 x 128) tiles everywhere, for the checkpoint's few tiles.
const LARGE: &str = "\nopencl_mma_large_min_tiles = 1";

fn compile_for(dir: &std::path::Path, target: &str, tuning: &str) -> driftc::compile::Compiled {
    compile_quant(dir, target, tuning, Default::default())
}

fn compile_quant(dir: &std::path::Path, target: &str, tuning: &str, quant: driftc::front::llm::Quant) -> driftc::compile::Compiled {
    compile_chunk(dir, target, tuning, quant, 128)
}

#[test]
fn emulated_tensor_core_prefill_matches_the_tiled_kernel_on_pocl() {
    let dir = std::env::temp_dir().join(format!("driftc-mma-emu-{}", std::process::id()));
    llama_f16_checkpoint(&dir);
    // A full chunk of 128 prompt tokens (every projection on whole tiles).
    let prompt: Vec<u32> = (0..128u32).map(|i| (i * 37 + 11) % 256).collect();
    let logits = |tuning: &str| {
        let compiled = compile_for(&dir, "pocl", tuning);
        let mma = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_mma")).count();
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        (mma, g.prefill(&prompt).unwrap_or_else(|e| panic!("{tuning}: {e}")))
    };
    let (tiled_kernels, want) = logits(PTX_OFF);
    assert_eq!(tiled_kernels, 0, "no tensor-core kernels without the key");
    let spread = want.iter().map(|v| v.abs()).fold(0.0f32, f32::max);
    assert!(spread > 0.0, "logits of the tiled bundle");
    // 64 x 64 tiles (the default for so few) in three stages, then 128 x 128 in two.
    for tuning in ["opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true\nopencl_mma_stages = 3".to_string(), format!("opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true{LARGE}")] {
        let (mma_kernels, got) = logits(&tuning);
        assert!(mma_kernels > 0, "the prefill projections on linear_mma with {tuning}");
        let err = driftc::reference::rel_l2(&got, &want);
        assert!(err <= 1e-3, "emulated linear_mma ({tuning}) vs linear_tiled: logits rel L2 {err:.3e}");
    }
    // q8 (int8 weights, scaled per row after the product) with `opencl_mma_int8_weights`,
    // and 8/4/4 (int4 weights, an f16 scale per row and block of 32; the feed-forward
    // products) with `opencl_mma_int4_weights`, each weight made f16 in one rounding where
    // linear_tiled keeps it in f32: the prompt's logits against the same weights without
    // tensor cores. (64 x 64 tiles: PoCL's compile of the emulated 128 x 128 kernel alone
    // takes minutes.)
    let int8 = (driftc::front::llm::Quant::Q8, "DRIFT_I8X2_F16X2(b0_0", "opencl_mma_int8_weights");
    let int4 = (driftc::front::llm::Quant::Q844, "DRIFT_I4X2_F16X2(b0_0", "opencl_mma_int4_weights");
    for (quant, marker, key) in [int8, int4] {
        let run = |tuning: &str| {
            let compiled = compile_quant(&dir, "pocl", tuning, quant);
            let converted = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_mma") && src.contains(marker)).count();
            let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
            let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{quant:?} {tuning}: {e}"));
            (converted, g.prefill(&prompt).unwrap_or_else(|e| panic!("{quant:?} {tuning}: {e}")))
        };
        let (plain, want) = run(PTX_OFF);
        assert_eq!(plain, 0, "{quant:?}: no tensor-core kernels without the key");
        let tuning = format!("opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true\n{key} = true");
        let (converted, got) = run(&tuning);
        assert!(converted > 0, "{quant:?} prefill projections on linear_mma with {tuning}");
        let err = driftc::reference::rel_l2(&got, &want);
        assert!(err <= 1e-3, "emulated {quant:?} linear_mma ({tuning}) vs the bundle without tensor cores: logits rel L2 {err:.3e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn prefill_projections_compile_to_inline_ptx_tensor_core_kernels() {
    let dir = std::env::temp_dir().join(format!("driftc-mma-{}", std::process::id()));
    llama_f16_checkpoint(&dir.join("ckpt"));
    let count = |sources: &[(String, String)], kernel: &str| sources.iter().filter(|(k, _)| k.starts_with(kernel)).count();
    let plain = compile(&dir.join("ckpt"), PTX_OFF);
    assert_eq!(count(&plain, "linear_mma"), 0, "no tensor-core kernels without the key");
    let tiled = count(&plain, "linear_tiled");
    assert!(tiled > 0, "prefill projections on linear_tiled without the key");
    let clang = clang();
    for (large, stages) in [(false, 2), (true, 2), (false, 3), (true, 3)] {
        // (Without linear_wgmma, which takes the whole 128 x 128 tiles where it is on.)
        let tuning = format!("opencl_ptx_mma = true\nopencl_ptx_wgmma = false\nopencl_mma_stages = {stages}{}", if large { LARGE } else { "" });
        let mma = compile(&dir.join("ckpt"), &tuning);
        assert_eq!(count(&mma, "linear_tiled"), 0, "every prefill projection on linear_mma with the key");
        assert!(count(&mma, "linear_mma") > 0, "linear_mma kernels with the key");
        // clang's NVPTX back end (OpenCL C, default header) must accept each kernel and keep
        // the inline PTX.
        for (name, src) in mma.iter().filter(|(k, _)| k.starts_with("linear_mma")) {
            let ptx = nvptx(&clang, &dir, name, src);
            let members = merged_members(name);
            // Per step (two halves of 16 inputs): 4 x 8 or 2 x 4 blocks of products, 4 + 4 or
            // 2 + 2 fragment loads; copies of 4 or 2 units per operand, for the first one
            // or two steps and per step.
            let (products, fragments, units) = if large { (64, 16, 4) } else { (16, 8, 2) };
            let copies = 2 * units * stages;
            for (instruction, want) in [("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", products), ("ldmatrix.sync.aligned.m8n8.x4.shared.b16", fragments), ("cp.async.cg.shared.global", copies)] {
                assert_eq!(ptx.matches(instruction).count(), want * members, "{name} ({tuning}): {instruction}");
            }
        }
    }
    // int8 weights (q8 with `opencl_mma_int8_weights`): A fragments through ldmatrix, each
    // B fragment pair converted from int8 (two per block of outputs and half step); int4
    // weights (8/4/4 with `opencl_mma_int4_weights`): each pair made f16 (a subtraction)
    // and scaled (a product) in f16 pairs.
    let int8 = (driftc::front::llm::Quant::Q8, "DRIFT_I8X2_F16X2(b0_0", "opencl_mma_int8_weights", &["sub.f16x2"][..]);
    let int4 = (driftc::front::llm::Quant::Q844, "DRIFT_I4X2_F16X2(b0_0", "opencl_mma_int4_weights", &["sub.f16x2", "mul.rn.f16x2"][..]);
    for ((quant, marker, key, converting), large) in [int8, int4].into_iter().flat_map(|c| [(c, false), (c, true)]) {
        // (Not widened to f16 for linear_wgmma: `widened_weights` checks that form.)
        let tuning = format!("opencl_ptx_mma = true\n{key} = true\nprefill_widened_weights = false{}", if large { LARGE } else { "" });
        let sources = compile_quant(&dir.join("ckpt"), "nvidia-h100-opencl", &tuning, quant).sources;
        let converted: Vec<_> = sources.iter().filter(|(k, src)| k.starts_with("linear_mma") && src.contains(marker)).collect();
        assert!(!converted.is_empty(), "{quant:?} projections on linear_mma with {tuning}");
        for (name, src) in converted {
            let ptx = nvptx(&clang, &dir, name, src);
            let members = merged_members(name);
            let (products, fragments, conversions) = if large { (64, 8, 32) } else { (16, 4, 16) };
            let mut want = vec![("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", products), ("ldmatrix.sync.aligned.m8n8.x4.shared.b16", fragments)];
            want.extend(converting.iter().map(|&c| (c, conversions)));
            for (instruction, count) in want {
                assert_eq!(ptx.matches(instruction).count(), count * members, "{name} ({tuning}): {instruction}");
            }
        }
    }
    let vulkan = std::fs::read_to_string(repo().join("targets/nvidia-h100.toml")).expect("target file");
    let err = Target::from_toml(&set_tuning(&vulkan, "opencl_ptx_mma = true"), std::path::Path::new("nvidia-h100.toml")).expect_err("refused");
    assert!(err.to_string().contains("tuning.opencl_ptx_mma"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Int8 decode activations through OpenCL on NVIDIA (`tuning.decode_int8_activations` with
/// inline PTX): the q8 and 8/4/4 decode projections sum their int8 products with `dp4a`,
/// which clang's NVPTX back end keeps, and the bundle asks the device for no int8 dot
/// product of its own (PoCL's sums in C are checked against the reference in llm_generate).
#[test]
fn int8_decode_activations_compile_to_dp4a() {
    let dir = std::env::temp_dir().join(format!("driftc-dp4a-{}", std::process::id()));
    llama_f16_checkpoint(&dir.join("ckpt"));
    let clang = clang();
    for quant in [driftc::front::llm::Quant::Q8, driftc::front::llm::Quant::Q844] {
        let compiled = compile_quant(&dir.join("ckpt"), "nvidia-h100-opencl", "decode_int8_activations = true", quant);
        let b = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        assert!(!b.manifest().requirements.int8_dot, "{quant:?}: the bundle requires no device int8 dot product");
        let kernels: Vec<&(String, String)> = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_matvec") && src.contains("drift_dp4a_ptx(")).collect();
        assert!(kernels.len() >= 2, "{quant:?}: {} decode projections on dp4a", kernels.len());
        for (name, src) in kernels {
            let ptx = nvptx(&clang, &dir, name, src);
            assert!(ptx.contains("dp4a.s32.s32"), "{quant:?} {name}: no dp4a in the PTX");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The marked m64n128k16 products of a `linear_wgmma` kernel's PTX, a line each.
/// Places a three-stage `linear_wgmma` source issues a step's copies: per member, the
/// first two steps' before its loop and the later steps' in it (none where the member has
/// only two steps).
fn copy_sites(src: &str) -> usize {
    src.split("for (uint kt = 0u; kt < ").skip(1).filter_map(|rest| rest.split('u').next()?.parse::<usize>().ok()).map(|steps| steps.min(2) + usize::from(steps > 2)).sum()
}

fn wgmma_products(ptx: &str) -> Vec<&str> {
    ptx.lines().filter(|l| l.contains("// DRIFT_SM90A wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {")).collect()
}

/// tuning.opencl_ptx_wgmma: the f16 prefill projections on whole 128 x 128 tiles take
/// `linear_wgmma` (Hopper's warpgroup instructions, in PTX comments runtime-min uncomments
/// for sm_90a). clang's NVPTX back end accepts each kernel and keeps, per step and half
/// tile, the marked `wgmma.mma_async` m64n128k16 with its 64 accumulator registers
/// substituted, and 4 copies of 16 bytes per lane and operand for each of three stages,
/// the stages aligned for the 64-byte swizzle.
/// With `opencl_ptx_mma_emulated`, PoCL runs the same kernel (each lane summing its own
/// accumulators from the staged tiles as the descriptors lay them out): the prompt's logits
/// equal those of the `linear_tiled` bundle, in three and four stages and with two
/// warpgroups per workgroup, and in steps of 64 inputs (the 128-byte swizzle). The
/// opt-in workgroup memory bounds the stages and moves no other kernel. The real instructions run on the GPU machine
/// (`scripts/llm_device_check.py ... --against-tiled --tuning opencl_ptx_wgmma=true`).
#[test]
fn warpgroup_prefill_compiles_to_marked_wgmma_and_matches_the_tiled_kernel_on_pocl() {
    let dir = std::env::temp_dir().join(format!("driftc-wgmma-{}", std::process::id()));
    llama_f16_checkpoint(&dir.join("ckpt"));
    let count = |sources: &[(String, String)], kernel: &str| sources.iter().filter(|(k, _)| k.starts_with(kernel)).count();
    let sources = compile(&dir.join("ckpt"), &format!("opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_step_inputs = 32{NARROW}"));
    assert_eq!(count(&sources, "linear_mma") + count(&sources, "linear_tiled"), 0, "every prefill projection (128-wide tiles) on linear_wgmma");
    let clang = clang();
    let mut kernels = 0;
    for (name, src) in sources.iter().filter(|(k, _)| k.starts_with("linear_wgmma")) {
        // The stages on the swizzle's period; descriptors with the 64-byte swizzle (mode 2 at
        // bit 62) and groups of 8 rows 512 bytes apart.
        assert!(src.contains("drift_mma[3072] __attribute__((aligned(1024)))"), "{name}: stages aligned");
        assert!(src.contains("(1ul << 16) | (32ul << 32) | (2ul << 62)"), "{name}: descriptors");
        let ptx = nvptx(&clang, &dir, name, src);
        let members = merged_members(name);
        let products = wgmma_products(&ptx);
        assert_eq!(products.len(), 4 * members, "{name}: two halves of 64 rows, two of 16 inputs per step");
        for line in &products {
            assert_eq!(float_registers(line), 64, "{name}: 64 float registers substituted: {line}");
        }
        for (instruction, want) in [("// DRIFT_SM90A wgmma.fence.sync.aligned;", 1), ("// DRIFT_SM90A wgmma.commit_group.sync.aligned;", 1), ("// DRIFT_SM90A wgmma.wait_group.sync.aligned 0;", 1), ("fence.proxy.async.shared::cta;", 1), ("cp.async.cg.shared.global", 2 * 4 * 3)] {
            assert_eq!(ptx.matches(instruction).count(), want * members, "{name}: {instruction}");
        }
        kernels += 1;
    }
    assert!(kernels > 0, "linear_wgmma kernels with the key");
    // Steps of 64 inputs: rows of 128 bytes with the 128-byte swizzle (mode 1, groups of 8
    // rows 1024 bytes apart), three stages of 32 KB (the target's opt-in workgroup memory),
    // four inputs' quarters per step and half tile, 8 copies per lane and operand.
    let wide_steps = compile(&dir.join("ckpt"), &format!("opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_step_inputs = 64{NARROW}"));
    let mut kernels = 0;
    for (name, src) in wide_steps.iter().filter(|(k, _)| k.starts_with("linear_wgmma")) {
        assert!(src.contains("drift_mma[6144] __attribute__((aligned(1024)))"), "{name}: three stages of 32 KB, aligned");
        assert!(src.contains("(1ul << 16) | (64ul << 32) | (1ul << 62)"), "{name}: descriptors");
        let ptx = nvptx(&clang, &dir, name, src);
        let members = merged_members(name);
        assert_eq!(wgmma_products(&ptx).len(), 8 * members, "{name}: two halves, four quarters of 16 inputs per step");
        let sites = copy_sites(src);
        assert_eq!(src.matches("for (uint kt = 0u; kt < ").count(), members, "{name}: one loop per member");
        assert_eq!(ptx.matches("cp.async.cg.shared.global").count(), 2 * 8 * sites, "{name}: copies");
        kernels += 1;
    }
    assert!(kernels > 0, "linear_wgmma kernels with steps of 64");
    // Warpgroups of 64 rows (one half tile, 64 sums per lane), two per workgroup: per step
    // one product per quarter of inputs, each with its own A descriptor and the shared B.
    let half_rows = compile(&dir.join("ckpt"), "opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = 2\nopencl_wgmma_warpgroup_rows = 64\nopencl_wgmma_tile_outputs = 128");
    let mut kernels = 0;
    for (name, src) in half_rows.iter().filter(|(k, _)| k.starts_with("linear_wgmma")) {
        assert!(src.contains("reqd_work_group_size(256, 1, 1)"), "{name}: two warpgroups");
        let ptx = nvptx(&clang, &dir, name, src);
        let members = merged_members(name);
        let products = wgmma_products(&ptx);
        assert_eq!(products.len(), 4 * members, "{name}: one half tile, four quarters of 16 inputs per step");
        for line in &products {
            let operands = line.split('}').nth(1).unwrap_or("");
            assert_eq!(operands.matches("%rd").count(), 2, "{name}: the A and B descriptors of each product: {line}");
        }
        kernels += 1;
    }
    assert!(kernels > 0, "linear_wgmma kernels with warpgroups of 64 rows");
    // Tiles of 256 outputs (m64n256k16, 128 sums per lane) where the outputs fill them (the
    // feed-forward's 256), 128 elsewhere; three stages of 48 KB.
    let wide = compile(&dir.join("ckpt"), "opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = 2\nopencl_wgmma_warpgroup_rows = 64\nopencl_wgmma_tile_outputs = 256\nopencl_wgmma_step_inputs = 64\nopencl_mma_large_min_tiles = 1");
    let (mut wide_kernels, mut narrow_kernels) = (0, 0);
    for (name, src) in wide.iter().filter(|(k, _)| k.starts_with("linear_wgmma")) {
        let ptx = nvptx(&clang, &dir, name, src);
        let wide_products: Vec<&str> = ptx.lines().filter(|l| l.contains("// DRIFT_SM90A wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16 {")).collect();
        if wide_products.is_empty() {
            assert_eq!(wgmma_products(&ptx).len(), 4 * merged_members(name), "{name}: 128-wide tiles, four quarters per step");
            narrow_kernels += 1;
            continue;
        }
        assert!(src.contains("drift_mma[9216] __attribute__((aligned(1024)))"), "{name}: three stages of 48 KB (128 rows and 256 outputs of 128 bytes)");
        assert_eq!(wide_products.len(), 4 * merged_members(name), "{name}: one half tile per warpgroup, four quarters of 16 inputs per step");
        for line in &wide_products {
            assert_eq!(float_registers(line), 128, "{name}: 128 float registers substituted: {line}");
        }
        // Per step and lane: 4 copies of the 128 rows, 8 of the 256 outputs.
        let sites = copy_sites(src);
        assert_eq!(ptx.matches("cp.async.cg.shared.global").count(), 12 * sites, "{name}: copies");
        wide_kernels += 1;
    }
    assert!(wide_kernels > 0 && narrow_kernels > 0, "256-wide tiles for the feed-forward, 128 for the rest ({wide_kernels}, {narrow_kernels})");
    // Without the lowered bound, the checkpoint's one 256-wide tile per projection is fewer
    // than tuning.opencl_mma_large_min_tiles (128): 128 wide.
    let few = compile(&dir.join("ckpt"), "opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = 2\nopencl_wgmma_warpgroup_rows = 64\nopencl_wgmma_tile_outputs = 256\nopencl_wgmma_step_inputs = 64");
    assert!(count(&few, "linear_wgmma") > 0 && few.iter().filter(|(k, _)| k.starts_with("linear_wgmma")).all(|(_, src)| !src.contains("m64n256k16")), "too few 256-wide tiles: 128 wide");
    let text = set_tuning(&std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file"), "opencl_wgmma_tile_outputs = 256\nopencl_wgmma_warpgroup_rows = 128");
    let err = Target::from_toml(&text, std::path::Path::new("nvidia-h100-opencl.toml")).expect_err("refused");
    assert!(err.to_string().contains("warpgroups of 64 rows"), "{err}");
    for (groups, rows) in [(4, 128), (3, 64)] {
        let text = set_tuning(&std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file"), &format!("opencl_wgmma_row_groups = {groups}\nopencl_wgmma_warpgroup_rows = {rows}"));
        let err = Target::from_toml(&text, std::path::Path::new("nvidia-h100-opencl.toml")).expect_err("refused");
        assert!(err.to_string().contains("at most 256 rows per workgroup"), "{err}");
    }
    // On PoCL, emulated, against linear_tiled.
    let prompt: Vec<u32> = (0..128u32).map(|i| (i * 37 + 11) % 256).collect();
    let logits = |tuning: &str| {
        let compiled = compile_for(&dir.join("ckpt"), "pocl", tuning);
        let wgmma = compiled.sources.iter().filter(|(k, _)| k.starts_with("linear_wgmma")).count();
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        (wgmma, g.prefill(&prompt).unwrap_or_else(|e| panic!("{tuning}: {e}")))
    };
    let (none, want) = logits(PTX_OFF);
    assert_eq!(none, 0);
    // Three stages (the default) and four (the copies of two later steps in flight), steps
    // of 32 inputs (64-byte swizzle) and of 64 (128-byte swizzle).
    for (stages, step) in [(3, 32), (4, 32), (3, 64)] {
        let (wgmma, got) = logits(&format!("opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true\nopencl_ptx_wgmma = true\nopencl_wgmma_stages = {stages}\nopencl_wgmma_step_inputs = {step}"));
        assert!(wgmma > 0, "the prefill projections on linear_wgmma on PoCL ({stages} stages, steps of {step})");
        let err = driftc::reference::rel_l2(&got, &want);
        assert!(err <= 1e-3, "emulated linear_wgmma ({stages} stages, steps of {step}) vs linear_tiled: logits rel L2 {err:.3e}");
    }
    // Tiles of 256 outputs (the feed-forward's gate and up), two warpgroups of 64 rows.
    let wide_tiles = "opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = 2\nopencl_wgmma_warpgroup_rows = 64\nopencl_wgmma_tile_outputs = 256\nopencl_wgmma_step_inputs = 64\nopencl_mma_large_min_tiles = 1";
    let wide_sources = compile_for(&dir.join("ckpt"), "pocl", wide_tiles).sources;
    // (Emulated: a warpgroup of 64 rows sums 128 accumulators per lane only on 256 outputs.)
    assert!(wide_sources.iter().any(|(k, src)| k.starts_with("linear_wgmma") && src.contains("float acc[128];")), "256-wide tiles on PoCL");
    let (_, got) = logits(wide_tiles);
    let err = driftc::reference::rel_l2(&got, &want);
    assert!(err <= 1e-3, "emulated linear_wgmma (256-wide tiles) vs linear_tiled: logits rel L2 {err:.3e}");
    // Two warpgroups per workgroup (256 rows × 128 outputs) on a full chunk of 256 rows
    // (the second warpgroup's rows are prompt rows), against linear_tiled on the same chunk.
    let long: Vec<u32> = (0..256u32).map(|i| (i * 37 + 11) % 256).collect();
    let chunk_logits = |tuning: &str| {
        let compiled = compile_chunk(&dir.join("ckpt"), "pocl", tuning, Default::default(), 256);
        let wide = compiled.sources.iter().filter(|(k, src)| k.starts_with("linear_wgmma") && !src.contains("reqd_work_group_size(128, 1, 1)")).count();
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        (wide, g.prefill(&long).unwrap_or_else(|e| panic!("{tuning}: {e}")))
    };
    let (_, want) = chunk_logits(PTX_OFF);
    // Also four warpgroups of 64 rows (512 lanes).
    for (groups, rows, step) in [(2, 128, 32), (2, 128, 64), (4, 64, 64)] {
        let (wide, got) = chunk_logits(&format!("opencl_ptx_mma = true\nopencl_ptx_mma_emulated = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = {groups}\nopencl_wgmma_warpgroup_rows = {rows}\nopencl_wgmma_step_inputs = {step}"));
        assert!(wide > 0, "linear_wgmma with {groups} warpgroups of {rows} rows on PoCL (steps of {step})");
        let err = driftc::reference::rel_l2(&got, &want);
        assert!(err <= 1e-3, "emulated linear_wgmma ({groups} warpgroups of {rows} rows, steps of {step}) vs linear_tiled: logits rel L2 {err:.3e}");
    }
    // The NVIDIA target's opt-in workgroup memory (197632 bytes) bounds the stages: seven of
    // 32 KB do not fit (linear_mma); without the opt-in line, four of 16 KB exceed the 48
    // KB reported. No other kernel changes with the opt-in line (the gate kept apart: it
    // folds only where the warpgroup product takes it).
    let seven = compile(&dir.join("ckpt"), &format!("opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_stages = 7\nopencl_wgmma_step_inputs = 64{NARROW}"));
    assert_eq!(count(&seven, "linear_wgmma"), 0, "seven stages of 32 KB do not fit the opt-in workgroup memory");
    assert!(count(&seven, "linear_mma") > 0);
    let text = std::fs::read_to_string(repo().join("targets/nvidia-h100-opencl.toml")).expect("target file");
    let reported: String = text.lines().filter(|l| !l.starts_with("max_compute_shared_memory_opt_in")).map(|l| format!("{l}\n")).collect();
    assert_ne!(reported, text, "the target file gives an opt-in figure");
    let four = |text: &str| compile_text(&dir.join("ckpt"), "nvidia-h100-opencl", text, &format!("opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_stages = 4\nopencl_wgmma_step_inputs = 32\nprefill_fused_gate = false{NARROW}"), Default::default(), 128).sources;
    let (opted, plain) = (four(&text), four(&reported));
    assert!(count(&opted, "linear_wgmma") > 0, "four stages of 16 KB within the opt-in figure");
    assert_eq!(count(&plain, "linear_wgmma"), 0, "four stages do not fit the reported workgroup memory");
    assert!(count(&plain, "linear_mma") > 0);
    let others = |sources: &[(String, String)]| -> Vec<(String, String)> { sources.iter().filter(|(k, _)| !k.starts_with("linear_")).cloned().collect() };
    assert_eq!(others(&opted), others(&plain), "the kernels other than the products are the same with and without the opt-in figure");
    let err = Target::from_toml(&set_tuning(&std::fs::read_to_string(repo().join("targets/pocl.toml")).expect("target file"), "opencl_ptx_wgmma = true"), std::path::Path::new("pocl.toml")).expect_err("refused without opencl_ptx_mma");
    assert!(err.to_string().contains("tuning.opencl_ptx_wgmma needs tuning.opencl_ptx_mma"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
