//! config.json bytes → `driftc::front::llm::load` over llama_tiny's real weights, then
//! `compile::optimize` and `compile_graph` for lavapipe: the whole of `driftc compile
//! CHECKPOINT_DIR` with the config under the fuzzer's control. The context is capped at 64
//! tokens (as `--max-context 64` would), so a config may ask for any size the frontend
//! accepts without making every run slow.
//! Oracles: no panic; every bundle the compiler writes is accepted by
//! `runtime_min::bundle::open`.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use driftc::compile::{compile_graph, optimize, CompileOptions};
use driftc::front::llm::{self, LlmOptions};
use driftc::target::Target;
use libfuzzer_sys::fuzz_target;

static TARGET: LazyLock<Target> = LazyLock::new(|| Target::load("lavapipe").expect("built-in lavapipe target"));
const WEIGHTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../golden/models/llama_tiny/model.safetensors");

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("driftc-fuzz-llm-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    std::fs::copy(WEIGHTS, dir.join("model.safetensors")).expect("llama_tiny weights");
    dir
});

fuzz_target!(|data: &[u8]| {
    std::fs::write(DIR.join("config.json"), data).expect("scratch file");
    let options = LlmOptions { max_context: Some(64), ..LlmOptions::default() };
    let Ok(mut g) = llm::load(&DIR, &options) else { return };
    let imported = g.nodes.node_count();
    if optimize(&mut g, &TARGET, None, |_, _| {}).is_err() {
        return;
    }
    let Ok(out) = compile_graph(&g, &TARGET, &CompileOptions::default(), imported) else { return };
    runtime_min::bundle::open(&out.bundle, None).expect("a bundle the compiler wrote is refused");
});
