//! The compiler driver: import → passes → virtualize → plan → codegen → bundle.
//! Everything the runtime will do is decided here and written into the manifest.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use runtime_min::bundle::{
    self, Api as BApi, BufferRange, ByteRange, Dispatch, ElemType, ImageGeometry, Kernel, KernelLanguage as BLang, Layout, Manifest, PlanReport, Pool, PoolRole,
    Precision as BPrecision, Program, Requirements, Storage, StorageKind as BStorage, TensorEntry, WeightUpload, WEIGHTS_ALIGN,
};

use crate::codegen::render::{environment, grid_for, render, Cooperative, RenderBinding};
use crate::codegen::{backend, helpers, merge, Access, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::front::onnx::{self, ImportOptions};
use crate::ir::{Graph, NodeId, TensorId, Value};
use crate::passes::{self, virtualize};
use crate::plan;
use crate::target::{Api, KernelLanguage, Precision, StorageKind, Target};
use crate::CompileError;

#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    pub precision: Option<Precision>,
    pub import: ImportOptions,
    /// Memory-planning strategy; `None` picks the smallest.
    pub strategy: Option<String>,
    /// Stop the pass pipeline after this pass.
    pub stop_after: Option<String>,
    /// Run `spirv-val` on every SPIR-V kernel (when installed).
    pub validate_spirv: bool,
    /// Weights without data (graphs exported without parameters) are zero-filled instead
    /// of refused: the bundle is for inspecting kernels, dispatches and memory only.
    pub zero_missing_weights: bool,
    /// Storage of intermediate activations (`--storage`); `None` is the target's
    /// `tuning.activation_storage` (`--storage auto`).
    pub storage: Option<StorageKind>,
}

/// What `driftc compile` prints.
#[derive(Debug, Clone, Default)]
pub struct CompileReport {
    pub nodes_imported: usize,
    pub nodes_after: usize,
    pub dispatches: usize,
    pub kernels: usize,
    pub plan: PlanReport,
    pub weights_bytes: u64,
    pub spirv_validated: usize,
    /// SPIR-V modules with cooperative matrices, not given to spirv-val: Debian's
    /// SPIRV-Tools predates SPV_KHR_cooperative_matrix and rejects the capability itself.
    pub spirv_cooperative: usize,
    /// Weights that had no data and were zero-filled (`zero_missing_weights`).
    pub zero_filled_weights: usize,
    /// What the compiler chose for this model against the target's file, in words.
    pub notes: Vec<String>,
}

/// A compiled model: the bundle bytes plus text forms for goldens and inspection.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub bundle: Vec<u8>,
    pub manifest: Manifest,
    pub report: CompileReport,
    /// (kernel name, rendered source before translation: WGSL or OpenCL C).
    pub sources: Vec<(String, String)>,
    /// (kernel name, translated text: MSL or WGSL for those targets).
    pub translated: Vec<(String, String)>,
}

/// Imports an ONNX file, or a Hugging Face checkpoint directory of a known LLM family.
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Graph, CompileError> {
    if crate::front::llm::is_checkpoint_dir(path) {
        let mut llm = crate::front::llm::LlmOptions::default();
        match (options.prefill_tokens, options.target_prefill_tokens) {
            (Some(t), _) => llm.prefill_tokens = t,
            (None, Some(t)) => {
                llm.prefill_tokens = t;
                llm.cap_prefill_at_context = true;
            }
            (None, None) => {}
        }
        llm.max_context = options.max_context;
        llm.quant = options.quant;
        llm.decode_int8_activations = options.decode_int8_activations.unwrap_or(false);
        llm.prefill_int8_activations = options.prefill_int8_activations.unwrap_or(false);
        llm.decode_split_keys = options.decode_split_keys.unwrap_or(crate::front::llm::DECODE_SPLIT_KEYS);
        return Ok(crate::front::llm::load(path, &llm)?);
    }
    Ok(onnx::load(path, options)?)
}

/// Runs the graph passes; `on_dump` sees the IR after each.
pub fn optimize(g: &mut Graph, target: &Target, stop_after: Option<&str>, on_dump: impl FnMut(&str, &Graph)) -> Result<(), CompileError> {
    passes::run_pipeline(g, target, stop_after, on_dump)?;
    // Weights the passes left unread (folded or replaced) free their data before code
    // generation encodes the rest.
    g.release_unread_weights();
    Ok(())
}

/// The memory plan of an optimized graph: (records with offsets, report).
pub struct MemoryPlan {
    pub order: Vec<NodeId>,
    pub virt: virtualize::Virtualized,
    pub records: Vec<(TensorId, plan::UsageRecord)>,
    pub offsets: plan::Offsets,
    pub report: PlanReport,
    pub textures: TexturePlan,
}

/// Image objects of the texture tensors: `images[k]` becomes pool `2 + k` of the bundle;
/// `of[t][j]` is the image holding object j of tensor t.
#[derive(Debug, Clone, Default)]
pub struct TexturePlan {
    pub images: Vec<ImageGeometry>,
    pub of: HashMap<TensorId, Vec<usize>>,
}

/// Shares images among the texture tensors of `physical` by lifetime in `order`.
fn plan_textures(g: &Graph, order: &[NodeId], physical: &HashMap<TensorId, virtualize::Physical>, side: bool) -> TexturePlan {
    let mut owners: Vec<(TensorId, usize)> = Vec::new();
    let mut records = Vec::new();
    for (t, r) in plan::spans(g, order, physical, side) {
        let Some(ph) = physical.get(&t) else { continue };
        let Some(tex) = &ph.texture else { continue };
        for (j, &h) in tex.heights.iter().enumerate() {
            owners.push((t, j));
            records.push(plan::texture_pools::TextureRecord { width: tex.width, height: h, elem: ph.elem, first: r.first, last: r.last });
        }
    }
    let a = plan::texture_pools::assign(&records);
    let mut of: HashMap<TensorId, Vec<usize>> = HashMap::new();
    for ((t, _), &k) in owners.iter().zip(&a.image_of) {
        of.entry(*t).or_default().push(k);
    }
    let images = a.images.iter().map(|&(width, height, elem)| ImageGeometry { kind: BStorage::Texture2d, width, height, elem }).collect();
    TexturePlan { images, of }
}

pub const STRATEGIES: &[&str] = &["greedy-by-size", "greedy-by-breadth", "naive"];

