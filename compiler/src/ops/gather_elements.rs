//! GatherElements: y[.., i_axis, ..] = data[.., indices[.., i_axis, ..], ..]: the output
//! has the indices' shape; negative indices wrap once. Shares Gather's kernel, whose
//! index tensor is read at the output coordinates themselves.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::value::strides;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct GatherElements {
    pub axis: i64,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("GatherElements", |n| Ok(Box::new(GatherElements { axis: n.int_or("axis", 0)? })));
}

impl GatherElements {
    fn check(&self, data: &[usize], idx: &[usize]) -> Result<usize, OpError> {
        let axis = norm_axis(self.axis, data.len()).map_err(|e| OpError::Attribute { name: "axis".into(), message: e.to_string() })?;
        if data.len() != idx.len() || data.iter().zip(idx).enumerate().any(|(d, (&a, &b))| d != axis && b > a) {
            return Err(invalid(format!("indices {idx:?} do not fit data {data:?} outside axis {axis}")));
        }
        Ok(axis)
    }
}

impl Op for GatherElements {
    fn op_type(&self) -> &'static str {
        "GatherElements"
    }
    fn attrs(&self) -> String {
        format!("axis={}", self.axis)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (d, i) = (fact(inputs, 0, "data")?, fact(inputs, 1, "indices")?);
        self.check(d.shape, i.shape)?;
        Ok(vec![OutFact::new(d.dtype, i.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (d, iv) = (arg(inputs, 0, "data")?, arg(inputs, 1, "indices")?);
        let axis = self.check(&d.shape, &iv.shape)?;
        let (ds, is) = (strides(&d.shape), strides(&iv.shape));
        let dim = d.shape[axis] as i64;
        let idx = iv.as_i64();
        let mut pos = Vec::with_capacity(idx.len());
        for (e, &j) in idx.iter().enumerate() {
            let j = if j < 0 { j + dim } else { j };
            if j < 0 || j >= dim {
                return Err(invalid(format!("index {j} out of range for axis {axis} of size {dim}")));
            }
            pos.push((0..iv.shape.len()).map(|a| if a == axis { j as usize } else { (e / is[a]) % iv.shape[a] } * ds[a]).sum());
        }
        Ok(vec![d.gather(d.dtype, iv.shape.clone(), pos.into_iter())])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (d, ind, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let ds = k.shape(d).to_vec();
        let axis = self.check(&ds, k.shape(ind)).map_err(|e| k.err(e.to_string()))?;
        let ys = k.shape(y).to_vec();
        let names: Vec<String> = (0..ys.len()).map(|x| format!("o{x}")).collect();
        let mut data_names = names.clone();
        data_names[axis] = "j".into();
        let spec = KernelSpec::new("gather", numel(&ys).unwrap_or(0) as u64, k.wg_elementwise())
            .read("x", d)
            .read("ind", ind)
            .write("y", y)
            .param("names", names.clone())
            .param("ind_names", names)
            .param("data_names", data_names)
            .param("axis_dim", ds[axis]);
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
    fn picks_along_the_axis() {
        // ONNX example: data [[1, 2], [3, 4]], indices [[0, 0], [1, 0]], axis 1.
        let d = Value::f32(vec![2, 2], vec![1., 2., 3., 4.]);
        let i = Value::i64(vec![2, 2], vec![0, 0, 1, 0]);
        let y = GatherElements { axis: 1 }.eval(&[Some(&d), Some(&i)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![1., 1., 4., 3.]);
        // Axis 0 with a negative index and fewer rows than the data.
        let d = Value::i64(vec![3, 2], vec![1, 2, 3, 4, 5, 6]);
        let i = Value::i64(vec![1, 2], vec![-1, 1]);
        let y = GatherElements { axis: 0 }.eval(&[Some(&d), Some(&i)]).expect("eval").remove(0);
        assert_eq!((y.shape.clone(), y.as_i64()), (vec![1, 2], vec![5, 4]));
        let bad = Value::i64(vec![1, 2], vec![3, 0]);
        assert!(GatherElements { axis: 0 }.eval(&[Some(&d), Some(&bad)]).is_err());
    }
}
