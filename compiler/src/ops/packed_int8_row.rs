//! PackedInt8Row (driftc-internal, inserted by `passes::share_int8_activations`): a decode
//! step's activation row quantized to int8 once, for every one-row projection that reads
//! it (`Linear` / `LinearQ4` with `packed`), instead of once per workgroup of each. With
//! `norm`, X is first RMS-normalized and scaled by G (the norm those projections had
//! folded in). The values are quantized in blocks of 32 inputs, scale amax / 127 per
//! block, rounding half to even (`linear::int8_blocks`, the arithmetic of
//! `Linear::act_int8`), and packed with their scales into one int32 tensor of X's shape
//! with its last dimension `words`(K) (X's leading dimensions are all 1):
//!
//! ```text
//! input order (int8 weights):  K/4 words of values, four per word, first in the low byte
//! int4 pairs (int4 weights):   per block, its 16 even inputs in words 4b..4b+4, then its 16
//!                              odd inputs in words K/8 + 4b..: the nibble masks of an int4
//!                              weight word split it the same way
//! then                         the blocks' scales (f32 bits), padded to a multiple of 4
//! int4 pairs only, then        8 · Σ q per block (f32 bits; the +8 of the nibbles adds it), padded
//! ```
//!
//! Kernel `packed_int8_row`: a lane per block, 64 lanes per workgroup; with `norm` each
//! workgroup sums the squares of the whole row first.

use std::any::Any;

