//! Identity and Dropout (inference: identity): removed by `simplify`.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub name: &'static str,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Identity", |_| Ok(Box::new(Identity { name: "Identity" })));
    reg.insert("Dropout", |n| {
        if n.proto.output.iter().skip(1).any(|o| !o.is_empty()) {
            return Err(OpError::Unsupported("Dropout's mask output (training mode)".into()));
        }
        // Opset 12+: training_mode is input 2; only a constant false (or a ratio of 0,
        // which drops nothing) is an identity.
        let zero_ratio = n.const_input(1).is_some_and(|r| r.as_f32().iter().all(|&x| x == 0.0));
        if n.has_input(2) && !zero_ratio {
            let training = n.const_input(2).ok_or(OpError::NotConstant { index: 2, what: "training_mode" })?;
            if training.as_i64().iter().any(|&t| t != 0) {
                return Err(OpError::Unsupported("Dropout with training_mode = true".into()));
            }
        }
        Ok(Box::new(Identity { name: "Dropout" }))
    });
}

impl Op for Identity {
    fn op_type(&self) -> &'static str {
        self.name
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        Ok(vec![OutFact::new(x.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        Ok(vec![arg(inputs, 0, "input")?.clone()])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        super::reshape::copy_flat(k, x, y)
    }
    fn is_identity(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
