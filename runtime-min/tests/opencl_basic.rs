//! OpenCL executor tests on hand-made bundles whose kernels are OpenCL C source, written
//! the way driftc writes them (`k_main`, one `__global T* restrict b_name` per binding,
//! `reqd_work_group_size`, f16 only through vload_half/vstore_half). They run on the
//! first OpenCL device (PoCL's CPU device here and in CI) and FAIL, never skip, when no
//! OpenCL platform is found.
#![cfg(feature = "opencl")]

mod common;

use common::{axpb_reference, f32_bytes, values, Builder, AXPB_N};
use runtime_min::bundle::*;
use runtime_min::{Bundle, Error, HostTensor, Session, SessionOptions};

/// Adds an OpenCL C kernel (entry `k_main`, work-group 64) to `bld`.
pub fn cl_kernel(bld: &mut Builder, name: &str, source: &str, bindings: Vec<Access>, push_constant_bytes: u32) -> u32 {
    let k = bld.kernel_code(name, "k_main", source.as_bytes(), bindings, push_constant_bytes);
    bld.m.kernels[k as usize].language = KernelLanguage::OpenclC;
    k
}

fn builder() -> Builder {
    let mut bld = Builder::new(Api::OpenCl);
    bld.m.target = "pocl".into();
    bld
}

/// `n` travels as a push constant: the by-value argument after the buffers.
const MUL_F32: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const float* restrict b_a, __global const float* restrict b_x, __global float* restrict b_t, const uint n) {
    const uint i = (uint)get_global_id(0);
    if (i >= n) return;
    b_t[i] = b_a[i] * b_x[i];
}
"#;

/// A 2-D grid as driftc emits for large tensors: rows of 512 work-items.
const ADD_F32: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const float* restrict b_t, __global const float* restrict b_b, __global float* restrict b_y) {
    const uint i = (uint)get_global_id(0) + (uint)get_global_id(1) * 512u;
    if (i >= 1000u) return;
    b_y[i] = b_t[i] + b_b[i];
}
"#;

/// y = a*x + b as two kernels; `a`, `b` in a weights pool, `x`, `t`, `y` in an activations
/// pool at non-zero offsets. Sub-buffer origins must be multiples of the device's
/// CL_DEVICE_MEM_BASE_ADDR_ALIGN (128 bytes on PoCL, 512 on NVIDIA), so every offset here
/// is a multiple of 4096 and the bundles run on any OpenCL device.
fn axpb() -> (Builder, Vec<f32>, Vec<f32>) {
    let n = AXPB_N;
    let n64 = u64::from(n);
    let (a, b) = (values(n as usize, 1), values(n as usize, 2));
    let mut bld = builder();
    let wp = bld.pool("weights", PoolRole::Weights, 8192);
    let ap = bld.pool("activations", PoolRole::Activations, 16384);
    let ra = bld.tensor("a", DType::F32, &[n64], wp, 0, ElemType::F32);
    let rb = bld.tensor("b", DType::F32, &[n64], wp, 4096, ElemType::F32);
    bld.weight(wp, 0, &f32_bytes(&a));
    bld.weight(wp, 4096, &f32_bytes(&b));
    let rx = bld.input("x", DType::F32, &[n64], ap, 4096, ElemType::F32);
    let rt = bld.tensor("t", DType::F32, &[n64], ap, 8192, ElemType::F32);
    let ry = bld.output("y", DType::F32, &[n64], ap, 12288, ElemType::F32);
    let (r, rw) = (Access::Read, Access::ReadWrite);
    let k_mul = cl_kernel(&mut bld, "mul_f32", MUL_F32, vec![r, r, rw], 4);
    let k_add = cl_kernel(&mut bld, "add_f32", ADD_F32, vec![r, r, rw], 0);
    bld.dispatch(k_mul, "t = a * x", vec![ra, rx, rt], [n.div_ceil(64), 1, 1], n.to_le_bytes().to_vec(), false);
    bld.dispatch(k_add, "y = t + b", vec![rt, rb, ry], [8, 2, 1], vec![], true);
    (bld, a, b)
}

const AFFINE_F16: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const half* restrict b_x, __global half* restrict b_y) {
    const uint i = (uint)get_global_id(0);
    if (i >= 333u) return;
    const float v = vload_half(i, b_x);
    vstore_half(v * 0.5f + 0.25f, i, b_y);
}
"#;

