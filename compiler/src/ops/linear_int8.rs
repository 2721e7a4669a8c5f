//! LinearInt8 (driftc-internal, built by the LLM frontend for prefill where the target asks
//! for int8 activations): the tiled matmul of the stage-aware int8 path. Activations come
//! quantized by [`super::quantize_rows`] (XQ [.., K / 4]: int8 packed four to an int32 word,
//! XS [.., K / 32]: an f32 scale per block of 32 inputs), weights are int8 [N, K] (q8; the
//! per-row weight scale stays a Mul after this node, fused as its epilogue):
//! y[.., n] = Σ_b (Σ_{k in block b} xq[.., k] · w[n, k]) · xs[.., b], integer sums per block.
//!
//! Kernel `linear_int8` (WGSL: `dot4I8Packed`): 64 × 64 tiles of rows × outputs per
//! workgroup of 16 × 16 lanes, both operands staged as words in workgroup memory one block
//! (8 words) per step, with the tile rows' scales of that block. OpenCL C: with
//! `tuning.opencl_ptx_mma` (NVIDIA) and whole 128 × 128 or 64 × 64 tiles and steps of 64
//! inputs, on the tensor cores (`mma.sync.m16n8k32` s8 × s8 through inline PTX, staged as
//! `linear_mma` stages); else a plain kernel, one lane per output.

use std::any::Any;

use super::linear::{int8_block_dot, ACT_INT8_BLOCK};
use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang, WorkgroupElem};
use crate::ir::{numel, DType, TensorId, Value};

/// Lanes of the kernel: 16 × 16.
const LANES: usize = 256;
/// Rows and outputs per workgroup tile.
const TILE: usize = 64;
/// Words (4 inputs each) per staging step: one block of activation scales.
const STEP_WORDS: usize = ACT_INT8_BLOCK / 4;

#[derive(Debug, Clone, PartialEq)]
pub struct LinearInt8;

/// (rows M, inputs K, outputs N) from XQ, XS and W, checked against each other.
fn geometry(xq: &[usize], xs: &[usize], w: &[usize]) -> Result<(usize, usize, usize), OpError> {
    let [n, k] = w[..] else { return Err(invalid(format!("W must be [N, K], got {w:?}"))) };
    let words = xq.last().copied().unwrap_or(0);
    if k == 0 || k % ACT_INT8_BLOCK != 0 || words * 4 != k {
        return Err(invalid(format!("XQ {xq:?} must hold K / 4 words per row for W {w:?}, K a multiple of {ACT_INT8_BLOCK}")));
    }
    let m = numel(xq).unwrap_or(0) / words;
    let blocks = k / ACT_INT8_BLOCK;
    if numel(xs) != m.checked_mul(blocks) || xs.last() != Some(&blocks) {
        return Err(invalid(format!("XS {xs:?} must hold one scale per block of {ACT_INT8_BLOCK} inputs of each row of XQ {xq:?}")));
    }
    Ok((m, k, n))
}

