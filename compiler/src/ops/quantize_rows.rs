//! QuantizeRows (driftc-internal, built by the LLM frontend for prefill where the target
//! asks for int8 activations): the dedicated activation-quantization kernel of the
//! stage-aware int8 path. Each row of X [.., K] is quantized to int8 in blocks of 32
//! inputs, each with its own scale amax / 127, rounding half to even (the same arithmetic
//! as `Linear::act_int8` in decode), and packed four to a 32-bit word, first value in the
//! low byte: XQ [.., K / 4] (int32 words holding int8 × 4), XS [.., K / 32] (f32 scales).
//! [`super::linear_int8`] consumes both. K must be a multiple of 32.
//!
//! Kernel `quantize_rows` (WGSL: `pack4xI8`; OpenCL C: `convert_char4`): one workgroup per
//! row; each lane takes whole blocks (amax, scale, then eight packed words).

use std::any::Any;

use super::linear::ACT_INT8_BLOCK;
use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{numel, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct QuantizeRows;

/// K of X's last dimension, checked to pack into whole words.
fn row_len(shape: &[usize]) -> Result<usize, OpError> {
    match shape.last() {
        Some(&k) if k > 0 && k % ACT_INT8_BLOCK == 0 => Ok(k),
        _ => Err(invalid(format!("X {shape:?} must have a last dimension that is a positive multiple of {ACT_INT8_BLOCK}"))),
    }
}

fn out_shapes(shape: &[usize], k: usize) -> (Vec<usize>, Vec<usize>) {
    let lead = &shape[..shape.len() - 1];
    ([lead, &[k / 4]].concat(), [lead, &[k / ACT_INT8_BLOCK]].concat())
}

/// Four int8 values as one 32-bit word (first in the low byte), as the device packs them.
pub fn pack_word(q: &[i8]) -> i64 {
    let bytes: [u8; 4] = [0, 1, 2, 3].map(|i| q.get(i).copied().unwrap_or(0) as u8);
    i64::from(i32::from_le_bytes(bytes))
}

/// The int8 values of packed words, in order.
pub fn unpack_words(words: &[i64]) -> Vec<i8> {
    words.iter().flat_map(|&w| (w as i32).to_le_bytes().map(|b| b as i8)).collect()
}

impl Op for QuantizeRows {
    fn op_type(&self) -> &'static str {
        "QuantizeRows"
    }
    fn attrs(&self) -> String {
        String::new()
    }
    fn f32_outputs(&self) -> &'static [usize] {
        // amax / 127 of a block with a small amax is an f16 subnormal or zero.
        &[1]
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let k = row_len(x.shape)?;
        let (q, s) = out_shapes(x.shape, k);
        Ok(vec![OutFact::new(DType::I32, q), OutFact::new(DType::F32, s)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let k = row_len(&x.shape)?;
        let (q, scales) = super::linear::int8_blocks(&x.as_f32(), k);
        let (qs, ss) = out_shapes(&x.shape, k);
        let words = q.chunks(4).map(pack_word).collect();
        Ok(vec![Value { dtype: DType::I32, shape: qs, data: crate::ir::Data::I64(words) }, Value::f32(ss, scales)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, q, s) = (kb.input(0)?, kb.output(0)?, kb.output(1)?);
        let k = row_len(kb.shape(x)).map_err(|e| kb.err(e.to_string()))?;
        let rows = numel(kb.shape(x)).unwrap_or(0) / k;
        let wg = kb.wg_cooperative();
        let qd = kb.desc("q", q)?;
        let packs = kb.lang == Lang::OpenclC || (kb.lang == Lang::Wgsl && kb.target.features.int8_dot);
        if !packs || wg < 2 || !qd.is_plain_buffer() {
            return Err(kb.no_kernel("int8 activation rows need OpenCL C, or WGSL/SPIR-V/MSL with int8 dot products (pack4xI8), and a single-buffer output"));
        }
        let spec = KernelSpec::cooperative("quantize_rows", rows as u64, wg)
            .read_view("x", x, vec![rows, k])
            .write_view("q", q, vec![rows, k / 4])
            .write_view("s", s, vec![rows, k / ACT_INT8_BLOCK])
            .param("k", k)
            .param("blocks", k / ACT_INT8_BLOCK)
            .param("wg", wg);
        // (OpenCL C packs bytes without the int8 dot-product feature.)
        kb.emit(if kb.lang == Lang::Wgsl { spec.uses_int8_dot() } else { spec });
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_pack_low_byte_first_with_their_scales() {
        // Row 0: block 0 amax 2 (127/2 per unit: -1 → -63.5 → -64, 0.5 → 31.75 → 32), block 1
        // all 1.0 (→ 127 with scale 1/127); row 1 all zero.
        let mut row0 = vec![0f32; 64];
        row0[..3].copy_from_slice(&[2.0, -1.0, 0.5]);
        row0[32..].iter_mut().for_each(|v| *v = 1.0);
        let x = Value::f32(vec![2, 64], [row0, vec![0.0; 64]].concat());
        let out = QuantizeRows.eval(&[Some(&x)]).expect("eval");
        let q = unpack_words(&out[0].as_i64());
        assert_eq!(&q[..4], &[127, -64, 32, 0]);
        assert!(q[32..64].iter().all(|&v| v == 127) && q[64..].iter().all(|&v| v == 0));
        assert_eq!(out[0].shape, vec![2, 16]);
        assert_eq!(out[0].as_i64()[0], i64::from(i32::from_le_bytes([127, (-64i8) as u8, 32, 0])));
        assert_eq!(out[1].shape, vec![2, 2]);
        assert_eq!(out[1].as_f32(), vec![2.0 / 127.0, 1.0 / 127.0, 0.0, 0.0]);
        assert!(QuantizeRows.eval(&[Some(&Value::f32(vec![1, 36], vec![0.0; 36]))]).is_err(), "K not a multiple of 32");
    }
}
