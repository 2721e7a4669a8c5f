//! End to end on lavapipe: every golden model (and the real-weight PyPI models) compiled
//! for lavapipe, run through runtime-min on Mesa's CPU Vulkan, and compared with the
//! outputs onnxruntime computed (committed .npy): f32 within 1e-4, f16 within 1e-2
//! relative L2 error.

mod common;

use common::*;
use driftc::reference::rel_l2;
use driftc::target::Precision;

fn check(name: &str, precision: Precision, tol: f64) {
    let case = load_case(name);
    let compiled = case.compile("lavapipe", Some(precision));
    let got = run_on_device(&compiled, &case.inputs);
    for (out, want) in &case.outputs {
        let g = got.get(out).unwrap_or_else(|| panic!("{name}: output '{out}' missing"));
        let err = rel_l2(g, &want.as_f32());
        assert!(err <= tol, "{name} {precision:?}: output '{out}' relative L2 error {err:.3e} > {tol:.0e}");
    }
}

macro_rules! e2e {
    ($($case:ident),*) => {
        mod f32 { $(#[test] fn $case() { super::check(stringify!($case), driftc::target::Precision::F32, 1e-4); })* }
        mod f16 { $(#[test] fn $case() { super::check(stringify!($case), driftc::target::Precision::F16, 1e-2); })* }
    };
}

e2e!(tiny_cnn, tiny_ops, shape_chain, external_data, mlp_dynamic, squeezenet1_1, mobilenet_v2, sd_block, attention_wide, bert_tiny, llama_tiny, llama31_tiny, gemma2_tiny, ocr_cls, ocr_det);

/// The plan in the bundle is the one `driftc plan` reports, and the runtime allocates
/// exactly the planned pools and nothing more.
#[test]
fn runtime_allocates_exactly_the_plan() {
    use runtime_min::bundle::{align_up, PoolRole, WEIGHTS_ALIGN};
    for name in ["mobilenet_v2", "sd_block"] {
        let case = load_case(name);
        let target = driftc::target::Target::load("lavapipe").expect("target");
        let compiled = case.compile("lavapipe", None);
        let mut g = driftc::compile::import_file(&case.model(), &case.options(None).import).expect("imports");
        driftc::compile::optimize(&mut g, &target, None, |_, _| {}).expect("optimizes");
        let reported = driftc::compile::plan_memory(&g, &target, target.default_precision, None).expect("plans").report;
        assert_eq!(compiled.manifest.plan, reported, "{name}: bundle plan differs from `driftc plan`");
        let act = compiled.manifest.pools.iter().find(|p| p.role == PoolRole::Activations).expect("activations pool");
        assert_eq!(act.size, align_up(reported.planned_bytes.max(4), WEIGHTS_ALIGN), "{name}: pool size is not the planned size");
        let bundle = runtime_min::Bundle::from_vec(compiled.bundle.clone()).expect("opens");
        let session = runtime_min::Session::new(&bundle, &runtime_min::SessionOptions::default()).expect("session");
        let pools: u64 = compiled.manifest.pools.iter().map(|p| p.size).sum();
        assert_eq!(session.allocated_bytes(), pools, "{name}: runtime allocated more than the planned pools");
    }
}

/// Tensors larger than one storage binding are realized as several objects: with a
/// lavapipe target whose binding limit is 4 KiB, activations and weights of real models
/// are split, every binding stays within the limit, and results still match onnxruntime.
#[test]
fn tensors_split_across_bindings() {
    let text = std::fs::read_to_string(repo().join("targets/lavapipe.toml")).expect("target file");
    let limited = text.replace("max_storage_buffer_range = 134217728", "max_storage_buffer_range = 4096");
    assert_ne!(text, limited, "lavapipe.toml no longer has the expected limit line");
    let target = driftc::target::Target::from_toml(&limited, std::path::Path::new("lavapipe.toml")).expect("target");
    for name in ["tiny_cnn", "tiny_ops", "sd_block", "attention_wide"] {
        let case = load_case(name);
        let compiled = driftc::compile::compile_file(&case.model(), &target, &case.options(None)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let bindings: Vec<u64> = compiled.manifest.programs.iter().flat_map(|p| p.dispatches.iter().flat_map(|d| d.bindings.iter().map(|b| b.size))).collect();
        assert!(bindings.iter().all(|&b| b <= 4096), "{name}: a binding exceeds the 4 KiB limit");
        assert!(compiled.sources.iter().any(|(_, src)| src.contains("var<storage, read> b_w0") || src.contains("b_a00") || src.contains("b_y0:") || src.contains("b_x0:") || src.contains("b_v0:")), "{name}: nothing was split");
        let got = run_on_device(&compiled, &case.inputs);
        for (out, want) in &case.outputs {
            let err = rel_l2(&got[out], &want.as_f32());
            assert!(err <= 1e-4, "{name}: output '{out}' relative L2 error {err:.3e} with split tensors");
        }
    }
}

/// tuning.onnx_matmul_as_linear: the golden models' MatMuls by constant weights run as
/// Linears (the LLM path's product kernels) and still match onnxruntime (f32 1e-4, f16
/// 1e-2), with at least one Linear kernel in each bundle.
#[test]
fn constant_weight_matmuls_as_linears() {
    let text = std::fs::read_to_string(repo().join("targets/lavapipe.toml")).expect("target file");
    let t = driftc::target::Target::from_toml(&set_tuning(&text, "onnx_matmul_as_linear = true"), std::path::Path::new("lavapipe.toml")).expect("target parses");
    for name in ["bert_tiny", "sd_block", "mlp_dynamic"] {
        let case = load_case(name);
        for (precision, tol) in [(Precision::F32, 1e-4), (Precision::F16, 1e-2)] {
            let compiled = driftc::compile::compile_file(&case.model(), &t, &case.options(Some(precision))).unwrap_or_else(|e| panic!("{name} {precision:?}: {e}"));
            assert!(compiled.manifest.kernels.iter().any(|k| k.name.starts_with("linear_")), "{name} {precision:?}: a Linear kernel in the bundle");
            let got = run_on_device(&compiled, &case.inputs);
            for (out, want) in &case.outputs {
                let g = got.get(out).unwrap_or_else(|| panic!("{name}: output '{out}' missing"));
                let err = rel_l2(g, &want.as_f32());
                assert!(err <= tol, "{name} {precision:?} as Linears: output '{out}' relative L2 error {err:.3e} > {tol:.0e}");
            }
        }
    }
}
