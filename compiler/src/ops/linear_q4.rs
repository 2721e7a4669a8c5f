//! LinearQ4 (driftc-internal, built by the LLM frontend for `--quant 8/4/4`):
//! y[.., n] = Σ_k x[.., k] · q[n, k] · scale[n, k / block], the [out, in] weight in int4
//! packed two inputs per byte with per-row block scales (`passes::quantize::
//! per_row_block_int4`, the embedding table's format too, so a tied LM head reads the
//! table itself). Decode streams the packed rows in 16-byte words (`linear_matvec`); the
//! prefill kernel unpacks the nibbles with float arithmetic on the int8 accessor's byte.
//!
//! With `norm`, X is RMS-normalized and scaled by G first, as in `Linear`.
//!
//! With `act_int8` (set by the LLM frontend for decode where the target asks for it),
//! each row of X (normalized first) is quantized to int8 in blocks of 32 inputs as in
//! `Linear`, and each block's products are summed in integers:
//! y = Σ_blocks (Σ q(x)·q) · amax_b / 127 · scale[n, block] (blocks a multiple of 32).
//!
//! With `k_splits` = S > 1, the output is S partial products [S, .., N] over equal ranges
//! of K (as `Linear`'s). With `gate`, a second int4 weight of the same layout is
//! the gate: y = (x · Wᵀ) · act(S_g · x · W_gᵀ), as `Linear`'s.
//!
//! Inputs: X [.., K] (f32/f16), packed [N, K/2] (int8), scales [N, K/block], G [K] with
//! `norm`, then packed_g, scales_g and S_g [N] with `gate`. Output [.., N].

use std::any::Any;

use super::linear::ACT_INT8_BLOCK;
use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, DType, Value};
use crate::passes::quantize::unpack;

#[derive(Debug, Clone, PartialEq)]
pub struct LinearQ4 {
    pub block: usize,
    /// RMSNorm epsilon when X is normalized (by the last input, G) inside the product.
    pub norm: Option<f32>,
    /// X quantized per row to int8 (blocks of 32) before integer dot products.
    pub act_int8: bool,
    /// X is already quantized: a `PackedInt8Row` in int4 pairs (K from the packed
    /// weight) shared with the other projections of the same row; outputs of this type.
    pub packed: Option<DType>,
    /// K cut into this many equal ranges, as `Linear::k_splits`: output [S, .., N] of
    /// partial products (set by `passes::split_linear_k`; no other option).
    pub k_splits: usize,
    /// A gated feed-forward's gate folded in, as `Linear::gate`: inputs packed_g and
    /// scales_g (this weight's layout), then S_g when scaled (`passes::fuse_linear_gate`).
    pub gate: Option<super::linear::Gate>,
}

