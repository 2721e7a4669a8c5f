//! Expand: broadcasts the input to a shape given as a constant input (numpy rules: the
//! result is the broadcast of the input's shape and the given one).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, const_input, fact, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Expand;

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Expand", |_| Ok(Box::new(Expand)));
}

fn target(x: &[usize], spec: &Value) -> Result<Vec<usize>, OpError> {
    let dims: Vec<usize> = spec.as_i64().iter().map(|&d| usize::try_from(d).map_err(|_| invalid(format!("negative dimension {d}")))).collect::<Result<_, _>>()?;
    broadcast::shape(&[x, &dims])
}

impl Op for Expand {
    fn op_type(&self) -> &'static str {
        "Expand"
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        let s = const_input(inputs, 1, "shape")?.ok_or(OpError::MissingInput { index: 1, what: "shape" })?;
        Ok(vec![OutFact::new(x.dtype, target(x.shape, s)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "input")?;
        let out = target(&x.shape, arg(inputs, 1, "shape")?)?;
        let map = broadcast::index_map(&x.shape, &out);
        Ok(vec![x.gather(x.dtype, out, map.into_iter())])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        // The input read broadcast to the output is the whole expression.
        super::elementwise::emit(k, 1, |_, args| args.first().cloned().unwrap_or_default())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
