//! Transpose: permutes axes (`perm`, default reversed).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::value::strides;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Transpose {
    pub perm: Option<Vec<i64>>,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Transpose", |n| Ok(Box::new(Transpose { perm: n.ints("perm")? })));
}

impl Transpose {
    pub fn perm(&self, rank: usize) -> Result<Vec<usize>, OpError> {
        let perm: Vec<usize> = match &self.perm {
            None => (0..rank).rev().collect(),
            Some(p) => p.iter().map(|&a| usize::try_from(a).map_err(|_| invalid(format!("perm {p:?} has a negative entry")))).collect::<Result<_, _>>()?,
        };
        let mut seen = vec![false; rank];
        if perm.len() != rank || perm.iter().any(|&a| a >= rank || std::mem::replace(&mut seen[a], true)) {
            return Err(invalid(format!("perm {perm:?} is not a permutation of 0..{rank}")));
        }
        Ok(perm)
    }
}

impl Op for Transpose {
    fn op_type(&self) -> &'static str {
        "Transpose"
    }
    fn attrs(&self) -> String {
        self.perm.as_ref().map(|p| format!("perm={p:?}")).unwrap_or_default()
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        let perm = self.perm(x.shape.len())?;
        Ok(vec![OutFact::new(x.dtype, perm.iter().map(|&a| x.shape[a]).collect())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        let perm = self.perm(x.shape.len())?;
        let out: Vec<usize> = perm.iter().map(|&a| x.shape[a]).collect();
        let (is, os) = (strides(&x.shape), strides(&out));
        let n = numel(&out).unwrap_or(0);
        let idx = (0..n).map(|i| perm.iter().enumerate().map(|(d, &a)| (i / os[d]) % out[d] * is[a]).sum());
        Ok(vec![x.gather(x.dtype, out.clone(), idx)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let perm = self.perm(k.shape(x).len()).map_err(|e| k.err(e.to_string()))?;
        let ys = k.shape(y).to_vec();
        let yn: Vec<String> = (0..ys.len()).map(|d| format!("o{d}")).collect();
        // Input coordinate along axis perm[d] is the output coordinate d.
        let mut xn = vec![String::new(); perm.len()];
        for (d, &a) in perm.iter().enumerate() {
            xn[a] = yn[d].clone();
        }
        let spec = KernelSpec::new("copy_permute", numel(&ys).unwrap_or(0) as u64, k.wg_elementwise())
            .read("x", x)
            .write("y", y)
            .param("out_names", yn)
            .param("in_names", xn)
            .param("in_shape", k.shape(x).to_vec())
            .param("flat", false)
            .param("perm", perm);
        // A padded chunk's rows past last_row (output axis) are not copied.
        let spec = k.row_guard(spec, |axis| (axis < ys.len()).then(|| format!("o{axis}")))?;
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