pub fn plan_memory(g: &Graph, target: &Target, precision: Precision, strategy: Option<&str>) -> Result<MemoryPlan, CompileError> {
    target.storage_supported(target.tuning.activation_storage).map_err(CompileError::Target)?;
    let file_order = g.order()?;
    let virt = virtualize::run(g, target, precision, &file_order);
    // Nodes that may run on a second queue (OpenCL) live from where they may start.
    let side = side_queue(target);
    // Candidate orders: the model's, one scheduled to keep the live set small, and the
    // same keeping the readers of one activation side by side (siblings), which the target
    // may merge into one launch: taken instead of the memory-aware one where that wins and
    // its plan is within 1% of it. (Apart, each rotary step between them, a Llama-3.1-8B
    // prefill chunk's k and v products ran alone, 64 workgroups each on the H200's 132
    // multiprocessors; side by side, one launch of q, k and v; a 2-layer checkpoint of
    // that shape plans 0.09% more activation memory.)
    let mut orders = vec![(file_order, "")];
    for (siblings, name) in [(false, "+memory-aware-order"), (true, "+sibling-order")] {
        let order = plan::order::memory_aware(g, &virt.physical, siblings)?;
        if orders.iter().all(|(o, _)| *o != order) {
            orders.push((order, name));
        }
    }
    let align = (target.limits.min_storage_buffer_offset_alignment as u64).max(16);
    let mut best: Option<MemoryPlan> = None;
    for (order, order_name) in orders {
        let records = plan::usage_records(g, &order, &virt.physical, side);
        let recs: Vec<plan::UsageRecord> = records.iter().map(|r| r.1).collect();
        let naive = plan::naive(&recs, align)?;
        let lower = plan::lower_bound(&recs, align)?;
        let (name, offsets) = match strategy {
            Some(s) => (s.to_string(), plan::plan(s, &recs, align)?),
            None => {
                let mut pick: Option<(String, plan::Offsets)> = None;
                for s in STRATEGIES {
                    let o = plan::plan(s, &recs, align)?;
                    if pick.as_ref().is_none_or(|b| o.total_size < b.1.total_size) {
                        pick = Some((s.to_string(), o));
                    }
                }
                pick.unwrap_or_else(|| ("naive".into(), naive.clone()))
            }
        };
        let report = PlanReport { strategy: format!("{name}{order_name}"), naive_bytes: naive.total_size, planned_bytes: offsets.total_size, lower_bound_bytes: lower };
        // (The sibling order stands in only for the memory-aware one: where the model's
        // order wins, it keeps the model's own neighbours.)
        let sibling = order_name == "+sibling-order";
        let better = |b: &MemoryPlan| if sibling { b.report.strategy.ends_with("+memory-aware-order") && report.planned_bytes as f64 <= b.report.planned_bytes as f64 * 1.01 } else { report.planned_bytes < b.report.planned_bytes };
        if best.as_ref().is_none_or(better) {
            best = Some(MemoryPlan { order, virt: virt.clone(), records, offsets, report, textures: TexturePlan::default() });
        }
    }
    let mut best = best.ok_or_else(|| CompileError::Target("empty graph".into()))?;
    best.textures = plan_textures(g, &best.order, &best.virt.physical, side);
    Ok(best)
}

/// Marks the dispatches of side nodes (`starts`: node → the node from which it may run)
/// to run beside others: from the first dispatch of its start node, or later where a
/// dispatch between binds memory it writes (the plan keeps those apart; this keeps the
/// bundle safe whatever it did). A dispatch that reads outside the weights pool (0) stays.
fn assign_side_starts(dispatches: &mut [Dispatch], kept: &[(&Vec<NodeId>, &Vec<(BufferRange, Access)>)], starts: &HashMap<NodeId, NodeId>) {
    for (j, (ids, ranges)) in kept.iter().enumerate() {
        let [node] = ids.as_slice() else { continue };
        let Some(from) = starts.get(node) else { continue };
        let Some(first) = kept.iter().position(|(other, _)| other.contains(from)) else { continue };
        if first >= j || ranges.iter().any(|(r, acc)| *acc != Access::Write && r.pool != 0) {
            continue;
        }
        let written: Vec<&BufferRange> = ranges.iter().filter(|(_, acc)| *acc == Access::Write).map(|(r, _)| r).collect();
        let mut a = j;
        while a > first && kept.get(a - 1).is_some_and(|(_, before)| !before.iter().any(|(r, _)| written.iter().any(|w| r.overlaps(w)))) {
            a -= 1;
        }
        if let Some(d) = dispatches.get_mut(j).filter(|_| a < j) {
            d.side_after = Some(a as u32);
        }
    }
}

/// Whether dispatches of nodes made from constants alone may run on a second queue
/// (`tuning.opencl_side_queue`, OpenCL C only).
fn side_queue(t: &Target) -> bool {
    t.tuning.opencl_side_queue && t.kernel_language == KernelLanguage::OpenclC
}

fn kernel_language(t: &Target) -> (Lang, BLang) {
    match t.kernel_language {
        KernelLanguage::Spirv => (Lang::Wgsl, BLang::Spirv),
        KernelLanguage::Msl => (Lang::Wgsl, BLang::Msl),
        KernelLanguage::Wgsl => (Lang::Wgsl, BLang::Wgsl),
        KernelLanguage::OpenclC => (Lang::OpenclC, BLang::OpenclC),
    }
}

fn api(t: &Target) -> BApi {
    match t.api {
        Api::Vulkan => BApi::Vulkan,
        Api::OpenCl => BApi::OpenCl,
        Api::Metal => BApi::Metal,
        Api::WebGpu => BApi::WebGpu,
    }
}

