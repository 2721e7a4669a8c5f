//! ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
//! ReduceSumSquare, ReduceLogSum and ReduceLogSumExp: fold the elements over a set of
//! axes (an attribute before opset 18, 13 for ReduceSum; a constant input from then on),
//! keeping them as size-1 axes (`keepdims`, default 1). No axes reduce everything, unless
//! `noop_with_empty_axes` makes the op an identity.
//!
//! One kernel (`reduce`) serves all of them and Einsum: one invocation per output element,
//! looping over the reduced positions.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, fact, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::front::onnx::OnnxNode;
use crate::ir::value::strides;
use crate::ir::{numel, Data, TensorId, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sum,
    Mean,
    Max,
    Min,
    Prod,
    L1,
    L2,
    SumSquare,
    LogSum,
    LogSumExp,
}

/// (ONNX name, kind, first opset where `axes` is an input rather than an attribute).
const TABLE: &[(&str, Kind, i64)] = &[
    ("ReduceSum", Kind::Sum, 13),
    ("ReduceMean", Kind::Mean, 18),
    ("ReduceMax", Kind::Max, 18),
    ("ReduceMin", Kind::Min, 18),
    ("ReduceProd", Kind::Prod, 18),
    ("ReduceL1", Kind::L1, 18),
    ("ReduceL2", Kind::L2, 18),
    ("ReduceSumSquare", Kind::SumSquare, 18),
    ("ReduceLogSum", Kind::LogSum, 18),
    ("ReduceLogSumExp", Kind::LogSumExp, 18),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Reduce {
    pub kind: Kind,
    pub keepdims: bool,
    pub noop_with_empty_axes: bool,
    /// Axes from the attribute (older opsets); `None` with `axes_input` reads input 1.
    pub axes: Option<Vec<i64>>,
    pub axes_input: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    for (name, _, _) in TABLE {
        reg.insert(name, import as ImportFn);
    }
}

fn import(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let name = n.proto.op_type.as_str();
    let (_, kind, since) = TABLE.iter().find(|(k, _, _)| *k == name).copied().ok_or_else(|| OpError::Unsupported(name.into()))?;
    let axes_input = n.opset >= since;
    Ok(Box::new(Reduce {
        kind,
        keepdims: n.int_or("keepdims", 1)? != 0,
        noop_with_empty_axes: n.int_or("noop_with_empty_axes", 0)? != 0,
        axes: if axes_input { None } else { n.ints("axes")? },
        axes_input,
    }))
}

/// Which input axes are reduced, and the output shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub reduced: Vec<bool>,
    pub out_shape: Vec<usize>,
    /// `noop_with_empty_axes` with no axes: the output is the input.
    pub noop: bool,
}

/// The reduction plan for `shape` over `axes` (`None` or empty: all axes, or none with
/// `noop`).
pub fn plan(shape: &[usize], axes: Option<&[i64]>, keepdims: bool, noop: bool) -> Result<Plan, OpError> {
    let rank = shape.len();
    let axes = axes.filter(|a| !a.is_empty());
    if axes.is_none() && noop {
        return Ok(Plan { reduced: vec![false; rank], out_shape: shape.to_vec(), noop: true });
    }
    let mut reduced = vec![axes.is_none(); rank];
    for &a in axes.unwrap_or(&[]) {
        reduced[norm_axis(a, rank).map_err(|e| OpError::Attribute { name: "axes".into(), message: e.to_string() })?] = true;
    }
    let out_shape = shape.iter().zip(&reduced).filter_map(|(&d, &r)| if !r { Some(d) } else if keepdims { Some(1) } else { None }).collect();
    Ok(Plan { reduced, out_shape, noop: false })
}

impl Reduce {
    fn plan_for(&self, shape: &[usize], axes_value: Option<&Value>) -> Result<Plan, OpError> {
        let from_input = axes_value.map(|v| v.as_i64());
        let axes = if self.axes_input { from_input.as_deref() } else { self.axes.as_deref() };
        plan(shape, axes, self.keepdims, self.noop_with_empty_axes)
    }

