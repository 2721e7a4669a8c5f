//! Softmax and LogSoftmax. From opset 13 the op normalizes along `axis` (default -1) of
//! any rank; before opset 13 it coerces the input to 2-D at `axis` (default 1) and
//! normalizes each row of the flattened trailing block.
//!
//! Numerically stable in three passes over a row: its max, the sum of exp(x - max), then
//! exp(x - max) / sum (or x - max - log(sum)). The kernel runs one invocation per row.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::{numel, DType, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Softmax {
    /// LogSoftmax rather than Softmax.
    pub log: bool,
    pub axis: i64,
    /// Opset < 13: softmax over the flattened block `shape[axis..]`.
    pub flatten: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Softmax", |n| import(n, false));
    reg.insert("LogSoftmax", |n| import(n, true));
}

fn import(n: &OnnxNode<'_>, log: bool) -> Result<Box<dyn Op>, OpError> {
    let flatten = n.opset < 13;
    let axis = n.int_or("axis", if flatten { 1 } else { -1 })?;
    Ok(Box::new(Softmax { log, axis, flatten }))
}

/// A softmax seen as [outer, len, inner]: rows are (outer, inner) pairs, and a row's
/// elements are `len` apart by `inner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rows {
    axis: usize,
    outer: usize,
    len: usize,
    inner: usize,
}

impl Softmax {
    fn rows(&self, shape: &[usize]) -> Result<Rows, OpError> {
        if shape.is_empty() {
            return Err(invalid("the input is a scalar; it needs at least one axis"));
        }
        let axis = norm_axis(self.axis, shape.len()).map_err(|e| OpError::Attribute { name: "axis".into(), message: e.to_string() })?;
        let prod = |s: &[usize]| numel(s).ok_or_else(|| invalid(format!("shape {shape:?} is too large")));
        let outer = prod(&shape[..axis])?;
        Ok(if self.flatten { Rows { axis, outer, len: prod(&shape[axis..])?, inner: 1 } } else { Rows { axis, outer, len: shape[axis], inner: prod(&shape[axis + 1..])? } })
    }
}

impl Op for Softmax {
    fn op_type(&self) -> &'static str {
        if self.log {
            "LogSoftmax"
        } else {
            "Softmax"
        }
    }
    fn attrs(&self) -> String {
        format!("axis={}{}", self.axis, if self.flatten { ",flatten" } else { "" })
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        self.rows(x.shape)?;
        Ok(vec![OutFact::new(x.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "input")?;
        let r = self.rows(&x.shape)?;
        let xs = x.as_f32();
        let mut out = vec![0f32; xs.len()];
        for o in 0..r.outer {
            for inn in 0..r.inner {
                let at = |j: usize| (o * r.len + j) * r.inner + inn;
                if r.len == 0 {
                    continue;
                }
                let mut m = xs[at(0)];
                for j in 1..r.len {
                    if xs[at(j)] > m {
                        m = xs[at(j)];
                    }
                }
                let mut s = 0f32;
                for j in 0..r.len {
                    s += (xs[at(j)] - m).exp();
                }
                for j in 0..r.len {
                    out[at(j)] = if self.log { xs[at(j)] - m - s.ln() } else { (xs[at(j)] - m).exp() / s };
                }
            }
        }
        let mut v = Value::f32(x.shape.clone(), out);
        v.dtype = if x.dtype == DType::F16 { DType::F16 } else { DType::F32 };
        Ok(vec![v])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let shape = k.shape(x);
        let r = self.rows(shape).map_err(|e| k.err(e.to_string()))?;
        let rank = shape.len();
        let mut spec = KernelSpec::new("softmax", (r.outer * r.inner) as u64, k.wg_elementwise());
        let (rows, names, idx): (Vec<usize>, Vec<String>, Vec<String>);
        if self.flatten && r.axis + 1 < rank {
            // Opset < 13 over several axes: see the tensor as [outer, block].
            spec = spec.read_view("x", x, vec![r.outer, r.len]).write_view("y", y, vec![r.outer, r.len]);
            (rows, names, idx) = (vec![r.outer], vec!["r".into()], vec!["r".into(), "j".into()]);
        } else {
            // Along one axis (opset 13, or a flattened block that is just the last axis):
            // coordinates over every other axis, and `j` along the axis.
            spec = spec.read("x", x).write("y", y);
            let other: Vec<usize> = (0..rank).filter(|&d| d != r.axis).collect();
            rows = other.iter().map(|&d| shape[d]).collect();
            names = other.iter().map(|d| format!("c{d}")).collect();
            idx = (0..rank).map(|d| if d == r.axis { "j".to_string() } else { format!("c{d}") }).collect();
        }
        spec = spec.param("rows", rows).param("names", names).param("idx", idx).param("len", r.len).param("log", self.log);
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::pad::test_node::node;
    use super::*;

    fn run(op: &Softmax, x: Value) -> Vec<f32> {
        op.eval(&[Some(&x)]).expect("eval").into_iter().next().expect("one output").as_f32()
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-6)
    }

    #[test]
    fn softmax_of_1_2_3() {
        let op = Softmax { log: false, axis: -1, flatten: false };
        let y = run(&op, Value::f32(vec![3], vec![1., 2., 3.]));
        assert!(close(&y, &[0.0900306, 0.2447285, 0.6652409]), "{y:?}");
        // Shifting by a large constant changes nothing (the max is subtracted first).
        let y = run(&op, Value::f32(vec![3], vec![1001., 1002., 1003.]));
        assert!(close(&y, &[0.0900306, 0.2447285, 0.6652409]), "{y:?}");
        let op = Softmax { log: true, axis: -1, flatten: false };
        let y = run(&op, Value::f32(vec![3], vec![1., 2., 3.]));
        assert!(close(&y, &[-2.407606, -1.407606, -0.407606]), "{y:?}");
    }

    #[test]
    fn axis_vs_flattened_block() {
        // [2, 2, 2]: opset 13 axis 1 normalizes pairs 2 apart; opset 11 axis 1 normalizes
        // each block of 4.
        let x = Value::f32(vec![1, 2, 2], vec![0., 0., 1., 1.]);
        let e = std::f32::consts::E;
        let (a, b) = (1.0 / (1.0 + e), e / (1.0 + e));
        let y = run(&Softmax { log: false, axis: 1, flatten: false }, x.clone());
        assert!(close(&y, &[a, a, b, b]), "{y:?}");
        let y = run(&Softmax { log: false, axis: 1, flatten: true }, x.clone());
        let (c, d) = (1.0 / (2.0 + 2.0 * e), e / (2.0 + 2.0 * e));
        assert!(close(&y, &[c, c, d, d]), "{y:?}");
        let y = run(&Softmax { log: false, axis: 2, flatten: false }, x);
        assert!(close(&y, &[0.5; 4]), "{y:?}");
    }

    #[test]
    fn default_axis_by_opset() {
        let proto = node("Softmax", &["x"], &["y"], &[]);
        for (opset, axis, flatten) in [(11, 1, true), (13, -1, false)] {
            let n = OnnxNode { proto: &proto, opset, const_inputs: vec![None], input_shapes: vec![] };
            let op = import(&n, false).expect("import");
            assert_eq!(op.as_any().downcast_ref::<Softmax>(), Some(&Softmax { log: false, axis, flatten }));
        }
        assert!(Softmax { log: false, axis: 3, flatten: false }.rows(&[2, 3]).is_err());
        assert!(Softmax { log: false, axis: 0, flatten: false }.rows(&[]).is_err());
    }
}
