//! Decode kernel of Linear and LinearQ4 (one activation row): the `linear_matvec`
//! template. The [N, K] weight's rows are contiguous, so a group of `lanes` lanes owns one
//! output and walks its row in 16-byte words (WGSL `vec4<u32>`, OpenCL 16-byte vector loads), several
//! words in flight per lane, and the partial sums meet in workgroup memory. This file
//! chooses the geometry and writes, per language and element type, how one weight word
//! and the activations under it decode into vec4s of f32 (`groups`: `WW` stands for the
//! word, `J` for its index in the row). With a folded RMSNorm (`norm`), the lanes of a
//! row also sum the squares of the activations they read, which cover the row once, and
//! the output is scaled by 1/rms at the end; where the row fits in workgroup memory
//! (`stage`), the workgroup instead normalizes it there once, as vec4s of f32, and every
//! row reads it from there. With a folded RoPE, neighbouring row slots of a workgroup hold
//! rows i and i + d/2 of a head, which meet in workgroup memory to be turned before the
//! store. Where the operands are not single plain buffers
//! (OpenCL images, tensors split across bindings) or the rows are not whole words, the
//! same template walks the row one element at a time through the tensor accessors.
//! With int8 activations (`act_int8`: int8 or int4 weights, WGSL), the workgroup first quantizes
//! the (normalized) row to int8 into `drift_xq` once, in blocks of 32 inputs with their
//! scales in `drift_xs`, and each weight word (half a block) is four `dot4I8Packed` against
//! it, summed in int32 and scaled by its block's scale. With int4 weights (a word is one
//! block), the nibbles q + 8 are split by masks into even and odd inputs against the
//! block's even and odd activations, and 8 · Σ q(x) is taken off the integer sum.

use serde_json::{json, Value as Json};

use super::linear::ACT_INT8_BLOCK;
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang, WorkgroupElem};
use crate::ir::TensorId;

/// RoPE applied to the outputs (heads of `head` features): the [ctx, head/2] tables and
/// the position_ids tensor.
pub struct Rope {
    pub head: usize,
    pub cos: TensorId,
    pub sin: TensorId,
    pub position_ids: TensorId,
}

/// Outputs appended to a KV cache in place (the kernel's output is the cache): heads of
/// `head`, at row `position` of `ctx`.
pub struct KvAppend {
    pub head: usize,
    pub position: TensorId,
    pub ctx: usize,
}

/// The int4 packing of a LinearQ4 weight: its scales and inputs per scale.
#[derive(Clone, Copy)]
pub struct Q4 {
    pub scale: TensorId,
    pub block: usize,
}

/// A gate folded into the projection (`Linear::gate`): its weight (W's shape and format),
/// its per-row scale, its activation.
#[derive(Clone)]
pub struct GateIn {
    pub w: TensorId,
    /// An int4 gate weight's block scales (the up weight's `Q4` layout).
    pub q4_scales: Option<TensorId>,
    pub scale: Option<TensorId>,
    pub act: super::elementwise::ElementwiseOp,
}

/// X is a split decode attention's partials [1, `heads`, 1, `splits`, `d` + 2], combined
/// into the row (`Linear::combine`) by each workgroup in its workgroup memory.
#[derive(Clone, Copy)]
pub struct Combine {
    pub heads: usize,
    pub splits: usize,
    pub d: usize,
}

/// The activations a projection multiplies: floats, floats it quantizes to int8 itself
/// (once per workgroup), or a row already quantized and packed (`PackedInt8Row`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Float,
    Int8,
    Packed,
}

impl Act {
    pub fn of(act_int8: bool, packed: bool) -> Act {
        match (act_int8, packed) {
            (_, true) => Act::Packed,
            (true, false) => Act::Int8,
            _ => Act::Float,
        }
    }
}

/// Elements of the weight in one 16-byte word, by storage element type.
fn elems_per_word(elem: &str, q4: bool) -> Option<usize> {
    match (elem, q4) {
        ("i8", true) => Some(32),
        ("i8", false) => Some(16),
        ("f16", false) => Some(8),
        ("f32", false) => Some(4),
        _ => None,
    }
}

