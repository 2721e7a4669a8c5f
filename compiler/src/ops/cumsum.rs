//! CumSum along one axis (`exclusive`, `reverse`). The axis is an input: constant in
//! exported models, but a run-time scalar in the ONNX node tests; the output shape does
//! not depend on it, so the kernel takes it either way. One invocation per output
//! element sums its prefix (or suffix) along the axis; with a run-time axis the kernel
//! has one branch per candidate axis.

use std::any::Any;
use std::collections::BTreeMap;

use serde_json::json;

use super::{arg, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Data, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct CumSum {
    pub exclusive: bool,
    pub reverse: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("CumSum", |n| Ok(Box::new(CumSum { exclusive: n.int_or("exclusive", 0)? != 0, reverse: n.int_or("reverse", 0)? != 0 })));
}

fn axis_of(v: &Value, rank: usize) -> Result<usize, OpError> {
    if v.len() != 1 {
        return Err(invalid(format!("axis must be a scalar, got shape {:?}", v.shape)));
    }
    norm_axis(v.as_i64()[0], rank)
}

impl CumSum {
    /// Positions along the axis summed into position `p` of `len`.
    fn span(&self, p: usize, len: usize) -> std::ops::Range<usize> {
        match (self.reverse, self.exclusive) {
            (false, false) => 0..p + 1,
            (false, true) => 0..p,
            (true, false) => p..len,
            (true, true) => p + 1..len,
        }
    }
}

impl Op for CumSum {
    fn op_type(&self) -> &'static str {
        "CumSum"
    }
    fn attrs(&self) -> String {
        format!("exclusive={},reverse={}", self.exclusive as u8, self.reverse as u8)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, a) = (fact(inputs, 0, "x")?, fact(inputs, 1, "axis")?);
        if x.shape.is_empty() {
            return Err(invalid("the input is a scalar; it needs an axis"));
        }
        if let Some(v) = a.value {
            axis_of(v, x.shape.len())?;
        }
        Ok(vec![OutFact::new(x.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, a) = (arg(inputs, 0, "x")?, arg(inputs, 1, "axis")?);
        let axis = axis_of(a, x.shape.len())?;
        let (len, inner): (usize, usize) = (x.shape[axis], x.shape[axis + 1..].iter().product());
        let n = x.len();
        // Element e = (outer, p, inner r) sums positions `span(p)` of its line.
        let at = |e: usize, j: usize| (e / (len * inner)) * len * inner + j * inner + e % inner;
        let p = |e: usize| (e / inner) % len.max(1);
        let data = match &x.data {
            Data::I64(_) | Data::I8(_) => {
                let v = x.as_i64();
                Data::I64((0..n).map(|e| self.span(p(e), len).fold(0i64, |s, j| s.wrapping_add(v[at(e, j)]))).collect())
            }
            _ => {
                let v = x.as_f32();
                return Ok(vec![Value::from_f32_as(x.dtype, x.shape.clone(), (0..n).map(|e| self.span(p(e), len).map(|j| v[at(e, j)] as f64).sum::<f64>() as f32).collect())]);
            }
        };
        Ok(vec![Value { dtype: x.dtype, shape: x.shape.clone(), data }])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, a, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let shape = k.shape(x).to_vec();
        let rank = shape.len();
        let names: Vec<String> = (0..rank).map(|d| format!("c{d}")).collect();
        let u = |v: usize| k.lang.u(v);
        let mut spec = KernelSpec::new("cumsum", numel(&shape).unwrap_or(0) as u64, k.wg_elementwise()).read("x", x);
        let axes: Vec<usize> = match k.value(a) {
            Some(v) => vec![axis_of(v, rank).map_err(|e| k.err(e.to_string()))?],
            None => {
                let zeros = vec!["0".to_string(); k.shape(a).len()];
                spec = spec.read("axis", a).param("axis_idx", zeros);
                (0..rank).collect()
            }
        };
        let runtime = axes.len() > 1 || k.value(a).is_none();
        let branches: Vec<serde_json::Value> = axes
            .iter()
            .map(|&d| {
                let c = &names[d];
                let (start, end) = match (self.reverse, self.exclusive) {
                    (false, false) => (u(0), format!("{c} + {}", u(1))),
                    (false, true) => (u(0), c.clone()),
                    (true, false) => (c.clone(), u(shape[d])),
                    (true, true) => (format!("{c} + {}", u(1)), u(shape[d])),
                };
                let idx: Vec<String> = (0..rank).map(|e| if e == d { "j".to_string() } else { names[e].clone() }).collect();
                json!({ "axis": d, "start": start, "end": end, "idx": idx })
            })
            .collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let spec = spec.write("y", y).param("names", names.clone()).param("rank", rank).param("runtime_axis", runtime).param("branches", branches).epilogue_at(&refs);
        k.emit(spec);
        Ok(())
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

    fn run(op: &CumSum, x: &Value, axis: i64) -> Value {
        op.eval(&[Some(x), Some(&Value::i64(vec![], vec![axis]))]).expect("eval").remove(0)
    }

    #[test]
    fn exclusive_and_reverse() {
        let x = Value::f32(vec![5], vec![1., 2., 3., 4., 5.]);
        let t = |exclusive, reverse| run(&CumSum { exclusive, reverse }, &x, 0).as_f32();
        assert_eq!(t(false, false), vec![1., 3., 6., 10., 15.]);
        assert_eq!(t(true, false), vec![0., 1., 3., 6., 10.]);
        assert_eq!(t(false, true), vec![15., 14., 12., 9., 5.]);
        assert_eq!(t(true, true), vec![14., 12., 9., 5., 0.]);
    }

    #[test]
    fn along_an_inner_axis() {
        let x = Value::i64(vec![2, 3], vec![1, 2, 3, 4, 5, 6]);
        let op = CumSum { exclusive: false, reverse: false };
        assert_eq!(run(&op, &x, 0).as_i64(), vec![1, 2, 3, 5, 7, 9]);
        assert_eq!(run(&op, &x, -1).as_i64(), vec![1, 3, 6, 4, 9, 15]);
        assert!(op.eval(&[Some(&x), Some(&Value::i64(vec![], vec![2]))]).is_err());
    }
}
