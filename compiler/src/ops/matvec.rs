//! Kernel selection for one-row products (LLM decode): when the activation of a MatMul or
//! MatMulQ4 is a single row, the `matvec` template (workgroup-cooperative, rows split
//! across lanes, partial sums reduced in workgroup memory) replaces the one-invocation-per-
//! output matmul, whose K-long serial loop over only N invocations leaves a GPU idle.

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, TensorId};

/// The int4 packing of a MatMulQ4 weight: its scales and rows per scale.
pub struct Q4 {
    pub scale: TensorId,
    pub block: usize,
}

/// True when `x` (activation) is one row of `k` and `w` is a [rows, n] matrix.
pub fn applies(x: &[usize], w: &[usize], k: usize) -> bool {
    w.len() == 2 && numel(x) == Some(k) && k > 0 && w.iter().all(|&d| d > 0)
}

/// Emits the matvec kernel for y = x · w, or returns false when the target's workgroup
/// limit is too small for it (the caller then emits its generic kernel).
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, q4: Option<Q4>, y: TensorId) -> Result<bool, CodegenError> {
    let (rows, n) = match kb.shape(w) {
        &[rows, n] => (rows, n),
        other => return Err(kb.err(format!("matvec weight must be 2-D, got {other:?}"))),
    };
    // Columns per workgroup: 32 bytes of one weight row, so a subgroup's reads coalesce.
    let cols: u32 = match kb.desc("w", w)?.elem.as_str() {
        "f32" => 8,
        "f16" => 16,
        _ => 32,
    };
    let wg = kb.wg_cooperative_up_to(kb.target.tuning.workgroup_size_matvec);
    if wg < 2 * cols {
        return Ok(false);
    }
    let slices = (wg / cols) as usize;
    // Loads in flight per lane: 8 while every lane still gets a full round of them.
    let unroll = if rows >= 8 * slices { 8 } else { 4 };
    let rounds = rows / (unroll * slices);
    let y_rank = kb.shape(y).len().max(1);
    let names: Vec<String> = (0..y_rank).map(|d| format!("c{d}")).collect();
    let xlead: Vec<String> = vec!["0u".into(); kb.shape(x).len().saturating_sub(1)];
    let groups = n.div_ceil(cols as usize) as u64;
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut spec = KernelSpec::cooperative("matvec", groups, wg)
        .read("x", x)
        .read("w", w)
        .write("y", y)
        .param("names", names.clone())
        .param("xlead", xlead)
        .param("cols", cols)
        .param("slices", slices)
        .param("half_slices", slices / 2)
        .param("unroll", unroll)
        .param("stride", unroll * slices)
        .param("rounds", rounds)
        .param("round_rows", rounds * unroll * slices)
        .param("rows", rows)
        .param("n", n)
        .param("last_col", n - 1)
        .param("q4", q4.is_some())
        .param("block", q4.as_ref().map_or(1, |q| q.block))
        .epilogue_at(&refs);
    if let Some(q) = q4 {
        spec = spec.read("scale", q.scale);
    }
    kb.emit(spec);
    Ok(true)
}
