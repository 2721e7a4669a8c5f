//! LLM frontends: a Hugging Face checkpoint directory (config.json + *.safetensors) of a
//! known family becomes a graph. One file per family; `load` picks it by `model_type`.
//!
//! A family builds one graph with two programs, **prefill** (a chunk of T tokens) and
//! **decode** (one token), sharing the weights and the KV cache (graph state tensors).

mod builder;
pub mod gemma2;
pub mod llama;
pub mod rope;

use std::path::Path;

use crate::ir::Graph;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {message}")]
    Config { path: String, message: String },
    #[error("{path}: model_type '{model_type}' is not supported (supported: llama, gemma2)")]
    UnknownFamily { path: String, model_type: String },
    #[error(transparent)]
    Weights(#[from] crate::front::safetensors::Error),
    #[error("building the {family} graph: tensor '{tensor}' has shape {got:?}, config.json implies {want:?}")]
    WeightShape { family: &'static str, tensor: String, got: Vec<usize>, want: Vec<usize> },
    #[error("building the graph at node '{node}': {message}")]
    Build { node: String, message: String },
}

/// How to build the program.
#[derive(Debug, Clone)]
pub struct LlmOptions {
    /// Tokens per prefill chunk.
    pub prefill_tokens: usize,
    /// KV-cache length; `None`: the model's `max_position_embeddings`, capped at
    /// [`llama::DEFAULT_MAX_CONTEXT`].
    pub max_context: Option<usize>,
    pub quant: Quant,
    /// `prefill_tokens` is the target's default: cap it at the context instead of
    /// refusing a chunk longer than the cache.
    pub cap_prefill_at_context: bool,
    /// Decode projections with int8 or int4 weights quantize their activation row to int8
    /// and sum int8 dot products (`Linear::act_int8`, `LinearQ4::act_int8`).
    pub decode_int8_activations: bool,
    /// Prefill projections with int8 weights quantize their activations (`QuantizeRows`)
    /// and multiply in int8 (`LinearInt8`).
    pub prefill_int8_activations: bool,
    /// Keys per split of a decode step's attention over the cache (each split one
    /// workgroup per cache head, merged by `AttentionCombine`).
    pub decode_split_keys: usize,
}

/// How projection weights are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quant {
    /// At the bundle's precision (f32 or f16).
    #[default]
    None,
    /// Per-output-channel symmetric int8 (projections and the LM head; embeddings and
    /// norms keep the bundle's precision).
    Q8,
    /// ML Drift's 8/4/4: int8 attention projections, int4 (blocks of 32) feed-forward
    /// weights, embedding table and LM head.
    Q844,
}

/// Keys per split of decode attention unless the target says otherwise.
pub const DECODE_SPLIT_KEYS: usize = 256;

/// Rows (or columns) per int4 scale.
pub const INT4_BLOCK: usize = 32;

impl Default for LlmOptions {
    fn default() -> Self {
        LlmOptions { prefill_tokens: 8, max_context: None, quant: Quant::None, cap_prefill_at_context: false, decode_int8_activations: false, prefill_int8_activations: false, decode_split_keys: DECODE_SPLIT_KEYS }
    }
}

/// Largest config.json read.
pub const MAX_CONFIG_BYTES: u64 = 16 << 20;

/// True when `path` looks like a checkpoint directory.
pub fn is_checkpoint_dir(path: &Path) -> bool {
    path.is_dir() && path.join("config.json").is_file()
}

/// Reads config.json, picks the family, and builds its graph.
pub fn load(dir: &Path, options: &LlmOptions) -> Result<Graph, Error> {
    let path = dir.join("config.json");
    let text = crate::front::safetensors::read_limited(&path, MAX_CONFIG_BYTES)?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::Config { path: path.display().to_string(), message: format!("not JSON: {e}") })?;
    if !json.is_object() {
        return Err(Error::Config { path: path.display().to_string(), message: "not a JSON object".into() });
    }
    let model_type = json.get("model_type").and_then(|m| m.as_str()).unwrap_or_default();
    match model_type {
        "llama" | "gemma2" => llama::build(dir, &json, options),
        other => Err(Error::UnknownFamily { path: path.display().to_string(), model_type: other.into() }),
    }
}