impl Op for LinearInt8 {
    fn op_type(&self) -> &'static str {
        "LinearInt8"
    }
    fn attrs(&self) -> String {
        String::new()
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (xq, xs, w) = (fact(inputs, 0, "XQ")?, fact(inputs, 1, "XS")?, fact(inputs, 2, "W")?);
        if xq.dtype != DType::I32 || w.dtype != DType::I8 {
            return Err(invalid(format!("XQ must be int32 words and W int8, got {:?} and {:?}", xq.dtype, w.dtype)));
        }
        let (_, _, n) = geometry(xq.shape, xs.shape, w.shape)?;
        let mut shape = xq.shape.to_vec();
        if let Some(last) = shape.last_mut() {
            *last = n;
        }
        Ok(vec![OutFact::new(xs.dtype, shape)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (xq, xs, w) = (arg(inputs, 0, "XQ")?, arg(inputs, 1, "XS")?, arg(inputs, 2, "W")?);
        let (m, k, n) = geometry(&xq.shape, &xs.shape, &w.shape)?;
        if w.dtype != DType::I8 {
            return Err(invalid(format!("W must be int8, got {:?}", w.dtype)));
        }
        let q = super::quantize_rows::unpack_words(&xq.as_i64());
        let (scales, wi) = (xs.as_f32(), w.as_i64());
        let (mut out, nb) = (vec![0f32; m * n], k / ACT_INT8_BLOCK);
        for r in 0..m {
            let (qr, sr) = (&q[r * k..(r + 1) * k], &scales[r * nb..(r + 1) * nb]);
            for (c, o) in out[r * n..(r + 1) * n].iter_mut().enumerate() {
                *o = int8_block_dot(qr, &wi[c * k..(c + 1) * k], sr);
            }
        }
        let mut shape = xq.shape.clone();
        if let Some(last) = shape.last_mut() {
            *last = n;
        }
        Ok(vec![Value::from_f32_as(xs.dtype, shape, out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (xq, xs, w, y) = (kb.input(0)?, kb.input(1)?, kb.input(2)?, kb.output(0)?);
        let (m, k, n) = geometry(kb.shape(xq), kb.shape(xs), kb.shape(w)).map_err(|e| kb.err(e.to_string()))?;
        let plain = kb.desc("xq", xq)?.is_plain_buffer() && kb.desc("w", w)?.is_plain_buffer();
        if kb.lang == Lang::OpenclC {
            return opencl(kb, (xq, xs, w, y), (m, k, n), plain);
        }
        if kb.lang != Lang::Wgsl || !kb.target.features.int8_dot || (kb.wg_cooperative() as usize) < LANES || !plain {
            return Err(kb.no_kernel("int8 prefill products need WGSL/SPIR-V/MSL with int8 dot products, workgroups of 256 lanes and single-buffer operands"));
        }
        let (tiles_m, tiles_n) = (m.div_ceil(TILE), n.div_ceil(TILE));
        let stride = TILE + 1;
        let spec = KernelSpec::cooperative("linear_int8", (tiles_m * tiles_n) as u64, LANES as u32)
            .workgroup_array("drift_int8_a", WorkgroupElem::U32, (STEP_WORDS * stride) as u32)
            .workgroup_array("drift_int8_b", WorkgroupElem::U32, (STEP_WORDS * stride) as u32)
            .workgroup_array("drift_int8_s", WorkgroupElem::F32, TILE as u32)
            .read_view("xq", xq, vec![m, k / 4])
            .read_view("xs", xs, vec![m, k / ACT_INT8_BLOCK])
            .read("w", w)
            .param("tm", TILE)
            .param("tn", TILE)
            .param("rm", TILE / 16)
            .param("rn", TILE / 16)
            .param("kw", STEP_WORDS)
            .param("row_words", k / 4)
            .param("a_loads", TILE * STEP_WORDS / LANES)
            .param("b_loads", TILE * STEP_WORDS / LANES)
            .param("a_stride", stride)
            .param("b_stride", stride)
            .param("tiles_n", tiles_n)
            .uses_int8_dot();
        kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, None, 1, tiles_m * tiles_n));
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Steps of the tensor-core form: 64 inputs (64 bytes of either operand, two blocks).
const MMA_STEP: usize = 64;
/// Bytes between staged rows of the tensor-core form: a step's 64 plus 16 (the 8 rows one
/// `ldmatrix` reads fall on distinct 16-byte bank groups), as `linear_mma` pads them.
const MMA_ROW_BYTES: usize = 80;
/// Lanes of the plain OpenCL form's workgroups (fewer where the target caps them).
const PLAIN_LANES: u32 = 64;

/// The OpenCL C kernels: tensor cores where the target and the shape allow, else plain.
fn opencl(kb: &mut KernelBuilder<'_>, (xq, xs, w, y): (TensorId, TensorId, TensorId, TensorId), (m, k, n): (usize, usize, usize), plain: bool) -> Result<(), CodegenError> {
    let xs_plain = kb.desc("xs", xs)?;
    if !plain || !xs_plain.is_plain_buffer() || xs_plain.elem != "f32" {
        return Err(kb.no_kernel("OpenCL int8 prefill products need single-buffer operands and f32 block scales"));
    }
    let t = kb.target;
    let (xq_var, w_var, xs_var) = (kb.desc("xq", xq)?.var, kb.desc("w", w)?.var, xs_plain.var);
    let blocks = k / ACT_INT8_BLOCK;
    let whole = |tile: usize| m > 0 && n > 0 && m.is_multiple_of(tile) && n.is_multiple_of(tile) && k.is_multiple_of(MMA_STEP);
    let tile = super::linear_mma::TILES.into_iter().find(|&tile| whole(tile) && (tile == 64 || (m / tile) * (n / tile) >= t.tuning.opencl_mma_large_min_tiles));
    let mma = t.tuning.opencl_ptx_mma && kb.wg_cooperative() >= 128;
    // What both forms read: the operands and their variables.
    let operands = |spec: KernelSpec, mma: bool| {
        spec.read_view("xq", xq, vec![m, k / 4]).read_view("xs", xs, vec![m, blocks]).read("w", w).param("mma", mma).param("xq_var", xq_var.clone()).param("w_var", w_var.clone()).param("blocks", blocks)
    };
    if let (Some(tile), true) = (tile, mma) {
        let stage_bytes = tile * (2 * MMA_ROW_BYTES + 8);
        let tiles = (m / tile) * (n / tile);
        if let Some(spec) = super::linear_mma::ptx_spec(kb, "linear_int8", tiles as u64, 2 * stage_bytes) {
            let spec = operands(spec, true)
                .param("xs_var", xs_var)
                .param("tile", tile)
                .param("fm", tile / 32)
                .param("fn", tile / 16)
                .param("loads", tile * 4 / 128)
                .param("tiles_m", m / tile)
                .param("steps", k / MMA_STEP)
                .param("row_bytes", MMA_ROW_BYTES)
                .param("b_at", tile * MMA_ROW_BYTES)
                .param("s_at", 2 * tile * MMA_ROW_BYTES)
                .param("stage_bytes", stage_bytes)
                // A step's two blocks unrolled in the small tiles only (ptxas 12.9, sm_90,
                // large tiles: 255 registers and spills unrolled, none rolled).
                .param("kk_unroll", if tile == 128 { 1 } else { 2 });
            kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, None, 1, tiles));
            return Ok(());
        }
    }
    let lanes = PLAIN_LANES.min(kb.wg_cooperative()).max(1);
    let groups = m.saturating_mul(n.div_ceil(lanes as usize)) as u64;
    let spec = operands(KernelSpec::cooperative("linear_int8", groups, lanes), false).param("wg", lanes);
    kb.emit(super::linear_tiled::tiled_product(kb, spec, y, m, n, k, None, 1, groups as usize));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::linear::Linear;
    use crate::ops::quantize_rows::QuantizeRows;

    #[test]
    fn quantized_rows_times_int8_weights_equal_linear_with_int8_activations() {
        // Two rows of K = 64 (two blocks) against three int8 weight rows: the two-node
        // prefill path gives decode's Linear::act_int8 result exactly.
        let x = Value::f32(vec![1, 2, 64], (0..128).map(|i| ((i * 7) % 11) as f32 * 0.3 - 1.4 + if i % 64 < 32 { 5.0 } else { 0.0 }).collect());
        let mut w = Value::i64(vec![3, 64], (0..192).map(|i| (i * 37) % 255 - 127).collect());
        w.dtype = DType::I8;
        let qs = QuantizeRows.eval(&[Some(&x)]).expect("quantize");
        let got = LinearInt8.eval(&[Some(&qs[0]), Some(&qs[1]), Some(&w)]).expect("linear").remove(0);
        let want = Linear { act_int8: true, ..Linear::default() }.eval(&[Some(&x), Some(&w)]).expect("linear").remove(0);
        assert_eq!(got.shape, vec![1, 2, 3]);
        assert_eq!(got.as_f32(), want.as_f32());
        assert!(LinearInt8.eval(&[Some(&qs[0]), Some(&qs[1]), Some(&Value::f32(vec![3, 64], vec![0.0; 192]))]).is_err(), "float weights are refused");
    }
}
