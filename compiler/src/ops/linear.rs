//! Linear (driftc-internal, built by the LLM frontend): y[.., n] = Σ_k x[.., k] · w[n, k],
//! the weight kept in the checkpoint's [out, in] layout (PyTorch's `F.linear`, ONNX Gemm
//! with transB). Each output's weights are one contiguous row, so a decode step streams
//! them in 16-byte words (`linear_matvec`), and a tied LM head reads the embedding table
//! itself. The weight may be f32/f16 or int8 (q8: the per-row scale is a Mul after it, or
//! for one row the `row_scale` input).
//! With `norm` (set by `passes::fuse_rms_linear` for one-row X), X is RMS-normalized with
//! that epsilon and scaled by G first, inside the kernel: y = (x / rms(x) · g) · wᵀ.
//!
//! With `rope` (set by `passes::fuse_linear_rotary` for one-row X), the outputs are then
//! turned as RoPE (rotate_half pairs i, i + d/2 of each head of `rope` = d features) by
//! the angles of row `position_ids` of the [ctx, d/2] cos/sin tables.
//!
//! With `act_int8` (int8 W; set by the LLM frontend for decode where the target asks for
//! it), each row of X (normalized first with `norm`) is quantized to int8 in blocks of 32
//! inputs, each with its own scale amax / 127, rounding half to even, and the products are
//! int8 dot products summed in integers per block: y = Σ_blocks (Σ q(x)·w) · amax_b / 127.
//!
//! With `row_scale` (set by `passes::fuse_linear_scale` for one-row X), output n is
//! multiplied by S[n] after the sum and before RoPE: q8's per-row weight scale.
//!
//! With `kv_append` = d (set by `passes::fuse_linear_kv_append` for one-row X), the N
//! outputs are a decode step's keys or values, N / d heads of d, written in place into
//! row `position` of the KV cache C [1, N / d, ctx, d] (dropped at or past ctx), and the
//! output is that cache.
//!
//! With `k_splits` = S > 1 (set by `passes::split_linear_k` for prefill products whose
//! tiles are too few to fill the GPU; no other option), the output is S partial products
//! [S, .., N], part s summed over inputs s·K/S .. (s+1)·K/S only.
//!
//! With `gate` (set by `passes::fuse_linear_gate`: a gated feed-forward's gate and up
//! projections in one kernel, the decode kernel for one-row X, the gated
//! cooperative-matrix product for several rows), a second weight W_g of W's shape and format is
//! multiplied by the same (normalized, quantized) X, scaled per row by S_g when the gate
//! had a scale, put through the gate's activation, and multiplies the outputs. No RoPE or
//! KV-cache append then.
//!
//! With `combine` (set by `passes::fuse_combine_linear` for a decode step's output
//! projection, where the target asks for it), X is the split decode attention's partials
//! [1, H, 1, S, d + 2] (`AttentionCombine`'s input) and the row multiplied is their combination,
//! [1, 1, H·d]: the combining dispatch folds into the projection's workgroups.
//!
//! Inputs: X [.., K], W [N, K], then G [K] with `norm`, then S [N] with `row_scale`, then
//! cos, sin [ctx, d/2] and position_ids (one per row of X) with `rope`, then C and
//! position [1] with `kv_append`, then W_g [N, K] and S_g [N] with `gate` (S_g when its
//! `scaled`). Output [.., N], or C's shape with `kv_append`.

use std::any::Any;

