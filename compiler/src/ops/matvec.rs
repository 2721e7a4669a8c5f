//! Kernel selection for one-row MatMul products (weights stored [K, N], as ONNX models
//! have them; the LLM frontend's Linear has its own `linear_matvec`): when the activation
//! is a single row, the `matvec` template (workgroup-cooperative, rows split
//! across lanes, partial sums reduced in workgroup memory) replaces the one-invocation-per-
//! output matmul, whose K-long serial loop over only N invocations leaves a GPU idle.

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, TensorId};

/// True when `x` (activation) is one row of `k` and `w` is a [rows, n] matrix.
pub fn applies(x: &[usize], w: &[usize], k: usize) -> bool {
    w.len() == 2 && numel(x) == Some(k) && k > 0 && w.iter().all(|&d| d > 0)
}

/// Emits the matvec kernel for y = x · w, or returns false when the target's workgroup
/// limit is too small for it (the caller then emits its generic kernel).
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, y: TensorId) -> Result<bool, CodegenError> {
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
    let spec = KernelSpec::cooperative("matvec", groups, wg)
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
        .epilogue_at(&refs);
    kb.emit(spec);
    Ok(true)
}
