//! Split along one axis into several outputs: sizes from `split` (an attribute before
//! opset 13, a constant input from 13), else equal parts (from opset 18 with
//! `num_outputs`, the last part may be smaller). One copy kernel per output.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::front::onnx::OnnxNode;
use crate::ir::value::strides;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub axis: i64,
    /// Number of outputs the node declares.
    pub outputs: usize,
    /// Sizes given as an attribute (opset < 13).
    pub split: Option<Vec<i64>>,
    /// Sizes read from input 1 (opset >= 13).
    pub split_input: bool,
    /// Opset >= 18: uneven equal parts are allowed (ceil, last smaller).
    pub uneven: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Split", import);
}

fn import(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let outputs = n.proto.output.len();
    if outputs == 0 {
        return Err(invalid("Split has no outputs"));
    }
    if let Some(k) = n.int("num_outputs")? {
        if usize::try_from(k).ok() != Some(outputs) {
            return Err(OpError::Attribute { name: "num_outputs".into(), message: format!("{k}, but the node has {outputs} outputs") });
        }
    }
    let split_input = n.opset >= 13;
    Ok(Box::new(Split { axis: n.int_or("axis", 0)?, outputs, split: if split_input { None } else { n.ints("split")? }, split_input, uneven: n.opset >= 18 }))
}

impl Split {
    /// (axis, size of each output along it).
    fn sizes(&self, shape: &[usize], split: Option<&Value>) -> Result<(usize, Vec<usize>), OpError> {
        let axis = norm_axis(self.axis, shape.len()).map_err(|e| OpError::Attribute { name: "axis".into(), message: e.to_string() })?;
        let dim = shape[axis];
        let given = if self.split_input { split.map(|v| v.as_i64()) } else { self.split.clone() };
        let sizes: Vec<usize> = match given {
            Some(s) => {
                let s: Vec<usize> = s.iter().map(|&v| usize::try_from(v).map_err(|_| invalid(format!("negative split size in {s:?}")))).collect::<Result<_, _>>()?;
                if s.len() != self.outputs || s.iter().sum::<usize>() != dim {
                    return Err(invalid(format!("split {s:?} does not cut {dim} into {} parts", self.outputs)));
                }
                s
            }
            None if self.uneven => {
                let part = dim.div_ceil(self.outputs);
                (0..self.outputs).map(|i| part.min(dim.saturating_sub(i * part))).collect()
            }
            None => {
                if !dim.is_multiple_of(self.outputs) {
                    return Err(invalid(format!("axis {axis} of size {dim} does not split into {} equal parts", self.outputs)));
                }
                vec![dim / self.outputs; self.outputs]
            }
        };
        Ok((axis, sizes))
    }
}

impl Op for Split {
    fn op_type(&self) -> &'static str {
        "Split"
    }
    fn attrs(&self) -> String {
        let split = self.split.as_ref().map(|s| format!(",split={s:?}")).unwrap_or_default();
        format!("axis={},outputs={}{split}", self.axis, self.outputs)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        let split = if self.split_input { const_input(inputs, 1, "split")? } else { None };
        let (axis, sizes) = self.sizes(x.shape, split)?;
        Ok(sizes
            .iter()
            .map(|&s| {
                let mut shape = x.shape.to_vec();
                shape[axis] = s;
                OutFact::new(x.dtype, shape)
            })
            .collect())
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "input")?;
        let split = if self.split_input { inputs.get(1).copied().flatten() } else { None };
        let (axis, sizes) = self.sizes(&x.shape, split)?;
        let st = strides(&x.shape);
        let mut start = 0usize;
        let mut out = Vec::with_capacity(sizes.len());
        for s in sizes {
            let mut shape = x.shape.clone();
            shape[axis] = s;
            let os = strides(&shape);
            let n = numel(&shape).unwrap_or(0);
            let idx = (0..n).map(|i| (0..shape.len()).map(|d| ((i / os[d]) % shape[d] + if d == axis { start } else { 0 }) * st[d]).sum());
            out.push(x.gather(x.dtype, shape.clone(), idx));
            start += s;
        }
        Ok(out)
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let x = k.input(0)?;
        let split = if self.split_input { k.node.input(1).and_then(|t| k.value(t)) } else { None };
        let xs = k.shape(x).to_vec();
        let (axis, sizes) = self.sizes(&xs, split).map_err(|e| k.err(e.to_string()))?;
        let rank = xs.len();
        let mut start = 0i64;
        for (i, s) in sizes.into_iter().enumerate() {
            let y = k.output(i)?;
            let region = k.shape(y).to_vec();
            let mut in_start = vec![0i64; rank];
            in_start[axis] = start;
            super::slice::emit_copy(k, x, y, &region, &in_start, &vec![1; rank], &vec![0; rank], &vec![1; rank])?;
            start += s as i64;
        }
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::pad::test_node::{node, A};
    use super::*;

    #[test]
    fn equal_uneven_and_given_parts() {
        let x = Value::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let op = Split { axis: 1, outputs: 2, split: Some(vec![1, 2]), split_input: false, uneven: false };
        let y = op.eval(&[Some(&x)]).expect("eval");
        assert_eq!((y[0].shape.clone(), y[0].as_f32()), (vec![2, 1], vec![1., 4.]));
        assert_eq!((y[1].shape.clone(), y[1].as_f32()), (vec![2, 2], vec![2., 3., 5., 6.]));
        let x = Value::i64(vec![7], (0..7).collect());
        let op = Split { axis: 0, outputs: 4, split: None, split_input: true, uneven: true };
        let y = op.eval(&[Some(&x)]).expect("eval");
        let parts: Vec<Vec<i64>> = y.iter().map(|v| v.as_i64()).collect();
        assert_eq!(parts, vec![vec![0, 1], vec![2, 3], vec![4, 5], vec![6]]);
        assert!(Split { uneven: false, ..op.clone() }.eval(&[Some(&x)]).is_err());
        let bad = Value::i64(vec![2], vec![3, 3]);
        assert!(Split { outputs: 2, ..op }.eval(&[Some(&x), Some(&bad)]).is_err());
    }

    #[test]
    fn import_checks_num_outputs() {
        let proto = node("Split", &["x"], &["a", "b"], &[("num_outputs", A::I(3))]);
        let n = OnnxNode { proto: &proto, opset: 18, const_inputs: vec![None], input_shapes: vec![] };
        assert!(import(&n).is_err());
        let proto = node("Split", &["x"], &["a", "b"], &[("split", A::Is(&[1, 1])), ("axis", A::I(-1))]);
        let n = OnnxNode { proto: &proto, opset: 11, const_inputs: vec![None], input_shapes: vec![] };
        let op = import(&n).expect("import");
        assert_eq!(op.as_any().downcast_ref::<Split>().map(|s| s.split.clone()), Some(Some(vec![1, 1])));
    }
}
