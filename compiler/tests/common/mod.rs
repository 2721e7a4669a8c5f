//! Shared test helpers: golden model directories (model.onnx + meta.json + onnxruntime
//! reference .npy files made by scripts/make_references.py), compile-and-run on lavapipe.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use driftc::compile::{self, CompileOptions, Compiled};
use driftc::front::onnx::{parse_shape_arg, ImportOptions};
use driftc::ir::Value;
use driftc::npy;
use driftc::target::{Precision, Target};
use runtime_min::{Bundle, Session, SessionOptions};

/// The clang that checks OpenCL C (the first of the usual names that runs).
pub fn clang() -> String {
    for c in ["clang", "clang-16", "clang-15", "clang-14"] {
        if std::process::Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return c.to_string();
        }
    }
    panic!("clang is needed to check OpenCL C (Debian package clang; `make test` installs it)");
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Committed golden models (random weights, made by scripts/make_golden_models.py).
pub const GOLDEN: &[&str] = &["tiny_cnn", "tiny_ops", "shape_chain", "external_data", "mlp_dynamic", "squeezenet1_1", "mobilenet_v2", "sd_block", "attention_wide", "bert_tiny", "llama_tiny", "llama31_tiny", "gemma2_tiny"];
/// Real-weight models from the rapidocr-onnxruntime wheel (scripts/fetch_pypi_models.sh).
pub const PYPI: &[&str] = &["ocr_cls", "ocr_det"];

pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    pub inputs: BTreeMap<String, Value>,
    pub outputs: BTreeMap<String, Value>,
    pub shapes: BTreeMap<String, Vec<usize>>,
}

pub fn case_dir(name: &str) -> PathBuf {
    if PYPI.contains(&name) {
        repo().join("target/pypi-models").join(name)
    } else {
        repo().join("golden/models").join(name)
    }
}

pub fn load_case(name: &str) -> Case {
    let dir = case_dir(name);
    let meta_path = dir.join("meta.json");
    let text = std::fs::read_to_string(&meta_path).unwrap_or_else(|e| {
        panic!("{}: {e}. The real-weight models are fetched by `make test` (scripts/fetch_pypi_models.sh).", meta_path.display())
    });
    let meta: serde_json::Value = serde_json::from_str(&text).expect("meta.json parses");
    let read = |key: &str| -> BTreeMap<String, Value> {
        meta[key]
            .as_array()
            .expect("list")
            .iter()
            .map(|e| (e["name"].as_str().expect("name").to_string(), npy::read(&dir.join(e["file"].as_str().expect("file"))).expect("npy reads")))
            .collect()
    };
    let mut shapes = BTreeMap::new();
    for s in meta["shape_args"].as_array().cloned().unwrap_or_default() {
        let (n, d) = parse_shape_arg(s.as_str().expect("shape arg")).expect("valid shape arg");
        shapes.insert(n, d);
    }
    Case { name: name.into(), inputs: read("inputs"), outputs: read("outputs"), shapes, dir }
}

impl Case {
    /// The ONNX file, or the checkpoint directory for Hugging Face models.
    pub fn model(&self) -> PathBuf {
        if self.dir.join("config.json").is_file() {
            self.dir.clone()
        } else {
            self.dir.join("model.onnx")
        }
    }
    pub fn options(&self, precision: Option<Precision>) -> CompileOptions {
        CompileOptions { precision, import: ImportOptions { shapes: self.shapes.clone(), allow_missing_weights: false, runtime_inputs: None, frozen_inputs: Default::default(), quant: Default::default(), prefill_tokens: None, target_prefill_tokens: None, decode_int8_activations: None, prefill_int8_activations: None, decode_split_keys: None, max_context: None }, strategy: None, stop_after: None, validate_spirv: false, zero_missing_weights: false, storage: None }
    }
    pub fn compile(&self, target: &str, precision: Option<Precision>) -> Compiled {
        let t = Target::load(target).expect("target loads");
        compile::compile_file(&self.model(), &t, &self.options(precision)).unwrap_or_else(|e| panic!("{} for {target}: {e}", self.name))
    }
}

pub use driftc::host::to_host as host_of;

