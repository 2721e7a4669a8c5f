//! Comparisons, boolean logic, IsNaN/IsInf and Where: element-wise ops whose booleans are
//! 0/1 values (stored as i32 on the device); they share the element-wise kernel and fuse
//! like the arithmetic ones.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, fact, Elementwise, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, Lang};
use crate::ir::{DType, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Xor,
    Not,
    IsNaN,
    IsInf,
    Where,
}

const TABLE: &[(&str, Kind)] = &[
    ("Equal", Kind::Equal),
    ("Less", Kind::Less),
    ("LessOrEqual", Kind::LessOrEqual),
    ("Greater", Kind::Greater),
    ("GreaterOrEqual", Kind::GreaterOrEqual),
    ("And", Kind::And),
    ("Or", Kind::Or),
    ("Xor", Kind::Xor),
    ("Not", Kind::Not),
    ("IsNaN", Kind::IsNaN),
    ("IsInf", Kind::IsInf),
    ("Where", Kind::Where),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Logic {
    pub kind: Kind,
    /// IsInf: which infinities count.
    pub detect_pos: bool,
    pub detect_neg: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    fn import(n: &crate::front::onnx::OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
        let name = n.proto.op_type.as_str();
        let kind = TABLE.iter().find(|(k, _)| *k == name).map(|(_, k)| *k).ok_or_else(|| OpError::Unsupported(name.into()))?;
        Ok(Box::new(Logic { kind, detect_pos: n.int_or("detect_positive", 1)? != 0, detect_neg: n.int_or("detect_negative", 1)? != 0 }))
    }
    for (name, _) in TABLE {
        reg.insert(name, import as ImportFn);
    }
}

fn b(x: bool) -> f32 {
    x as u8 as f32
}

impl Elementwise for Logic {
    fn arity(&self) -> usize {
        match self.kind {
            Kind::Not | Kind::IsNaN | Kind::IsInf => 1,
            Kind::Where => 3,
            _ => 2,
        }
    }
    fn eval_f32(&self, a: &[f32]) -> f32 {
        let x = a.first().copied().unwrap_or(0.0);
        let y = a.get(1).copied().unwrap_or(0.0);
        match self.kind {
            Kind::Equal => b(x == y),
            Kind::Less => b(x < y),
            Kind::LessOrEqual => b(x <= y),
            Kind::Greater => b(x > y),
            Kind::GreaterOrEqual => b(x >= y),
            Kind::And => b(x != 0.0 && y != 0.0),
            Kind::Or => b(x != 0.0 || y != 0.0),
            Kind::Xor => b((x != 0.0) != (y != 0.0)),
            Kind::Not => b(x == 0.0),
            Kind::IsNaN => b(x.is_nan()),
            Kind::IsInf => b((x == f32::INFINITY && self.detect_pos) || (x == f32::NEG_INFINITY && self.detect_neg)),
            Kind::Where => if x != 0.0 { y } else { a.get(2).copied().unwrap_or(0.0) },
        }
    }
    fn eval_i64(&self, a: &[i64]) -> Option<i64> {
        let x = *a.first()?;
        let y = a.get(1).copied().unwrap_or(0);
        let b = |v: bool| v as i64;
        Some(match self.kind {
            Kind::Equal => b(x == y),
            Kind::Less => b(x < y),
            Kind::LessOrEqual => b(x <= y),
            Kind::Greater => b(x > y),
            Kind::GreaterOrEqual => b(x >= y),
            Kind::And => b(x != 0 && y != 0),
            Kind::Or => b(x != 0 || y != 0),
            Kind::Xor => b((x != 0) != (y != 0)),
            Kind::Not => b(x == 0),
            Kind::IsNaN | Kind::IsInf => 0,
            Kind::Where => if x != 0 { y } else { *a.get(2)? },
        })
    }
    fn out_dtype(&self, dtypes: &[DType]) -> DType {
        match self.kind {
            Kind::Where => dtypes.get(1).copied().unwrap_or(DType::F32),
            _ => DType::Bool,
        }
    }
    fn expr(&self, lang: Lang, a: &[String]) -> String {
        let x = a.first().cloned().unwrap_or_default();
        let y = a.get(1).cloned().unwrap_or_default();
        let one = lang.f(1.0);
        let zero = lang.f(0.0);
        let cmp = |c: String| lang.select(&c, &one, &zero);
        match self.kind {
            Kind::Equal => cmp(format!("{x} == {y}")),
            Kind::Less => cmp(format!("{x} < {y}")),
            Kind::LessOrEqual => cmp(format!("{x} <= {y}")),
            Kind::Greater => cmp(format!("{x} > {y}")),
            Kind::GreaterOrEqual => cmp(format!("{x} >= {y}")),
            Kind::And => cmp(format!("({x} != {zero}) && ({y} != {zero})")),
            Kind::Or => cmp(format!("({x} != {zero}) || ({y} != {zero})")),
            Kind::Xor => cmp(format!("({x} != {zero}) != ({y} != {zero})")),
            Kind::Not => cmp(format!("{x} == {zero}")),
            // Not `x != x`: naga emits an ordered compare, false for NaN. Test the bits.
            Kind::IsNaN => match lang {
                Lang::Wgsl => cmp(format!("(bitcast<u32>({x}) & 0x7fffffffu) > 0x7f800000u")),
                Lang::OpenclC => cmp(format!("isnan({x})")),
            },
            Kind::IsInf => {
                let big = lang.f(f32::MAX);
                match (self.detect_pos, self.detect_neg) {
                    (true, true) => cmp(format!("abs({x}) > {big}")),
                    (true, false) => cmp(format!("{x} > {big}")),
                    (false, true) => cmp(format!("{x} < -{big}")),
                    (false, false) => zero,
                }
            }
            Kind::Where => lang.select(&format!("{x} != {zero}"), &y, &a.get(2).cloned().unwrap_or_default()),
        }
    }
}

impl Op for Logic {
    fn op_type(&self) -> &'static str {
        TABLE.iter().find(|(_, k)| *k == self.kind).map(|(n, _)| *n).unwrap_or("Logic")
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let facts: Vec<_> = (0..self.arity()).map(|i| fact(inputs, i, "operand")).collect::<Result<_, _>>()?;
        let shapes: Vec<&[usize]> = facts.iter().map(|f| f.shape).collect();
        let dtypes: Vec<DType> = facts.iter().map(|f| f.dtype).collect();
        Ok(vec![OutFact::new(self.out_dtype(&dtypes), broadcast::shape(&shapes)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let args: Vec<&Value> = (0..self.arity()).map(|i| arg(inputs, i, "operand")).collect::<Result<_, _>>()?;
        Ok(vec![broadcast::eval(self, &args)?])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        super::elementwise::emit(k, self.arity(), |lang, args| self.expr(lang, args))
    }
    fn as_elementwise(&self) -> Option<&dyn Elementwise> {
        Some(self)
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
