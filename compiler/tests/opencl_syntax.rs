//! OpenCL C for targets we cannot run (adreno750, adreno740, mali-g715: fp16) and for
//! pocl is checked by a real OpenCL C front end: every kernel of every golden model is
//! compiled by clang with `-cl-std=CL3.0 -fsyntax-only` (and the fp16 extension enabled,
//! as those devices offer it). The Adreno targets use 2D-texture storage for activations
//! (their target files say so); pocl is checked with buffers and with `--storage texture2d`.

mod common;

use std::process::Command;

use common::*;

#[test]
fn opencl_c_compiles_for_every_opencl_target() {
    let clang = clang();
    let dir = std::env::temp_dir().join(format!("driftc-clc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let mut checked = 0;
    let texture = Some(driftc::target::StorageKind::Texture2d);
    for (target, storage) in [("adreno750", None), ("adreno740", None), ("mali-g715", None), ("pocl", None), ("pocl", texture)] {
        let t = driftc::target::Target::load(target).expect("target");
        for name in GOLDEN {
            let case = load_case(name);
            let options = driftc::compile::CompileOptions { storage, ..case.options(None) };
            let compiled = driftc::compile::compile_file(&case.model(), &t, &options).unwrap_or_else(|e| panic!("{name} for {target} ({storage:?}): {e}"));
            for (kernel, src) in &compiled.sources {
                let path = dir.join(format!("{target}-{storage:?}-{name}-{kernel}.cl"));
                std::fs::write(&path, format!("#pragma OPENCL EXTENSION cl_khr_fp16 : enable\n{src}")).expect("write");
                let out = Command::new(&clang)
                    .args(["-x", "cl", "-cl-std=CL3.0", "-fsyntax-only", "-Werror", "-Xclang", "-finclude-default-header"])
                    .arg(&path)
                    .output()
                    .expect("clang runs");
                assert!(out.status.success(), "{target} {name} {kernel}: clang rejects the OpenCL C:\n{}\n{src}", String::from_utf8_lossy(&out.stderr));
                let _ = std::fs::remove_file(&path);
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} kernels checked");
}
