//! TopK: the K largest (or smallest, `largest = 0`) elements along an axis and their
//! int64 indices, sorted best first; equal values keep the lower index first. K is an
//! input and must be a compile-time constant (it sets the output shape).
//!
//! The kernel (`topk`) runs one invocation per output element: output position t takes
//! the input element with exactly t better elements (a rank selection, O(len²) per
//! element but free of any shared state).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct TopK {
    pub axis: i64,
    pub largest: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("TopK", |n| {
        if n.opset < 10 {
            return Err(OpError::Unsupported("TopK before opset 10 (k as an attribute)".into()));
        }
        // `sorted = 0` leaves the order unspecified: sorted output is a valid choice.
        n.int_or("sorted", 1)?;
        Ok(Box::new(TopK { axis: n.int_or("axis", -1)?, largest: n.int_or("largest", 1)? != 0 }))
    });
}

impl TopK {
    fn geometry(&self, shape: &[usize], k: &Value) -> Result<(usize, usize), OpError> {
        let axis = norm_axis(self.axis, shape.len()).map_err(|e| OpError::Attribute { name: "axis".into(), message: e.to_string() })?;
        let kv = k.as_i64();
        let kk = match kv[..] {
            [v] => usize::try_from(v).map_err(|_| invalid(format!("K = {v} is negative")))?,
            _ => return Err(invalid(format!("K must hold one value, got shape {:?}", k.shape))),
        };
        if kk > shape[axis] {
            return Err(invalid(format!("K = {kk} exceeds axis {axis} of size {}", shape[axis])));
        }
        Ok((axis, kk))
    }
    /// True when `a` (at index i) comes before `b` (at index j).
    fn before(&self, a: f32, i: usize, b: f32, j: usize) -> bool {
        (if self.largest { a > b } else { a < b }) || (a == b && i < j)
    }
}

impl Op for TopK {
    fn op_type(&self) -> &'static str {
        "TopK"
    }
    fn attrs(&self) -> String {
        format!("axis={},largest={}", self.axis, self.largest as u8)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "X")?;
        let k = const_input(inputs, 1, "K")?.ok_or(OpError::MissingInput { index: 1, what: "K" })?;
        let (axis, kk) = self.geometry(x.shape, k)?;
        let mut shape = x.shape.to_vec();
        shape[axis] = kk;
        Ok(vec![OutFact::new(x.dtype, shape.clone()), OutFact::new(DType::I64, shape)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, k) = (arg(inputs, 0, "X")?, arg(inputs, 1, "K")?);
        let (axis, kk) = self.geometry(&x.shape, k)?;
        let (len, inner) = (x.shape[axis], x.shape[axis + 1..].iter().product::<usize>());
        let outer: usize = x.shape[..axis].iter().product();
        let xs = x.as_f32();
        let mut shape = x.shape.clone();
        shape[axis] = kk;
        let mut vals = vec![0usize; numel(&shape).unwrap_or(0)];
        let mut idx = vec![0i64; vals.len()];
        for o in 0..outer {
            for r in 0..inner {
                let base = o * len * inner;
                let mut order: Vec<usize> = (0..len).collect();
                order.sort_by(|&a, &b| {
                    let (va, vb) = (xs[base + a * inner + r], xs[base + b * inner + r]);
                    if self.before(va, a, vb, b) {
                        std::cmp::Ordering::Less
                    } else if self.before(vb, b, va, a) {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                });
                for (t, &j) in order.iter().take(kk).enumerate() {
                    let e = (o * kk + t) * inner + r;
                    vals[e] = base + j * inner + r;
                    idx[e] = j as i64;
                }
            }
        }
        Ok(vec![x.gather(x.dtype, shape.clone(), vals.into_iter()), Value::i64(shape, idx)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y, yi) = (k.input(0)?, k.output(0)?, k.output(1)?);
        let kt = k.input(1)?;
        let kv = k.value(kt).ok_or_else(|| k.err("K must be a compile-time constant"))?;
        let xs = k.shape(x).to_vec();
        let (axis, kk) = self.geometry(&xs, kv).map_err(|e| k.err(e.to_string()))?;
        let mut ys = xs.clone();
        ys[axis] = kk;
        let names: Vec<String> = (0..xs.len()).map(|d| format!("o{d}")).collect();
        let with = |c: &str| -> Vec<String> { names.iter().enumerate().map(|(d, n)| if d == axis { c.to_string() } else { n.clone() }).collect() };
        let better = if self.largest { ">" } else { "<" };
        let spec = KernelSpec::new("topk", numel(&ys).unwrap_or(0) as u64, k.wg_elementwise())
            .read("x", x)
            .write("y", y)
            .write("yi", yi)
            .param("names", names.clone())
            .param("t", names[axis].clone())
            .param("idx_j", with("j"))
            .param("idx_l", with("l"))
            .param("len", xs[axis])
            .param("better", better);
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_smallest_and_ties() {
        let x = Value::f32(vec![2, 4], vec![0., 3., 1., 3., 7., 5., 6., 4.]);
        let k = Value::i64(vec![1], vec![2]);
        let out = TopK { axis: 1, largest: true }.eval(&[Some(&x), Some(&k)]).expect("eval");
        assert_eq!((out[0].shape.clone(), out[0].as_f32()), (vec![2, 2], vec![3., 3., 7., 6.]));
        assert_eq!(out[1].as_i64(), vec![1, 3, 0, 2]);
        let out = TopK { axis: 0, largest: false }.eval(&[Some(&x), Some(&Value::i64(vec![1], vec![1]))]).expect("eval");
        assert_eq!((out[0].as_f32(), out[1].as_i64()), (vec![0., 3., 1., 3.], vec![0, 0, 0, 0]));
        assert!(TopK { axis: 1, largest: true }.eval(&[Some(&x), Some(&Value::i64(vec![1], vec![5]))]).is_err());
    }
}
