//! KvCacheWrite (driftc-internal, built by the LLM frontend): writes the keys or values of
//! a chunk of T tokens into a layer's KV cache at rows `position .. position + T`, in
//! place. Output 0 *is* the cache (same storage), so later readers of the output see
//! the rows written; rows at or past the cache's length are dropped, and so are rows past
//! the node's `last_row` where the chunk is padded (the cache keeps what it held there).
//!
//! Inputs: cache [B, Hkv, C, D] (a graph state tensor), new rows [B, Hkv, T, D], position
//! [1] (integer). Output: the cache, [B, Hkv, C, D].

use std::any::Any;

use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct KvCacheWrite;

fn check(cache: &[usize], new: &[usize], pos: &[usize]) -> Result<(), OpError> {
    match (cache, new) {
        ([b, h, _, d], [b2, h2, _, d2]) if b == b2 && h == h2 && d == d2 => {}
        _ => return Err(invalid(format!("cache {cache:?} and new rows {new:?} must be [B, H, C, D] and [B, H, T, D]"))),
    }
    if pos != [1] {
        return Err(invalid(format!("position must have shape [1], got {pos:?}")));
    }
    Ok(())
}

impl Op for KvCacheWrite {
    fn op_type(&self) -> &'static str {
        "KvCacheWrite"
    }
    fn attrs(&self) -> String {
        String::new()
    }
    fn in_place_input(&self) -> Option<usize> {
        Some(0)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (c, n, p) = (fact(inputs, 0, "cache")?, fact(inputs, 1, "new")?, fact(inputs, 2, "position")?);
        check(c.shape, n.shape, p.shape)?;
        if c.dtype != n.dtype {
            return Err(invalid(format!("cache is {:?}, new rows are {:?}", c.dtype, n.dtype)));
        }
        Ok(vec![OutFact::new(c.dtype, c.shape.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (c, n, p) = (arg(inputs, 0, "cache")?, arg(inputs, 1, "new")?, arg(inputs, 2, "position")?);
        check(&c.shape, &n.shape, &p.shape)?;
        let (ctx, t, d) = (c.shape[2], n.shape[2], n.shape[3]);
        let pos = p.as_i64().first().copied().unwrap_or(0);
        let pos = usize::try_from(pos).map_err(|_| invalid(format!("position {pos} is negative")))?;
        let mut out = c.as_f32();
        let rows = n.as_f32();
        for (bh, chunk) in rows.chunks(t * d).enumerate() {
            for (r, row) in chunk.chunks(d).enumerate() {
                let at = pos + r;
                if at < ctx {
                    let base = (bh * ctx + at) * d;
                    out[base..base + d].copy_from_slice(row);
                }
            }
        }
        Ok(vec![Value::from_f32_as(c.dtype, c.shape.clone(), out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (c, n, p, y) = (k.input(0)?, k.input(1)?, k.input(2)?, k.output(0)?);
        check(k.shape(c), k.shape(n), k.shape(p)).map_err(|e| k.err(e.to_string()))?;
        let ctx = k.shape(c)[2];
        let spec = KernelSpec::new("kv_cache_write", numel(k.shape(n)).unwrap_or(0) as u64, k.wg_elementwise())
            .read("rows", n)
            .read("position", p)
            .write("y", y)
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
        let y = KvCacheWrite.eval(&[Some(&cache), Some(&new), Some(&Value::i64(vec![1], vec![2]))]).expect("eval").remove(0).as_f32();
        assert_eq!(y, vec![0., 0., 0., 0., 1., 2.]);
    }
}
