//! Vulkan executor tests on hand-made bundles whose kernels are WGSL compiled by naga.
//! They run on whatever Vulkan device is found first (lavapipe here and in CI) and FAIL,
//! never skip, when Vulkan cannot be loaded.

mod common;

use common::*;
use runtime_min::bundle::{Access, Api, BundleError, DType};
use runtime_min::{Bundle, Error, HostTensor, SessionOptions};

fn open(bytes: Vec<u8>) -> Bundle {
    Bundle::from_vec(bytes).unwrap_or_else(|e| panic!("bundle refused: {e}"))
}

fn run_axpb(options: &SessionOptions) {
    let (bld, a, b) = axpb();
    let bundle = open(bld.build());
    let mut s = session_with(&bundle, options);
    let x = values(AXPB_N as usize, 3);
    s.set_input("x", &HostTensor::from_f32(&[u64::from(AXPB_N)], &x)).unwrap();
    let stats = s.run().unwrap();
    let y = s.output("y").unwrap();
    assert_eq!(y.dtype, DType::F32);
    assert_eq!(y.shape, vec![u64::from(AXPB_N)]);
    assert_eq!(y.to_f32().unwrap(), axpb_reference(&a, &x, &b), "device {}", s.device_name());
    assert!(stats.wall_ns > 0);
    eprintln!("axpb on {}: {stats:?}", s.device_name());
}

#[test]
fn a_two_kernels_weights_and_barrier_exact() {
    run_axpb(&SessionOptions::default());
}

#[test]
fn a_two_kernels_through_staging_buffer() {
    run_axpb(&SessionOptions { force_staging: true, ..SessionOptions::default() });
}

#[test]
fn a_two_kernels_polling_the_fence() {
    // Runs poll the fence (up to 10 ms, then block): same results as a blocked wait.
    run_axpb(&SessionOptions { spin_wait_us: 10_000, ..SessionOptions::default() });
}

#[test]
fn a_two_kernels_with_pipeline_statistics_asked_for() {
    // Same results; a device with VK_KHR_pipeline_executable_properties reports statistics
    // for every kernel (this machine's lavapipe, Mesa 22, has no such extension: none).
    run_axpb(&SessionOptions { pipeline_statistics: true, ..SessionOptions::default() });
    let bundle = open(axpb().0.build());
    let s = session_with(&bundle, &SessionOptions { pipeline_statistics: true, ..SessionOptions::default() });
    let stats = s.kernel_statistics();
    if !stats.is_empty() {
        assert_eq!(stats.len(), bundle.manifest().kernels.len(), "{stats:?}");
    }
    assert!(session(&bundle).kernel_statistics().is_empty(), "statistics only when asked for");
}

#[test]
fn a_reports_gpu_time_when_the_queue_has_timestamps() {
    let bundle = open(axpb().0.build());
    let mut s = session(&bundle);
    s.set_input("x", &HostTensor::from_f32(&[1000], &[1.0; 1000])).unwrap();
    let stats = s.run().unwrap();
    // lavapipe: timestampValidBits = 64.
    if s.device_name().contains("llvmpipe") {
        assert!(stats.gpu_ns.is_some(), "{stats:?}");
    }
}

