//! Llama family (Llama 2, 3; GQA; tied or separate embeddings): the decoder as a graph.
//!
//! Per layer, as Hugging Face `LlamaDecoderLayer` computes it:
//! ```text
//!   x ─ RMSNorm ─ q,k,v projections ─ RoPE(q,k) ─ [repeat k,v heads] ─ softmax(qkᵀ/√d + causal)·v
//!     ─ o projection ─ + x ─ RMSNorm ─ down(silu(gate(·)) · up(·)) ─ + ─ next layer
//! ```
//! Weights are stored transposed at compile time ([in, out]) so every projection is a
//! plain MatMul; RoPE's cos/sin tables for positions 0..T−1 and the causal mask are
//! constants. The attention pattern is left in its textbook form: the fuse-attention pass
//! turns it into one kernel that never stores the score matrix.

use std::path::Path;

use super::builder::Builder;
use super::{Error, LlmOptions};
use crate::front::safetensors::Checkpoint;
use crate::ir::{DType, Graph, TensorId, Value};
use crate::ops::concat::Concat;
use crate::ops::elementwise::{ElementwiseOp, Kind};
use crate::ops::gather::Gather;
use crate::ops::matmul::MatMul;
use crate::ops::reshape::{Kind as ReshapeKind, ReshapeOp};
use crate::ops::rms_norm::RmsNorm;
use crate::ops::slice::Slice;
use crate::ops::softmax::Softmax;
use crate::ops::transpose::Transpose;

/// The fields of config.json the graph depends on.
#[derive(Debug, Clone)]
pub struct Config {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub intermediate: usize,
    pub vocab: usize,
    pub eps: f32,
    pub rope_theta: f64,
    pub tied: bool,
}

fn field(json: &serde_json::Value, key: &str, path: &Path) -> Result<usize, Error> {
    json.get(key).and_then(|v| v.as_u64()).and_then(|v| usize::try_from(v).ok()).filter(|&v| v > 0).ok_or_else(|| Error::Config {
        path: path.display().to_string(),
        message: format!("'{key}' is missing or not a positive integer"),
    })
}

impl Config {
    pub fn from_json(json: &serde_json::Value, path: &Path) -> Result<Self, Error> {
        let heads = field(json, "num_attention_heads", path)?;
        let c = Config {
            hidden: field(json, "hidden_size", path)?,
            layers: field(json, "num_hidden_layers", path)?,
            heads,
            kv_heads: json.get("num_key_value_heads").and_then(|v| v.as_u64()).map_or(heads, |v| v as usize),
            intermediate: field(json, "intermediate_size", path)?,
            vocab: field(json, "vocab_size", path)?,
            eps: json.get("rms_norm_eps").and_then(|v| v.as_f64()).unwrap_or(1e-6) as f32,
            rope_theta: json.get("rope_theta").and_then(|v| v.as_f64()).unwrap_or(10000.0),
            tied: json.get("tie_word_embeddings").and_then(|v| v.as_bool()).unwrap_or(false),
        };
        let bad = |m: &str| Error::Config { path: path.display().to_string(), message: m.into() };
        if c.hidden % c.heads != 0 || (c.hidden / c.heads) % 2 != 0 {
            return Err(bad("hidden_size must split into heads of an even size"));
        }
        if c.kv_heads == 0 || c.heads % c.kv_heads != 0 {
            return Err(bad("num_attention_heads must be a multiple of num_key_value_heads"));
        }
        if json.get("rope_scaling").is_some_and(|r| !r.is_null()) {
            return Err(bad("rope_scaling is not supported yet"));
        }
        Ok(c)
    }
    fn head_dim(&self) -> usize {
        self.hidden / self.heads
    }
}

struct Ctx<'a> {
    b: Builder,
    ck: &'a Checkpoint,
    c: Config,
    t: usize,
}

