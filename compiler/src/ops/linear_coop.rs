//! Prefill kernel of Linear on cooperative matrices (`linear_coop`): the tiled product of
//! `linear_tiled`, with the multiply-adds done by a subgroup's 16 × 16 × 16 matrix
//! instructions (tensor cores through SPIR-V KHR_cooperative_matrix) on f16 operands
//! staged in workgroup memory, summed in f32. Chosen for f16 bundles on targets whose
//! tuning asks for it (`prefill_cooperative_matrix`).

use serde_json::json;

use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, WorkgroupElem};
use crate::ir::{numel, TensorId};
use crate::target::{KernelLanguage, Precision};

/// vec4s of f16 per staged row: `bk` inputs (`tuning.linear_coop_step`, 32 by default:
/// 64 was measured slower on the H200, 1B-shaped f16 prefill chunk, twice the staging
/// registers per lane, fewer workgroups resident) plus 8 halves of padding (keeps the
/// rows one matrix load reads off a single bank).
fn stride4(bk: usize) -> usize {
    (bk + 8) / 4
}

/// One workgroup shape: subgroups as rows × columns, each owning rows × columns of 16 × 16
/// accumulators.
struct Shape {
    warps_m: usize,
    warps_n: usize,
    frows: usize,
    fcols: usize,
}

impl Shape {
    fn tile(&self) -> (usize, usize) {
        (self.warps_m * self.frows * 16, self.warps_n * self.fcols * 16)
    }
    /// Outputs per tile: its columns, half of them with a gate folded in (each subgroup's
    /// first half of columns the gate's products of the outputs its second half holds).
    fn outputs(&self, gated: bool) -> usize {
        self.tile().1 / if gated { 2 } else { 1 }
    }
}

/// Whether shape `s` runs on workgroups of up to `lanes_up_to` lanes: its staging splits
/// evenly over its lanes (as 16-byte words and as quads of inputs), and with a gate each
/// subgroup's columns of blocks split into halves and each lane's weight loads into a
/// gate half and an up half.
fn shape_fits(s: &Shape, gated: bool, bk: usize, subgroup: usize, lanes_up_to: usize) -> bool {
    let (tm, tn) = s.tile();
    let lanes = s.warps_m * s.warps_n * subgroup;
    lanes > 0 && lanes_up_to >= lanes && [tm, tn].iter().all(|&r| (r * bk / 8).is_multiple_of(lanes)) && (!gated || (s.fcols.is_multiple_of(2) && (tn * bk / 8).is_multiple_of(2 * lanes)))
}

/// Workgroup memory of one copy of the staged tiles (`staged_a` + `staged_b` vec4s of f16),
/// the epilogue's `c_floats` and a float per lane.
fn shared_bytes(staged_a: u32, staged_b: u32, c_floats: u32, lanes: u32) -> u32 {
    (staged_a + staged_b) * 8 + c_floats * 4 + lanes * 4
}

/// Whether `target` runs prefill products on cooperative matrices (`emit` also needs an
/// f16 bundle): the tuning asks for it, the device has them, SPIR-V, subgroups of 32.
fn prefill_on_matrices(target: &crate::target::Target) -> bool {
    target.tuning.prefill_cooperative_matrix && target.features.cooperative_matrix && target.kernel_language == KernelLanguage::Spirv && target.features.subgroup_size == 32
}

/// A gated projection's weight format, for [`gate_qualifies`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GateWeight {
    F16,
    Int8,
    /// Int4 in blocks of this many inputs.
    Int4(usize),
}

