//! CachedAttention (driftc-internal, built by the LLM frontend): causal attention of a
//! chunk of T query tokens at positions `position .. position + T` over a layer's KV
//! cache, with grouped-query heads, an optional sliding window and optional logit
//! soft-capping (Gemma 2). Kernels: for a chunk of several queries, blocks of queries per
//! workgroup (`cached_attention_mma` on NVIDIA tensor cores through OpenCL's inline PTX
//! where the target asks for it, `cached_attention_coop` on cooperative matrices where the
//! target prefills on them, else `cached_attention_tiled`; see those modules); else one
//! workgroup per (head, query) when the head size is a power of two within the workgroup (`cached_attention_wg`: the lanes score a tile of keys
//! at once and share the online softmax through workgroup memory, so a decode step's few
//! queries still fill the GPU); otherwise one invocation per (head, query, chunk of value
//! columns). Either way no score matrix exists, and keys past the query's position are
//! never read (the cache rows there may hold anything).
//!
//! Inputs: Q [1, H, T, D] (RoPE applied), K cache [1, Hkv, C, D], V cache [1, Hkv, C, D],
//! position [1] (integer). Output [1, H, T, D]. Query head h reads cache head
//! h / (H / Hkv). With `seq_major`, Q and the output are token-major, [1, T, H, D]: a
//! projection's rows as they come, and the rows the output projection reads, with no
//! head transposes around the attention.

use std::any::Any;

use super::attention::VALUE_CHUNK;
use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct CachedAttention {
    pub scale: f32,
    /// tanh soft-capping of the scaled scores; 0 = none.
    pub softcap: f32,
    /// Keys older than `window` tokens are not attended; 0 = unlimited.
    pub window: usize,
    /// Q and the output are [1, T, H, D] instead of [1, H, T, D].
    pub seq_major: bool,
}

pub(crate) struct Geometry {
    pub(crate) heads: usize,
    pub(crate) t: usize,
    pub(crate) d: usize,
    pub(crate) kv_heads: usize,
    pub(crate) ctx: usize,
}

pub(crate) fn geometry(q: &[usize], k: &[usize], v: &[usize], p: &[usize]) -> Result<Geometry, OpError> {
    let (&[1, heads, t, d], &[1, kv_heads, ctx, d2]) = (q, k) else {
        return Err(invalid(format!("Q {q:?} and K cache {k:?} must be [1, H, T, D] and [1, Hkv, C, D]")));
    };
    if d != d2 || v != k {
        return Err(invalid(format!("Q {q:?}, K cache {k:?} and V cache {v:?} do not match")));
    }
    if kv_heads == 0 || heads % kv_heads != 0 {
        return Err(invalid(format!("{heads} query heads are not a multiple of {kv_heads} cache heads")));
    }
    if p != [1] {
        return Err(invalid(format!("position must have shape [1], got {p:?}")));
    }
    Ok(Geometry { heads, t, d, kv_heads, ctx })
}

/// What the CPU references of the attention ops read: the geometry, the position, and
/// Q, K and V as f32 with Q's dtype.
pub(crate) struct EvalInputs {
    pub(crate) g: Geometry,
    pub(crate) pos: usize,
    pub(crate) q: Vec<f32>,
    pub(crate) k: Vec<f32>,
    pub(crate) v: Vec<f32>,
    pub(crate) dtype: crate::ir::DType,
}

/// Reads and checks the inputs (Q, K cache, V cache, position) of an attention eval.
pub(crate) fn eval_inputs(inputs: &[Option<&Value>]) -> Result<EvalInputs, OpError> {
    let (q, k, v, p) = (arg(inputs, 0, "Q")?, arg(inputs, 1, "K")?, arg(inputs, 2, "V")?, arg(inputs, 3, "position")?);
    let g = geometry(&q.shape, &k.shape, &v.shape, &p.shape)?;
    let pos = p.as_i64().first().copied().unwrap_or(0);
    let pos = usize::try_from(pos).map_err(|_| invalid(format!("position {pos} is negative")))?;
    Ok(EvalInputs { g, pos, q: q.as_f32(), k: k.as_f32(), v: v.as_f32(), dtype: q.dtype })
}

impl CachedAttention {
    /// The geometry of Q (in this op's layout), the caches and the position.
    pub(crate) fn geometry(&self, q: &[usize], k: &[usize], v: &[usize], p: &[usize]) -> Result<Geometry, OpError> {
        match (self.seq_major, q) {
            // Errors name Q as given, in the token-major layout.
            (true, &[b, t, h, d]) => geometry(&[b, h, t, d], k, v, p).map_err(|_| invalid(format!("token-major Q {q:?} [1, T, H, D], K cache {k:?}, V cache {v:?} [1, Hkv, C, D] (H a multiple of Hkv) and position {p:?} [1] do not fit"))),
            (true, _) => Err(invalid(format!("token-major Q {q:?} must be [1, T, H, D]"))),
            (false, _) => geometry(q, k, v, p),
        }
    }

