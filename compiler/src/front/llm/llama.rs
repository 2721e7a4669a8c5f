//! Llama family (Llama 2, 3, 3.1 with rope scaling, 3.2; GQA; tied or separate embeddings): the decoder as a graph
//! with two programs sharing the weights and the KV cache.
//!
//! Per layer, as Hugging Face `LlamaDecoderLayer` computes it:
//! ```text
//!   x ─ RMSNorm ─ q,k,v projections ─ RoPE(q,k) ─ append k,v to the cache ─ attention over
//!     the cache ─ o projection ─ + x ─ RMSNorm ─ down(silu(gate(·)) · up(·)) ─ + ─ next layer
//! ```
//! **prefill** takes T tokens (`input_ids` [1, T]) at positions `position .. position+T`
//! and gives logits for all T; **decode** takes one (`decode.input_ids` [1, 1]) at
//! `decode.position`. Positions are data (an int64 input), so both programs are recorded
//! once and replayed: RoPE rows are gathered from cos/sin tables of the whole context,
//! `KvCacheWrite` stores the new keys and values in place, and `CachedAttention` reads
//! the cache up to each query's position (GQA heads shared in the kernel). Projection
//! weights keep the checkpoint's [out, in] layout (`Linear`): each output's weights are
//! one contiguous row for the decode kernel, and a tied LM head is the embedding table.

use std::collections::HashMap;
use std::path::Path;

use super::builder::Builder;
use super::rope::{self, RopeScaling};
use super::{Error, LlmOptions, Quant, INT4_BLOCK};
use crate::front::safetensors::Checkpoint;
use crate::ir::{DType, Graph, LastRow, ProgramSpec, Role, TensorId, Value};
use crate::ops::argmax::ArgReduce;
use crate::ops::attention_combine::AttentionCombine;
use crate::ops::cached_attention::CachedAttention;
use crate::ops::cached_attention_split::CachedAttentionSplit;
use crate::ops::elementwise::{ElementwiseOp, Kind};
use crate::ops::gather::Gather;
use crate::ops::kv_cache_write::KvCacheWrite;
use crate::ops::gather_q4::GatherQ4;
use crate::ops::linear::{Linear, ACT_INT8_BLOCK};
use crate::ops::linear_int8::LinearInt8;
use crate::ops::quantize_rows::QuantizeRows;
use crate::ops::linear_q4::LinearQ4;
use crate::ops::reshape::{Kind as ReshapeKind, ReshapeOp};
use crate::ops::rms_norm::RmsNorm;
use crate::ops::rotary::Rotary;

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
    /// `rope_scaling` / `rope_parameters` (Llama 3.1's `llama3`, `linear`).
    pub rope_scaling: RopeScaling,
    pub tied: bool,
    pub max_positions: usize,
    pub bos: Option<u32>,
    pub eos: Vec<u32>,
    /// Per-head width (`head_dim`, else hidden / heads).
    pub head_dim: usize,
    /// What differs in Gemma 2 (`None` for Llama).
    pub gemma2: Option<super::gemma2::Gemma2>,
}

