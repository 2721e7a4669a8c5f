//! The `driftc` command line: compile, inspect, plan, targets, run, verify.

mod cmd_generate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use driftc::compile::{self, CompileOptions};
use driftc::front::onnx::{parse_shape_arg, ImportOptions};
use driftc::ir::{DType, Value};
use driftc::target::{Precision, StorageKind, Target};
use driftc::{inspect, npy, reference};
use runtime_min::{Bundle, Session, SessionOptions};

#[derive(Parser)]
#[command(name = "driftc", version, about = "Ahead-of-time GPU model compiler: one model in, one sealed bundle out")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum PrecisionArg {
    F16,
    F32,
}

#[derive(Clone, Copy, ValueEnum)]
enum StorageArg {
    /// Storage buffers (every target).
    Buffer,
    /// Single-channel 2D images (OpenCL targets with images).
    Texture2d,
    /// The target file's `tuning.activation_storage`.
    Auto,
}

#[derive(Clone, Copy, ValueEnum)]
enum QuantArg {
    F32,
    F16,
    Q8,
    #[value(name = "8/4/4")]
    Q844,
}

#[derive(clap::Args, Clone)]
struct ModelArgs {
    /// ONNX model file, or a Hugging Face checkpoint directory (config.json + *.safetensors).
    model: PathBuf,
    /// Target device name (see `driftc targets`) or a target .toml file.
    #[arg(long, short)]
    target: String,
    /// Override the target's default precision.
    #[arg(long, value_enum)]
    precision: Option<PrecisionArg>,
    /// Fix dynamic input dimensions: NAME=d0,d1,.. (repeatable).
    #[arg(long = "shape", value_name = "NAME=DIMS")]
    shapes: Vec<String>,
    /// Fix a graph input's value at compile time: NAME=FILE.npy (repeatable). It becomes
    /// a constant (e.g. axes, starts, K or a shape fed as an input).
    #[arg(long = "freeze", value_name = "NAME=FILE")]
    freeze: Vec<String>,
    /// LLM checkpoint directories: weight storage. f32 and f16 set the precision; q8
    /// stores projection and LM-head weights as per-channel int8; 8/4/4 keeps attention
    /// projections int8 and makes feed-forward weights, embeddings and LM head int4.
    #[arg(long, value_enum)]
    quant: Option<QuantArg>,
    /// LLM checkpoint directories: tokens per prefill chunk (default: the target's
    /// tuning.llm_prefill_tokens, capped at the context).
    #[arg(long)]
    prefill_tokens: Option<usize>,
    /// LLM checkpoint directories: tokens the KV cache holds (default: the model's
    /// max_position_embeddings, at most 4096).
    #[arg(long)]
    max_context: Option<usize>,
    /// Storage of intermediate activations, overriding the target's activation_storage
    /// (graph inputs, outputs and weights stay buffers).
    #[arg(long, value_enum, default_value = "auto")]
    storage: StorageArg,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a model into a sealed bundle.
    Compile {
        #[command(flatten)]
        model: ModelArgs,
        /// Output bundle (default: MODEL stem + .<target>.bundle next to the model).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print the IR after this pass (simplify, fold-batchnorm, fuse-elementwise, or "import").
        #[arg(long, value_name = "PASS")]
        dump_after: Option<String>,
        /// Memory-planning strategy (default: the smallest of all).
        #[arg(long)]
        strategy: Option<String>,
        /// Compile a graph whose weights are absent (graph inputs or external data not
        /// present) with zero weights, to inspect kernels, dispatches and memory.
        #[arg(long)]
        zero_missing_weights: bool,
        /// With --zero-missing-weights: the graph inputs the application feeds.
        #[arg(long, value_delimiter = ',')]
        runtime_inputs: Option<Vec<String>>,
        /// Write each kernel's generated source (WGSL or OpenCL C, before translation) to
        /// this directory as KERNEL.wgsl / KERNEL.cl, and what the bundle carries of it
        /// (KERNEL.spv, KERNEL.metal), to read what the compiler made.
        #[arg(long, value_name = "DIR")]
        dump_kernels: Option<PathBuf>,
    },
    /// Print a bundle's manifest.
    Inspect {
        bundle: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Plan activation memory and print the figures.
    Plan {
        #[command(flatten)]
        model: ModelArgs,
        /// The graph inputs the application feeds (comma-separated); other graph inputs
        /// are weights without data. Default: inputs that feed only parameter slots
        /// (weights, biases, scales, embedding tables) are weights.
        #[arg(long, value_delimiter = ',')]
        runtime_inputs: Option<Vec<String>>,
        /// Draw the plan as SVG (x: step, y: offset, one rectangle per tensor).
        #[arg(long)]
        svg: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        strategy: Option<String>,
        /// With --json: list every tensor's physical descriptor (storage, layout, element
        /// type, objects, image geometry) in execution order.
        #[arg(long)]
        tensors: bool,
    },
    /// List the known targets.
    Targets,
    /// Run a bundle on this machine's device.
    Run {
        bundle: PathBuf,
        /// NAME=FILE.npy (repeatable).
        #[arg(long = "input", value_name = "NAME=FILE")]
        inputs: Vec<String>,
        /// Directory for <output name>.npy files.
        #[arg(long)]
        output_dir: Option<PathBuf>,
        /// Device index (default: the first GPU, else the first device).
        #[arg(long)]
        device: Option<usize>,
        /// Runs to time (the first is a warm-up).
        #[arg(long, default_value_t = 1)]
        runs: usize,
    },
    /// Generate text with an LLM bundle (compiled from a checkpoint directory).
    Generate {
        bundle: PathBuf,
        /// Prompt text (needs the bundle's tokenizer and driftc built with `tokenizer`).
        #[arg(long, conflicts_with = "prompt_ids", required_unless_present = "prompt_ids")]
        prompt: Option<String>,
        /// Prompt token ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        prompt_ids: Option<Vec<u32>>,
        #[arg(long, default_value_t = 64)]
        max_new_tokens: usize,
        /// Argmax decoding (the default unless --temperature is given).
        #[arg(long, conflicts_with_all = ["temperature", "top_k", "top_p"])]
        greedy: bool,
        #[arg(long)]
        temperature: Option<f32>,
        #[arg(long)]
        top_k: Option<usize>,
        #[arg(long)]
        top_p: Option<f32>,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Print one JSON object: ids (new tokens only), text (with a tokenizer),
        /// prefill_tok_s, decode_tok_s.
        #[arg(long)]
        json: bool,
        /// Also report timing: prompt and decode tokens per second.
        #[arg(long)]
        bench: bool,
        /// Keep generating after the model's EOS token (fixed-length runs).
        #[arg(long)]
        ignore_eos: bool,
        /// Time every dispatch (GPU timestamps, Vulkan) and report the last decode step
        /// per kernel, or with --max-new-tokens 1 the last prefill chunk (with --json:
        /// `decode_profile` / `prefill_profile`; else a table on stderr).
        #[arg(long)]
        profile: bool,
        /// With --profile (implied): also every dispatch of that run in order, with its
        /// node label and kernel (stderr).
        #[arg(long)]
        profile_dispatches: bool,
        /// Write the logits the last new token was chosen from to FILE.npy ([vocab], f32).
        #[arg(long, value_name = "FILE")]
        save_logits: Option<PathBuf>,
        #[arg(long)]
        device: Option<usize>,
        /// Poll each run's fence for up to this many microseconds before blocking on it
        /// (Vulkan): a blocked wait adds the OS's wake-up latency to every decode step
        /// (65 us of a 330 us step measured on an H200); polling keeps a CPU core busy
        /// while the GPU works instead. 0 blocks at once.
        #[arg(long, value_name = "US", default_value_t = 20_000)]
        spin_wait_us: u32,
        /// Print each kernel's compile statistics as the Vulkan driver reports them
        /// (VK_KHR_pipeline_executable_properties: registers, spills, ...), on stderr.
        #[arg(long)]
        pipeline_stats: bool,
        /// Generate this many times first (the prompt and up to two new tokens, the cache
        /// then forgotten) so the timed run finds the programs recorded and the GPU busy,
        /// as a benchmark's warm-up does; the first one's prompt rate is reported too
        /// (`cold_prefill_tok_s`). Without --ignore-eos a warm-up whose first token is a
        /// stop token does not run the decode program.
        #[arg(long, value_name = "N", default_value_t = 0)]
        warmup: usize,
        /// Vulkan: leave the driver's bounds checks on every buffer access
        /// (robustBufferAccess) off. Only for bundles you compiled yourself: driftc's
        /// kernels clamp their own indices (see docs/SECURITY.md).
        #[arg(long)]
        no_robust_buffer_access: bool,
        /// Run greedy decode steps one by one, each waited for before the next starts. By
        /// default (OpenCL and Vulkan; elsewhere steps run one by one anyway) each step takes the token
        /// the step before chose straight from the device and is started before that token
        /// is read back, so the GPU does not wait on the host between steps: the same
        /// tokens, without per-run timing (`decode_run_us_per_token` reads 0).
        #[arg(long)]
        step_by_step: bool,
    },
    /// Perplexity of an LLM bundle on a text file (teacher-forced, from position 0).
    Perplexity {
        bundle: PathBuf,
        /// UTF-8 text, tokenized with the bundle's tokenizer.
        #[arg(long)]
        text: PathBuf,
        /// Score the first N tokens.
        #[arg(long, default_value_t = 2048)]
        tokens: usize,
        /// Also write each position's argmax as int64 .npy (for top-1 agreement).
        #[arg(long)]
        top1_out: Option<PathBuf>,
        #[arg(long)]
        device: Option<usize>,
    },
    /// Compile, run on this machine's device, and compare with the CPU reference.
    Verify {
        #[command(flatten)]
        model: ModelArgs,
        /// NAME=FILE.npy inputs (default: deterministic random data).
        #[arg(long = "input", value_name = "NAME=FILE")]
        inputs: Vec<String>,
        #[arg(long)]
        device: Option<usize>,
        /// Largest accepted relative L2 error (default 1e-4 for f32, 1e-2 for f16).
        #[arg(long)]
        tolerance: Option<f64>,
    },
}

/// Writes to stdout; a closed pipe (`driftc inspect B | head`) ends the program quietly
/// instead of panicking.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

macro_rules! outln {
    ($($arg:tt)*) => { out(&format!("{}\n", format!($($arg)*))) };
}

fn options(m: &ModelArgs) -> Result<(Target, CompileOptions)> {
    let mut target = Target::load(&m.target)?;
    let storage = match m.storage {
        StorageArg::Buffer => Some(StorageKind::Buffer),
        StorageArg::Texture2d => Some(StorageKind::Texture2d),
        StorageArg::Auto => None,
    };
    if let Some(kind) = storage {
        target = target.with_activation_storage(kind).map_err(|e| anyhow::anyhow!("--storage: {e}"))?;
    }
    let mut shapes = BTreeMap::new();
    for s in &m.shapes {
        let (name, dims) = parse_shape_arg(s)?;
        shapes.insert(name, dims);
    }
    let mut precision = m.precision.map(|p| match p {
        PrecisionArg::F16 => Precision::F16,
        PrecisionArg::F32 => Precision::F32,
    });
    let quant = match m.quant {
        None => driftc::front::llm::Quant::None,
        Some(q @ (QuantArg::F32 | QuantArg::F16)) => {
            let p = if matches!(q, QuantArg::F16) { Precision::F16 } else { Precision::F32 };
            if precision.is_some_and(|x| x != p) {
                bail!("--quant and --precision disagree");
            }
            precision = Some(p);
            driftc::front::llm::Quant::None
        }
        Some(QuantArg::Q8) => driftc::front::llm::Quant::Q8,
        Some(QuantArg::Q844) => driftc::front::llm::Quant::Q844,
    };
    if quant != driftc::front::llm::Quant::None && !driftc::front::llm::is_checkpoint_dir(&m.model) {
        bail!("--quant q8 and 8/4/4 apply to Hugging Face checkpoint directories; {} is not one", m.model.display());
    }
    let import = ImportOptions { shapes, allow_missing_weights: false, runtime_inputs: None, frozen_inputs: read_inputs(&m.freeze)?, quant, prefill_tokens: m.prefill_tokens, target_prefill_tokens: None, decode_int8_activations: None, prefill_int8_activations: None, decode_split_keys: None, max_context: m.max_context };
    let import = compile::with_target_defaults(&import, &target);
    let target = target.for_precision(precision.unwrap_or(target.default_precision));
    Ok((target, CompileOptions { precision, import, strategy: None, stop_after: None, validate_spirv: true, zero_missing_weights: false, storage }))
}

fn spinner(msg: &str) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new_spinner();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        pb.enable_steady_tick(Duration::from_millis(120));
    } else {
        pb.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    pb.set_message(msg.to_string());
    pb
}

