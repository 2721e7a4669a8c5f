//! NormStats: per-row mean and 1/sqrt(var + eps) of a [rows, len] view, as a [rows, 2]
//! tensor. Made by the fuse-norm-conv pass so a convolution can normalize its input on
//! the fly instead of reading a normalized copy.

use std::any::Any;

use super::{arg, fact, invalid, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct NormStats {
    pub rows: usize,
    pub epsilon: f32,
}

impl NormStats {
    fn len(&self, x: &[usize]) -> Result<usize, OpError> {
        let n = numel(x).ok_or_else(|| invalid("input size overflows"))?;
        if self.rows == 0 || n % self.rows != 0 {
            return Err(invalid(format!("{n} elements do not split into {} rows", self.rows)));
        }
        Ok(n / self.rows)
    }
}

impl Op for NormStats {
    fn op_type(&self) -> &'static str {
        "NormStats"
    }
    fn attrs(&self) -> String {
        format!("rows={},epsilon={}", self.rows, self.epsilon)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        self.len(x.shape)?;
        Ok(vec![OutFact::new(if x.dtype == DType::F16 { DType::F16 } else { DType::F32 }, vec![self.rows, 2])])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let len = self.len(&x.shape)?;
        let xs = x.as_f32();
        let mut out = Vec::with_capacity(self.rows * 2);
        for r in 0..self.rows {
            let row = &xs[r * len..(r + 1) * len];
            let mean = row.iter().map(|&v| v as f64).sum::<f64>() / len.max(1) as f64;
            let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / len.max(1) as f64;
            out.push(mean as f32);
            out.push((1.0 / (var + self.epsilon as f64).sqrt()) as f32);
        }
        Ok(vec![Value::f32(vec![self.rows, 2], out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let len = self.len(k.shape(x)).map_err(|e| k.err(e.to_string()))?;
        let spec = KernelSpec::new("row_stats", self.rows as u64, k.wg_elementwise())
            .read_view("x", x, vec![self.rows, len])
            .write("y", y)
            .param("len", len)
            .param("epsilon", self.epsilon);
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
