//! ONNX backend node-test conformance on lavapipe.
//!
//! Every test of the PyPI wheel onnx==1.22.0 (`onnx/backend/test/data/node/<test>/`,
//! extracted to target/onnx-node-tests/node by scripts/fetch_onnx_node_tests.sh, which
//! `make test` runs) is compiled for `lavapipe` at f32, run through runtime-min and
//! compared with its expected outputs; see `conformance/case.rs` for how a test is
//! classified (pass / fail / unsupported).
//!
//! - `golden/conformance/allowlist.txt` lists the tests that must pass: this test fails
//!   when one of them does not (or no longer exists), naming each with its reason. Passing
//!   tests not yet listed are counted, not failed (add them to the list).
//! - `CONFORMANCE_REPORT=path` writes the Markdown report (`make conformance` writes
//!   docs/CONFORMANCE.md).
//! - `CONFORMANCE_BLESS=1` rewrites the allowlist: its header, then every test that passes
//!   now, sorted (review the change with `git diff golden/conformance`).
//! - `CONFORMANCE_FILTER=substring` runs only the matching tests (the allowlist is checked
//!   for those only); `CONFORMANCE_JOBS=n` sets the worker threads (default 2).
//!
//! Model for the allowlist: tract `test-rt/suite-onnx/node.txt`.

#[path = "conformance/case.rs"]
mod case;
#[path = "conformance/report.rs"]
mod report;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use case::{Outcome, Status};
use driftc::target::Target;

const SUITE: &str = "the PyPI wheel onnx==1.22.0";
const TARGET: &str = "lavapipe";
/// A test running longer than this is reported while it runs (it may hang lavapipe).
const SLOW: Duration = Duration::from_secs(120);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const ALLOWLIST_HEADER: &str = "\
# ONNX backend node tests that must pass: one test name per line, `#` starts a comment.
# Tests: onnx/backend/test/data/node/<name> from the PyPI wheel onnx==1.22.0, fetched by
# scripts/fetch_onnx_node_tests.sh into target/onnx-node-tests/node (`make test` does it).
# compiler/tests/conformance.rs compiles each test for `lavapipe` at f32, runs it there and
# fails `make test` when a test listed here does not pass. Tests not listed still run and
# show in docs/CONFORMANCE.md (`make conformance`) as passed, failed or unsupported.
# When a change makes more tests pass, add them (CONFORMANCE_BLESS=1 rewrites this file
# with every passing test; review the diff). Never remove a test to hide a regression.
";

/// Test names in the allowlist: one per line, `#` starts a comment.
fn read_allowlist(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty()).map(String::from).collect()
}

thread_local! {
    /// The message and location of the last panic on this thread (set by the hook).
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs one test, turning a panic into a `fail` with reason "panic: ...".
fn run_caught(dir: &Path, target: &Target) -> Outcome {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
    match panic::catch_unwind(AssertUnwindSafe(|| case::run(dir, target))) {
        Ok(o) => o,
        Err(payload) => {
            let msg = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| {
                payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "(no message)".into())
            });
            let op = std::fs::read(dir.join("model.onnx"))
                .ok()
                .and_then(|b| <onnx_protobuf::ModelProto as protobuf::Message>::parse_from_bytes(&b).ok())
                .map_or_else(|| "(unreadable)".into(), |m| case::op_type_of(&m));
            Outcome { name, op, status: Status::Fail, reason: case::one_line(&format!("panic: {msg}")) }
        }
    }
}

/// Runs `dirs` on `jobs` threads; the result is in `dirs` order.
fn run_all(dirs: &[PathBuf], jobs: usize) -> Vec<Outcome> {
    let target = Target::load(TARGET).expect("target 'lavapipe' loads");
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; dirs.len()]);
    let running: Mutex<Vec<Option<(String, Instant, bool)>>> = Mutex::new(vec![None; jobs]);
    let start = Instant::now();

    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".into());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
    }));

    std::thread::scope(|s| {
        for w in 0..jobs {
            let (next, done, results, running, target) = (&next, &done, &results, &running, &target);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(dir) = dirs.get(i) else { break };
                let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
                running.lock().unwrap_or_else(|e| e.into_inner())[w] = Some((name, Instant::now(), false));
                let o = run_caught(dir, target);
                running.lock().unwrap_or_else(|e| e.into_inner())[w] = None;
                results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(o);
                let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                if n % 200 == 0 {
                    eprintln!("conformance: {n}/{} tests ({:.0} s)", dirs.len(), start.elapsed().as_secs_f64());
                }
            });
        }
        // Watchdog: name tests that run suspiciously long.
        while done.load(Ordering::SeqCst) < dirs.len() {
            std::thread::sleep(Duration::from_millis(200));
            for slot in running.lock().unwrap_or_else(|e| e.into_inner()).iter_mut().flatten() {
                if !slot.2 && slot.1.elapsed() > SLOW {
                    eprintln!("conformance: {} is still running after {} s", slot.0, SLOW.as_secs());
                    slot.2 = true;
                }
            }
        }
    });
    panic::set_hook(previous_hook);
    eprintln!("conformance: {} tests in {:.0} s on {jobs} thread(s)", dirs.len(), start.elapsed().as_secs_f64());
    results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|o| o.expect("every test ran")).collect()
}

