//! `driftc compile --dump-kernels DIR`: every kernel of the bundle written as its source
//! (WGSL for SPIR-V targets, OpenCL C for OpenCL ones), as many files as the compile line
//! reports kernels, and for SPIR-V targets each kernel's module as the bundle carries it
//! (.spv, SPIR-V's magic number first); a directory that cannot be made is an error naming
//! it.

mod common;

use common::*;

fn compile(target: &str, dump: &std::path::Path, out: &std::path::Path) -> std::process::Output {
    let model = case_dir("tiny_cnn").join("model.onnx");
    std::process::Command::new(env!("CARGO_BIN_EXE_driftc"))
        .args(["compile", &model.display().to_string(), "--target", target, "-o", &out.display().to_string(), "--dump-kernels", &dump.display().to_string()])
        .output()
        .expect("driftc runs")
}

#[test]
fn dump_kernels_writes_each_kernel_source() {
    let dir = std::env::temp_dir().join(format!("driftc-dump-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    for (target, ext, marker) in [("lavapipe", "wgsl", "@compute"), ("pocl", "cl", "__kernel")] {
        let dump = dir.join(target);
        let out = compile(target, &dump, &dir.join(format!("{target}.bundle")));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{target}: {err}");
        let kernels: usize = err
            .split(", ")
            .find_map(|part| part.strip_suffix(" kernels").and_then(|n| n.parse().ok()))
            .unwrap_or_else(|| panic!("{target}: kernel count in {err}"));
        let all: Vec<std::path::PathBuf> = std::fs::read_dir(&dump).expect("dump directory").flatten().map(|e| e.path()).collect();
        let (modules, files): (Vec<_>, Vec<_>) = all.into_iter().partition(|p| p.extension().is_some_and(|e| e == "spv"));
        assert_eq!(files.len(), kernels, "{target}: one source per kernel: {files:?}");
        assert_eq!(modules.len(), if ext == "wgsl" { kernels } else { 0 }, "{target}: one SPIR-V module per kernel where the target runs SPIR-V");
        for m in &modules {
            let bytes = std::fs::read(m).expect("module");
            assert_eq!(bytes.get(..4), Some(&[0x03, 0x02, 0x23, 0x07][..]), "{}: SPIR-V magic", m.display());
        }
        for f in &files {
            assert_eq!(f.extension().and_then(|e| e.to_str()), Some(ext), "{}", f.display());
            let src = std::fs::read_to_string(f).expect("source");
            assert!(src.contains(marker), "{}: not a {ext} kernel", f.display());
        }
    }
    // A dump directory under a file cannot be made: an error naming it, no panic.
    let blocker = dir.join("file");
    std::fs::write(&blocker, b"x").expect("write");
    let out = compile("lavapipe", &blocker.join("sub"), &dir.join("x.bundle"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--dump-kernels") && err.contains("sub") && !err.contains("panicked"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
