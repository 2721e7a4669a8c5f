//! Prefill kernel of Linear on NVIDIA tensor cores through OpenCL (`linear_mma`): OpenCL
//! exposes no matrix units, but NVIDIA's OpenCL compiler passes inline PTX through, so
//! the kernel stages f16 operand tiles with `cp.async` (copies that do not wait in
//! registers, two stages in flight), loads fragments with `ldmatrix` and multiplies with
//! `mma.sync` m16n8k16 (f32 sums). Chosen for f16 bundles of OpenCL targets whose tuning
//! asks for it (`tuning.opencl_ptx_mma`: NVIDIA sm_80 or newer only) where the product's
//! rows, outputs and inputs fill whole 128 x 128 or 64 x 64 tiles and steps of 32 inputs;
//! else `linear_tiled`. With `tuning.opencl_ptx_mma_emulated` the PTX is written as OpenCL
//! C, so the kernel's data flow can be checked on CPU OpenCL. With
//! `tuning.opencl_mma_int8_weights`, q8's int8 weights too: staged as bytes, each lane's
//! fragment pairs read from local memory and made f16 (exact), always two stages. With
//! `tuning.opencl_mma_int4_weights`, 8/4/4's int4 weights (`LinearQ4`) likewise: 16 bytes
//! per weight row and step, each nibble pair made f16 and scaled by its block's scale.

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang, WorkgroupElem};
use crate::ir::{numel, TensorId};
use crate::target::Precision;

/// Inputs per step.
const STEP: usize = 32;
/// Four subgroups of 32 lanes, 2 × 2.
const LANES: u32 = 128;
/// Square tiles: 128 (each subgroup 4 × 8 blocks of 16 × 8, 64 × 64 outputs) where they
/// make at least `tuning.opencl_mma_large_min_tiles` workgroups, else 64 (2 × 4 blocks,
/// four times as many workgroups).
pub(crate) const TILES: [usize; 2] = [128, 64];
/// Bytes between staged rows with two stages: a step's 64 bytes plus 16 (the 8 rows one
/// `ldmatrix` reads then fall on distinct 16-byte bank groups). Three stages
/// (`tuning.opencl_mma_stages`) keep rows of 64 bytes, their 16-byte units swizzled, to fit
/// 48 KB with the large tiles.
const PADDED_ROW_BYTES: usize = 80;
const SWIZZLED_ROW_BYTES: usize = 64;
/// Bytes between staged int8 weight rows: a step's 32 bytes plus 16 (the 8 rows a
/// fragment's lanes read start 12 banks apart, so their 16-bit reads do not collide).
const INT8_ROW_BYTES: usize = 48;
/// Bytes between staged int4 weight rows: a step's 16 bytes, unpadded (the 8 rows a
/// fragment's lanes read fill the 32 banks once; the 4 lanes of a row read the same words).
const INT4_ROW_BYTES: usize = 16;