/// y = 0.5 x + 0.25 on f16 storage (333 elements: 666 bytes, padded to 668), f32 host data.
/// OpenCL needs no cl_khr_fp16 for it, so the bundle does not require fp16.
fn affine_f16() -> Builder {
    let mut bld = builder();
    bld.m.precision = Precision::F16;
    let ap = bld.pool("activations", PoolRole::Activations, 8192);
    let rx = bld.input("x", DType::F32, &[1, 333], ap, 0, ElemType::F16);
    let ry = bld.output("y", DType::F32, &[1, 333], ap, 4096, ElemType::F16);
    let k = cl_kernel(&mut bld, "affine_f16", AFFINE_F16, vec![Access::Read, Access::ReadWrite], 0);
    bld.dispatch(k, "y = 0.5x + 0.25", vec![rx, ry], [6, 1, 1], vec![], false);
    bld
}

/// Wrapping arithmetic through uint: signed overflow is undefined in OpenCL C.
const AFFINE_I32: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const int* restrict b_x, __global int* restrict b_y) {
    const uint i = (uint)get_global_id(0);
    if (i >= 100u) return;
    b_y[i] = as_int(as_uint(b_x[i]) * 3u - 1u);
}
"#;

/// y = 3x - 1 on i32 storage, with i64 host input and output.
fn affine_i32() -> Builder {
    let mut bld = builder();
    let ap = bld.pool("activations", PoolRole::Activations, 8192);
    let rx = bld.input("ids", DType::I64, &[100], ap, 0, ElemType::I32);
    let ry = bld.output("y", DType::I64, &[100], ap, 4096, ElemType::I32);
    let k = cl_kernel(&mut bld, "affine_i32", AFFINE_I32, vec![Access::Read, Access::ReadWrite], 0);
    bld.dispatch(k, "y = 3x - 1", vec![rx, ry], [2, 1, 1], vec![], false);
    bld
}

fn open(bytes: Vec<u8>) -> Bundle {
    Bundle::from_vec(bytes).unwrap_or_else(|e| panic!("bundle refused: {e}"))
}

/// Creates a session, failing the test with a clear message when OpenCL is missing: these
/// tests must run on PoCL (CI installs pocl-opencl-icd), never skip.
fn session(bundle: &Bundle) -> Session {
    match Session::new(bundle, &SessionOptions::default()) {
        Ok(s) => s,
        Err(e @ Error::NoDevice { .. }) => panic!(
            "OpenCL is not usable here ({e}). These tests need an OpenCL platform; on Debian: \
             apt-get install ocl-icd-libopencl1 pocl-opencl-icd (PoCL, OpenCL on the CPU)"
        ),
        Err(e) => panic!("Session::new failed: {e}"),
    }
}

fn is_pocl(s: &Session) -> bool {
    s.device_name().contains("Portable Computing Language")
}

fn invalid_field(e: &Error) -> &str {
    match e {
        Error::Bundle(BundleError::Invalid { field, .. }) => field,
        other => panic!("expected a Bundle Invalid error, got {other}"),
    }
}

#[test]
fn a_two_kernels_weights_offsets_push_constant_and_2d_grid_exact() {
    let (bld, a, b) = axpb();
    let bundle = open(bld.build());
    let mut s = session(&bundle);
    assert_eq!(s.api(), Api::OpenCl);
    let x = values(AXPB_N as usize, 3);
    s.set_input("x", &HostTensor::from_f32(&[u64::from(AXPB_N)], &x)).unwrap();
    let stats = s.run().unwrap();
    let y = s.output("y").unwrap();
    assert_eq!((y.dtype, y.shape.clone()), (DType::F32, vec![u64::from(AXPB_N)]));
    assert_eq!(y.to_f32().unwrap(), axpb_reference(&a, &x, &b), "device {}", s.device_name());
    assert!(stats.wall_ns > 0);
    // The queue is created with CL_QUEUE_PROFILING_ENABLE; PoCL supports it.
    if is_pocl(&s) {
        assert!(stats.gpu_ns.is_some(), "{stats:?}");
    }
    eprintln!("axpb on {}: {stats:?}", s.device_name());
}

