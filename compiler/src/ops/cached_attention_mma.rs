//! Prefill kernel of CachedAttention on NVIDIA tensor cores through OpenCL
//! (`cached_attention_mma`): flash attention whose score and value products are
//! `mma.sync` m16n8k16 (f16 operands, f32 sums) in inline PTX, as `linear_mma` does for the
//! projections; K and V blocks staged with `cp.async` in two stages (the next block's
//! copies in flight while this block is used), fragments read with `ldmatrix` (V
//! transposed), the probabilities kept in registers as the A operand of P·V. Chosen for f16
//! bundles of OpenCL targets with `tuning.opencl_ptx_mma`, chunks of several queries and
//! head sizes 64 or 128, whose Q and caches are plain f16 buffers; else the caller's other
//! kernels. `tuning.opencl_ptx_mma_emulated` writes the PTX as OpenCL C (for PoCL).

use super::cached_attention::{CachedAttention, Geometry};
use crate::codegen::{CodegenError, KernelBuilder, Lang};
use crate::ir::TensorId;
use crate::target::Precision;

/// Four subgroups of 32 lanes, each 16 queries of the block.
const LANES: u32 = 128;
/// Queries per workgroup.
const BQ: usize = 64;

/// Emits the kernel for `qkvp` writing `out`; false when the target, the precision, the
/// chunk, the head size or the operands' storage do not qualify.
pub(crate) fn emit(att: &CachedAttention, kb: &mut KernelBuilder<'_>, g: &Geometry, qkvp: [TensorId; 4], out: TensorId) -> Result<bool, CodegenError> {
    let t = kb.target;
    if !(t.tuning.opencl_ptx_mma && kb.lang == Lang::OpenclC && kb.precision == Precision::F16 && g.t >= 2 && matches!(g.d, 64 | 128) && kb.wg_cooperative() >= LANES) {
        return Ok(false);
    }
    let [q, k, v, p] = qkvp;
    let (qd, kd, vd) = (kb.desc("q", q)?, kb.desc("k", k)?, kb.desc("v", v)?);
    if ![&qd, &kd, &vd].iter().all(|d| d.elem == "f16" && d.is_plain_buffer()) {
        return Ok(false);
    }
    // Blocks of 4096 / d keys: a stage (K and V) is 16 KB, two stages 32 KB, and the
    // query block (64 rows) fits the first before the keys come. With
    // `tuning.attention_mma_block_keys` (a multiple of 16, at least 4096 / d) larger blocks,
    // within the target's opt-in workgroup memory.
    let bk = (t.tuning.attention_mma_block_keys as usize).max(4096 / g.d);
    if !bk.is_multiple_of(16) {
        return Ok(false);
    }
    let stage_bytes = 2 * bk * g.d * 2;
    let q_blocks = g.t.div_ceil(BQ);
    let limit = if bk > 4096 / g.d { t.limits.shared_memory_opt_in() } else { t.limits.max_compute_shared_memory_size };
    let Some(spec) = super::linear_mma::ptx_spec_within(kb, "cached_attention_mma", (g.heads * q_blocks) as u64, 2 * stage_bytes, limit) else {
        return Ok(false);
    };
    let spec = spec
        .read("q", q)
        .read("k", k)
        .read("v", v)
        .read("position", p)
        .write("y", out)
        .param("q_var", qd.var.clone())
        .param("k_var", kd.var.clone())
        .param("v_var", vd.var.clone())
        .param("seq_major", att.seq_major)
        .param("heads", g.heads)
        .param("t", g.t)
        .param("bk", bk)
        .param("q_blocks", q_blocks)
        .param("dq", g.d / 8)
        .param("dpairs", g.d / 16)
        .param("sblocks", bk / 8)
        .param("kpairs", bk / 16)
        .param("q_units", BQ * g.d / 8 / LANES as usize)
        .param("kv_units", bk * g.d / 8 / LANES as usize)
        .param("v_at", bk * g.d * 2)
        .param("stage_bytes", stage_bytes);
    kb.emit(att.common_params(kb.read_last_row(spec), g));
    Ok(true)
}