/// Whether `target` runs a gated prefill product (`emit` with a gate) of K = `k` inputs on
/// weights of `weight` format in an f16 bundle: cooperative matrices for prefill, both
/// tile shapes with even columns of blocks per subgroup, and both weights staged as whole
/// words (f16 rows, `tuning.coop_stage_int8_words`, `tuning.coop_stage_int4_words`; not
/// `tuning.coop_stage_words16`). `passes::fuse_linear_gate` folds a prefill gate only
/// where this holds and both weights are constants bound whole (one binding each), so the
/// folded node finds its kernel.
pub fn gate_qualifies(target: &crate::target::Target, k: usize, weight: GateWeight) -> bool {
    let t = &target.tuning;
    let subgroup = target.features.subgroup_size as usize;
    let bk = t.linear_coop_step as usize;
    let lanes_up_to = |s: &Shape| target.cooperative_lanes((s.warps_m * s.warps_n * subgroup) as u32) as usize;
    let qualifies = prefill_on_matrices(target);
    let words = match weight {
        GateWeight::F16 => k.is_multiple_of(8) && !t.coop_stage_words16,
        GateWeight::Int8 => t.coop_stage_int8_words && k.is_multiple_of(16),
        GateWeight::Int4(block) => t.coop_stage_int4_words && k.is_multiple_of(32) && block > 0 && block.is_multiple_of(8),
    };
    // Both shapes run (a padded chunk may take either), each within the workgroup memory
    // with its gated epilogue's two slices per subgroup (as `spec` counts it).
    qualifies && words && k > 0 && k.is_multiple_of(bk) && [t.linear_coop_large, t.linear_coop_small].into_iter().all(|s| {
        let s = Shape::from(s);
        let (tm, tn) = s.tile();
        let warps = (s.warps_m * s.warps_n) as u32;
        let shared = shared_bytes((tm * stride4(bk)) as u32, (tn * stride4(bk)) as u32, warps * 512, warps * subgroup as u32);
        shape_fits(&s, true, bk, subgroup, lanes_up_to(&s)) && shared <= target.limits.max_compute_shared_memory_size
    })
}

impl From<[u32; 4]> for Shape {
    fn from([warps_m, warps_n, frows, fcols]: [u32; 4]) -> Self {
        Shape { warps_m: warps_m as usize, warps_n: warps_n as usize, frows: frows as usize, fcols: fcols as usize }
    }
}

// The large shape (`tuning.linear_coop_large`) where it gives at least
// `tuning.linear_coop_large_min_tiles` workgroups, else the small one
// (`tuning.linear_coop_small`, four times as many workgroups at the defaults); with
// `tuning.linear_coop_shape_by_rows`, a padded chunk's product in both, each for the rows
// in use that would choose it.