/// Encodes a constant in its device element type (linear layout).
fn encode(v: &Value, elem: ElemType, name: &str) -> Result<Vec<u8>, CompileError> {
    use crate::ir::Data;
    // The elements borrowed where they are held in the kind asked for (a large model's
    // weights pass through here once), converted otherwise.
    match (elem, &v.data) {
        // A checkpoint's f16 weights: the same bits, NaNs quieted as the f32 round trip
        // of the other path quiets them.
        (ElemType::F16, Data::F16(halves)) => {
            let mut out = Vec::with_capacity(halves.len() * 2);
            for &x in halves {
                let x = if x.is_nan() { half::f16::from_f32(x.to_f32()) } else { x };
                out.extend_from_slice(&x.to_le_bytes());
            }
            Ok(out)
        }
        (ElemType::I8x4, Data::I8(bytes)) => {
            let mut out: Vec<u8> = bytes.iter().map(|&b| b as u8).collect();
            out.resize(out.len().div_ceil(4) * 4, 0);
            Ok(out)
        }
        (ElemType::F32 | ElemType::F16, Data::F32(x)) => Ok(float_bytes(x, elem)),
        (ElemType::F32 | ElemType::F16, _) => Ok(float_bytes(&v.as_f32(), elem)),
        (ElemType::I32 | ElemType::I8x4, Data::I64(x)) => int_bytes(x, elem, name),
        (ElemType::I32 | ElemType::I8x4, _) => int_bytes(&v.as_i64(), elem, name),
    }
}

/// f32 values as f32 or f16 bytes. Finite values beyond f16's range saturate to ±65504
/// instead of becoming ±inf: exported masks use f32::MIN as "minus infinity", and
/// 0 * inf would be NaN.
fn float_bytes(values: &[f32], elem: ElemType) -> Vec<u8> {
    if elem == ElemType::F32 {
        let mut out = Vec::with_capacity(values.len() * 4);
        for x in values {
            out.extend_from_slice(&x.to_le_bytes());
        }
        return out;
    }
    let mut out = Vec::with_capacity(values.len() * 2);
    for &x in values {
        let x = if x.is_finite() { x.clamp(-65504.0, 65504.0) } else { x };
        out.extend_from_slice(&half::f16::from_f32(x).to_le_bytes());
    }
    out
}

/// Integer values as i32 or int8 bytes (int8 padded to whole words of four), refused by
/// name where one does not fit.
fn int_bytes(values: &[i64], elem: ElemType, name: &str) -> Result<Vec<u8>, CompileError> {
    if elem == ElemType::I32 {
        let mut out = Vec::with_capacity(values.len() * 4);
        for &x in values {
            let x = i32::try_from(x).map_err(|_| CompileError::Weights(format!("constant '{name}' holds {x}, outside the 32-bit range integers have on the device")))?;
            out.extend_from_slice(&x.to_le_bytes());
        }
        return Ok(out);
    }
    let mut out = Vec::with_capacity(values.len().div_ceil(4) * 4);
    for &x in values {
        let b = i8::try_from(x).map_err(|_| CompileError::Weights(format!("constant '{name}' holds {x}, outside int8")))?;
        out.extend_from_slice(&b.to_le_bytes());
    }
    out.resize(out.len().div_ceil(4) * 4, 0);
    Ok(out)
}

/// A dispatch's render bindings, the memory it touches, and its fused epilogue.
type Bound = (Vec<RenderBinding>, Vec<(BufferRange, Access)>, String);

struct Pending<'g> {
    node: NodeId,
    spec: KernelSpec,
    node_ref: &'g crate::ir::Node,
}