/// Group `k` of the `g` vec4s of a float vector (activations, norm scale) under weight
/// word `J`, as vec4 of f32: read from `t`'s own 16-byte words (`helpers::word_vec4s`), or
/// with `t` = None from the row staged in `drift_shared4`.
fn vector_group(lang: Lang, t: Option<&helpers::TensorDesc>, g: usize, k: usize) -> Option<String> {
    let Some(t) = t else { return Some(format!("drift_shared4[(J) * {g}u + {k}u]")) };
    let vecs = helpers::word_vec4s(lang, t)?;
    let per = vecs.len();
    if per == 0 || !g.is_multiple_of(per) {
        return None;
    }
    let word = format!("(J) * {}u + {}u", g / per, k / per);
    vecs.get(k % per).map(|e| e.replace("WI", &word))
}

/// Per group of four weights in a word: (weights as vec4 of f32, the activations under
/// them, the norm scale under them when `norm` is given), for weights of `welem` and
/// activations `x` (None: staged in workgroup memory).
fn groups(lang: Lang, welem: &str, q4: bool, x: Option<&helpers::TensorDesc>, norm: Option<&helpers::TensorDesc>) -> Option<Vec<Json>> {
    let per_word = elems_per_word(welem, q4)?;
    let g = per_word / 4;
    let comps = ["x", "y", "z", "w"];
    let cl_comps = ["s0123", "s4567", "s89ab", "scdef"];
    let w: Vec<String> = match (lang, welem, q4) {
        (Lang::Wgsl, "f32", _) => vec!["bitcast<vec4<f32>>(WW)".into()],
        (Lang::Wgsl, "f16", _) => vec!["vec4<f32>(unpack2x16float(WW.x), unpack2x16float(WW.y))".into(), "vec4<f32>(unpack2x16float(WW.z), unpack2x16float(WW.w))".into()],
        (Lang::Wgsl, _, false) => comps.iter().map(|c| format!("drift_i8x4(WW.{c})")).collect(),
        (Lang::Wgsl, _, true) => comps.iter().flat_map(|c| [format!("drift_q4x4(WW.{c})"), format!("drift_q4x4(WW.{c} >> 16u)")]).collect(),
        (Lang::OpenclC, "f32", _) => vec!["WW".into()],
        (Lang::OpenclC, "f16", _) => vec!["WW.lo".into(), "WW.hi".into()],
        (Lang::OpenclC, _, false) => cl_comps.iter().map(|c| format!("WW.{c}")).collect(),
        (Lang::OpenclC, _, true) => comps.iter().flat_map(|c| [format!("drift_q4x4(WW.{c})"), format!("drift_q4x4(WW.{c} >> 16u)")]).collect(),
    };
    (0..g)
        .zip(w)
        .map(|(k, w)| {
            let x = vector_group(lang, x, g, k)?;
            let n = match norm {
                Some(t) => vector_group(lang, Some(t), g, k)?,
                None => String::new(),
            };
            Some(json!({"w": w, "x": x, "n": n}))
        })
        .collect()
}

/// How OpenCL loads word `J` of the weight `wv`: one aligned 16-byte load (the weight's
/// binding starts 16-byte aligned; `vloadN` would promise only an element's alignment, and
/// NVIDIA's compiler then loads element by element), as an expression and its OpenCL C
/// type; how it is widened for the sums (`WORD` standing for the loaded word); and the
/// widened type. Loads made before a prologue keep the narrow bits in registers until
/// round 0 widens them. With `stream`, through `drift_ld_stream`
/// (`tuning.opencl_ptx_stream_loads`). With `raw`, int8 words stay uint4 (int4 nibbles,
/// or int8 against int8 activations).
fn cl_word_bits(welem: &str, raw: bool, wv: &str, stream: bool) -> (String, &'static str, &'static str, &'static str) {
    let word = |ty: &str| match (stream, ty) {
        (true, "uint4") => format!("drift_ld_stream((__global const uint4*)({wv}), J)"),
        (true, _) => format!("as_{ty}(drift_ld_stream((__global const uint4*)({wv}), J))"),
        (false, _) => format!("((__global const {ty}*)({wv}))[J]"),
    };
    match (welem, raw) {
        ("f32", _) => (word("float4"), "float4", "WORD", "float4"),
        ("f16", _) => (word("uint4"), "uint4", "drift_h8(WORD)", "float8"),
        // (NVIDIA's compiler loads a char16 as four 4-byte loads, read as char16 or as
        // uint4 alike; the streaming PTX load reads its 16 bytes at once.)
        (_, false) => (word("char16"), "char16", "convert_float16(WORD)", "float16"),
        (_, true) => (word("uint4"), "uint4", "WORD", "uint4"),
    }
}

