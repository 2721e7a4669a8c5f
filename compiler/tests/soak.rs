//! Runtime under load on lavapipe: many runs of one session and several sessions on one
//! device at once, with outputs bit-identical and resident memory stable; NaN and Inf
//! inputs propagate without a crash; wrong names, shapes and dtypes are errors. The
//! duration scales with SOAK_SECONDS (default 4; longer soaks are run by hand).

mod common;

use std::time::{Duration, Instant};

use common::*;
use runtime_min::{Bundle, HostTensor, Session, SessionOptions};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn budget() -> Duration {
    Duration::from_secs(std::env::var("SOAK_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(4))
}

#[test]
fn one_session_many_runs_and_sessions_in_parallel() {
    let case = load_case("tiny_cnn");
    let bundle = Bundle::from_vec(case.compile("lavapipe", None).bundle).expect("bundle");
    let (name, x) = case.inputs.iter().next().expect("one input");
    let input = host_of(x);
    let reference = {
        let mut s = Session::new(&bundle, &SessionOptions::default()).expect("session");
        s.set_input(name, &input).expect("input");
        s.run().expect("run");
        s.output("probs").expect("output").data
    };
    let start = Instant::now();
    let mut rss_after_warmup = 0;
    let mut runs = 0u64;
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..3)
            .map(|_| {
                scope.spawn(|| {
                    let mut s = Session::new(&bundle, &SessionOptions::default()).expect("session");
                    s.set_input(name, &input).expect("input");
                    let mut n = 0u64;
                    while start.elapsed() < budget() {
                        s.run().expect("run");
                        assert_eq!(s.output("probs").expect("output").data, reference, "outputs changed between runs");
                        n += 1;
                    }
                    n
                })
            })
            .collect();
        let mut s = Session::new(&bundle, &SessionOptions::default()).expect("session");
        s.set_input(name, &input).expect("input");
        while start.elapsed() < budget() {
            s.run().expect("run");
            assert_eq!(s.output("probs").expect("output").data, reference);
            runs += 1;
            if runs == 20 {
                rss_after_warmup = rss_kib();
            }
        }
        for w in workers {
            runs += w.join().expect("worker");
        }
    });
    let growth = rss_kib().saturating_sub(rss_after_warmup);
    eprintln!("soak: {runs} runs over 4 sessions in {:.1?}, resident memory growth after warm-up {growth} KiB", start.elapsed());
    assert!(runs > 40, "only {runs} runs");
    assert!(rss_after_warmup == 0 || growth < 64 * 1024, "resident memory grew by {growth} KiB over {runs} runs");
}

#[test]
fn nan_inf_propagate_and_bad_inputs_are_errors() {
    let case = load_case("tiny_cnn");
    let bundle = Bundle::from_vec(case.compile("lavapipe", None).bundle).expect("bundle");
    let mut s = Session::new(&bundle, &SessionOptions::default()).expect("session");
    let (name, x) = case.inputs.iter().next().expect("one input");
    let shape: Vec<u64> = x.shape.iter().map(|&d| d as u64).collect();
    let mut values = x.as_f32();
    values[0] = f32::NAN;
    values[1] = f32::INFINITY;
    values[2] = f32::NEG_INFINITY;
    s.set_input(name, &HostTensor::from_f32(&shape, &values)).expect("NaN/Inf input accepted");
    s.run().expect("runs with NaN/Inf");
    let out = s.output("probs").expect("output").to_f32().expect("f32");
    assert!(out.iter().any(|v| !v.is_finite()), "NaN at the input should reach the softmax output");
    assert!(s.set_input("no_such_input", &HostTensor::from_f32(&shape, &values)).is_err());
    assert!(s.set_input(name, &HostTensor::from_f32(&[1, 2], &[0.0, 1.0])).is_err());
    assert!(s.set_input(name, &HostTensor::from_i64(&shape, &vec![0; values.len()])).is_err());
    assert!(s.output("no_such_output").is_err());
    // The session still works after refused inputs.
    s.set_input(name, &host_of(x)).expect("input");
    s.run().expect("run");
    let want = case.outputs.values().next().expect("output").as_f32();
    assert!(driftc::reference::rel_l2(&s.output("probs").expect("output").to_f32().expect("f32"), &want) < 1e-4);
}
