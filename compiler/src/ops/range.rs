//! Range: `start, start + delta, ...` up to `limit` (exclusive), with
//! max(ceil((limit - start) / delta), 0) elements. The output shape depends on the input
//! values, so all three must be compile-time constants: the op is always folded.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::front::onnx::tensor::MAX_ELEMENTS;
use crate::ir::{value::is_float, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Range;

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Range", |_| Ok(Box::new(Range)));
}

fn scalar(v: &Value, what: &str) -> Result<(), OpError> {
    if v.len() != 1 {
        return Err(invalid(format!("{what} must be a scalar, got shape {:?}", v.shape)));
    }
    Ok(())
}

/// The output of Range for scalar values of `dtype`.
fn range(dtype: DType, start: &Value, limit: &Value, delta: &Value) -> Result<Value, OpError> {
    scalar(start, "start")?;
    scalar(limit, "limit")?;
    scalar(delta, "delta")?;
    let too_long = |n: f64| invalid(format!("Range would have {n} elements, more than {MAX_ELEMENTS}"));
    if is_float(dtype) {
        let (s, l, d) = (start.as_f32()[0], limit.as_f32()[0], delta.as_f32()[0]);
        if d == 0.0 || !(s.is_finite() && l.is_finite() && d.is_finite()) {
            return Err(invalid(format!("Range({s}, {l}, {d}) has no finite length")));
        }
        let n = ((l as f64 - s as f64) / d as f64).ceil().max(0.0);
        if n > MAX_ELEMENTS as f64 {
            return Err(too_long(n));
        }
        // As the spec's loop: each element adds delta to the previous one.
        let mut out = Vec::with_capacity(n as usize);
        let mut v = s;
        for _ in 0..n as usize {
            out.push(v);
            v += d;
        }
        return Ok(Value::from_f32_as(dtype, vec![out.len()], out));
    }
    let (s, l, d) = (start.as_i64()[0], limit.as_i64()[0], delta.as_i64()[0]);
    if d == 0 {
        return Err(invalid("Range delta is 0"));
    }
    let span = l as i128 - s as i128;
    let n = ((span + d as i128 - d.signum() as i128) / d as i128).max(0);
    if n > MAX_ELEMENTS as i128 {
        return Err(too_long(n as f64));
    }
    let out: Vec<i64> = (0..n as i64).map(|i| s.wrapping_add(i.wrapping_mul(d))).collect();
    Ok(Value { dtype, shape: vec![out.len()], data: crate::ir::Data::I64(out) })
}

impl Op for Range {
    fn op_type(&self) -> &'static str {
        "Range"
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let mut vals = Vec::new();
        for (i, what) in [(0usize, "start"), (1, "limit"), (2, "delta")] {
            vals.push(const_input(inputs, i, what)?.ok_or(OpError::MissingInput { index: i, what })?);
        }
        let dtype = vals[0].dtype;
        Ok(vec![OutFact::new(dtype, range(dtype, vals[0], vals[1], vals[2])?.shape)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (s, l, d) = (arg(inputs, 0, "start")?, arg(inputs, 1, "limit")?, arg(inputs, 2, "delta")?);
        Ok(vec![range(s.dtype, s, l, d)?])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        Err(k.err("Range is always folded; reaching codegen means folding failed"))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: Value, l: Value, d: Value) -> Result<Value, OpError> {
        Range.eval(&[Some(&s), Some(&l), Some(&d)]).map(|mut v| v.remove(0))
    }

    #[test]
    fn integer_and_float_ranges() {
        let i = |v: i64| Value::i64(vec![], vec![v]);
        assert_eq!(run(i(10), i(4), i(-3)).expect("range").as_i64(), vec![10, 7]);
        assert_eq!(run(i(0), i(5), i(2)).expect("range").as_i64(), vec![0, 2, 4]);
        assert_eq!(run(i(3), i(3), i(1)).expect("range").shape, vec![0]);
        let f = |v: f32| Value::f32(vec![], vec![v]);
        let y = run(f(1.0), f(2.0), f(0.25)).expect("range");
        assert_eq!((y.dtype, y.as_f32()), (DType::F32, vec![1.0, 1.25, 1.5, 1.75]));
        assert!(run(i(0), i(5), i(0)).is_err());
        assert!(run(f(0.0), f(1e30), f(1e-30)).is_err());
    }
}