/// Runs a compiled bundle on this machine's Vulkan device (lavapipe in CI).
pub fn run_on_device(c: &Compiled, inputs: &BTreeMap<String, Value>) -> BTreeMap<String, Vec<f32>> {
    let b = Bundle::from_vec(c.bundle.clone()).expect("bundle opens");
    let mut s = Session::new(&b, &SessionOptions::default()).unwrap_or_else(|e| panic!("no Vulkan device ({e}); install mesa-vulkan-drivers and libvulkan1 (make test does)"));
    for (n, v) in inputs {
        s.set_input(n, &host_of(v)).expect("input accepted");
    }
    s.run().expect("run");
    // The first program's outputs (an LLM's prefill logits; every output of a model).
    let names: Vec<String> = s.written_output_names().iter().map(|n| n.to_string()).collect();
    names.into_iter().map(|n| { let v = s.output(&n).expect("output").to_f32().expect("f32"); (n, v) }).collect()
}

/// Compiles `g` in f32 for this machine's devices (lavapipe, PoCL), checks that the bundle
/// holds a kernel whose name starts with `kernel`, runs it on `inputs` and returns output
/// `out` per target. `what` names the case in panics.
pub fn run_on_cpu_devices(g: &driftc::ir::Graph, inputs: &BTreeMap<String, Value>, kernel: &str, out: &str, what: &str) -> Vec<(&'static str, Vec<f32>)> {
    ["lavapipe", "pocl"].into_iter().map(|target| (target, run_chosen(g, inputs, kernel, out, what, target, Precision::F32))).collect()
}

/// [`run_on_cpu_devices`] for one `target` at `precision`.
pub fn run_chosen(g: &driftc::ir::Graph, inputs: &BTreeMap<String, Value>, kernel: &str, out: &str, what: &str, target: &str, precision: Precision) -> Vec<f32> {
    let t = Target::load(target).expect("target");
    let opts = CompileOptions { precision: Some(precision), ..CompileOptions::default() };
    let compiled = compile::compile_graph(g, &t, &opts, 1).unwrap_or_else(|e| panic!("{what} {target} {precision:?}: {e}"));
    let b = runtime_min::bundle::open(&compiled.bundle, None).expect("opens");
    assert!(b.manifest.kernels.iter().any(|k| k.name.starts_with(kernel)), "{what} {target} {precision:?}: {kernel} is chosen");
    run_on_device(&compiled, inputs).remove(out).expect("output")
}

/// Inputs of a cached-attention graph (q [1, H, T, D]; k, v caches [1, Hkv, C, D];
/// position [1]), values uniform in ±1000 / `spread` from `rng`; cache rows past `last`
/// hold NaN (never written in a real cache: a kernel must not let them into a result).
#[allow(clippy::too_many_arguments)]
pub fn attention_inputs(rng: &mut Rng, spread: f32, heads: usize, t: usize, kv_heads: usize, ctx: usize, d: usize, pos: usize, last: usize) -> BTreeMap<String, Value> {
    let mut vals = |n: usize| (0..n).map(|_| (rng.below(2001) as f32 - 1000.0) / spread).collect::<Vec<f32>>();
    let cache = |vals: Vec<f32>| {
        let rows: Vec<f32> = vals.chunks(d).enumerate().flat_map(|(r, row)| if r % ctx > last { vec![f32::NAN; d] } else { row.to_vec() }).collect();
        Value::f32(vec![1, kv_heads, ctx, d], rows)
    };
    let mut inputs = BTreeMap::new();
    inputs.insert("q".to_string(), Value::f32(vec![1, heads, t, d], vals(heads * t * d)));
    inputs.insert("k".to_string(), cache(vals(kv_heads * ctx * d)));
    inputs.insert("v".to_string(), cache(vals(kv_heads * ctx * d)));
    inputs.insert("position".to_string(), Value::i64(vec![1], vec![pos as i64]));
    inputs
}

/// xorshift64*: deterministic, no dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// `nvidia-h100-opencl` without inline PTX: the tensor-core kernels off, and with them the
/// decode projections' PTX shuffles and streaming loads and the chained kernels' PTX
/// waits, which need them.
pub const PTX_OFF: &str = "opencl_ptx_mma = false\nopencl_ptx_wgmma = false\nsubgroup_reductions = false\nattention_subgroup_reductions = false\nopencl_ptx_stream_loads = false\nchain_dependent_dispatches = false\nchain_persistent_groups = 0\nchain_spin_waits = false";

