//! Element-wise operators: unary math and activations, and broadcasting binary
//! arithmetic. Each kind is one row of a table (ONNX name, arity, f32 semantics, kernel
//! expression); they share one kernel template and fuse into their producer's epilogue.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::front::onnx::OnnxNode;
use crate::ir::{DType, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Max,
    Min,
    Relu,
    LeakyRelu,
    Clip,
    Sigmoid,
    Tanh,
    HardSwish,
    HardSigmoid,
    Exp,
    Log,
    Sqrt,
    Neg,
    Abs,
    Reciprocal,
    Erf,
    Sin,
    Cos,
    Floor,
    Ceil,
    Gelu,
    /// GELU with the tanh approximation (ONNX Gelu approximate='tanh', gelu_pytorch_tanh).
    GeluTanh,
    /// x · sigmoid(alpha · x) (SiLU for alpha = 1, CLIP's quick-GELU for 1.702): only
    /// made by the fuse-activations pass.
    Silu,
}

/// An element-wise op with its attributes (alpha/beta for LeakyRelu, HardSigmoid, Clip).
#[derive(Debug, Clone, PartialEq)]
pub struct ElementwiseOp {
    pub kind: Kind,
    pub alpha: f32,
    pub beta: f32,
}

const UNARY: &[(&str, Kind)] = &[
    ("Relu", Kind::Relu),
    ("Sigmoid", Kind::Sigmoid),
    ("Tanh", Kind::Tanh),
    ("HardSwish", Kind::HardSwish),
    ("Exp", Kind::Exp),
    ("Log", Kind::Log),
    ("Sqrt", Kind::Sqrt),
    ("Neg", Kind::Neg),
    ("Abs", Kind::Abs),
    ("Reciprocal", Kind::Reciprocal),
    ("Erf", Kind::Erf),
    ("Sin", Kind::Sin),
    ("Cos", Kind::Cos),
    ("Floor", Kind::Floor),
    ("Ceil", Kind::Ceil),
];
const BINARY: &[(&str, Kind)] = &[("Add", Kind::Add), ("Sub", Kind::Sub), ("Mul", Kind::Mul), ("Div", Kind::Div), ("Pow", Kind::Pow)];

/// √(2/π), the tanh-GELU constant.
const GELU_TANH_K: f32 = 0.797_884_6;

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    fn plain(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
        let name = n.proto.op_type.as_str();
        let kind = UNARY.iter().chain(BINARY).find(|(k, _)| *k == name).map(|(_, k)| *k).ok_or_else(|| OpError::Unsupported(name.into()))?;
        Ok(Box::new(ElementwiseOp { kind, alpha: 0.0, beta: 0.0 }))
    }
    for (name, _) in UNARY.iter().chain(BINARY) {
        reg.insert(name, plain as ImportFn);
    }
    reg.insert("LeakyRelu", |n| Ok(Box::new(ElementwiseOp { kind: Kind::LeakyRelu, alpha: n.float_or("alpha", 0.01)?, beta: 0.0 })));
    reg.insert("HardSigmoid", |n| Ok(Box::new(ElementwiseOp { kind: Kind::HardSigmoid, alpha: n.float_or("alpha", 0.2)?, beta: n.float_or("beta", 0.5)? })));
    reg.insert("Gelu", |n| {
        let kind = match n.string_or("approximate", "none")?.as_str() {
            "none" => Kind::Gelu,
            "tanh" => Kind::GeluTanh,
            other => return Err(OpError::Unsupported(format!("Gelu approximate='{other}'"))),
        };
        Ok(Box::new(ElementwiseOp { kind, alpha: 0.0, beta: 0.0 }))
    });
    reg.insert("Clip", import_clip);
    reg.insert("Max", |n| variadic(n, Kind::Max));
    reg.insert("Min", |n| variadic(n, Kind::Min));
}

fn variadic(n: &OnnxNode<'_>, kind: Kind) -> Result<Box<dyn Op>, OpError> {
    if n.input_count() != 2 {
        return Err(OpError::Unsupported(format!("{} with {} inputs (only 2 are supported)", n.proto.op_type, n.input_count())));
    }
    Ok(Box::new(ElementwiseOp { kind, alpha: 0.0, beta: 0.0 }))
}

