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

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, WorkgroupElem};
use crate::ir::TensorId;

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

/// Emits y = x · wᵀ for f16 x [M, K] and f16 w [N, K] with M and N multiples of 128 and K
/// of the step's inputs, where the target asks for it and its workgroup memory (opt-in
/// figure) holds its stages; false otherwise (the caller then tries `linear_mma`). With
/// `tuning.opencl_wgmma_row_groups` = 2 or 4 where M is a multiple of the tile's rows, a
/// workgroup of that many warpgroups (of `tuning.opencl_wgmma_warpgroup_rows` rows each)
/// owns their rows × 128 outputs (each weight tile staged once for all of them).
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, y: TensorId, m: usize, n: usize, k: usize) -> Result<bool, CodegenError> {
    let t = kb.target;
    let staging = Staging::of(t.tuning.opencl_wgmma_step_inputs as usize);
    if !(t.tuning.opencl_ptx_wgmma && m > 0 && n > 0 && k > 0 && m.is_multiple_of(TILE) && n.is_multiple_of(TILE) && k.is_multiple_of(staging.inputs)) {
        return Ok(false);
    }
    let (xd, wd) = (kb.desc("x", x)?, kb.desc("w", w)?);
    if !(xd.elem == "f16" && wd.elem == "f16" && xd.is_plain_buffer() && wd.is_plain_buffer()) {
        return Ok(false);
    }
    // Warpgroups of `wg_rows` rows (128: two halves of 64; 64: one, half the accumulators),
    // as many as the tuning asks where the chunk's rows fill their tiles.
    let wg_rows = t.tuning.opencl_wgmma_warpgroup_rows as usize;
    let mut groups = t.tuning.opencl_wgmma_row_groups as usize;
    while groups > 1 && !m.is_multiple_of(groups * wg_rows) {
        groups /= 2;
    }
    let (rows, lanes) = (groups * wg_rows, groups * WARPGROUP);
    // Outputs per tile: the tuning's where they fill whole tiles and make at least
    // `tuning.opencl_mma_large_min_tiles` workgroups, else 128. (A 128 x 256 tile's
    // workgroup holds a multiprocessor alone: fewer of them leave more idle. On the H200 an
    // 8B prefill's 128-tile projections gained with them; a 1B's 64-tile ones were not
    // measured.)
    let wide = t.tuning.opencl_wgmma_tile_outputs as usize;
    let outs = if wide > TILE && n.is_multiple_of(wide) && (m / rows) * (n / wide) >= t.tuning.opencl_mma_large_min_tiles { wide } else { TILE };
    let row_bytes = staging.row_bytes;
    let operand_bytes = outs * row_bytes;
    let stage_bytes = (rows + outs) * row_bytes;
    // Copies of 16 bytes per lane and step, rows then weights: whole rounds of the lanes.
    let (loads, w_loads) = (rows * row_bytes / 16 / lanes, operand_bytes / 16 / lanes);
    if loads * lanes * 16 != rows * row_bytes || w_loads * lanes * 16 != operand_bytes || w_loads == 0 || loads == 0 {
        return Ok(false);
    }
    // Stages of staged tiles: a step multiplying, the next ones' copies landed or in flight
    // (as many as the target's opt-in figure holds: NVIDIA's OpenCL reports 48 KB, three
    // stages of 32 inputs, and runs kernels declaring 193 KB).
    let stages = t.tuning.opencl_wgmma_stages as usize;
    if stages < 3 || stages * stage_bytes > t.limits.shared_memory_opt_in() as usize {
        return Ok(false);
    }
    let tiles = (m / rows) * (n / outs);
    let emulated = t.tuning.opencl_ptx_mma_emulated;
    let spec = KernelSpec::cooperative("linear_wgmma", tiles as u64, lanes as u32)
        .without_drift_shared()
        .workgroup_array("drift_mma", WorkgroupElem::Vec4U32, (stages * stage_bytes / 16) as u32)
        .workgroup_array_aligned("drift_mma", STAGE_ALIGN)
        .param("emulated", emulated)
        .read("x", x)
        .read("w", w)
        .param("x_var", xd.var.clone())
        .param("w_var", wd.var.clone())
        .param("tile", outs)
        .param("tile_rows", rows)
        .param("lanes", lanes)
        // The store's blocks: the halves of 64 rows of its warpgroup's (each lane's
        // subgroup owns 16 of each), 16 blocks of 8 outputs.
        .param("fm", wg_rows / 64)
        .param("wg_rows", wg_rows)
        .param("fn", outs / 8)
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
        .param("copy_rounds", loads.max(w_loads));
    kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, None, 1, tiles));
    Ok(true)
}
