//! With no OpenCL platform visible, creating a session is `Error::NoDevice` naming the
//! packages to install, not a panic or a link failure. One test per file: it points the
//! ICD loader at an empty vendor directory, which must not leak into the device tests.
#![cfg(feature = "opencl")]

mod common;

use runtime_min::bundle::{Access, Api, DType, ElemType, KernelLanguage, PoolRole};
use runtime_min::{Bundle, Error, Session, SessionOptions};

#[test]
fn no_platform_is_no_device() {
    let empty = std::env::temp_dir().join(format!("runtime-min-no-icd-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    std::env::set_var("OCL_ICD_VENDORS", &empty); // ocl-icd
    std::env::set_var("OPENCL_VENDOR_PATH", &empty); // Khronos loader
    let mut bld = common::Builder::new(Api::OpenCl);
    let ap = bld.pool("activations", PoolRole::Activations, 256);
    let ry = bld.output("y", DType::F32, &[4], ap, 0, ElemType::F32);
    let k = bld.kernel_code("k", "k_main", b"__kernel void k_main(__global float* b_y) {}", vec![Access::ReadWrite], 0);
    bld.m.kernels[k as usize].language = KernelLanguage::OpenclC;
    bld.dispatch(k, "y", vec![ry], [1, 1, 1], vec![], false);
    let e = Session::new(&Bundle::from_vec(bld.build()).unwrap(), &SessionOptions::default()).unwrap_err();
    assert!(matches!(&e, Error::NoDevice { api, reason } if api == "OpenCL" && reason.contains("pocl-opencl-icd")), "{e}");
    eprintln!("{e}");
    std::fs::remove_dir_all(&empty).unwrap();
}