#[test]
fn onnx_node_tests() {
    let root = repo();
    let node_dir = root.join("target/onnx-node-tests/node");
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(&node_dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("model.onnx").is_file()).collect(),
        Err(e) => panic!(
            "{}: {e}. The ONNX node tests are not fetched: run `make test` (or `bash scripts/fetch_onnx_node_tests.sh`).",
            node_dir.display()
        ),
    };
    assert!(!dirs.is_empty(), "{} holds no tests: run `make test` (or `bash scripts/fetch_onnx_node_tests.sh`)", node_dir.display());
    dirs.sort();
    let filter = std::env::var("CONFORMANCE_FILTER").ok().filter(|f| !f.is_empty());
    if let Some(f) = &filter {
        dirs.retain(|d| d.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains(f.as_str())));
    }
    let jobs = std::env::var("CONFORMANCE_JOBS").ok().and_then(|j| j.parse::<usize>().ok()).filter(|&j| j > 0).unwrap_or(2);

    let outcomes = run_all(&dirs, jobs);

    println!("{}", report::table(&outcomes));
    println!("conformance: {}", report::summary(&outcomes));
    if let Ok(path) = std::env::var("CONFORMANCE_REPORT") {
        if !path.is_empty() {
            let p = if Path::new(&path).is_absolute() { PathBuf::from(&path) } else { root.join(&path) };
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
            }
            std::fs::write(&p, report::markdown(&outcomes, SUITE, TARGET)).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            println!("conformance: wrote {path}");
        }
    }

    let allow_rel = "golden/conformance/allowlist.txt";
    let allow_path = root.join(allow_rel);
    if std::env::var("CONFORMANCE_BLESS").is_ok_and(|v| !v.is_empty() && v != "0") {
        assert!(filter.is_none(), "CONFORMANCE_BLESS needs the whole suite: unset CONFORMANCE_FILTER");
        let mut text = String::from(ALLOWLIST_HEADER);
        for o in outcomes.iter().filter(|o| o.status == Status::Pass) {
            text.push_str(&o.name);
            text.push('\n');
        }
        std::fs::write(&allow_path, text).unwrap_or_else(|e| panic!("{}: {e}", allow_path.display()));
        println!("conformance: wrote {allow_rel}");
    }
    let allow = read_allowlist(&allow_path);
    let allowed: BTreeSet<&str> = allow.iter().map(String::as_str).collect();
    let ran: BTreeSet<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
    let mut problems = Vec::new();
    if filter.is_none() {
        for name in &allowed {
            if !ran.contains(name) {
                problems.push(format!("  {name}: allowlisted but not in the suite"));
            }
        }
    }
    for o in &outcomes {
        if allowed.contains(o.name.as_str()) && o.status != Status::Pass {
            problems.push(format!("  {} ({}): {}: {}", o.name, o.op, o.status.label(), o.reason));
        }
    }
    let new_passes: Vec<&str> = outcomes.iter().filter(|o| o.status == Status::Pass && !allowed.contains(o.name.as_str())).map(|o| o.name.as_str()).collect();
    if !new_passes.is_empty() {
        println!(
            "conformance: {} passing test(s) are not in {} yet (add them): {}",
            new_passes.len(),
            allow_rel,
            new_passes.iter().take(20).copied().collect::<Vec<_>>().join(", ") + if new_passes.len() > 20 { ", ..." } else { "" }
        );
    }
    assert!(
        problems.is_empty(),
        "{} allowlisted ONNX node test(s) do not pass ({}):\n{}",
        problems.len(),
        allow_rel,
        problems.join("\n")
    );
}
