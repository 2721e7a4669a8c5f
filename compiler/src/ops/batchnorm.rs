//! BatchNormalization (inference form): y = (x - mean) / sqrt(var + eps) * scale + bias.
//! `simplify` folds it into a preceding Conv, or rewrites it as a per-channel Mul + Add.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct BatchNorm {
    pub epsilon: f32,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("BatchNormalization", |n| {
        if n.int_or("training_mode", 0)? != 0 || n.proto.output.iter().skip(1).any(|o| !o.is_empty()) {
            return Err(OpError::Unsupported("BatchNormalization in training mode".into()));
        }
        for (i, what) in [(1usize, "scale"), (2, "B"), (3, "mean"), (4, "var")] {
            if n.const_input(i).is_none() {
                return Err(OpError::NotConstant { index: i, what });
            }
        }
        Ok(Box::new(BatchNorm { epsilon: n.float_or("epsilon", 1e-5)? }))
    });
}

impl BatchNorm {
    /// Per-channel (multiplier, offset) from scale, bias, mean and var.
    pub fn affine(&self, scale: &Value, bias: &Value, mean: &Value, var: &Value) -> Result<(Vec<f32>, Vec<f32>), OpError> {
        let (s, b, m, v) = (scale.as_f32(), bias.as_f32(), mean.as_f32(), var.as_f32());
        let c = s.len();
        if b.len() != c || m.len() != c || v.len() != c {
            return Err(invalid("scale, bias, mean and var differ in length"));
        }
        let mul: Vec<f32> = (0..c).map(|i| s[i] / (v[i] + self.epsilon).sqrt()).collect();
        let add: Vec<f32> = (0..c).map(|i| b[i] - m[i] * mul[i]).collect();
        Ok((mul, add))
    }
}

impl Op for BatchNorm {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1, 2, 3, 4]
    }
    fn op_type(&self) -> &'static str {
        "BatchNormalization"
    }
    fn attrs(&self) -> String {
        format!("epsilon={}", self.epsilon)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let c = *x.shape.get(1).ok_or_else(|| invalid("input must have a channel axis"))?;
        for i in 1..5 {
            let p = fact(inputs, i, "scale/bias/mean/var")?;
            if p.shape != [c] {
                return Err(invalid(format!("input {i} has shape {:?}, expected [{c}]", p.shape)));
            }
        }
        Ok(vec![OutFact::new(x.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "X")?;
        let (mul, add) = self.affine(arg(inputs, 1, "scale")?, arg(inputs, 2, "B")?, arg(inputs, 3, "mean")?, arg(inputs, 4, "var")?)?;
        let c = mul.len();
        let inner: usize = x.shape.get(2..).map_or(1, |s| s.iter().product());
        let out: Vec<f32> = x.as_f32().iter().enumerate().map(|(i, &v)| { let ch = (i / inner.max(1)) % c.max(1); v * mul[ch] + add[ch] }).collect();
        Ok(vec![Value::from_f32_as(x.dtype, x.shape.clone(), out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        Err(k.err("BatchNormalization should have been folded or decomposed by simplify"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
