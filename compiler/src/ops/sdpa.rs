//! Attention (opset 23): scaled dot-product attention softmax(Q·Kᵀ·scale [softcap]
//! + mask)·V over 4-D [batch, heads, seq, head] or 3-D [batch, seq, heads·head] inputs
//! (`q_num_heads`/`kv_num_heads`), with grouped-query heads (q head h reads kv head
//! h / (Hq / Hkv)), an optional mask (bool: true attends; float: added; a mask shorter
//! than the keys masks the rest) and `is_causal` (key j > query i is masked, upper-left
//! aligned). Only output Y: past/present KV caches and the QK output are refused.
//!
//! The kernel (`attention_sdpa`) runs one invocation per query row with an online
//! softmax, as FusedAttention does: neither the score matrix nor a causal mask tensor
//! ever exists in memory; masked keys are skipped.

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, broadcast, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::{DType, Value};

/// Most value columns one invocation accumulates in registers.
pub const MAX_HEAD_DIM: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    pub is_causal: bool,
    pub q_num_heads: Option<usize>,
    pub kv_num_heads: Option<usize>,
    pub scale: Option<f32>,
    pub softcap: f32,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("Attention", import);
}

fn import(n: &OnnxNode<'_>) -> Result<Box<dyn Op>, OpError> {
    if n.has_input(4) || n.has_input(5) {
        return Err(OpError::Unsupported("Attention with past_key/past_value (KV cache)".into()));
    }
    if n.has_input(6) {
        return Err(OpError::Unsupported("Attention with nonpad_kv_seqlen".into()));
    }
    if n.proto.output.iter().skip(1).any(|o| !o.is_empty()) {
        return Err(OpError::Unsupported("Attention's present_key/present_value/qk_matmul_output outputs".into()));
    }
    let heads = |name: &str| -> Result<Option<usize>, OpError> {
        n.int(name)?.map(|h| usize::try_from(h).ok().filter(|&h| h > 0).ok_or(OpError::Attribute { name: name.into(), message: format!("{h} is not positive") })).transpose()
    };
    Ok(Box::new(Attention {
        is_causal: n.int_or("is_causal", 0)? != 0,
        q_num_heads: heads("q_num_heads")?,
        kv_num_heads: heads("kv_num_heads")?,
        scale: n.float("scale")?,
        softcap: n.float_or("softcap", 0.0)?,
    }))
}

/// Problem sizes; `three_d` inputs are [B, S, H·D] seen as [B, S, H, D].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Geometry {
    b: usize,
    hq: usize,
    hkv: usize,
    s: usize,
    l: usize,
    d: usize,
    dv: usize,
    three_d: bool,
}

impl Geometry {
    fn out_shape(&self) -> Vec<usize> {
        if self.three_d {
            vec![self.b, self.s, self.hq * self.dv]
        } else {
            vec![self.b, self.hq, self.s, self.dv]
        }
    }
    /// Logical [B, S, H, D] views of 3-D tensors.
    fn views(&self) -> [Vec<usize>; 4] {
        [vec![self.b, self.s, self.hq, self.d], vec![self.b, self.l, self.hkv, self.d], vec![self.b, self.l, self.hkv, self.dv], vec![self.b, self.s, self.hq, self.dv]]
    }
}

