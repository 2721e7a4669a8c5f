//! Pad, any rank: constant, reflect and edge modes; negative pads crop. Pads (and the
//! fill value and axes) are attributes before opset 11 and compile-time constant inputs
//! from opset 11 on; they are read at import time.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::value::strides;
use crate::ir::{numel, Data, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadMode {
    Constant,
    /// Mirror without repeating the edge (numpy `reflect`).
    Reflect,
    /// Repeat the edge element.
    Edge,
}

impl PadMode {
    fn name(self) -> &'static str {
        match self {
            PadMode::Constant => "constant",
            PadMode::Reflect => "reflect",
            PadMode::Edge => "edge",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pad {
    pub mode: PadMode,
    /// ONNX order: all begins, then all ends (of `axes`, or of every axis).
    pub pads: Vec<i64>,
    /// Axes the pads apply to (opset 18); `None` means every axis.
    pub axes: Option<Vec<i64>>,
    /// Fill value of constant mode.
    pub value: f32,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Pad", import);
}

/// The value of constant input `i`, or `None` when the input is absent.
fn const_in<'a>(n: &OnnxNode<'a>, i: usize, what: &'static str) -> Result<Option<&'a Value>, OpError> {
    if !n.has_input(i) {
        return Ok(None);
    }
    n.const_input(i).map(Some).ok_or(OpError::NotConstant { index: i, what })
}

fn import(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let mode = match n.string_or("mode", "constant")?.as_str() {
        "constant" => PadMode::Constant,
        "reflect" => PadMode::Reflect,
        "edge" => PadMode::Edge,
        "wrap" => return Err(OpError::Unsupported("Pad mode 'wrap'".into())),
        other => return Err(OpError::Attribute { name: "mode".into(), message: format!("unknown value '{other}'") }),
    };
    let (pads, axes, value) = if n.opset < 11 {
        // Pad-1 called the attribute `paddings`; Pad-2 renamed it `pads`.
        let pads = match n.ints("pads")? {
            Some(p) => p,
            None => n.ints("paddings")?.ok_or(OpError::Attribute { name: "pads".into(), message: "missing".into() })?,
        };
        (pads, None, n.float_or("value", 0.0)?)
    } else {
        let pads = const_in(n, 1, "pads")?.ok_or(OpError::MissingInput { index: 1, what: "pads" })?.as_i64();
        let value = match const_in(n, 2, "constant_value")? {
            Some(v) if v.len() > 1 => return Err(invalid("constant_value must be a scalar")),
            Some(v) => v.as_f32().first().copied().unwrap_or(0.0),
            None => 0.0,
        };
        let axes = const_in(n, 3, "axes")?.map(Value::as_i64);
        (pads, axes, value)
    };
    Ok(Box::new(Pad { mode, pads, axes, value }))
}

/// (begin, end) pads of every axis.
type Pads = Vec<(i64, i64)>;

impl Pad {
    /// Per-axis (begin, end) pads for an input of `rank`.
    fn resolve(&self, rank: usize) -> Result<Pads, OpError> {
        let axes: Vec<usize> = match &self.axes {
            None => (0..rank).collect(),
            Some(a) => a.iter().map(|&x| norm_axis(x, rank)).collect::<Result<_, _>>()?,
        };
        if self.pads.len() != 2 * axes.len() {
            return Err(invalid(format!("{} pads for {} axes (need begin and end for each)", self.pads.len(), axes.len())));
        }
        let mut out = vec![None; rank];
        for (k, &a) in axes.iter().enumerate() {
            let slot = out.get_mut(a).ok_or_else(|| invalid(format!("axis {a} out of range")))?;
            if slot.is_some() {
                return Err(invalid(format!("axis {a} is listed twice")));
            }
            *slot = Some((self.pads[k], self.pads[k + axes.len()]));
        }
        Ok(out.into_iter().map(|p| p.unwrap_or((0, 0))).collect())
    }

    /// Output shape and per-axis (begin, end) pads.
    fn geometry(&self, x: &[usize]) -> Result<(Vec<usize>, Pads), OpError> {
        let pads = self.resolve(x.len())?;
        let mut out = Vec::with_capacity(x.len());
        for (a, (&d, &(b, e))) in x.iter().zip(&pads).enumerate() {
            let size = i64::try_from(d).ok().and_then(|d| d.checked_add(b)?.checked_add(e));
            let size = size.and_then(|s| usize::try_from(s).ok()).ok_or_else(|| invalid(format!("pads ({b}, {e}) on axis {a} of size {d} leave a negative size")))?;
            if d == 0 && size > 0 && self.mode != PadMode::Constant {
                return Err(invalid(format!("{} padding of the empty axis {a}", self.mode.name())));
            }
            out.push(size);
        }
        Ok((out, pads))
    }
}

/// Source coordinate of output coordinate `o` on an axis of length `n` with leading pad
/// `begin`, or `None` for a constant fill.
fn source(mode: PadMode, o: usize, begin: i64, n: usize) -> Option<usize> {
    let i = o as i64 - begin;
    let n = n as i64;
    let s = match mode {
        PadMode::Constant => i,
        PadMode::Edge => i.clamp(0, n - 1),
        PadMode::Reflect if n == 1 => 0,
        PadMode::Reflect => {
            // Reflection is periodic with period 2(n-1) (numpy repeats it for wide pads).
            let p = 2 * (n - 1);
            let m = i.rem_euclid(p);
            if m >= n {
                p - m
            } else {
                m
            }
        }
    };
    (0..n).contains(&s).then_some(s as usize)
}

impl Op for Pad {
    fn op_type(&self) -> &'static str {
        "Pad"
    }
    fn attrs(&self) -> String {
        let mut s = format!("mode={},pads={:?}", self.mode.name(), self.pads);
        if let Some(a) = &self.axes {
            s.push_str(&format!(",axes={a:?}"));
        }
        if self.mode == PadMode::Constant && self.value != 0.0 {
            s.push_str(&format!(",value={}", self.value));
        }
        s
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        let (shape, _) = self.geometry(x.shape)?;
        Ok(vec![OutFact::new(x.dtype, shape)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        let (shape, pads) = self.geometry(&x.shape)?;
        let total = numel(&shape).ok_or_else(|| invalid("output too large"))?;
        let (in_strides, out_strides) = (strides(&x.shape), strides(&shape));
        let src: Vec<Option<usize>> = (0..total)
            .map(|i| {
                let mut off = 0;
                for a in 0..shape.len() {
                    let o = (i / out_strides[a]) % shape[a];
                    off += source(self.mode, o, pads[a].0, x.shape[a])? * in_strides[a];
                }
                Some(off)
            })
            .collect();
        let data = match &x.data {
            Data::F32(v) => Data::F32(src.iter().map(|s| s.map_or(self.value, |o| v[o])).collect()),
            Data::I64(v) => Data::I64(src.iter().map(|s| s.map_or(self.value as i64, |o| v[o])).collect()),
            Data::Bool(v) => Data::Bool(src.iter().map(|s| s.map_or(self.value != 0.0, |o| v[o])).collect()),
            Data::I8(v) => Data::I64(src.iter().map(|s| s.map_or(self.value as i64, |o| i64::from(v[o]))).collect()),
            Data::F16(v) => Data::F32(src.iter().map(|s| s.map_or(self.value, |o| v[o].to_f32())).collect()),
        };
        Ok(vec![Value { dtype: x.dtype, shape, data }])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let xshape = k.shape(x);
        let (shape, pads) = self.geometry(xshape).map_err(|e| k.err(e.to_string()))?;
        let names: Vec<String> = (0..shape.len()).map(|d| format!("o{d}")).collect();
        let srcs: Vec<String> = (0..shape.len()).map(|d| format!("s{d}")).collect();
        let axes: Vec<serde_json::Value> =
            pads.iter().zip(xshape).enumerate().map(|(d, (&(b, _), &n))| serde_json::json!({ "dst": names[d], "src": srcs[d], "begin": b, "n": n, "period": 2 * n.saturating_sub(1) })).collect();
        let numel = numel(&shape).ok_or_else(|| k.err("output too large"))?;
        let spec = KernelSpec::new("pad", numel as u64, k.wg_elementwise())
            .read("x", x)
            .write("y", y)
            .param("mode", self.mode.name())
            .param("names", names)
            .param("srcs", srcs)
            .param("axes", axes)
            .param("value", k.lang.f(self.value));
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Builds ONNX nodes for the import tests of this family of files.
#[cfg(test)]
pub(crate) mod test_node {
    use onnx_protobuf::attribute_proto::AttributeType;
    use onnx_protobuf::{AttributeProto, NodeProto};

    /// An attribute value for [`node`].
    pub enum A<'a> {
        I(i64),
        F(f32),
        S(&'a str),
        Is(&'a [i64]),
        Fs(&'a [f32]),
    }

    /// A node of `op` with `inputs` (use "" for an omitted optional input) and attributes.
    pub fn node(op: &str, inputs: &[&str], outputs: &[&str], attrs: &[(&str, A<'_>)]) -> NodeProto {
        let mut n = NodeProto::new();
        n.op_type = op.into();
        n.name = format!("{op}_0");
        n.input = inputs.iter().map(|s| s.to_string()).collect();
        n.output = outputs.iter().map(|s| s.to_string()).collect();
        for (name, v) in attrs {
            let mut a = AttributeProto::new();
            a.name = name.to_string();
            let kind = match v {
                A::I(i) => {
                    a.i = *i;
                    AttributeType::INT
                }
                A::F(f) => {
                    a.f = *f;
                    AttributeType::FLOAT
                }
                A::S(s) => {
                    a.s = s.as_bytes().to_vec();
                    AttributeType::STRING
                }
                A::Is(v) => {
                    a.ints = v.to_vec();
                    AttributeType::INTS
                }
                A::Fs(v) => {
                    a.floats = v.to_vec();
                    AttributeType::FLOATS
                }
            };
            a.type_ = kind.into();
            n.attribute.push(a);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::test_node::{node, A};
    use super::*;

    fn run(op: &Pad, x: Value) -> Value {
        op.eval(&[Some(&x)]).expect("eval").into_iter().next().expect("one output")
    }

    fn pad(mode: PadMode, pads: &[i64]) -> Pad {
        Pad { mode, pads: pads.to_vec(), axes: None, value: 0.0 }
    }

    #[test]
    fn reflect_edge_constant_1d() {
        let x = Value::f32(vec![3], vec![1., 2., 3.]);
        assert_eq!(run(&pad(PadMode::Reflect, &[2, 2]), x.clone()).as_f32(), vec![3., 2., 1., 2., 3., 2., 1.]);
        assert_eq!(run(&pad(PadMode::Edge, &[2, 1]), x.clone()).as_f32(), vec![1., 1., 1., 2., 3., 3.]);
        let mut c = pad(PadMode::Constant, &[1, 2]);
        c.value = 9.5;
        assert_eq!(run(&c, x.clone()).as_f32(), vec![9.5, 1., 2., 3., 9.5, 9.5]);
        // Wider than the input: reflection repeats with period 2(n-1) = 4.
        assert_eq!(run(&pad(PadMode::Reflect, &[4, 0]), x).as_f32(), vec![1., 2., 3., 2., 1., 2., 3.]);
    }

    #[test]
    fn negative_pads_crop() {
        let x = Value::f32(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let y = run(&pad(PadMode::Constant, &[0, -1, 1, 1]), x.clone());
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![3, 3], vec![2., 3., 0., 5., 6., 0., 0., 0., 0.]));
        let y = run(&pad(PadMode::Reflect, &[0, -1, 0, 1]), x);
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![2, 3], vec![2., 3., 2., 5., 6., 5.]));
        assert!(pad(PadMode::Constant, &[-3, 0]).geometry(&[2]).is_err());
    }

    #[test]
    fn axes_and_integers() {
        let op = Pad { mode: PadMode::Constant, pads: vec![1, 0], axes: Some(vec![-1]), value: 7.0 };
        let y = run(&op, Value::i64(vec![2, 1], vec![4, 5]));
        assert_eq!((y.shape.clone(), y.as_i64()), (vec![2, 2], vec![7, 4, 7, 5]));
    }

    #[test]
    fn import_by_opset() {
        let proto = node("Pad", &["x"], &["y"], &[("pads", A::Is(&[1, 2])), ("mode", A::S("edge"))]);
        let n = OnnxNode { proto: &proto, opset: 9, const_inputs: vec![None], input_shapes: vec![] };
        let op = import(&n).expect("import");
        let p = op.as_any().downcast_ref::<Pad>().expect("a Pad");
        assert_eq!((p.mode, p.pads.clone()), (PadMode::Edge, vec![1, 2]));

        let proto = node("Pad", &["x"], &["y"], &[("pads", A::Is(&[0, 1])), ("value", A::F(1.5))]);
        let n = OnnxNode { proto: &proto, opset: 2, const_inputs: vec![None], input_shapes: vec![] };
        let op = import(&n).expect("import");
        let y = run(op.as_any().downcast_ref::<Pad>().expect("a Pad"), Value::f32(vec![1], vec![4.0]));
        assert_eq!(y.as_f32(), vec![4.0, 1.5]);

        let pads = Value::i64(vec![2], vec![0, 1]);
        let value = Value::f32(vec![], vec![2.5]);
        let proto = node("Pad", &["x", "p", "v"], &["y"], &[]);
        let n = OnnxNode { proto: &proto, opset: 13, const_inputs: vec![None, Some(&pads), Some(&value)], input_shapes: vec![] };
        let op = import(&n).expect("import");
        let p = op.as_any().downcast_ref::<Pad>().expect("a Pad");
        assert_eq!((p.pads.clone(), p.value), (vec![0, 1], 2.5));

        let n = OnnxNode { proto: &proto, opset: 13, const_inputs: vec![None, None, Some(&value)], input_shapes: vec![] };
        assert!(matches!(import(&n), Err(OpError::NotConstant { index: 1, .. })));
        let proto = node("Pad", &["x", "p"], &["y"], &[("mode", A::S("wrap"))]);
        let n = OnnxNode { proto: &proto, opset: 19, const_inputs: vec![None, Some(&pads)], input_shapes: vec![] };
        assert!(matches!(import(&n), Err(OpError::Unsupported(_))));
    }
}
