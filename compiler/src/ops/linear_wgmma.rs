//! Prefill kernel of Linear on Hopper's warpgroup tensor-core instructions through OpenCL
//! (`linear_wgmma`, `tuning.opencl_ptx_wgmma`): one warpgroup (128 lanes) per 128 × 128
//! tile of rows × outputs, both f16 operands copied by `cp.async` into stages (three, or
//! `tuning.opencl_wgmma_stages`) of local memory laid out as wgmma's K-major tiles with the
//! 64-byte swizzle, and multiplied by `wgmma.mma_async` m64n128k16 (f32 sums in registers,
//! 128 per lane) straight from local memory, with no `ldmatrix`, one group of them in
//! flight. NVIDIA's OpenCL compiler builds for sm_90, whose assembler
//! refuses `wgmma`, so those instructions sit in PTX comments marked `DRIFT_SM90A`, and
//! runtime-min uncomments them in the built PTX and rebuilds it for sm_90a. With
//! `tuning.opencl_ptx_mma_emulated` each lane sums its own accumulators from the staged
//! tiles in OpenCL C, reading them through the same descriptors' layout, so the kernel's
//! data flow is checked on CPU OpenCL.

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, WorkgroupElem};
use crate::ir::TensorId;

/// Rows and outputs per workgroup tile.
const TILE: usize = 128;
/// Inputs per step (64 bytes of each staged row: 4 core matrices along K).
const STEP: usize = 32;
/// Lanes of one warpgroup (a workgroup holds `tuning.opencl_wgmma_row_groups` of them).
const WARPGROUP: usize = 128;
/// Bytes of one staged row: a step's 32 inputs, in 4 units of 16 bytes.
const ROW_BYTES: usize = STEP * 2;
/// Bytes between groups of 8 rows: the descriptors' stride offset.
const ROW_GROUP_BYTES: usize = 8 * ROW_BYTES;
/// Bytes of one operand's tile per stage.
const OPERAND_BYTES: usize = TILE * ROW_BYTES;
/// Alignment of the stages: the 64-byte swizzle's pattern is read from the address bits
/// (unit bits 4-5 XOR bits 7-8), so the tiles must start on its period (512 bytes;
/// 1024 as measured on the H200: staged at NVIDIA's placement, 16 bytes past 0, the
/// products were wrong and the copies half as fast). The padding this costs is the
/// driver's placement, not counted in the kernel's declared workgroup bytes.
const STAGE_ALIGN: u32 = 1024;

/// Emits y = x · wᵀ for f16 x [M, K] and f16 w [N, K] with M and N multiples of 128 and K
/// of 32, where the target asks for it and its workgroup memory holds its stages;
/// false otherwise (the caller then tries `linear_mma`). With
/// `tuning.opencl_wgmma_row_groups` = 2 and M a multiple of 256, a workgroup of two
/// warpgroups owns 256 rows × 128 outputs (each weight tile staged once for twice the rows).
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, y: TensorId, m: usize, n: usize, k: usize) -> Result<bool, CodegenError> {
    let t = kb.target;
    if !(t.tuning.opencl_ptx_wgmma && m > 0 && n > 0 && k > 0 && m.is_multiple_of(TILE) && n.is_multiple_of(TILE) && k.is_multiple_of(STEP)) {
        return Ok(false);
    }
    let (xd, wd) = (kb.desc("x", x)?, kb.desc("w", w)?);
    if !(xd.elem == "f16" && wd.elem == "f16" && xd.is_plain_buffer() && wd.is_plain_buffer()) {
        return Ok(false);
    }
    let groups = if t.tuning.opencl_wgmma_row_groups == 2 && m.is_multiple_of(2 * TILE) { 2 } else { 1 };
    let (rows, lanes) = (groups * TILE, groups * WARPGROUP);
    let stage_bytes = (groups + 1) * OPERAND_BYTES;
    // Stages of staged tiles: a step multiplying, the next ones' copies landed or in flight
    // (3: 48 KB, NVIDIA's OpenCL workgroup memory as it reports it).
    let stages = t.tuning.opencl_wgmma_stages as usize;
    if stages < 3 || stages * stage_bytes > t.limits.max_compute_shared_memory_size as usize {
        return Ok(false);
    }
    let tiles = (m / rows) * (n / TILE);
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
        .param("tile", TILE)
        .param("tile_rows", rows)
        .param("lanes", lanes)
        // The store's blocks: 2 halves of 64 rows of its warpgroup's 128 (each lane's
        // subgroup owns 16 of each), 16 blocks of 8 outputs.
        .param("fm", 2)
        .param("fn", TILE / 8)
        .param("block_rows", 64)
        .param("tiles_m", m / rows)
        .param("steps", k / STEP)
        .param("stages", stages)
        .param("stage_bytes", stage_bytes)
        .param("b_at", groups * OPERAND_BYTES)
        .param("row_bytes", ROW_BYTES)
        .param("row_group", ROW_GROUP_BYTES)
        .param("half_at", 64 * ROW_BYTES)
        // Copies of 16 bytes per lane and step: rows, then weights.
        .param("loads", groups * OPERAND_BYTES / 16 / lanes)
        .param("w_loads", OPERAND_BYTES / 16 / lanes);
    kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, None, 1, tiles));
    Ok(true)
}
