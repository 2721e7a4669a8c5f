//! CachedAttentionSplit (driftc-internal, built by the LLM frontend for decode): the
//! attention of [`CachedAttention`] with each query's keys cut into `splits` contiguous
//! ranges handled by separate workgroups, so one token's few heads still spread over the
//! whole GPU at long contexts. Output: per (head, query, split) the running max `m`, the
//! sum `l` of exp(score − m) and the unnormalized Σ exp(score − m)·v over its range, as
//! [1, H, T, S, D + 2] (D values, then m, then l); [`super::attention_combine`] merges the
//! splits. An empty range gives m = f32::MIN, l = 0 and zeros.
//!
//! With `combine` (set by `passes::fuse_split_combine`) the op also merges the splits: its
//! outputs are the attention output [1, H, T, D] and then the partials, which only it
//! reads. Through OpenCL C the last workgroup of each cache head to finish combines that
//! head's partials (a counter per cache head, [`crate::codegen::KernelSpec::counters`]);
//! elsewhere a combining dispatch follows.
//!
//! Inputs as for CachedAttention: Q [1, H, T, D], K and V caches [1, Hkv, C, D],
//! position [1].

use std::any::Any;

use super::attention_combine::AttentionCombine;
use super::cached_attention::{eval_inputs, geometry, CachedAttention, EvalInputs};
use super::{fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, Lang};
use crate::ir::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct CachedAttentionSplit {
    pub attention: CachedAttention,
    pub splits: usize,
    /// Outputs the merged attention first, the partials second (see the module text).
    pub combine: bool,
}

/// The keys of split `s` of `lo..=hi` cut into `splits` ranges: `b0..=b1`, empty when
/// `b0 > b1` (the kernel computes the same).
pub(crate) fn split_range(lo: usize, hi: usize, splits: usize, s: usize) -> (usize, usize) {
    let per = (hi - lo + splits) / splits.max(1);
    let b0 = lo + s * per;
    (b0, hi.min((b0 + per).saturating_sub(1)))
}

/// The split kernels and partials are head-major: a token-major attention is refused.
fn head_major(a: &CachedAttention) -> Result<(), OpError> {
    if a.seq_major {
        return Err(invalid("a split attention reads head-major Q [1, H, T, D] and writes head-major partials: seq_major is not for it"));
    }
    Ok(())
}

