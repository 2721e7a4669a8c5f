//! Prefill kernel of Linear (several activation rows): the `linear_tiled` template, a
//! classic shared-memory tiled product. Each workgroup of 16 × 16 lanes owns a tile of
//! rows × outputs and walks K in steps of 16, staging both operands' slices in workgroup
//! memory, so every weight element read from memory serves a whole tile of rows instead
//! of one output (the per-output `matmul` kernel re-reads the weights once per row).

use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, TensorId};

/// Lanes of the tiled kernel: 16 × 16.
const LANES: u32 = 256;

/// Emits y = x · wᵀ for x [.., K] (M rows) and w [N, K] (or int4 [N, K/2] with `q4`), or
/// with `splits` > 1 its partial products over equal ranges of K, y [splits, .., N];
/// false when the target's workgroups hold fewer than 256 lanes or a range is not whole
/// steps of 16 (the caller then emits its per-output kernel).
#[allow(clippy::too_many_arguments)]
pub fn emit(kb: &mut KernelBuilder<'_>, x: TensorId, w: TensorId, q4: Option<super::linear_matvec::Q4>, y: TensorId, k: usize, n: usize, splits: usize) -> Result<bool, CodegenError> {
    let m = numel(kb.shape(x)).unwrap_or(0) / k.max(1);
    let splits = splits.max(1);
    if kb.wg_cooperative() < LANES || m == 0 || n == 0 || k == 0 || (splits > 1 && (!k.is_multiple_of(splits) || !(k / splits).is_multiple_of(16))) {
        return Ok(false);
    }
    // 64 × 64 tiles (4 × 4 outputs per lane) when there are enough of them to fill a large
    // GPU; else 32 × 32 (2 × 2), four times as many workgroups.
    // Both operands' slices: 16 rows of tile + 1 f32s each (the pad keeps the 16 lanes that
    // store one column of a slice off a single memory bank).
    let floats = |tile: usize| 2 * 16 * (tile + 1);
    let shared = |tile: usize| floats(tile) * 4 <= kb.target.limits.max_compute_shared_memory_size as usize;
    let tile = if m.div_ceil(64) * n.div_ceil(64) >= 256 && shared(64) { 64 } else { 32 };
    if !shared(tile) {
        return Ok(false);
    }
    let (tiles_m, tiles_n) = (m.div_ceil(tile), n.div_ceil(tile));
    let spec = KernelSpec::cooperative("linear_tiled", (tiles_m * tiles_n * splits) as u64, LANES)
        .shared_per_lane(floats(tile).div_ceil(LANES as usize) as u32)
        .read_view("x", x, vec![m, k])
        .read("w", w)
        .param("tm", tile)
        .param("tn", tile)
        .param("rm", tile / 16)
        .param("rn", tile / 16)
        .param("a_loads", tile * 16 / LANES as usize)
        .param("b_loads", tile * 16 / LANES as usize)
        .param("a_stride", tile + 1)
        .param("b_stride", tile + 1)
        .param("b_at", 16 * (tile + 1))
        .param("tiles_n", tiles_n);
    kb.emit(tiled_product(kb, spec, y, m, n, k, q4, splits, tiles_m * tiles_n));
    Ok(true)
}

/// What the tiled products (`linear_tiled`, `linear_coop`) share after their tiling: the
/// output `y` with its coordinate names for the node's epilogue, the product's geometry
/// (M rows, N outputs, K inputs, each with its last index), the int4 weight's scales and
/// the node's `last_row` (`live`: workgroups whose rows all lie past it return at once),
/// and the cut of K into `splits` parts (`tiles` workgroups each; `m_out`: an output row's
/// index in y, whose leading axis is the part).
#[allow(clippy::too_many_arguments)]
pub(crate) fn tiled_product(kb: &KernelBuilder<'_>, spec: KernelSpec, y: TensorId, m: usize, n: usize, k: usize, q4: Option<super::linear_matvec::Q4>, splits: usize, tiles: usize) -> KernelSpec {
    let y_shape = kb.shape(y);
    let names: Vec<String> = (0..y_shape.len()).map(|d| format!("c{d}")).collect();
    let row_names = names[..names.len().saturating_sub(1)].to_vec();
    let row_shape = y_shape[..y_shape.len().saturating_sub(1)].to_vec();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let spec = spec
        .write("y", y)
        .param("names", names.clone())
        .param("row_names", row_names)
        .param("row_shape", row_shape)
        .param("k", k)
        .param("k_last", k - 1)
        .param("m_rows", m)
        .param("m_last", m - 1)
        .param("n_rows", n)
        .param("n_last", n - 1)
        .param("splits", splits)
        .param("tiles", tiles)
        .param("ks", k / splits.max(1))
        .param("m_out", if splits > 1 { format!("(split * {m}u + m)") } else { "m".to_string() })
        .param("q4", q4.is_some())
        .param("block", q4.as_ref().map_or(1, |q| q.block))
        .epilogue_at(&refs);
    // Row tiles past the node's last row are skipped whole (their outputs unspecified).
    let spec = kb.read_last_row(spec);
    match q4 {
        Some(q) => spec.read("scale", q.scale),
        None => spec,
    }
}
