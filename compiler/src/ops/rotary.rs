//! RotaryEmbedding (opset 23): rotates pairs of each head's first `rotary_embedding_dim`
//! features (default: all) by position-dependent angles from cos/sin caches. Pairs are
//! (i, i + dim/2) or, `interleaved`, (2i, 2i + 1): real = x1·cos − x2·sin,
//! imag = x1·sin + x2·cos. Input [B, H, S, D] or [B, S, H·D] (`num_heads`). With
//! `position_ids` [B, S] the caches are [max_position, dim/2] tables; without, they are
//! already [B, S, dim/2].
//!
//! driftc-internal `parts` (`passes::fold_split_sums`): a 3-D X arrives as that many
//! partial sums along a new leading axis, [parts, B, S, H·D] (a K-split product's), added
//! as they are read.
//!
//! The kernel (`rotary`) computes one output element per invocation; on OpenCL, f16 heads
//! whose every feature turns in halves of whole 16-byte words take eight pairs per
//! invocation instead (word loads and stores: an 8B prefill chunk's q and k turns took 30
//! us per layer on an H200 an element at a time, 13 us in words).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang};
use crate::ir::{numel, TensorId, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Rotary {
    pub interleaved: bool,
    pub num_heads: usize,
    pub rotary_dim: usize,
    /// X holds this many partial sums along a leading axis (3-D X only); 0: X as is.
    pub parts: usize,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("RotaryEmbedding", |n| {
        let nonneg = |name: &str| -> Result<usize, OpError> {
            let v = n.int_or(name, 0)?;
            usize::try_from(v).map_err(|_| OpError::Attribute { name: name.into(), message: format!("{v} is negative") })
        };
        Ok(Box::new(Rotary { interleaved: n.int_or("interleaved", 0)? != 0, num_heads: nonneg("num_heads")?, rotary_dim: nonneg("rotary_embedding_dim")?, parts: 0 }))
    });
}

/// [B, S, H, D] sizes, whether the input is 3-D, the rotated width and its half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Geometry {
    b: usize,
    s: usize,
    h: usize,
    d: usize,
    three_d: bool,
    rot: usize,
    half: usize,
}

impl Rotary {
    /// X's shape without its leading axis of partial sums (`parts`).
    fn whole<'a>(&self, x: &'a [usize]) -> Result<&'a [usize], OpError> {
        match (self.parts, x) {
            (0, _) => Ok(x),
            (p, [p2, rest @ ..]) if p == *p2 && rest.len() == 3 => Ok(rest),
            (p, _) => Err(invalid(format!("input {x:?} must be [{p}, B, S, H·D]: {p} partial sums of 3-D rows"))),
        }
    }

    fn geometry(&self, x: &[usize], cache: &[usize], pos: Option<&[usize]>) -> Result<Geometry, OpError> {
        let x = self.whole(x)?;
        let (b, s, h, d, three_d) = match *x {
            [b, h, s, d] => (b, s, h, d, false),
            [b, s, hd] => {
                if self.num_heads == 0 || hd % self.num_heads != 0 {
                    return Err(OpError::Attribute { name: "num_heads".into(), message: format!("{} does not split a hidden size of {hd}", self.num_heads) });
                }
                (b, s, self.num_heads, hd / self.num_heads, true)
            }
            _ => return Err(invalid(format!("input {x:?} must be 3-D or 4-D"))),
        };
        let rot = if self.rotary_dim == 0 { d } else { self.rotary_dim };
        if rot > d || rot % 2 != 0 {
            return Err(OpError::Attribute { name: "rotary_embedding_dim".into(), message: format!("{rot} must be even and at most the head size {d}") });
        }
        let half = rot / 2;
        let ok = match pos {
            Some(p) => p == [b, s] && cache.len() == 2 && cache[1] == half,
            None => cache == [b, s, half],
        };
        if !ok {
            return Err(invalid(format!("caches {cache:?} (position_ids {pos:?}) do not fit input {x:?} rotating {rot} features")));
        }
        Ok(Geometry { b, s, h, d, three_d, rot, half })
    }
}