/// Bytes of workgroup memory the int8-activation row of `k` inputs takes: the quantized
/// row (k bytes), its block scales (k / 8), for int4 weights the block sums (k / 8), and
/// with `staged` the normalized row as f32 (4 k).
fn int8_row_bytes(k: usize, q4: bool, staged: bool) -> usize {
    k + k / 8 + if q4 { k / 8 } else { 0 } + if staged { 4 * k } else { 0 }
}

/// Lanes of the int8-activation kernel for a row of `k` inputs on `target`: its tuned
/// workgroup (`tuning.linear_matvec_workgroup_int8`), halved until the staged row and one
/// f32 per lane (two with a folded gate) fit the workgroup memory; None when not even two lanes fit (the
/// projection then keeps float activations, `passes::fit_int8_activations`, or its
/// norm its own dispatch, `passes::fuse_rms_linear`).
pub fn int8_lanes(target: &crate::target::Target, k: usize, q4: bool, staged: bool, gated: bool) -> Option<u32> {
    let limit = target.limits.max_compute_shared_memory_size as usize;
    let row = int8_row_bytes(k, q4, staged);
    let per_lane = 4 * (1 + usize::from(gated));
    let mut wg = target.cooperative_lanes(target.tuning.linear_matvec_workgroup_int8);
    while wg >= 2 {
        if row + wg as usize * per_lane <= limit {
            return Some(wg);
        }
        wg /= 2;
    }
    None
}

