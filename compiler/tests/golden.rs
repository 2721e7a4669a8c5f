//! Golden text snapshots, compared on every `cargo test` and rewritten by `make bless`
//! (GOLDEN_BLESS=1): the IR after import and after each pass, the memory plan, the
//! rendered kernels per language (WGSL for Vulkan, OpenCL C for Adreno, MSL for Apple),
//! and the bundle dump per target. Everything is deterministic text; review with
//! `git diff golden/out`.

mod common;

use std::fmt::Write;
use std::path::Path;

use common::*;
use driftc::compile;
use driftc::target::Target;

fn compare(rel: &str, actual: &str) -> Option<String> {
    let path = repo().join("golden/out").join(rel);
    if std::env::var_os("GOLDEN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return None;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(e) => e,
        Err(_) => return Some(format!("{rel}: missing; run `make bless` and review the new file")),
    };
    if expected == actual {
        return None;
    }
    let mut diff = format!("{rel} differs (run `make bless` if intended):\n");
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        if e.get(i) != a.get(i) && shown < 12 {
            let _ = writeln!(diff, "@@ line {}\n-{}\n+{}", i + 1, e.get(i).unwrap_or(&""), a.get(i).unwrap_or(&""));
            shown += 1;
        }
    }
    Some(diff)
}

fn snapshot(name: &str) {
    let case = load_case(name);
    let mut failures = Vec::new();
    let mut check = |rel: String, text: String| {
        if let Some(d) = compare(&rel, &text) {
            failures.push(d);
        }
    };
    let lavapipe = Target::load("lavapipe").expect("target");
    let opts = case.options(None);
    let mut g = compile::import_file(&case.model(), &opts.import).expect("imports");
    check(format!("ir/{name}/import.txt"), g.dump());
    let mut dumps = Vec::new();
    compile::optimize(&mut g, &lavapipe, None, |pass, g| dumps.push((pass.to_string(), g.dump()))).expect("optimizes");
    for (i, (pass, text)) in dumps.into_iter().enumerate() {
        check(format!("ir/{name}/{i}-{pass}.txt"), text);
    }
    for (target, dir, ext) in [("lavapipe", "wgsl", "wgsl"), ("adreno750", "opencl", "cl"), ("apple-m3", "msl", "metal")] {
        let c = case.compile(target, None);
        check(format!("bundle/{name}.{target}.txt"), driftc::inspect::text(&runtime_min::bundle::open(&c.bundle, None).expect("opens")));
        let list = if dir == "msl" { &c.translated } else { &c.sources };
        let mut text = String::new();
        for (k, src) in list {
            let _ = writeln!(text, "// ===== {k} =====\n{src}");
        }
        check(format!("{dir}/{name}.{ext}"), text);
        let t = Target::load(target).expect("target");
        let mp = compile::plan_memory(&g, &t, t.default_precision, None).expect("plans");
        let mut plan = format!("{:?}\n", mp.report);
        for ((tid, r), off) in mp.records.iter().zip(&mp.offsets.offsets) {
            let _ = writeln!(plan, "+{off:<8} {:>8} B  steps {:>3}..{:<3}  %{}", r.size, r.first, r.last, g.tensor(*tid).name);
        }
        // Texture tensors share images by lifetime (plan::texture_pools).
        let gr = &g;
        let mut users: Vec<(usize, String)> = mp.textures.of.iter().flat_map(|(t, ks)| ks.iter().map(move |&k| (k, gr.tensor(*t).name.clone()))).collect();
        users.sort();
        for (k, img) in mp.textures.images.iter().enumerate() {
            let names: Vec<String> = users.iter().filter(|(j, _)| *j == k).map(|(_, n)| format!("%{n}")).collect();
            let _ = writeln!(plan, "texture{k} {}x{} {:?}: {}", img.width, img.height, img.elem, names.join(" "));
        }
        check(format!("plan/{name}.{target}.txt"), plan);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tiny_cnn() {
    snapshot("tiny_cnn");
}

#[test]
fn tiny_ops() {
    snapshot("tiny_ops");
}

#[test]
fn shape_chain() {
    snapshot("shape_chain");
}

#[test]
fn sd_block() {
    snapshot("sd_block");
}

/// The OpenCL C of an LLM bundle's decode program for NVIDIA's OpenCL
/// (`nvidia-h100-opencl`, f16), as that target's tuning shapes it (16-byte weight words,
/// PTX streaming loads and shuffle sums in the projections), which the ONNX snapshots above
/// (Adreno's OpenCL) do not reach. (Its prefill kernels on tensor cores have their own
/// tests: `linear_mma_ptx`, `attention_mma`.)
#[test]
fn llama_tiny_nvidia_opencl_decode_kernels() {
    let c = load_case("llama_tiny").compile("nvidia-h100-opencl", Some(driftc::target::Precision::F16));
    let decode = c.manifest.programs.iter().find(|p| p.name == "decode").expect("decode program");
    let used: std::collections::BTreeSet<&str> = decode.dispatches.iter().filter_map(|d| c.manifest.kernels.get(d.kernel as usize)).map(|k| k.name.as_str()).collect();
    let mut text = String::new();
    for (k, src) in c.sources.iter().filter(|(k, _)| used.contains(k.as_str())) {
        let _ = writeln!(text, "// ===== {k} =====\n{src}");
    }
    if let Some(d) = compare("opencl/llama_tiny.nvidia-h100-opencl.decode.cl", &text) {
        panic!("{d}");
    }
}
