//! Concat along one axis: one copy dispatch per input into its region of the output.

use std::any::Any;
use std::collections::BTreeMap;

use super::{invalid, norm_axis, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder};
use crate::ir::{Data, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Concat {
    pub axis: i64,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Concat", |n| Ok(Box::new(Concat { axis: n.int("axis")?.ok_or(OpError::Attribute { name: "axis".into(), message: "missing".into() })? })));
}

impl Concat {
    fn out_shape(&self, shapes: &[&[usize]]) -> Result<(usize, Vec<usize>), OpError> {
        let first = shapes.first().ok_or_else(|| invalid("Concat needs at least one input"))?;
        let axis = norm_axis(self.axis, first.len())?;
        let mut out = first.to_vec();
        out[axis] = 0;
        for s in shapes {
            if s.len() != first.len() || s.iter().zip(first.iter()).enumerate().any(|(d, (a, b))| d != axis && a != b) {
                return Err(invalid(format!("input shapes {shapes:?} differ outside axis {axis}")));
            }
            out[axis] += s[axis];
        }
        Ok((axis, out))
    }
}

impl Op for Concat {
    fn op_type(&self) -> &'static str {
        "Concat"
    }
    fn attrs(&self) -> String {
        format!("axis={}", self.axis)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let facts: Vec<_> = inputs.iter().flatten().collect();
        let shapes: Vec<&[usize]> = facts.iter().map(|f| f.shape).collect();
        let dtype = facts.first().map(|f| f.dtype).ok_or_else(|| invalid("Concat needs at least one input"))?;
        Ok(vec![OutFact::new(dtype, self.out_shape(&shapes)?.1)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let vals: Vec<&Value> = inputs.iter().flatten().copied().collect();
        let shapes: Vec<&[usize]> = vals.iter().map(|v| v.shape.as_slice()).collect();
        let (axis, out) = self.out_shape(&shapes)?;
        let outer: usize = out[..axis].iter().product();
        let dtype = vals.first().map(|v| v.dtype).ok_or_else(|| invalid("no inputs"))?;
        let mut parts: Vec<(usize, &Value)> = Vec::new();
        for v in &vals {
            parts.push((v.shape[axis..].iter().product(), v));
        }
        let data = match vals.first().map(|v| &v.data) {
            Some(Data::F32(_) | Data::F16(_)) => Data::F32((0..outer).flat_map(|o| parts.iter().flat_map(move |(blk, v)| v.as_f32()[o * blk..(o + 1) * blk].to_vec())).collect()),
            Some(Data::Bool(_)) => Data::Bool((0..outer).flat_map(|o| parts.iter().flat_map(move |(blk, v)| v.as_i64()[o * blk..(o + 1) * blk].iter().map(|&x| x != 0).collect::<Vec<_>>())).collect()),
            _ => Data::I64((0..outer).flat_map(|o| parts.iter().flat_map(move |(blk, v)| v.as_i64()[o * blk..(o + 1) * blk].to_vec())).collect()),
        };
        Ok(vec![Value { dtype, shape: out, data }])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let y = k.output(0)?;
        let rank = k.shape(y).len();
        let axis = norm_axis(self.axis, rank).map_err(|e| k.err(e.to_string()))?;
        let mut offset = 0usize;
        for i in 0..k.node.inputs.len() {
            let x = k.input(i)?;
            let region = k.shape(x).to_vec();
            let mut out_start = vec![0i64; rank];
            out_start[axis] = offset as i64;
            offset += region[axis];
            super::slice::emit_copy(k, x, y, &region, &vec![0; rank], &vec![1; rank], &out_start, &vec![1; rank])?;
        }
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
