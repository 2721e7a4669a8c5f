//! MatMulQ4 (driftc-internal, built by the LLM frontend for `--quant 8/4/4`):
//! y[.., n] = Σ_k x[.., k] · q[k, n] · scale[k / block, n] with q int4 packed two rows per
//! byte (see `passes::quantize::per_block_int4`). The kernel unpacks the nibbles with
//! float arithmetic on the byte the int8 accessor returns.
//!
//! Inputs: X [.., K] (f32/f16), packed [K/2, N] (int8), scales [K/block, N]. Output [.., N].

use std::any::Any;

use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};
use crate::passes::quantize::unpack;

#[derive(Debug, Clone, PartialEq)]
pub struct MatMulQ4 {
    pub block: usize,
}

impl MatMulQ4 {
    fn geometry(&self, x: &[usize], q: &[usize], s: &[usize]) -> Result<(usize, usize), OpError> {
        let (Some(&k), &[half, n], &[blocks, n2]) = (x.last(), q, s) else {
            return Err(invalid(format!("X {x:?}, packed {q:?} and scales {s:?} must be [.., K], [K/2, N], [K/block, N]")));
        };
        if half * 2 != k || n != n2 || self.block == 0 || blocks * self.block != k {
            return Err(invalid(format!("X {x:?}, packed {q:?} and scales {s:?} do not match blocks of {}", self.block)));
        }
        Ok((k, n))
    }
}

impl Op for MatMulQ4 {
    fn op_type(&self) -> &'static str {
        "MatMulQ4"
    }
    fn attrs(&self) -> String {
        format!("block={}", self.block)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, q, s) = (fact(inputs, 0, "X")?, fact(inputs, 1, "packed")?, fact(inputs, 2, "scales")?);
        let (_, n) = self.geometry(x.shape, q.shape, s.shape)?;
        let mut out = x.shape.to_vec();
        if let Some(last) = out.last_mut() {
            *last = n;
        }
        Ok(vec![OutFact::new(x.dtype, out)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, q, s) = (arg(inputs, 0, "X")?, arg(inputs, 1, "packed")?, arg(inputs, 2, "scales")?);
        let (k, n) = self.geometry(&x.shape, &q.shape, &s.shape)?;
        let (xs, qs, ss) = (x.as_f32(), q.as_i64(), s.as_f32());
        let rows = xs.len() / k.max(1);
        let mut out = vec![0f32; rows * n];
        for r in 0..rows {
            for c in 0..n {
                let mut acc = 0f32;
                for p in 0..k / 2 {
                    let (lo, hi) = unpack(qs[p * n + c]);
                    let sc = ss[(2 * p / self.block) * n + c];
                    acc += (xs[r * k + 2 * p] * lo + xs[r * k + 2 * p + 1] * hi) * sc;
                }
                out[r * n + c] = acc;
            }
        }
        let mut shape = x.shape.clone();
        if let Some(last) = shape.last_mut() {
            *last = n;
        }
        Ok(vec![Value::from_f32_as(x.dtype, shape, out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, q, s, y) = (kb.input(0)?, kb.input(1)?, kb.input(2)?, kb.output(0)?);
        let (k, _) = self.geometry(kb.shape(x), kb.shape(q), kb.shape(s)).map_err(|e| kb.err(e.to_string()))?;
        if super::matvec::applies(kb.shape(x), kb.shape(q), k) && super::matvec::emit(kb, x, q, Some(super::matvec::Q4 { scale: s, block: self.block }), y)? {
            return Ok(());
        }
        let rank = kb.shape(y).len();
        let names: Vec<String> = (0..rank).map(|d| format!("c{d}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let spec = KernelSpec::new("matmul_q4", numel(kb.shape(y)).unwrap_or(0) as u64, kb.wg_conv())
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