/// w = a + b after `iters` idle turns (weights only: a dispatch that may run beside others).
const SLOW_SUM_F32: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const float* restrict b_a, __global const float* restrict b_b, __global float* restrict b_w, const uint iters) {
    const uint i = (uint)get_global_id(0);
    if (i >= 1000u) return;
    float acc = b_a[i];
    for (uint k = 0u; k < iters; k++) {
        acc = acc * 0.5f + b_a[i] * 0.5f;
    }
    b_w[i] = acc + b_b[i];
}
"#;

/// t = a * x; w = a + b (slowly) on the second queue from dispatch 0 on; y = t + w, which
/// must wait for it. Profiled too, so every dispatch keeps its event.
#[test]
fn a_side_dispatch_runs_beside_and_its_reader_waits() {
    let (mut bld, a, b) = axpb();
    let n64 = u64::from(AXPB_N);
    let ap = 1;
    let ra = bld.m.programs[0].dispatches[0].bindings[0];
    let rb = bld.m.programs[0].dispatches[1].bindings[1];
    let rt = bld.m.programs[0].dispatches[0].bindings[2];
    let ry = bld.m.programs[0].dispatches[1].bindings[2];
    bld.m.pools[ap].size = 20480;
    let rw = bld.tensor("w", DType::F32, &[n64], ap as u32, 16384, ElemType::F32);
    let k_slow = cl_kernel(&mut bld, "slow_sum_f32", SLOW_SUM_F32, vec![Access::Read, Access::Read, Access::ReadWrite], 4);
    let k_add = bld.m.programs[0].dispatches[1].kernel;
    bld.m.programs[0].dispatches.truncate(1);
    bld.dispatch(k_slow, "w = a + b", vec![ra, rb, rw], [AXPB_N.div_ceil(64), 1, 1], 200_000u32.to_le_bytes().to_vec(), false);
    bld.m.programs[0].dispatches[1].side_after = Some(0);
    bld.dispatch(k_add, "y = t + w", vec![rt, rw, ry], [8, 2, 1], vec![], true);
    let bundle = open(bld.build());
    let x = values(AXPB_N as usize, 3);
    let want: Vec<f32> = a.iter().zip(&x).zip(&b).map(|((a, x), b)| a * x + (a + b)).collect();
    for profile in [false, true] {
        let mut s = match Session::new(&bundle, &SessionOptions { profile, ..SessionOptions::default() }) {
            Ok(s) => s,
            Err(e) => panic!("Session::new failed: {e}"),
        };
        for _ in 0..2 {
            s.set_input("x", &HostTensor::from_f32(&[n64], &x)).unwrap();
            s.run().unwrap();
            assert_eq!(s.output("y").unwrap().to_f32().unwrap(), want, "profile {profile}");
        }
    }
}

