//! Prefill kernel of Linear on Hopper's warpgroup tensor-core instructions through OpenCL
//! (`linear_wgmma`, `tuning.opencl_ptx_wgmma`): one warpgroup (128 lanes) per 128 × 128
//! tile of rows × outputs (`tuning.opencl_wgmma_row_groups` warpgroups of
//! `tuning.opencl_wgmma_warpgroup_rows` rows: e.g. two of 128, 256 × 128; with
//! `tuning.opencl_wgmma_tile_outputs` 256 outputs, m64n256k16), both f16
//! operands copied by `cp.async` into stages (three, or `tuning.opencl_wgmma_stages`) of
//! local memory laid out as wgmma's K-major tiles with the 64-byte swizzle (steps of 32
//! inputs) or the 128-byte one (steps of 64, `tuning.opencl_wgmma_step_inputs`), and
//! multiplied by `wgmma.mma_async` m64n128k16 (f32 sums in registers, 128 per lane)
//! straight from local memory, with no `ldmatrix`, one group of them in flight. NVIDIA's
//! OpenCL compiler builds for sm_90, whose assembler refuses `wgmma`, so those
//! instructions sit in PTX comments marked `DRIFT_SM90A`, and runtime-min uncomments them
//! in the built PTX and rebuilds it for sm_90a. With `tuning.opencl_ptx_mma_emulated` each
//! lane sums its own accumulators from the staged tiles in OpenCL C, reading them through
//! the same descriptors' layout, so the kernel's data flow is checked on CPU OpenCL.

use super::linear_matvec::GateIn;
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang, WorkgroupElem};
use crate::ir::TensorId;
use crate::target::{KernelLanguage, Precision};

/// Rows per workgroup tile, and outputs unless `tuning.opencl_wgmma_tile_outputs` widens them.
const TILE: usize = 128;
/// Lanes of one warpgroup (a workgroup holds `tuning.opencl_wgmma_row_groups` of them).
const WARPGROUP: usize = 128;
/// Alignment of the stages: the swizzles' patterns are read from the address bits (the
/// 16-byte unit's bits XOR bits 7 on), so the tiles must start on their period (512
/// bytes for the 64-byte swizzle, 1024 for the 128-byte one; 1024 as measured on the
/// H200: staged at NVIDIA's placement, 16 bytes past 0, the products were wrong and the
/// copies half as fast). The padding this costs is the driver's placement, not counted
/// in the kernel's declared workgroup bytes.
const STAGE_ALIGN: u32 = 1024;

/// How one step's inputs are staged: `tuning.opencl_wgmma_step_inputs` inputs of a row
/// make one staged row of 2 bytes each, in units of 16 bytes (a core matrix's row), whose
/// order wgmma's swizzle permutes by the row's place.
struct Staging {
    /// Inputs per step (32 or 64).
    inputs: usize,
    /// Bytes of one staged row.
    row_bytes: usize,
    /// The descriptor's layout type: 2 = 64-byte swizzle, 1 = 128-byte swizzle.
    mode: u64,
    /// Unit q of row r lies at unit q ^ ((r / div) % units): the row's address bits 7 on.
    div: usize,
}

impl Staging {
    fn of(inputs: usize) -> Staging {
        match inputs {
            64 => Staging { inputs, row_bytes: 128, mode: 1, div: 1 },
            _ => Staging { inputs: 32, row_bytes: 64, mode: 2, div: 2 },
        }
    }
}

/// A product's tiles and stages on the warpgroup instructions (`geometry`).
struct Geometry {
    staging: Staging,
    /// Rows of one warpgroup (64 or 128) and warpgroups per workgroup.
    wg_rows: usize,
    rows: usize,
    lanes: usize,
    /// Weight rows staged per step (the wgmma's N): the tile's outputs, or with a gate
    /// the up projection's then the gate's rows of half as many outputs.
    b_rows: usize,
    /// Outputs per tile.
    outs: usize,
    stages: usize,
    stage_bytes: usize,
    /// 16-byte copies per lane and step: rows, weights.
    loads: usize,
    w_loads: usize,
}

