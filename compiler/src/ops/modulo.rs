//! Mod: broadcasting remainder. `fmod = 0` (integers only, per the spec) takes the sign of
//! the divisor like Python's `%`; `fmod = 1` takes the sign of the dividend like C's
//! `fmod`. An element-wise op: it shares the element-wise kernel and fuses like one.
//!
//! On the device both are computed in f32 from the truncated remainder r = x - y·trunc(x/y)
//! (exact for integers up to 2^24); the divisor's sign is then applied for `fmod = 0`.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, fact, Elementwise, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Mod {
    pub fmod: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Mod", |n| Ok(Box::new(Mod { fmod: n.int_or("fmod", 0)? != 0 })));
}

impl Elementwise for Mod {
    fn arity(&self) -> usize {
        2
    }
    fn eval_f32(&self, a: &[f32]) -> f32 {
        let (x, y) = (a.first().copied().unwrap_or(0.0), a.get(1).copied().unwrap_or(0.0));
        let r = x % y; // Rust's `%` on floats is C's fmod.
        if !self.fmod && r != 0.0 && (r < 0.0) != (y < 0.0) {
            r + y
        } else {
            r
        }
    }
    fn eval_i64(&self, a: &[i64]) -> Option<i64> {
        let (x, y) = (*a.first()?, *a.get(1)?);
        let r = x.checked_rem(y)?;
        Some(if !self.fmod && r != 0 && (r < 0) != (y < 0) { r + y } else { r })
    }
    fn expr(&self, lang: Lang, a: &[String]) -> String {
        let x = a.first().cloned().unwrap_or_default();
        let y = a.get(1).cloned().unwrap_or_default();
        // Truncated remainder (C's fmod); `trunc` is exact while the quotient is below 2^24.
        let r = match lang {
            Lang::Wgsl => format!("({x} - {y} * trunc({x} / {y}))"),
            Lang::OpenclC => format!("fmod({x}, {y})"),
        };
        if self.fmod {
            return r;
        }
        let zero = lang.f(0.0);
        lang.select(&format!("{r} != {zero} && (({r} < {zero}) != ({y} < {zero}))"), &format!("({r} + {y})"), &r)
    }
}

impl Op for Mod {
    fn op_type(&self) -> &'static str {
        "Mod"
    }
    fn attrs(&self) -> String {
        format!("fmod={}", self.fmod as u8)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (a, b) = (fact(inputs, 0, "A")?, fact(inputs, 1, "B")?);
        Ok(vec![OutFact::new(a.dtype, broadcast::shape(&[a.shape, b.shape])?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (a, b) = (arg(inputs, 0, "A")?, arg(inputs, 1, "B")?);
        Ok(vec![broadcast::eval(self, &[a, b])?])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let y = k.output(0)?;
        let out_shape = k.shape(y).to_vec();
        let names: Vec<String> = (0..out_shape.len()).map(|d| format!("c{d}")).collect();
        let mut spec = KernelSpec::new("elementwise", out_shape.iter().product::<usize>() as u64, k.wg_elementwise());
        let mut args = Vec::new();
        for i in 0..2 {
            let t = k.input(i)?;
            let name = format!("a{i}");
            args.push(helpers::load_bcast(k.lang, &k.desc(&name, t)?, &names).map_err(|m| k.err(m))?);
            spec = spec.read(&name, t);
        }
        let expr = self.expr(k.lang, &args);
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        k.emit(spec.write("y", y).param("names", names.clone()).param("expr", expr).epilogue_at(&refs));
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_follow_divisor_or_dividend() {
        let x = Value::i64(vec![6], vec![-4, 7, 5, 4, -7, 8]);
        let y = Value::i64(vec![6], vec![2, -3, 8, -2, 3, 5]);
        let py = Mod { fmod: false }.eval(&[Some(&x), Some(&y)]).expect("eval").remove(0);
        assert_eq!(py.as_i64(), vec![0, -2, 5, 0, 2, 3]);
        let c = Mod { fmod: true }.eval(&[Some(&x), Some(&y)]).expect("eval").remove(0);
        assert_eq!(c.as_i64(), vec![0, 1, 5, 0, -1, 3]);
        let xf = Value::f32(vec![2], vec![-4.3, 7.2]);
        let yf = Value::f32(vec![2], vec![2.1, -3.4]);
        let f = Mod { fmod: true }.eval(&[Some(&xf), Some(&yf)]).expect("eval").remove(0).as_f32();
        assert!((f[0] + 0.1).abs() < 1e-5 && (f[1] - 0.4).abs() < 1e-5, "{f:?}");
        // Integer division by zero does not panic (the float path takes over).
        let z = Value::i64(vec![1], vec![0]);
        assert!(Mod { fmod: true }.eval(&[Some(&x), Some(&z)]).is_ok());
    }
}
