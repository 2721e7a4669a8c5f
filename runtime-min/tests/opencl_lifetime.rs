//! Object lifetime on the OpenCL backend: a bundle refused by the verifier creates no
//! OpenCL object, a failed session creation releases what it made, and a dropped session
//! releases everything. One test in its own binary, because the count is process-wide.
#![cfg(feature = "opencl")]

mod common;

use common::{f32_bytes, values, Builder};
use runtime_min::bundle::*;
use runtime_min::{opencl_live_objects as live, Bundle, Error, HostTensor, Session, SessionOptions};

const COPY: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const float* restrict b_w, __global float* restrict b_y) {
    const uint i = (uint)get_global_id(0);
    if (i >= 256u) return;
    b_y[i] = b_w[i] + 1.0f;
}
"#;

fn copy_bundle() -> Builder {
    let mut bld = Builder::new(Api::OpenCl);
    bld.m.target = "pocl".into();
    let wp = bld.pool("weights", PoolRole::Weights, 1024);
    let ap = bld.pool("activations", PoolRole::Activations, 8192);
    let rw = bld.tensor("w", DType::F32, &[256], wp, 0, ElemType::F32);
    bld.weight(wp, 0, &f32_bytes(&values(256, 5)));
    let ry = bld.output("y", DType::F32, &[256], ap, 4096, ElemType::F32);
    let k = bld.kernel_code("copy_f32", "k_main", COPY.as_bytes(), vec![Access::Read, Access::ReadWrite], 0);
    bld.m.kernels[k as usize].language = KernelLanguage::OpenclC;
    bld.dispatch(k, "y = w + 1", vec![rw, ry], [4, 1, 1], vec![], false);
    bld
}

#[test]
fn refused_and_dropped_sessions_hold_no_opencl_object() {
    assert_eq!(live(), 0);

    // Past the pool's end: refused when the bundle is opened, before any device work.
    let mut bld = copy_bundle();
    bld.m.programs[0].dispatches[0].bindings[1].offset = 8192 - 512;
    assert!(Bundle::from_vec(bld.build()).is_err());
    assert_eq!(live(), 0);

    // Refused by the device-limit verification (alignment): nothing was created.
    let mut bld = copy_bundle();
    bld.m.programs[0].dispatches[0].bindings[1].offset = 4100;
    let e = Session::new(&Bundle::from_vec(bld.build()).unwrap(), &SessionOptions::default()).unwrap_err();
    assert!(matches!(e, Error::Bundle(_)), "{e}");
    assert_eq!(live(), 0, "the verifier must run before any OpenCL object is created");

    // A kernel that does not build: the context and queue made before it are released.
    let mut bld = copy_bundle();
    let n = bld.kernels.len();
    bld.kernels[n - 4..].copy_from_slice(b"}}}\n");
    let e = Session::new(&Bundle::from_vec(bld.build()).unwrap(), &SessionOptions::default()).unwrap_err();
    assert!(matches!(&e, Error::OpenCl { call: "clBuildProgram", .. }), "{e}");
    assert_eq!(live(), 0);

    // A working session: context, queue, program, 2 pools, 2 sub-buffers, 1 kernel.
    let bundle = Bundle::from_vec(copy_bundle().build()).unwrap();
    let mut s = Session::new(&bundle, &SessionOptions::default()).unwrap_or_else(|e| {
        panic!("OpenCL is not usable here ({e}); on Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd")
    });
    assert_eq!(live(), 8);
    s.run().unwrap();
    let want: Vec<f32> = values(256, 5).iter().map(|v| v + 1.0).collect();
    assert_eq!(s.output("y").unwrap(), HostTensor::from_f32(&[256], &want));
    assert_eq!(live(), 8, "a run must release the events it made");
    drop(s);
    assert_eq!(live(), 0);
}