#[test]
fn a_profile_times_every_dispatch_of_the_last_run() {
    let bundle = open(axpb().0.build());
    let labels: Vec<String> = bundle.manifest().programs[0].dispatches.iter().map(|d| d.label.clone()).collect();
    let mut plain = session(&bundle);
    plain.set_input("x", &HostTensor::from_f32(&[1000], &[1.0; 1000])).unwrap();
    plain.run().unwrap();
    assert_eq!(plain.last_profile().unwrap(), None, "profiling is off by default");
    let mut s = session_with(&bundle, &SessionOptions { profile: true, ..SessionOptions::default() });
    assert_eq!(s.last_profile().unwrap(), None, "nothing ran yet");
    s.set_input("x", &HostTensor::from_f32(&[1000], &[1.0; 1000])).unwrap();
    let stats = s.run().unwrap();
    if s.device_name().contains("llvmpipe") {
        let times = s.last_profile().unwrap().expect("lavapipe has timestamps");
        assert_eq!(times.iter().map(|t| t.label.clone()).collect::<Vec<_>>(), labels, "one entry per dispatch, in order");
        let sum: u64 = times.iter().map(|t| t.ns).sum();
        let total = stats.gpu_ns.expect("timed");
        // The dispatches lie between the program's two timestamps.
        assert!(sum <= total, "dispatches {sum} ns > program {total} ns");
        assert_eq!(s.output("y").unwrap().to_f32().unwrap(), plain.output("y").unwrap().to_f32().unwrap(), "profiling changes no result");
    }
}

#[test]
fn a_mapped_bundle_file_and_info() {
    let path = std::env::temp_dir().join(format!("runtime-min-test-{}.bundle", std::process::id()));
    std::fs::write(&path, axpb().0.build()).unwrap();
    let bundle = Bundle::open(&path).unwrap();
    let s = session(&bundle);
    assert_eq!(s.input_names(), vec!["x"]);
    assert_eq!(s.output_names(), vec!["y"]);
    assert_eq!(s.program_names(), vec!["main"]);
    let info = s.input_info("x").unwrap();
    assert_eq!((info.dtype, info.shape.clone()), (DType::F32, vec![1000]));
    drop(s);
    drop(bundle);
    std::fs::remove_file(&path).unwrap();
    let missing = Bundle::open(&path).unwrap_err();
    assert!(matches!(missing, Error::Io { .. }), "{missing}");
}

#[test]
fn b_f16_storage_with_f32_host_tensors() {
    let n = 333; // odd: 666 bytes of f16, storage padded to 668
    let bundle = open(affine_f16(n).build());
    for force_staging in [false, true] {
        let mut s = session_with(&bundle, &SessionOptions { force_staging, ..SessionOptions::default() });
        let x = values(n as usize, 7);
        s.set_input("x", &HostTensor::from_f32(&[1, u64::from(n)], &x)).unwrap();
        s.run().unwrap();
        let y = s.output("y").unwrap();
        assert_eq!(y.dtype, DType::F32);
        for (i, (got, x)) in y.to_f32().unwrap().iter().zip(&x).enumerate() {
            let want = 0.5 * x + 0.25;
            assert!((got - want).abs() <= 1e-3, "y[{i}] = {got}, want {want}");
        }
        // An f16 host tensor is accepted for the same input.
        let xh: Vec<half::f16> = x.iter().map(|&v| half::f16::from_f32(v)).collect();
        s.set_input("x", &HostTensor::from_f16(&[1, u64::from(n)], &xh)).unwrap();
        s.run().unwrap();
    }
}

#[test]
fn weights_over_64_mib_upload_in_several_staging_batches() {
    let bundle = open(big_weights().build());
    let want: Vec<i32> = (BIG_WINDOW_WORD..BIG_WINDOW_WORD + BIG_WINDOW_WORDS).map(|i| i as i32).collect();
    for force_staging in [false, true] {
        let mut s = session_with(&bundle, &SessionOptions { force_staging, ..SessionOptions::default() });
        s.run().unwrap(); // no inputs
        let y = s.output("y").unwrap();
        assert_eq!(y, HostTensor::from_i32(&[BIG_WINDOW_WORDS], &want), "force_staging {force_staging}");
    }
}

