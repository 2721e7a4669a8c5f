//! Reshape, Flatten, Squeeze, Unsqueeze: the same data under another shape. In a linear
//! layout the output aliases the input (no kernel); otherwise a copy kernel re-lays it.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, fact, invalid, norm_axis, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reshape { allow_zero: bool },
    Flatten { axis: i64 },
    Squeeze,
    Unsqueeze,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReshapeOp {
    pub kind: Kind,
    /// Axes given as an attribute (Squeeze/Unsqueeze before opset 13).
    pub axes: Option<Vec<i64>>,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Reshape", |n| Ok(Box::new(ReshapeOp { kind: Kind::Reshape { allow_zero: n.int_or("allowzero", 0)? != 0 }, axes: None })));
    reg.insert("Flatten", |n| Ok(Box::new(ReshapeOp { kind: Kind::Flatten { axis: n.int_or("axis", 1)? }, axes: None })));
    reg.insert("Squeeze", |n| squeeze_like(n, Kind::Squeeze));
    reg.insert("Unsqueeze", |n| squeeze_like(n, Kind::Unsqueeze));
}

fn squeeze_like(n: &OnnxNode<'_>, kind: Kind) -> Result<Box<dyn Op>, OpError> {
    let axes = if n.opset < 13 { n.ints("axes")? } else { None };
    Ok(Box::new(ReshapeOp { kind, axes }))
}

impl ReshapeOp {
    fn out_shape(&self, x: &[usize], inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<usize>, OpError> {
        let total = numel(x).ok_or_else(|| invalid("input element count overflows"))?;
        match self.kind {
            Kind::Reshape { allow_zero } => {
                let spec = const_input(inputs, 1, "shape")?.ok_or(OpError::MissingInput { index: 1, what: "shape" })?.as_i64();
                let mut out = Vec::with_capacity(spec.len());
                let mut infer_at = None;
                for (i, &d) in spec.iter().enumerate() {
                    match d {
                        -1 if infer_at.is_none() => {
                            infer_at = Some(i);
                            out.push(1);
                        }
                        0 if !allow_zero => out.push(*x.get(i).ok_or_else(|| invalid(format!("shape[{i}] = 0 copies a dimension the input (rank {}) lacks", x.len())))?),
                        d if d >= 0 => out.push(d as usize),
                        _ => return Err(invalid(format!("invalid target shape {spec:?}"))),
                    }
                }
                if let Some(i) = infer_at {
                    let known = numel(&out).unwrap_or(0);
                    if known == 0 || total % known != 0 {
                        return Err(invalid(format!("cannot reshape {x:?} to {spec:?}")));
                    }
                    out[i] = total / known;
                }
                if numel(&out) != Some(total) {
                    return Err(invalid(format!("cannot reshape {x:?} ({total} elements) to {out:?}")));
                }
                Ok(out)
            }
            Kind::Flatten { axis } => {
                let a = if axis < 0 { axis + x.len() as i64 } else { axis };
                if a < 0 || a > x.len() as i64 {
                    return Err(invalid(format!("axis {axis} out of range for rank {}", x.len())));
                }
                let a = a as usize;
                Ok(vec![x[..a].iter().product(), x[a..].iter().product()])
            }
            Kind::Squeeze => {
                let axes = self.axes_from(inputs)?;
                match axes {
                    None => Ok(x.iter().copied().filter(|&d| d != 1).collect()),
                    Some(axes) => {
                        let axes: Result<Vec<usize>, _> = axes.iter().map(|&a| norm_axis(a, x.len())).collect();
                        let axes = axes?;
                        if let Some(&a) = axes.iter().find(|&&a| x[a] != 1) {
                            return Err(invalid(format!("cannot squeeze axis {a} of size {}", x[a])));
                        }
                        Ok(x.iter().enumerate().filter(|(i, _)| !axes.contains(i)).map(|(_, &d)| d).collect())
                    }
                }
            }
            Kind::Unsqueeze => {
                let axes = self.axes_from(inputs)?.ok_or_else(|| invalid("Unsqueeze needs axes"))?;
                let rank = x.len() + axes.len();
                let mut axes: Vec<usize> = axes.iter().map(|&a| norm_axis(a, rank)).collect::<Result<_, _>>()?;
                axes.sort_unstable();
                axes.dedup();
                if axes.len() + x.len() != rank {
                    return Err(invalid("Unsqueeze axes repeat"));
                }
                let mut it = x.iter();
                Ok((0..rank).map(|i| if axes.contains(&i) { 1 } else { it.next().copied().unwrap_or(1) }).collect())
            }
        }
    }

    fn axes_from(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Option<Vec<i64>>, OpError> {
        if let Some(a) = &self.axes {
            return Ok(Some(a.clone()));
        }
        Ok(const_input(inputs, 1, "axes")?.map(|v| v.as_i64()))
    }
}

impl Op for ReshapeOp {
    fn op_type(&self) -> &'static str {
        match self.kind {
            Kind::Reshape { .. } => "Reshape",
            Kind::Flatten { .. } => "Flatten",
            Kind::Squeeze => "Squeeze",
            Kind::Unsqueeze => "Unsqueeze",
        }
    }
    fn attrs(&self) -> String {
        match (self.kind, &self.axes) {
            (Kind::Flatten { axis }, _) => format!("axis={axis}"),
            (_, Some(a)) => format!("axes={a:?}"),
            _ => String::new(),
        }
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        Ok(vec![OutFact::new(x.dtype, self.out_shape(x.shape, inputs)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        let facts: Vec<Option<super::Fact<'_>>> = inputs.iter().map(|v| v.map(|v| super::Fact { dtype: v.dtype, shape: &v.shape, value: Some(v) })).collect();
        let shape = self.out_shape(&x.shape, &facts)?;
        Ok(vec![x.reshaped(shape).ok_or_else(|| invalid("element count changed"))?])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        // Reached only when the layouts do not allow aliasing: copy element by element
        // in logical row-major order (input viewed flat, output viewed flat).
        let (x, y) = (k.input(0)?, k.output(0)?);
        copy_flat(k, x, y)
    }
    fn alias_of_input(&self) -> Option<usize> {
        Some(0)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Copies `x` to `y` (same element count) in logical row-major order through the
/// accessors of each side's layout.
pub fn copy_flat(k: &mut KernelBuilder<'_>, x: crate::ir::TensorId, y: crate::ir::TensorId) -> Result<(), CodegenError> {
    let (xs, ys) = (k.shape(x).to_vec(), k.shape(y).to_vec());
    let n = numel(&ys).unwrap_or(0);
    let yn: Vec<String> = (0..ys.len()).map(|d| format!("o{d}")).collect();
    let xn: Vec<String> = (0..xs.len()).map(|d| format!("s{d}")).collect();
    let spec = KernelSpec::new("copy_permute", n as u64, k.wg_elementwise())
        .read("x", x)
        .write("y", y)
        .param("out_names", yn)
        .param("in_names", xn)
        .param("in_shape", xs)
        .param("flat", true)
        .param("perm", Vec::<usize>::new());
    k.emit(spec);
    Ok(())
}
