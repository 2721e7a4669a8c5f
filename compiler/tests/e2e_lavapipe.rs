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

e2e!(tiny_cnn, tiny_ops, shape_chain, external_data, mlp_dynamic, squeezenet1_1, mobilenet_v2, sd_block, ocr_cls, ocr_det);