use super::linear::ACT_INT8_BLOCK;
use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{numel, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct PackedInt8Row {
    /// Int4-pair layout (even and odd inputs of a block apart) with the block sums.
    pub int4_pairs: bool,
    /// RMSNorm epsilon when X is normalized by input 1, G, first.
    pub norm: Option<f32>,
}

fn round4(v: usize) -> usize {
    v.div_ceil(4) * 4
}

/// Word offsets in the packed row of `k` inputs: (scales, block sums, total words).
pub fn layout(k: usize, int4_pairs: bool) -> (usize, usize, usize) {
    let blocks = round4(k / ACT_INT8_BLOCK);
    let scales = k / 4;
    let sums = scales + blocks;
    (scales, sums, if int4_pairs { sums + blocks } else { sums })
}

/// The row length K of a packed row's consumer checked against its packed length.
pub fn check(k: usize, words: usize, int4_pairs: bool) -> Result<(), OpError> {
    if k == 0 || !k.is_multiple_of(ACT_INT8_BLOCK) || layout(k, int4_pairs).2 != words {
        return Err(invalid(format!("a packed int8 row of {words} words does not hold {k} inputs (blocks of {ACT_INT8_BLOCK})")));
    }
    Ok(())
}

/// X's shape with its last dimension replaced by the packed row's `words`.
pub fn packed_shape(x: &[usize], words: usize) -> Vec<usize> {
    super::linear::out_shape(x, words)
}

fn bits(v: f32) -> i64 {
    i64::from(v.to_bits() as i32)
}

fn float(w: i64) -> f32 {
    f32::from_bits(w as i32 as u32)
}

/// The int8 values of a packed row (input order) and its block scales.
pub fn unpack(row: &Value, k: usize, int4_pairs: bool) -> Result<(Vec<i8>, Vec<f32>), OpError> {
    let words = row.as_i64();
    check(k, words.len(), int4_pairs)?;
    let bytes = super::quantize_rows::unpack_words(&words[..k / 4]);
    let q = if int4_pairs {
        let half = k / 2;
        (0..k).map(|i| {
            let (b, r) = (i / ACT_INT8_BLOCK, i % ACT_INT8_BLOCK);
            bytes[if r % 2 == 0 { 16 * b + r / 2 } else { half + 16 * b + r / 2 }]
        }).collect()
    } else {
        bytes
    };
    let (at, _, _) = layout(k, int4_pairs);
    Ok((q, words[at..at + k / ACT_INT8_BLOCK].iter().map(|&w| float(w)).collect()))
}

impl Op for PackedInt8Row {
    fn op_type(&self) -> &'static str {
        "PackedInt8Row"
    }
    fn attrs(&self) -> String {
        let mut a = vec![if self.int4_pairs { "int4_pairs" } else { "input_order" }.to_string()];
        if let Some(e) = self.norm {
            a.push(format!("rms_norm_epsilon={e}"));
        }
        a.join(",")
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let k = x.shape.last().copied().unwrap_or(0);
        if numel(x.shape) != Some(k) || k == 0 || k % ACT_INT8_BLOCK != 0 {
            return Err(invalid(format!("X {:?} must be one row whose length is a positive multiple of {ACT_INT8_BLOCK}", x.shape)));
        }
        if self.norm.is_some() {
            let g = fact(inputs, 1, "G")?;
            if g.shape != [k] {
                return Err(invalid(format!("norm scale G {:?} must be [{k}]", g.shape)));
            }
        }
        Ok(vec![OutFact::new(DType::I32, packed_shape(x.shape, layout(k, self.int4_pairs).2))])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let k = x.shape.last().copied().unwrap_or(0);
        if x.shape.iter().product::<usize>() != k || k == 0 || k % ACT_INT8_BLOCK != 0 {
            return Err(invalid(format!("X {:?} must be one row whose length is a positive multiple of {ACT_INT8_BLOCK}", x.shape)));
        }
        let mut xs = x.as_f32();
        if let Some(eps) = self.norm {
            xs = super::linear::rms_rows(&xs, &arg(inputs, 1, "G")?.as_f32(), k, eps)?;
        }
        let (q, scales) = super::linear::int8_blocks(&xs, k);
        let (at, sums_at, total) = layout(k, self.int4_pairs);
        let mut words = vec![0i64; total];
        if self.int4_pairs {
            let (even, odd): (Vec<i8>, Vec<i8>) = (q.iter().step_by(2).copied().collect(), q.iter().skip(1).step_by(2).copied().collect());
            for (i, c) in even.chunks(4).chain(odd.chunks(4)).enumerate() {
                words[i] = super::quantize_rows::pack_word(c);
            }
            for (b, block) in q.chunks(ACT_INT8_BLOCK).enumerate() {
                words[sums_at + b] = bits(8.0 * block.iter().map(|&v| f32::from(v)).sum::<f32>());
            }
        } else {
            for (i, c) in q.chunks(4).enumerate() {
                words[i] = super::quantize_rows::pack_word(c);
            }
        }
        for (b, &s) in scales.iter().enumerate() {
            words[at + b] = bits(s);
        }
        Ok(vec![Value { dtype: DType::I32, shape: packed_shape(&x.shape, total), data: crate::ir::Data::I64(words) }])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (kb.input(0)?, kb.output(0)?);
        let k = kb.shape(x).last().copied().unwrap_or(0);
        // A lane per block and few lanes per workgroup: the row's blocks spread over
        // workgroups (one workgroup of 1024 lanes took 6-8 us per 4096-input row on an
        // H200, its lanes loading 32 scalars each in turn).
        let wg = kb.wg_cooperative_up_to(64);
        let yd = kb.desc("y", y)?;
        if kb.lang != Lang::Wgsl || !kb.target.features.int8_dot || wg < 2 || !yd.is_plain_buffer() || k % ACT_INT8_BLOCK != 0 {
            return Err(kb.no_kernel("a packed int8 row needs WGSL/SPIR-V/MSL with int8 dot products (pack4xI8), a single-buffer output and a row of whole 32-input blocks"));
        }
        let blocks = k / ACT_INT8_BLOCK;
        let (scales, sums, _) = layout(k, self.int4_pairs);
        let xlead: Vec<String> = vec!["0u".into(); kb.shape(x).len().saturating_sub(1)];
        let ylead: Vec<String> = vec!["0u".into(); kb.shape(y).len().saturating_sub(1)];
        // 16-byte words of x (and g) where both are plain buffers of one word layout, a
        // block being whole words; else element loads.
        let xd = kb.desc("x", x)?;
        let g = match self.norm {
            Some(_) => Some(kb.input(1)?),
            None => None,
        };
        let gd = match g {
            Some(g) => Some(kb.desc("g", g)?),
            None => None,
        };
        let words_of = |d: &crate::codegen::helpers::TensorDesc| crate::codegen::helpers::word_vec4s(kb.lang, d).filter(|v| d.is_plain_buffer() && matches!(v.len(), 1 | 2));
        let (x_vec, g_vec) = match (words_of(&xd), gd.as_ref().map(|g| words_of(g))) {
            (Some(xv), None) => (xv, Vec::new()),
            (Some(xv), Some(Some(gv))) if gv.len() == xv.len() => (xv, gv),
            _ => (Vec::new(), Vec::new()),
        };
        let x_words = if x_vec.is_empty() { 0 } else { k / (4 * x_vec.len()) };
        // The block's eight vec4s: word b · (words per block) + u, vec4 e of that word.
        let per_block = if x_vec.is_empty() { 0 } else { 8 / x_vec.len() };
        let block_vecs: Vec<serde_json::Value> = (0..per_block)
            .flat_map(|u| {
                let at = format!("b * {per_block}u + {u}u");
                let (xv, gv) = (&x_vec, &g_vec);
                (0..xv.len()).map(move |e| serde_json::json!({"x": xv[e].replace("WI", &at), "g": gv.get(e).map_or(String::new(), |g| g.replace("WI", &at))}))
            })
            .collect();
        let vec = !x_vec.is_empty();
        let mut spec = KernelSpec::cooperative("packed_int8_row", blocks.div_ceil(wg as usize) as u64, wg);
        spec = if vec { spec.read_words("x", x) } else { spec.read("x", x) };
        if let Some(g) = g {
            spec = if vec { spec.read_words("g", g) } else { spec.read("g", g) };
        }
        let spec = spec
            .write("y", y)
            .param("xlead", xlead)
            .param("ylead", ylead)
            .param("x_vec", x_vec)
            .param("block_vecs", block_vecs)
            .param("x_words", x_words)
            .param("k", k)
            .param("blocks", blocks)
            .param("pairs", self.int4_pairs)
            .param("odd_at", k / 8)
            .param("scales_at", scales)
            .param("sums_at", sums)
            .param("norm", self.norm.is_some())
            .param("eps", self.norm.unwrap_or(0.0))
            .param("wg", wg)
            .param("half_wg", wg / 2)
            .uses_int8_dot();
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

    #[test]
    fn packs_both_layouts_and_unpacks_to_the_block_quantization() {
        // Block 0: amax 2 (value v → round(v · 63.5)); block 1 all 1.0 (127, scale 1/127).
        let mut row = vec![0f32; 64];
        row[..4].copy_from_slice(&[2.0, -1.0, 0.5, 1.0]);
        row[32..].iter_mut().for_each(|v| *v = 1.0);
        let x = Value::f32(vec![1, 64], row.clone());
        let (want_q, want_s) = super::super::linear::int8_blocks(&row, 64);
        for pairs in [false, true] {
            let out = PackedInt8Row { int4_pairs: pairs, norm: None }.eval(&[Some(&x)]).expect("eval").remove(0);
            assert_eq!(out.shape, vec![1, layout(64, pairs).2]);
            let (q, s) = unpack(&out, 64, pairs).expect("unpack");
            assert_eq!((q, s), (want_q.clone(), want_s.clone()), "int4_pairs = {pairs}");
            let w = out.as_i64();
            if pairs {
                // Word 0: the even inputs 0, 2, 4, 6 of block 0 (127, 32, 0, 0); word 8
                // (K/8): the odd ones 1, 3, 5, 7 (-64, 64, 0, 0); the sums 8 · Σ q.
                assert_eq!(w[0], i64::from(i32::from_le_bytes([127, 32, 0, 0])));
                assert_eq!(w[8], i64::from(i32::from_le_bytes([(-64i8) as u8, 64, 0, 0])));
                assert_eq!(float(w[layout(64, true).1 + 1]), 8.0 * 127.0 * 32.0);
            } else {
                assert_eq!(w[0], i64::from(i32::from_le_bytes([127, (-64i8) as u8, 32, 64])));
            }
        }
        assert!(PackedInt8Row { int4_pairs: false, norm: None }.eval(&[Some(&Value::f32(vec![2, 32], vec![0.0; 64]))]).is_err(), "one row only");
        assert!(check(64, layout(64, false).2 + 1, false).is_err());
    }
}