impl LinearQ4 {
    /// Index of the gate's packed weight (then its scales, then S_g when scaled).
    pub fn gate_at(&self) -> usize {
        3 + usize::from(self.norm.is_some())
    }
    /// The gated product's reference (`Linear::gate`'s arithmetic).
    fn eval_gated(&self, gate: &super::linear::Gate, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        if self.k_splits > 1 {
            return Err(invalid("a gated LinearQ4 is not cut along K"));
        }
        let at = self.gate_at();
        let plain = LinearQ4 { gate: None, ..self.clone() };
        let up = plain.eval(inputs.get(..at).ok_or_else(|| invalid("a gated LinearQ4 lacks its inputs"))?)?.remove(0);
        let (q, s) = (arg(inputs, 1, "packed")?, arg(inputs, 2, "scales")?);
        let (qg, sg) = (arg(inputs, at, "packed_g")?, arg(inputs, at + 1, "scales_g")?);
        if qg.shape != q.shape || sg.shape != s.shape {
            return Err(invalid(format!("the gate's weight {:?} / {:?} differs from the up weight's {:?} / {:?}", qg.shape, sg.shape, q.shape, s.shape)));
        }
        let mut gate_inputs: Vec<Option<&Value>> = inputs.get(..at).map(<[_]>::to_vec).unwrap_or_default();
        if let Some(slot) = gate_inputs.get_mut(1) {
            *slot = Some(qg);
        }
        if let Some(slot) = gate_inputs.get_mut(2) {
            *slot = Some(sg);
        }
        let g = plain.eval(&gate_inputs)?.remove(0).as_f32();
        let scale = if gate.scaled { Some(arg(inputs, at + 2, "S_g")?.as_f32()) } else { None };
        super::linear::gated(gate, &up, &g, scale.as_deref(), q.shape.first().copied().unwrap_or(1))
    }
    /// K cut into `k_splits` equal ranges of whole pairs: only a plain product (no norm,
    /// int8 activations or packed row).
    fn check_splits(&self, k: usize) -> Result<(), OpError> {
        if self.norm.is_some() || self.act_int8 || self.packed.is_some() || self.gate.is_some() {
            return Err(invalid("a LinearQ4 cut along K (k_splits) takes no folded norm, int8 activations, packed row or gate"));
        }
        super::linear::check_k_splits(self.k_splits, k)?;
        if !(k / self.k_splits.max(1)).is_multiple_of(2) {
            return Err(invalid(format!("K = {k} in {} ranges splits a packed pair", self.k_splits)));
        }
        Ok(())
    }
    fn geometry(&self, x: &[usize], q: &[usize], s: &[usize]) -> Result<(usize, usize), OpError> {
        if self.packed.is_some() {
            if self.norm.is_some() || self.act_int8 {
                return Err(invalid("a packed int8 row X is already normalized and quantized (no norm, no act_int8)"));
            }
            let words = x.last().copied().unwrap_or(0);
            if numel(x) != Some(words) {
                return Err(invalid(format!("a packed int8 row X must be one row, got {x:?}")));
            }
            let k = q.get(1).copied().unwrap_or(0) * 2;
            super::packed_int8_row::check(k, words, true)?;
            return Self { packed: None, act_int8: true, ..self.clone() }.geometry(&[1, k], q, s);
        }
        let (Some(&k), &[n, half], &[n2, blocks]) = (x.last(), q, s) else {
            return Err(invalid(format!("X {x:?}, packed {q:?} and scales {s:?} must be [.., K], [N, K/2], [N, K/block]")));
        };
        if half * 2 != k || n != n2 || self.block == 0 || blocks * self.block != k {
            return Err(invalid(format!("X {x:?}, packed {q:?} and scales {s:?} do not match blocks of {}", self.block)));
        }
        if self.act_int8 && !self.block.is_multiple_of(ACT_INT8_BLOCK) {
            return Err(invalid(format!("int8 activations quantize blocks of {ACT_INT8_BLOCK} inputs; weight blocks of {} are not a multiple", self.block)));
        }
        Ok((k, n))
    }
}

