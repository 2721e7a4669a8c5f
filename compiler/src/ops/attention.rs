//! FusedAttention: softmax(Q·Kᵀ·scale + mask)·V computed row by row with an online
//! softmax (running max and sum), so the [N, M] score matrix never exists in memory.
//! Made by the fuse-attention pass from MatMul → (Mul/Div) → (Add mask) → Softmax → MatMul.

use std::any::Any;

use super::{arg, broadcast, fact, invalid, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};

/// Inputs: Q [.., N, D], Kt [.., D, M] (keys already transposed), V [.., M, Dv],
/// optional mask broadcastable to [.., N, M]. Output [.., N, Dv].
#[derive(Debug, Clone, PartialEq)]
pub struct FusedAttention {
    pub scale: f32,
}

/// Value columns one invocation accumulates in registers; wider heads are split into
/// chunks, each recomputing the scores (still never stored).
pub const VALUE_CHUNK: usize = 64;

struct Geometry {
    batch: Vec<usize>,
    n: usize,
    d: usize,
    m: usize,
    dv: usize,
}

fn geometry(q: &[usize], kt: &[usize], v: &[usize]) -> Result<Geometry, OpError> {
    let split = |s: &[usize], what: &str| -> Result<(Vec<usize>, usize, usize), OpError> {
        match s.len() {
            0 | 1 => Err(invalid(format!("{what} must have rank >= 2, got {s:?}"))),
            r => Ok((s[..r - 2].to_vec(), s[r - 2], s[r - 1])),
        }
    };
    let (bq, n, d) = split(q, "Q")?;
    let (bk, d2, m) = split(kt, "Kt")?;
    let (bv, m2, dv) = split(v, "V")?;
    if d != d2 || m != m2 {
        return Err(invalid(format!("Q {q:?}, Kt {kt:?} and V {v:?} do not chain")));
    }
    let batch = broadcast::shape(&[&bq, &bk, &bv])?;
    Ok(Geometry { batch, n, d, m, dv })
}

impl Op for FusedAttention {
    fn op_type(&self) -> &'static str {
        "FusedAttention"
    }
    fn attrs(&self) -> String {
        format!("scale={}", self.scale)
    }
    fn infer(&self, inputs: &[Option<super::Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (q, kt, v) = (fact(inputs, 0, "Q")?, fact(inputs, 1, "Kt")?, fact(inputs, 2, "V")?);
        let g = geometry(q.shape, kt.shape, v.shape)?;
        let mut out = g.batch.clone();
        out.extend([g.n, g.dv]);
        Ok(vec![OutFact::new(q.dtype, out)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (q, kt, v) = (arg(inputs, 0, "Q")?, arg(inputs, 1, "Kt")?, arg(inputs, 2, "V")?);
        let g = geometry(&q.shape, &kt.shape, &v.shape)?;
        let nb = numel(&g.batch).unwrap_or(1);
        let bmap = |s: &[usize]| broadcast::index_map(&s[..s.len() - 2], &g.batch);
        let (qm, km, vm) = (bmap(&q.shape), bmap(&kt.shape), bmap(&v.shape));
        let (qs, ks, vs) = (q.as_f32(), kt.as_f32(), v.as_f32());
        let mask = inputs.get(3).copied().flatten();
        let mut full = g.batch.clone();
        full.extend([g.n, g.m]);
        let mask_vals = mask.map(|mv| (mv.as_f32(), broadcast::index_map(&mv.shape, &full)));
        let mut out = vec![0f32; nb * g.n * g.dv];
        let mut scores = vec![0f32; g.m];
        for b in 0..nb {
            for i in 0..g.n {
                for (j, s) in scores.iter_mut().enumerate() {
                    let mut acc = 0f32;
                    for dd in 0..g.d {
                        acc += qs[(qm[b] * g.n + i) * g.d + dd] * ks[(km[b] * g.d + dd) * g.m + j];
                    }
                    *s = acc * self.scale + mask_vals.as_ref().map_or(0.0, |(mv, map)| mv[map[(b * g.n + i) * g.m + j]]);
                }
                let mx = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = scores.iter().map(|&s| (s - mx).exp()).sum();
                for e in 0..g.dv {
                    let mut acc = 0f32;
                    for (j, &s) in scores.iter().enumerate() {
                        acc += (s - mx).exp() / sum * vs[(vm[b] * g.m + j) * g.dv + e];
                    }
                    out[(b * g.n + i) * g.dv + e] = acc;
                }
            }
        }
        let mut shape = g.batch.clone();
        shape.extend([g.n, g.dv]);
        Ok(vec![Value::from_f32_as(q.dtype, shape, out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (q, kt, v, y) = (k.input(0)?, k.input(1)?, k.input(2)?, k.output(0)?);
        let g = geometry(k.shape(q), k.shape(kt), k.shape(v)).map_err(|e| k.err(e.to_string()))?;
        let chunk = g.dv.min(VALUE_CHUNK);
        let chunks = g.dv.div_ceil(chunk.max(1));
        let batch: Vec<String> = (0..g.batch.len()).map(|d| format!("b{d}")).collect();
        let mut rows = g.batch.clone();
        rows.extend([g.n, chunks]);
        let mut row_names = batch.clone();
        row_names.extend(["n".to_string(), "ch".to_string()]);
        let mut spec = KernelSpec::new("attention_rows", numel(&rows).unwrap_or(0) as u64, k.wg_elementwise())
            .read("q", q)
            .read("kt", kt)
            .read("v", v)
            .param("rows", rows)
            .param("row_names", row_names)
            .param("batch", batch)
            .param("d", g.d)
            .param("m", g.m)
            .param("dv", g.dv)
            .param("chunk", chunk)
            .param("scale", self.scale);
        match k.node.input(3) {
            Some(mask) => spec = spec.read("mask", mask).param("has_mask", true),
            None => spec = spec.param("has_mask", false),
        }
        k.emit(spec.write("y", y));
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