/// Clip: bounds are attributes before opset 11 and constant inputs from opset 11 on.
fn import_clip(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    let (mut lo, mut hi) = (f32::NEG_INFINITY, f32::INFINITY);
    if n.opset < 11 {
        lo = n.float_or("min", lo)?;
        hi = n.float_or("max", hi)?;
    } else {
        for (i, slot) in [(1usize, &mut lo), (2, &mut hi)] {
            if n.has_input(i) {
                let v = n.const_input(i).ok_or(OpError::NotConstant { index: i, what: "clip bound" })?;
                *slot = v.as_f32().first().copied().ok_or_else(|| super::invalid("clip bound is empty"))?;
            }
        }
    }
    Ok(Box::new(ElementwiseOp { kind: Kind::Clip, alpha: lo, beta: hi }))
}

/// Emits the shared element-wise kernel for a node: one invocation per output element,
/// operands 0..`arity` read broadcast to the output's coordinates, `expr` combining them,
/// then the node's fused epilogue. Used by every element-wise op (arithmetic, logic,
/// Expand, Cast).
pub fn emit(k: &mut KernelBuilder<'_>, arity: usize, expr: impl Fn(Lang, &[String]) -> String) -> Result<(), CodegenError> {
    let y = k.output(0)?;
    let out_shape = k.shape(y).to_vec();
    let names: Vec<String> = (0..out_shape.len()).map(|d| format!("c{d}")).collect();
    let mut spec = KernelSpec::new("elementwise", out_shape.iter().product::<usize>() as u64, k.wg_elementwise());
    let mut args = Vec::with_capacity(arity);
    for i in 0..arity {
        let t = k.input(i)?;
        let name = format!("a{i}");
        args.push(helpers::load_bcast(k.lang, &k.desc(&name, t)?, &names).map_err(|m| k.err(m))?);
        spec = spec.read(&name, t);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    k.emit(spec.write("y", y).param("names", names.clone()).param("expr", expr(k.lang, &args)).epilogue_at(&refs));
    Ok(())
}

fn erf(x: f32) -> f32 {
    // Abramowitz–Stegun 7.1.26 is too coarse for 1e-5 parity; use f64 series/continued
    // fraction through libm-quality expansion instead.
    let x = x as f64;
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let y = 1.0
        - t * (-x * x - 1.26551223
            + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    (if x >= 0.0 { y } else { -y }) as f32
}

impl super::Elementwise for ElementwiseOp {
    fn arity(&self) -> usize {
        match self.kind {
            Kind::Add | Kind::Sub | Kind::Mul | Kind::Div | Kind::Pow | Kind::Max | Kind::Min => 2,
            _ => 1,
        }
    }

    fn eval_f32(&self, a: &[f32]) -> f32 {
        let x = a.first().copied().unwrap_or(0.0);
        let y = a.get(1).copied().unwrap_or(0.0);
        match self.kind {
            Kind::Add => x + y,
            Kind::Sub => x - y,
            Kind::Mul => x * y,
            Kind::Div => x / y,
            Kind::Pow => x.powf(y),
            Kind::Max => x.max(y),
            Kind::Min => x.min(y),
            Kind::Relu => x.max(0.0),
            Kind::LeakyRelu => if x < 0.0 { self.alpha * x } else { x },
            Kind::Clip => x.max(self.alpha).min(self.beta),
            Kind::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Kind::Tanh => x.tanh(),
            Kind::HardSwish => x * (x / 6.0 + 0.5).clamp(0.0, 1.0),
            Kind::HardSigmoid => (self.alpha * x + self.beta).clamp(0.0, 1.0),
            Kind::Exp => x.exp(),
            Kind::Log => x.ln(),
            Kind::Sqrt => x.sqrt(),
            Kind::Neg => -x,
            Kind::Abs => x.abs(),
            Kind::Reciprocal => 1.0 / x,
            Kind::Erf => erf(x),
            Kind::Sin => x.sin(),
            Kind::Cos => x.cos(),
            Kind::Floor => x.floor(),
            Kind::Ceil => x.ceil(),
            Kind::Gelu => 0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2)),
            Kind::GeluTanh => 0.5 * x * (1.0 + (GELU_TANH_K * (x + 0.044715 * x * x * x)).tanh()),
            Kind::Silu => x / (1.0 + (-self.alpha * x).exp()),
        }
    }

    fn eval_i64(&self, a: &[i64]) -> Option<i64> {
        let x = *a.first()?;
        let y = a.get(1).copied().unwrap_or(0);
        Some(match self.kind {
            Kind::Add => x.checked_add(y)?,
            Kind::Sub => x.checked_sub(y)?,
            Kind::Mul => x.checked_mul(y)?,
            Kind::Div => x.checked_div(y)?,
            Kind::Max => x.max(y),
            Kind::Min => x.min(y),
            Kind::Neg => x.checked_neg()?,
            Kind::Abs => x.checked_abs()?,
            Kind::Relu => x.max(0),
            _ => return None,
        })
    }

    fn expr(&self, lang: Lang, a: &[String]) -> String {
        let x = a.first().cloned().unwrap_or_default();
        let y = a.get(1).cloned().unwrap_or_default();
        let f = |v: f32| lang.f(v);
        match self.kind {
            Kind::Add => format!("({x} + {y})"),
            Kind::Sub => format!("({x} - {y})"),
            Kind::Mul => format!("({x} * {y})"),
            Kind::Div => format!("({x} / {y})"),
            Kind::Pow => format!("drift_pow({x}, {y})"),
            Kind::Max => format!("max({x}, {y})"),
            Kind::Min => format!("min({x}, {y})"),
            Kind::Relu => format!("max({x}, {})", f(0.0)),
            Kind::LeakyRelu => lang.select(&format!("{x} < {}", f(0.0)), &format!("{} * {x}", f(self.alpha)), &x),
            Kind::Clip => format!("min(max({x}, {}), {})", f(self.alpha), f(self.beta)),
            Kind::Sigmoid => format!("({} / ({} + exp(-{x})))", f(1.0), f(1.0)),
            Kind::Tanh => format!("tanh({x})"),
            Kind::HardSwish => format!("({x} * clamp({x} / {} + {}, {}, {}))", f(6.0), f(0.5), f(0.0), f(1.0)),
            Kind::HardSigmoid => format!("clamp({} * {x} + {}, {}, {})", f(self.alpha), f(self.beta), f(0.0), f(1.0)),
            Kind::Exp => format!("exp({x})"),
            Kind::Log => format!("log({x})"),
            Kind::Sqrt => format!("sqrt({x})"),
            Kind::Neg => format!("(-{x})"),
            Kind::Abs => format!("abs({x})"),
            Kind::Reciprocal => format!("({} / {x})", f(1.0)),
            Kind::Erf => format!("drift_erf({x})"),
            Kind::Sin => format!("sin({x})"),
            Kind::Cos => format!("cos({x})"),
            Kind::Floor => format!("floor({x})"),
            Kind::Ceil => format!("ceil({x})"),
            Kind::Gelu => format!("({} * {x} * ({} + drift_erf({x} * {})))", f(0.5), f(1.0), f(std::f32::consts::FRAC_1_SQRT_2)),
            Kind::GeluTanh => format!("({} * {x} * ({} + tanh({} * ({x} + {} * {x} * {x} * {x}))))", f(0.5), f(1.0), f(GELU_TANH_K), f(0.044715)),
            Kind::Silu => format!("({x} / ({} + exp({} * {x})))", f(1.0), f(-self.alpha)),
        }
    }
}