impl Ctx<'_> {
    /// A [out, in] projection weight, stored transposed as [in, out].
    fn weight_t(&mut self, name: &str, out: usize, inp: usize) -> Result<TensorId, Error> {
        let v = self.ck.read(name)?;
        if v.shape != [out, inp] {
            return Err(Error::WeightShape { family: "llama", tensor: name.into(), got: v.shape, want: vec![out, inp] });
        }
        let w = v.as_f32();
        let mut t = vec![0f32; out * inp];
        for o in 0..out {
            for i in 0..inp {
                t[i * out + o] = w[o * inp + i];
            }
        }
        Ok(self.b.konst(&format!("{name}.T"), Value::f32(vec![inp, out], t)))
    }

    fn vector(&mut self, name: &str, len: usize) -> Result<TensorId, Error> {
        let v = self.ck.read(name)?;
        if v.shape != [len] {
            return Err(Error::WeightShape { family: "llama", tensor: name.into(), got: v.shape, want: vec![len] });
        }
        Ok(self.b.konst(name, v))
    }

    fn rms(&mut self, name: &str, x: TensorId, w: &str) -> Result<TensorId, Error> {
        let s = self.vector(w, self.c.hidden)?;
        self.b.op(name, Box::new(RmsNorm { axis: -1, epsilon: self.c.eps }), &[x, s])
    }

    fn matmul(&mut self, name: &str, x: TensorId, w: TensorId) -> Result<TensorId, Error> {
        self.b.op(name, Box::new(MatMul), &[x, w])
    }

    fn ew(&mut self, name: &str, kind: Kind, inputs: &[TensorId]) -> Result<TensorId, Error> {
        self.b.op(name, Box::new(ElementwiseOp { kind, alpha: 1.0, beta: 0.0 }), inputs)
    }

    fn reshape(&mut self, name: &str, x: TensorId, shape: &[i64]) -> Result<TensorId, Error> {
        let s = self.b.ints(&format!("{name}.shape"), shape);
        self.b.op(name, Box::new(ReshapeOp { kind: ReshapeKind::Reshape { allow_zero: false }, axes: None }), &[x, s])
    }

    fn transpose(&mut self, name: &str, x: TensorId, perm: &[i64]) -> Result<TensorId, Error> {
        self.b.op(name, Box::new(Transpose { perm: Some(perm.to_vec()) }), &[x])
    }

    /// [1, T, n·d] → [1, n, T, d]
    fn heads(&mut self, name: &str, x: TensorId, n: usize) -> Result<TensorId, Error> {
        let d = self.c.head_dim() as i64;
        let r = self.reshape(&format!("{name}.split"), x, &[1, self.t as i64, n as i64, d])?;
        self.transpose(name, r, &[0, 2, 1, 3])
    }

    /// HF rotate_half RoPE: x·cos + concat(−x₂, x₁)·sin on the last axis.
    fn rope(&mut self, name: &str, x: TensorId, cos: TensorId, sin: TensorId) -> Result<TensorId, Error> {
        let half = (self.c.head_dim() / 2) as i64;
        let part = |b: &mut Self, tag: &str, lo: i64, hi: i64| -> Result<TensorId, Error> {
            let (s, e, a) = (b.b.ints(&format!("{name}.{tag}.starts"), &[lo]), b.b.ints(&format!("{name}.{tag}.ends"), &[hi]), b.b.ints(&format!("{name}.{tag}.axes"), &[3]));
            b.b.op(&format!("{name}.{tag}"), Box::new(Slice { attrs: None }), &[x, s, e, a])
        };
        let x1 = part(self, "x1", 0, half)?;
        let x2 = part(self, "x2", half, 2 * half)?;
        let neg = self.ew(&format!("{name}.neg"), Kind::Neg, &[x2])?;
        let rot = self.b.op(&format!("{name}.rotate_half"), Box::new(Concat { axis: 3 }), &[neg, x1])?;
        let a = self.ew(&format!("{name}.cos"), Kind::Mul, &[x, cos])?;
        let r = self.ew(&format!("{name}.sin"), Kind::Mul, &[rot, sin])?;
        self.ew(name, Kind::Add, &[a, r])
    }

    fn layer(&mut self, l: usize, x: TensorId, cos: TensorId, sin: TensorId, mask: TensorId) -> Result<TensorId, Error> {
        let c = self.c.clone();
        let (h, d) = (c.hidden, c.head_dim());
        let p = format!("model.layers.{l}");
        let n = self.rms(&format!("{p}.input_layernorm"), x, &format!("{p}.input_layernorm.weight"))?;
        let wq = self.weight_t(&format!("{p}.self_attn.q_proj.weight"), c.heads * d, h)?;
        let wk = self.weight_t(&format!("{p}.self_attn.k_proj.weight"), c.kv_heads * d, h)?;
        let wv = self.weight_t(&format!("{p}.self_attn.v_proj.weight"), c.kv_heads * d, h)?;
        let q = self.matmul(&format!("{p}.q_proj"), n, wq)?;
        let k = self.matmul(&format!("{p}.k_proj"), n, wk)?;
        let v = self.matmul(&format!("{p}.v_proj"), n, wv)?;
        let q = self.heads(&format!("{p}.q"), q, c.heads)?;
        let k = self.heads(&format!("{p}.k"), k, c.kv_heads)?;
        let v = self.heads(&format!("{p}.v"), v, c.kv_heads)?;
        let q = self.rope(&format!("{p}.q_rope"), q, cos, sin)?;
        let mut k = self.rope(&format!("{p}.k_rope"), k, cos, sin)?;
        let mut v = v;
        if c.kv_heads < c.heads {
            // Grouped-query attention: query head i reads key/value head i / group.
            let group = c.heads / c.kv_heads;
            let idx: Vec<i64> = (0..c.heads).map(|i| (i / group) as i64).collect();
            let it = self.b.ints(&format!("{p}.kv_repeat"), &idx);
            k = self.b.op(&format!("{p}.k_repeat"), Box::new(Gather { axis: 1 }), &[k, it])?;
            v = self.b.op(&format!("{p}.v_repeat"), Box::new(Gather { axis: 1 }), &[v, it])?;
        }
        let kt = self.transpose(&format!("{p}.k_t"), k, &[0, 1, 3, 2])?;
        let s = self.matmul(&format!("{p}.scores"), q, kt)?;
        let scale = self.b.konst(&format!("{p}.scale"), Value::scalar_f32((d as f32).powf(-0.5)));
        let s = self.ew(&format!("{p}.scaled"), Kind::Mul, &[s, scale])?;
        let s = self.ew(&format!("{p}.masked"), Kind::Add, &[s, mask])?;
        let pr = self.b.op(&format!("{p}.softmax"), Box::new(Softmax { log: false, axis: -1, flatten: false }), &[s])?;
        let o = self.matmul(&format!("{p}.context"), pr, v)?;
        let o = self.transpose(&format!("{p}.merge"), o, &[0, 2, 1, 3])?;
        let o = self.reshape(&format!("{p}.merged"), o, &[1, self.t as i64, (c.heads * d) as i64])?;
        let wo = self.weight_t(&format!("{p}.self_attn.o_proj.weight"), h, c.heads * d)?;
        let o = self.matmul(&format!("{p}.o_proj"), o, wo)?;
        let x = self.ew(&format!("{p}.attn_residual"), Kind::Add, &[x, o])?;
        let n = self.rms(&format!("{p}.post_attention_layernorm"), x, &format!("{p}.post_attention_layernorm.weight"))?;
        let wg = self.weight_t(&format!("{p}.mlp.gate_proj.weight"), c.intermediate, h)?;
        let wu = self.weight_t(&format!("{p}.mlp.up_proj.weight"), c.intermediate, h)?;
        let wd = self.weight_t(&format!("{p}.mlp.down_proj.weight"), h, c.intermediate)?;
        let g = self.matmul(&format!("{p}.gate_proj"), n, wg)?;
        let g = self.ew(&format!("{p}.silu"), Kind::Silu, &[g])?;
        let u = self.matmul(&format!("{p}.up_proj"), n, wu)?;
        let gu = self.ew(&format!("{p}.gate_up"), Kind::Mul, &[g, u])?;
        let dn = self.matmul(&format!("{p}.down_proj"), gu, wd)?;
        self.ew(&format!("{p}.mlp_residual"), Kind::Add, &[x, dn])
    }
}