/// Writes a file atomically: a temporary file in the same directory, then a rename.
/// A destination that exists and is not a regular file (`/dev/null`, a FIFO,
/// `/dev/stdout`) is written in place: renaming over it would replace the device node.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() {
            if meta.is_dir() {
                anyhow::bail!("{} is a directory; give the bundle's file name", path.display());
            }
            return std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()));
        }
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.tmp{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("bundle"), std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

fn cmd_compile(m: &ModelArgs, output: Option<PathBuf>, dump_after: Option<String>, strategy: Option<String>, zero_missing_weights: bool, runtime_inputs: Option<Vec<String>>, dump_kernels: Option<PathBuf>) -> Result<()> {
    let (target, mut opts) = options(m)?;
    if target.tuning.linear_coop_diagnostic != driftc::target::CoopDiagnostic::Off {
        eprintln!("warning: target '{}' sets tuning.linear_coop_diagnostic = \"{}\": its prefill products compute wrong results (profiling only)", target.name, target.tuning.linear_coop_diagnostic.as_str());
    }
    opts.strategy = strategy;
    opts.zero_missing_weights = zero_missing_weights;
    opts.import.allow_missing_weights = zero_missing_weights;
    opts.import.runtime_inputs = runtime_inputs;
    let pb = spinner("importing");
    let mut g = compile::import_file(&m.model, &opts.import)?;
    let imported = g.nodes.node_count();
    if dump_after.as_deref() == Some("import") {
        out(&g.dump());
    }
    pb.set_message("optimizing");
    let known = driftc::passes::names();
    if let Some(p) = &dump_after {
        if p != "import" && !known.contains(&p.as_str()) {
            bail!("--dump-after {p}: unknown pass (known: import, {})", known.join(", "));
        }
    }
    compile::optimize(&mut g, &target, None, |name, g| {
        if dump_after.as_deref() == Some(name) {
            out(&g.dump());
        }
    })?;
    pb.set_message("generating kernels");
    let c = compile::compile_graph(&g, &target, &opts, imported)?;
    pb.finish_and_clear();
    let out = output.unwrap_or_else(|| {
        let stem = m.model.file_stem().and_then(|s| s.to_str()).unwrap_or("model");
        m.model.with_file_name(format!("{stem}.{}.bundle", target.name))
    });
    write_atomic(&out, &c.bundle)?;
    if let Some(dir) = &dump_kernels {
        let ext = if target.kernel_language == driftc::target::KernelLanguage::OpenclC { "cl" } else { "wgsl" };
        std::fs::create_dir_all(dir).with_context(|| format!("--dump-kernels: creating {}", dir.display()))?;
        let write = |path: PathBuf, bytes: &[u8]| std::fs::write(&path, bytes).with_context(|| format!("--dump-kernels: writing {}", path.display()));
        for (name, src) in &c.sources {
            write(dir.join(format!("{name}.{ext}")), src.as_bytes())?;
        }
        // What the bundle carries where it is not the source: SPIR-V modules, Metal source.
        let view = runtime_min::bundle::open(&c.bundle, None).context("--dump-kernels: reading the bundle just written")?;
        let mut binaries = 0;
        for k in &view.manifest.kernels {
            let ext = match k.language {
                runtime_min::bundle::KernelLanguage::Spirv => "spv",
                runtime_min::bundle::KernelLanguage::Msl => "metal",
                _ => continue,
            };
            let code = usize::try_from(k.code.offset).ok().zip(usize::try_from(k.code.offset.saturating_add(k.code.len)).ok()).and_then(|(a, b)| view.kernels.get(a..b));
            let code = code.with_context(|| format!("--dump-kernels: kernel {} lies outside the bundle's kernels", k.name))?;
            write(dir.join(format!("{}.{ext}", k.name)), code)?;
            binaries += 1;
        }
        eprintln!("wrote {} kernel sources{} to {}", c.sources.len(), if binaries > 0 { format!(" and {binaries} translated kernels (SPIR-V / Metal)") } else { String::new() }, dir.display());
    }
    let r = &c.report;
    eprintln!(
        "compiled {} for {} ({:?}): nodes {} -> {}, {} dispatches, {} kernels, weights {} B, activations {} B planned ({} naive, {} lower bound, {}){}{}",
        m.model.display(),
        target.name,
        opts.precision.unwrap_or(target.default_precision),
        r.nodes_imported,
        r.nodes_after,
        r.dispatches,
        r.kernels,
        r.weights_bytes,
        r.plan.planned_bytes,
        r.plan.naive_bytes,
        r.plan.lower_bound_bytes,
        r.plan.strategy,
        if r.spirv_validated > 0 { format!(", {} SPIR-V modules passed spirv-val", r.spirv_validated) } else { String::new() },
        if r.spirv_cooperative > 0 { format!(" ({} with cooperative matrices not checked: spirv-val here predates them)", r.spirv_cooperative) } else { String::new() }
    );
    for n in &r.notes {
        eprintln!("note: {n}");
    }
    if r.zero_filled_weights > 0 {
        eprintln!("warning: {} weights had no data and were zero-filled: this bundle computes nothing meaningful (inspection only)", r.zero_filled_weights);
    }
    eprintln!("wrote {} ({} bytes)", out.display(), c.bundle.len());
    Ok(())
}

fn cmd_plan(m: &ModelArgs, json: bool, strategy: Option<String>, runtime_inputs: Option<Vec<String>>, svg: Option<PathBuf>, tensors: bool) -> Result<()> {
    let (target, mut opts) = options(m)?;
    opts.import.allow_missing_weights = true;
    opts.import.runtime_inputs = runtime_inputs;
    let mut g = compile::import_file(&m.model, &opts.import)?;
    compile::optimize(&mut g, &target, None, |_, _| {})?;
    let precision = opts.precision.unwrap_or(target.default_precision);
    let mp = compile::plan_memory(&g, &target, precision, strategy.as_deref())?;
    let r = &mp.report;
    let recs: Vec<driftc::plan::UsageRecord> = mp.records.iter().map(|x| x.1).collect();
    let align = (target.limits.min_storage_buffer_offset_alignment as u64).max(16);
    let (peak_step, peak_bytes) = driftc::plan::peak(&recs, align);
    let peak_node = mp.order.get(peak_step).map(|&n| g.node(n).name.clone()).unwrap_or_default();
    let label = |t: driftc::ir::TensorId| -> String {
        let tensor = g.tensor(t);
        match tensor.producer {
            Some(p) => format!("{} ({})", g.node(p).name, g.node(p).op.op_type()),
            None => tensor.name.clone(),
        }
    };
    if let Some(path) = &svg {
        let labels: Vec<String> = mp.records.iter().map(|(t, _)| label(*t)).collect();
        let title = format!("{} on {} ({:?}): {} planned, {} lower bound", m.model.display(), target.name, precision, r.planned_bytes, r.lower_bound_bytes);
        std::fs::write(path, driftc::plan::svg::draw(&title, &recs, &mp.offsets.offsets, &labels, mp.offsets.total_size, peak_step)).with_context(|| format!("writing {}", path.display()))?;
    }
    if json {
        let physical = if tensors { format!(",\"physical\":{}", physical_json(&g, &mp)?) } else { String::new() };
        let textures: Vec<String> = mp.textures.images.iter().enumerate().map(|(k, i)| format!("{{\"name\":\"texture{k}\",\"bytes\":{},\"width\":{},\"height\":{},\"elem\":\"{:?}\"}}", i.bytes().unwrap_or(0), i.width, i.height, i.elem)).collect();
        let textures = if textures.is_empty() { String::new() } else { format!(",{}", textures.join(",")) };
        outln!(
            "{{\"model\":{},\"target\":{},\"precision\":\"{:?}\",\"strategy\":{},\"naive_bytes\":{},\"planned_bytes\":{},\"lower_bound_bytes\":{},\"tensors\":{},\"pools\":[{{\"name\":\"activations\",\"bytes\":{}}}{textures}],\"peak\":{{\"step\":{},\"node\":{},\"live_bytes\":{}}}{physical}}}",
            serde_json::to_string(&m.model.display().to_string())?,
            serde_json::to_string(&target.name)?,
            precision,
            serde_json::to_string(&r.strategy)?,
            r.naive_bytes,
            r.planned_bytes,
            r.lower_bound_bytes,
            mp.records.len(),
            mp.offsets.total_size,
            peak_step,
            serde_json::to_string(&peak_node)?,
            peak_bytes
        );
    } else {
        outln!("{} on {} ({:?}): {} tensors", m.model.display(), target.name, precision, mp.records.len());
        outln!("  naive       {:>14} B", r.naive_bytes);
        outln!("  planned     {:>14} B  ({})", r.planned_bytes, r.strategy);
        outln!("  lower bound {:>14} B", r.lower_bound_bytes);
        outln!("  peak at step {peak_step} ({peak_node}): live tensors, largest first:");
        let mut live: Vec<&(driftc::ir::TensorId, driftc::plan::UsageRecord)> = mp.records.iter().filter(|(_, x)| x.first <= peak_step && peak_step <= x.last).collect();
        live.sort_by_key(|(_, x)| std::cmp::Reverse(x.size));
        for (t, x) in live.iter().take(12) {
            outln!("    {:>12} B  steps {:>4}..{:<4} {}", x.size, x.first, x.last, label(*t));
        }
    }
    Ok(())
}

/// Every tensor's physical descriptor, activations in first-use order then weights.
fn physical_json(g: &driftc::ir::Graph, mp: &compile::MemoryPlan) -> Result<String> {
    let mut seen = std::collections::HashSet::new();
    let mut order = Vec::new();
    for t in g.inputs.iter().copied().chain(mp.order.iter().flat_map(|&n| {
        let node = g.node(n);
        node.all_inputs().chain(node.outputs.iter().copied()).collect::<Vec<_>>()
    })) {
        if seen.insert(t) {
            order.push(t);
        }
    }
    let mut rows = Vec::new();
    for t in order {
        let Some(p) = mp.virt.physical.get(&t) else { continue };
        let tensor = g.tensor(t);
        let objects = p.texture.as_ref().map_or(p.objects.len().max(1), |x| x.heights.len());
        let image = match &p.texture {
            Some(x) => format!(",\"image\":{{\"width\":{},\"heights\":{:?},\"pools\":{:?}}}", x.width, x.heights, mp.textures.of.get(&t).cloned().unwrap_or_default()),
            None => String::new(),
        };
        rows.push(format!(
            "{{\"name\":{},\"shape\":{:?},\"role\":\"{:?}\",\"storage\":\"{:?}\",\"layout\":\"{:?}\",\"elem\":\"{:?}\",\"bytes\":{},\"objects\":{objects},\"alias\":{}{image}}}",
            serde_json::to_string(&tensor.name)?,
            tensor.shape,
            p.pool,
            p.storage,
            p.layout,
            p.elem,
            p.bytes,
            p.alias_of.is_some()
        ));
    }
    Ok(format!("[{}]", rows.join(",")))
}

fn read_inputs(args: &[String]) -> Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    for a in args {
        let (name, file) = a.split_once('=').with_context(|| format!("--input {a}: expected NAME=FILE.npy"))?;
        out.insert(name.to_string(), npy::read(Path::new(file))?);
    }
    Ok(out)
}