/// Compiles an optimized graph for `target`.
pub fn compile_graph(g: &Graph, target: &Target, options: &CompileOptions, nodes_imported: usize) -> Result<Compiled, CompileError> {
    let overridden;
    let target = match options.storage {
        Some(kind) => {
            overridden = target.with_activation_storage(kind).map_err(|m| CompileError::Target(format!("--storage: {m}")))?;
            &overridden
        }
        None => target,
    };
    // Wide models compile without the persistent decode keys (`tuning.persistent_decode_max_input`).
    let widest_input = g.nodes.node_weights().filter(|n| matches!(n.op.op_type(), "Linear" | "LinearQ4")).filter_map(|n| Some(g.tensor((*n.inputs.first()?)?).shape.last().copied()? as u64)).max().unwrap_or(0);
    let mut notes = Vec::new();
    let narrowed;
    let target = match target.for_widest_input(widest_input) {
        Some((t, why)) => {
            notes.push(why);
            narrowed = t;
            &narrowed
        }
        None => target,
    };
    let precision = options.precision.unwrap_or(target.default_precision);
    if precision == Precision::F16 && !target.features.fp16 && target.kernel_language != KernelLanguage::OpenclC {
        return Err(CompileError::Target(format!("target '{}' has no fp16; use --precision f32", target.name)));
    }
    let mp = plan_memory(g, target, precision, options.strategy.as_deref())?;
    let (lang, blang) = kernel_language(target);
    let physical = &mp.virt.physical;
    let aliased: HashSet<NodeId> = mp.virt.aliased_nodes.iter().copied().collect();

    // Phase A: every node's kernel specs.
    let mut pending: Vec<Pending<'_>> = Vec::new();
    for &id in &mp.order {
        if aliased.contains(&id) {
            continue;
        }
        let node = g.node(id);
        let mut kb = KernelBuilder { graph: g, node, target, precision, lang, physical, specs: Vec::new() };
        node.op.kernels(&mut kb)?;
        if !node.epilogue.is_empty() && kb.specs.iter().all(|s| s.epilogue_coords.is_none()) {
            return Err(CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: "has a fused epilogue its kernel does not apply".into() }.into());
        }
        for spec in kb.specs {
            pending.push(Pending { node: id, spec, node_ref: node });
        }
    }

    // Phase B: pack every constant a kernel binds, in first-use order, 256-byte aligned.
    let mut weights: Vec<u8> = Vec::new();
    let mut zero_filled = 0usize;
    let mut weight_offset: HashMap<TensorId, u64> = HashMap::new();
    let bound = |p: &Pending<'_>| -> Vec<TensorId> {
        let mut v: Vec<TensorId> = p.spec.bindings.iter().map(|b| b.tensor).collect();
        if p.spec.epilogue_coords.is_some() {
            v.extend(p.node_ref.epilogue.iter().flat_map(|s| s.args.iter().flatten().copied()));
        }
        v
    };
    // Every weight binding must start at the device's offset alignment (NVIDIA OpenCL:
    // 512 bytes), and every weight at the bundle's 256.
    let weight_align = WEIGHTS_ALIGN.max(target.limits.min_storage_buffer_offset_alignment as u64);
    for p in &pending {
        for t in bound(p) {
            let Some(ph) = physical.get(&t) else { continue };
            if ph.pool != PoolRole::Weights || weight_offset.contains_key(&t) {
                continue;
            }
            let tensor = g.tensor(t);
            let off = bundle::align_up(weights.len() as u64, weight_align);
            weights.resize(off as usize, 0);
            match tensor.value.as_deref() {
                Some(value) => weights.extend(encode(value, ph.elem, &tensor.name)?),
                None if options.zero_missing_weights => {
                    weights.resize(off as usize + ph.bytes as usize, 0);
                    zero_filled += 1;
                }
                None => return Err(CompileError::Weights(format!("weight '{}' has no data (an external data file missing, or a graph exported without parameters; --zero-missing-weights compiles it for inspection only)", tensor.name))),
            }
            weight_offset.insert(t, off);
        }
    }
    let act_offset: HashMap<TensorId, u64> = mp.records.iter().zip(&mp.offsets.offsets).map(|((t, _), &o)| (*t, o)).collect();
    let range_of = |t: TensorId| -> Option<BufferRange> {
        let ph = physical.get(&t)?;
        match ph.pool {
            PoolRole::Weights => Some(BufferRange { pool: 0, offset: *weight_offset.get(&t)?, size: ph.bytes }),
            PoolRole::Activations => {
                let root = ph.alias_of.unwrap_or(t);
                Some(BufferRange { pool: 1, offset: *act_offset.get(&root)?, size: ph.bytes })
            }
        }
    };

    // Phase C: render, validate, translate, deduplicate, and schedule.
    let tera = environment(lang).map_err(|m| CodegenError::Render { template: "*".into(), node: "*".into(), target: target.name.clone(), message: m })?;
    let mut kernels: Vec<Kernel> = Vec::new();
    let mut code: Vec<u8> = Vec::new();
    let mut by_code: HashMap<blake3::Hash, u32> = HashMap::new();
    let mut sources = Vec::new();
    let mut translated = Vec::new();
    // Per dispatch: its nodes, the dispatch, its ranges, and whether it is the alternative of
    // the dispatch before it (`KernelSpec::exclusive_with_previous`, same node).
    let mut emitted: Vec<(Vec<NodeId>, Dispatch, Vec<(BufferRange, Access)>, bool)> = Vec::new();
    let mut max_binding = 0u64;
    let mut max_wg = 1u32;
    let mut max_shared = 0u32;
    let mut cooperative_matrix = false;
    let mut subgroup_arithmetic = false;
    let mut int8_dot = false;
    let mut spirv_validated = 0;
    let mut spirv_cooperative = 0;
    // Each dispatch's bindings, the memory they touch, and its fused epilogue.
    let bind = |p: &Pending<'_>| -> Result<Bound, CompileError> {
        let node = p.node_ref;
        let spec = &p.spec;
        let mut rbs: Vec<RenderBinding> = Vec::new();
        let mut ranges: Vec<(BufferRange, Access)> = Vec::new();
        let mut add = |name: &str, t: TensorId, access: Access, view: Option<&Vec<usize>>, words: bool, halves: bool| -> Result<helpers::TensorDesc, CompileError> {
            let tensor = g.tensor(t);
            let ph = physical.get(&t).ok_or_else(|| CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: format!("tensor '{}' has no descriptor", tensor.name) })?;
            let shape = view.unwrap_or(&tensor.shape);
            if view.is_some() && shape != &tensor.shape && ph.layout != Layout::Linear {
                return Err(CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: format!("tensor '{}' is viewed with shape {shape:?} but its layout is not linear", tensor.name) }.into());
            }
            let r = if ph.storage == BStorage::Buffer {
                range_of(t).ok_or_else(|| CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: format!("tensor '{}' has no storage", tensor.name) })?
            } else {
                BufferRange { pool: 0, offset: 0, size: 0 }
            };
            if !ph.objects.is_empty() && view.is_some_and(|v| v != &tensor.shape) && ph.layout != Layout::Linear {
                return Err(CompileError::Target(format!("node '{}': tensor '{}' is split into objects and viewed in a non-linear layout", node.name, tensor.name)));
            }
            let mut desc = ph.desc(name, shape);
            if words && (ph.storage != BStorage::Buffer || !ph.objects.is_empty() || r.offset % 16 != 0) {
                return Err(CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: format!("tensor '{}' is read as 16-byte words but is not one 16-byte-aligned buffer", tensor.name) }.into());
            }
            desc.words = words;
            desc.halves = words && halves && desc.elem == "f16";
            if ph.storage == BStorage::Texture2d {
                // One binding per object: the whole image it was given.
                let images = mp.textures.of.get(&t).ok_or_else(|| CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: format!("texture tensor '{}' has no image", tensor.name) })?;
                for &k in images {
                    let img = mp.textures.images.get(k).and_then(|i| i.bytes()).ok_or_else(|| CompileError::Target(format!("tensor '{}': image {k} is missing or too large", tensor.name)))?;
                    ranges.push((BufferRange { pool: 2 + k as u32, offset: 0, size: img }, access));
                }
                rbs.push(RenderBinding { key: name.to_string(), desc: desc.clone(), access });
                return Ok(desc);
            }
            if ph.objects.is_empty() {
                if r.size > target.limits.max_storage_buffer_range {
                    return Err(CompileError::Target(format!(
                        "node '{}': tensor '{}' needs a {}-byte binding, above target '{}' max_storage_buffer_range {}",
                        node.name, tensor.name, r.size, target.name, target.limits.max_storage_buffer_range
                    )));
                }
                ranges.push((r, access));
            } else {
                // One binding per object: consecutive ranges of the tensor's storage.
                let mut off = r.offset;
                for &size in &ph.objects {
                    ranges.push((BufferRange { pool: r.pool, offset: off, size }, access));
                    off += size;
                }
            }
            rbs.push(RenderBinding { key: name.to_string(), desc: desc.clone(), access });
            Ok(desc)
        };
        for b in &spec.bindings {
            add(&b.name, b.tensor, b.access, b.view.as_ref(), b.words, b.halves)?;
        }
        let mut epilogue = String::new();
        if let Some(coords) = &spec.epilogue_coords {
            for (si, step) in node.epilogue.iter().enumerate() {
                let ew = step.op.as_elementwise().ok_or_else(|| CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: format!("epilogue step '{}' is not element-wise", step.from) })?;
                let mut args = Vec::new();
                for (ai, a) in step.args.iter().enumerate() {
                    match a {
                        None => args.push("v".to_string()),
                        Some(t) => {
                            let desc = add(&format!("e{si}_{ai}"), *t, Access::Read, None, false, false)?;
                            args.push(helpers::load_bcast(lang, &desc, coords).map_err(|m| CodegenError::Node { node: node.name.clone(), op: node.op.op_type().into(), message: m })?);
                        }
                    }
                }
                epilogue.push_str(&format!("    v = {};\n", ew.expr(lang, &args)));
            }
        }
        Ok((rbs, ranges, epilogue))
    };
    let bound: Vec<Bound> = pending.iter().map(bind).collect::<Result<_, _>>()?;
    // Launch groups: consecutive dispatches merged into one where the target asks
    // (`codegen::merge`), each alone otherwise.
    let program_sets: Vec<HashSet<NodeId>> = g.program_specs().iter().map(|ps| g.program_nodes(ps)).collect();
    let runs_in = |id: NodeId| -> Vec<bool> { program_sets.iter().map(|s| s.contains(&id)).collect() };
    let mut launches: Vec<Vec<usize>> = Vec::new();
    // Chained members (`tuning.chain_dependent_dispatches`) must not return early: whether
    // each dispatch's rendered body does, found when first asked.
    let chaining = target.tuning.chain_dependent_dispatches;
    let mut returns: Vec<Option<bool>> = vec![None; pending.len()];
    let mut returns_early = |i: usize| -> Result<bool, CompileError> {
        if let Some(Some(r)) = returns.get(i) {
            return Ok(*r);
        }
        let (p, (rbs, _, epilogue)) = pending.get(i).zip(bound.get(i)).ok_or_else(|| CompileError::Target("a launch group member is missing".into()))?;
        let body = crate::codegen::render::render_body(&tera, p.spec.template, rbs, &p.spec.params, epilogue).map_err(|m| CodegenError::Render { template: p.spec.template.into(), node: p.node_ref.name.clone(), target: target.name.clone(), message: m })?;
        let r = merge::has_return(&body);
        if let Some(slot) = returns.get_mut(i) {
            *slot = Some(r);
        }
        Ok(r)
    };
    for (i, p) in pending.iter().enumerate() {
        let mut joins = false;
        if let Some(l) = launches.last().filter(|_| target.tuning.merge_independent_dispatches || chaining) {
            let members: Vec<merge::Candidate<'_>> = l.iter().filter_map(|&j| Some(merge::Candidate { spec: &pending.get(j)?.spec, ranges: &bound.get(j)?.1 })).collect();
            let same_programs = l.first().and_then(|&j| pending.get(j)).is_some_and(|f| runs_in(f.node) == runs_in(p.node));
            let next = merge::Candidate { spec: &p.spec, ranges: &bound[i].1 };
            // A merged kernel may declare the opt-in workgroup memory only where one of its
            // members already does (a `linear_wgmma`); others keep the reported figure.
            let base_shared = target.limits.max_compute_shared_memory_size;
            let opted_in = members.iter().map(|c| c.spec).chain([&p.spec]).any(|s| s.shared_bytes() > base_shared);
            let max_shared = if opted_in { target.limits.shared_memory_opt_in() } else { base_shared };
            let bounds = merge::Bounds { max_x: u64::from(target.limits.max_compute_workgroup_count[0]), max_shared, max_bindings: target.limits.max_storage_buffers_per_stage as usize, max_range: target.limits.max_storage_buffer_range };
            // A group whose members wait on each other takes only members that reach its
            // end (its last workgroup out zeroes the counters).
            let ranges: Vec<&[(BufferRange, Access)]> = members.iter().map(|c| c.ranges).collect();
            let chained_now = merge::dependencies(&ranges).iter().any(|d| !d.is_empty());
            let room = target.tuning.chain_max_members == 0 || l.len() < target.tuning.chain_max_members as usize;
            if same_programs && chaining && room && merge::may_chain(&members, &next, bounds, &target.tuning.chain_templates) {
                let mut early = returns_early(i)?;
                for &j in l {
                    early |= returns_early(j)?;
                }
                joins = !early;
            }
            if !joins && !chained_now && same_programs && target.tuning.merge_independent_dispatches {
                joins = merge::may_join(&members, &next, bounds);
            }
        }
        match launches.last_mut() {
            Some(l) if joins => l.push(i),
            _ => launches.push(vec![i]),
        }
    }
    // Chained launches (members that wait on earlier ones) and kernels with counters of
    // their own (`KernelSpec::counters`) share one range of counters, past the planned
    // activations (zero at load: runtime-min's OpenCL pools start zeroed; each such kernel
    // leaves them zero for the next).
    let chained = |l: &Vec<usize>| merge::dependencies(&l.iter().filter_map(|&j| Some(bound.get(j)?.1.as_slice())).collect::<Vec<_>>()).iter().any(|d| !d.is_empty());
    let own_counters = |l: &Vec<usize>| match l.as_slice() {
        [i] => pending.get(*i).map_or(0, |p| p.spec.counters as usize),
        _ => 0,
    };
    let chain_words = launches.iter().filter(|l| l.len() > 1 && chained(l)).map(|l| merge::sync_words(l.len()));
    let sync_range = chain_words.chain(launches.iter().map(own_counters)).filter(|&w| w > 0).max().map(|words| BufferRange {
        pool: 1,
        offset: bundle::align_up(mp.offsets.total_size, WEIGHTS_ALIGN.max(target.limits.min_storage_buffer_offset_alignment as u64)),
        size: 4 * words as u64,
    });
    // Decode kernels that prefetch a share of the next dispatch's weights into the L2
    // (`tuning.decode_prefetch_next_weights`; OpenCL C with PTX; single dispatches): the
    // next launch of the same programs, its largest weight range, and the bytes to fetch.
    let [prefetch_kib, prefetch_groups] = target.tuning.decode_prefetch_next_weights;
    let prefetch_for = |li: usize| -> Option<(BufferRange, u64)> {
        if !target.inline_ptx() || prefetch_kib == 0 || prefetch_groups == 0 {
            return None;
        }
        let &[i] = launches.get(li)?.as_slice() else { return None };
        let p = pending.get(i)?;
        if !p.spec.cooperative || !crate::codegen::prefetch::PREFETCHING.contains(&p.spec.template) {
            return None;
        }
        let here = runs_in(p.node);
        let next = launches.get(li + 1..)?.iter().find(|l| l.first().and_then(|&j| pending.get(j)).is_some_and(|q| runs_in(q.node) == here))?;
        let weights = next.iter().filter_map(|&j| bound.get(j)).flat_map(|b| b.1.iter()).filter(|(r, a)| r.pool == 0 && *a == Access::Read && r.size > 0);
        let w = weights.map(|(r, _)| *r).max_by_key(|r| r.size)?;
        Some((w, w.size.min(u64::from(prefetch_kib) * 1024)))
    };
    for (li, launch) in launches.iter().enumerate() {
        let first = launch.first().and_then(|&i| pending.get(i)).ok_or_else(|| CompileError::Target("an empty launch group".into()))?;
        let node = first.node_ref;
        let merged_spec;
        // The kernel's element type in its name: that of its first written binding.
        let written = |rbs: &[RenderBinding]| rbs.iter().find(|b| b.access == Access::Write).map(|b| b.desc.elem.clone());
        // A launch of several members, some waiting on others: the counters' range, once.
        let chain_range = sync_range.filter(|_| launch.len() > 1 && chained(launch));
        // A persistent chain's workgroups wait on one another: all must be resident at once.
        let co_resident = chain_range.is_some() && target.tuning.chain_persistent_groups > 0;
        let (src, spec, ranges, label, stem, elem) = if launch.len() == 1 {
            let spec = &first.spec;
            let (rbs, ranges, epilogue) = &bound[launch[0]];
            let mut ranges = ranges.clone();
            let counters = spec.counters > 0 && spec.cooperative;
            // (Counters and prefetches are OpenCL C only: `render` refuses them elsewhere.)
            if counters {
                let r = sync_range.ok_or_else(|| CompileError::Target("a kernel with counters has no counter range".into()))?;
                ranges.push((r, Access::Write));
            }
            let prefetch = prefetch_for(li);
            if let Some((r, _)) = prefetch {
                ranges.push((r, Access::Read));
            }
            let (_, stride) = grid_for(spec.invocations, spec.workgroup, target.limits.max_compute_workgroup_count)
                .ok_or_else(|| CompileError::Target(format!("node '{}': {} invocations exceed target '{}' grid limits", node.name, spec.invocations, target.name)))?;
            let src = render(&tera, lang, spec.template, rbs, &spec.params, epilogue, spec.workgroup, stride, spec.invocations, spec.cooperative.then_some(Cooperative { per_lane: spec.shared_per_lane, vec4s: spec.shared_vec4, arrays: &spec.workgroup_arrays, matrices: spec.cooperative_matrix, counters, prefetch: prefetch.map(|(_, bytes)| (bytes, prefetch_groups)) }))
                .map_err(|m| CodegenError::Render { template: spec.template.into(), node: node.name.clone(), target: target.name.clone(), message: m })?;
            (src, spec, ranges, node.name.clone(), spec.template.to_string(), written(rbs).unwrap_or_else(|| "f32".into()))
        } else {
            let mut members = Vec::with_capacity(launch.len());
            let mut names = Vec::with_capacity(launch.len());
            for &i in launch {
                let (p, (rbs, r, epilogue)) = pending.get(i).zip(bound.get(i)).ok_or_else(|| CompileError::Target("a launch group member is missing".into()))?;
                names.push(p.node_ref.name.clone());
                members.push(merge::Member { spec: &p.spec, bindings: rbs, epilogue, ranges: r });
            }
            let label = names.join(" + ");
            let chain = chain_range.map(|_| merge::Chain { emulated: target.tuning.opencl_ptx_mma_emulated, persistent: target.tuning.chain_persistent_groups, prefetch: target.tuning.chain_prefetch_first_share, prefetch_next: target.tuning.chain_prefetch_next_share, spin: target.tuning.chain_spin_waits, max_bindings: target.limits.max_storage_buffers_per_stage as usize });
            let (src, spec, mut ranges) = merge::render_merged(&tera, lang, &members, chain).map_err(|m| CodegenError::Render { template: first.spec.template.into(), node: label.clone(), target: target.name.clone(), message: m })?;
            if let Some(r) = chain_range {
                ranges.push((r, Access::Write));
            }
            merged_spec = spec;
            let elem = members.iter().find_map(|m| written(m.bindings)).unwrap_or_else(|| "f32".into());
            (src, &merged_spec, ranges, label, format!("{}_x{}", first.spec.template, launch.len()), elem)
        };
        let (grid, _) = grid_for(spec.invocations, spec.workgroup, target.limits.max_compute_workgroup_count)
            .ok_or_else(|| CompileError::Target(format!("node '{label}': {} invocations exceed target '{}' grid limits", spec.invocations, target.name)))?;
        let vfail = |stage: &'static str, message: String| CodegenError::Validate { kernel: stem.clone(), template: spec.template.into(), node: label.clone(), target: target.name.clone(), stage, message };
        let (blob, text): (Vec<u8>, Option<String>) = match blang {
            BLang::OpenclC => (src.clone().into_bytes(), None),
            _ => {
                let (module, info) = backend::validate_wgsl(&src).map_err(|(stage, m)| vfail(stage, format!("{m}\n--- source ---\n{src}")))?;
                match blang {
                    BLang::Spirv => {
                        let words = backend::to_spirv(&module, &info, target.tuning.fixed_array_bounds_checks).map_err(|m| vfail("SPIR-V writing", m))?;
                        let blob = backend::spirv_bytes(&words);
                        // Each distinct module once (dispatches share deduplicated kernels).
                        if options.validate_spirv && !by_code.contains_key(&blake3::hash(&blob)) {
                            if spec.cooperative_matrix {
                                spirv_cooperative += 1;
                            } else if backend::spirv_val(&words).map_err(|m| vfail("spirv-val", m))? {
                                spirv_validated += 1;
                            }
                        }
                        (blob, None)
                    }
                    BLang::Msl => {
                        let msl = backend::to_msl(&module, &info, target.tuning.fixed_array_bounds_checks).map_err(|m| vfail("MSL writing", m))?;
                        (msl.clone().into_bytes(), Some(msl))
                    }
                    _ => {
                        let w = backend::to_wgsl(&module, &info).map_err(|m| vfail("WGSL writing", m))?;
                        (w.clone().into_bytes(), Some(w))
                    }
                }
            }
        };
        let hash = blake3::hash(&blob);
        let kernel = match by_code.get(&hash) {
            Some(&k) => k,
            None => {
                let k = kernels.len() as u32;
                let name = format!("{stem}_{elem}_{k}");
                let off = code.len() as u64;
                code.extend_from_slice(&blob);
                while !code.len().is_multiple_of(4) {
                    code.push(0);
                }
                kernels.push(Kernel {
                    name: name.clone(),
                    language: blang,
                    entry: if blang == BLang::OpenclC { "k_main".into() } else { "main".into() },
                    code: ByteRange { offset: off, len: blob.len() as u64 },
                    workgroup_size: [spec.workgroup, 1, 1],
                    bindings: ranges.iter().map(|(_, a)| if *a == Access::Write { bundle::Access::ReadWrite } else { bundle::Access::Read }).collect(),
                    push_constant_bytes: 0,
                    shared_memory_bytes: spec.shared_bytes(),
                    co_resident,
                });
                sources.push((name.clone(), src.clone()));
                if let Some(t) = text {
                    translated.push((name, t));
                }
                by_code.insert(hash, k);
                k
            }
        };
        for (r, _) in &ranges {
            if r.pool < 2 {
                max_binding = max_binding.max(r.size);
            }
        }
        max_wg = max_wg.max(spec.workgroup);
        max_shared = max_shared.max(spec.shared_bytes());
        cooperative_matrix |= spec.cooperative_matrix;
        subgroup_arithmetic |= spec.subgroup_arithmetic;
        int8_dot |= spec.int8_dot;
        let dispatch = Dispatch { kernel, label, bindings: ranges.iter().map(|(r, _)| *r).collect(), grid, push_constants: Vec::new(), barrier_before: false, side_after: None };
        let nodes: Vec<NodeId> = launch.iter().filter_map(|&i| pending.get(i)).map(|p| p.node).collect();
        let exclusive = launch.len() == 1 && spec.exclusive_with_previous && emitted.last().is_some_and(|(prev, ..)| *prev == nodes);
        emitted.push((nodes, dispatch, ranges, exclusive));
    }

    // Programs: each runs the dispatches of the nodes its outputs depend on, in order. A
    // barrier is needed when a dispatch touches memory an earlier dispatch of the same
    // program wrote since the last barrier, or writes memory one of them read.
    let specs = g.program_specs();
    let mut programs = Vec::with_capacity(specs.len());
    // Each side node (`plan::side`) and the node from which it may run.
    let side_starts: HashMap<NodeId, NodeId> = if side_queue(target) { plan::side::starts(g, &mp.order, physical).into_iter().filter_map(|(n, step)| mp.order.get(step).map(|&from| (n, from))).collect() } else { HashMap::new() };
    for (ps, members) in specs.iter().zip(&program_sets) {
        let mut written: Vec<BufferRange> = Vec::new();
        let mut read: Vec<BufferRange> = Vec::new();
        let mut dispatches = Vec::new();
        // How much of `written` / `read` the previous dispatch found there (its own ranges
        // follow): an alternative of it is checked against those only.
        let mut before_previous = (0, 0);
        let mut kept: Vec<(&Vec<NodeId>, &Vec<(BufferRange, Access)>)> = Vec::new();
        for (ids, d, ranges, exclusive) in emitted.iter().filter(|(ids, ..)| ids.iter().all(|id| members.contains(id))) {
            let (w_end, r_end) = if *exclusive && !dispatches.is_empty() { before_previous } else { (written.len(), read.len()) };
            let (w_seen, r_seen) = (written.get(..w_end).unwrap_or(&written), read.get(..r_end).unwrap_or(&read));
            let hazard = ranges.iter().any(|(r, acc)| w_seen.iter().any(|w| r.overlaps(w)) || (*acc == Access::Write && r_seen.iter().any(|x| r.overlaps(x))));
            if hazard {
                written.clear();
                read.clear();
            }
            before_previous = (written.len(), read.len());
            for (r, acc) in ranges {
                if *acc == Access::Write {
                    written.push(*r);
                } else {
                    read.push(*r);
                }
            }
            dispatches.push(Dispatch { barrier_before: hazard, ..d.clone() });
            kept.push((ids, ranges));
        }
        if !side_starts.is_empty() {
            assign_side_starts(&mut dispatches, &kept, &side_starts);
        }
        let position = |list: &[TensorId], t: TensorId, what: &str| -> Result<u32, CompileError> {
            list.iter().position(|&x| x == t).map(|i| i as u32).ok_or_else(|| CompileError::Target(format!("program '{}': {what} '{}' is not a graph {what}", ps.name, g.tensor(t).name)))
        };
        let inputs = ps.inputs.iter().map(|&t| position(&g.inputs, t, "input")).collect::<Result<Vec<_>, _>>()?;
        let outputs = ps.outputs.iter().map(|&t| position(&g.outputs, t, "output")).collect::<Result<Vec<_>, _>>()?;
        programs.push(Program { name: ps.name.clone(), dispatches, inputs, outputs });
    }

    let weights_len = weights.len() as u64;
    let pools = [
        Pool { name: "weights".into(), role: PoolRole::Weights, size: bundle::align_up(weights_len.max(4), WEIGHTS_ALIGN), image: None },
        Pool { name: "activations".into(), role: PoolRole::Activations, size: bundle::align_up(mp.offsets.total_size.max(4).max(sync_range.map_or(0, |r| r.offset + r.size)), WEIGHTS_ALIGN), image: None },
    ]
    .into_iter()
    .chain(mp.textures.images.iter().enumerate().map(|(k, img)| Pool { name: format!("texture{k}"), role: PoolRole::Activations, size: img.bytes().unwrap_or(u64::MAX), image: Some(*img) }))
    .collect::<Vec<_>>();
    let mut tensors = Vec::new();
    let mut io = |list: &[TensorId]| -> Result<Vec<u32>, CompileError> {
        let mut idx = Vec::new();
        for &t in list {
            let tensor = g.tensor(t);
            let ph = physical.get(&t).ok_or_else(|| CompileError::Weights(format!("tensor '{}' has no descriptor", tensor.name)))?;
            let r = range_of(t).ok_or_else(|| CompileError::Target(format!("graph input/output '{}' has no storage in the activations pool (is it a constant?)", tensor.name)))?;
            if r.pool != 1 {
                return Err(CompileError::Target(format!("graph output '{}' is a compile-time constant; driftc does not emit constant outputs", tensor.name)));
            }
            idx.push(tensors.len() as u32);
            tensors.push(TensorEntry {
                name: tensor.name.clone(),
                dtype: tensor.dtype,
                shape: tensor.shape.iter().map(|&d| d as u64).collect(),
                storage: Storage { pool: 1, offset: r.offset, size: r.size, elem: ph.elem, layout: ph.layout, kind: ph.storage },
            });
        }
        Ok(idx)
    };
    let inputs = io(&g.inputs)?;
    let outputs = io(&g.outputs)?;
    let device_memory_bytes: u64 = pools.iter().map(|p| p.size).sum();
    crate::budget::check(g, target, physical, weights_len, device_memory_bytes)?;
    let manifest = Manifest {
        target: target.name.clone(),
        api: api(target),
        precision: if precision == Precision::F16 { BPrecision::F16 } else { BPrecision::F32 },
        source_model: g.name.clone(),
        requirements: Requirements {
            // OpenCL kernels touch f16 storage only through vload_half/vstore_half (core
            // OpenCL, no cl_khr_fp16); the WGSL-derived languages declare f16 types.
            fp16: precision == Precision::F16 && lang == Lang::Wgsl,
            int8_dot,
            cooperative_matrix,
            // Cooperative-matrix kernels split their workgroup into subgroups of this size;
            // subgroup sums cover rows of exactly this many lanes.
            subgroup_size: if cooperative_matrix || subgroup_arithmetic { target.features.subgroup_size } else { 0 },
            subgroup_arithmetic,
            max_binding_range: max_binding,
            max_workgroup_invocations: max_wg,
            max_shared_memory_bytes: max_shared,
            max_push_constant_bytes: 0,
            device_memory_bytes,
        },
        pools,
        tensors,
        inputs,
        outputs,
        kernels,
        weights: if weights.is_empty() { vec![] } else { vec![WeightUpload { pool: 0, pool_offset: 0, data: ByteRange { offset: 0, len: weights_len } }] },
        programs,
        plan: mp.report.clone(),
        llm: g.llm.clone(),
    };
    let bytes = bundle::write_owned(&manifest, &code, weights)?;
    let report = CompileReport {
        nodes_imported,
        nodes_after: g.nodes.node_count(),
        dispatches: manifest.programs.iter().map(|p| p.dispatches.len()).sum(),
        kernels: manifest.kernels.len(),
        plan: mp.report,
        weights_bytes: weights_len,
        spirv_validated,
        spirv_cooperative,
        zero_filled_weights: zero_filled,
        notes,
    };
    Ok(Compiled { bundle: bytes, manifest, report, sources, translated })
}

