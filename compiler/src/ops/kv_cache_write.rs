//! KvCacheWrite (driftc-internal, built by the LLM frontend): writes the keys or values of
//! a chunk of T tokens into a layer's KV cache at rows `position .. position + T`, in
//! place. Output 0 *is* the cache (same storage), so later readers of the output see
//! the rows written; rows at or past the cache's length are dropped, and so are rows past
//! the node's `last_row` where the chunk is padded (the cache keeps what it held there).
//!
//! Inputs: cache [B, Hkv, C, D] (a graph state tensor), new rows [B, Hkv, T, D] (or, with
//! `seq_major`, token-major [B, T, Hkv·D]: a projection's output as it comes, no head
//! transpose before it; with `parts` too, that projection's K-split partial products
//! [parts, B, T, Hkv·D], summed as they are read), position [1] (integer). Output: the
//! cache, [B, Hkv, C, D].

use std::any::Any;

use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct KvCacheWrite {
    /// New rows are token-major [B, T, Hkv·D], not [B, Hkv, T, D].
    pub seq_major: bool,
    /// With `seq_major`, the new rows come as this many partial sums along a leading axis
    /// (a split-K product's, `passes::fold_split_sums`); 0: whole rows.
    pub parts: usize,
}

/// The new rows' geometry: [B, H, T, D] and the partial sums they come in (1: whole).
struct Rows {
    b: usize,
    h: usize,
    t: usize,
    d: usize,
    parts: usize,
}

impl KvCacheWrite {
    fn check(&self, cache: &[usize], new: &[usize], pos: &[usize]) -> Result<Rows, OpError> {
        let token_rows = |new: &[usize]| match (cache, new) {
            ([b, h, _, d], [b2, t, hd]) if b == b2 && h * d == *hd => Some(Rows { b: *b, h: *h, t: *t, d: *d, parts: 1 }),
            _ => None,
        };
        let rows = match (self.seq_major, self.parts, new) {
            (true, 0, _) => token_rows(new),
            (true, p, [p2, rest @ ..]) if p == *p2 => token_rows(rest).map(|r| Rows { parts: p, ..r }),
            (false, 0, _) => match (cache, new) {
                ([b, h, _, d], [b2, h2, t, d2]) if b == b2 && h == h2 && d == d2 => Some(Rows { b: *b, h: *h, t: *t, d: *d, parts: 1 }),
                _ => None,
            },
            _ => None,
        };
        let Some(rows) = rows else {
            let want = match (self.seq_major, self.parts) {
                (false, 0) => "[B, H, T, D]".to_string(),
                (true, 0) => "[B, T, H·D]".to_string(),
                (true, p) => format!("[{p}, B, T, H·D]"),
                (false, _) => return Err(invalid(format!("partial sums (parts = {}) are read only by a token-major (seq_major) write", self.parts))),
            };
            return Err(invalid(format!("cache {cache:?} and new rows {new:?} must be [B, H, C, D] and {want}")));
        };
        if pos != [1] {
            return Err(invalid(format!("position must have shape [1], got {pos:?}")));
        }
        Ok(rows)
    }
}