/// Output file name: characters other than letters, digits, '.', '_' and '-' become '_'.
fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' }).collect()
}

fn cmd_run(bundle: &Path, inputs: &[String], output_dir: Option<PathBuf>, device: Option<usize>, runs: usize) -> Result<()> {
    let b = Bundle::open(bundle)?;
    let mut s = Session::new(&b, &SessionOptions { device_index: device, ..SessionOptions::default() })?;
    for note in s.launch_notes() {
        eprintln!("note: {note}");
    }
    for (name, v) in read_inputs(inputs)? {
        s.set_input(&name, &driftc::host::to_host(&v))?;
    }
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        times.push(s.run()?);
    }
    let last = times.last().cloned();
    if let Some(dir) = &output_dir {
        std::fs::create_dir_all(dir)?;
        for name in s.written_output_names().iter().map(|n| n.to_string()).collect::<Vec<_>>() {
            let v = driftc::host::from_host(&s.output(&name)?)?;
            let path = dir.join(format!("{}.npy", sanitize(&name)));
            npy::write(&path, &v)?;
            outln!("wrote {}", path.display());
        }
    }
    let gpu: Vec<f64> = times.iter().skip(if times.len() > 1 { 1 } else { 0 }).filter_map(|t| t.gpu_ns).map(|n| n as f64 / 1e6).collect();
    let wall: Vec<f64> = times.iter().skip(if times.len() > 1 { 1 } else { 0 }).map(|t| t.wall_ns as f64 / 1e6).collect();
    let med = |v: &[f64]| -> Option<f64> {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        v.get(v.len() / 2).copied()
    };
    outln!(
        "device: {} | runs: {} | gpu time: {} | wall time: {} | device memory: {} B",
        s.device_name(),
        times.len(),
        med(&gpu).map_or("n/a".into(), |t| format!("{t:.3} ms")),
        med(&wall).map_or("n/a".into(), |t| format!("{t:.3} ms")),
        s.allocated_bytes()
    );
    let _ = last;
    Ok(())
}