/// Emits the kernel for y = x · wᵀ (w [N, K], or [N, K/2] int4 with `q4`), with a folded
/// RMSNorm, per-row scale, RoPE and KV-cache append (`kv`: y is then the cache) when given,
/// and int8 activations with `act_int8`, and a folded gate (`gate`: a second weight of W's
/// shape and format walked beside it); false when the target's workgroups cannot hold it
/// (fewer than 2 lanes, or 4 with RoPE): the caller then emits its generic kernel, or, for
/// a folded node, reports that no kernel fits. An error when int8 activations cannot be
/// served (OpenCL C, weights not int8 or int4 words of one plain buffer, the row not
/// stageable in workgroup memory: `passes::fit_int8_activations` clears the flag first
/// where the target's limits say so). The workgroup holds as many rows as fit, fewer where
/// the rows would leave the GPU thinly covered (`rows_per_workgroup`).
#[allow(clippy::too_many_arguments)]
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, q4: Option<Q4>, norm: Option<(TensorId, f32)>, rope: Option<Rope>, row_scale: Option<TensorId>, act: Act, kv: Option<KvAppend>, y: TensorId, k: usize, n: usize, gate: Option<GateIn>, combine: Option<Combine>) -> Result<bool, CodegenError> {
    let (act_int8, packed) = (act != Act::Float, act == Act::Packed);
    if packed && norm.is_some() {
        return Err(kb.no_kernel("a packed int8 row is normalized already: no norm folds into its projection"));
    }
    if combine.is_some_and(|c| c.d % 4 != 0 || c.heads * c.d != k || norm.is_some() || packed || rope.is_some() || kv.is_some() || gate.is_some() || q4.is_some()) {
        return Err(kb.no_kernel("combining attention partials in a projection needs heads of a multiple of 4 columns making the row, and no norm, packed row, RoPE, KV-cache append, gate or int4 weights"));
    }
    let wg = if !act_int8 {
        kb.wg_cooperative_up_to(kb.target.tuning.linear_matvec_workgroup)
    } else if packed {
        // Nothing staged: the lanes read the packed row where it lies.
        kb.target.cooperative_lanes(kb.target.tuning.linear_matvec_workgroup_int8)
    } else {
        match int8_lanes(kb.target, k, q4.is_some(), norm.is_some() || combine.is_some(), gate.is_some()) {
            Some(wg) => wg,
            None => return Err(kb.no_kernel(format!("int8 activations stage the quantized row of {k} and its block scales{} in workgroup memory: above the target's {} bytes even for two lanes", if norm.is_some() { " beside the normalized row" } else { "" }, kb.target.limits.max_compute_shared_memory_size))),
        }
    };
    if wg < if rope.is_some() { 4 } else { 2 } || k == 0 || n == 0 {
        return Ok(false);
    }
    let (wd, xd) = (kb.desc("w", w)?, kb.desc("x", x)?);
    let gd = match norm {
        Some((g, _)) => Some(kb.desc("g", g)?),
        None => None,
    };
    let plain = |d: &helpers::TensorDesc| d.is_plain_buffer();
    let g_plain = gd.as_ref().is_none_or(plain);
    let per_word = elems_per_word(&wd.elem, q4.is_some());
    let block_words = q4.as_ref().map_or(Some(1), |q| (q.block % 32 == 0).then_some(q.block / 32));
    // A folded RMSNorm is applied once per workgroup into drift_shared4 when the row fits
    // beside the reduction space and x and g are words of one type.
    let shared_limit = kb.target.limits.max_compute_shared_memory_size as usize;
    let stage = match (&gd, norm) {
        (Some(g), Some(_)) => {
            let vecs = helpers::word_vec4s(kb.lang, &xd).filter(|_| g.elem == xd.elem && plain(g) && plain(&xd));
            // With int8 activations, the quantized row and its block scales (and sums) are
            // staged beside it (`int8_row_bytes`).
            let row = if act_int8 { int8_row_bytes(k, q4.is_some(), true) } else { 4 * k };
            // Floats per lane beside it: the sum, and the gate's.
            let per_lane = 4 * (1 + usize::from(gate.is_some()));
            vecs.filter(|v| k.is_multiple_of(4 * v.len()) && row + wg as usize * per_lane <= shared_limit).map(|v| {
                let gv = helpers::word_vec4s(kb.lang, g).unwrap_or_default();
                v.into_iter().zip(gv).map(|(x, n)| json!({"x": x, "n": n})).collect::<Vec<Json>>()
            })
        }
        _ => None,
    };
    // Combined partials are always staged: the row as consecutive vec4s of f32 (one per
    // "word" of the staged row), which the template's combining loop writes.
    let stage = match combine {
        Some(_) => {
            let row = if act_int8 { int8_row_bytes(k, false, true) } else { 4 * k };
            if row + wg as usize * 4 > shared_limit {
                return Err(kb.no_kernel(format!("combining attention partials stages the row of {k} in workgroup memory: above the target's {shared_limit} bytes")));
            }
            Some(vec![json!({"x": "", "n": ""})])
        }
        None => stage,
    };
    let decode = match (per_word, block_words) {
        (Some(e), Some(_)) if plain(&wd) && plain(&xd) && g_plain && k.is_multiple_of(e) => {
            // A packed row's words are read by the int8 branch of the template, not as floats.
            let (xs, folded) = if stage.is_some() || packed { (None, None) } else { (Some(&xd), gd.as_ref()) };
            groups(kb.lang, &wd.elem, q4.is_some(), xs, folded).map(|g| (e, g))
        }
        _ => None,
    };
    if combine.is_some() && decode.is_none() {
        return Err(kb.no_kernel("combining attention partials in a projection needs its weight rows in whole 16-byte words of one plain buffer"));
    }
    let stage = stage.filter(|_| decode.is_some());
    // A folded gate: its weight walked beside W's, word by word where both are single
    // buffers of one format (else element by element through the accessors).
    let gate_desc = match &gate {
        Some(gt) => {
            let d = kb.desc("w2", gt.w)?;
            let scales_match = match (&q4, gt.q4_scales) {
                (Some(q), Some(s)) => kb.shape(s) == kb.shape(q.scale),
                (None, None) => true,
                _ => false,
            };
            if rope.is_some() || kv.is_some() || kb.shape(gt.w) != kb.shape(w) || !scales_match {
                return Err(kb.no_kernel("a folded gate needs a weight of W's shape and format (int4 with its block scales), and no RoPE or KV-cache append"));
            }
            Some(d)
        }
        None => None,
    };
    let decode = decode.filter(|_| gate_desc.as_ref().is_none_or(|d| d.elem == wd.elem && plain(d)));
    let stage = stage.filter(|_| decode.is_some());
    // int8 activations: the row's vec4s per word of x, from workgroup memory when staged.
    let xq_vec4s: Option<Vec<String>> = if !act_int8 {
        None
    } else if packed {
        if kb.lang != Lang::Wgsl || wd.elem != "i8" || decode.is_none() || !plain(&xd) {
            return Err(kb.no_kernel("a packed int8 row needs WGSL, int8 or int4 weights in whole 16-byte words and both in single buffers"));
        }
        Some(Vec::new())
    } else if wd.elem != "i8" || decode.is_none() || (norm.is_some() && stage.is_none()) {
        return Err(kb.no_kernel("int8 activations need int8 or int4 weights in whole 16-byte words and, with a folded RMSNorm, the row staged in workgroup memory"));
    } else {
        match &stage {
            Some(v) => Some((0..v.len()).map(|e| format!("drift_shared4[(WI) * {}u + {e}u]", v.len())).collect()),
            None => helpers::word_vec4s(kb.lang, &xd).filter(|v| k.is_multiple_of(4 * v.len())),
        }
    };
    if act_int8 && xq_vec4s.is_none() {
        return Err(kb.no_kernel("int8 activations need the activation row in whole 16-byte words"));
    }
    if act_int8 && !k.is_multiple_of(ACT_INT8_BLOCK) {
        return Err(kb.no_kernel(format!("int8 activations quantize blocks of {ACT_INT8_BLOCK} inputs; the row has {k}")));
    }
    // Units each row is walked in: words when wide, else elements (int4: packed bytes).
    let units = match (&decode, &q4) {
        (Some((e, _)), _) => k / e,
        (None, Some(_)) => k / 2,
        (None, None) => k,
    };
    // With RoPE at least two row slots share a workgroup (pairs meet in its memory).
    let lane_cap = if rope.is_some() { wg as usize / 2 } else { wg as usize };
    let lanes_per_row = match kb.target.tuning.linear_lanes_many_rows {
        [rows, lanes] if act_int8 && rows > 0 && n >= rows as usize => lanes,
        _ => kb.target.tuning.linear_lanes_per_row,
    };
    let lanes = (lanes_per_row as usize).min(lane_cap).min(prev_power_of_two(units)).max(1);
    let rows_per_group = rows_per_workgroup(n, wg as usize, lanes, kb.target.tuning.linear_matvec_min_workgroups as usize, rope.is_some());
    // RoPE pairs rows i and i + d/2 of a head on neighbouring row slots of one workgroup.
    if rope.as_ref().is_some_and(|r| !rows_per_group.is_multiple_of(2) || r.head % 2 != 0 || r.head == 0 || !n.is_multiple_of(r.head)) {
        return Ok(false);
    }
    let per_lane = units / lanes;
    // Loads in flight per lane: at most `tuning.linear_matvec_max_unroll` (fewer registers).
    let max_unroll = kb.target.tuning.linear_matvec_max_unroll as usize;
    let unroll = [16, 8, 4, 2, 1].into_iter().find(|&u| per_lane >= u && u <= max_unroll).unwrap_or(1);
    let rounds = units / (lanes * unroll);
    let y_rank = kb.shape(y).len().max(1);
    let names: Vec<String> = (0..y_rank).map(|d| format!("c{d}")).collect();
    let xlead: Vec<String> = vec!["0u".into(); kb.shape(x).len().saturating_sub(1)];
    let out_groups = n.div_ceil(rows_per_group) as u64;
    // Persistent workgroups (`tuning.linear_matvec_persistent_groups`, OpenCL C): at most
    // that many, each walking every grid-th row group after staging its row once.
    let grid_groups = match u64::from(kb.target.tuning.linear_matvec_persistent_groups) {
        cap if cap > 0 && kb.lang == Lang::OpenclC => out_groups.min(cap),
        _ => out_groups,
    };
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let group_json: Vec<Json> = decode.as_ref().map_or(Vec::new(), |(_, g)| g.clone());
    // OpenCL on NVIDIA with inline PTX (not emulated): streaming weight loads and
    // shuffle sums where the target asks for them.
    let ptx = kb.lang == Lang::OpenclC && kb.target.inline_ptx();
    let stream = ptx && kb.target.tuning.opencl_ptx_stream_loads;
    let raw = q4.is_some() || act_int8;
    // A weight word as loaded (also round 0's before a prologue: `early` below), how it
    // widens, and the widened load the rounds sum.
    let (early_load, early_type, early_widen, cl_type) = if kb.lang == Lang::OpenclC { cl_word_bits(&wd.elem, raw, &wd.var, stream) } else { (String::new(), "", "WORD", "") };
    let cl_load = if kb.lang == Lang::OpenclC { early_widen.replace("WORD", &early_load) } else { String::new() };
    let (early_gate_load, gate_cl_load) = match &gate_desc {
        Some(d) if kb.lang == Lang::OpenclC => {
            let (load, _, widen, _) = cl_word_bits(&d.elem, raw, &d.var, stream);
            let widened = widen.replace("WORD", &load);
            (load, widened)
        }
        _ => (String::new(), String::new()),
    };
    let wg_lanes = lanes as u32 * rows_per_group as u32;
    // A row's lanes summed by one subgroup operation where they are exactly one subgroup
    // (subgroups lie over consecutive lanes; rows start at multiples of `lanes`).
    let sg_reduce = kb.target.tuning.subgroup_reductions && kb.lang == Lang::Wgsl && lanes as u32 == kb.target.features.subgroup_size && lanes > 1;
    // OpenCL: a row's lanes (a power of two, at most an NVIDIA subgroup of 32, aligned to
    // it) summed by PTX shuffles, then one barrier before the epilogue reads the sums.
    let shfl_reduce = ptx && kb.target.tuning.subgroup_reductions && lanes > 1 && lanes <= 32;
    // Per lane in drift_shared: the sum, the sum of squares (an unstaged norm), the gate's sum.
    let squares = u32::from(norm.is_some() && stage.is_none());
    let floats_per_lane = 1 + squares + u32::from(gate.is_some());
    let mut spec = KernelSpec::cooperative("linear_matvec", grid_groups, wg_lanes).shared_per_lane(floats_per_lane);
    if sg_reduce {
        spec = spec.uses_subgroup_arithmetic();
    }
    if stage.is_some() {
        spec = spec.shared_vec4((k / 4) as u32);
    }
    if packed {
        spec = spec.uses_int8_dot();
    } else if act_int8 {
        spec = spec.workgroup_array("drift_xq", WorkgroupElem::Vec4U32, (k / 16) as u32).workgroup_array("drift_xs", WorkgroupElem::F32, (k / ACT_INT8_BLOCK) as u32);
        // (OpenCL C needs no device int8 dot product: PTX dp4a or the sum in C.)
        if kb.lang == Lang::Wgsl {
            spec = spec.uses_int8_dot();
        }
        if q4.is_some() {
            spec = spec.workgroup_array("drift_xc", WorkgroupElem::F32, (k / ACT_INT8_BLOCK) as u32);
        }
    }
    let words = decode.is_some() && kb.lang == Lang::Wgsl;
    // Where the int8 branch finds, for weight word J, the activation word(s) (vec4<u32>:
    // for int4 weights the even then the odd inputs of block J), the block's scale and
    // (int4) 8 · Σ q: in workgroup memory, or in the packed row (`PackedInt8Row`'s layout,
    // read as 16-byte words; a scalar is component (i % 4) of word i / 4).
    let blocks = k / ACT_INT8_BLOCK;
    // The activation block of weight word J: the word itself for int4, half a block for int8.
    let block = if q4.is_some() { "J" } else { "(J) / 2u" };
    let (xq_at, xo_at, xs_at, xc_at) = if packed {
        let (scales, sums, _) = super::packed_int8_row::layout(k, q4.is_some());
        let scalar = |start: usize, i: &str| format!("bitcast<f32>({}[{}u + ({i}) / 4u][({i}) % 4u])", xd.var, start / 4);
        (format!("{}[J]", xd.var), format!("{}[{blocks}u + J]", xd.var), scalar(scales, block), scalar(sums, "J"))
    } else {
        ("drift_xq[J]".to_string(), format!("drift_xq[{blocks}u + J]"), format!("drift_xs[{block}]"), "drift_xc[J]".to_string())
    };
    spec = match (words, combine.is_some()) {
        // Partials are read element by element (their m and l sit between the heads' rows).
        (true, true) => spec.read("x", x).read_words("w", w),
        (true, false) => spec.read_words("x", x).read_words("w", w),
        (false, _) => spec.read("x", x).read("w", w),
    };
    if let Some((g, _)) = norm {
        spec = if words { spec.read_words("g", g) } else { spec.read("g", g) };
    }
    spec = spec
        .write("y", y)
        .param("names", names.clone())
        .param("xlead", xlead)
        .param("wide", decode.is_some())
        .param("groups", group_json)
        .param("cl_load", cl_load)
        .param("cl_type", cl_type)
        .param("gate_cl_load", gate_cl_load)
        .param("early_load", early_load)
        .param("early_type", early_type)
        .param("early_widen", early_widen)
        .param("early_gate_load", early_gate_load)
        // OpenCL C's sum of four int8 products: NVIDIA's dp4a through PTX, else in C.
        .param("dp4a", if ptx { "drift_dp4a_ptx" } else { "drift_dp4a" })
        .param("lanes", lanes)
        .param("half_lanes", lanes / 2)
        .param("rows_per_group", rows_per_group)
        .param("units", units)
        .param("unroll", unroll)
        .param("stride", lanes * unroll)
        .param("rounds", rounds)
        .param("round_units", rounds * lanes * unroll)
        .param("out_rows", n)
        .param("last_row", n - 1)
        .param("q4", q4.is_some())
        .param("block", q4.as_ref().map_or(1, |q| q.block))
        .param("block_words", block_words.unwrap_or(1))
        .param("norm", norm.is_some() && stage.is_none())
        .param("stage", stage.is_some())
        .param("combine", combine.is_some())
        .param("combine_heads", combine.map_or(0, |c| c.heads))
        .param("combine_splits", combine.map_or(0, |c| c.splits))
        .param("combine_d", combine.map_or(0, |c| c.d))
        .param("stage_vec4s", stage.clone().unwrap_or_default())
        .param("x_words", stage.as_ref().map_or(0, |v| k / (4 * v.len().max(1))))
        .param("act_int8", act_int8)
        .param("sg_reduce", sg_reduce)
        .param("shfl_reduce", shfl_reduce)
        .param("packed", packed)
        .param("xq_at", xq_at)
        .param("xo_at", xo_at)
        .param("xs_at", xs_at)
        .param("xc_at", xc_at)
        .param("xq_vec4s", xq_vec4s.clone().unwrap_or_default())
        .param("xq_blocks", k / ACT_INT8_BLOCK)
        .param("block_units", xq_vec4s.as_ref().map_or(1, |v| ACT_INT8_BLOCK / (4 * v.len().max(1))))
        .param("half_wg", wg_lanes / 2)
        .param("persistent", grid_groups < out_groups)
        // Round 0's weight words loaded before a staged, quantized or combined row's
        // prologue (`tuning.linear_matvec_early_loads`; OpenCL C, whole rounds; persistent
        // workgroups load their first row group's).
        .param("early", kb.lang == Lang::OpenclC && kb.target.tuning.linear_matvec_early_loads && decode.is_some() && rounds > 0 && (stage.is_some() || act_int8 || combine.is_some()))
        // Each later row group's round-0 words loaded by the group before it
        // (`tuning.linear_matvec_carry_loads`; OpenCL C, persistent workgroups, whole rounds).
        .param("carry", kb.lang == Lang::OpenclC && kb.target.tuning.linear_matvec_carry_loads && decode.is_some() && grid_groups < out_groups && rounds > 0)
        .param("out_groups", out_groups)
        .param("grid_groups", grid_groups)
        // The next row group's weight lines asked of the L2 (`tuning.linear_matvec_prefetch_next_group`;
        // rows of whole 128-byte lines, so no line passes the weight's end).
        .param("prefetch_next", ptx && kb.target.tuning.linear_matvec_prefetch_next_group && decode.is_some() && grid_groups < out_groups && units.is_multiple_of(8))
        .param("w_var", wd.var.clone())
        .param("row_lines", units / 8)
        // The staged row's sum of squares by PTX shuffles (`tuning.decode_stage_shuffle_sums`).
        .param("stage_shuffle", ptx && kb.target.tuning.decode_stage_shuffle_sums && stage.is_some() && wg_lanes % 32 == 0)
        .param("eps", norm.map_or(0.0, |(_, e)| e))
        .param("k", k)
        .param("wg", wg_lanes)
        .epilogue_at(&refs);
    if let Some(q) = q4 {
        spec = spec.read("scale", q.scale);
    }
    // The gate: its weight's words (`w2`, var in `gate_var`), scale, activation over `gv`.
    spec = spec.param("gate", gate.is_some()).param("gate_scaled", gate.as_ref().is_some_and(|g| g.scale.is_some()));
    spec = spec.param("gate_off", wg_lanes * (1 + squares));
    if let (Some(gt), Some(d)) = (&gate, &gate_desc) {
        use super::Elementwise;
        spec = if words { spec.read_words("w2", gt.w) } else { spec.read("w2", gt.w) };
        spec = spec.param("gate_var", d.var.clone()).param("gate_act", gt.act.expr(kb.lang, &["gv".to_string()]));
        if let Some(s) = gt.scale {
            spec = spec.read("gscale", s);
        }
        if let Some(s) = gt.q4_scales {
            spec = spec.read("gscales", s);
        }
    }
    spec = spec.param("row_scale", row_scale.is_some()).param("kv_head", kv.as_ref().map_or(0, |a| a.head)).param("kv_ctx", kv.as_ref().map_or(0, |a| a.ctx));
    if let Some(a) = &kv {
        spec = spec.read("kvpos", a.position);
    }
    if let Some(s) = row_scale {
        spec = spec.read("rscale", s);
    }
    spec = spec.param("rope", rope.is_some()).param("head", rope.as_ref().map_or(0, |r| r.head)).param("half", rope.as_ref().map_or(0, |r| r.head / 2));
    if let Some(r) = rope {
        let pos_rank = kb.shape(r.position_ids).len();
        spec = spec.read("cos", r.cos).read("sin", r.sin).read("pos", r.position_ids).param("pos_idx", vec!["0u"; pos_rank]);
    }
    if spec.shared_bytes() > kb.target.limits.max_compute_shared_memory_size {
        return Err(kb.no_kernel(format!("the decode kernel's workgroup memory ({} bytes) exceeds the target's {}", spec.shared_bytes(), kb.target.limits.max_compute_shared_memory_size)));
    }
    kb.emit(spec);
    Ok(true)
}