    fn fold_f64(&self, xs: impl Iterator<Item = f64> + Clone) -> f64 {
        match self.kind {
            Kind::Sum => xs.sum(),
            Kind::Mean => {
                let n = xs.clone().count();
                xs.sum::<f64>() / n as f64
            }
            Kind::Max => xs.fold(f64::NEG_INFINITY, f64::max),
            Kind::Min => xs.fold(f64::INFINITY, f64::min),
            Kind::Prod => xs.product(),
            Kind::L1 => xs.map(f64::abs).sum(),
            Kind::L2 => xs.map(|x| x * x).sum::<f64>().sqrt(),
            Kind::SumSquare => xs.map(|x| x * x).sum(),
            Kind::LogSum => xs.sum::<f64>().ln(),
            Kind::LogSumExp => {
                let m = xs.clone().fold(f64::NEG_INFINITY, f64::max);
                if m.is_infinite() {
                    return m;
                }
                m + xs.map(|x| (x - m).exp()).sum::<f64>().ln()
            }
        }
    }

    /// Exact integer semantics where they exist (wrapping like two's-complement tensors).
    fn fold_i64(&self, xs: impl Iterator<Item = i64>) -> Option<i64> {
        Some(match self.kind {
            Kind::Sum => xs.fold(0i64, i64::wrapping_add),
            Kind::Prod => xs.fold(1i64, i64::wrapping_mul),
            Kind::Max => xs.fold(i64::MIN, i64::max),
            Kind::Min => xs.fold(i64::MAX, i64::min),
            Kind::L1 => xs.fold(0i64, |a, x| a.wrapping_add(x.wrapping_abs())),
            Kind::SumSquare => xs.fold(0i64, |a, x| a.wrapping_add(x.wrapping_mul(x))),
            _ => return None,
        })
    }
}

/// For each output element (kept axes, row-major), the input offset of its first reduced
/// position; and the offsets of every reduced position relative to it.
pub fn offsets(shape: &[usize], reduced: &[bool]) -> (Vec<usize>, Vec<usize>) {
    let st = strides(shape);
    let pick = |want: bool| -> (Vec<usize>, Vec<usize>) { shape.iter().zip(&st).zip(reduced).filter(|(_, &r)| r == want).map(|((&d, &s), _)| (d, s)).unzip() };
    let walk = |(dims, strides): (Vec<usize>, Vec<usize>)| -> Vec<usize> {
        let n = numel(&dims).unwrap_or(0);
        let inner = crate::ir::value::strides(&dims);
        (0..n).map(|i| dims.iter().zip(&inner).zip(&strides).map(|((&d, &s), &t)| (i / s) % d.max(1) * t).sum()).collect()
    };
    (walk(pick(false)), walk(pick(true)))
}