impl Rotary {
    /// The word form's spec (see the module doc), or `None` where X, Y or the caches do not
    /// qualify.
    fn words_spec(&self, k: &KernelBuilder<'_>, g: &Geometry, [x, c, sn, y]: [TensorId; 4], pos: Option<TensorId>) -> Result<Option<KernelSpec>, CodegenError> {
        let (xd, cd, sd, yd) = (k.desc("x", x)?, k.desc("cos", c)?, k.desc("sin", sn)?, k.desc("y", y)?);
        let plain = [&xd, &cd, &sd, &yd].iter().all(|d| d.is_plain_buffer());
        if !(k.lang == Lang::OpenclC && plain && self.parts == 0 && !self.interleaved && g.rot == g.d && g.half.is_multiple_of(8) && xd.elem == "f16" && yd.elem == "f16") {
            return Ok(None);
        }
        let (Some(cos_word), Some(sin_word)) = (helpers::float8_at(&cd), helpers::float8_at(&sd)) else {
            return Ok(None);
        };
        let (hw, dw) = (g.half / 8, g.d / 8);
        let (names, view, row_word) = if g.three_d {
            (["cb", "cs", "ch", "cw"], vec![g.b, g.s, g.h, hw], format!("((cb * {}u + cs) * {}u + ch) * {dw}u", g.s, g.h))
        } else {
            (["cb", "ch", "cs", "cw"], vec![g.b, g.h, g.s, hw], format!("((cb * {}u + ch) * {}u + cs) * {dw}u", g.h, g.s))
        };
        let mut spec = KernelSpec::new("rotary", numel(&view).unwrap_or(0) as u64, k.wg_elementwise()).read("x", x).write("y", y).read("cos", c).read("sin", sn);
        if let Some(p) = pos {
            spec = spec.read("pos", p).param("max_pos", k.shape(c).first().copied().unwrap_or(1));
        }
        Ok(Some(
            spec.param("words", true)
                .param("view", view)
                .param("names", names.to_vec())
                .param("row_word", row_word)
                .param("half_words", hw)
                .param("seq", g.s)
                .param("cos_word", cos_word)
                .param("sin_word", sin_word)
                .param("pos_idx", vec!["cb", "cs"])
                .param("has_pos", pos.is_some()),
        ))
    }

    /// `idx` prefixed by each part's index along X's leading axis.
    fn part_idx(&self, idx: &[String]) -> Vec<Vec<String>> {
        (0..self.parts).map(|p| std::iter::once(format!("{p}u")).chain(idx.iter().cloned()).collect()).collect()
    }
}