/// `eos_token_id` is an integer or a list of them.
fn token_ids(v: Option<&serde_json::Value>) -> Vec<u32> {
    match v {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|x| x.as_u64()).filter_map(|x| u32::try_from(x).ok()).collect(),
        Some(x) => x.as_u64().and_then(|x| u32::try_from(x).ok()).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Largest value accepted for each size in config.json: far above any published model
/// (Llama 3.1 405B: hidden 16384, intermediate 53248, 126 layers; Gemma: vocab 256000),
/// low enough that no product of them overflows or asks for terabytes before the weights
/// are read and shape-checked.
const LIMITS: [(&str, usize); 7] = [
    ("hidden_size", 1 << 16),
    ("intermediate_size", 1 << 18),
    ("num_hidden_layers", 1 << 10),
    ("num_attention_heads", 1 << 10),
    ("num_key_value_heads", 1 << 10),
    ("head_dim", 1 << 12),
    ("vocab_size", 1 << 21),
];

/// Longest KV cache (tokens) a bundle may be built for.
pub const MAX_CONTEXT: usize = 1 << 20;

/// A required positive integer field, at most its entry in [`LIMITS`].
fn field(json: &serde_json::Value, key: &str, path: &Path) -> Result<usize, Error> {
    let limit = LIMITS.iter().find(|(k, _)| *k == key).map_or(usize::MAX, |&(_, l)| l);
    let bad = |message: String| Error::Config { path: path.display().to_string(), message };
    let v = json.get(key).ok_or_else(|| bad(format!("'{key}' is missing")))?;
    let n = v.as_u64().and_then(|v| usize::try_from(v).ok()).filter(|&v| v > 0).ok_or_else(|| bad(format!("'{key}' is {v}, not a positive integer")))?;
    if n > limit {
        return Err(bad(format!("'{key}' is {n}; at most {limit} is accepted")));
    }
    Ok(n)
}

/// An optional positive integer field: `default` when absent or null, else as [`field`].
fn optional_field(json: &serde_json::Value, key: &str, path: &Path, default: usize) -> Result<usize, Error> {
    match json.get(key).filter(|v| !v.is_null()) {
        Some(_) => field(json, key, path),
        None => Ok(default),
    }
}

/// An optional number field that must be finite and satisfy `ok` when present.
fn number(json: &serde_json::Value, key: &str, path: &Path, default: f64, ok: fn(f64) -> bool, what: &str) -> Result<f64, Error> {
    match json.get(key).filter(|v| !v.is_null()) {
        None => Ok(default),
        Some(v) => v.as_f64().filter(|x| x.is_finite() && ok(*x)).ok_or_else(|| Error::Config {
            path: path.display().to_string(),
            message: format!("'{key}' is {v}; it must be {what}"),
        }),
    }
}

impl Config {
    pub fn from_json(json: &serde_json::Value, path: &Path) -> Result<Self, Error> {
        let heads = field(json, "num_attention_heads", path)?;
        let hidden = field(json, "hidden_size", path)?;
        let head_dim = optional_field(json, "head_dim", path, hidden / heads)?;
        // transformers 5 writes rope_theta inside rope_parameters.
        let rope = json.get("rope_parameters").filter(|r| r.is_object());
        let theta_in = match rope {
            Some(r) if json.get("rope_theta").is_none_or(|v| v.is_null()) => r,
            _ => json,
        };
        let rope_theta = number(theta_in, "rope_theta", path, 10000.0, |x| x > 0.0, "a positive number")?;
        let c = Config {
            hidden,
            layers: field(json, "num_hidden_layers", path)?,
            heads,
            kv_heads: optional_field(json, "num_key_value_heads", path, heads)?,
            intermediate: field(json, "intermediate_size", path)?,
            vocab: field(json, "vocab_size", path)?,
            eps: number(json, "rms_norm_eps", path, 1e-6, |x| x >= 0.0, "a non-negative number")? as f32,
            rope_theta,
            rope_scaling: RopeScaling::from_json(json, path)?,
            tied: json.get("tie_word_embeddings").and_then(|v| v.as_bool()).unwrap_or(false),
            max_positions: optional_field(json, "max_position_embeddings", path, 2048)?,
            bos: json.get("bos_token_id").and_then(|v| v.as_u64()).and_then(|v| u32::try_from(v).ok()),
            eos: token_ids(json.get("eos_token_id")),
            head_dim,
            gemma2: None,
        };
        let bad = |m: &str| Error::Config { path: path.display().to_string(), message: m.into() };
        if let Some(id) = c.bos.into_iter().chain(c.eos.iter().copied()).find(|&id| id as usize >= c.vocab) {
            return Err(bad(&format!("token id {id} (bos_token_id / eos_token_id) is not below vocab_size {}", c.vocab)));
        }
        if c.head_dim == 0 || !c.head_dim.is_multiple_of(2) || (json.get("head_dim").is_none_or(|v| v.is_null()) && !c.hidden.is_multiple_of(c.heads)) {
            return Err(bad("hidden_size must split into heads of an even size (or head_dim must be even)"));
        }
        if c.kv_heads == 0 || !c.heads.is_multiple_of(c.kv_heads) {
            return Err(bad("num_attention_heads must be a multiple of num_key_value_heads"));
        }
        Ok(c)
    }
    fn head_dim(&self) -> usize {
        self.head_dim
    }
}

struct Ctx<'a> {
    b: Builder,
    ck: &'a Checkpoint,
    c: Config,
    /// Tokens of the program being built.
    t: usize,
    /// Node-name prefix of the program being built ("" for prefill, "decode/").
    prefix: String,
    /// Weight constants by checkpoint name: both programs share one copy.
    weights: HashMap<String, TensorId>,
    quant: Quant,
    /// Decode projections with int8 or int4 weights quantize their activations
    /// (`Linear::act_int8`, `LinearQ4::act_int8`).
    decode_int8_activations: bool,
    prefill_int8_activations: bool,
    /// Keys per split of decode attention.
    split_keys: usize,
    /// Prefill activations already quantized (QuantizeRows' values and scales) by input.
    quantized_acts: HashMap<TensorId, (TensorId, TensorId)>,
    /// f32 weight → (int8 weight, per-row scale), shared by both programs.
    quantized: HashMap<TensorId, (TensorId, TensorId)>,
    /// The prefill chunk's last prompt row (input `last_row`): the padding past it is set
    /// as the `last_row` of the chunk's nodes (projections, attention, KV-cache writes,
    /// norms, RoPE, the embedding).
    last_row: Option<TensorId>,
}

