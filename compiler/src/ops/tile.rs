//! Tile: repeats the input `repeats[d]` times along each axis (`repeats` a constant
//! input). Output coordinate c reads input coordinate c mod the input's size; the kernel
//! is the element-wise template with that read as its expression.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, const_input, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec};
use crate::ir::value::strides;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Tile;

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Tile", |_| Ok(Box::new(Tile)));
}

fn out_shape(x: &[usize], repeats: &Value) -> Result<Vec<usize>, OpError> {
    let r = repeats.as_i64();
    if r.len() != x.len() {
        return Err(invalid(format!("repeats {r:?} has {} entries for an input of rank {}", r.len(), x.len())));
    }
    x.iter()
        .zip(&r)
        .map(|(&d, &n)| usize::try_from(n).ok().and_then(|n| d.checked_mul(n)).ok_or_else(|| invalid(format!("invalid repeats {r:?}"))))
        .collect()
}

impl Op for Tile {
    fn op_type(&self) -> &'static str {
        "Tile"
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        let r = const_input(inputs, 1, "repeats")?.ok_or(OpError::MissingInput { index: 1, what: "repeats" })?;
        Ok(vec![OutFact::new(x.dtype, out_shape(x.shape, r)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, r) = (arg(inputs, 0, "input")?, arg(inputs, 1, "repeats")?);
        let out = out_shape(&x.shape, r)?;
        let (is, os) = (strides(&x.shape), strides(&out));
        let n = numel(&out).unwrap_or(0);
        let idx = (0..n).map(|i| (0..out.len()).map(|d| (i / os[d]) % out[d] % x.shape[d].max(1) * is[d]).sum());
        Ok(vec![x.gather(x.dtype, out.clone(), idx)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let (xs, ys) = (k.shape(x).to_vec(), k.shape(y).to_vec());
        let n = numel(&ys).unwrap_or(0);
        if n == 0 {
            return Ok(());
        }
        let names: Vec<String> = (0..ys.len()).map(|d| format!("c{d}")).collect();
        let idx: Vec<String> = names.iter().zip(&xs).map(|(c, &d)| if d == 1 { "0".to_string() } else { format!("({c} % {})", k.lang.u(d)) }).collect();
        let expr = helpers::load(k.lang, &k.desc("a0", x)?, &idx).map_err(|m| k.err(m))?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        k.emit(KernelSpec::new("elementwise", n as u64, k.wg_elementwise()).read("a0", x).write("y", y).param("names", names.clone()).param("expr", expr).epilogue_at(&refs));
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
    fn repeats_each_axis() {
        let x = Value::f32(vec![2, 2], vec![1., 2., 3., 4.]);
        let r = Value::i64(vec![2], vec![2, 1]);
        let y = Tile.eval(&[Some(&x), Some(&r)]).expect("eval").remove(0);
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![4, 2], vec![1., 2., 3., 4., 1., 2., 3., 4.]));
        let r = Value::i64(vec![2], vec![1, 3]);
        let y = Tile.eval(&[Some(&Value::i64(vec![1, 2], vec![5, 6])), Some(&r)]).expect("eval").remove(0);
        assert_eq!((y.shape.clone(), y.as_i64()), (vec![1, 6], vec![5, 6, 5, 6, 5, 6]));
        assert!(Tile.eval(&[Some(&x), Some(&Value::i64(vec![1], vec![2]))]).is_err());
        assert!(Tile.eval(&[Some(&x), Some(&Value::i64(vec![2], vec![-1, 1]))]).is_err());
    }
}
