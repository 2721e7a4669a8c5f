//! Constant and ConstantOfShape: compile-time values, always folded.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::Path;

use super::{const_input, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::front::onnx::tensor::to_value;
use crate::ir::{DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub value: Value,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Constant", |n| {
        let value = if let Some(t) = n.tensor("value")? {
            to_value(t, Path::new(".")).map_err(|e| OpError::Attribute { name: "value".into(), message: e.to_string() })?
        } else if let Some(f) = n.float("value_float")? {
            Value::scalar_f32(f)
        } else if let Some(fs) = n.floats("value_floats")? {
            Value::f32(vec![fs.len()], fs)
        } else if let Some(i) = n.int("value_int")? {
            Value::i64(vec![], vec![i])
        } else if let Some(is) = n.ints("value_ints")? {
            Value::i64(vec![is.len()], is)
        } else {
            return Err(OpError::Unsupported("Constant without a value, value_float(s) or value_int(s) attribute".into()));
        };
        Ok(Box::new(Constant { value }))
    });
    reg.insert("ConstantOfShape", |n| {
        let value = match n.tensor("value")? {
            Some(t) => to_value(t, Path::new(".")).map_err(|e| OpError::Attribute { name: "value".into(), message: e.to_string() })?,
            None => Value::f32(vec![1], vec![0.0]),
        };
        if value.len() != 1 {
            return Err(OpError::Attribute { name: "value".into(), message: "must hold one element".into() });
        }
        Ok(Box::new(ConstantOfShape { value }))
    });
}

impl Op for Constant {
    fn op_type(&self) -> &'static str {
        "Constant"
    }
    fn infer(&self, _inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        Ok(vec![OutFact::new(self.value.dtype, self.value.shape.clone())])
    }
    fn eval(&self, _inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        Ok(vec![self.value.clone()])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        Err(k.err("Constant is always folded; reaching codegen means folding failed"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConstantOfShape {
    pub value: Value,
}

impl Op for ConstantOfShape {
    fn op_type(&self) -> &'static str {
        "ConstantOfShape"
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let shape = const_input(inputs, 0, "shape")?.ok_or(OpError::MissingInput { index: 0, what: "shape" })?;
        let dims: Result<Vec<usize>, _> = shape.as_i64().iter().map(|&d| usize::try_from(d).map_err(|_| invalid(format!("negative dimension {d}")))).collect();
        Ok(vec![OutFact::new(self.value.dtype, dims?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let shape = super::arg(inputs, 0, "shape")?;
        let dims: Vec<usize> = shape.as_i64().iter().map(|&d| d.max(0) as usize).collect();
        let n = crate::ir::numel(&dims).filter(|&n| n <= crate::front::onnx::tensor::MAX_ELEMENTS).ok_or_else(|| invalid("shape too large"))?;
        let v = match self.value.dtype {
            DType::F32 | DType::F16 => Value::from_f32_as(self.value.dtype, dims, vec![self.value.as_f32().first().copied().unwrap_or(0.0); n]),
            DType::Bool => Value::bool(dims, vec![self.value.as_i64().first().copied().unwrap_or(0) != 0; n]),
            dt => {
                let mut v = Value::i64(dims, vec![self.value.as_i64().first().copied().unwrap_or(0); n]);
                v.dtype = dt;
                v
            }
        };
        Ok(vec![v])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        Err(k.err("ConstantOfShape is always folded; reaching codegen means folding failed"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