impl Ctx<'_> {
    /// `y`'s producer, in a padded prefill chunk, need not compute rows (along `y`'s
    /// `axis`) past `last_row`.
    fn rows_up_to_last(&mut self, y: TensorId, axis: usize) -> TensorId {
        if let (Some(tensor), Some(p)) = (self.last_row, self.b.g.tensor(y).producer) {
            self.b.g.nodes[p].last_row = Some(LastRow { tensor, axis });
        }
        y
    }

    /// A [out, in] projection weight, kept in that layout.
    fn weight(&mut self, name: &str, out: usize, inp: usize) -> Result<TensorId, Error> {
        if let Some(&t) = self.weights.get(name) {
            return Ok(t);
        }
        let v = self.ck.read(name)?;
        if v.shape != [out, inp] {
            return Err(Error::WeightShape { family: "llama", tensor: name.into(), got: v.shape, want: vec![out, inp] });
        }
        // Float weights as read (f32, or f16 held as f16): no copy; others as f32.
        let v = if matches!(v.data, crate::ir::Data::F32(_) | crate::ir::Data::F16(_)) { v } else { Value::f32(vec![out, inp], v.as_f32()) };
        let id = self.b.konst(name, v);
        self.weights.insert(name.into(), id);
        Ok(id)
    }

    /// Frees a float weight's data once its quantized copy is made, where no node reads
    /// it (a tied embedding table read by the token gather keeps it): later products of
    /// the same weight take the copy (`quantized`), so the import does not hold every
    /// weight twice.
    fn release_if_unread(&mut self, w: TensorId) {
        if self.b.g.consumers_of(w).is_empty() {
            self.b.g.tensors[w].value = None;
        }
    }

    fn vector(&mut self, name: &str, len: usize) -> Result<TensorId, Error> {
        if let Some(&t) = self.weights.get(name) {
            return Ok(t);
        }
        let v = self.ck.read(name)?;
        if v.shape != [len] {
            return Err(Error::WeightShape { family: "llama", tensor: name.into(), got: v.shape, want: vec![len] });
        }
        let id = self.b.konst(name, v);
        self.weights.insert(name.into(), id);
        Ok(id)
    }

    /// Gemma's RMSNorm weight: it scales by (1 + w), folded here.
    fn vector_plus_one(&mut self, name: &str, len: usize) -> Result<TensorId, Error> {
        let key = format!("{name}+1");
        if let Some(&t) = self.weights.get(&key) {
            return Ok(t);
        }
        let v = self.ck.read(name)?;
        if v.shape != [len] {
            return Err(Error::WeightShape { family: "gemma2", tensor: name.into(), got: v.shape, want: vec![len] });
        }
        let id = self.b.konst(&key, Value::f32(vec![len], v.as_f32().iter().map(|x| 1.0 + x).collect()));
        self.weights.insert(key, id);
        Ok(id)
    }

    /// `name` inside the program being built.
    fn n(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn rms(&mut self, name: &str, x: TensorId, w: &str) -> Result<TensorId, Error> {
        let s = if self.c.gemma2.is_some() { self.vector_plus_one(w, self.c.hidden)? } else { self.vector(w, self.c.hidden)? };
        let name = self.n(name);
        let y = self.b.op(&name, Box::new(RmsNorm { axis: -1, epsilon: self.c.eps }), &[x, s])?;
        Ok(self.rows_up_to_last(y, 1))
    }

    fn matmul(&mut self, name: &str, x: TensorId, w: TensorId) -> Result<TensorId, Error> {
        let name = self.n(name);
        self.project(&name, x, w)
    }

    /// x · wᵀ (w [out, in]) with the node's output named `name` exactly. With q8, w is
    /// replaced by its int8 copy and the per-row scale is applied after the product (the
    /// fuse passes fold that Mul into the kernel's epilogue).
    fn project(&mut self, name: &str, x: TensorId, w: TensorId) -> Result<TensorId, Error> {
        let shape = &self.b.g.tensor(x).shape;
        let (k, rows) = (shape.last().copied().unwrap_or(0), shape.iter().rev().skip(1).product::<usize>());
        // Int8 activations quantize blocks of 32 inputs: other row lengths keep float ones.
        let blocks = k % ACT_INT8_BLOCK == 0;
        let int4 = self.quant == Quant::Q844 && ["gate_proj", "up_proj", "down_proj", "logits"].iter().any(|k| name.contains(k));
        if int4 {
            let (wq, scale) = match self.quantized.get(&w) {
                Some(&pair) => pair,
                None => {
                    // Quantized from the graph's copy, borrowed (a large weight is not copied).
                    let t = self.b.g.tensor(w);
                    let label = t.name.clone();
                    let value = t.value.as_ref().ok_or_else(|| Error::Build { node: name.into(), message: format!("weight '{label}' has no data to quantize") })?;
                    let (q, s) = crate::passes::quantize::per_row_block_int4(&value, INT4_BLOCK).map_err(|m| Error::Build { node: name.into(), message: format!("8/4/4: {m}") })?;
                    let pair = (self.b.konst(&format!("{label}.q4"), q), self.b.konst(&format!("{label}.q4_scale"), s));
                    self.quantized.insert(w, pair);
                    self.release_if_unread(w);
                    pair
                }
            };
            let act_int8 = self.decode_int8_activations && self.t == 1 && blocks;
            let y = self.b.op(name, Box::new(LinearQ4 { block: INT4_BLOCK, norm: None, act_int8, packed: None, k_splits: 0, gate: None }), &[x, wq, scale])?;
            return Ok(self.rows_up_to_last(y, 1));
        }
        if self.quant == Quant::None {
            let y = self.b.op(name, Box::new(Linear::default()), &[x, w])?;
            return Ok(self.rows_up_to_last(y, 1));
        }
        let (wq, scale) = match self.quantized.get(&w) {
            Some(&pair) => pair,
            None => {
                // Quantized from the graph's copy, borrowed (a large weight is not copied).
                let t = self.b.g.tensor(w);
                let label = t.name.clone();
                let value = t.value.as_ref().ok_or_else(|| Error::Build { node: name.into(), message: format!("weight '{label}' has no data to quantize") })?;
                let (q, s) = crate::passes::quantize::per_row_int8(&value).map_err(|m| Error::Build { node: name.into(), message: m })?;
                let pair = (self.b.konst(&format!("{label}.q8"), q), self.b.konst(&format!("{label}.q8_scale"), s));
                self.quantized.insert(w, pair);
                self.release_if_unread(w);
                pair
            }
        };
        let y = if self.prefill_int8_activations && rows > 1 && blocks {
            // Prefill, stage-aware: the activations quantized once by their own kernel, then
            // the int8 tiled product (one-row products, e.g. the last row's LM head, keep
            // the matrix-vector kernel).
            // q/k/v (and gate/up) share their input: it is quantized once.
            let (xq, xs) = match self.quantized_acts.get(&x) {
                Some(&pair) => pair,
                None => {
                    let q = self.b.op_multi(&format!("{name}.act_q8"), Box::new(QuantizeRows), &[x], 2)?;
                    let pair = match q[..] {
                        [xq, xs] => (xq, xs),
                        _ => return Err(Error::Build { node: name.into(), message: "QuantizeRows gave no scales".into() }),
                    };
                    self.quantized_acts.insert(x, pair);
                    pair
                }
            };
            self.b.op(&format!("{name}.q8"), Box::new(LinearInt8), &[xq, xs, wq])?
        } else {
            // One row: decode's projections follow the decode flag; a prefill program's
            // one-row products (the last row's LM head) the prefill flag, so the prompt's
            // last logits equal what scoring the whole chunk gives.
            let act_int8 = blocks && if self.t == 1 { self.decode_int8_activations } else { self.prefill_int8_activations };
            self.b.op(&format!("{name}.q8"), Box::new(Linear { act_int8, ..Linear::default() }), &[x, wq])?
        };
        let y = self.rows_up_to_last(y, 1);
        self.b.op(name, Box::new(ElementwiseOp { kind: Kind::Mul, alpha: 1.0, beta: 0.0 }), &[y, scale])
    }

    fn ew(&mut self, name: &str, kind: Kind, inputs: &[TensorId]) -> Result<TensorId, Error> {
        let name = self.n(name);
        self.b.op(&name, Box::new(ElementwiseOp { kind, alpha: 1.0, beta: 0.0 }), inputs)
    }

    /// The LM head on normalized rows `x`: x · headᵀ, soft-capped for Gemma 2
    /// (cap · tanh(logits / cap)); the output node is named `name` exactly.
    fn logits(&mut self, name: &str, x: TensorId, head: TensorId) -> Result<TensorId, Error> {
        match self.c.gemma2.as_ref().map(|g| g.final_softcap).filter(|&cap| cap > 0.0) {
            None => self.project(name, x, head),
            Some(cap) => {
                let raw = self.project(&format!("{name}.raw"), x, head)?;
                let k = self.b.konst(&format!("{name}.cap"), Value::scalar_f32(cap));
                let t = self.b.op(&format!("{name}.scaled"), Box::new(ElementwiseOp { kind: Kind::Div, alpha: 1.0, beta: 0.0 }), &[raw, k])?;
                let t = self.b.op(&format!("{name}.tanh"), Box::new(ElementwiseOp { kind: Kind::Tanh, alpha: 1.0, beta: 0.0 }), &[t])?;
                self.b.op(name, Box::new(ElementwiseOp { kind: Kind::Mul, alpha: 1.0, beta: 0.0 }), &[t, k])
            }
        }
    }

    fn reshape(&mut self, name: &str, x: TensorId, shape: &[i64]) -> Result<TensorId, Error> {
        let name = self.n(name);
        let s = self.b.ints(&format!("{name}.shape"), shape);
        self.b.op(&name, Box::new(ReshapeOp { kind: ReshapeKind::Reshape { allow_zero: false }, axes: None }), &[x, s])
    }

    /// One token's heads (decode): [1, 1, n·d] → [1, n, 1, d], a reshape, which costs no
    /// dispatch.
    fn heads(&mut self, name: &str, x: TensorId, n: usize) -> Result<TensorId, Error> {
        debug_assert_eq!(self.t, 1, "a chunk's heads stay token-major");
        let d = self.c.head_dim() as i64;
        self.reshape(name, x, &[1, n as i64, 1, d])
    }

    /// HF rotate_half RoPE (x·cos + concat(−x₂, x₁)·sin on the last axis) as one
    /// RotaryEmbedding on one token's heads [1, n, 1, d] (decode): pairs (i, i + d/2)
    /// turned by the angles of row `pos_ids` [1, 1] of the [ctx, d/2] tables.
    fn rope(&mut self, name: &str, x: TensorId, cos: TensorId, sin: TensorId, pos_ids: TensorId) -> Result<TensorId, Error> {
        self.b.op(&self.n(name), Box::new(Rotary { interleaved: false, num_heads: 0, rotary_dim: 0, parts: 0 }), &[x, cos, sin, pos_ids])
    }

    /// RoPE on a chunk's projection rows [1, T, n·d] (heads of d, `n` of them) by the
    /// angles of rows `pos_ids` of the tables: the rows stay token-major.
    fn rope_rows(&mut self, name: &str, x: TensorId, n: usize, (cos, sin, pos_ids): (TensorId, TensorId, TensorId)) -> Result<TensorId, Error> {
        let y = self.b.op(&self.n(name), Box::new(Rotary { interleaved: false, num_heads: n, rotary_dim: 0, parts: 0 }), &[x, cos, sin, pos_ids])?;
        Ok(self.rows_up_to_last(y, 1))
    }

    fn layer(&mut self, l: usize, x: TensorId, rope: (TensorId, TensorId, TensorId), position: TensorId, cache: (TensorId, TensorId)) -> Result<TensorId, Error> {
        let c = self.c.clone();
        let (h, d) = (c.hidden, c.head_dim());
        let p = format!("model.layers.{l}");
        let n = self.rms(&format!("{p}.input_layernorm"), x, &format!("{p}.input_layernorm.weight"))?;
        let wq = self.weight(&format!("{p}.self_attn.q_proj.weight"), c.heads * d, h)?;
        let wk = self.weight(&format!("{p}.self_attn.k_proj.weight"), c.kv_heads * d, h)?;
        let wv = self.weight(&format!("{p}.self_attn.v_proj.weight"), c.kv_heads * d, h)?;
        let q = self.matmul(&format!("{p}.q_proj"), n, wq)?;
        let k = self.matmul(&format!("{p}.k_proj"), n, wk)?;
        let v = self.matmul(&format!("{p}.v_proj"), n, wv)?;
        // A chunk of several tokens keeps its heads token-major: RoPE turns the
        // projections' rows [1, T, n·d] as they are, the cache writes read them there, the
        // attention reads Q as [1, T, n, d] (a reshape, no dispatch), and its output is the
        // rows the output projection reads. One token (decode) takes [1, n, 1, d].
        let seq_major = self.t > 1;
        let (q, k, v) = if seq_major {
            let q = self.rope_rows(&format!("{p}.q_rope"), q, c.heads, rope)?;
            let k = self.rope_rows(&format!("{p}.k_rope"), k, c.kv_heads, rope)?;
            let q = self.reshape(&format!("{p}.q"), q, &[1, self.t as i64, c.heads as i64, d as i64])?;
            (q, k, v)
        } else {
            let q = self.heads(&format!("{p}.q"), q, c.heads)?;
            let k = self.heads(&format!("{p}.k"), k, c.kv_heads)?;
            let v = self.heads(&format!("{p}.v"), v, c.kv_heads)?;
            let q = self.rope(&format!("{p}.q_rope"), q, rope.0, rope.1, rope.2)?;
            let k = self.rope(&format!("{p}.k_rope"), k, rope.0, rope.1, rope.2)?;
            (q, k, v)
        };
        let kc = self.b.op(&self.n(&format!("{p}.k_cache_write")), Box::new(KvCacheWrite { seq_major, parts: 0 }), &[cache.0, k, position])?;
        let kc = self.rows_up_to_last(kc, 2);
        let vc = self.b.op(&self.n(&format!("{p}.v_cache_write")), Box::new(KvCacheWrite { seq_major, parts: 0 }), &[cache.1, v, position])?;
        let vc = self.rows_up_to_last(vc, 2);
        let att = match &c.gemma2 {
            None => CachedAttention { scale: (d as f32).powf(-0.5), softcap: 0.0, window: 0, seq_major },
            Some(gm) => CachedAttention { scale: gm.query_pre_attn_scalar.powf(-0.5), softcap: gm.attn_softcap, window: if gm.sliding.get(l).copied().unwrap_or(false) { gm.window } else { 0 }, seq_major },
        };
        let o = match decode_splits(self.t, d, self.b.g.tensor(cache.0).shape.get(2).copied().unwrap_or(0), att.window, self.split_keys) {
            Some(splits) => {
                let parts = self.b.op(&self.n(&format!("{p}.attention.splits")), Box::new(CachedAttentionSplit { attention: att, splits, combine: false }), &[q, kc, vc, position])?;
                self.b.op(&self.n(&format!("{p}.attention")), Box::new(AttentionCombine), &[parts])?
            }
            None => {
                let o = self.b.op(&self.n(&format!("{p}.attention")), Box::new(att), &[q, kc, vc, position])?;
                self.rows_up_to_last(o, if seq_major { 1 } else { 2 })
            }
        };
        let o = self.reshape(&format!("{p}.merged"), o, &[1, self.t as i64, (c.heads * d) as i64])?;
        let wo = self.weight(&format!("{p}.self_attn.o_proj.weight"), h, c.heads * d)?;
        let o = self.matmul(&format!("{p}.o_proj"), o, wo)?;
        let wg = self.weight(&format!("{p}.mlp.gate_proj.weight"), c.intermediate, h)?;
        let wu = self.weight(&format!("{p}.mlp.up_proj.weight"), c.intermediate, h)?;
        let wd = self.weight(&format!("{p}.mlp.down_proj.weight"), h, c.intermediate)?;
        if c.gemma2.is_some() {
            // Gemma 2: norms after attention and after the MLP too, GeGLU with tanh-GELU.
            let o = self.rms(&format!("{p}.post_attention_layernorm"), o, &format!("{p}.post_attention_layernorm.weight"))?;
            let x = self.ew(&format!("{p}.attn_residual"), Kind::Add, &[x, o])?;
            let n = self.rms(&format!("{p}.pre_feedforward_layernorm"), x, &format!("{p}.pre_feedforward_layernorm.weight"))?;
            let g = self.matmul(&format!("{p}.gate_proj"), n, wg)?;
            let g = self.ew(&format!("{p}.gelu"), Kind::GeluTanh, &[g])?;
            let u = self.matmul(&format!("{p}.up_proj"), n, wu)?;
            let gu = self.ew(&format!("{p}.gate_up"), Kind::Mul, &[g, u])?;
            let dn = self.matmul(&format!("{p}.down_proj"), gu, wd)?;
            let dn = self.rms(&format!("{p}.post_feedforward_layernorm"), dn, &format!("{p}.post_feedforward_layernorm.weight"))?;
            return self.ew(&format!("{p}.mlp_residual"), Kind::Add, &[x, dn]);
        }
        let x = self.ew(&format!("{p}.attn_residual"), Kind::Add, &[x, o])?;
        let n = self.rms(&format!("{p}.post_attention_layernorm"), x, &format!("{p}.post_attention_layernorm.weight"))?;
        let g = self.matmul(&format!("{p}.gate_proj"), n, wg)?;
        let g = self.ew(&format!("{p}.silu"), Kind::Silu, &[g])?;
        let u = self.matmul(&format!("{p}.up_proj"), n, wu)?;
        let gu = self.ew(&format!("{p}.gate_up"), Kind::Mul, &[g, u])?;
        let dn = self.matmul(&format!("{p}.down_proj"), gu, wd)?;
        self.ew(&format!("{p}.mlp_residual"), Kind::Add, &[x, dn])
    }
}

