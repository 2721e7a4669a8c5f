//! Gemma 2: what its config.json adds to the shared decoder (`llama.rs` builds the graph):
//! attention and final-logit soft-capping, the attention scale from
//! `query_pre_attn_scalar`, and sliding-window attention on the layers `layer_types`
//! names (else every even layer, as transformers does). Norms scale by (1 + w), embeddings
//! by √hidden, the MLP is GeGLU with tanh-GELU, and embeddings are tied.

use std::path::Path;

use super::llama::Config;
use super::Error;

#[derive(Debug, Clone, PartialEq)]
pub struct Gemma2 {
    pub attn_softcap: f32,
    pub final_softcap: f32,
    pub query_pre_attn_scalar: f32,
    pub window: usize,
    /// Per layer: sliding-window attention.
    pub sliding: Vec<bool>,
}

impl Gemma2 {
    pub fn from_json(json: &serde_json::Value, path: &Path, c: &Config) -> Result<Gemma2, Error> {
        let bad = |m: String| Error::Config { path: path.display().to_string(), message: m };
        let num = |key: &str| json.get(key).and_then(|v| v.as_f64());
        let act = json.get("hidden_activation").or_else(|| json.get("hidden_act")).and_then(|v| v.as_str()).unwrap_or("gelu_pytorch_tanh");
        if act != "gelu_pytorch_tanh" && act != "gelu_tanh" {
            return Err(bad(format!("hidden_activation '{act}' is not supported (gelu_pytorch_tanh)")));
        }
        let window = json.get("sliding_window").and_then(|v| v.as_u64()).and_then(|v| usize::try_from(v).ok()).unwrap_or(4096);
        let sliding = match json.get("layer_types").and_then(|v| v.as_array()) {
            Some(types) => {
                if types.len() != c.layers {
                    return Err(bad(format!("layer_types has {} entries for {} layers", types.len(), c.layers)));
                }
                types.iter().map(|t| t.as_str() == Some("sliding_attention")).collect()
            }
            None => (0..c.layers).map(|l| l % 2 == 0).collect(),
        };
        let g = Gemma2 {
            attn_softcap: num("attn_logit_softcapping").unwrap_or(0.0) as f32,
            final_softcap: num("final_logit_softcapping").unwrap_or(0.0) as f32,
            query_pre_attn_scalar: num("query_pre_attn_scalar").unwrap_or(c.head_dim as f64) as f32,
            window,
            sliding,
        };
        if !(g.query_pre_attn_scalar > 0.0) || g.attn_softcap < 0.0 || g.final_softcap < 0.0 || g.window == 0 {
            return Err(bad("query_pre_attn_scalar, soft-capping and sliding_window must be positive".into()));
        }
        Ok(g)
    }
}
