//! Prefill kernel of Linear on cooperative matrices (`linear_coop`): the tiled product of
//! `linear_tiled`, with the multiply-adds done by a subgroup's 16 × 16 × 16 matrix
//! instructions (tensor cores through SPIR-V KHR_cooperative_matrix) on f16 operands
//! staged in workgroup memory, summed in f32. Chosen for f16 bundles on targets whose
//! tuning asks for it (`prefill_cooperative_matrix`).

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, TensorId};
use crate::target::{KernelLanguage, Precision};

/// Subgroups per workgroup, as rows × columns of the tile.
const WARPS_M: usize = 2;
const WARPS_N: usize = 2;
/// 16 × 16 accumulators per subgroup, rows × columns.
const FRAGS: usize = 2;
/// Inputs staged per step.
const BK: usize = 32;
/// Halves each staged row is padded by (keeps the rows a matrix load reads off one bank).
const PAD: usize = 8;

/// Emits y = x · wᵀ for x [.., K] (M rows) and w [N, K] (or int4 [N, K/2] with `q4`) on
/// cooperative matrices; false when the target or bundle does not qualify (the caller
/// then emits `linear_tiled`).
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, q4: Option<super::linear_matvec::Q4>, y: TensorId, k: usize, n: usize) -> Result<bool, CodegenError> {
    let t = kb.target;
    let subgroup = t.features.subgroup_size as usize;
    let qualifies = t.tuning.prefill_cooperative_matrix && t.features.cooperative_matrix && t.kernel_language == KernelLanguage::Spirv && kb.precision == Precision::F16 && subgroup == 32;
    let m = numel(kb.shape(x)).unwrap_or(0) / k.max(1);
    let lanes = (WARPS_M * WARPS_N * subgroup) as u32;
    if !qualifies || m == 0 || n == 0 || k == 0 || kb.wg_cooperative_up_to(lanes) < lanes {
        return Ok(false);
    }
    let (tm, tn) = (WARPS_M * FRAGS * 16, WARPS_N * FRAGS * 16);
    let stride = BK + PAD;
    let staged = |rows: usize| (rows * stride) as u32;
    let spec_shared = (staged(tm) + staged(tn)) * 2 + (WARPS_M * WARPS_N * 256 * 4) as u32 + lanes * 4;
    if spec_shared > t.limits.max_compute_shared_memory_size {
        return Ok(false);
    }
    let (tiles_m, tiles_n) = (m.div_ceil(tm), n.div_ceil(tn));
    let y_shape = kb.shape(y).to_vec();
    let names: Vec<String> = (0..y_shape.len()).map(|d| format!("c{d}")).collect();
    let row_names = names[..names.len().saturating_sub(1)].to_vec();
    let row_shape = y_shape[..y_shape.len().saturating_sub(1)].to_vec();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut spec = KernelSpec::cooperative("linear_coop", (tiles_m * tiles_n) as u64, lanes)
        .uses_cooperative_matrix()
        .workgroup_array("drift_coop_a", "f16", staged(tm))
        .workgroup_array("drift_coop_b", "f16", staged(tn))
        .workgroup_array("drift_coop_c", "f32", (WARPS_M * WARPS_N * 256) as u32)
        .read_view("x", x, vec![m, k])
        .read("w", w)
        .write("y", y)
        .param("names", names.clone())
        .param("row_names", row_names)
        .param("row_shape", row_shape)
        .param("subgroup", subgroup)
        .param("lanes", lanes)
        .param("warps", WARPS_M * WARPS_N)
        .param("warps_n", WARPS_N)
        .param("frows", FRAGS)
        .param("fcols", FRAGS)
        .param("tm", tm)
        .param("tn", tn)
        .param("bk", BK)
        .param("k_blocks", BK / 16)
        .param("a_stride", stride)
        .param("b_stride", stride)
        .param("a_loads", tm * BK / lanes as usize)
        .param("b_loads", tn * BK / lanes as usize)
        .param("tiles_n", tiles_n)
        .param("k", k)
        .param("k_last", k - 1)
        .param("m_rows", m)
        .param("m_last", m - 1)
        .param("n_rows", n)
        .param("n_last", n - 1)
        .param("q4", q4.is_some())
        .param("block", q4.as_ref().map_or(1, |q| q.block))
        .epilogue_at(&refs);
    if let Some(q) = q4 {
        spec = spec.read("scale", q.scale);
    }
    kb.emit(spec);
    Ok(true)
}
