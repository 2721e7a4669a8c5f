//! Gemm: Y = alpha * op(A) * op(B) + beta * C, 2-D operands, C broadcast.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, fact, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Gemm {
    pub alpha: f32,
    pub beta: f32,
    pub trans_a: bool,
    pub trans_b: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Gemm", |n| {
        Ok(Box::new(Gemm {
            alpha: n.float_or("alpha", 1.0)?,
            beta: n.float_or("beta", 1.0)?,
            trans_a: n.int_or("transA", 0)? != 0,
            trans_b: n.int_or("transB", 0)? != 0,
        }))
    });
}

impl Gemm {
    fn mkn(&self, a: &[usize], b: &[usize]) -> Result<(usize, usize, usize), OpError> {
        let ([a0, a1], [b0, b1]) = (<[usize; 2]>::try_from(a).map_err(|_| invalid(format!("A must be 2-D, got {a:?}")))?, <[usize; 2]>::try_from(b).map_err(|_| invalid(format!("B must be 2-D, got {b:?}")))?);
        let (m, k) = if self.trans_a { (a1, a0) } else { (a0, a1) };
        let (k2, n) = if self.trans_b { (b1, b0) } else { (b0, b1) };
        if k != k2 {
            return Err(invalid(format!("inner dimensions differ: A {a:?} (transA={}) B {b:?} (transB={})", self.trans_a, self.trans_b)));
        }
        Ok((m, k, n))
    }
}

impl Op for Gemm {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1, 2]
    }
    fn op_type(&self) -> &'static str {
        "Gemm"
    }
    fn attrs(&self) -> String {
        format!("alpha={},beta={},transA={},transB={}", self.alpha, self.beta, self.trans_a as u8, self.trans_b as u8)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (a, b) = (fact(inputs, 0, "A")?, fact(inputs, 1, "B")?);
        let (m, _, n) = self.mkn(a.shape, b.shape)?;
        if let Some(c) = inputs.get(2).copied().flatten() {
            broadcast::shape(&[c.shape, &[m, n]]).and_then(|s| if s == [m, n] { Ok(()) } else { Err(invalid(format!("C {:?} does not broadcast to [{m},{n}]", c.shape))) })?;
        }
        Ok(vec![OutFact::new(a.dtype, vec![m, n])])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (a, b) = (arg(inputs, 0, "A")?, arg(inputs, 1, "B")?);
        let (m, k, n) = self.mkn(&a.shape, &b.shape)?;
        let (av, bv) = (a.as_f32(), b.as_f32());
        let (lda, ldb) = (a.shape[1], b.shape[1]);
        let c = inputs.get(2).copied().flatten();
        let cmap = c.map(|c| (c.as_f32(), broadcast::index_map(&c.shape, &[m, n])));
        let mut out = vec![0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut acc = 0f32;
                for p in 0..k {
                    let x = if self.trans_a { av[p * lda + i] } else { av[i * lda + p] };
                    let w = if self.trans_b { bv[j * ldb + p] } else { bv[p * ldb + j] };
                    acc += x * w;
                }
                let mut v = self.alpha * acc;
                if let Some((cv, map)) = &cmap {
                    v += self.beta * cv[map[i * n + j]];
                }
                out[i * n + j] = v;
            }
        }
        Ok(vec![Value::from_f32_as(a.dtype, vec![m, n], out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (a, b, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let (m, kk, n) = self.mkn(k.shape(a), k.shape(b)).map_err(|e| k.err(e.to_string()))?;
        let spec = KernelSpec::new("matmul", (m * n) as u64, k.wg_conv()).read("a", a).read("b", b);
        let c = k.node.input(2);
        super::matmul::emit(k, spec, y, vec![m, n], kk, Some((self.trans_a, self.trans_b, self.alpha, self.beta, c)))
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
