//! CastLike: Cast to the element type of the second input (whose data is never read).
//! Shares Cast's CPU reference and kernel.

use std::any::Any;
use std::collections::BTreeMap;

use super::cast::Cast;
use super::{arg, fact, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct CastLike;

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("CastLike", |n| {
        // `saturate` only changes casts to float8 types, which have no dtype here.
        n.int_or("saturate", 1)?;
        Ok(Box::new(CastLike))
    });
}

impl Op for CastLike {
    fn op_type(&self) -> &'static str {
        "CastLike"
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, like) = (fact(inputs, 0, "input")?, fact(inputs, 1, "target_type")?);
        Ok(vec![OutFact::new(like.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, like) = (arg(inputs, 0, "input")?, arg(inputs, 1, "target_type")?);
        Cast { to: like.dtype }.eval(&[Some(x)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let like = k.input(1)?;
        Cast { to: k.graph.tensor(like).dtype }.kernels(k)
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::DType;

    #[test]
    fn takes_the_type_of_the_second_input() {
        let x = Value::f32(vec![3], vec![1.7, -2.5, 0.0]);
        let like = Value::i64(vec![0], vec![]);
        let y = CastLike.eval(&[Some(&x), Some(&like)]).expect("eval").remove(0);
        assert_eq!((y.dtype, y.as_i64()), (DType::I64, vec![1, -2, 0]));
        let like = Value::bool(vec![0], vec![]);
        let y = CastLike.eval(&[Some(&x), Some(&like)]).expect("eval").remove(0);
        assert_eq!((y.dtype, y.as_i64()), (DType::Bool, vec![1, 1, 0]));
        let facts = [Some(Fact { dtype: DType::F32, shape: &[3], value: None }), Some(Fact { dtype: DType::F16, shape: &[0], value: None })];
        assert_eq!(CastLike.infer(&facts).expect("infer"), vec![OutFact::new(DType::F16, vec![3])]);
    }
}