/// `options` with what it leaves open (None) taken from the target's tuning: the LLM
/// prefill chunk, and int8 activations in decode and prefill (prefill only where the
/// target does not prefill on cooperative matrices: f16 products on the matrix units win
/// over int8 dot products on the ALUs). Every path that imports for a target uses it.
pub fn with_target_defaults(options: &ImportOptions, target: &Target) -> ImportOptions {
    let mut import = options.clone();
    import.target_prefill_tokens = import.target_prefill_tokens.or(Some(target.tuning.llm_prefill_tokens));
    import.decode_int8_activations = import.decode_int8_activations.or(Some(target.tuning.decode_int8_activations));
    let coop = target.tuning.prefill_cooperative_matrix && target.features.cooperative_matrix;
    import.prefill_int8_activations = import.prefill_int8_activations.or(Some(target.tuning.prefill_int8_activations && !coop));
    import.decode_split_keys = import.decode_split_keys.or(Some(target.tuning.decode_attention_split_keys));
    import
}

/// Imports, optimizes and compiles a model file.
pub fn compile_file(path: &Path, target: &Target, options: &CompileOptions) -> Result<Compiled, CompileError> {
    let target = &target.for_precision(options.precision.unwrap_or(target.default_precision));
    let import = with_target_defaults(&options.import, target);
    let mut g = import_file(path, &import)?;
    let imported = g.nodes.node_count();
    optimize(&mut g, target, options.stop_after.as_deref(), |_, _| {})?;
    compile_graph(&g, target, options, imported)
}

