//! WidenQ4 (driftc-internal, made by `passes::widen_prefill_weights` for 8/4/4 prefill
//! products): an int4 weight packed two inputs per byte with per-row block scales (the
//! `LinearQ4` layout) as f16, w[n, k] = f16((q[n, k] − 8) · scale[n, k / block]): one
//! rounding of an exact product, the dequantization `linear_mma`'s int4 tiles do in
//! registers. OpenCL C only (`widen_q4`: 8 inputs per work-item, one 16-byte store).
//!
//! Inputs: packed [N, K/2] (int8), scales [N, K/block]. Output [N, K] (f16).

use std::any::Any;

use super::{arg, fact, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{DType, Value};
use crate::passes::quantize::unpack;

#[derive(Debug, Clone, PartialEq)]
pub struct WidenQ4 {
    pub block: usize,
}

impl WidenQ4 {
    /// N and K of a packed weight and its scales.
    fn geometry(&self, q: &[usize], s: &[usize]) -> Result<(usize, usize), OpError> {
        super::gather_q4::packed_geometry(self.block, q, s)
    }
}

impl Op for WidenQ4 {
    fn op_type(&self) -> &'static str {
        "WidenQ4"
    }
    fn attrs(&self) -> String {
        format!("block={}", self.block)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (q, s) = (fact(inputs, 0, "packed")?, fact(inputs, 1, "scales")?);
        let (n, k) = self.geometry(q.shape, s.shape)?;
        Ok(vec![OutFact::new(DType::F16, vec![n, k])])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (q, s) = (arg(inputs, 0, "packed")?, arg(inputs, 1, "scales")?);
        let (n, k) = self.geometry(&q.shape, &s.shape)?;
        let (qs, ss) = (q.as_i64(), s.as_f32());
        let blocks = k / self.block;
        let mut out = Vec::with_capacity(n * k);
        for r in 0..n {
            for c in 0..k {
                let (lo, hi) = unpack(qs.get(r * (k / 2) + c / 2).copied().unwrap_or(0));
                let scale = ss.get(r * blocks + c / self.block).copied().unwrap_or(0.0);
                out.push(half::f16::from_f32(if c % 2 == 0 { lo } else { hi } * scale).to_f32());
            }
        }
        Ok(vec![Value::from_f32_as(DType::F16, vec![n, k], out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (q, s, y) = (kb.input(0)?, kb.input(1)?, kb.output(0)?);
        let (n, k) = self.geometry(kb.shape(q), kb.shape(s)).map_err(|e| kb.err(e.to_string()))?;
        let (qd, yd) = (kb.desc("w", q)?, kb.desc("y", y)?);
        if kb.lang != Lang::OpenclC || !k.is_multiple_of(8) || !self.block.is_multiple_of(8) || yd.elem != "f16" || !qd.is_plain_buffer() || !yd.is_plain_buffer() {
            return Err(kb.err(format!("WidenQ4 runs as OpenCL C on plain buffers, K ({k}) and blocks ({}) multiples of 8, f16 out", self.block)));
        }
        let spec = KernelSpec::new("widen_q4", (n * k / 8) as u64, kb.wg_elementwise())
            .read("w", q)
            .read("scale", s)
            .write("y", y)
            .param("words", k / 8)
            .param("block", self.block);
        kb.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Row 0's bytes 0x9F (inputs 15 − 8 = 7, then 9 − 8 = 1) and 0x08 (0, −8) in one block
    /// of 4 scaled by 0.3: f16(7 · 0.3) = 2.099609375, not 2.1.
    #[test]
    fn nibbles_times_their_block_scale_rounded_to_f16() {
        let q = Value::i64(vec![1, 2], vec![0x9F - 256, 0x08]);
        let s = Value::f32(vec![1, 1], vec![0.3]);
        let w = WidenQ4 { block: 4 }.eval(&[Some(&q), Some(&s)]).expect("widens").remove(0);
        assert_eq!((w.dtype, w.shape.clone()), (DType::F16, vec![1, 4]));
        let want: Vec<f32> = [7.0f32 * 0.3, 0.3, 0.0, -8.0 * 0.3].iter().map(|&v| half::f16::from_f32(v).to_f32()).collect();
        assert_eq!(w.as_f32(), want);
        assert_eq!(want[0], 2.099_609_4);
    }
}
