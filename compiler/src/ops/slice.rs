//! Slice (starts/ends/axes/steps as constant inputs from opset 10, attributes before),
//! and the strided region copy shared with Concat.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, fact, invalid, norm_axis, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::value::strides;
use crate::ir::{numel, TensorId, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Attribute form (opset < 10): starts, ends, axes.
    pub attrs: Option<(Vec<i64>, Vec<i64>, Option<Vec<i64>>)>,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Slice", |n| {
        if n.opset < 10 {
            let starts = n.ints("starts")?.ok_or(OpError::Attribute { name: "starts".into(), message: "missing".into() })?;
            let ends = n.ints("ends")?.ok_or(OpError::Attribute { name: "ends".into(), message: "missing".into() })?;
            return Ok(Box::new(Slice { attrs: Some((starts, ends, n.ints("axes")?)) }));
        }
        Ok(Box::new(Slice { attrs: None }))
    });
}

/// Per-axis (start, step, count) of a slice of `shape`.
pub type Ranges = Vec<(i64, i64, usize)>;

impl Slice {
    fn ranges(&self, shape: &[usize], inputs: &[Option<super::Fact<'_>>]) -> Result<Ranges, OpError> {
        let (starts, ends, axes, steps) = match &self.attrs {
            Some((s, e, a)) => (s.clone(), e.clone(), a.clone(), None),
            None => {
                let get = |i: usize, what: &'static str| -> Result<Option<Vec<i64>>, OpError> { Ok(const_input(inputs, i, what)?.map(|v| v.as_i64())) };
                (
                    get(1, "starts")?.ok_or(OpError::MissingInput { index: 1, what: "starts" })?,
                    get(2, "ends")?.ok_or(OpError::MissingInput { index: 2, what: "ends" })?,
                    get(3, "axes")?,
                    get(4, "steps")?,
                )
            }
        };
        let rank = shape.len();
        let axes: Vec<usize> = match axes {
            Some(a) => a.iter().map(|&x| norm_axis(x, rank)).collect::<Result<_, _>>()?,
            None => (0..starts.len()).collect(),
        };
        let steps = steps.unwrap_or_else(|| vec![1; starts.len()]);
        if ends.len() != starts.len() || axes.len() != starts.len() || steps.len() != starts.len() {
            return Err(invalid("starts, ends, axes and steps differ in length"));
        }
        let mut r: Ranges = shape.iter().map(|&d| (0, 1, d)).collect();
        for (((&a, &s), &e), &st) in axes.iter().zip(&starts).zip(&ends).zip(&steps) {
            if st == 0 {
                return Err(invalid("slice step 0"));
            }
            let d = shape[a] as i64;
            let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
            let norm = |v: i64| if v < 0 { v.saturating_add(d) } else { v };
            let (start, end) = if st > 0 { (clamp(norm(s), 0, d), clamp(norm(e), 0, d)) } else { (clamp(norm(s), 0, d - 1), clamp(norm(e), -1, d - 1)) };
            let count = if st > 0 { (end - start).max(0).div_euclid(1).saturating_add(st - 1) / st } else { (start - end).max(0).saturating_add(-st - 1) / -st };
            r[a] = (start, st, count.max(0) as usize);
        }
        Ok(r)
    }
}

impl Op for Slice {
    fn op_type(&self) -> &'static str {
        "Slice"
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        let r = self.ranges(x.shape, inputs)?;
        Ok(vec![OutFact::new(x.dtype, r.iter().map(|t| t.2).collect())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        let facts: Vec<Option<super::Fact<'_>>> = inputs.iter().map(|v| v.map(|v| super::Fact { dtype: v.dtype, shape: &v.shape, value: Some(v) })).collect();
        let r = self.ranges(&x.shape, &facts)?;
        let out: Vec<usize> = r.iter().map(|t| t.2).collect();
        let (is, os) = (strides(&x.shape), strides(&out));
        let n = numel(&out).unwrap_or(0);
        let idx = (0..n).map(|i| r.iter().enumerate().map(|(d, &(s, st, _))| ((s + ((i / os[d]) % out[d]) as i64 * st) as usize) * is[d]).sum());
        Ok(vec![x.gather(x.dtype, out.clone(), idx)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let facts: Vec<Option<super::Fact<'_>>> = k.node.inputs.iter().map(|t| t.map(|t| { let tt = k.graph.tensor(t); super::Fact { dtype: tt.dtype, shape: &tt.shape, value: tt.value.as_deref() } })).collect();
        let r = self.ranges(k.shape(x), &facts).map_err(|e| k.err(e.to_string()))?;
        let region: Vec<usize> = r.iter().map(|t| t.2).collect();
        let rank = region.len();
        let starts: Vec<i64> = r.iter().map(|t| t.0).collect();
        let steps: Vec<i64> = r.iter().map(|t| t.1).collect();
        emit_copy(k, x, y, &region, &starts, &steps, &vec![0; rank], &vec![1; rank])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Copies a strided region: for each r in `region`, y[out_start + r*out_step] =
/// x[in_start + r*in_step].
#[allow(clippy::too_many_arguments)]
pub fn emit_copy(k: &mut KernelBuilder<'_>, x: TensorId, y: TensorId, region: &[usize], in_start: &[i64], in_step: &[i64], out_start: &[i64], out_step: &[i64]) -> Result<(), CodegenError> {
    let n = numel(region).unwrap_or(0);
    if n == 0 {
        return Ok(());
    }
    let names: Vec<String> = (0..region.len()).map(|d| format!("r{d}")).collect();
    let spec = KernelSpec::new("slice_copy", n as u64, k.wg_elementwise())
        .read("x", x)
        .write("y", y)
        .param("region", region.to_vec())
        .param("names", names.clone())
        .param("snames", (0..region.len()).map(|d| format!("s{d}")).collect::<Vec<_>>())
        .param("tnames", (0..region.len()).map(|d| format!("t{d}")).collect::<Vec<_>>())
        .param("in_start", in_start.to_vec())
        .param("in_step", in_step.to_vec())
        .param("out_start", out_start.to_vec())
        .param("out_step", out_step.to_vec());
    k.emit(spec);
    Ok(())
}