/// Output rows per workgroup of `wg` lanes, `lanes` to a row: all it holds, halved while
/// the `n` rows would fill fewer than `min_groups` workgroups
/// (`tuning.linear_matvec_min_workgroups`), as long as a workgroup keeps 64 lanes and, with
/// RoPE, its two paired rows.
fn rows_per_workgroup(n: usize, wg: usize, lanes: usize, min_groups: usize, rope: bool) -> usize {
    let min_rows = if rope { 2 } else { 1 };
    let mut rows = wg / lanes;
    while n.div_ceil(rows) < min_groups && rows / 2 >= min_rows && (rows / 2) * lanes >= 64 {
        rows /= 2;
    }
    rows
}

fn prev_power_of_two(v: usize) -> usize {
    if v == 0 {
        0
    } else {
        1 << (usize::BITS - 1 - v.leading_zeros())
    }
}

#[cfg(test)]
mod tests {
    use super::rows_per_workgroup;

    #[test]
    fn rows_per_workgroup_halves_until_the_rows_fill_enough_workgroups() {
        // Off: all the workgroup holds (1024 lanes, 32 to a row).
        assert_eq!(rows_per_workgroup(2048, 1024, 32, 0, false), 32);
        // 2048 rows on 132 SMs: 16 rows give 128 workgroups, 8 give 256.
        assert_eq!(rows_per_workgroup(2048, 1024, 32, 132, false), 8);
        assert_eq!(rows_per_workgroup(4096, 1024, 32, 132, false), 16);
        assert_eq!(rows_per_workgroup(4096, 1024, 32, 264, false), 8);
        // Enough workgroups already: unchanged.
        assert_eq!(rows_per_workgroup(128256, 1024, 32, 264, false), 32);
        // Floors: 64 lanes (two rows of 32, four of 16), and with RoPE two rows even where
        // that is more than 64 lanes.
        assert_eq!(rows_per_workgroup(512, 1024, 32, 100000, false), 2);
        assert_eq!(rows_per_workgroup(512, 256, 16, 100000, false), 4);
        assert_eq!(rows_per_workgroup(512, 1024, 64, 100000, false), 1);
        assert_eq!(rows_per_workgroup(512, 1024, 64, 100000, true), 2);
    }
}