#[test]
fn c_i64_host_input_converted_to_i32() {
    let n = 100;
    let bundle = open(affine_i32(n).build());
    let mut s = session(&bundle);
    let ids: Vec<i64> = (0..i64::from(n)).map(|i| (i - 50) * 7_000_003).collect();
    s.set_input("ids", &HostTensor::from_i64(&[u64::from(n)], &ids)).unwrap();
    s.run().unwrap();
    let y = s.output("y").unwrap();
    assert_eq!(y.dtype, DType::I64);
    let want: Vec<i64> = ids.iter().map(|&v| i64::from((v as i32).wrapping_mul(3).wrapping_sub(1))).collect();
    assert_eq!(y.to_i64().unwrap(), want);
    // i32 host tensors are accepted too.
    let ids32: Vec<i32> = (0..n as i32).collect();
    s.set_input("ids", &HostTensor::from_i32(&[u64::from(n)], &ids32)).unwrap();
    s.run().unwrap();
    assert_eq!(s.output("y").unwrap().to_i64().unwrap()[10], 29);
    // Out of the device's i32 range: refused, naming the input.
    let mut big = ids.clone();
    big[3] = i64::from(i32::MAX) + 1;
    let e = s.set_input("ids", &HostTensor::from_i64(&[u64::from(n)], &big)).unwrap_err();
    assert!(matches!(&e, Error::InputValue { name, .. } if name == "ids"), "{e}");
    assert!(e.to_string().contains("element 3"), "{e}");
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
    let e = s.set_input("x", &HostTensor::from_f32(&[1000], &[0.0; 10])).unwrap_err();
    assert!(matches!(&e, Error::InputValue { name, .. } if name == "x"), "{e}");
    let e = s.output("y").unwrap_err();
    assert!(matches!(&e, Error::OutputValue { .. }), "{e}");
    let e = s.output("nope").unwrap_err();
    assert!(matches!(&e, Error::UnknownOutput { name, known } if name == "nope" && known == "y"), "{e}");
    let e = s.run_program("decode").unwrap_err();
    assert!(matches!(&e, Error::UnknownProgram { name, .. } if name == "decode"), "{e}");
}

#[test]
fn d_bundles_for_other_apis_are_refused() {
    // With the `opencl` feature on (as in the workspace build), OpenCL bundles go to that
    // backend and are tested in opencl_basic.rs.
    let apis: &[Api] = if cfg!(feature = "opencl") { &[Api::Metal, Api::WebGpu] } else { &[Api::OpenCl, Api::Metal, Api::WebGpu] };
    for &api in apis {
        let mut bld = axpb().0;
        bld.m.api = api;
        let e = runtime_min::Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
        assert!(matches!(&e, Error::BackendNotCompiled { api: a, .. } if *a == api.to_string()), "{e}");
    }
}

fn invalid_field(e: &Error) -> &str {
    match e {
        Error::Bundle(BundleError::Invalid { field, .. }) => field,
        other => panic!("expected a Bundle Invalid error, got {other}"),
    }
}

#[test]
fn d_binding_past_pool_end_is_refused_at_open() {
    let mut bld = axpb().0;
    bld.m.programs[0].dispatches[0].bindings[2].offset = 12544 - 256; // t: 4000 bytes
    let e = Bundle::from_vec(bld.build()).unwrap_err();
    let field = invalid_field(&e);
    assert!(field.starts_with("programs[0].dispatches[0]") && field.ends_with(".bindings[2]"), "{e}");
}