use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, DType, Value};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Linear {
    /// RMSNorm epsilon when X is normalized (by input 2, G) inside the product.
    pub norm: Option<f32>,
    /// Head size d when the outputs are turned by RoPE (inputs cos, sin, position_ids
    /// after G and S).
    pub rope: Option<usize>,
    /// X quantized per row to int8 before int8 dot products (int8 W only).
    pub act_int8: bool,
    /// Outputs scaled per row by input S (after G).
    pub row_scale: bool,
    /// Head size d when the outputs are appended to a KV cache in place (inputs C,
    /// position after the RoPE inputs).
    pub kv_append: Option<usize>,
    /// X is already quantized: a `PackedInt8Row` (input order, K from W) shared with the
    /// other projections of the same row; the outputs are of this type.
    pub packed: Option<DType>,
    /// K cut into this many equal ranges (set by `passes::split_linear_k` for prefill
    /// products too few to fill the GPU; 0 or 1: not cut): the output is [S, .., N], part s
    /// the sum over range s alone, which a ReduceSum over axis 0 adds up.
    pub k_splits: usize,
    /// The gate of a gated feed-forward (set by `passes::fuse_linear_gate`):
    /// a second product x · W_gᵀ with the same options, optionally scaled per row by S_g,
    /// through `act`, multiplies the outputs: y = (x · Wᵀ) · act(S_g · x · W_gᵀ).
    pub gate: Option<Gate>,
    /// X holds split attention partials [1, H, 1, S, d + 2], combined into the row
    /// [1, 1, H·d] first (no norm, RoPE, KV-cache append, packed row, cut or gate).
    pub combine: bool,
}

/// The gate folded into a Linear (`Linear::gate`): its activation (a unary element-wise
/// op: SiLU, tanh-GELU) and whether a per-row scale (q8's) precedes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub act: super::elementwise::ElementwiseOp,
    pub scaled: bool,
}

impl Linear {
    /// The gated product's reference: the plain product with W (its options and scale),
    /// the gate's with W_g (the same options, no row scale), times S_g when scaled, through
    /// the activation, multiplied.
    fn eval_gated(&self, gate: &Gate, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        if self.rope.is_some() || self.kv_append.is_some() || self.k_splits > 1 {
            return Err(invalid("a gated Linear takes no RoPE, KV-cache append or cut along K"));
        }
        let at = self.gate_at();
        let plain = Linear { gate: None, ..self.clone() };
        let up = plain.eval(inputs.get(..at).ok_or_else(|| invalid("a gated Linear lacks its inputs"))?)?.remove(0);
        let wg = arg(inputs, at, "W_g")?;
        let w = arg(inputs, 1, "W")?;
        if wg.shape != w.shape || wg.dtype != w.dtype {
            return Err(invalid(format!("the gate's weight {:?} {:?} differs from W's {:?} {:?}", wg.shape, wg.dtype, w.shape, w.dtype)));
        }
        let mut gate_inputs: Vec<Option<&Value>> = inputs.get(..self.scale_at()).map(<[_]>::to_vec).unwrap_or_default();
        if let Some(slot) = gate_inputs.get_mut(1) {
            *slot = Some(wg);
        }
        let g = Linear { gate: None, row_scale: false, ..self.clone() }.eval(&gate_inputs)?.remove(0).as_f32();
        let scale = if gate.scaled { Some(arg(inputs, at + 1, "S_g")?.as_f32()) } else { None };
        gated(gate, &up, &g, scale.as_deref(), w.shape.first().copied().unwrap_or(1))
    }
    /// K cut into `k_splits` equal ranges: only plain products (no option folded in), K a
    /// multiple of the splits.
    fn check_splits(&self, k: usize) -> Result<(), OpError> {
        let plain = Linear { k_splits: 0, ..Linear::default() } == Linear { k_splits: 0, ..self.clone() };
        if !plain {
            return Err(invalid("a Linear cut along K (k_splits) takes no folded norm, RoPE, int8 activations, row scale, KV-cache append or packed row"));
        }
        check_k_splits(self.k_splits, k)
    }
    /// Index of the cos table input (then sin, then position_ids) when `rope` is set.
    pub fn rope_at(&self) -> usize {
        self.scale_at() + usize::from(self.row_scale)
    }
    /// Index of the KV cache input C (then position) when `kv_append` is set.
    pub fn kv_at(&self) -> usize {
        self.rope_at() + if self.rope.is_some() { 3 } else { 0 }
    }
    /// Index of the gate's weight W_g (then its scale S_g when `scaled`) when `gate` is set.
    pub fn gate_at(&self) -> usize {
        self.kv_at() + if self.kv_append.is_some() { 2 } else { 0 }
    }
    /// Index of the row-scale input S when `row_scale` is set.
    pub fn scale_at(&self) -> usize {
        2 + usize::from(self.norm.is_some())
    }
    /// The shape of the row X stands for: with `combine`, the combined partials'
    /// [1, 1, H·d]; else X's own.
    fn row_shape(&self, x: &[usize]) -> Result<Vec<usize>, OpError> {
        if !self.combine {
            return Ok(x.to_vec());
        }
        let only = Linear { combine: true, act_int8: self.act_int8, row_scale: self.row_scale, ..Linear::default() };
        if *self != only {
            return Err(invalid("a Linear combining attention partials takes no folded norm, RoPE, KV-cache append, packed row, cut or gate"));
        }
        let (heads, _, d) = partials(x)?;
        Ok(vec![1, 1, heads * d])
    }
    /// (K, N): from X and W, or with `packed` from W, X checked to hold K packed.
    fn geometry(&self, x: &[usize], w: &[usize]) -> Result<(usize, usize), OpError> {
        if self.combine {
            return geometry(&self.row_shape(x)?, w);
        }
        match (self.packed, w) {
            (None, _) => geometry(x, w),
            (Some(_), _) if self.norm.is_some() || self.act_int8 => Err(invalid("a packed int8 row X is already normalized and quantized (no norm, no act_int8)")),
            (Some(_), &[n, k]) => {
                let words = x.last().copied().unwrap_or(0);
                if numel(x) != Some(words) {
                    return Err(invalid(format!("a packed int8 row X must be one row, got {x:?}")));
                }
                super::packed_int8_row::check(k, words, false)?;
                Ok((k, n))
            }
            _ => Err(invalid(format!("Linear needs W [N, K], got {w:?}"))),
        }
    }
}