impl Attention {
    fn geometry(&self, q: &[usize], k: &[usize], v: &[usize]) -> Result<Geometry, OpError> {
        let g = match (q, k, v) {
            (&[b, hq, s, d], &[b2, hkv, l, d2], &[b3, hkv2, l2, dv]) => {
                if b2 != b || b3 != b || d2 != d || hkv2 != hkv || l2 != l {
                    return Err(invalid(format!("Q {q:?}, K {k:?} and V {v:?} do not match")));
                }
                Geometry { b, hq, hkv, s, l, d, dv, three_d: false }
            }
            (&[b, s, qh], &[b2, l, kh], &[b3, l2, vh]) => {
                let need = |h: Option<usize>, name: &str| h.ok_or(OpError::Attribute { name: name.into(), message: "required for 3-D inputs".into() });
                let (hq, hkv) = (need(self.q_num_heads, "q_num_heads")?, need(self.kv_num_heads, "kv_num_heads")?);
                if b2 != b || b3 != b || l2 != l || qh % hq != 0 || kh % hkv != 0 || vh % hkv != 0 || qh / hq != kh / hkv {
                    return Err(invalid(format!("Q {q:?}, K {k:?} and V {v:?} do not split into {hq} and {hkv} heads")));
                }
                Geometry { b, hq, hkv, s, l, d: qh / hq, dv: vh / hkv, three_d: true }
            }
            _ => return Err(invalid(format!("Q {q:?}, K {k:?} and V {v:?} must all be 3-D or 4-D"))),
        };
        if g.hkv == 0 || g.hq % g.hkv != 0 {
            return Err(invalid(format!("{} query heads are not a multiple of {} key/value heads", g.hq, g.hkv)));
        }
        Ok(g)
    }
    fn scale_for(&self, g: &Geometry) -> f32 {
        self.scale.unwrap_or(1.0 / (g.d as f32).sqrt())
    }
}

/// Checks the mask broadcasts to [B, Hq, S, ≤L]; returns its key length.
fn mask_len(mask: &[usize], g: &Geometry) -> Result<usize, OpError> {
    let full = [g.b, g.hq, g.s];
    let Some((&len, lead)) = mask.split_last() else { return Err(invalid("attn_mask is a scalar")) };
    if mask.len() > 4 || len > g.l || broadcast::shape(&[lead, &full]).ok().as_deref() != Some(&full[..]) {
        return Err(invalid(format!("attn_mask {mask:?} does not broadcast to [{}, {}, {}, {}]", g.b, g.hq, g.s, g.l)));
    }
    Ok(len)
}