/// The tiles of y = x · wᵀ (M rows, N outputs, K inputs; `gated`: with a gate's weight
/// staged beside w) where the target asks for the warpgroup product and the shapes fill
/// whole tiles and steps and its stages fit the opt-in workgroup memory; `None` otherwise.
fn geometry(target: &crate::target::Target, m: usize, n: usize, k: usize, gated: bool) -> Option<Geometry> {
    let t = &target.tuning;
    let staging = Staging::of(t.opencl_wgmma_step_inputs as usize);
    if !(t.opencl_ptx_mma && t.opencl_ptx_wgmma && target.kernel_language == KernelLanguage::OpenclC && m > 0 && n > 0 && k > 0 && m.is_multiple_of(TILE) && k.is_multiple_of(staging.inputs)) {
        return None;
    }
    // Warpgroups of `wg_rows` rows (128: two halves of 64; 64: one, half the accumulators),
    // as many as the tuning asks where the chunk's rows fill their tiles.
    let wg_rows = t.opencl_wgmma_warpgroup_rows as usize;
    let mut groups = t.opencl_wgmma_row_groups as usize;
    while groups > 1 && !m.is_multiple_of(groups * wg_rows) {
        groups /= 2;
    }
    let (rows, lanes) = (groups * wg_rows, groups * WARPGROUP);
    if target.cooperative_lanes(lanes as u32) as usize != lanes {
        return None;
    }
    // Weight rows per tile: the tuning's where they fill whole tiles and make at least
    // `tuning.opencl_mma_large_min_tiles` workgroups, else 128. (A 128 x 256 tile's
    // workgroup holds a multiprocessor alone: fewer of them leave more idle. On the H200 an
    // 8B prefill's 128-tile projections gained with them; a 1B's 64-tile ones were not
    // measured.) A gated tile's outputs are half its weight rows.
    let per_out = if gated { 2 } else { 1 };
    let wide = t.opencl_wgmma_tile_outputs as usize;
    let fills = |b: usize| n.is_multiple_of(b / per_out);
    let b_rows = if wide > TILE && fills(wide) && (m / rows) * (n / (wide / per_out)) >= t.opencl_mma_large_min_tiles { wide } else { TILE };
    if !fills(b_rows) {
        return None;
    }
    let row_bytes = staging.row_bytes;
    let operand_bytes = b_rows * row_bytes;
    let stage_bytes = (rows + b_rows) * row_bytes;
    // Copies of 16 bytes per lane and step, rows then weights: whole rounds of the lanes
    // (with a gate, an even number of weight rounds: the first half the up projection's).
    let (loads, w_loads) = (rows * row_bytes / 16 / lanes, operand_bytes / 16 / lanes);
    if loads * lanes * 16 != rows * row_bytes || w_loads * lanes * 16 != operand_bytes || w_loads == 0 || loads == 0 || !w_loads.is_multiple_of(per_out) {
        return None;
    }
    // Stages of staged tiles: a step multiplying, the next ones' copies landed or in flight
    // (as many as the target's opt-in figure holds: NVIDIA's OpenCL reports 48 KB, three
    // stages of 32 inputs, and runs kernels declaring 193 KB).
    let stages = t.opencl_wgmma_stages as usize;
    if stages < 3 || stages * stage_bytes > target.limits.shared_memory_opt_in() as usize {
        return None;
    }
    Some(Geometry { staging, wg_rows, rows, lanes, b_rows, outs: b_rows / per_out, stages, stage_bytes, loads, w_loads })
}

/// Whether `target` runs y = x · wᵀ of M = `m` rows, N = `n` outputs and K = `k` inputs
/// (f16 operands) as a warpgroup product (`emit` without a gate).
pub fn qualifies(target: &crate::target::Target, m: usize, n: usize, k: usize) -> bool {
    geometry(target, m, n, k, false).is_some()
}

/// Whether `target` runs a gated feed-forward's gate and up projections of M = `m` rows,
/// N = `n` outputs and K = `k` inputs (f16 weights) as one warpgroup product (`emit` with
/// a gate): `passes::fuse_linear_gate` folds an OpenCL prefill gate only where this holds.
pub fn gate_qualifies(target: &crate::target::Target, m: usize, n: usize, k: usize) -> bool {
    geometry(target, m, n, k, true).is_some()
}