    /// Emits `cached_attention_wg` (one workgroup per head, query and split of the keys)
    /// for inputs `qkvp`, writing `out`: with `splits` = 1 the attention output, else the
    /// per-split partials of [`super::cached_attention_split`]. False when the head size
    /// does not fit the kernel (not a power of two, or wider than the workgroup).
    pub(crate) fn emit_workgroup(&self, kb: &mut KernelBuilder<'_>, g: &Geometry, qkvp: [crate::ir::TensorId; 4], splits: usize, out: crate::ir::TensorId) -> Result<bool, CodegenError> {
        let wg = kb.wg_cooperative();
        if !(g.d.is_power_of_two() && g.d <= wg as usize && wg >= 2) {
            return Ok(false);
        }
        let [q, k, v, p] = qkvp;
        // Scores from 16-byte words of q and k when both are plain f32/f16 buffers of one
        // type with whole words per row; else one element at a time.
        let (qd, kd) = (kb.desc("q", q)?, kb.desc("k", k)?);
        let per_word = helpers::per_word(&qd);
        let groups = match (helpers::word_vec4s(kb.lang, &qd), helpers::word_vec4s(kb.lang, &kd)) {
            (Some(qg), Some(kg)) if qd.is_plain_buffer() && kd.is_plain_buffer() && qd.elem == kd.elem && g.d.is_multiple_of(per_word) => {
                qg.into_iter().zip(kg).map(|(q, k)| serde_json::json!({"q": q, "k": k})).collect()
            }
            _ => Vec::new(),
        };
        let wide = !groups.is_empty();
        let mut spec = KernelSpec::cooperative("cached_attention_wg", (g.heads * g.t * splits) as u64, wg).shared_per_lane(2);
        spec = if wide && kb.lang == crate::codegen::Lang::Wgsl { spec.read_words("q", q).read_words("k", k) } else { spec.read("q", q).read("k", k) };
        let spec = spec
            .param("wide_dot", wide)
            .param("dot_groups", groups)
            .param("row_words", g.d / per_word)
            .read("v", v)
            .read("position", p)
            .write("y", out)
            .param("t", g.t)
            .param("wg", wg)
            .param("half_wg", wg / 2)
            .param("key_groups", wg as usize / g.d)
            .param("splits", splits)
            .param("m_at", format!("{}u", g.d))
            .param("l_at", format!("{}u", g.d + 1));
        kb.emit(self.common_params(spec, g));
        Ok(true)
    }

    /// The scaled (and soft-capped) score of query row `q` against key row `k`.
    pub(crate) fn score(&self, q: &[f32], k: &[f32]) -> f32 {
        let s = q.iter().zip(k).map(|(a, b)| a * b).sum::<f32>() * self.scale;
        if self.softcap > 0.0 { self.softcap * (s / self.softcap).tanh() } else { s }
    }

    /// The parameters both attention kernels share.
    pub(crate) fn common_params(&self, spec: KernelSpec, g: &Geometry) -> KernelSpec {
        // Q's and the output's middle axes (`q_ax0`, `q_ax1`), as the kernels' head (h) and
        // query (t) variables: [1, T, H, D] token-major, else [1, H, T, D].
        let (ax0, ax1) = if self.seq_major { ("t", "h") } else { ("h", "t") };
        spec.param("q_ax0", ax0)
            .param("q_ax1", ax1)
            .param("d", g.d)
            .param("ctx", g.ctx)
            .param("group", g.heads / g.kv_heads)
            .param("scale", self.scale)
            .param("softcap", self.softcap)
            .param("window", g.ctx.min(if self.window == 0 { g.ctx } else { self.window }))
            .param("windowed", self.window > 0 && self.window < g.ctx)
    }

    /// Keys query position `p` attends: `lo..=hi`.
    pub(crate) fn span(&self, p: usize, ctx: usize) -> (usize, usize) {
        let lo = if self.window > 0 { (p + 1).saturating_sub(self.window) } else { 0 };
        (lo, p.min(ctx.saturating_sub(1)))
    }
}