/// A target file's text with `entries` (`key = value` lines) set in its `[tuning]` table:
/// a key the file already sets is replaced, not repeated (TOML refuses duplicate keys).
pub fn set_tuning(text: &str, entries: &str) -> String {
    let keys: Vec<&str> = entries.lines().filter_map(|l| l.split_once('=')).map(|(k, _)| k.trim()).collect();
    let mut out = String::new();
    let mut in_tuning = false;
    assert!(text.lines().any(|l| l.trim_start().starts_with("[tuning]")), "the target file has no [tuning] table to set {entries}");
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_tuning = trimmed.starts_with("[tuning]");
        }
        let key = trimmed.split_once('=').map(|(k, _)| k.trim());
        if in_tuning && key.is_some_and(|k| keys.contains(&k)) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if trimmed.starts_with("[tuning]") {
            out.push_str(entries.trim_end());
            out.push('\n');
        }
    }
    out
}

/// The shape of a cached-attention test: head size, query and cache heads, chunk of
/// queries, cache rows, position.
pub struct AttentionCase {
    pub d: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub t: usize,
    pub ctx: usize,
    pub pos: usize,
    pub attention: driftc::ops::cached_attention::CachedAttention,
}

/// The attention op alone, named `{name}_d{d}`: Q, caches and output of `dtype`
/// ([1, H, T, D], or [1, T, H, D] token-major).
pub fn attention_graph(c: &AttentionCase, dtype: driftc::ir::DType, name: &str) -> driftc::ir::Graph {
    use driftc::ir::{DType, Graph, Node, Role};
    let mut g = Graph { name: format!("{name}_d{}", c.d), opset: 17, ..Graph::default() };
    let rows = if c.attention.seq_major { vec![1, c.t, c.heads, c.d] } else { vec![1, c.heads, c.t, c.d] };
    let q = g.add_tensor("q", dtype, rows.clone(), Role::Input);
    let k = g.add_tensor("k", dtype, vec![1, c.kv_heads, c.ctx, c.d], Role::Input);
    let v = g.add_tensor("v", dtype, vec![1, c.kv_heads, c.ctx, c.d], Role::Input);
    let p = g.add_tensor("position", DType::I64, vec![1], Role::Input);
    let y = g.add_tensor("y", dtype, rows, Role::Activation);
    g.inputs = vec![q, k, v, p];
    g.outputs = vec![y];
    g.add_node(Node::new("attention", Box::new(c.attention.clone()), vec![Some(q), Some(k), Some(v), Some(p)], vec![y]));
    g
}

/// OpenCL C `src` (kernel `name`) through clang's NVPTX back end (NVIDIA's OpenCL triple,
/// default header, warnings as errors) in `dir`: the PTX text; fails the test with clang's
/// message when it refuses the kernel.
pub fn nvptx(clang: &str, dir: &Path, name: &str, src: &str) -> String {
    // vload_half / vload_half8 / vstore_half declared: clang's header for this triple
    // leaves them out.
    let prelude = "float __attribute__((overloadable)) vload_half(size_t i, const __global half* p);\nfloat8 __attribute__((overloadable)) vload_half8(size_t i, const __private half* p);\nvoid __attribute__((overloadable)) vstore_half(float v, size_t i, __global half* p);\n";
    let cl = dir.join(format!("{name}.cl"));
    let ptx = dir.join(format!("{name}.ptx"));
    std::fs::write(&cl, format!("{prelude}{src}")).expect("write the kernel");
    let out = std::process::Command::new(clang).args(["-target", "nvptx64-nvidia-nvcl", "-x", "cl", "-cl-std=CL3.0", "-S", "-O2", "-Werror", "-Xclang", "-finclude-default-header", "-o"]).arg(&ptx).arg(&cl).output().expect("clang runs");
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(&ptx).expect("ptx")
}