/// Figures per input/output for messages.
pub fn io_summary(m: &Manifest) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (&i, kind) in m.inputs.iter().map(|i| (i, "input")).chain(m.outputs.iter().map(|o| (o, "output"))) {
        if let Some(t) = m.tensors.get(i as usize) {
            out.insert(format!("{kind} {}", t.name), format!("{:?} {:?}", t.dtype, t.shape));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode;
    use crate::ir::{DType, Data, Value};
    use runtime_min::bundle::ElemType;

    /// A weight encodes to the same bytes whichever way the compiler holds it: f16
    /// checkpoint values as f16 or as f32, int8 values as i8 or as i64.
    #[test]
    fn compact_storage_encodes_like_the_wide_one() {
        let halves: Vec<half::f16> = [0.5f32, -1.25, 65504.0, 3.0e-5, 0.0].iter().map(|&x| half::f16::from_f32(x)).collect();
        let as_f16 = Value { dtype: DType::F32, shape: vec![5], data: Data::F16(halves.clone()) };
        let as_f32 = Value::f32(vec![5], halves.iter().map(|x| x.to_f32()).collect());
        for elem in [ElemType::F16, ElemType::F32] {
            assert_eq!(encode(&as_f16, elem, "w").expect("encodes"), encode(&as_f32, elem, "w").expect("encodes"), "{elem:?}");
        }
        let bytes: Vec<i8> = vec![-127, 0, 5, 127, -8];
        let as_i8 = Value { dtype: DType::I8, shape: vec![5], data: Data::I8(bytes.clone()) };
        let as_i64 = Value { dtype: DType::I8, shape: vec![5], data: Data::I64(bytes.iter().map(|&b| i64::from(b)).collect()) };
        for elem in [ElemType::I8x4, ElemType::I32, ElemType::F32] {
            assert_eq!(encode(&as_i8, elem, "q").expect("encodes"), encode(&as_i64, elem, "q").expect("encodes"), "{elem:?}");
        }
        // Padded to whole words of four.
        assert_eq!(encode(&as_i8, ElemType::I8x4, "q").expect("encodes").len(), 8);
    }
}