/// Emits y = x · wᵀ for f16 x [M, K] and f16 w [N, K] with M a multiple of 128, N of the
/// tile's outputs and K of the step's inputs, where the target asks for it and its
/// workgroup memory (opt-in figure) holds its stages; false otherwise (the caller then
/// tries `linear_mma`). With `tuning.opencl_wgmma_row_groups` = 2 or 4 where M is a
/// multiple of the tile's rows, a workgroup of that many warpgroups (of
/// `tuning.opencl_wgmma_warpgroup_rows` rows each) owns their rows × the tile's outputs
/// (each weight tile staged once for all of them). With `gate` (`Linear::gate`: a gated
/// feed-forward's gate folded in), y = (x · wᵀ) · act(S_g · x · w_gᵀ): each step stages the
/// up projection's rows of the tile's outputs then the gate's (one wgmma N of both), and
/// the store takes each output's up and gate sums from the same lane.
#[allow(clippy::too_many_arguments)]
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, y: TensorId, m: usize, n: usize, k: usize, gate: Option<&GateIn>) -> Result<bool, CodegenError> {
    let t = kb.target;
    if kb.lang != Lang::OpenclC || kb.precision != Precision::F16 {
        return Ok(false);
    }
    let Some(Geometry { staging, wg_rows, rows, lanes, b_rows, outs, stages, stage_bytes, loads, w_loads }) = geometry(t, m, n, k, gate.is_some()) else {
        return Ok(false);
    };
    let (xd, wd) = (kb.desc("x", x)?, kb.desc("w", w)?);
    if !(xd.elem == "f16" && wd.elem == "f16" && xd.is_plain_buffer() && wd.is_plain_buffer()) {
        return Ok(false);
    }
    let gd = match gate {
        Some(g) => {
            let gd = kb.desc("wg", g.w)?;
            if !(gd.elem == "f16" && gd.is_plain_buffer() && g.q4_scales.is_none()) {
                return Ok(false);
            }
            Some(gd)
        }
        None => None,
    };
    let row_bytes = staging.row_bytes;
    let tiles = (m / rows) * (n / outs);
    let emulated = t.tuning.opencl_ptx_mma_emulated;
    let mut spec = KernelSpec::cooperative("linear_wgmma", tiles as u64, lanes as u32)
        .without_drift_shared()
        .workgroup_array("drift_mma", WorkgroupElem::Vec4U32, (stages * stage_bytes / 16) as u32)
        .workgroup_array_aligned("drift_mma", STAGE_ALIGN)
        .param("emulated", emulated)
        .read("x", x)
        .read("w", w)
        .param("x_var", xd.var.clone())
        .param("w_var", wd.var.clone())
        .param("tile", outs)
        .param("b_rows", b_rows)
        .param("tile_rows", rows)
        .param("lanes", lanes)
        // The sums' blocks: the halves of 64 rows of its warpgroup's (each lane's subgroup
        // owns 16 of each), blocks of 8 weight rows; the store's blocks of 8 outputs (with
        // a gate, the first half's: the gate's sums `fn_out` blocks on).
        .param("fm", wg_rows / 64)
        .param("wg_rows", wg_rows)
        .param("fn", b_rows / 8)
        .param("fn_out", outs / 8)
        .param("block_rows", 64)
        .param("tiles_m", m / rows)
        .param("step", staging.inputs)
        .param("steps", k / staging.inputs)
        .param("stages", stages)
        .param("stage_bytes", stage_bytes)
        .param("b_at", rows * row_bytes)
        .param("row_bytes", row_bytes)
        .param("row_units", row_bytes / 16)
        .param("swizzle_div", staging.div)
        .param("swizzle_mode", staging.mode)
        // Bytes between groups of 8 rows: the descriptors' stride offset.
        .param("row_group", 8 * row_bytes)
        .param("half_at", 64 * row_bytes)
        .param("loads", loads)
        .param("w_loads", w_loads)
        .param("copy_rounds", loads.max(w_loads))
        .param("gated", gate.is_some())
        .param("gate_scaled", gate.is_some_and(|g| g.scale.is_some()));
    if let (Some(g), Some(gd)) = (gate, gd) {
        use super::Elementwise;
        spec = spec.read("wg", g.w).param("wg_var", gd.var).param("gate_act", g.act.expr(kb.lang, &["gv".to_string()]));
        if let Some(s) = g.scale {
            spec = spec.read("gscale", s);
        }
    }

    kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, None, 1, tiles));
    Ok(true)
}