impl Op for Reduce {
    fn op_type(&self) -> &'static str {
        TABLE.iter().find(|(_, k, _)| *k == self.kind).map(|(n, _, _)| *n).unwrap_or("Reduce")
    }
    fn attrs(&self) -> String {
        let axes = self.axes.as_ref().map(|a| format!("axes={a:?},")).unwrap_or_default();
        format!("{axes}keepdims={}{}", self.keepdims as u8, if self.noop_with_empty_axes { ",noop_with_empty_axes=1" } else { "" })
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        let axes = if self.axes_input { const_input(inputs, 1, "axes")? } else { None };
        Ok(vec![OutFact::new(x.dtype, self.plan_for(x.shape, axes)?.out_shape)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        let axes = if self.axes_input { inputs.get(1).copied().flatten() } else { None };
        let p = self.plan_for(&x.shape, axes)?;
        if p.noop {
            return Ok(vec![x.clone()]);
        }
        let (bases, red) = offsets(&x.shape, &p.reduced);
        if x.holds_ints() {
            let v = x.as_i64();
            let out: Option<Vec<i64>> = bases.iter().map(|&b| self.fold_i64(red.iter().map(|&r| v[b + r]))).collect();
            if let Some(out) = out {
                return Ok(vec![Value { dtype: x.dtype, shape: p.out_shape, data: Data::I64(out) }]);
            }
        }
        let xs = x.as_f32();
        let out: Vec<f32> = bases.iter().map(|&b| self.fold_f64(red.iter().map(|&r| xs[b + r] as f64)) as f32).collect();
        Ok(vec![Value::from_f32_as(x.dtype, p.out_shape, out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let axes = if self.axes_input { k.node.input(1).and_then(|t| k.value(t)) } else { None };
        let xs = k.shape(x).to_vec();
        let p = self.plan_for(&xs, axes).map_err(|e| k.err(e.to_string()))?;
        if p.noop {
            return super::reshape::copy_flat(k, x, y);
        }
        let names: Vec<String> = (0..p.out_shape.len()).map(|d| format!("o{d}")).collect();
        let (mut idx, mut red_shape, mut red_names) = (Vec::new(), Vec::new(), Vec::new());
        let mut o = 0;
        for (d, &r) in p.reduced.iter().enumerate() {
            if r {
                idx.push(format!("r{d}"));
                red_shape.push(xs[d]);
                red_names.push(format!("r{d}"));
                o += self.keepdims as usize;
            } else {
                idx.push(names.get(o).cloned().unwrap_or_default());
                o += 1;
            }
        }
        let value = helpers::load(k.lang, &k.desc("x", x)?, &idx).map_err(|m| k.err(m))?;
        let spec = KernelSpec::new("reduce", numel(&p.out_shape).unwrap_or(0) as u64, k.wg_elementwise()).read("x", x);
        emit_loop(k, spec, y, names, red_shape, red_names, value, self.kind);
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// (init, step over `acc` and `x`, finish over `acc` and the max `m`) of a reduction.
fn exprs(kind: Kind, lang: Lang, count: usize) -> (String, String, String) {
    let f = |v: f32| lang.f(v);
    let (abs, max, min) = match lang {
        Lang::Wgsl => ("abs", "max", "min"),
        Lang::OpenclC => ("fabs", "fmax", "fmin"),
    };
    // ±infinity exactly (an empty ReduceMax is -inf), which float literals cannot spell.
    let (neg_inf, pos_inf) = match lang {
        Lang::Wgsl => ("bitcast<f32>(0xff800000u)", "bitcast<f32>(0x7f800000u)"),
        Lang::OpenclC => ("(-INFINITY)", "INFINITY"),
    };
    let sum = (f(0.0), "acc + x".to_string(), "acc".to_string());
    match kind {
        Kind::Sum => sum,
        Kind::Mean => (f(0.0), "acc + x".into(), format!("acc / {}", f(count as f32))),
        Kind::Max => (neg_inf.into(), format!("{max}(acc, x)"), "acc".into()),
        Kind::Min => (pos_inf.into(), format!("{min}(acc, x)"), "acc".into()),
        Kind::Prod => (f(1.0), "acc * x".into(), "acc".into()),
        Kind::L1 => (f(0.0), format!("acc + {abs}(x)"), "acc".into()),
        Kind::L2 => (f(0.0), "acc + x * x".into(), "sqrt(acc)".into()),
        Kind::SumSquare => (f(0.0), "acc + x * x".into(), "acc".into()),
        Kind::LogSum => (f(0.0), "acc + x".into(), "log(acc)".into()),
        Kind::LogSumExp => (f(0.0), "acc + exp(x - m)".into(), "m + log(acc)".into()),
    }
}

/// Emits the `reduce` template for `spec` (its reads already bound): output `y` with
/// coordinates `names`, folding `value` (an expression over `names` and `red_names`)
/// over `red_shape`.
#[allow(clippy::too_many_arguments)]
pub fn emit_loop(k: &mut KernelBuilder<'_>, spec: KernelSpec, y: TensorId, names: Vec<String>, red_shape: Vec<usize>, red_names: Vec<String>, value: String, kind: Kind) {
    let count = numel(&red_shape).unwrap_or(0);
    let (init, step, finish) = exprs(kind, k.lang, count);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let spec = spec
        .write("y", y)
        .param("names", names.clone())
        .param("red_shape", red_shape)
        .param("red_names", red_names)
        .param("count", count)
        .param("value", value)
        .param("init", init)
        .param("step", step)
        .param("finish", finish)
        .param("two_pass", kind == Kind::LogSumExp)
        .epilogue_at(&refs);
    k.emit(spec);
}

#[cfg(test)]
mod tests {
    use super::super::pad::test_node::{node, A};
    use super::*;

    fn op(kind: Kind, axes: Option<Vec<i64>>, keepdims: bool) -> Reduce {
        Reduce { kind, keepdims, noop_with_empty_axes: false, axes, axes_input: false }
    }

    fn run(op: &Reduce, x: Value) -> Value {
        op.eval(&[Some(&x)]).expect("eval").into_iter().next().expect("one output")
    }

    #[test]
    fn every_kind_over_one_axis() {
        // [[1, -2, 3], [4, 5, -6]] over axis 1.
        let x = Value::f32(vec![2, 3], vec![1., -2., 3., 4., 5., -6.]);
        let cases: &[(Kind, [f32; 2])] = &[
            (Kind::Sum, [2., 3.]),
            (Kind::Mean, [2. / 3., 1.]),
            (Kind::Max, [3., 5.]),
            (Kind::Min, [-2., -6.]),
            (Kind::Prod, [-6., -120.]),
            (Kind::L1, [6., 15.]),
            (Kind::L2, [14f32.sqrt(), 77f32.sqrt()]),
            (Kind::SumSquare, [14., 77.]),
            (Kind::LogSum, [2f32.ln(), 3f32.ln()]),
        ];
        for (kind, want) in cases {
            let y = run(&op(*kind, Some(vec![1]), false), x.clone());
            assert_eq!(y.shape, vec![2], "{kind:?}");
            for (g, w) in y.as_f32().iter().zip(want) {
                assert!((g - w).abs() < 1e-6, "{kind:?}: {g} vs {w}");
            }
        }
        // log(e^1 + e^2 + e^3) = 3.4076059.
        let y = run(&op(Kind::LogSumExp, Some(vec![0]), true), Value::f32(vec![3], vec![1., 2., 3.]));
        assert_eq!(y.shape, vec![1]);
        assert!((y.as_f32()[0] - 3.407_606).abs() < 1e-6);
    }

    #[test]
    fn axes_keepdims_and_noop() {
        let x = Value::f32(vec![2, 2, 2], (1..=8).map(|v| v as f32).collect());
        // Axes 0 and 2 kept as size 1: sums of {1,2,5,6} and {3,4,7,8}.
        let y = run(&op(Kind::Sum, Some(vec![0, -1]), true), x.clone());
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 2, 1], vec![14., 22.]));
        // No axes: everything.
        let y = run(&op(Kind::Max, None, false), x.clone());
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![], vec![8.]));
        let noop = Reduce { noop_with_empty_axes: true, ..op(Kind::Sum, None, true) };
        assert_eq!(run(&noop, x.clone()), x);
        assert!(op(Kind::Sum, Some(vec![3]), true).plan_for(&[2, 2, 2], None).is_err());
    }

    #[test]
    fn integers_stay_exact() {
        let x = Value::i64(vec![2, 2], vec![1 << 40, 3, -5, 7]);
        let y = run(&op(Kind::Sum, Some(vec![1]), true), x.clone());
        assert_eq!((y.shape.clone(), y.as_i64()), (vec![2, 1], vec![(1 << 40) + 3, 2]));
        assert_eq!(run(&op(Kind::Prod, None, false), x).as_i64(), vec![-(105i64 << 40)]);
    }

    #[test]
    fn axes_by_opset() {
        let proto = node("ReduceMean", &["x"], &["y"], &[("axes", A::Is(&[1])), ("keepdims", A::I(0))]);
        let n = OnnxNode { proto: &proto, opset: 13, const_inputs: vec![None], input_shapes: vec![] };
        let r = import(&n).expect("import");
        let r = r.as_any().downcast_ref::<Reduce>().expect("a Reduce");
        assert_eq!((r.axes.clone(), r.axes_input, r.keepdims), (Some(vec![1]), false, false));
        let proto = node("ReduceSum", &["x", "axes"], &["y"], &[]);
        let n = OnnxNode { proto: &proto, opset: 13, const_inputs: vec![None, None], input_shapes: vec![] };
        let r = import(&n).expect("import");
        assert!(r.as_any().downcast_ref::<Reduce>().expect("a Reduce").axes_input);
        // A run-time axes input is refused at inference.
        let x = [2usize, 3];
        let facts = [Some(Fact { dtype: crate::ir::DType::F32, shape: &x, value: None }), Some(Fact { dtype: crate::ir::DType::I64, shape: &[1], value: None })];
        assert!(matches!(r.infer(&facts), Err(OpError::NotConstant { index: 1, .. })));
    }
}