/// Deterministic pseudo-random inputs (xorshift, uniform in [-1, 1]; integers 0..8).
fn random_inputs(g: &driftc::ir::Graph) -> BTreeMap<String, Value> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = BTreeMap::new();
    for &t in &g.inputs {
        let tensor = g.tensor(t);
        let n = tensor.numel();
        let v = match tensor.dtype {
            DType::F32 | DType::F16 => Value::f32(tensor.shape.clone(), (0..n).map(|_| (next() % 20001) as f32 / 10000.0 - 1.0).collect()),
            DType::Bool => Value::bool(tensor.shape.clone(), (0..n).map(|_| next() % 2 == 1).collect()),
            _ => Value::i64(tensor.shape.clone(), (0..n).map(|_| (next() % 8) as i64).collect()),
        };
        out.insert(tensor.name.clone(), v);
    }
    out
}

fn cmd_verify(m: &ModelArgs, inputs: &[String], device: Option<usize>, tolerance: Option<f64>) -> Result<()> {
    let (target, opts) = options(m)?;
    let precision = opts.precision.unwrap_or(target.default_precision);
    let reference_graph = compile::import_file(&m.model, &opts.import)?;
    let mut given = read_inputs(inputs)?;
    if given.is_empty() {
        given = random_inputs(&reference_graph);
    }
    let expected = reference::run(&reference_graph, &given)?;
    let c = compile::compile_file(&m.model, &target, &opts)?;
    for n in &c.report.notes {
        eprintln!("note: {n}");
    }
    let b = Bundle::from_vec(c.bundle)?;
    let mut s = Session::new(&b, &SessionOptions { device_index: device, ..SessionOptions::default() })?;
    for (name, v) in &given {
        s.set_input(name, &driftc::host::to_host(v))?;
    }
    let stats = s.run()?;
    let tol = tolerance.unwrap_or(if precision == Precision::F16 { 1e-2 } else { 1e-4 });
    let mut worst = 0f64;
    for (name, want) in &expected {
        let got = s.output(name)?.to_f32()?;
        let err = reference::rel_l2(&got, &want.as_f32());
        worst = worst.max(err);
        outln!("output '{name}': relative L2 error {err:.3e} ({} elements)", want.len());
    }
    outln!(
        "device: {} | gpu time: {} | {} dispatches",
        s.device_name(),
        stats.gpu_ns.map_or("n/a".into(), |n| format!("{:.3} ms", n as f64 / 1e6)),
        c.report.dispatches
    );
    if !(worst <= tol) {
        bail!("verification failed: worst relative L2 error {worst:.3e} exceeds {tol:.0e}");
    }
    outln!("verified: worst relative L2 error {worst:.3e} <= {tol:.0e}");
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Compile { model, output, dump_after, strategy, zero_missing_weights, runtime_inputs, dump_kernels } => cmd_compile(&model, output, dump_after, strategy, zero_missing_weights, runtime_inputs, dump_kernels),
        Command::Inspect { bundle, json } => {
            let b = std::fs::read(&bundle).with_context(|| format!("reading {}", bundle.display()))?;
            let view = runtime_min::bundle::open(&b, None).with_context(|| format!("{}", bundle.display()))?;
            if json {
                outln!("{}", inspect::json(&view));
            } else {
                out(&inspect::text(&view));
            }
            Ok(())
        }
        Command::Plan { model, json, strategy, runtime_inputs, svg, tensors } => cmd_plan(&model, json, strategy, runtime_inputs, svg, tensors),
        Command::Targets => {
            for name in Target::known() {
                match Target::load(&name) {
                    Ok(t) => outln!("{:<12} {:<7} {:<9} {:?} default  {}", t.name, format!("{:?}", t.api), format!("{:?}", t.kernel_language), t.default_precision, t.description),
                    Err(e) => outln!("{name:<12} invalid: {e}"),
                }
            }
            Ok(())
        }
        Command::Run { bundle, inputs, output_dir, device, runs } => cmd_run(&bundle, &inputs, output_dir, device, runs),
        Command::Perplexity { bundle, text, tokens, top1_out, device } => cmd_generate::perplexity(&bundle, &text, tokens, top1_out.as_deref(), device),
        Command::Generate { bundle, prompt, prompt_ids, max_new_tokens, greedy, temperature, top_k, top_p, seed, json, bench, ignore_eos, profile, profile_dispatches, save_logits, device, spin_wait_us, pipeline_stats, warmup, no_robust_buffer_access, step_by_step } => {
            let sampling = if greedy || temperature.is_none() {
                runtime_min::Sampling::greedy()
            } else {
                runtime_min::Sampling { temperature: temperature.unwrap_or(1.0), top_k: top_k.unwrap_or(0), top_p: top_p.unwrap_or(1.0), seed }
            };
            cmd_generate::run(&cmd_generate::Args { bundle: &bundle, prompt: prompt.as_deref(), prompt_ids: prompt_ids.as_deref(), max_new_tokens, sampling, json, bench, ignore_eos, profile: profile || profile_dispatches, profile_dispatches, save_logits: save_logits.as_deref(), device, spin_wait_us, pipeline_stats, warmup, no_robust_buffer_access, step_by_step })
        }
        Command::Verify { model, inputs, device, tolerance } => cmd_verify(&model, &inputs, device, tolerance),
    }
}