#[test]
fn d_kernel_without_spirv_magic() {
    let mut bld = axpb().0;
    let k = bld.m.kernels[1].code;
    bld.kernels[k.offset as usize..k.offset as usize + 4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let bundle = open(bld.build()); // the hash is recomputed: only the device-side check sees it
    let e = runtime_min::Session::new(&bundle, &SessionOptions::default()).unwrap_err();
    let field = invalid_field(&e);
    assert!(field.starts_with("kernels[1]") && field.ends_with(".code"), "{e}");
    assert!(e.to_string().contains("magic"), "{e}");
}

#[test]
fn d_corrupted_byte_is_a_hash_mismatch() {
    let mut bytes = axpb().0.build();
    let last = bytes.len() - 1; // inside the weights section
    bytes[last] ^= 0x40;
    let e = Bundle::from_vec(bytes).unwrap_err();
    assert!(matches!(e, Error::Bundle(BundleError::HashMismatch)), "{e}");
}

#[test]
fn d_grid_above_device_limit() {
    let (bld, ..) = axpb();
    let limit = session(&open(bld.build())).device_limits().max_workgroup_count[0];
    assert!(limit < u32::MAX, "device accepts any grid");
    let mut bld = bld;
    bld.m.programs[0].dispatches[1].grid[0] = limit + 1;
    let bundle = open(bld.build()); // no device limits at open
    let e = runtime_min::Session::new(&bundle, &SessionOptions::default()).unwrap_err();
    let field = invalid_field(&e);
    assert!(field.starts_with("programs[0].dispatches[1]") && field.ends_with(".grid[0]"), "{e}");
}

#[test]
fn d_weights_pool_write_and_odd_push_constants_are_refused() {
    let mut bld = axpb().0;
    bld.m.kernels[0].bindings[0] = Access::ReadWrite; // would write the weights pool
    let e = Bundle::from_vec(bld.build()).unwrap_err();
    assert!(invalid_field(&e).ends_with(".bindings[0]"), "{e}");
    let mut bld = axpb().0;
    bld.m.kernels[0].push_constant_bytes = 3;
    bld.m.programs[0].dispatches[0].push_constants = vec![0; 3];
    let e = runtime_min::Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert!(invalid_field(&e).ends_with(".push_constant_bytes"), "{e}");
    // Workgroups that wait on one another: Vulkan cannot show they are resident together.
    let mut bld = axpb().0;
    bld.m.kernels[0].co_resident = true;
    let e = runtime_min::Session::new(&open(bld.build()), &SessionOptions::default()).unwrap_err();
    assert!(invalid_field(&e).ends_with(".co_resident") && e.to_string().contains("OpenCL"), "{e}");
}

#[test]
fn e_allocated_bytes_is_the_pool_sum() {
    let (bld, ..) = axpb();
    let sum: u64 = bld.m.pools.iter().map(|p| p.size).sum();
    let bundle = open(bld.build());
    assert_eq!(session(&bundle).allocated_bytes(), sum);
    let staged = session_with(&bundle, &SessionOptions { force_staging: true, ..SessionOptions::default() });
    assert_eq!(staged.allocated_bytes(), sum);
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
    let i32_bundle = open(affine_i32(64).build());
    let mut s1 = session(&bundle);
    let mut s2 = session(&bundle);
    let mut s3 = session(&i32_bundle);
    let (x1, x2) = (values(1000, 11), values(1000, 12));
    s1.set_input("x", &HostTensor::from_f32(&[1000], &x1)).unwrap();
    s2.set_input("x", &HostTensor::from_f32(&[1000], &x2)).unwrap();
    s3.set_input("ids", &HostTensor::from_i64(&[64], &[5; 64])).unwrap();
    // Interleaved on one thread, then concurrently on two threads.
    s1.run().unwrap();
    s3.run().unwrap();
    s2.run().unwrap();
    assert_eq!(s1.output("y").unwrap().to_f32().unwrap(), axpb_reference(&a, &x1, &b));
    assert_eq!(s2.output("y").unwrap().to_f32().unwrap(), axpb_reference(&a, &x2, &b));
    assert_eq!(s3.output("y").unwrap().to_i64().unwrap(), vec![14; 64]);
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

#[test]
fn example_bundle_is_current() {
    let built = axpb().0.build();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/tiny.bundle");
    if std::env::var("RUNTIME_MIN_BLESS_EXAMPLE").as_deref() == Ok("1") {
        std::fs::write(&path, &built).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run with RUNTIME_MIN_BLESS_EXAMPLE=1", path.display()));
    assert!(
        committed == built,
        "{} is stale (it differs from the bundle test (a) builds); rerun with RUNTIME_MIN_BLESS_EXAMPLE=1",
        path.display()
    );
}