impl Op for CachedAttentionSplit {
    fn op_type(&self) -> &'static str {
        "CachedAttentionSplit"
    }
    fn attrs(&self) -> String {
        format!("{},splits={}{}", self.attention.attrs(), self.splits, if self.combine { ",combine" } else { "" })
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (q, k, v, p) = (fact(inputs, 0, "Q")?, fact(inputs, 1, "K")?, fact(inputs, 2, "V")?, fact(inputs, 3, "position")?);
        head_major(&self.attention)?;
        let g = geometry(q.shape, k.shape, v.shape, p.shape)?;
        if self.splits == 0 {
            return Err(invalid("splits must be at least 1"));
        }
        let parts = OutFact::new(q.dtype, vec![1, g.heads, g.t, self.splits, g.d + 2]);
        Ok(if self.combine { vec![OutFact::new(q.dtype, vec![1, g.heads, g.t, g.d]), parts] } else { vec![parts] })
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        head_major(&self.attention)?;
        let EvalInputs { g, pos, q: qs, k: ks, v: vs, dtype } = eval_inputs(inputs)?;
        let (group, w, a) = (g.heads / g.kv_heads, g.d + 2, &self.attention);
        let mut out = vec![0f32; g.heads * g.t * self.splits * w];
        for h in 0..g.heads {
            let kh = h / group;
            for i in 0..g.t {
                let (lo, hi) = a.span(pos + i, g.ctx);
                let qrow = &qs[(h * g.t + i) * g.d..][..g.d];
                for s in 0..self.splits {
                    let (b0, b1) = split_range(lo, hi, self.splits, s);
                    let cell = &mut out[((h * g.t + i) * self.splits + s) * w..][..w];
                    if b0 > b1 {
                        cell[g.d] = f32::MIN;
                        continue;
                    }
                    let scores: Vec<f32> = (b0..=b1).map(|j| a.score(qrow, &ks[(kh * g.ctx + j) * g.d..][..g.d])).collect();
                    let mx = scores.iter().copied().fold(f32::MIN, f32::max);
                    for (&sc, j) in scores.iter().zip(b0..=b1) {
                        let e = (sc - mx).exp();
                        cell[g.d + 1] += e;
                        for (c, x) in cell.iter_mut().zip(&vs[(kh * g.ctx + j) * g.d..][..g.d]) {
                            *c += e * x;
                        }
                    }
                    cell[g.d] = mx;
                }
            }
        }
        let parts = Value::from_f32_as(dtype, vec![1, g.heads, g.t, self.splits, w], out);
        if !self.combine {
            return Ok(vec![parts]);
        }
        let merged = AttentionCombine.eval(&[Some(&parts)])?.into_iter().next().ok_or_else(|| invalid("the combination gave no output"))?;
        Ok(vec![merged, parts])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (q, k, v, p) = (kb.input(0)?, kb.input(1)?, kb.input(2)?, kb.input(3)?);
        // (With `combine`: the merged output first, the partials second.)
        let (y, merged) = if self.combine { (kb.output(1)?, Some(kb.output(0)?)) } else { (kb.output(0)?, None) };
        head_major(&self.attention).map_err(|e| kb.err(e.to_string()))?;
        let g = geometry(kb.shape(q), kb.shape(k), kb.shape(v), kb.shape(p)).map_err(|e| kb.err(e.to_string()))?;
        // The last workgroup per cache head combines (OpenCL C counters), else a dispatch.
        let last = merged.filter(|_| kb.lang == Lang::OpenclC);
        let emitted = super::cached_attention_gqa::emit(&self.attention, kb, &g, [q, k, v, p], self.splits, y, last)?;
        if !emitted && !self.attention.emit_workgroup(kb, &g, [q, k, v, p], self.splits, y)? {
            return Err(kb.no_kernel(format!("head size {} is not a power of two within the target's cooperative workgroup", g.d)));
        }
        match merged {
            Some(o) if !(emitted && last.is_some()) => super::attention_combine::emit(kb, y, o),
            _ => Ok(()),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_keys_once() {
        for (lo, hi, splits) in [(0, 0, 4), (0, 1026, 5), (3, 9, 3), (0, 255, 1)] {
            let mut seen = Vec::new();
            for s in 0..splits {
                let (b0, b1) = split_range(lo, hi, splits, s);
                seen.extend(b0..=b1);
            }
            assert_eq!(seen, (lo..=hi).collect::<Vec<_>>(), "{lo}..={hi} in {splits}");
        }
    }

    #[test]
    fn splits_merged_equal_one_pass_attention() {
        // 2 query heads over 1 cache head, 2 queries at position 5, 12 cache rows, D = 2,
        // soft-capped: 4 splits (some empty for the first query's 6 keys) merge to the same.
        let vals = |n: usize, k: f32| (0..n).map(|i| (i as f32 * k).sin() * 3.0).collect::<Vec<_>>();
        let q = Value::f32(vec![1, 2, 2, 2], vals(8, 0.7));
        let k = Value::f32(vec![1, 1, 12, 2], vals(24, 1.3));
        let v = Value::f32(vec![1, 1, 12, 2], vals(24, 0.4));
        let pos = Value::i64(vec![1], vec![5]);
        let attention = CachedAttention { scale: 0.5, softcap: 2.0, window: 0, seq_major: false };
        let args = [Some(&q), Some(&k), Some(&v), Some(&pos)];
        let want = attention.eval(&args).expect("eval").remove(0).as_f32();
        let parts = CachedAttentionSplit { attention: attention.clone(), splits: 4, combine: false }.eval(&args).expect("eval").remove(0);
        let got = AttentionCombine.eval(&[Some(&parts)]).expect("eval").remove(0).as_f32();
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() < 1e-5, "{got:?} vs {want:?}");
        }
        // With `combine`: the same merged output first, the same partials second.
        let both = CachedAttentionSplit { attention, splits: 4, combine: true }.eval(&args).expect("eval");
        assert_eq!(both.len(), 2);
        assert_eq!(both[0].as_f32(), got);
        assert_eq!(both[1].as_f32(), parts.as_f32());
    }
}
