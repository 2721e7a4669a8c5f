//! Prefill kernel of CachedAttention (a chunk of several queries): `cached_attention_tiled`,
//! flash-style attention in workgroup memory. One workgroup of 256 lanes takes a block of
//! queries of one head, stages it once, and walks the keys it may attend in blocks of 32:
//! scores of the whole query block against a key block (register tiles), the online
//! softmax per query, then the value block accumulated into register tiles of the output.
//! Each key and value row is read from memory once per query block instead of once per
//! query (`cached_attention_wg`, kept for decode, reads them once per query).

use super::cached_attention::{CachedAttention, Geometry};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::TensorId;

/// Lanes of the kernel; the score tile is 16 × 16 lanes.
const LANES: usize = 256;
/// Keys per block.
const BK: usize = 32;

/// Emits the tiled kernel for `qkvp` writing `out`; false when the chunk is one query, the
/// head size is not a power of two in 8..=256, the target's workgroups hold fewer than 256
/// lanes, or the tiles do not fit its workgroup memory (the caller then emits
/// `cached_attention_wg`).
pub(crate) fn emit(att: &CachedAttention, kb: &mut KernelBuilder<'_>, g: &Geometry, qkvp: [TensorId; 4], out: TensorId) -> Result<bool, CodegenError> {
    let d = g.d;
    if g.t < 2 || !d.is_power_of_two() || !(8..=256).contains(&d) || (kb.wg_cooperative() as usize) < LANES {
        return Ok(false);
    }
    let limit = kb.target.limits.max_compute_shared_memory_size as usize;
    // Query block: 4096 / d rows within 16..=64, halved until the tiles fit.
    // Floats declared: the tiles rounded up to whole floats per lane.
    let floats = |bq: usize| (bq * (d + 1) + BK * (d + 1) + bq * (BK + 1) + 2 * bq).div_ceil(LANES) * LANES;
    let mut bq = (4096 / d).clamp(16, 64);
    while bq > 16 && floats(bq) * 4 > limit {
        bq /= 2;
    }
    if floats(bq) * 4 > limit || !(bq * d).is_multiple_of(LANES) {
        return Ok(false);
    }
    let row_groups = bq.min(32);
    let col_groups = LANES / row_groups;
    if d < col_groups {
        return Ok(false);
    }
    let (qs, ks, ss) = (d + 1, d + 1, BK + 1);
    let kv_at = bq * qs;
    let s_at = kv_at + BK * ks;
    let a_at = s_at + bq * ss;
    let [q, k, v, p] = qkvp;
    let q_blocks = g.t.div_ceil(bq);
    let spec = KernelSpec::cooperative("cached_attention_tiled", (g.heads * q_blocks) as u64, LANES as u32)
        .shared_per_lane(floats(bq).div_ceil(LANES) as u32)
        .read("q", q)
        .read("k", k)
        .read("v", v)
        .read("position", p)
        .write("y", out)
        .param("t", g.t)
        .param("bq", bq)
        .param("bk", BK)
        .param("q_blocks", q_blocks)
        .param("q_loads", bq * d / LANES)
        .param("kv_loads", BK * d / LANES)
        .param("sr", bq / 16)
        .param("sk", BK / 16)
        .param("row_groups", row_groups)
        .param("col_groups", col_groups)
        .param("orow", bq / row_groups)
        .param("ocol", d / col_groups)
        .param("qs", qs)
        .param("ks", ks)
        .param("ss", ss)
        .param("kv_at", kv_at)
        .param("s_at", s_at)
        .param("a_at", a_at)
        .param("l_at", a_at + bq);
    // A padded chunk (`live`): query blocks past its last row return, no key past it is read.
    kb.emit(att.common_params(kb.read_last_row(spec), g));
    Ok(true)
}
