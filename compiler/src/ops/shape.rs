//! Shape (with opset-15 start/end): the input's dimensions as an int64 vector; always a
//! compile-time constant since every shape is static.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::ir::{DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub start: i64,
    pub end: Option<i64>,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Shape", |n| Ok(Box::new(Shape { start: n.int_or("start", 0)?, end: n.int("end")? })));
    reg.insert("Size", |_| Ok(Box::new(Size)));
}

impl Shape {
    fn dims(&self, shape: &[usize]) -> Vec<i64> {
        let r = shape.len() as i64;
        let clamp = |v: i64| (if v < 0 { v + r } else { v }).clamp(0, r) as usize;
        let (s, e) = (clamp(self.start), clamp(self.end.unwrap_or(r)));
        shape.get(s..e.max(s)).unwrap_or(&[]).iter().map(|&d| d as i64).collect()
    }
}

impl Op for Shape {
    fn op_type(&self) -> &'static str {
        "Shape"
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        Ok(vec![OutFact::new(DType::I64, vec![self.dims(x.shape).len()])])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let d = self.dims(&arg(inputs, 0, "data")?.shape);
        Ok(vec![Value::i64(vec![d.len()], d)])
    }
    fn fold_from_shapes(&self, inputs: &[Option<super::Fact<'_>>]) -> Option<Vec<Value>> {
        let d = self.dims(inputs.first().copied().flatten()?.shape);
        Some(vec![Value::i64(vec![d.len()], d)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        Err(k.err("Shape is always folded to a constant; reaching codegen means folding failed"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Size: the input's element count as an int64 scalar.
#[derive(Debug, Clone, PartialEq)]
pub struct Size;

impl Op for Size {
    fn op_type(&self) -> &'static str {
        "Size"
    }
    fn infer(&self, _inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        Ok(vec![OutFact::new(DType::I64, vec![])])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        Ok(vec![Value::i64(vec![], vec![x.shape.iter().product::<usize>() as i64])])
    }
    fn fold_from_shapes(&self, inputs: &[Option<super::Fact<'_>>]) -> Option<Vec<Value>> {
        let x = inputs.first().copied().flatten()?;
        Some(vec![Value::i64(vec![], vec![x.shape.iter().product::<usize>() as i64])])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        Err(k.err("Size is always folded to a constant; reaching codegen means folding failed"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
