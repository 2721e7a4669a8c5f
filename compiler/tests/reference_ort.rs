//! The CPU reference interpreter against onnxruntime: on the imported graph and on the
//! optimized graph (so folding, BatchNorm folding and fusion are checked too), relative
//! L2 error below 1e-5.

mod common;

use common::*;
use driftc::compile;
use driftc::reference::{rel_l2, run};
use driftc::target::Target;

fn check(name: &str) {
    let case = load_case(name);
    let opts = case.options(None);
    let mut g = compile::import_file(&case.model(), &opts.import).expect("imports");
    let target = Target::load("lavapipe").expect("target");
    for stage in ["imported", "optimized"] {
        if stage == "optimized" {
            compile::optimize(&mut g, &target, None, |_, _| {}).expect("optimizes");
        }
        let got = run(&g, &case.inputs).unwrap_or_else(|e| panic!("{name} ({stage}): {e}"));
        for (out, want) in &case.outputs {
            let err = rel_l2(&got[out].as_f32(), &want.as_f32());
            assert!(err < 1e-5, "{name} ({stage}): output '{out}' relative L2 error {err:.3e}");
        }
    }
}

macro_rules! cases {
    ($($case:ident),*) => { $(#[test] fn $case() { check(stringify!($case)); })* };
}

cases!(tiny_cnn, tiny_ops, shape_chain, external_data, mlp_dynamic, squeezenet1_1, mobilenet_v2, sd_block, attention_wide, bert_tiny, llama_tiny, llama31_tiny, gemma2_tiny, ocr_cls, ocr_det);