/// RoPE tables for positions 0..t: cos and sin of [t, head_dim], HF's layout (the
/// frequencies repeated for both halves).
fn rope_tables(t: usize, d: usize, theta: f64) -> (Vec<f32>, Vec<f32>) {
    let half = d / 2;
    let mut cos = vec![0f32; t * d];
    let mut sin = vec![0f32; t * d];
    for p in 0..t {
        for i in 0..half {
            // HF computes inv_freq and the angle in f32; do the same for parity.
            let inv = 1.0f32 / (theta as f32).powf((2 * i) as f32 / d as f32);
            let a = p as f32 * inv;
            for j in [i, i + half] {
                cos[p * d + j] = a.cos();
                sin[p * d + j] = a.sin();
            }
        }
    }
    (cos, sin)
}

pub fn build(dir: &Path, json: &serde_json::Value, options: &LlmOptions) -> Result<Graph, Error> {
    let c = Config::from_json(json, &dir.join("config.json"))?;
    let ck = Checkpoint::open(dir)?;
    let t = options.prefill_tokens.max(1);
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("llama");
    let mut cx = Ctx { b: Builder::new(name), ck: &ck, c: c.clone(), t };
    let ids = cx.b.input("input_ids", DType::I64, vec![1, t]);
    let embed = cx.ck.read("model.embed_tokens.weight")?;
    if embed.shape != [c.vocab, c.hidden] {
        return Err(Error::WeightShape { family: "llama", tensor: "model.embed_tokens.weight".into(), got: embed.shape, want: vec![c.vocab, c.hidden] });
    }
    let table = cx.b.konst("model.embed_tokens.weight", embed.clone());
    let mut x = cx.b.op("embed", Box::new(Gather { axis: 0 }), &[table, ids])?;
    let d = c.head_dim();
    let (cos, sin) = rope_tables(t, d, c.rope_theta);
    let cos = cx.b.konst("rope.cos", Value::f32(vec![t, d], cos));
    let sin = cx.b.konst("rope.sin", Value::f32(vec![t, d], sin));
    let mask: Vec<f32> = (0..t * t).map(|i| if i % t > i / t { f32::MIN } else { 0.0 }).collect();
    let mask = cx.b.konst("causal_mask", Value::f32(vec![t, t], mask));
    for l in 0..c.layers {
        x = cx.layer(l, x, cos, sin, mask)?;
    }
    let x = cx.rms("model.norm", x, "model.norm.weight")?;
    let head = if c.tied || !ck.contains("lm_head.weight") {
        let e = embed.as_f32();
        let mut tr = vec![0f32; e.len()];
        for v in 0..c.vocab {
            for h in 0..c.hidden {
                tr[h * c.vocab + v] = e[v * c.hidden + h];
            }
        }
        cx.b.konst("lm_head.T", Value::f32(vec![c.hidden, c.vocab], tr))
    } else {
        cx.weight_t("lm_head.weight", c.vocab, c.hidden)?
    };
    let logits = cx.matmul("logits", x, head)?;
    Ok(cx.b.finish(&[logits]))
}