impl Op for CachedAttention {
    fn op_type(&self) -> &'static str {
        "CachedAttention"
    }
    fn attrs(&self) -> String {
        format!("scale={},softcap={},window={}{}", self.scale, self.softcap, self.window, if self.seq_major { ",seq_major=1" } else { "" })
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (q, k, v, p) = (fact(inputs, 0, "Q")?, fact(inputs, 1, "K")?, fact(inputs, 2, "V")?, fact(inputs, 3, "position")?);
        self.geometry(q.shape, k.shape, v.shape, p.shape)?;
        Ok(vec![OutFact::new(q.dtype, q.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        if self.seq_major {
            // Token-major: Q made head-major, attended, and the output turned back.
            let swap = |v: &Value| -> Result<Value, OpError> { crate::ops::transpose::Transpose { perm: Some(vec![0, 2, 1, 3]) }.eval(&[Some(v)])?.pop().ok_or_else(|| invalid("the head transpose gave no output".to_string())) };
            let q = arg(inputs, 0, "Q")?;
            if q.shape.len() != 4 {
                return Err(invalid(format!("Q {:?} must be [1, T, H, D]", q.shape)));
            }
            let qh = swap(q)?;
            let mut rest: Vec<Option<&Value>> = inputs.to_vec();
            if let Some(first) = rest.first_mut() {
                *first = Some(&qh);
            }
            let o = CachedAttention { seq_major: false, ..self.clone() }.eval(&rest)?.pop().ok_or_else(|| invalid("the attention gave no output".to_string()))?;
            return Ok(vec![swap(&o)?]);
        }
        let EvalInputs { g, pos, q: qs, k: ks, v: vs, dtype } = eval_inputs(inputs)?;
        let group = g.heads / g.kv_heads;
        let mut out = vec![0f32; qs.len()];
        for h in 0..g.heads {
            let kh = h / group;
            for i in 0..g.t {
                let (lo, hi) = self.span(pos + i, g.ctx);
                let qrow = &qs[(h * g.t + i) * g.d..][..g.d];
                let scores: Vec<f32> = (lo..=hi).map(|j| self.score(qrow, &ks[(kh * g.ctx + j) * g.d..][..g.d])).collect();
                let mx = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let sum: f32 = scores.iter().map(|&s| (s - mx).exp()).sum();
                for e in 0..g.d {
                    let acc: f32 = scores.iter().zip(lo..=hi).map(|(&s, j)| (s - mx).exp() * vs[(kh * g.ctx + j) * g.d + e]).sum();
                    out[(h * g.t + i) * g.d + e] = acc / sum;
                }
            }
        }
        Ok(vec![Value::from_f32_as(dtype, vec![1, g.heads, g.t, g.d], out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (q, k, v, p, y) = (kb.input(0)?, kb.input(1)?, kb.input(2)?, kb.input(3)?, kb.output(0)?);
        let g = self.geometry(kb.shape(q), kb.shape(k), kb.shape(v), kb.shape(p)).map_err(|e| kb.err(e.to_string()))?;
        if super::cached_attention_mma::emit(self, kb, &g, [q, k, v, p], y)? || super::cached_attention_coop::emit(self, kb, &g, [q, k, v, p], y)? || super::cached_attention_tiled::emit(self, kb, &g, [q, k, v, p], y)? || self.emit_workgroup(kb, &g, [q, k, v, p], 1, y)? {
            return Ok(());
        }
        let chunk = g.d.min(VALUE_CHUNK).max(1);
        let chunks = g.d.div_ceil(chunk);
        let rows = vec![g.heads, g.t, chunks];
        let spec = KernelSpec::new("cached_attention", numel(&rows).unwrap_or(0) as u64, kb.wg_elementwise())
            .read("q", q)
            .read("k", k)
            .read("v", v)
            .read("position", p)
            .write("y", y)
            .param("rows", rows)
            .param("chunk", chunk);
        kb.emit(self.common_params(spec, &g));
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_query_sees_only_its_own_key_and_gqa_shares_cache_heads() {
        // 2 query heads over 1 cache head, position 0, T = 2, D = 1.
        let q = Value::f32(vec![1, 2, 2, 1], vec![1., 1., 1., 1.]);
        let k = Value::f32(vec![1, 1, 3, 1], vec![0., 0., 99.]);
        let v = Value::f32(vec![1, 1, 3, 1], vec![2., 4., 1000.]);
        let pos = Value::i64(vec![1], vec![0]);
        let y = CachedAttention { scale: 1.0, softcap: 0.0, window: 0, seq_major: false }.eval(&[Some(&q), Some(&k), Some(&v), Some(&pos)]).expect("eval").remove(0).as_f32();
        // Query 0 sees key 0 only; query 1 sees keys 0, 1 with equal scores: mean 3.
        assert_eq!(y, vec![2., 3., 2., 3.]);
        let y = CachedAttention { scale: 1.0, softcap: 0.0, window: 1, seq_major: false }.eval(&[Some(&q), Some(&k), Some(&v), Some(&pos)]).expect("eval").remove(0).as_f32();
        assert_eq!(y, vec![2., 4., 2., 4.], "a window of 1 sees only the query's own key");
    }
}