impl Op for Attention {
    fn op_type(&self) -> &'static str {
        "Attention"
    }
    fn attrs(&self) -> String {
        let mut a = vec![format!("is_causal={}", self.is_causal as u8)];
        if let Some(h) = self.q_num_heads {
            a.push(format!("q_num_heads={h}"));
        }
        if let Some(h) = self.kv_num_heads {
            a.push(format!("kv_num_heads={h}"));
        }
        if let Some(s) = self.scale {
            a.push(format!("scale={s}"));
        }
        if self.softcap > 0.0 {
            a.push(format!("softcap={}", self.softcap));
        }
        a.join(",")
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (q, k, v) = (fact(inputs, 0, "Q")?, fact(inputs, 1, "K")?, fact(inputs, 2, "V")?);
        let g = self.geometry(q.shape, k.shape, v.shape)?;
        if let Some(m) = inputs.get(3).copied().flatten() {
            mask_len(m.shape, &g)?;
        }
        Ok(vec![OutFact::new(q.dtype, g.out_shape())])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (q, k, v) = (arg(inputs, 0, "Q")?, arg(inputs, 1, "K")?, arg(inputs, 2, "V")?);
        let g = self.geometry(&q.shape, &k.shape, &v.shape)?;
        let (qs, ks, vs) = (q.as_f32(), k.as_f32(), v.as_f32());
        // Element offsets in [B, H, S, D] (4-D) or [B, S, H, D] (3-D) order.
        let at = |b: usize, h: usize, t: usize, e: usize, heads: usize, len: usize, width: usize| {
            if g.three_d {
                ((b * len + t) * heads + h) * width + e
            } else {
                ((b * heads + h) * len + t) * width + e
            }
        };
        let mask = inputs.get(3).copied().flatten();
        let mask = match mask {
            Some(m) => {
                let ml = mask_len(&m.shape, &g)?;
                Some((m.as_f32(), broadcast::index_map(&m.shape, &[g.b, g.hq, g.s, ml]), ml, m.dtype == DType::Bool))
            }
            None => None,
        };
        let scale = self.scale_for(&g);
        let group = g.hq / g.hkv;
        let mut out = vec![0f32; g.b * g.hq * g.s * g.dv];
        let mut scores = vec![0f64; g.l];
        for b in 0..g.b {
            for h in 0..g.hq {
                let kh = h / group;
                for n in 0..g.s {
                    for (j, sc) in scores.iter_mut().enumerate() {
                        let dot: f64 = (0..g.d).map(|e| qs[at(b, h, n, e, g.hq, g.s, g.d)] as f64 * ks[at(b, kh, j, e, g.hkv, g.l, g.d)] as f64).sum();
                        let mut s = dot * scale as f64;
                        if self.softcap > 0.0 {
                            s = self.softcap as f64 * (s / self.softcap as f64).tanh();
                        }
                        if self.is_causal && j > n {
                            s = f64::NEG_INFINITY;
                        }
                        if let Some((mv, map, ml, is_bool)) = &mask {
                            if j >= *ml {
                                s = f64::NEG_INFINITY;
                            } else {
                                let m = mv[map[((b * g.hq + h) * g.s + n) * ml + j]] as f64;
                                s = if *is_bool { if m == 0.0 { f64::NEG_INFINITY } else { s } } else { s + m };
                            }
                        }
                        *sc = s;
                    }
                    let mx = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let sum: f64 = scores.iter().map(|&s| (s - mx).exp()).sum();
                    for e in 0..g.dv {
                        let acc: f64 = scores.iter().enumerate().map(|(j, &s)| (s - mx).exp() / sum * vs[at(b, kh, j, e, g.hkv, g.l, g.dv)] as f64).sum();
                        out[at(b, h, n, e, g.hq, g.s, g.dv)] = acc as f32;
                    }
                }
            }
        }
        Ok(vec![Value::from_f32_as(q.dtype, g.out_shape(), out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (q, kk, v, y) = (k.input(0)?, k.input(1)?, k.input(2)?, k.output(0)?);
        let g = self.geometry(k.shape(q), k.shape(kk), k.shape(v)).map_err(|e| k.err(e.to_string()))?;
        if g.dv > MAX_HEAD_DIM {
            return Err(k.no_kernel(format!("value head size {} exceeds {MAX_HEAD_DIM}", g.dv)));
        }
        let s = |v: &[&str]| -> Vec<String> { v.iter().map(|x| x.to_string()).collect() };
        let mut spec = KernelSpec::new("attention_sdpa", (g.b * g.hq * g.s) as u64, k.wg_elementwise());
        let idx = if g.three_d {
            let [vq, vk, vv, _] = g.views();
            spec = spec.read_view("q", q, vq).read_view("k", kk, vk).read_view("v", v, vv);
            [s(&["b", "n", "h", "dd"]), s(&["b", "j", "kh", "dd"]), s(&["b", "j", "kh", "e"]), s(&["b", "n", "h", "e"])]
        } else {
            spec = spec.read("q", q).read("k", kk).read("v", v);
            [s(&["b", "h", "n", "dd"]), s(&["b", "kh", "j", "dd"]), s(&["b", "kh", "j", "e"]), s(&["b", "h", "n", "e"])]
        };
        let [q_idx, k_idx, v_idx, y_idx] = idx;
        match k.node.input(3) {
            Some(m) => {
                let ml = mask_len(k.shape(m), &g).map_err(|e| k.err(e.to_string()))?;
                spec = spec.read("mask", m).param("has_mask", true).param("mask_bool", k.graph.tensor(m).dtype == DType::Bool).param("mask_len", ml);
            }
            None => spec = spec.param("has_mask", false).param("mask_bool", false).param("mask_len", g.l),
        }
        spec = if g.three_d { spec.write_view("y", y, g.views()[3].clone()) } else { spec.write("y", y) };
        let spec = spec
            .param("rows", vec![g.b, g.hq, g.s])
            .param("row_names", s(&["b", "h", "n"]))
            .param("q_idx", q_idx)
            .param("k_idx", k_idx)
            .param("v_idx", v_idx)
            .param("y_idx", y_idx)
            .param("mask_idx", s(&["b", "h", "n", "j"]))
            .param("group", g.hq / g.hkv)
            .param("d", g.d)
            .param("m", g.l)
            .param("dv", g.dv)
            .param("scale", self.scale_for(&g))
            .param("softcap", self.softcap)
            .param("causal", self.is_causal);
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::super::pad::test_node::{node, A};
    use super::*;

    fn op() -> Attention {
        Attention { is_causal: false, q_num_heads: None, kv_num_heads: None, scale: Some(1.0), softcap: 0.0 }
    }

    #[test]
    fn one_head_by_hand() {
        // One query [1, 0], keys [1, 0] and [0, 1]: scores 1 and 0, weights e/(1+e) and
        // 1/(1+e) over values 10 and 20.
        let q = Value::f32(vec![1, 1, 1, 2], vec![1., 0.]);
        let k = Value::f32(vec![1, 1, 2, 2], vec![1., 0., 0., 1.]);
        let v = Value::f32(vec![1, 1, 2, 1], vec![10., 20.]);
        let e = std::f32::consts::E;
        let y = op().eval(&[Some(&q), Some(&k), Some(&v)]).expect("eval").remove(0);
        assert!((y.as_f32()[0] - (10. * e + 20.) / (1. + e)).abs() < 1e-5, "{:?}", y.as_f32());
        // A boolean mask hiding the first key, or a causal query at position 0 hiding
        // the second, leaves one value.
        let m = Value::bool(vec![1, 2], vec![false, true]);
        let y = op().eval(&[Some(&q), Some(&k), Some(&v), Some(&m)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![20.]);
        let y = Attention { is_causal: true, ..op() }.eval(&[Some(&q), Some(&k), Some(&v)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![10.]);
        // A short float mask: the missing key is masked.
        let m = Value::f32(vec![1], vec![0.]);
        let y = op().eval(&[Some(&q), Some(&k), Some(&v), Some(&m)]).expect("eval").remove(0);
        assert_eq!(y.as_f32(), vec![10.]);
    }

    #[test]
    fn grouped_heads_and_3d() {
        // Two query heads share one kv head; 3-D layout [B, S, H·D] with D = 1.
        let q = Value::f32(vec![1, 1, 2], vec![0., 0.]);
        let k = Value::f32(vec![1, 2, 1], vec![1., 1.]);
        let v = Value::f32(vec![1, 2, 1], vec![2., 4.]);
        let a = Attention { q_num_heads: Some(2), kv_num_heads: Some(1), ..op() };
        let y = a.eval(&[Some(&q), Some(&k), Some(&v)]).expect("eval").remove(0);
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 2], vec![3., 3.]));
        assert!(op().eval(&[Some(&q), Some(&k), Some(&v)]).is_err());
    }

    #[test]
    fn refuses_caches() {
        let proto = node("Attention", &["q", "k", "v", "", "pk", "pv"], &["y", "pk2", "pv2"], &[("is_causal", A::I(1))]);
        let n = OnnxNode { proto: &proto, opset: 23, const_inputs: vec![], input_shapes: vec![] };
        assert!(matches!(import(&n), Err(OpError::Unsupported(_))));
        let proto = node("Attention", &["q", "k", "v"], &["y"], &[("is_causal", A::I(1)), ("scale", A::F(0.5))]);
        let n = OnnxNode { proto: &proto, opset: 23, const_inputs: vec![], input_shapes: vec![] };
        let a = import(&n).expect("import");
        assert_eq!(a.as_any().downcast_ref::<Attention>().map(|a| (a.is_causal, a.scale)), Some((true, Some(0.5))));
    }
}
