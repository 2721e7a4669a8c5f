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