impl Op for LinearQ4 {
    fn op_type(&self) -> &'static str {
        "LinearQ4"
    }
    fn attrs(&self) -> String {
        let mut a = vec![format!("block={}", self.block)];
        if let Some(e) = self.norm {
            a.push(format!("rms_norm_epsilon={e}"));
        }
        if self.act_int8 {
            a.push("act_int8".into());
        }
        if let Some(t) = self.packed {
            a.push(format!("packed_int8_row={t:?}"));
        }
        if self.k_splits > 1 {
            a.push(format!("k_splits={}", self.k_splits));
        }
        if let Some(gt) = &self.gate {
            a.push(format!("gate={:?}{}", gt.act.kind, if gt.scaled { "+scale" } else { "" }));
        }
        a.join(",")
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, q, s) = (fact(inputs, 0, "X")?, fact(inputs, 1, "packed")?, fact(inputs, 2, "scales")?);
        let (k, n) = self.geometry(x.shape, q.shape, s.shape)?;
        if let Some(gate) = &self.gate {
            let at = self.gate_at();
            let (qg, sg) = (fact(inputs, at, "packed_g")?, fact(inputs, at + 1, "scales_g")?);
            if qg.shape != q.shape || sg.shape != s.shape {
                return Err(invalid(format!("the gate's weight {:?} / {:?} must have the up weight's layout {:?} / {:?}", qg.shape, sg.shape, q.shape, s.shape)));
            }
            if gate.scaled && fact(inputs, at + 2, "S_g")?.shape != [n] {
                return Err(invalid(format!("the gate's scale S_g must be [{n}]")));
            }
        }
        if self.k_splits > 1 {
            self.check_splits(k)?;
            return Ok(vec![OutFact::new(x.dtype, super::linear::split_shape(self.k_splits, &super::linear::out_shape(x.shape, n)))]);
        }
        Ok(vec![OutFact::new(self.packed.unwrap_or(x.dtype), super::linear::out_shape(x.shape, n))])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        if let Some(gate) = &self.gate {
            return self.eval_gated(gate, inputs);
        }
        let (x, q, s) = (arg(inputs, 0, "X")?, arg(inputs, 1, "packed")?, arg(inputs, 2, "scales")?);
        let (k, n) = self.geometry(&x.shape, &q.shape, &s.shape)?;
        let (mut xs, qs, ss) = (if self.packed.is_some() { Vec::new() } else { x.as_f32() }, q.as_i64(), s.as_f32());
        if let Some(eps) = self.norm {
            xs = super::linear::rms_rows(&xs, &arg(inputs, 3, "G")?.as_f32(), k, eps)?;
        }
        let rows = if self.packed.is_some() { 1 } else { xs.len() / k.max(1) };
        let mut out = vec![0f32; rows * n];
        let dtype = self.packed.unwrap_or(x.dtype);
        let shape = super::linear::out_shape(&x.shape, n);
        if self.act_int8 || self.packed.is_some() {
            // Integer sums per 32-input block, then the activation block's scale, then the
            // weight block's (the kernel's order).
            let (xq, xsc) = match self.packed {
                Some(_) => super::packed_int8_row::unpack(x, k, true)?,
                None => super::linear::int8_blocks(&xs, k),
            };
            let nb = k / ACT_INT8_BLOCK;
            for r in 0..rows {
                for c in 0..n {
                    let mut acc = 0f32;
                    for b in 0..nb {
                        let mut sum = 0i64;
                        for p in b * ACT_INT8_BLOCK / 2..(b + 1) * ACT_INT8_BLOCK / 2 {
                            let (lo, hi) = unpack(qs[c * (k / 2) + p]);
                            sum += i64::from(xq[r * k + 2 * p]) * lo as i64 + i64::from(xq[r * k + 2 * p + 1]) * hi as i64;
                        }
                        acc += sum as f32 * xsc[r * nb + b] * ss[c * (k / self.block) + b * ACT_INT8_BLOCK / self.block];
                    }
                    out[r * n + c] = acc;
                }
            }
            return Ok(vec![Value::from_f32_as(dtype, shape, out)]);
        }
        // Part s of `k_splits` sums pairs s·K/2S .. (s+1)·K/2S (one part when not cut).
        let splits = self.k_splits.max(1);
        if splits > 1 {
            self.check_splits(k)?;
        }
        let pairs = k / 2 / splits;
        let mut parts = vec![0f32; splits * rows * n];
        for (sp, block) in parts.chunks_mut((rows * n).max(1)).enumerate() {
            for r in 0..rows {
                for c in 0..n {
                    let mut acc = 0f32;
                    for p in sp * pairs..(sp + 1) * pairs {
                        let (lo, hi) = unpack(qs[c * (k / 2) + p]);
                        let sc = ss[c * (k / self.block) + 2 * p / self.block];
                        acc += (xs[r * k + 2 * p] * lo + xs[r * k + 2 * p + 1] * hi) * sc;
                    }
                    block[r * n + c] = acc;
                }
            }
        }
        if splits > 1 {
            return Ok(vec![Value::from_f32_as(x.dtype, super::linear::split_shape(splits, &shape), parts)]);
        }
        Ok(vec![Value::from_f32_as(dtype, shape, parts)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, q, s, y) = (kb.input(0)?, kb.input(1)?, kb.input(2)?, kb.output(0)?);
        let (k, n) = self.geometry(kb.shape(x), kb.shape(q), kb.shape(s)).map_err(|e| kb.err(e.to_string()))?;
        let norm = match self.norm {
            Some(eps) => Some((kb.input(3)?, eps)),
            None => None,
        };
        let act = super::linear_matvec::Act::of(self.act_int8, self.packed.is_some());
        let one_row = numel(kb.shape(x)) == Some(if self.packed.is_some() { kb.shape(x).last().copied().unwrap_or(0) } else { k });
        let gate = match &self.gate {
            Some(gt) => {
                let at = self.gate_at();
                Some(super::linear_matvec::GateIn { w: kb.input(at)?, q4_scales: Some(kb.input(at + 1)?), scale: if gt.scaled { Some(kb.input(at + 2)?) } else { None }, act: gt.act.clone() })
            }
            None => None,
        };
        if one_row && self.k_splits <= 1 && super::linear_matvec::emit(kb, x, q, Some(super::linear_matvec::Q4 { scale: s, block: self.block }), norm, None, None, act, None, y, k, n, gate.clone(), None)? {
            return Ok(());
        }
        if gate.is_some() {
            // Several rows: the gated cooperative-matrix product (the fold asked
            // `linear_coop::gate_qualifies` first).
            if norm.is_none() && !self.act_int8 && self.packed.is_none() && self.k_splits <= 1 && super::linear_coop::emit(kb, x, q, Some(super::linear_matvec::Q4 { scale: s, block: self.block }), y, k, n, 1, gate)? {
                return Ok(());
            }
            return Err(kb.no_kernel("a gated LinearQ4 needs one activation row and the decode kernel (workgroups of two lanes or more), or several rows and the gated cooperative-matrix product (tuning.prefill_fused_gate on a target with prefill cooperative matrices, f16)"));
        }
        if self.act_int8 || self.packed.is_some() {
            return Err(kb.no_kernel("a LinearQ4 with int8 activations needs one activation row and workgroups of two lanes or more"));
        }
        if norm.is_some() {
            return Err(kb.no_kernel("a LinearQ4 with its RMSNorm folded in needs one activation row"));
        }
        let q4 = || Some(super::linear_matvec::Q4 { scale: s, block: self.block });
        let splits = self.k_splits.max(1);
        if splits > 1 {
            self.check_splits(k).map_err(|e| kb.err(e.to_string()))?;
        }
        if super::linear_coop::emit(kb, x, q, q4(), y, k, n, splits, None)? || super::linear_mma::emit(kb, x, q, q4(), y, k, n, splits)? || super::linear_tiled::emit(kb, x, q, q4(), y, k, n, splits)? {
            return Ok(());
        }
        if splits > 1 {
            return Err(kb.no_kernel("a LinearQ4 cut along K needs the tiled or cooperative-matrix prefill kernel (workgroups of 256 lanes)"));
        }
        let rank = kb.shape(y).len();
        let names: Vec<String> = (0..rank).map(|d| format!("c{d}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let spec = KernelSpec::new("linear_q4", numel(kb.shape(y)).unwrap_or(0) as u64, kb.wg_conv())
            .read("x", x)
            .read("w", q)
            .read("scale", s)
            .write("y", y)
            .param("names", names.clone())
            .param("rows", names[..rank - 1].to_vec())
            .param("col", names[rank - 1].clone())
            .param("half", k / 2)
            .param("block", self.block)
            .epilogue_at(&refs);
        kb.emit(spec);
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