impl Op for KvCacheWrite {
    fn op_type(&self) -> &'static str {
        "KvCacheWrite"
    }
    fn attrs(&self) -> String {
        match (self.seq_major, self.parts) {
            (false, 0) => String::new(),
            (false, p) => format!("parts={p}"),
            (true, 0) => "seq_major=1".into(),
            (true, p) => format!("seq_major=1,parts={p}"),
        }
    }
    fn in_place_input(&self) -> Option<usize> {
        Some(0)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (c, n, p) = (fact(inputs, 0, "cache")?, fact(inputs, 1, "new")?, fact(inputs, 2, "position")?);
        self.check(c.shape, n.shape, p.shape)?;
        if c.dtype != n.dtype {
            return Err(invalid(format!("cache is {:?}, new rows are {:?}", c.dtype, n.dtype)));
        }
        Ok(vec![OutFact::new(c.dtype, c.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (c, n, p) = (arg(inputs, 0, "cache")?, arg(inputs, 1, "new")?, arg(inputs, 2, "position")?);
        let Rows { h: heads, t, d, parts, .. } = self.check(&c.shape, &n.shape, &p.shape)?;
        let ctx = c.shape[2];
        let pos = p.as_i64().first().copied().unwrap_or(0);
        let pos = usize::try_from(pos).map_err(|_| invalid(format!("position {pos} is negative")))?;
        let mut out = c.as_f32();
        let mut rows = n.as_f32();
        // Partial sums added up first.
        let whole = rows.len() / parts.max(1);
        for p in 1..parts {
            for i in 0..whole {
                rows[i] += rows[p * whole + i];
            }
        }
        rows.truncate(whole);
        // Row r of the new rows (in their own order) is (batch·head, token) of the cache.
        for (r, row) in rows.chunks(d).enumerate() {
            let (bh, tok) = if self.seq_major {
                let (b, rest) = (r / (t * heads), r % (t * heads));
                (b * heads + rest % heads, rest / heads)
            } else {
                (r / t, r % t)
            };
            let at = pos + tok;
            if at < ctx {
                let base = (bh * ctx + at) * d;
                out[base..base + d].copy_from_slice(row);
            }
        }
        Ok(vec![Value::from_f32_as(c.dtype, c.shape.clone(), out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (c, n, p, y) = (k.input(0)?, k.input(1)?, k.input(2)?, k.output(0)?);
        let rows = self.check(k.shape(c), k.shape(n), k.shape(p)).map_err(|e| k.err(e.to_string()))?;
        let ctx = k.shape(c)[2];
        // OpenCL f16 rows of whole 16-byte words are copied a word per work-item (an element
        // each cost NVIDIA an instruction stream per half: an 8B prefill chunk's K and V
        // writes took 14 us per layer on an H200, 10 us in words).
        let (nd, yd) = (k.desc("rows", n)?, k.desc("y", y)?);
        let words = k.lang == Lang::OpenclC && self.parts == 0 && rows.d.is_multiple_of(8) && nd.elem == "f16" && yd.elem == "f16" && nd.is_plain_buffer() && yd.is_plain_buffer();
        let (last, row_len) = if words { ("ew", rows.d / 8) } else { ("e", rows.d) };
        let (names, view) = if self.seq_major { (["b", "t", "h", last], vec![rows.b, rows.t, rows.h, row_len]) } else { (["b", "h", "t", last], vec![rows.b, rows.h, rows.t, row_len]) };
        let spec = KernelSpec::new("kv_cache_write", numel(&view).unwrap_or(0) as u64, k.wg_elementwise());
        if words {
            let spec = spec.read("rows", n).read("position", p).write("y", y).param("names", names.to_vec()).param("view", view).param("part_idx", Vec::<Vec<String>>::new());
            let spec = spec.param("ctx", ctx).param("words", true).param("heads", rows.h).param("row_words", row_len);
            k.emit(k.read_last_row(spec));
            return Ok(());
        }
        // Token-major rows seen as [B, T, H, D] (with their parts: [P, B, T, H, D]); each
        // part's index of an element, when they are summed.
        let spec = match (self.seq_major, self.parts) {
            (false, _) => spec.read("rows", n),
            (true, 0) => spec.read_view("rows", n, view.clone()),
            (true, p) => spec.read_view("rows", n, [vec![p], view.clone()].concat()),
        };
        let part_idx: Vec<Vec<String>> = (0..self.parts).map(|p| std::iter::once(format!("{p}u")).chain(names.iter().map(|n| n.to_string())).collect()).collect();
        let spec = spec
            .read("position", p)
            .write("y", y)
            .param("names", names.to_vec())
            .param("view", view)
            .param("part_idx", part_idx)
            .param("ctx", ctx);
        // A padded chunk's rows past the node's last_row are not written.
        let spec = k.read_last_row(spec);
        k.emit(spec);
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
    fn writes_rows_at_position_and_drops_overflow() {
        let cache = Value::f32(vec![1, 1, 3, 2], vec![0.; 6]);
        let new = Value::f32(vec![1, 1, 2, 2], vec![1., 2., 3., 4.]);
        let y = KvCacheWrite::default().eval(&[Some(&cache), Some(&new), Some(&Value::i64(vec![1], vec![2]))]).expect("eval").remove(0).as_f32();
        assert_eq!(y, vec![0., 0., 0., 0., 1., 2.]);
    }

    #[test]
    fn token_major_rows_land_in_their_heads() {
        // Two heads, two tokens of one feature, token-major: (t0 h0, t0 h1, t1 h0, t1 h1).
        let cache = Value::f32(vec![1, 2, 3, 1], vec![0.; 6]);
        let new = Value::f32(vec![1, 2, 2], vec![1., 2., 3., 4.]);
        let pos = Value::i64(vec![1], vec![1]);
        let token_major = KvCacheWrite { seq_major: true, parts: 0 };
        let y = token_major.eval(&[Some(&cache), Some(&new), Some(&pos)]).expect("eval").remove(0).as_f32();
        assert_eq!(y, vec![0., 1., 3., 0., 2., 4.]);
        // The same rows as two partial sums.
        let parts = Value::f32(vec![2, 1, 2, 2], vec![0.5, 2., 1., 1., 0.5, 0., 2., 3.]);
        let y = KvCacheWrite { parts: 2, ..token_major }.eval(&[Some(&cache), Some(&parts), Some(&pos)]).expect("eval").remove(0).as_f32();
        assert_eq!(y, vec![0., 1., 3., 0., 2., 4.]);
        // Head-major, the same values are (h0 t0, h0 t1, h1 t0, h1 t1).
        let new = Value::f32(vec![1, 2, 2, 1], vec![1., 2., 3., 4.]);
        let y = KvCacheWrite::default().eval(&[Some(&cache), Some(&new), Some(&pos)]).expect("eval").remove(0).as_f32();
        assert_eq!(y, vec![0., 1., 2., 0., 3., 4.]);
    }
}