#[test]
fn a_device_limits_and_info() {
    let path = std::env::temp_dir().join(format!("runtime-min-opencl-test-{}.bundle", std::process::id()));
    std::fs::write(&path, axpb().0.build()).unwrap();
    let bundle = Bundle::open(&path).unwrap();
    let s = session(&bundle);
    assert_eq!(s.input_names(), vec!["x"]);
    assert_eq!(s.output_names(), vec!["y"]);
    assert_eq!(s.program_names(), vec!["main"]);
    let l = s.device_limits();
    assert!(l.max_storage_buffer_range > 0 && l.max_workgroup_invocations >= 64, "{l:?}");
    assert!(l.min_storage_buffer_offset_alignment.is_power_of_two(), "{l:?}");
    assert!(l.max_workgroup_count.iter().all(|&c| u64::from(c) * 4096 > u64::from(u32::MAX)), "{l:?}");
    if is_pocl(&s) {
        // clinfo: 1024-bit base address alignment, no cl_khr_fp16. (PoCL derives its
        // allocation and global-memory sizes from the host's free memory: they vary.)
        assert_eq!(l.min_storage_buffer_offset_alignment, 128, "{l:?}");
        assert!(!l.fp16 && !l.int8_dot, "{l:?}");
    }
    drop(s);
    drop(bundle);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn b_f16_storage_through_vload_half_with_f32_host_tensors() {
    let bundle = open(affine_f16().build());
    let mut s = session(&bundle);
    let x = values(333, 7);
    s.set_input("x", &HostTensor::from_f32(&[1, 333], &x)).unwrap();
    s.run().unwrap();
    let y = s.output("y").unwrap();
    assert_eq!(y.dtype, DType::F32);
    for (i, (got, x)) in y.to_f32().unwrap().iter().zip(&x).enumerate() {
        let want = 0.5 * x + 0.25;
        assert!((got - want).abs() <= 1e-3, "y[{i}] = {got}, want {want}");
    }
    // An f16 host tensor is accepted for the same input.
    let xh: Vec<half::f16> = x.iter().map(|&v| half::f16::from_f32(v)).collect();
    s.set_input("x", &HostTensor::from_f16(&[1, 333], &xh)).unwrap();
    s.run().unwrap();
}

#[test]
fn b_fp16_requirement_is_checked_against_cl_khr_fp16() {
    let mut bld = affine_f16();
    bld.m.requirements.fp16 = true;
    let bundle = open(bld.build());
    match Session::new(&bundle, &SessionOptions::default()) {
        Ok(s) => assert!(s.device_limits().fp16, "a device without cl_khr_fp16 accepted an fp16 bundle"),
        Err(e) => assert_eq!(invalid_field(&e), "requirements.fp16", "{e}"),
    }
}

#[test]
fn c_i64_host_input_converted_to_i32() {
    let bundle = open(affine_i32().build());
    let mut s = session(&bundle);
    let ids: Vec<i64> = (0..100).map(|i| (i - 50) * 7_000_003).collect();
    s.set_input("ids", &HostTensor::from_i64(&[100], &ids)).unwrap();
    s.run().unwrap();
    let y = s.output("y").unwrap();
    assert_eq!(y.dtype, DType::I64);
    let want: Vec<i64> = ids.iter().map(|&v| i64::from((v as i32).wrapping_mul(3).wrapping_sub(1))).collect();
    assert_eq!(y.to_i64().unwrap(), want);
    let ids32: Vec<i32> = (0..100).collect();
    s.set_input("ids", &HostTensor::from_i32(&[100], &ids32)).unwrap();
    s.run().unwrap();
    assert_eq!(s.output("y").unwrap().to_i64().unwrap()[10], 29);
    let mut big = ids.clone();
    big[3] = i64::from(i32::MAX) + 1;
    let e = s.set_input("ids", &HostTensor::from_i64(&[100], &big)).unwrap_err();
    assert!(matches!(&e, Error::InputValue { name, .. } if name == "ids") && e.to_string().contains("element 3"), "{e}");
}

#[test]
fn d_input_errors() {
    let bundle = open(axpb().0.build());
    let mut s = session(&bundle);
    let e = s.run().unwrap_err();
    assert!(matches!(&e, Error::MissingInput { name } if name == "x"), "{e}");
    let e = s.set_input("z", &HostTensor::from_f32(&[1000], &[0.0; 1000])).unwrap_err();
    assert!(matches!(&e, Error::UnknownInput { name, known } if name == "z" && known == "x"), "{e}");
    let e = s.set_input("x", &HostTensor::from_f32(&[999], &[0.0; 999])).unwrap_err();
    assert!(matches!(&e, Error::InputShape { name, expected, got } if name == "x" && expected == &[1000] && got == &[999]), "{e}");
    let e = s.set_input("x", &HostTensor::from_i64(&[1000], &[0; 1000])).unwrap_err();
    assert!(matches!(&e, Error::InputDType { name, got: DType::I64, .. } if name == "x"), "{e}");
    let e = s.output("y").unwrap_err();
    assert!(matches!(&e, Error::OutputValue { .. }), "{e}");
    let e = s.run_program("decode").unwrap_err();
    assert!(matches!(&e, Error::UnknownProgram { name, .. } if name == "decode"), "{e}");
}

#[test]
fn d_kernel_that_fails_to_build_is_named_with_its_log() {
    let mut bld = axpb().0;
    let k = bld.m.kernels[1].code;
    let src = ADD_F32.replace("b_t[i] + b_b[i]", "b_t[i] + b_missing[i]");
    bld.kernels.truncate(k.offset as usize);
    bld.kernels.extend_from_slice(src.as_bytes());
    bld.m.kernels[1].code.len = src.len() as u64;
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    let Error::OpenCl { call, message } = &e else { panic!("expected an OpenCL build error, got {e}") };
    assert_eq!(*call, "clBuildProgram", "{e}");
    assert!(message.starts_with("kernels[1] 'add_f32'"), "{e}");
    assert!(message.contains("b_missing"), "the build log should name the bad identifier: {e}");
    eprintln!("{e}");
}

#[test]
fn d_binding_past_pool_end_is_refused_at_open() {
    let mut bld = axpb().0;
    bld.m.programs[0].dispatches[0].bindings[2].offset = 16384 - 256; // t: 4000 bytes
    let e = Bundle::from_vec(bld.build()).unwrap_err();
    let field = invalid_field(&e);
    assert!(field.starts_with("programs[0].dispatches[0]") && field.ends_with(".bindings[2]"), "{e}");
}

#[test]
fn d_binding_offset_below_device_alignment_is_refused() {
    let mut bld = axpb().0;
    bld.m.programs[0].dispatches[1].bindings[0].offset += 4;
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert!(invalid_field(&e).ends_with("dispatches[1] 'y = t + b'.bindings[0]") && e.to_string().contains("alignment"), "{e}");
}

/// A kernel whose workgroups wait on one another (`co_resident`) runs with at most what
/// the device can be shown to hold at once: on a device without occupancy figures
/// (anything but NVIDIA; PoCL here) one workgroup, so of a grid of two only the first
/// workgroup's outputs are written, and the session names the dispatch it cut; on NVIDIA a
/// grid of 2^20 is cut to what its multiprocessors hold. A grid along y is refused by name.
#[test]
fn d_co_resident_grids_launch_what_the_device_holds() {
    let mut bld = affine_i32();
    bld.m.kernels[0].co_resident = true;
    bld.m.programs[0].dispatches[0].grid = [1, 1, 1];
    let bundle = open(bld.build());
    let mut s = session(&bundle);
    assert!(s.launch_notes().is_empty(), "a grid of one is launched whole: {:?}", s.launch_notes());
    s.set_input("ids", &HostTensor::from_i64(&[100], &(0..100).collect::<Vec<i64>>())).unwrap();
    s.run().unwrap();
    let y = s.output("y").unwrap().to_i64().unwrap();
    assert_eq!(y[..64], (0..64).map(|x| 3 * x - 1).collect::<Vec<i64>>()[..], "the one workgroup's 64 outputs");
    let nvidia = s.device_name().contains("NVIDIA");
    drop(s);
    let mut bld = affine_i32();
    bld.m.kernels[0].co_resident = true;
    let grid = if nvidia { 1 << 20 } else { 2 };
    bld.m.programs[0].dispatches[0].grid = [grid, 1, 1];
    let bundle = open(bld.build());
    let mut s = session(&bundle);
    let notes = s.launch_notes();
    assert!(notes.len() == 1 && notes[0].contains("dispatches[0] 'y = 3x - 1'") && notes[0].contains(&format!("of its {grid} workgroups")), "{notes:?}");
    if !nvidia {
        assert!(notes[0].contains("launched with 1 of its 2 workgroups"), "{notes:?}");
        s.set_input("ids", &HostTensor::from_i64(&[100], &(0..100).collect::<Vec<i64>>())).unwrap();
        s.run().unwrap();
        let y = s.output("y").unwrap().to_i64().unwrap();
        assert_eq!(y[..64], (0..64).map(|x| 3 * x - 1).collect::<Vec<i64>>()[..], "the launched workgroup's outputs");
        assert!(y[64..].iter().all(|&v| v == 0), "a second workgroup ran: {:?}", &y[64..]);
    }
    drop(s);
    let mut bld = affine_i32();
    bld.m.kernels[0].co_resident = true;
    bld.m.programs[0].dispatches[0].grid = [1, 2, 1];
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).map(|_| ()).unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, Error::Unsupported { .. }) && text.contains("dispatches[0] 'y = 3x - 1'") && text.contains("along x alone"), "{text}");
}

