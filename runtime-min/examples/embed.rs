//! An app that embeds a bundle in its binary and runs it: y = a * x + b over 1000 floats,
//! with `a` and `b` baked into the bundle as weights.
//!
//! `tiny.bundle` is test (a)'s bundle from `tests/vulkan_basic.rs`; a test keeps it
//! byte-identical to what that test builds (`RUNTIME_MIN_BLESS_EXAMPLE=1` rewrites it).
//!
//! Run: `cargo run -p runtime-min --example embed`

use runtime_min::{Bundle, HostTensor, Session, SessionOptions};

static BUNDLE: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tiny.bundle"));

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> runtime_min::Result<()> {
    let bundle = Bundle::from_static(BUNDLE)?;
    let m = bundle.manifest();
    println!("bundle for {} ({}), {} kernels, {} bytes", m.target, m.api, m.kernels.len(), BUNDLE.len());

    let mut session = Session::new(&bundle, &SessionOptions::default())?;
    println!("device: {}, pools: {} bytes", session.device_name(), session.allocated_bytes());

    let info = session.input_info("x")?.clone();
    let n = info.shape.iter().product::<u64>() as usize;
    let x: Vec<f32> = (0..n).map(|i| i as f32 / n as f32).collect();
    session.set_input("x", &HostTensor::from_f32(&info.shape, &x))?;

    let stats = session.run()?;
    let y = session.output("y")?.to_f32()?;
    println!("y[..4] = {:?}", y.get(..4).unwrap_or(&y));
    match stats.gpu_ns {
        Some(ns) => println!("gpu {:.1} µs, wall {:.1} µs", ns as f64 / 1e3, stats.wall_ns as f64 / 1e3),
        None => println!("wall {:.1} µs (no GPU timestamps on this queue)", stats.wall_ns as f64 / 1e3),
    }
    Ok(())
}