impl Op for Rotary {
    fn op_type(&self) -> &'static str {
        "RotaryEmbedding"
    }
    fn attrs(&self) -> String {
        let parts = if self.parts > 0 { format!(",parts={}", self.parts) } else { String::new() };
        format!("interleaved={},num_heads={},rotary_embedding_dim={}{parts}", self.interleaved as u8, self.num_heads, self.rotary_dim)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (x, c, sn) = (fact(inputs, 0, "X")?, fact(inputs, 1, "cos_cache")?, fact(inputs, 2, "sin_cache")?);
        if sn.shape != c.shape {
            return Err(invalid(format!("sin_cache {:?} differs from cos_cache {:?}", sn.shape, c.shape)));
        }
        let pos = inputs.get(3).copied().flatten().map(|p| p.shape);
        self.geometry(x.shape, c.shape, pos)?;
        Ok(vec![OutFact::new(x.dtype, self.whole(x.shape)?.to_vec())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (x, cv, sv) = (arg(inputs, 0, "X")?, arg(inputs, 1, "cos_cache")?, arg(inputs, 2, "sin_cache")?);
        let pos = inputs.get(3).copied().flatten();
        let g = self.geometry(&x.shape, &cv.shape, pos.map(|p| p.shape.as_slice()))?;
        if sv.shape != cv.shape {
            return Err(invalid(format!("sin_cache {:?} differs from cos_cache {:?}", sv.shape, cv.shape)));
        }
        let (mut xs, cs, ss) = (x.as_f32(), cv.as_f32(), sv.as_f32());
        // Partial sums added up first.
        let shape = self.whole(&x.shape)?.to_vec();
        let whole = numel(&shape).unwrap_or(0);
        for p in 1..self.parts {
            for i in 0..whole {
                xs[i] += xs[p * whole + i];
            }
        }
        xs.truncate(whole);
        let ps = pos.map(|p| p.as_i64());
        let max_pos = cv.shape.first().copied().unwrap_or(0);
        // Element offset of (b, s, h, d) in the input's own layout.
        let at = |b: usize, s: usize, h: usize, d: usize| if g.three_d { ((b * g.s + s) * g.h + h) * g.d + d } else { ((b * g.h + h) * g.s + s) * g.d + d };
        let mut out = xs.clone();
        for b in 0..g.b {
            for s in 0..g.s {
                let row = match &ps {
                    Some(p) => {
                        let v = p[b * g.s + s];
                        usize::try_from(v).ok().filter(|&v| v < max_pos).ok_or_else(|| invalid(format!("position id {v} outside the cache of {max_pos}")))?
                    }
                    None => b * g.s + s,
                };
                for h in 0..g.h {
                    for i in 0..g.half {
                        let (c, sn) = (cs[row * g.half + i], ss[row * g.half + i]);
                        let (d1, d2) = if self.interleaved { (2 * i, 2 * i + 1) } else { (i, i + g.half) };
                        let (x1, x2) = (xs[at(b, s, h, d1)], xs[at(b, s, h, d2)]);
                        out[at(b, s, h, d1)] = x1 * c - x2 * sn;
                        out[at(b, s, h, d2)] = x1 * sn + x2 * c;
                    }
                }
            }
        }
        Ok(vec![Value::from_f32_as(x.dtype, shape, out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, c, sn, y) = (k.input(0)?, k.input(1)?, k.input(2)?, k.output(0)?);
        let pos = k.node.input(3);
        let g = self.geometry(k.shape(x), k.shape(c), pos.map(|p| k.shape(p))).map_err(|e| k.err(e.to_string()))?;
        // A padded chunk's rows past last_row (the sequence axis) are not turned.
        let seq_axis = if g.three_d { 1 } else { 2 };
        if let Some(spec) = self.words_spec(k, &g, [x, c, sn, y], pos)? {
            let spec = k.row_guard(spec, |axis| (axis == seq_axis).then(|| "cs".to_string()))?;
            k.emit(spec);
            return Ok(());
        }
        let names: Vec<String> = if g.three_d { ["cb", "cs", "ch", "cd"] } else { ["cb", "ch", "cs", "cd"] }.iter().map(|s| s.to_string()).collect();
        let with = |d: &str| -> Vec<String> { names.iter().map(|n| if n == "cd" { d.to_string() } else { n.clone() }).collect() };
        let view = if g.three_d { vec![g.b, g.s, g.h, g.d] } else { vec![g.b, g.h, g.s, g.d] };
        let mut spec = KernelSpec::new("rotary", numel(&view).unwrap_or(0) as u64, k.wg_elementwise());
        spec = match (g.three_d, self.parts) {
            (true, 0) => spec.read_view("x", x, view.clone()).write_view("y", y, view.clone()),
            (true, p) => spec.read_view("x", x, [vec![p], view.clone()].concat()).write_view("y", y, view.clone()),
            (false, _) => spec.read("x", x).write("y", y),
        };
        spec = spec.read("cos", c).read("sin", sn);
        let cache_idx: Vec<String> = match pos {
            Some(p) => {
                spec = spec.read("pos", p).param("max_pos", k.shape(c).first().copied().unwrap_or(1));
                vec!["p".into(), "ii".into()]
            }
            None => vec!["cb".into(), "cs".into(), "ii".into()],
        };
        let spec = spec
            .param("view", view)
            .param("names", names.clone())
            .param("x1_idx", with("i1"))
            .param("x2_idx", with("i2"))
            // Each part's index of the element and of its partners (empty: X read whole).
            .param("parts_idx", self.part_idx(&names))
            .param("parts_x1", self.part_idx(&with("i1")))
            .param("parts_x2", self.part_idx(&with("i2")))
            .param("cache_idx", cache_idx)
            .param("pos_idx", vec!["cb", "cs"])
            .param("has_pos", pos.is_some())
            .param("interleaved", self.interleaved)
            .param("rot", g.rot)
            .param("half", g.half)
            .param("words", false);
        let spec = k.row_guard(spec, |axis| (axis == seq_axis).then(|| "cs".to_string()))?;
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
    fn quarter_turn_by_hand() {
        // One head of 4 features, positions 0 (no turn) and 1 (cos 0, sin 1: a quarter
        // turn): halves (x0, x2), (x1, x3) rotate, or pairs (x0, x1), (x2, x3) interleaved.
        let x = Value::f32(vec![1, 1, 2, 4], vec![1., 2., 3., 4., 1., 2., 3., 4.]);
        let cos = Value::f32(vec![2, 2], vec![1., 1., 0., 0.]);
        let sin = Value::f32(vec![2, 2], vec![0., 0., 1., 1.]);
        let pos = Value::i64(vec![1, 2], vec![0, 1]);
        let op = Rotary { interleaved: false, num_heads: 0, rotary_dim: 0, parts: 0 };
        let y = op.eval(&[Some(&x), Some(&cos), Some(&sin), Some(&pos)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![1., 2., 3., 4., -3., -4., 1., 2.]);
        let y = Rotary { interleaved: true, ..op.clone() }.eval(&[Some(&x), Some(&cos), Some(&sin), Some(&pos)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![1., 2., 3., 4., -2., 1., -4., 3.]);
        // Rotating only the first 2 features leaves the rest.
        let cos2 = Value::f32(vec![2, 1], vec![1., 0.]);
        let sin2 = Value::f32(vec![2, 1], vec![0., 1.]);
        let y = Rotary { rotary_dim: 2, ..op.clone() }.eval(&[Some(&x), Some(&cos2), Some(&sin2), Some(&pos)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![1., 2., 3., 4., -2., 1., 3., 4.]);
        let bad = Value::i64(vec![1, 2], vec![0, 7]);
        assert!(op.eval(&[Some(&x), Some(&cos), Some(&sin), Some(&bad)]).is_err());
        assert!(Rotary { rotary_dim: 3, ..op }.geometry(&[1, 1, 2, 4], &[2, 1], Some(&[1, 2])).is_err());
    }
}