impl Op for ElementwiseOp {
    fn op_type(&self) -> &'static str {
        UNARY
            .iter()
            .chain(BINARY)
            .find(|(_, k)| *k == self.kind)
            .map(|(n, _)| *n)
            .unwrap_or(match self.kind {
                Kind::LeakyRelu => "LeakyRelu",
                Kind::Clip => "Clip",
                Kind::HardSigmoid => "HardSigmoid",
                Kind::Max => "Max",
                Kind::Min => "Min",
                Kind::Gelu | Kind::GeluTanh => "Gelu",
                Kind::Silu => "Silu",
                _ => "Elementwise",
            })
    }
    fn attrs(&self) -> String {
        match self.kind {
            Kind::LeakyRelu => format!("alpha={}", self.alpha),
            Kind::Clip => format!("min={},max={}", self.alpha, self.beta),
            Kind::HardSigmoid => format!("alpha={},beta={}", self.alpha, self.beta),
            Kind::Silu if self.alpha != 1.0 => format!("alpha={}", self.alpha),
            Kind::GeluTanh => "approximate=tanh".into(),
            _ => String::new(),
        }
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        use super::Elementwise;
        let n = self.arity();
        let facts: Result<Vec<_>, _> = (0..n).map(|i| fact(inputs, i, "operand")).collect();
        let facts = facts?;
        let shapes: Vec<&[usize]> = facts.iter().map(|f| f.shape).collect();
        let dtypes: Vec<DType> = facts.iter().map(|f| f.dtype).collect();
        Ok(vec![OutFact::new(self.out_dtype(&dtypes), super::broadcast::shape(&shapes)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        use super::Elementwise;
        let args: Result<Vec<&Value>, _> = (0..self.arity()).map(|i| arg(inputs, i, "operand")).collect();
        Ok(vec![super::broadcast::eval(self, &args?)?])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        use super::Elementwise;
        emit(k, self.arity(), |lang, args| self.expr(lang, args))
    }
    fn as_elementwise(&self) -> Option<&dyn super::Elementwise> {
        Some(self)
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