/// Emits y = x · wᵀ for f16 x [.., K] (M rows) and f16 w [N, K] on tensor cores (int8 w
/// [N, K], or with `q4` int4 w [N, K / 2] and its block scales, where the tuning asks);
/// false when the target or the product does not qualify (the caller then emits
/// `linear_tiled`).
#[allow(clippy::too_many_arguments)]
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, q4: Option<super::linear_matvec::Q4>, y: TensorId, k: usize, n: usize, splits: usize) -> Result<bool, CodegenError> {
    let t = kb.target;
    let m = numel(kb.shape(x)).unwrap_or(0) / k.max(1);
    if !(t.tuning.opencl_ptx_mma && kb.lang == Lang::OpenclC && kb.precision == Precision::F16 && splits <= 1 && kb.wg_cooperative() >= LANES) {
        return Ok(false);
    }
    // f16 weights on whole 128 × 128 tiles: Hopper's warpgroup instructions where asked.
    if q4.is_none() && super::linear_wgmma::emit(kb, x, w, y, m, n, k, None)? {
        return Ok(true);
    }
    let whole = |tile: usize| m > 0 && n > 0 && k > 0 && m.is_multiple_of(tile) && n.is_multiple_of(tile) && k.is_multiple_of(STEP);
    let Some(tile) = TILES.into_iter().find(|&tile| whole(tile) && (tile == TILES[1] || (m / tile) * (n / tile) >= t.tuning.opencl_mma_large_min_tiles)) else {
        return Ok(false);
    };
    let (xd, wd) = (kb.desc("x", x)?, kb.desc("w", w)?);
    // int8 weights (q8: the per-row scale is the Mul after the product) with
    // `tuning.opencl_mma_int8_weights`.
    // int4 weights (8/4/4: a scale per row and block of a multiple of 32 inputs, so one
    // scale per row and step) with `tuning.opencl_mma_int4_weights`.
    let w_int4 = q4.as_ref().is_some_and(|q| wd.elem == "i8" && t.tuning.opencl_mma_int4_weights && q.block > 0 && q.block.is_multiple_of(STEP) && k.is_multiple_of(q.block));
    if q4.is_some() && !w_int4 {
        return Ok(false);
    }
    let w_int8 = !w_int4 && wd.elem == "i8" && t.tuning.opencl_mma_int8_weights;
    if !(xd.elem == "f16" && (wd.elem == "f16" || w_int8 || w_int4) && xd.is_plain_buffer() && wd.is_plain_buffer()) {
        return Ok(false);
    }
    // Two or three stages of both operands' tiles.
    let stages = if t.tuning.opencl_mma_stages >= 3 && !w_int8 && !w_int4 { 3 } else { 2 };
    let row_bytes = if stages == 3 { SWIZZLED_ROW_BYTES } else { PADDED_ROW_BYTES };
    let w_row_bytes = if w_int4 {
        INT4_ROW_BYTES
    } else if w_int8 {
        INT8_ROW_BYTES
    } else {
        row_bytes
    };
    let stage_bytes = tile * (row_bytes + w_row_bytes);
    let tiles = (m / tile) * (n / tile);
    let Some(spec) = ptx_spec(kb, "linear_mma", tiles as u64, stages * stage_bytes) else {
        return Ok(false);
    };
    let spec = spec
        .read("x", x)
        .read("w", w)
        .param("x_var", xd.var.clone())
        .param("w_var", wd.var.clone())
        .param("tile", tile)
        .param("fm", tile / 32)
        .param("fn", tile / 16)
        .param("loads", tile * 4 / LANES as usize)
        .param("tiles_m", m / tile)
        .param("steps", k / STEP)
        .param("stages", stages)
        .param("swizzle", stages == 3)
        .param("row_bytes", row_bytes)
        .param("stage_bytes", stage_bytes)
        .param("b_at", tile * row_bytes)
        .param("w_int8", w_int8)
        .param("w_int4", w_int4)
        // Bytes of one weight row in the buffer.
        .param("w_global_row", if w_int4 { k / 2 } else if w_int8 { k } else { 2 * k })
        .param("w_row_bytes", w_row_bytes)
        .param("w_loads", tile * 2 / LANES as usize);
    // (With q4: the scale tensor read, and the block size, from there.)
    kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, q4, 1, tiles));
    Ok(true)
}

/// The spec of an inline-PTX kernel (`linear_mma`, `cached_attention_mma`): `groups`
/// workgroups of 4 subgroups, `bytes` of staging in `drift_mma` (16-byte aligned, no
/// `drift_shared`) and, with `tuning.opencl_ptx_mma_emulated`, the subgroups' register
/// exchange (`drift_mma_x`: two halves of six words per lane); `None` where that does not
/// fit the target's workgroup memory.
pub(crate) fn ptx_spec(kb: &KernelBuilder<'_>, name: &'static str, groups: u64, bytes: usize) -> Option<KernelSpec> {
    ptx_spec_within(kb, name, groups, bytes, kb.target.limits.max_compute_shared_memory_size)
}

/// [`ptx_spec`] for a kernel that may declare up to `limit` bytes of workgroup memory (the
/// target's opt-in figure, for kernels built to use it).
pub(crate) fn ptx_spec_within(kb: &KernelBuilder<'_>, name: &'static str, groups: u64, bytes: usize, limit: u32) -> Option<KernelSpec> {
    let emulated = kb.target.tuning.opencl_ptx_mma_emulated;
    let exchange = if emulated { 2 * 6 * LANES } else { 0 };
    if bytes as u64 + u64::from(exchange) * 4 > u64::from(limit) {
        return None;
    }
    let mut spec = KernelSpec::cooperative(name, groups, LANES).without_drift_shared().workgroup_array("drift_mma", WorkgroupElem::Vec4U32, (bytes / 16) as u32);
    if emulated {
        spec = spec.workgroup_array("drift_mma_x", WorkgroupElem::U32, exchange);
    }
    Some(spec.param("emulated", emulated))
}
