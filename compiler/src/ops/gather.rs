//! Gather along one axis with int64 indices (negative indices wrap once).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, norm_axis, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Gather {
    pub axis: i64,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Gather", |n| Ok(Box::new(Gather { axis: n.int_or("axis", 0)? })));
}

impl Gather {
    fn out_shape(&self, data: &[usize], idx: &[usize]) -> Result<(usize, Vec<usize>), OpError> {
        let axis = norm_axis(self.axis, data.len())?;
        let mut out = data[..axis].to_vec();
        out.extend_from_slice(idx);
        out.extend_from_slice(&data[axis + 1..]);
        Ok((axis, out))
    }
}

impl Op for Gather {
    fn weight_slots(&self) -> Vec<usize> {
        vec![0]
    }
    fn op_type(&self) -> &'static str {
        "Gather"
    }
    fn attrs(&self) -> String {
        format!("axis={}", self.axis)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (d, i) = (fact(inputs, 0, "data")?, fact(inputs, 1, "indices")?);
        Ok(vec![OutFact::new(d.dtype, self.out_shape(d.shape, i.shape)?.1)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (d, iv) = (arg(inputs, 0, "data")?, arg(inputs, 1, "indices")?);
        let (axis, out) = self.out_shape(&d.shape, &iv.shape)?;
        let dim = d.shape[axis] as i64;
        let idx: Vec<usize> = iv
            .as_i64()
            .iter()
            .map(|&j| {
                let j = if j < 0 { j + dim } else { j };
                if j < 0 || j >= dim {
                    Err(invalid(format!("index {j} out of range for axis {axis} of size {dim}")))
                } else {
                    Ok(j as usize)
                }
            })
            .collect::<Result<_, _>>()?;
        let inner: usize = d.shape[axis + 1..].iter().product();
        let n = numel(&out).unwrap_or(0);
        let ni = idx.len().max(1);
        // Output element e = (outer o, index j, inner r) reads data (o, idx[j], r).
        let positions = (0..n).map(|e| {
            let (o, j, r) = (e / (ni * inner), (e / inner) % ni, e % inner);
            o * dim as usize * inner + idx.get(j).copied().unwrap_or(0) * inner + r
        });
        Ok(vec![d.gather(d.dtype, out.clone(), positions)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (d, ind, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let ds = k.shape(d).to_vec();
        let is = k.shape(ind).to_vec();
        let (axis, out) = self.out_shape(&ds, &is).map_err(|e| k.err(e.to_string()))?;
        let names: Vec<String> = (0..out.len()).map(|x| format!("o{x}")).collect();
        let ind_names: Vec<String> = names[axis..axis + is.len()].to_vec();
        let mut data_names: Vec<String> = names[..axis].to_vec();
        data_names.push("j".into());
        data_names.extend_from_slice(&names[axis + is.len()..]);
        let spec = KernelSpec::new("gather", numel(&out).unwrap_or(0) as u64, k.wg_elementwise())
            .read("x", d)
            .read("ind", ind)
            .write("y", y)
            .param("names", names)
            .param("ind_names", ind_names)
            .param("data_names", data_names)
            .param("axis_dim", ds[axis]);
        // A padded chunk's rows past last_row (output axis) are not gathered.
        let rank = out.len();
        let spec = k.row_guard(spec, |a| (a < rank).then(|| format!("o{a}")))?;
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
