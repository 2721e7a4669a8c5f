//! tuning.prefill_widened_weights: a q8 bundle's prefill products read their int8 weights
//! widened to f16 once per chunk (`widen_words`: 8 values per work-item) and run on the
//! f16 warpgroup product (`linear_wgmma`, the gate and up projections as one), while the
//! decode step keeps the int8 weights. For the NVIDIA target every prefill product of the
//! checkpoint is a `linear_wgmma`, a layer's q, k and v in one launch; on PoCL, emulated, the prompt's logits equal those of the q8 bundle on `linear_tiled`
//! (its int8 product checked against transformers in `llm_generate`), and the decode
//! step's tokens follow (8/4/4's int4 weights widened too, `widen_q4`); with the widenings run on a second queue (`opencl_side_queue`),
//! the logits and tokens are the same.

mod common;

use common::*;
use driftc::front::llm::Quant;

/// Wide tiles wherever they fill (the checkpoint makes few), the gate folded, the weights
/// widened.
const WIDENED: &str = "opencl_ptx_mma = true\nopencl_ptx_wgmma = true\nopencl_wgmma_row_groups = 2\nopencl_wgmma_warpgroup_rows = 64\nopencl_wgmma_tile_outputs = 256\nopencl_wgmma_step_inputs = 64\nopencl_mma_large_min_tiles = 1\nprefill_fused_gate = true\nprefill_widened_weights = true";

fn count(sources: &[(String, String)], prefix: &str) -> usize {
    sources.iter().filter(|(k, _)| k.starts_with(prefix)).count()
}

#[test]
fn q8_prefill_products_read_widened_weights() {
    let dir = std::env::temp_dir().join(format!("driftc-widened-{}", std::process::id()));
    let ckpt = dir.join("ckpt");
    llama_f16_checkpoint(&ckpt);
    let compile = |target: &str, tuning: &str| compile_chunk(&ckpt, target, tuning, Quant::Q8, 128);
    let kept = compile("nvidia-h100-opencl", &WIDENED.replace("prefill_widened_weights = true", "prefill_widened_weights = false")).sources;
    assert_eq!(count(&kept, "widen_words"), 0, "no widening without the key");
    assert!(count(&kept, "linear_mma") > 0, "int8 prefill products on linear_mma without the key");
    let widened = compile("nvidia-h100-opencl", WIDENED);
    let sources = &widened.sources;
    assert!(count(sources, "widen_words") > 0, "the weights widened");
    assert_eq!(count(sources, "linear_mma"), 0, "no int8 prefill product left on linear_mma");
    assert!(sources.iter().any(|(k, s)| k.starts_with("linear_wgmma") && s.contains("wgb")), "the gate and up projections as one warpgroup product");
    assert!(count(sources, "linear_matvec") > 0, "the decode step keeps its int8 products");
    // The widened weights live until the last of a layer's q, k and v products: they
    // launch as one kernel.
    assert!(count(sources, "linear_wgmma_x3") > 0, "the q, k and v products on widened weights merged");
    // On PoCL, emulated, against the q8 bundle without tensor cores; then 8 greedy tokens.
    let prompt: Vec<u32> = (0..100u32).map(|i| (i * 37 + 11) % 256).collect();
    let run = |tuning: &str| {
        let compiled = compile("pocl", tuning);
        let widening = count(&compiled.sources, "widen_words");
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        let logits = g.prefill(&prompt).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        let mut tokens = vec![runtime_min::generate::argmax(&logits)];
        for _ in 0..8 {
            let last = tokens.last().copied().unwrap_or(0);
            tokens.push(runtime_min::generate::argmax(&g.decode(last).unwrap_or_else(|e| panic!("{tuning}: {e}"))));
        }
        (widening, logits, tokens)
    };
    let (none, want, want_tokens) = run(PTX_OFF);
    assert_eq!(none, 0);
    let (widening, got, tokens) = run(&format!("{WIDENED}\nopencl_ptx_mma_emulated = true"));
    assert!(widening > 0, "the weights widened on PoCL");
    let err = driftc::reference::rel_l2(&got, &want);
    assert!(err <= 1e-3, "q8 prefill on widened weights vs linear_tiled on int8: logits rel L2 {err:.3e}");
    assert_eq!(tokens, want_tokens, "the decode steps after the chunk");
    // The widenings on a second queue, each from the product before its reader on
    // (`tuning.opencl_side_queue`): the same kernels, so the same logits and tokens.
    let side = format!("{WIDENED}\nopencl_ptx_mma_emulated = true\nopencl_side_queue = true");
    let compiled = compile("pocl", &side);
    let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
    let prefill = bundle.manifest().programs.iter().find(|p| p.name == "prefill").expect("a prefill program");
    let beside: Vec<&str> = prefill.dispatches.iter().filter(|d| d.side_after.is_some()).map(|d| d.label.as_str()).collect();
    assert!(beside.iter().any(|l| l.contains("down_proj")) && beside.iter().all(|l| l.ends_with(".widen")), "widenings beside the products: {beside:?}");
    let (_, side_logits, side_tokens) = run(&side);
    assert_eq!(side_logits, got, "prefill logits with the widenings on a second queue");
    assert_eq!(side_tokens, tokens);
    // 8/4/4: the attention projections' int8 weights widened (`widen_words`), the
    // feed-forward's int4 ones too (`widen_q4`: each weight rounded once to f16).
    let nvidia = compile_chunk(&ckpt, "nvidia-h100-opencl", WIDENED, Quant::Q844, 128).sources;
    assert!(count(&nvidia, "widen_q4") > 0 && count(&nvidia, "widen_words") > 0, "8/4/4: int8 and int4 weights widened");
    assert_eq!(count(&nvidia, "linear_mma"), 0, "8/4/4: no prefill product left on linear_mma");
    let run844 = |tuning: &str| {
        let compiled = compile_chunk(&ckpt, "pocl", tuning, Quant::Q844, 128);
        let widening = count(&compiled.sources, "widen_words") + count(&compiled.sources, "widen_q4");
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle).expect("bundle opens");
        let mut g = runtime_min::Generator::new(&bundle, &runtime_min::SessionOptions::default()).unwrap_or_else(|e| panic!("{tuning}: {e}"));
        (widening, g.prefill(&prompt).unwrap_or_else(|e| panic!("{tuning}: {e}")))
    };
    let (_, want) = run844(PTX_OFF);
    let (widening, got) = run844(&format!("{WIDENED}\nopencl_ptx_mma_emulated = true"));
    assert!(widening > 0, "8/4/4: the attention weights widened on PoCL");
    let err = driftc::reference::rel_l2(&got, &want);
    assert!(err <= 1e-3, "8/4/4 prefill on widened weights vs linear_tiled: logits rel L2 {err:.3e}");
    let _ = std::fs::remove_dir_all(&dir);
}