/// (H, S, d) of split attention partials [1, H, 1, S, d + 2] (`Linear::combine`'s X).
fn partials(x: &[usize]) -> Result<(usize, usize, usize), OpError> {
    match *x {
        [1, h, 1, s, w] if w > 2 && s > 0 => Ok((h, s, w - 2)),
        _ => Err(invalid(format!("attention partials X {x:?} must be [1, H, 1, S, d + 2]"))),
    }
}

/// RoPE (rotate_half) on rows of `n` outputs: heads of `d` features, row r turned by row
/// `positions[r]` of the [ctx, d/2] tables.
pub fn rope_rows(out: &mut [f32], n: usize, d: usize, cos: &Value, sin: &Value, positions: &[i64]) -> Result<(), OpError> {
    let half = d / 2;
    if d == 0 || !d.is_multiple_of(2) || !n.is_multiple_of(d) || cos.shape.len() != 2 || cos.shape.get(1) != Some(&half) || sin.shape != cos.shape {
        return Err(invalid(format!("RoPE tables {:?} / {:?} do not fit heads of {d} in {n} outputs", cos.shape, sin.shape)));
    }
    let (cs, ss, ctx) = (cos.as_f32(), sin.as_f32(), cos.shape[0]);
    for (r, row) in out.chunks_mut(n.max(1)).enumerate() {
        let p = positions.get(r).copied().and_then(|p| usize::try_from(p).ok()).filter(|&p| p < ctx).ok_or_else(|| invalid(format!("position id of row {r} is outside the {ctx}-row tables")))?;
        for head in row.chunks_mut(d) {
            for i in 0..half {
                let (c, s) = (cs[p * half + i], ss[p * half + i]);
                let (x1, x2) = (head[i], head[i + half]);
                head[i] = x1 * c - x2 * s;
                head[i + half] = x1 * s + x2 * c;
            }
        }
    }
    Ok(())
}

/// Inputs per int8 activation scale: each block of 32 consecutive inputs of a row is
/// quantized with its own scale. One scale per row let outlier channels flatten the rest:
/// SmolLM2-135M q8 on 512 tokens of GPL-3 (lavapipe, int8 prefill) went from perplexity
/// 18.79 (float activations) to 20.22; with blocks of 32 it is 18.77.
pub const ACT_INT8_BLOCK: usize = 32;

