//! End to end on PoCL: every golden model (and the real-weight PyPI models) compiled for
//! the `pocl` target (OpenCL C), run through runtime-min's OpenCL backend on PoCL's CPU
//! device, and compared with the outputs onnxruntime computed (committed .npy): f32 within
//! 1e-4, f16 storage (vload_half/vstore_half, no cl_khr_fp16) within 1e-2 relative L2.
//! The CNN and encoder models run again with 2D-texture storage for activations
//! (`--storage texture2d`: single-channel images read with read_imagef), f32 within 1e-4.
//! Fails, never skips, when no OpenCL platform is found.

mod common;

use std::collections::BTreeMap;

use common::*;
use driftc::compile::{CompileOptions, Compiled};
use driftc::ir::Value;
use driftc::reference::rel_l2;
use driftc::target::{Precision, StorageKind, Target};
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
    check_storage(name, precision, None, tol);
}

/// Compiles `name` for pocl with activation storage `storage` (`None`: the target's).
fn check_storage(name: &str, precision: Precision, storage: Option<StorageKind>, tol: f64) {
    let case = load_case(name);
    let target = Target::load("pocl").expect("target");
    let options = CompileOptions { storage, ..case.options(Some(precision)) };
    let compiled = driftc::compile::compile_file(&case.model(), &target, &options).unwrap_or_else(|e| panic!("{name} for pocl ({storage:?}): {e}"));
    if storage == Some(StorageKind::Texture2d) {
        assert!(compiled.manifest.pools.iter().any(|p| p.image.is_some()), "{name}: no activation became a texture");
    }
    compare(name, &format!("{precision:?} {storage:?}"), &compiled, &case, tol);
}

fn compare(name: &str, what: &str, compiled: &Compiled, case: &Case, tol: f64) {
    let got = run_on_opencl(compiled, &case.inputs);
    for (out, want) in &case.outputs {
        let g = got.get(out).unwrap_or_else(|| panic!("{name}: output '{out}' missing"));
        let err = rel_l2(g, &want.as_f32());
        eprintln!("{name} {what} on PoCL: '{out}' relative L2 error {err:.2e}");
        assert!(err <= tol, "{name} {what} on PoCL: output '{out}' relative L2 error {err:.3e} > {tol:.0e}");
    }
}

macro_rules! e2e {
    ($($case:ident),*) => {
        mod f32 { $(#[test] fn $case() { super::check(stringify!($case), driftc::target::Precision::F32, 1e-4); })* }
        mod f16 { $(#[test] fn $case() { super::check(stringify!($case), driftc::target::Precision::F16, 1e-2); })* }
    };
}

e2e!(tiny_cnn, tiny_ops, shape_chain, external_data, mlp_dynamic, squeezenet1_1, mobilenet_v2, sd_block, bert_tiny, llama_tiny, llama31_tiny, gemma2_tiny, ocr_cls, ocr_det);

/// The golden CNN and encoder models with every eligible activation in a 2D texture.
mod texture2d {
    macro_rules! tex {
        ($($case:ident),*) => { $(#[test] fn $case() { super::check_storage(stringify!($case), super::Precision::F32, Some(super::StorageKind::Texture2d), 1e-4); })* };
    }
    tex!(tiny_cnn, tiny_ops, squeezenet1_1, mobilenet_v2, bert_tiny, ocr_cls, ocr_det);
}

/// Textures taller than the image limit are split into several images (objects), each
/// bound separately; a 64 x 16 limit splits every activation of tiny_cnn.
#[test]
fn texture2d_split_into_several_images() {
    let case = load_case("tiny_cnn");
    let mut target = Target::load("pocl").expect("target");
    target.limits.max_image2d_width = 64;
    target.limits.max_image2d_height = 16;
    let options = CompileOptions { storage: Some(StorageKind::Texture2d), ..case.options(Some(Precision::F32)) };
    let compiled = driftc::compile::compile_file(&case.model(), &target, &options).expect("compiles");
    let images: Vec<_> = compiled.manifest.pools.iter().filter_map(|p| p.image).collect();
    assert!(images.iter().all(|i| i.width <= 64 && i.height <= 16), "{images:?}");
    // A split tensor binds one image per object: `b_y0`, `b_y1`, ...
    assert!(compiled.sources.iter().any(|(_, src)| src.contains("__write_only image2d_t b_y1")), "no tensor was split into several images");
    compare("tiny_cnn", "F32 Texture2d 64x16 images", &compiled, &case, 1e-4);
}

/// Texture storage is for OpenCL targets: a Vulkan target refuses it with a clear message.
#[test]
fn texture2d_on_vulkan_is_refused() {
    let case = load_case("tiny_cnn");
    let target = Target::load("lavapipe").expect("target");
    let options = CompileOptions { storage: Some(StorageKind::Texture2d), ..case.options(None) };
    let e = driftc::compile::compile_file(&case.model(), &target, &options).expect_err("refused").to_string();
    assert!(e.contains("--storage") && e.contains("OpenCL") && e.contains("lavapipe"), "{e}");
}

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

/// `SessionOptions::pipeline_statistics` on OpenCL: every kernel reports the work-items the
/// driver allows per group (at least the workgroup the bundle dispatches) and its local
/// bytes; without the option, nothing is captured.
#[test]
fn opencl_reports_each_kernels_build() {
    let compiled = load_case("mobilenet_v2").compile("pocl", None);
    let bundle = Bundle::from_vec(compiled.bundle.clone()).expect("opens");
    let plain = Session::new(&bundle, &SessionOptions::default()).expect("session");
    assert!(plain.kernel_statistics().is_empty());
    let session = Session::new(&bundle, &SessionOptions { pipeline_statistics: true, ..SessionOptions::default() }).expect("session");
    let stats = session.kernel_statistics();
    assert_eq!(stats.len(), compiled.manifest.kernels.len(), "one list per kernel");
    for ((name, list), k) in stats.iter().zip(&compiled.manifest.kernels) {
        assert_eq!(name, &k.name);
        let limit: u64 = list.iter().find(|(key, _)| key == "work-group limit").and_then(|(_, v)| v.parse().ok()).unwrap_or_else(|| panic!("{name}: no work-group limit in {list:?}"));
        assert!(limit >= u64::from(k.workgroup_size[0]), "{name}: limit {limit} under its workgroup {:?}", k.workgroup_size);
        assert!(list.iter().any(|(key, _)| key == "local bytes"), "{name}: {list:?}");
    }
}