/// How one operand is staged: `loads` units per lane and step, each 8 inputs read at once
/// (`wide`, `vecs`: their two vec4s of f32 for unit `WI`: a 16-byte word of f16, half a word
/// of int8, or a 32-bit word of int4 nibbles) or 4 inputs read one by one.
/// With `tuning.coop_stage_halves`, a wide operand is bound as `vec4<f16>` and its two
/// vec4s are read as they are (`halves`).
#[allow(clippy::too_many_arguments)]
fn operand(kb: &KernelBuilder<'_>, name: &str, t: TensorId, rows: usize, lanes: usize, bk: usize, k: usize, q4: Option<&super::linear_matvec::Q4>) -> Result<serde_json::Value, CodegenError> {
    let d = kb.desc(name, t)?;
    // An int4 gate's block scales are bound beside the up weight's.
    let scale_name = if name == "wg" { "gscales" } else { "scale" };
    let vecs = helpers::word_vec4s(kb.lang, &d).filter(|v| v.len() == 2 && d.elem == "f16" && d.is_plain_buffer() && q4.is_none() && k.is_multiple_of(8));
    let wgsl = kb.lang == crate::codegen::Lang::Wgsl;
    // Int8 weights (`tuning.coop_stage_int8_words`): unit WI, inputs 8·WI.., is half of
    // 16-byte word WI / 2, two int8 × 4 words unpacked.
    let int8_words = kb.target.tuning.coop_stage_int8_words && wgsl && d.elem == "i8" && d.is_plain_buffer() && q4.is_none() && k.is_multiple_of(16);
    // Int4 weights (`tuning.coop_stage_int4_words`): unit WI is 32-bit word WI of the
    // [N, K/8] words (8 nibbles, input order, low nibble first, q + 8), times the scale of
    // its row and block ([N, K / block]). K a multiple of 32 keeps every row whole in the
    // 16-byte words the weight is bound as.
    let int4_words = match q4 {
        Some(q) if kb.target.tuning.coop_stage_int4_words && wgsl && d.elem == "i8" && d.is_plain_buffer() && k.is_multiple_of(32) && q.block % 8 == 0 && q.block > 0 => {
            let s = kb.desc(scale_name, q.scale)?;
            let (words, per_block) = (k / 8, q.block / 8);
            let scale = helpers::load(kb.lang, &s, &[format!("(WI) / {words}u"), format!("((WI) % {words}u) / {per_block}u")]).map_err(|m| kb.err(m))?;
            let word = format!("{}[(WI) / 4u][(WI) % 4u]", d.var);
            Some(vec![format!("(drift_q4x4({word}) * {scale})"), format!("(drift_q4x4({word} >> 16u) * {scale})")])
        }
        _ => None,
    };
    let vecs = if int8_words {
        Some((0..2).map(|h| format!("vec4<f32>(unpack4xI8({}[(WI) / 2u][((WI) % 2u) * 2u + {h}u]))", d.var)).collect())
    } else {
        int4_words.or(vecs)
    };
    let wide = vecs.is_some();
    // f16 rows as 16-byte words end to end (`tuning.coop_stage_words16`): one load and one
    // store per unit, bound and staged as vec4<u32>, which the matrices load as f16.
    let w16 = wide && d.elem == "f16" && kb.target.tuning.coop_stage_words16 && wgsl;
    let halves = wide && !w16 && d.elem == "f16" && kb.target.tuning.coop_stage_halves && wgsl;
    let vecs = if w16 {
        Some(vec![format!("{}[WI]", d.var)])
    } else if halves {
        Some(vec![format!("{}[2u * (WI)]", d.var), format!("{}[2u * (WI) + 1u]", d.var)])
    } else {
        vecs
    };
    let units = rows * bk / if wide { 8 } else { 4 };
    Ok(json!({"name": if name == "x" { "a" } else { "b" }, "var": d.var, "wide": wide, "halves": halves, "w16": w16, "loads": units / lanes, "vecs": vecs.unwrap_or_default()}))
}

/// The product's operands and geometry, for [`spec`].
struct Product {
    x: TensorId,
    w: TensorId,
    q4: Option<super::linear_matvec::Q4>,
    y: TensorId,
    m: usize,
    k: usize,
    n: usize,
    /// Parts K is cut into (1: not cut).
    splits: usize,
    /// A gate folded in (`Linear::gate`): its weight's rows staged beside W's.
    gate: Option<super::linear_matvec::GateIn>,
}

/// Rows in use (a padded chunk's `last_row` + 1) for which a variant runs: from `at_least`
/// (0: any) to below `below` (0: any); workgroups of the other counts return at once.
#[derive(Clone, Copy, Default)]
struct Rows {
    at_least: usize,
    below: usize,
}

