//! Trilu: keeps the upper (`upper = 1`, default) or lower triangle of the last two axes,
//! shifted by the diagonal offset `k` (optional input, default 0), zeroing the rest:
//! upper keeps col - row >= k, lower keeps col - row <= k. `k` may be a run-time scalar:
//! the kernel (the element-wise template) reads it.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{numel, Data, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Trilu {
    pub upper: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Trilu", |n| Ok(Box::new(Trilu { upper: n.int_or("upper", 1)? != 0 })));
}

impl Trilu {
    fn keep(&self, row: usize, col: usize, k: i64) -> bool {
        let d = col as i64 - row as i64;
        if self.upper {
            d >= k
        } else {
            d <= k
        }
    }
}

fn offset_of(k: Option<&Value>) -> Result<i64, OpError> {
    match k {
        None => Ok(0),
        Some(v) if v.len() == 1 => Ok(v.as_i64()[0]),
        Some(v) => Err(invalid(format!("k must be a scalar, got shape {:?}", v.shape))),
    }
}

impl Op for Trilu {
    fn op_type(&self) -> &'static str {
        "Trilu"
    }
    fn attrs(&self) -> String {
        format!("upper={}", self.upper as u8)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        if x.shape.len() < 2 {
            return Err(invalid(format!("input of shape {:?} needs rank >= 2", x.shape)));
        }
        if let Some(k) = inputs.get(1).copied().flatten() {
            if numel(k.shape) != Some(1) {
                return Err(invalid(format!("k must be a scalar, got shape {:?}", k.shape)));
            }
        }
        Ok(vec![OutFact::new(x.dtype, x.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "input")?;
        let k = offset_of(inputs.get(1).copied().flatten())?;
        let r = x.shape.len();
        if r < 2 {
            return Err(invalid("input needs rank >= 2"));
        }
        let (rows, cols) = (x.shape[r - 2], x.shape[r - 1]);
        let keep = |i: usize| self.keep((i / cols.max(1)) % rows.max(1), i % cols.max(1), k);
        let data = match &x.data {
            Data::F32(v) => Data::F32(v.iter().enumerate().map(|(i, &e)| if keep(i) { e } else { 0.0 }).collect()),
            Data::I64(v) => Data::I64(v.iter().enumerate().map(|(i, &e)| if keep(i) { e } else { 0 }).collect()),
            Data::Bool(v) => Data::Bool(v.iter().enumerate().map(|(i, &e)| e && keep(i)).collect()),
            Data::I8(v) => Data::I8(v.iter().enumerate().map(|(i, &e)| if keep(i) { e } else { 0 }).collect()),
            Data::F16(v) => Data::F16(v.iter().enumerate().map(|(i, &e)| if keep(i) { e } else { half::f16::ZERO }).collect()),
        };
        Ok(vec![Value { dtype: x.dtype, shape: x.shape.clone(), data }])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let shape = k.shape(y).to_vec();
        let n = numel(&shape).unwrap_or(0);
        if n == 0 {
            return Ok(());
        }
        let rank = shape.len();
        let names: Vec<String> = (0..rank).map(|d| format!("c{d}")).collect();
        let mut spec = KernelSpec::new("elementwise", n as u64, k.wg_elementwise()).read("a0", x);
        let int = |e: &str| match k.lang {
            Lang::Wgsl => format!("i32({e})"),
            Lang::OpenclC => format!("((int)({e}))"),
        };
        // The offset: baked in when constant, else read from the scalar at run time.
        let off = match k.node.input(1) {
            None => "0".to_string(),
            Some(t) => match k.value(t) {
                Some(v) => offset_of(Some(v)).map_err(|e| k.err(e.to_string()))?.to_string(),
                None => {
                    let d = k.desc("a1", t)?;
                    let zeros = vec!["0".to_string(); d.shape.len()];
                    spec = spec.read("a1", t);
                    int(&helpers::load(k.lang, &d, &zeros).map_err(|m| k.err(m))?)
                }
            },
        };
        let diff = format!("({} - {})", int(&names[rank - 1]), int(&names[rank - 2]));
        let cond = if self.upper { format!("{diff} >= ({off})") } else { format!("{diff} <= ({off})") };
        let v = helpers::load(k.lang, &k.desc("a0", x)?, &names).map_err(|m| k.err(m))?;
        let expr = k.lang.select(&cond, &v, &k.lang.f(0.0));
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        k.emit(spec.write("y", y).param("names", names.clone()).param("expr", expr).epilogue_at(&refs));
        Ok(())
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
    fn triangles_and_offsets() {
        let x = Value::i64(vec![3, 3], (1..=9).collect());
        let run = |upper: bool, k: Option<i64>| {
            let kv = k.map(|k| Value::i64(vec![], vec![k]));
            Trilu { upper }.eval(&[Some(&x), kv.as_ref()]).expect("eval").remove(0).as_i64()
        };
        assert_eq!(run(true, None), vec![1, 2, 3, 0, 5, 6, 0, 0, 9]);
        assert_eq!(run(false, None), vec![1, 0, 0, 4, 5, 0, 7, 8, 9]);
        assert_eq!(run(true, Some(1)), vec![0, 2, 3, 0, 0, 6, 0, 0, 0]);
        assert_eq!(run(false, Some(-1)), vec![0, 0, 0, 4, 0, 0, 7, 8, 0]);
        assert!(Trilu { upper: true }.eval(&[Some(&Value::i64(vec![3], vec![1, 2, 3]))]).is_err());
    }
}
