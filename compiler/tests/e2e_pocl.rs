//! End to end on PoCL: every golden model (and the real-weight PyPI models) compiled for
//! the `pocl` target (OpenCL C), run through runtime-min's OpenCL backend on PoCL's CPU
//! device, and compared with the outputs onnxruntime computed (committed .npy): f32 within
//! 1e-4, f16 storage (vload_half/vstore_half, no cl_khr_fp16) within 1e-2 relative L2.
//! Fails, never skips, when no OpenCL platform is found.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::compile::Compiled;
use driftc::ir::Value;
use driftc::reference::rel_l2;
use driftc::target::Precision;
use runtime_min::{Api, Bundle, Error, Session, SessionOptions};

/// Runs a compiled OpenCL bundle on this machine's first OpenCL device (PoCL in CI).
fn run_on_opencl(c: &Compiled, inputs: &BTreeMap<String, Value>) -> BTreeMap<String, Vec<f32>> {
    let b = Bundle::from_vec(c.bundle.clone()).expect("bundle opens");
    assert_eq!(b.manifest().api, Api::OpenCl);
    let mut s = match Session::new(&b, &SessionOptions::default()) {
        Ok(s) => s,
        Err(e @ Error::NoDevice { .. }) => panic!("no OpenCL device ({e}); install ocl-icd-libopencl1 and pocl-opencl-icd (make test does)"),
        Err(e) => panic!("Session::new: {e}"),
    };
    for (n, v) in inputs {
        s.set_input(n, &host_of(v)).expect("input accepted");
    }
    s.run().expect("run");
    let names: Vec<String> = s.written_output_names().iter().map(|n| n.to_string()).collect();
    names
        .into_iter()
        .map(|n| {
            let v = s.output(&n).expect("output").to_f32().expect("f32");
            (n, v)
        })
        .collect()
}

fn check(name: &str, precision: Precision, tol: f64) {
    let case = load_case(name);
    let compiled = case.compile("pocl", Some(precision));
    let got = run_on_opencl(&compiled, &case.inputs);
    for (out, want) in &case.outputs {
        let g = got.get(out).unwrap_or_else(|| panic!("{name}: output '{out}' missing"));
        let err = rel_l2(g, &want.as_f32());
        eprintln!("{name} {precision:?} on PoCL: '{out}' relative L2 error {err:.2e}");
        assert!(err <= tol, "{name} {precision:?} on PoCL: output '{out}' relative L2 error {err:.3e} > {tol:.0e}");
    }
}

macro_rules! e2e {
    ($($case:ident),*) => {
        mod f32 { $(#[test] fn $case() { super::check(stringify!($case), driftc::target::Precision::F32, 1e-4); })* }
        mod f16 { $(#[test] fn $case() { super::check(stringify!($case), driftc::target::Precision::F16, 1e-2); })* }
    };
}

e2e!(tiny_cnn, tiny_ops, shape_chain, external_data, mlp_dynamic, squeezenet1_1, mobilenet_v2, sd_block, bert_tiny, llama_tiny, ocr_cls, ocr_det);

/// The OpenCL backend allocates exactly the planned pools (one buffer per pool; sub-buffers
/// and kernel objects add no device memory).
#[test]
fn opencl_allocates_exactly_the_pools() {
    let compiled = load_case("mobilenet_v2").compile("pocl", None);
    let bundle = Bundle::from_vec(compiled.bundle.clone()).expect("opens");
    let session = Session::new(&bundle, &SessionOptions::default()).expect("session");
    let pools: u64 = compiled.manifest.pools.iter().map(|p| p.size).sum();
    assert_eq!(session.allocated_bytes(), pools);
    assert_eq!(compiled.manifest.api, Api::OpenCl);
    assert!(!compiled.manifest.requirements.fp16, "OpenCL bundles use vload_half/vstore_half and need no cl_khr_fp16");
}