#[test]
fn d_spirv_in_an_opencl_bundle_is_refused() {
    let mut bld = axpb().0;
    bld.m.kernels[0].language = KernelLanguage::Spirv;
    bld.m.kernels[0].code.len -= bld.m.kernels[0].code.len % 4;
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert_eq!(invalid_field(&e), "kernels[0] 'mul_f32'.language", "{e}");
}

#[test]
fn d_argument_count_and_work_group_size_must_match_the_source() {
    // The manifest says 2 bindings, the source takes 3 buffers.
    let mut bld = axpb().0;
    bld.m.kernels[1].bindings.pop();
    bld.m.programs[0].dispatches[1].bindings.pop();
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert_eq!(invalid_field(&e), "kernels[1] 'add_f32'.bindings", "{e}");
    // The manifest says 128 work-items per group, the source requires 64.
    let mut bld = axpb().0;
    bld.m.kernels[1].workgroup_size = [128, 1, 1];
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert_eq!(invalid_field(&e), "kernels[1] 'add_f32'.workgroup_size", "{e}");
}

#[test]
fn a_profile_times_every_dispatch_of_the_last_run() {
    let (bld, ..) = axpb();
    let bundle = open(bld.build());
    let labels: Vec<String> = bundle.manifest().programs[0].dispatches.iter().map(|d| d.label.clone()).collect();
    assert!(labels.len() >= 2, "a program of several dispatches");
    let x = HostTensor::from_f32(&[u64::from(AXPB_N)], &values(AXPB_N as usize, 5));
    let mut plain = session(&bundle);
    plain.set_input("x", &x).unwrap();
    plain.run().unwrap();
    assert_eq!(plain.last_profile().unwrap(), None, "profiling is off by default");
    let mut s = Session::new(&bundle, &SessionOptions { profile: true, ..SessionOptions::default() }).unwrap_or_else(|e| panic!("Session::new failed: {e}"));
    assert_eq!(s.last_profile().unwrap(), None, "nothing ran yet");
    s.set_input("x", &x).unwrap();
    let stats = s.run().unwrap();
    if is_pocl(&s) {
        let times = s.last_profile().unwrap().expect("PoCL's queue profiles");
        assert_eq!(times.iter().map(|t| t.label.clone()).collect::<Vec<_>>(), labels, "one entry per dispatch, in order");
        let sum: u64 = times.iter().map(|t| t.ns).sum();
        let total = stats.gpu_ns.expect("timed");
        // Each dispatch's own time lies within the program's first start and last end.
        assert!(sum <= total, "dispatches {sum} ns > program {total} ns");
        assert!(times.iter().all(|t| t.ns > 0), "{times:?}");
    }
    assert_eq!(s.output("y").unwrap(), plain.output("y").unwrap(), "profiling changes no result");
}

