//! Broken and hostile input: seeded mutations (byte flips, truncations, insertions) of
//! real models and bundles, and random bytes. Every case must end in an error or a
//! success — never a panic — in the library, and the CLI must exit with status 1 and a
//! message, never a signal.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use common::*;
use driftc::compile::{compile_file, CompileOptions};
use driftc::target::Target;

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    match rng.below(4) {
        0 => b.truncate(rng.below(b.len())),
        1 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        2 => {
            let i = rng.below(b.len());
            let v = [0xff, 0x7f, 0x80, 0x00][rng.below(4)];
            for k in 0..1 + rng.below(9) {
                if let Some(x) = b.get_mut(i + k) {
                    *x = v;
                }
            }
        }
        _ => {
            let i = rng.below(b.len());
            let junk: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
            b.splice(i..i, junk);
        }
    }
    b
}

#[test]
fn mutated_models_never_panic() {
    let target = Target::load("lavapipe").expect("target");
    let dir = std::env::temp_dir().join(format!("driftc-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let seed: u64 = std::env::var("HOSTILE_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed);
    let mut rng = Rng(seed);
    let mut errors = 0;
    for name in ["tiny_cnn", "tiny_ops", "shape_chain", "mlp_dynamic"] {
        let case = load_case(name);
        let bytes = std::fs::read(case.model()).expect("model");
        let iterations: usize = std::env::var("HOSTILE_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(150);
        for i in 0..iterations {
            let m = mutate(&mut rng, &bytes);
            let path = dir.join(format!("{name}-{i}.onnx"));
            std::fs::write(&path, &m).expect("write");
            let opts = CompileOptions { import: case.options(None).import, ..CompileOptions::default() };
            let r = catch_unwind(AssertUnwindSafe(|| compile_file(&path, &target, &opts)));
            match r {
                Err(_) => panic!("compiling mutation {i} of {name} panicked; the input is {}", path.display()),
                Ok(Err(_)) => errors += 1,
                Ok(Ok(_)) => {}
            }
            let _ = std::fs::remove_file(&path);
        }
    }
    assert!(errors > 0, "some mutations must be refused");
}

#[test]
fn random_bytes_are_refused() {
    let target = Target::load("lavapipe").expect("target");
    let dir = std::env::temp_dir().join(format!("driftc-random-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let mut rng = Rng(42);
    for i in 0..100 {
        let len = rng.below(4096);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let path = dir.join(format!("random-{i}.onnx"));
        std::fs::write(&path, &bytes).expect("write");
        let r = catch_unwind(AssertUnwindSafe(|| compile_file(&path, &target, &CompileOptions::default())));
        assert!(matches!(r, Ok(Err(_))), "random file {i} was not refused cleanly");
        assert!(runtime_min::bundle::open(&bytes, None).is_err());
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn mutated_bundles_are_refused() {
    let case = load_case("tiny_cnn");
    let good = case.compile("lavapipe", None).bundle;
    let mut rng = Rng(7);
    for i in 0..300 {
        let m = mutate(&mut rng, &good);
        let r = catch_unwind(|| runtime_min::bundle::open(&m, None).map(|_| ()));
        match r {
            Err(_) => panic!("opening mutated bundle {i} panicked"),
            Ok(Ok(())) => assert_eq!(m, good, "mutated bundle {i} was accepted"),
            Ok(Err(_)) => {}
        }
    }
}

#[test]
fn cli_reports_errors_without_signals() {
    let exe = env!("CARGO_BIN_EXE_driftc");
    let dir = std::env::temp_dir().join(format!("driftc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let bad = dir.join("bad.onnx");
    std::fs::write(&bad, b"\x08\x07garbage that is not a model").expect("write");
    let bad_bundle = dir.join("bad.bundle");
    std::fs::write(&bad_bundle, b"DRIFTBND truncated").expect("write");
    for args in [
        vec!["compile".to_string(), bad.display().to_string(), "--target".into(), "lavapipe".into()],
        vec!["inspect".into(), bad_bundle.display().to_string()],
        vec!["run".into(), bad_bundle.display().to_string()],
        vec!["compile".into(), case_dir("tiny_cnn").join("model.onnx").display().to_string(), "--target".into(), "no-such-gpu".into()],
    ] {
        let out = std::process::Command::new(exe).args(&args).output().expect("runs");
        assert_eq!(out.status.code(), Some(1), "driftc {args:?} must exit 1, got {:?}", out.status);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("Error: ") && !err.contains("panicked"), "driftc {args:?}: {err}");
    }
}