/// A one-layer Llama checkpoint: hidden 128 (4 heads of 32: the chunk attention stays off
/// `cached_attention_mma`, which `attention_mma` checks), feed-forward 256, vocabulary
/// 256, f16 weights drawn from a fixed sequence (magnitudes 1/32 to 1/2, norms 1/2 to 2).
pub fn llama_f16_checkpoint(dir: &Path) {
    let config = r#"{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":128,"intermediate_size":256,"num_attention_heads":4,"num_key_value_heads":4,"num_hidden_layers":1,"vocab_size":256,"max_position_embeddings":256,"rms_norm_eps":1e-6,"rope_theta":10000.0,"hidden_act":"silu","tie_word_embeddings":false}"#;
    let l = "model.layers.0";
    let tensors: Vec<(String, Vec<usize>)> = vec![
        ("model.embed_tokens.weight".into(), vec![256, 128]),
        (format!("{l}.input_layernorm.weight"), vec![128]),
        (format!("{l}.self_attn.q_proj.weight"), vec![128, 128]),
        (format!("{l}.self_attn.k_proj.weight"), vec![128, 128]),
        (format!("{l}.self_attn.v_proj.weight"), vec![128, 128]),
        (format!("{l}.self_attn.o_proj.weight"), vec![128, 128]),
        (format!("{l}.post_attention_layernorm.weight"), vec![128]),
        (format!("{l}.mlp.gate_proj.weight"), vec![256, 128]),
        (format!("{l}.mlp.up_proj.weight"), vec![256, 128]),
        (format!("{l}.mlp.down_proj.weight"), vec![128, 256]),
        ("model.norm.weight".into(), vec![128]),
        ("lm_head.weight".into(), vec![256, 128]),
    ];
    let mut header = Vec::new();
    let mut at = 0usize;
    for (name, shape) in &tensors {
        let bytes = shape.iter().product::<usize>() * 2;
        header.push(format!(r#""{name}":{{"dtype":"F16","shape":{shape:?},"data_offsets":[{at},{}]}}"#, at + bytes));
        at += bytes;
    }
    let header = format!("{{{}}}", header.join(","));
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for (_, shape) in &tensors {
        let norm = shape.len() == 1;
        for _ in 0..shape.iter().product::<usize>() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (state >> 33) as u16;
            // f16 bits: sign, exponent 10..13 (norms 14..15, positive), 10 mantissa bits.
            let (sign, exp) = if norm { (0, 14 + (r >> 10) % 2) } else { ((r >> 15) << 15, 10 + (r >> 10) % 4) };
            file.extend_from_slice(&(sign | exp << 10 | (r & 0x3ff)).to_le_bytes());
        }
    }
    std::fs::create_dir_all(dir).expect("checkpoint dir");
    std::fs::write(dir.join("config.json"), config).expect("config");
    std::fs::write(dir.join("model.safetensors"), file).expect("safetensors");
}

/// Float registers among a marked product's accumulators (the braces' list).
pub fn float_registers(line: &str) -> usize {
    let regs = line.split('{').nth(1).and_then(|r| r.split('}').next()).unwrap_or("");
    regs.split(',').filter(|r| r.trim().starts_with("%f")).count()
}

/// Members of a merged kernel (`linear_mma_x3_f16_5`: the q, k and v products, each
/// with its own instructions; the target merges independent dispatches), 1 for a kernel
/// of its own.
pub fn merged_members(kernel: &str) -> usize {
    kernel.split("_x").nth(1).and_then(|r| r.split('_').next()).and_then(|n| n.parse().ok()).unwrap_or(1)
}

/// The checkpoint compiled with prefill chunks of `chunk` tokens.
pub fn compile_chunk(dir: &Path, target: &str, tuning: &str, quant: driftc::front::llm::Quant, chunk: usize) -> Compiled {
    let text = std::fs::read_to_string(repo().join(format!("targets/{target}.toml"))).expect("target file");
    compile_text(dir, target, &text, tuning, quant, chunk)
}

/// The checkpoint compiled for the target file's text `text` (named `target`).
pub fn compile_text(dir: &Path, target: &str, text: &str, tuning: &str, quant: driftc::front::llm::Quant, chunk: usize) -> Compiled {
    let t = Target::from_toml(&set_tuning(text, tuning), Path::new(&format!("{target}.toml"))).expect("target parses");
    let import = ImportOptions { shapes: Default::default(), allow_missing_weights: false, runtime_inputs: None, frozen_inputs: Default::default(), quant, prefill_tokens: Some(chunk), target_prefill_tokens: None, decode_int8_activations: None, prefill_int8_activations: None, decode_split_keys: None, max_context: Some(256) };
    let options = CompileOptions { precision: Some(Precision::F16), import, strategy: None, stop_after: None, validate_spirv: false, zero_missing_weights: false, storage: None };
    driftc::compile::compile_file(dir, &t, &options).unwrap_or_else(|e| panic!("{target} {tuning}: {e}"))
}