#[test]
fn e_allocated_bytes_is_the_pool_sum() {
    let (bld, ..) = axpb();
    let sum: u64 = bld.m.pools.iter().map(|p| p.size).sum();
    assert_eq!(session(&open(bld.build())).allocated_bytes(), sum);
}

#[test]
fn f_hundred_runs_are_identical() {
    let bundle = open(axpb().0.build());
    let mut s = session(&bundle);
    s.set_input("x", &HostTensor::from_f32(&[1000], &values(1000, 9))).unwrap();
    s.run().unwrap();
    let first = s.output("y").unwrap();
    for i in 0..100 {
        s.run().unwrap();
        assert_eq!(s.output("y").unwrap(), first, "run {i}");
    }
}

#[test]
fn g_two_sessions_on_one_device_at_once() {
    let (bld, a, b) = axpb();
    let bundle = open(bld.build());
    let mut s1 = session(&bundle);
    let mut s2 = session(&bundle);
    let (x1, x2) = (values(1000, 11), values(1000, 12));
    s1.set_input("x", &HostTensor::from_f32(&[1000], &x1)).unwrap();
    s2.set_input("x", &HostTensor::from_f32(&[1000], &x2)).unwrap();
    std::thread::scope(|scope| {
        for (s, x) in [(&mut s1, &x1), (&mut s2, &x2)] {
            let (a, b) = (&a, &b);
            scope.spawn(move || {
                for _ in 0..10 {
                    s.run().unwrap();
                    assert_eq!(s.output("y").unwrap().to_f32().unwrap(), axpb_reference(a, x, b));
                }
            });
        }
    });
}

/// `t = a * x` written to a 2D image (one texel per element, 64 texels a row, as driftc's
/// texture storage does) and read back by the next kernel.
const MUL_TO_IMAGE: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__global const float* restrict b_a, __global const float* restrict b_x, __write_only image2d_t b_t) {
    const uint i = (uint)get_global_id(0);
    if (i >= 1000u) return;
    write_imagef(b_t, (int2)((int)(i % 64u), (int)(i / 64u)), (float4)(b_a[i] * b_x[i], 0.0f, 0.0f, 0.0f));
}
"#;