/// Rows of `k` values quantized to int8 in blocks of [`ACT_INT8_BLOCK`] (the last block of
/// a row may be shorter): scale amax / 127 per block, values rounded half to even.
/// Returns the int8 values and the scales, `k.div_ceil(ACT_INT8_BLOCK)` per row.
pub fn int8_blocks(x: &[f32], k: usize) -> (Vec<i8>, Vec<f32>) {
    let mut q = Vec::with_capacity(x.len());
    let mut scales = Vec::with_capacity(x.len() / k.max(1) * k.div_ceil(ACT_INT8_BLOCK));
    for row in x.chunks(k.max(1)) {
        for block in row.chunks(ACT_INT8_BLOCK) {
            let amax = block.iter().fold(0f32, |m, v| m.max(v.abs()));
            let inv = if amax > 0.0 { 127.0 / amax } else { 0.0 };
            q.extend(block.iter().map(|v| (v * inv).round_ties_even().clamp(-127.0, 127.0) as i8));
            scales.push(amax / 127.0);
        }
    }
    (q, scales)
}

/// Σ over blocks of (the block's integer dot product of `q` and `w`) · its scale: one row
/// of int8 activations (with `scales`, one per block) against one int8 weight row.
pub fn int8_block_dot(q: &[i8], w: &[i64], scales: &[f32]) -> f32 {
    q.chunks(ACT_INT8_BLOCK).zip(w.chunks(ACT_INT8_BLOCK)).zip(scales).fold(0f32, |acc, ((qb, wb), &s)| {
        let sum: i64 = qb.iter().zip(wb).map(|(&a, &b)| i64::from(a) * b).sum();
        acc + sum as f32 * s
    })
}

/// X RMS-normalized over its last dimension (`k` values per row) and scaled by `g`: the
/// RMSNormalization reference's arithmetic (f64 statistics).
pub fn rms_rows(x: &[f32], g: &[f32], k: usize, eps: f32) -> Result<Vec<f32>, OpError> {
    if g.len() != k {
        return Err(invalid(format!("norm scale has {} values for rows of {k}", g.len())));
    }
    let mut out = x.to_vec();
    for row in out.chunks_mut(k.max(1)) {
        let ms = row.iter().map(|&v| v as f64 * v as f64).sum::<f64>() / k.max(1) as f64;
        let inv = 1.0 / (ms + eps as f64).sqrt();
        for (v, s) in row.iter_mut().zip(g) {
            *v = ((*v as f64 * inv) as f32) * s;
        }
    }
    Ok(out)
}

/// The context length of a KV cache [1, N / d, ctx, d] that N outputs in heads of d append to.
pub fn kv_geometry(cache: &[usize], n: usize, d: usize) -> Result<usize, OpError> {
    match cache {
        &[1, h, ctx, d2] if d2 == d && d > 0 && h * d == n => Ok(ctx),
        _ => Err(invalid(format!("KV cache {cache:?} does not hold {n} outputs as heads of {d}"))),
    }
}

/// The gated outputs up · act(S_g · g) of `n` per row (`Linear::gate`, `LinearQ4::gate`):
/// `up` the product with the up weight, `g` with the gate's, `scale` S_g when scaled.
pub fn gated(gate: &Gate, up: &Value, g: &[f32], scale: Option<&[f32]>, n: usize) -> Result<Vec<Value>, OpError> {
    use super::Elementwise;
    let (u, n) = (up.as_f32(), n.max(1));
    if scale.is_some_and(|s| s.len() != n) || g.len() != u.len() {
        return Err(invalid(format!("the gate's scale must have {n} values and its product the outputs' shape")));
    }
    let out: Vec<f32> = u.iter().zip(g).enumerate().map(|(i, (&u, &g))| u * gate.act.eval_f32(&[scale.map_or(g, |s| g * s.get(i % n).copied().unwrap_or(1.0))])).collect();
    Ok(vec![Value::from_f32_as(up.dtype, up.shape.clone(), out)])
}

/// K cuts into `splits` (> 1) equal ranges.
pub fn check_k_splits(splits: usize, k: usize) -> Result<(), OpError> {
    if splits > 1 && !k.is_multiple_of(splits) {
        return Err(invalid(format!("K = {k} does not cut into {splits} equal ranges (k_splits)")));
    }
    Ok(())
}