/// Key ranges a decode step's attention is cut into (one workgroup each, merged by
/// AttentionCombine): one per `split_keys` keys it may read, at most max(32, 8192 /
/// split_keys); `None` (one kernel) for prefill chunks, short caches, and head sizes the
/// split kernel does not take.
fn decode_splits(tokens: usize, head_dim: usize, ctx: usize, window: usize, split_keys: usize) -> Option<usize> {
    let keys = if window > 0 { ctx.min(window) } else { ctx };
    let split_keys = split_keys.max(1);
    let splits = keys.div_ceil(split_keys).min((8192 / split_keys).max(32));
    (tokens == 1 && splits > 1 && head_dim.is_power_of_two() && head_dim <= 256).then_some(splits)
}

/// Options the graph depends on beyond config.json.
fn max_context(c: &Config, options: &LlmOptions) -> usize {
    options.max_context.unwrap_or(c.max_positions.min(DEFAULT_MAX_CONTEXT)).max(1)
}

/// Default KV-cache length when `--max-context` is not given: the model's own limit,
/// capped here so a 128k-context checkpoint does not ask for a 128k cache by default.
pub const DEFAULT_MAX_CONTEXT: usize = 4096;

pub fn build(dir: &Path, json: &serde_json::Value, options: &LlmOptions) -> Result<Graph, Error> {
    let mut c = Config::from_json(json, &dir.join("config.json"))?;
    let family = json.get("model_type").and_then(|m| m.as_str()).unwrap_or("llama").to_string();
    if family == "gemma2" {
        c.gemma2 = Some(super::gemma2::Gemma2::from_json(json, &dir.join("config.json"), &c)?);
        c.tied = true;
    }
    let ctx = max_context(&c, options);
    let t = if options.cap_prefill_at_context { options.prefill_tokens.min(ctx) } else { options.prefill_tokens }.max(1);
    let config_err = |message: String| Error::Config { path: dir.join("config.json").display().to_string(), message };
    if ctx > MAX_CONTEXT {
        return Err(config_err(format!("a {ctx}-token context is above the {MAX_CONTEXT} accepted (--max-context)")));
    }
    if t > ctx {
        return Err(config_err(format!("{t} prefill tokens do not fit a {ctx}-token context (--prefill-tokens, --max-context)")));
    }
    let ck = Checkpoint::open(dir)?;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("llama");
    let mut cx = Ctx { b: Builder::new(name), ck: &ck, c: c.clone(), t, prefix: String::new(), weights: HashMap::new(), quant: options.quant, decode_int8_activations: options.decode_int8_activations, prefill_int8_activations: options.prefill_int8_activations, split_keys: options.decode_split_keys, quantized_acts: HashMap::new(), quantized: HashMap::new(), last_row: None };
    let embed = cx.ck.read("model.embed_tokens.weight")?;
    if embed.shape != [c.vocab, c.hidden] {
        return Err(Error::WeightShape { family: "llama", tensor: "model.embed_tokens.weight".into(), got: embed.shape, want: vec![c.vocab, c.hidden] });
    }
    // 8/4/4: the embedding table as int4 rows with per-block scales (quantized before the
    // table moves into the graph: it is not copied).
    let embed_q4 = if options.quant == Quant::Q844 {
        Some(crate::passes::quantize::per_row_block_int4(&embed, INT4_BLOCK).map_err(|m| Error::Build { node: "embed".into(), message: format!("8/4/4: {m}") })?)
    } else {
        None
    };
    let table = cx.b.konst("model.embed_tokens.weight", embed);
    let table_q4 = embed_q4.map(|(q, s)| (cx.b.konst("model.embed_tokens.weight.q4", q), cx.b.konst("model.embed_tokens.weight.q4_scale", s)));
    let d = c.head_dim();
    // The tables repeat each angle for i and i + d/2; RotaryEmbedding takes one half.
    let (cos, sin) = rope::tables(ctx, d, c.rope_theta, &c.rope_scaling);
    let half_rows = |t: &[f32]| -> Vec<f32> { t.chunks(d.max(1)).flat_map(|row| row.iter().take(d / 2).copied()).collect() };
    let cos = cx.b.konst("rope.cos", Value::f32(vec![ctx, d / 2], half_rows(&cos)));
    let sin = cx.b.konst("rope.sin", Value::f32(vec![ctx, d / 2], half_rows(&sin)));
    let mut caches = Vec::with_capacity(c.layers);
    for l in 0..c.layers {
        let mut state = |what: &str| {
            let id = cx.b.g.add_tensor(format!("kv_cache.{l}.{what}"), DType::F32, vec![1, c.kv_heads, ctx, d], Role::Activation);
            cx.b.g.state.push(id);
            id
        };
        caches.push((state("k"), state("v")));
    }
    // A tied LM head is the embedding table itself ([vocab, hidden] is its [out, in]);
    // with 8/4/4 it reads the table's int4 copy, which has the projections' format.
    let head = if c.tied || !ck.contains("lm_head.weight") {
        if let Some(pair) = table_q4 {
            cx.quantized.insert(table, pair);
        }
        table
    } else {
        cx.weight("lm_head.weight", c.vocab, c.hidden)?
    };
    let mut programs = Vec::new();
    for (program, prefix, tokens) in [("prefill", "", t), ("decode", "decode.", 1)] {
        cx.prefix = if prefix.is_empty() { String::new() } else { "decode/".into() };
        cx.t = tokens;
        let ids = cx.b.input(&format!("{prefix}input_ids"), DType::I64, vec![1, tokens]);
        let position = cx.b.input(&format!("{prefix}position"), DType::I64, vec![1]);
        // The chunk's last prompt row: the padding after it is not computed (its rows are
        // independent in every node but attention, which reads no key past it), and the
        // prefill_last program's LM head reads that row.
        let row = (program == "prefill").then(|| cx.b.input("last_row", DType::I64, vec![1]));
        cx.last_row = row.filter(|_| tokens > 1);
        let mut x = match table_q4 {
            Some((q, s)) => cx.b.op(&cx.n("embed"), Box::new(GatherQ4 { block: INT4_BLOCK }), &[q, s, ids])?,
            None => cx.b.op(&cx.n("embed"), Box::new(Gather { axis: 0 }), &[table, ids])?,
        };
        x = cx.rows_up_to_last(x, 1);
        if c.gemma2.is_some() {
            // Gemma scales embeddings by √hidden.
            let k = cx.b.konst(&cx.n("embed.scale"), Value::scalar_f32((c.hidden as f32).sqrt()));
            x = cx.ew("embed.scaled", Kind::Mul, &[x, k])?;
        }
        // RoPE positions position .. position + tokens, as RotaryEmbedding's position_ids.
        let steps = cx.b.ints(&cx.n("rope.steps"), &(0..tokens as i64).collect::<Vec<_>>());
        let pos_ids = cx.ew("rope.positions", Kind::Add, &[position, steps])?;
        let pos_ids = cx.reshape("rope.position_ids", pos_ids, &[1, tokens as i64])?;
        for (l, &cache) in caches.iter().enumerate() {
            x = cx.layer(l, x, (cos, sin, pos_ids), position, cache)?;
        }
        let normed = cx.rms("model.norm", x, "model.norm.weight")?;
        let logits = cx.logits(&format!("{prefix}logits"), normed, head)?;
        let mut outputs = vec![logits];
        if program == "decode" {
            // The greedy token on the device: greedy decoding then reads 4 bytes per step
            // instead of the whole logits row.
            let pick = ArgReduce { max: true, axis: -1, keepdims: true, select_last_index: false };
            outputs.push(cx.b.op("decode.next_id", Box::new(pick), &[logits])?);
        }
        programs.push(ProgramSpec { name: program.into(), inputs: [ids, position].into_iter().chain(row).collect(), outputs });
        cx.last_row = None;
        if let Some(row) = row {
            // The same chunk with the LM head on one row (`last_row`, the chunk's last prompt
            // token): what generation needs, without a [T, vocab] product. Its layers are
            // the prefill program's nodes.
            let x = cx.b.op("last.hidden", Box::new(Gather { axis: 1 }), &[x, row])?;
            let normed = cx.rms("last.model.norm", x, "model.norm.weight")?;
            let logits = cx.logits("logits_last", normed, head)?;
            programs.push(ProgramSpec { name: "prefill_last".into(), inputs: vec![ids, position, row], outputs: vec![logits] });
        }
    }
    let tokenizer_json = read_tokenizer(dir)?;
    let mut eos = c.eos.clone();
    if let Ok(text) = std::fs::read_to_string(dir.join("generation_config.json")) {
        if let Ok(gen) = serde_json::from_str::<serde_json::Value>(&text) {
            for e in token_ids(gen.get("eos_token_id")) {
                if !eos.contains(&e) {
                    eos.push(e);
                }
            }
        }
    }
    eos.retain(|&e| (e as usize) < c.vocab);
    let u32_of = |v: usize, what: &str| u32::try_from(v).map_err(|_| Error::Config { path: dir.join("config.json").display().to_string(), message: format!("{what} {v} exceeds 2^32") });
    let spec = runtime_min::bundle::LlmSpec {
        family,
        vocab_size: u32_of(c.vocab, "vocab_size")?,
        max_context: u32_of(ctx, "max context")?,
        prefill_tokens: u32_of(t, "prefill tokens")?,
        prefill: "prefill".into(),
        decode: "decode".into(),
        prefill_ids: "input_ids".into(),
        prefill_position: "position".into(),
        prefill_logits: "logits".into(),
        prefill_last: "prefill_last".into(),
        prefill_last_row: "last_row".into(),
        prefill_last_logits: "logits_last".into(),
        decode_ids: "decode.input_ids".into(),
        decode_position: "decode.position".into(),
        decode_logits: "decode.logits".into(),
        decode_next_id: "decode.next_id".into(),
        bos_token_id: c.bos.filter(|&b| (b as usize) < c.vocab),
        eos_token_ids: eos,
        tokenizer_json,
    };
    let outputs: Vec<TensorId> = programs.iter().flat_map(|p| p.outputs.iter().copied()).collect();
    let mut g = cx.b.finish(&outputs);
    g.programs = programs;
    g.llm = Some(spec);
    Ok(g)
}

/// Most bytes of tokenizer.json carried into a bundle.
const MAX_TOKENIZER_BYTES: u64 = 64 << 20;

fn read_tokenizer(dir: &Path) -> Result<Option<String>, Error> {
    let path = dir.join("tokenizer.json");
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some(crate::front::safetensors::read_limited(&path, MAX_TOKENIZER_BYTES)?))
}