const ADD_FROM_IMAGE: &str = r#"
__kernel __attribute__((reqd_work_group_size(64, 1, 1)))
void k_main(__read_only image2d_t b_t, __global const float* restrict b_b, __global float* restrict b_y) {
    const uint i = (uint)get_global_id(0);
    if (i >= 1000u) return;
    b_y[i] = read_imagef(b_t, (int2)((int)(i % 64u), (int)(i / 64u))).x + b_b[i];
}
"#;

/// y = a*x + b with the intermediate `t` in an image pool (64 x 16 texels of f32).
fn axpb_image(elem: ElemType) -> (Builder, Vec<f32>, Vec<f32>) {
    let (mut bld, a, b) = axpb();
    let geometry = ImageGeometry { kind: StorageKind::Texture2d, width: 64, height: 16, elem };
    let size = geometry.bytes().expect("small");
    bld.m.pools.push(Pool { name: "texture0".into(), role: PoolRole::Activations, size, image: Some(geometry) });
    bld.m.requirements.device_memory_bytes += size;
    let tp = (bld.m.pools.len() - 1) as u32;
    let (r, rw) = (Access::Read, Access::ReadWrite);
    let k_mul = cl_kernel(&mut bld, "mul_to_image_f32", MUL_TO_IMAGE, vec![r, r, rw], 0);
    let k_add = cl_kernel(&mut bld, "add_from_image_f32", ADD_FROM_IMAGE, vec![r, r, rw], 0);
    let image = BufferRange { pool: tp, offset: 0, size };
    let d = &mut bld.m.programs[0].dispatches;
    let (ra, rx) = (d[0].bindings[0], d[0].bindings[1]);
    let (rb, ry) = (d[1].bindings[1], d[1].bindings[2]);
    d.clear();
    bld.dispatch(k_mul, "t = a * x (image)", vec![ra, rx, image], [16, 1, 1], vec![], false);
    bld.dispatch(k_add, "y = t + b (image)", vec![image, rb, ry], [16, 1, 1], vec![], true);
    (bld, a, b)
}

/// f32 only: PoCL 3.1 returned wrong values (about 233 for every element) through a
/// `CL_HALF_FLOAT` image written with write_imagef and read with read_imagef, so driftc
/// makes f16 images only for targets with cl_khr_fp16 (`features.fp16`), none of which we
/// can run; f16 activations elsewhere stay in buffers (vload_half/vstore_half).
#[test]
fn h_image_pool_holds_an_intermediate() {
    let (bld, a, b) = axpb_image(ElemType::F32);
    let bundle = open(bld.build());
    let mut s = session(&bundle);
    let x = values(AXPB_N as usize, 3);
    s.set_input("x", &HostTensor::from_f32(&[u64::from(AXPB_N)], &x)).unwrap();
    s.run().unwrap();
    assert_eq!(s.output("y").unwrap().to_f32().unwrap(), axpb_reference(&a, &x, &b), "device {}", s.device_name());
    let pools: u64 = bld.m.pools.iter().map(|p| p.size).sum();
    assert_eq!(s.allocated_bytes(), pools, "the image counts as allocated device memory");
}

#[test]
fn h_image_larger_than_the_device_allows_is_refused() {
    let (mut bld, ..) = axpb_image(ElemType::F32);
    let tp = bld.m.pools.len() - 1;
    let probe = session(&open(axpb().0.build()));
    let [max_w, _] = probe.device_limits().max_image2d;
    drop(probe);
    assert!(max_w > 0, "the OpenCL device reports no 2D images");
    let pool = &mut bld.m.pools[tp];
    pool.image = Some(ImageGeometry { width: max_w + 1, height: 1, ..pool.image.expect("image") });
    pool.size = u64::from(max_w + 1) * 4;
    let size = pool.size;
    for d in &mut bld.m.programs[0].dispatches {
        for b in &mut d.bindings {
            if b.pool == tp as u32 {
                b.size = size;
            }
        }
    }
    // The verifier refuses it against the device's limits, before any OpenCL object exists.
    let e = Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert_eq!(invalid_field(&e), "pools[2] 'texture0'.image.width", "{e}");
    assert!(e.to_string().contains("2D image width"), "{e}");
}