/// Emits y = x · wᵀ for x [.., K] (M rows) and w [N, K] (or int4 [N, K/2] with `q4`) on
/// cooperative matrices, or with `splits` > 1 its partial products over equal ranges of K
/// (y [splits, .., N], each range whole steps); false when the target or bundle does not
/// qualify (the caller then emits `linear_tiled`). With `gate` (a gated feed-forward's gate
/// folded in, `Linear::gate`), y = (x · wᵀ) · act(S_g · x · w_gᵀ): each subgroup's columns
/// of blocks are half gate, half up projection of the same outputs; false when the
/// target does not qualify ([`gate_qualifies`] tells beforehand).
#[allow(clippy::too_many_arguments)]
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, q4: Option<super::linear_matvec::Q4>, y: TensorId, k: usize, n: usize, splits: usize, gate: Option<super::linear_matvec::GateIn>) -> Result<bool, CodegenError> {
    let t = kb.target;
    let subgroup = t.features.subgroup_size as usize;
    let qualifies = prefill_on_matrices(t) && kb.precision == Precision::F16;
    let m = numel(kb.shape(x)).unwrap_or(0) / k.max(1);
    let splits = splits.max(1);
    let bk = t.tuning.linear_coop_step as usize;
    let gated = gate.is_some();
    if !qualifies || m == 0 || n == 0 || k == 0 || (splits > 1 && (gated || !k.is_multiple_of(splits) || !(k / splits).is_multiple_of(bk))) {
        return Ok(false);
    }
    let (large, small) = (Shape::from(t.tuning.linear_coop_large), Shape::from(t.tuning.linear_coop_small));
    let min_tiles = t.tuning.linear_coop_large_min_tiles;
    let large_tiles = |rows: usize| rows.div_ceil(large.tile().0) * n.div_ceil(large.outputs(gated));
    let fits = |s: &Shape| shape_fits(s, gated, bk, subgroup, kb.wg_cooperative_up_to((s.warps_m * s.warps_n * subgroup) as u32) as usize);
    let p = Product { x, w, q4, y, m, k, n, splits, gate };
    let (large_fits, small_fits) = (fits(&large), fits(&small));
    if gated && !(large_fits && small_fits) {
        return Ok(false);
    }
    if large_fits && small_fits && large_tiles(m) >= min_tiles && kb.last_row().is_some() && t.tuning.linear_coop_shape_by_rows {
        // A padded chunk (`tuning.linear_coop_shape_by_rows`): the shape follows the rows
        // in use, as it would for a chunk of that height: the large tiles from the first
        // row count that gives `min_tiles` of them, the small ones below it.
        let rows_large = large.tile().0 * (min_tiles.div_ceil(large_tiles(large.tile().0).max(1)).max(1) - 1) + 1;
        if rows_large > 1 {
            if let (Some(below), Some(above)) = (spec(kb, &p, &small, Rows { at_least: 0, below: rows_large })?, spec(kb, &p, &large, Rows { at_least: rows_large, below: 0 })?) {
                // (`tuning.linear_coop_variants_unordered`: the two run without a barrier
                // between them, one of them returning at once in every workgroup.)
                kb.emit(below);
                kb.emit(if t.tuning.linear_coop_variants_unordered { above.exclusive_with_previous() } else { above });
                return Ok(true);
            }
        }
    }
    let shape = match (large_tiles(m) >= min_tiles && large_fits, small_fits) {
        (true, _) => large,
        (false, true) => small,
        (false, false) => return Ok(false),
    };
    match spec(kb, &p, &shape, Rows::default())? {
        Some(s) => {
            kb.emit(s);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The kernel of product `p` in `shape`, run for `rows` in use; `None` when its tiles do not
/// fit the workgroup memory.
fn spec(kb: &KernelBuilder<'_>, p: &Product, shape: &Shape, rows: Rows) -> Result<Option<KernelSpec>, CodegenError> {
    let t = kb.target;
    let subgroup = t.features.subgroup_size as usize;
    let bk = t.tuning.linear_coop_step as usize;
    let Product { x, w, y, m, k, n, splits, .. } = *p;
    let gated = p.gate.is_some();
    let (tm, tn) = shape.tile();
    let tn_out = shape.outputs(gated);
    let warps = shape.warps_m * shape.warps_n;
    let lanes = warps * subgroup;
    let staged = |rows: usize| (rows * stride4(bk)) as u32;
    // Results reach the epilogue through drift_coop_c: per subgroup one 16 × 16 block, or
    // with `tuning.linear_coop_row_epilogue` a row of its blocks (16 × 16·fcols, rows
    // padded by 4 floats: unpadded, 64-float rows put a block's 16 rows on one bank).
    // (A gated product hands over a gate and an up block at a time, in two slices.)
    let row_epilogue = t.tuning.linear_coop_row_epilogue && !gated;
    let c_stride = 16 * shape.fcols + 4;
    // `tuning.linear_coop_epilogue_pingpong`: two 16 × 16 slices per subgroup.
    let pingpong = t.tuning.linear_coop_epilogue_pingpong && !row_epilogue && !gated;
    let c_floats = (warps * if row_epilogue { 16 * c_stride } else if pingpong || gated { 512 } else { 256 }) as u32;
    let mut a = operand(kb, "x", x, tm, lanes, bk, k, None)?;
    let mut b = operand(kb, "w", w, tn, lanes, bk, k, p.q4.as_ref())?;
    // The gate's weight rows, staged beside W's (each subgroup's first half of columns):
    // both read as whole words (else no gated kernel: `gate_qualifies`).
    let bg = match &p.gate {
        Some(gt) => {
            let q4 = match (p.q4.as_ref(), gt.q4_scales) {
                (Some(q), Some(scale)) => Some(super::linear_matvec::Q4 { scale, block: q.block }),
                (None, None) => None,
                _ => return Ok(None),
            };
            let bg = operand(kb, "wg", gt.w, tn, lanes, bk, k, q4.as_ref())?;
            if b["halves"] != bg["halves"] || [&b, &bg].iter().any(|o| o["wide"] != true || o["w16"] == true) {
                return Ok(None);
            }
            Some(bg)
        }
        None => None,
    };
    // f16 weights of whole tiles and steps, with `tuning.linear_coop_weights_direct` (and
    // direct staging): each subgroup loads its weight blocks from the buffer itself
    // (`b_direct`), nothing of them is staged.
    let b_direct = t.tuning.linear_coop_weights_direct && t.tuning.linear_coop_direct_staging && b["halves"] == true && n % tn == 0 && k % bk == 0 && !gated;
    if b_direct {
        b["loads"] = json!(0);
    }
    // f16 activation rows of whole tiles, with `tuning.linear_coop_rows_direct` (and direct
    // staging): likewise loaded block by block from their buffer (`a_direct`).
    let a_direct = t.tuning.linear_coop_rows_direct && t.tuning.linear_coop_direct_staging && a["halves"] == true && m % tm == 0 && k % bk == 0;
    if a_direct {
        a["loads"] = json!(0);
    }
    let (staged_a, staged_b) = (if a_direct { 4 } else { staged(tm) }, if b_direct { 4 } else { staged(tn) });
    let shared = shared_bytes(staged_a, staged_b, c_floats, lanes as u32);
    if shared > t.limits.max_compute_shared_memory_size {
        return Ok(None);
    }
    // Two copies of the staged tiles (`tuning.linear_coop_double_buffer`) where they fit:
    // step s stores into copy s % 2, so no barrier is needed after its products (a lane
    // storing step s + 1 has passed step s's barrier, which every lane reaches only after
    // its products of step s - 1, the last reads of that copy).
    let copies: u32 = if t.tuning.linear_coop_double_buffer && shared + (staged_a + staged_b) * 8 <= t.limits.max_compute_shared_memory_size { 2 } else { 1 };
    let (tiles_m, tiles_n) = (m.div_ceil(tm), n.div_ceil(tn_out));
    // A tile staged as 16-byte words holds half as many (twice as wide) elements.
    let tile_of = |op: &serde_json::Value, staged: u32| if op["w16"] == true { (WorkgroupElem::Vec4U32, staged / 2) } else { (WorkgroupElem::Vec4F16, staged) };
    let ((elem_a, len_a), (elem_b, len_b)) = (tile_of(&a, staged_a), tile_of(&b, staged_b));
    let mut spec = KernelSpec::cooperative("linear_coop", (tiles_m * tiles_n * splits) as u64, lanes as u32)
        .uses_cooperative_matrix()
        .workgroup_array("drift_coop_a", elem_a, copies * len_a)
        .workgroup_array("drift_coop_b", elem_b, copies * len_b)
        .workgroup_array("drift_coop_c", WorkgroupElem::F32, c_floats);
    spec = match (a["wide"] == true, a["halves"] == true) {
        (true, true) => spec.read_halves("x", x),
        (true, false) => spec.read_words("x", x),
        _ => spec.read_view("x", x, vec![m, k]),
    };
    spec = match (b["wide"] == true, b["halves"] == true) {
        (true, true) => spec.read_halves("w", w),
        (true, false) => spec.read_words("w", w),
        _ => spec.read("w", w),
    };
    if let Some(gt) = &p.gate {
        use super::Elementwise;
        spec = if b["halves"] == true { spec.read_halves("wg", gt.w) } else { spec.read_words("wg", gt.w) };
        if let Some(s) = gt.q4_scales {
            spec = spec.read("gscales", s);
        }
        if let Some(s) = gt.scale {
            spec = spec.read("gscale", s);
        }
        spec = spec.param("gate_act", gt.act.expr(kb.lang, &["gv".to_string()]));
    }
    let spec = spec
        .param("subgroup", subgroup)
        .param("lanes", lanes)
        .param("warps", warps)
        .param("warps_n", shape.warps_n)
        .param("frows", shape.frows)
        .param("fcols", shape.fcols)
        .param("tm", tm)
        .param("tn", tn)
        .param("bk", bk)
        .param("k_blocks", bk / 16)
        .param("stride4", stride4(bk))
        .param("double", copies == 2)
        .param("direct", t.tuning.linear_coop_direct_staging)
        // `tuning.linear_coop_diagnostic` (profiling only: wrong results).
        .param("no_loads", t.tuning.linear_coop_diagnostic == crate::target::CoopDiagnostic::NoLoads)
        .param("blocked", t.tuning.linear_coop_diagnostic == crate::target::CoopDiagnostic::BlockedLoads)
        .param("min_products", t.tuning.linear_coop_diagnostic == crate::target::CoopDiagnostic::MinProducts)
        .param("row_epilogue", row_epilogue)
        // `tuning.linear_coop_epilogue_subgroup_sync`: the per-block epilogue (not the row
        // or ping-pong forms) synchronizes each subgroup alone.
        .param("epilogue_sync", if t.tuning.linear_coop_epilogue_subgroup_sync && !row_epilogue && !pingpong { "subgroupBarrier" } else { "workgroupBarrier" })
        .param("c_stride", c_stride)
        // Whole tiles and whole steps: the staging loads need no clamps.
        .param("a_exact", m % tm == 0 && k % bk == 0)
        .param("b_exact", n % tn_out == 0 && k % bk == 0)
        // With a gate: outputs per tile, the halves of a subgroup's columns of blocks, and
        // the weights' load descriptions (`b_sources`: the up projection's, then the
        // gate's; staged the other way round, the gate's rows first in each column).
        .param("gated", gated)
        .param("gate_scaled", p.gate.as_ref().is_some_and(|g| g.scale.is_some()))
        .param("tn_out", tn_out)
        .param("fhalf", shape.fcols / 2)
        .param("b_half_loads", b["loads"].as_u64().unwrap_or(0) / 2)
        .param("b_sources", std::iter::once(b.clone()).chain(bg).collect::<Vec<_>>())
        .param("a_copy", len_a)
        .param("b_copy", len_b)
        .param("b_direct", b_direct)
        .param("a_direct", a_direct)
        .param("operands", [(&a, a_direct), (&b, b_direct)].into_iter().filter(|(_, direct)| !direct).map(|(o, _)| o.clone()).collect::<Vec<_>>())
        .param("a", a)
        .param("b", b)
        .param("tiles_n", tiles_n)
        .param("tiles_m", tiles_m)
        .param("rows_first", t.tuning.linear_coop_rows_first)
        .param("pingpong", pingpong)
        .param("stream_b", t.tuning.linear_coop_stream_b)
        .param("rows_at_least", rows.at_least)
        .param("rows_below", rows.below);
    Ok(Some(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, p.q4, splits, tiles_m * tiles_n)))
}