/// The shape of `splits` partial products of outputs `out`: [splits, out..].
pub fn split_shape(splits: usize, out: &[usize]) -> Vec<usize> {
    std::iter::once(splits).chain(out.iter().copied()).collect()
}

/// (K, N) of x [.., K] · w[N, K]ᵀ.
pub fn geometry(x: &[usize], w: &[usize]) -> Result<(usize, usize), OpError> {
    match (x.last(), w) {
        (Some(&k), &[n, k2]) if k == k2 => Ok((k, n)),
        _ => Err(invalid(format!("Linear needs X [.., K] and W [N, K], got {x:?} and {w:?}"))),
    }
}

/// The output shape: X's with its last dimension replaced by N.
pub fn out_shape(x: &[usize], n: usize) -> Vec<usize> {
    let mut out = x.to_vec();
    if let Some(last) = out.last_mut() {
        *last = n;
    }
    out
}

impl Op for Linear {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1]
    }
    fn op_type(&self) -> &'static str {
        "Linear"
    }
    fn attrs(&self) -> String {
        let mut a: Vec<String> = Vec::new();
        if let Some(e) = self.norm {
            a.push(format!("rms_norm_epsilon={e}"));
        }
        if let Some(d) = self.rope {
            a.push(format!("rope_head={d}"));
        }
        if self.act_int8 {
            a.push("act_int8".into());
        }
        if self.row_scale {
            a.push("row_scale".into());
        }
        if let Some(d) = self.kv_append {
            a.push(format!("kv_append_head={d}"));
        }
        if let Some(t) = self.packed {
            a.push(format!("packed_int8_row={t:?}"));
        }
        if self.combine {
            a.push("combine_attention_splits".into());
        }
        if self.k_splits > 1 {
            a.push(format!("k_splits={}", self.k_splits));
        }
        if let Some(gt) = &self.gate {
            a.push(format!("gate={:?}{}", gt.act.kind, if gt.scaled { "+scale" } else { "" }));
        }
        a.join(",")
    }
    fn in_place_input(&self) -> Option<usize> {
        self.kv_append.map(|_| self.kv_at())
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, w) = (fact(inputs, 0, "X")?, fact(inputs, 1, "W")?);
        let (_, n) = self.geometry(x.shape, w.shape)?;
        if let Some(d) = self.kv_append {
            let c = fact(inputs, self.kv_at(), "C")?;
            kv_geometry(c.shape, n, d)?;
            return Ok(vec![OutFact::new(c.dtype, c.shape.to_vec())]);
        }
        if let Some(gate) = &self.gate {
            let at = self.gate_at();
            let wg = fact(inputs, at, "W_g")?;
            if wg.shape != w.shape || wg.dtype != w.dtype || self.rope.is_some() || self.kv_append.is_some() {
                return Err(invalid(format!("a gated Linear needs W_g of W's shape and type ({:?} {:?}, got {:?} {:?}) and no RoPE or KV-cache append", w.shape, w.dtype, wg.shape, wg.dtype)));
            }
            if gate.scaled && fact(inputs, at + 1, "S_g")?.shape != [n] {
                return Err(invalid(format!("the gate's scale S_g must be [{n}]")));
            }
        }
        if self.k_splits > 1 {
            let (k, _) = self.geometry(x.shape, w.shape)?;
            self.check_splits(k)?;
            return Ok(vec![OutFact::new(x.dtype, split_shape(self.k_splits, &out_shape(x.shape, n)))]);
        }
        Ok(vec![OutFact::new(self.packed.unwrap_or(x.dtype), out_shape(&self.row_shape(x.shape)?, n))])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        if let Some(gate) = &self.gate {
            return self.eval_gated(gate, inputs);
        }
        if self.combine {
            // The partials combined (AttentionCombine's arithmetic) into the row, then the
            // plain product.
            let parts = arg(inputs, 0, "X")?;
            let row_shape = self.row_shape(&parts.shape)?;
            let mut row = super::attention_combine::AttentionCombine.eval(&[Some(parts)])?.remove(0);
            row.shape = row_shape;
            let mut args = inputs.to_vec();
            if let Some(first) = args.first_mut() {
                *first = Some(&row);
            }
            return Linear { combine: false, ..self.clone() }.eval(&args);
        }
        let (x, w) = (arg(inputs, 0, "X")?, arg(inputs, 1, "W")?);
        let (k, n) = self.geometry(&x.shape, &w.shape)?;
        let (mut xs, ws) = (if self.packed.is_some() { Vec::new() } else { x.as_f32() }, w.as_f32());
        if let Some(eps) = self.norm {
            xs = rms_rows(&xs, &arg(inputs, 2, "G")?.as_f32(), k, eps)?;
        }
        let rows = if self.packed.is_some() { 1 } else { xs.len() / k.max(1) };
        let mut out = vec![0f32; rows * n];
        if (self.act_int8 || self.packed.is_some()) && w.dtype != crate::ir::DType::I8 {
            return Err(invalid(format!("int8 activations need int8 weights, got {:?}", w.dtype)));
        }
        if self.act_int8 || self.packed.is_some() {
            // Integer sums (the device's int32; i64 here, no overflow either way for K < 2^17).
            let (qs, scales) = match self.packed {
                Some(_) => super::packed_int8_row::unpack(x, k, false)?,
                None => int8_blocks(&xs, k),
            };
            let nb = k.div_ceil(ACT_INT8_BLOCK);
            let wi: Vec<i64> = ws.iter().map(|&v| v as i64).collect();
            for r in 0..rows {
                let (qr, sr) = (&qs[r * k..(r + 1) * k], &scales[r * nb..(r + 1) * nb]);
                for (c, o) in out[r * n..(r + 1) * n].iter_mut().enumerate() {
                    *o = int8_block_dot(qr, &wi[c * k..(c + 1) * k], sr);
                }
            }
        } else if self.k_splits > 1 {
            self.check_splits(k)?;
            let part = k / self.k_splits;
            let mut parts = vec![0f32; self.k_splits * rows * n];
            for (s, block) in parts.chunks_mut((rows * n).max(1)).enumerate() {
                let range = s * part..(s + 1) * part;
                for r in 0..rows {
                    let xr = &xs[r * k + range.start..r * k + range.end];
                    for (c, o) in block[r * n..(r + 1) * n].iter_mut().enumerate() {
                        *o = xr.iter().zip(&ws[c * k + range.start..c * k + range.end]).map(|(a, b)| a * b).sum();
                    }
                }
            }
            return Ok(vec![Value::from_f32_as(x.dtype, split_shape(self.k_splits, &out_shape(&x.shape, n)), parts)]);
        } else {
            for r in 0..rows {
                let xr = &xs[r * k..(r + 1) * k];
                for (c, o) in out[r * n..(r + 1) * n].iter_mut().enumerate() {
                    *o = xr.iter().zip(&ws[c * k..(c + 1) * k]).map(|(a, b)| a * b).sum();
                }
            }
        }
        if self.row_scale {
            let s = arg(inputs, self.scale_at(), "S")?.as_f32();
            if s.len() != n {
                return Err(invalid(format!("row scale has {} values for {n} outputs", s.len())));
            }
            for row in out.chunks_mut(n.max(1)) {
                row.iter_mut().zip(&s).for_each(|(o, s)| *o *= s);
            }
        }
        if let Some(d) = self.rope {
            let at = self.rope_at();
            let (cos, sin, pos) = (arg(inputs, at, "cos")?, arg(inputs, at + 1, "sin")?, arg(inputs, at + 2, "position_ids")?);
            rope_rows(&mut out, n, d, cos, sin, &pos.as_i64())?;
        }
        if let Some(d) = self.kv_append {
            let (c, p) = (arg(inputs, self.kv_at(), "C")?, arg(inputs, self.kv_at() + 1, "position")?);
            let ctx = kv_geometry(&c.shape, n, d)?;
            if rows != 1 {
                return Err(invalid(format!("appending to a KV cache needs one row of X, got {rows}")));
            }
            let mut cache = c.as_f32();
            let pos = p.as_i64().first().copied().ok_or_else(|| invalid("position holds no value"))?;
            let pos = usize::try_from(pos).map_err(|_| invalid(format!("position {pos} is negative")))?;
            if pos < ctx {
                for (h, head) in out.chunks(d).enumerate() {
                    let at = (h * ctx + pos) * d;
                    cache[at..at + d].copy_from_slice(head);
                }
            }
            return Ok(vec![Value::from_f32_as(c.dtype, c.shape.clone(), cache)]);
        }
        Ok(vec![Value::from_f32_as(self.packed.unwrap_or(x.dtype), out_shape(&x.shape, n), out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, w, y) = (kb.input(0)?, kb.input(1)?, kb.output(0)?);
        let (k, n) = self.geometry(kb.shape(x), kb.shape(w)).map_err(|e| kb.err(e.to_string()))?;
        let norm = match self.norm {
            Some(eps) => Some((kb.input(2)?, eps)),
            None => None,
        };
        let rope = match self.rope {
            Some(d) => {
                let at = self.rope_at();
                Some(super::linear_matvec::Rope { head: d, cos: kb.input(at)?, sin: kb.input(at + 1)?, position_ids: kb.input(at + 2)? })
            }
            None => None,
        };
        let row_scale = if self.row_scale { Some(kb.input(self.scale_at())?) } else { None };
        let kv = match self.kv_append {
            Some(head) => {
                let ctx = kv_geometry(kb.shape(kb.input(self.kv_at())?), n, head).map_err(|e| kb.err(e.to_string()))?;
                Some(super::linear_matvec::KvAppend { head, position: kb.input(self.kv_at() + 1)?, ctx })
            }
            None => None,
        };
        let folded = norm.is_some() || rope.is_some() || row_scale.is_some() || kv.is_some();
        let act = super::linear_matvec::Act::of(self.act_int8, self.packed.is_some());
        let one_row = self.combine || numel(kb.shape(x)) == Some(if self.packed.is_some() { kb.shape(x).last().copied().unwrap_or(0) } else { k });
        let combine = if self.combine {
            let (heads, splits, d) = partials(kb.shape(x)).map_err(|e| kb.err(e.to_string()))?;
            Some(super::linear_matvec::Combine { heads, splits, d })
        } else {
            None
        };
        let gate = match &self.gate {
            Some(gt) => {
                let at = self.gate_at();
                Some(super::linear_matvec::GateIn { w: kb.input(at)?, q4_scales: None, scale: if gt.scaled { Some(kb.input(at + 1)?) } else { None }, act: gt.act.clone() })
            }
            None => None,
        };
        if one_row && self.k_splits <= 1 && super::linear_matvec::emit(kb, x, w, None, norm, rope, row_scale, act, kv, y, k, n, gate.clone(), combine)? {
            return Ok(());
        }
        if self.combine {
            return Err(kb.no_kernel("a Linear combining attention partials needs the decode kernel (WGSL, workgroups of two lanes or more)"));
        }
        if gate.is_some() {
            // Several rows: the gated cooperative-matrix product, or on OpenCL the gated
            // warpgroup product (the fold asked `linear_coop::gate_qualifies` or
            // `linear_wgmma::gate_qualifies` first).
            let m = numel(kb.shape(x)).unwrap_or(0) / k.max(1);
            if !folded && !self.act_int8 && self.packed.is_none() && self.k_splits <= 1 && (super::linear_wgmma::emit(kb, x, w, y, m, n, k, gate.as_ref())? || super::linear_coop::emit(kb, x, w, None, y, k, n, 1, gate)?) {
                return Ok(());
            }
            return Err(kb.no_kernel("a gated Linear needs one activation row and the decode kernel (workgroups of two lanes or more), or several rows and the gated cooperative-matrix product (tuning.prefill_fused_gate on a target with prefill cooperative matrices, f16) or, on OpenCL, the gated warpgroup product (tuning.opencl_ptx_wgmma, f16, whole tiles)"));
        }
        if self.act_int8 || self.packed.is_some() {
            return Err(kb.no_kernel("a Linear with int8 activations needs one activation row and workgroups of two lanes or more"));
        }
        if folded {
            return Err(kb.no_kernel("a Linear with a folded RMSNorm, row scale, RoPE or KV-cache append needs one activation row and workgroups of two rows or more"));
        }
        // Several rows (prefill): matrix units (cooperative matrices; NVIDIA's through
        // OpenCL's inline PTX), else shared-memory tiles; where the target's workgroups are too
        // small, the matmul template with B transposed (a 1-D X is seen as one row).
        let splits = self.k_splits.max(1);
        if splits > 1 {
            self.check_splits(k).map_err(|e| kb.err(e.to_string()))?;
        }
        if super::linear_coop::emit(kb, x, w, None, y, k, n, splits, None)? || super::linear_mma::emit(kb, x, w, None, y, k, n, splits)? || super::linear_tiled::emit(kb, x, w, None, y, k, n, splits)? {
            return Ok(());
        }
        if splits > 1 {
            return Err(kb.no_kernel("a Linear cut along K needs the tiled or cooperative-matrix prefill kernel (workgroups of 256 lanes)"));
        }
        let (xv, yv) = if kb.shape(x).len() >= 2 { (kb.shape(x).to_vec(), kb.shape(y).to_vec()) } else { (vec![1, k], vec![1, n]) };
        let spec = KernelSpec::new("matmul", numel(&yv).unwrap_or(0) as u64, kb.wg_conv()).read_view("a", x, xv).read("b", w);
        super::matmul::emit(kb, spec, y, yv, k, Some((false, true, 1.0, 0.0, None)))
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::matmul::MatMul;

    #[test]
    fn int8_activations_round_half_to_even_per_block() {
        // Row amax 127: scale exactly 1, so 0.5, 1.5 and 2.5 are ties (to 0, 2, 2).
        let (q, s) = int8_blocks(&[127.0, 0.5, 1.5, 2.5, 0.0, 0.0, 0.0, 0.0], 4);
        assert_eq!(q, vec![127, 0, 2, 2, 0, 0, 0, 0]);
        assert_eq!(s, vec![1.0, 0.0]);
        // y = (127·1 + 0·2 + 2·3 + 2·(−1)) · 1 for W = [[1, 2, 3, −1]].
        let x = Value::f32(vec![1, 4], vec![127.0, 0.5, 1.5, 2.5]);
        let w = Value { dtype: crate::ir::DType::I8, shape: vec![1, 4], data: crate::ir::value::Data::I64(vec![1, 2, 3, -1]) };
        let y = Linear { act_int8: true, ..Linear::default() }.eval(&[Some(&x), Some(&w)]).expect("linear").remove(0).as_f32();
        assert_eq!(y, vec![131.0]);
        let wf = Value::f32(vec![1, 4], vec![1.0, 2.0, 3.0, -1.0]);
        assert!(Linear { act_int8: true, ..Linear::default() }.eval(&[Some(&x), Some(&wf)]).is_err(), "int8 activations need int8 weights");
        // Blocks of 32 keep their own scales: an outlier of 127 in the first block leaves
        // the second block's small values exact (scale 1/127 there, not 1).
        let row: Vec<f32> = (0..40).map(|i| if i == 0 { 127.0 } else if i >= 32 { 1.0 } else { 0.0 }).collect();
        let (q, s) = int8_blocks(&row, 40);
        assert_eq!(s, vec![1.0, 1.0 / 127.0]);
        assert_eq!(&q[32..], &[127; 8]);
    }

    #[test]
    fn equals_matmul_with_the_weight_transposed() {
        let x = Value::f32(vec![2, 3], vec![1.0, -2.0, 0.5, 3.0, 0.25, -1.0]);
        let w = Value::f32(vec![2, 3], vec![0.5, 1.0, -1.0, 2.0, 0.0, 4.0]);
        let wt = Value::f32(vec![3, 2], vec![0.5, 2.0, 1.0, 0.0, -1.0, 4.0]);
        let y = Linear::default().eval(&[Some(&x), Some(&w)]).expect("linear");
        let want = MatMul.eval(&[Some(&x), Some(&wt)]).expect("matmul");
        assert_eq!(y[0].shape, vec![2, 2]);
        assert_eq!(y[0].as_f32(), want[0].as_f32());
        assert!(geometry(&[2, 3], &[3, 2]).is_err(), "K must match W's second dimension");
    }
}
