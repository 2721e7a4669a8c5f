//! MatMul: numpy matrix product with batch broadcasting (1-D operands promoted per spec).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, fact, invalid, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct MatMul;

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("MatMul", |_| Ok(Box::new(MatMul)));
}

/// Shapes of a matrix product: (batch shape, M, K, N, output shape).
pub fn geometry(a: &[usize], b: &[usize]) -> Result<(Vec<usize>, usize, usize, usize, Vec<usize>), OpError> {
    if a.is_empty() || b.is_empty() {
        return Err(invalid("MatMul operands must have rank >= 1"));
    }
    let a2: Vec<usize> = if a.len() == 1 { vec![1, a[0]] } else { a.to_vec() };
    let b2: Vec<usize> = if b.len() == 1 { vec![b[0], 1] } else { b.to_vec() };
    let (m, k) = (a2[a2.len() - 2], a2[a2.len() - 1]);
    let (k2, n) = (b2[b2.len() - 2], b2[b2.len() - 1]);
    if k != k2 {
        return Err(invalid(format!("inner dimensions differ: {a:?} x {b:?}")));
    }
    let batch = broadcast::shape(&[&a2[..a2.len() - 2], &b2[..b2.len() - 2]])?;
    let mut out = batch.clone();
    if a.len() > 1 {
        out.push(m);
    }
    if b.len() > 1 {
        out.push(n);
    }
    Ok((batch, m, k, n, out))
}

/// Promoted 3-D views: (batch-broadcast A [B?,M,K], B [B?,K,N]) as full-rank shapes.
fn promoted(a: &[usize], b: &[usize], batch: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut a2: Vec<usize> = if a.len() == 1 { vec![1, a[0]] } else { a.to_vec() };
    let mut b2: Vec<usize> = if b.len() == 1 { vec![b[0], 1] } else { b.to_vec() };
    while a2.len() < batch.len() + 2 {
        a2.insert(0, 1);
    }
    while b2.len() < batch.len() + 2 {
        b2.insert(0, 1);
    }
    (a2, b2)
}

impl Op for MatMul {
    fn weight_slots(&self) -> Vec<usize> {
        vec![1]
    }
    fn op_type(&self) -> &'static str {
        "MatMul"
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (a, b) = (fact(inputs, 0, "A")?, fact(inputs, 1, "B")?);
        Ok(vec![OutFact::new(a.dtype, geometry(a.shape, b.shape)?.4)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (a, b) = (arg(inputs, 0, "A")?, arg(inputs, 1, "B")?);
        let (batch, m, k, n, out_shape) = geometry(&a.shape, &b.shape)?;
        let (a2, b2) = promoted(&a.shape, &b.shape, &batch);
        let amap = broadcast::index_map(&a2[..a2.len() - 2], &batch);
        let bmap = broadcast::index_map(&b2[..b2.len() - 2], &batch);
        let (av, bv) = (a.as_f32(), b.as_f32());
        let nb = numel(&batch).unwrap_or(1);
        let mut out = vec![0f32; nb * m * n];
        for bi in 0..nb {
            let (ao, bo) = (amap.get(bi).copied().unwrap_or(0) * m * k, bmap.get(bi).copied().unwrap_or(0) * k * n);
            for i in 0..m {
                for j in 0..n {
                    let mut acc = 0f32;
                    for p in 0..k {
                        acc += av[ao + i * k + p] * bv[bo + p * n + j];
                    }
                    out[(bi * m + i) * n + j] = acc;
                }
            }
        }
        Ok(vec![Value::from_f32_as(a.dtype, out_shape, out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (a, b, y) = (k.input(0)?, k.input(1)?, k.output(0)?);
        let (batch, m, kk, n, _) = geometry(k.shape(a), k.shape(b)).map_err(|e| k.err(e.to_string()))?;
        if super::matvec::applies(k.shape(a), k.shape(b), kk) && super::matvec::emit(k, a, b, y)? {
            return Ok(());
        }
        let (a2, b2) = promoted(k.shape(a), k.shape(b), &batch);
        let mut yv = batch.clone();
        yv.extend([m, n]);
        emit(k, KernelSpec::new("matmul", (numel(&yv).unwrap_or(0)) as u64, k.wg_conv()).read_view("a", a, a2).read_view("b", b, b2), y, yv, kk, None)
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Emits the shared matmul template: y[batch.., i, j] = alpha * sum_p a[.., i, p] * b[.., p, j]
/// (+ beta * c broadcast), with transposes applied through coordinates.
pub fn emit(k: &mut KernelBuilder<'_>, spec: KernelSpec, y: crate::ir::TensorId, y_view: Vec<usize>, kk: usize, gemm: Option<(bool, bool, f32, f32, Option<crate::ir::TensorId>)>) -> Result<(), CodegenError> {
    let rank = y_view.len();
    let names: Vec<String> = (0..rank).map(|d| format!("c{d}")).collect();
    let y_rank = k.shape(y).len();
    // Epilogue coordinates follow the real output rank (1-D operands drop a dimension).
    let epi: Vec<String> = if y_rank == rank { names.clone() } else { names[rank - y_rank..].to_vec() };
    let (trans_a, trans_b, alpha, beta, c) = gemm.unwrap_or((false, false, 1.0, 0.0, None));
    let mut spec = spec
        .write_view("y", y, y_view)
        .param("names", names.clone())
        .param("row", names[rank - 2].clone())
        .param("col", names[rank - 1].clone())
        .param("batch", names[..rank - 2].to_vec())
        .param("k", kk)
        .param("trans_a", trans_a)
        .param("trans_b", trans_b)
        .param("alpha", alpha)
        .param("beta", beta)
        .param("has_c", c.is_some());
    if let Some(c) = c {
        spec = spec.read("c", c);
    }
    let refs: Vec<&str> = epi.iter().map(String::as_str).collect();
    k.emit(spec.epilogue_at(&refs));
    Ok(())
}
