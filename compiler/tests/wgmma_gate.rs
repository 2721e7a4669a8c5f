//! tuning.prefill_fused_gate on OpenCL: a prefill chunk's gate and up projections fold into
//! one `linear_wgmma` product (the up projection's weight rows and the gate's staged side
//! by side, one wgmma N over both, up · SiLU(gate) in the store). For the NVIDIA target,
//! clang's NVPTX back end accepts the gated kernel with its marked m64n256k16 products
//! (128 sums per lane, half of them the gate's) and no kernel writes the gate alone; on PoCL, emulated, the prompt's logits equal those of the `linear_tiled`
//! bundle (itself checked against transformers' logits in `llm_generate`), on 256-wide
//! tiles (128 outputs) and on 128-wide ones (64 outputs). Without the key, the gate is a
//! product of its own.

mod common;

use common::*;

/// The wide gated form: two warpgroups of 64 rows, 256 weight rows per tile, and tiles
/// wide wherever they fill (the checkpoint makes few).
const WIDE: &str = "opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = 2\nopencl_wgmma_warpgroup_rows = 64\nopencl_wgmma_tile_outputs = 256\nopencl_wgmma_step_inputs = 64\nopencl_mma_large_min_tiles = 1";

fn kernels<'a>(sources: &'a [(String, String)], prefix: &str) -> Vec<(&'a str, &'a str)> {
    sources.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(k, s)| (k.as_str(), s.as_str())).collect()
}

/// The gated products among `sources`: the kernels reading the gate's weight.
fn gated<'a>(sources: &'a [(String, String)]) -> Vec<(&'a str, &'a str)> {
    kernels(sources, "linear_wgmma").into_iter().filter(|(_, s)| s.contains("wgb")).collect()
}

#[test]
fn gate_and_up_projections_run_as_one_warpgroup_product() {
    let dir = std::env::temp_dir().join(format!("driftc-wgmma-gate-{}", std::process::id()));
    let ckpt = dir.join("ckpt");
    llama_f16_checkpoint(&ckpt);
    let compile = |target: &str, tuning: &str| compile_chunk(&ckpt, target, tuning, Default::default(), 128).sources;
    // NVIDIA target: without the key, gate, up and down are three products; with it, two,
    // the gated one staging 256 weight rows for 128 outputs.
    let apart = compile("nvidia-h100-opencl", &format!("{WIDE}\nprefill_fused_gate = false"));
    let folded = compile("nvidia-h100-opencl", &format!("{WIDE}\nprefill_fused_gate = true"));
    assert!(gated(&apart).is_empty(), "no gated product without the key");
    let gated_kernels = gated(&folded);
    assert_eq!(gated_kernels.len(), 1, "one gated product");
    let products = |s: &[(String, String)]| kernels(s, "linear_wgmma").iter().map(|(k, _)| merged_members(k)).sum::<usize>();
    assert_eq!(products(&apart), products(&folded) + 1, "the gate is no product of its own");
    let clang = clang();
    for (name, src) in gated_kernels {
        let ptx = nvptx(&clang, &dir, name, src);
        let wide: Vec<&str> = ptx.lines().filter(|l| l.contains("// DRIFT_SM90A wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16 {")).collect();
        assert_eq!(wide.len(), 4, "{name}: m64n256k16, one half tile per warpgroup, four quarters of 16 inputs per step");
        assert!(wide.iter().all(|l| float_registers(l) == 128), "{name}: 128 sums per lane");
        // Per step and lane: 4 copies of the 128 rows, 4 of the up weight's 128 rows, 4 of
        // the gate's.
        assert_eq!(src.matches("DRIFT_CP_ASYNC((st) + 16384u + s").count(), 8, "{name}: 8 weight copies per lane and step");
        assert_eq!(src.matches("(wgb + (size_t)(r").count(), 4, "{name}: the last 4 from the gate's weight");
        assert!(src.contains("const float gv = c0_16_0"), "{name}: the gate's sums 16 blocks after the up sums");
    }
    // On PoCL, emulated: the prompt's logits against the linear_tiled bundle's.
    let prompt: Vec<u32> = (0..128u32).map(|i| (i * 37 + 11) % 256).collect();
    let logits = |tuning: &str| {
        let compiled = compile_chunk(&ckpt, "pocl", tuning, Default::default(), 128);
        let gated = gated(&compiled.sources).len();
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        (gated, g.prefill(&prompt).unwrap_or_else(|e| panic!("{tuning}: {e}")))
    };
    let (none, want) = logits(PTX_OFF);
    assert_eq!(none, 0);
    // 256 weight rows per tile (128 outputs), and 128 (64 outputs: too few wide tiles
    // without the lowered bound).
    let narrow = WIDE.replace("\nopencl_mma_large_min_tiles = 1", "");
    for (form, tuning) in [("256-wide", WIDE.to_string()), ("128-wide", narrow)] {
        let tuning = format!("{tuning}\nopencl_ptx_mma_emulated = true\nprefill_fused_gate = true");
        let (gated, got) = logits(&tuning);
        assert_eq!(gated, 1, "{form}: the gated product on PoCL");
        let err = driftc::reference::rel_l2(&got, &want);
        assert!(err <= 1e-3, "emulated gated linear_wgmma ({form} tiles) vs linear_tiled: logits rel L2 {err:.3e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
