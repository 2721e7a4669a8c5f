//! The tokenizer an LLM bundle carries (tokenizer.json), through the `tokenizers` crate
//! when driftc is built with the `tokenizer` feature; without it, bundles still run from
//! token ids.

use runtime_min::bundle::LlmSpec;

#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    #[error("tokenizer.json: {0}")]
    Parse(String),
    #[error("tokenizing: {0}")]
    Encode(String),
}

pub struct Tokenizer {
    #[cfg(feature = "tokenizer")]
    inner: tokenizers::Tokenizer,
    /// A chat template is applied when the vocabulary has ChatML markers.
    chatml: bool,
}

impl Tokenizer {
    /// The bundle's tokenizer, or `None` when it has none (or the feature is off).
    #[cfg(feature = "tokenizer")]
    pub fn from_spec(spec: &LlmSpec) -> Result<Option<Tokenizer>, TokenizerError> {
        let Some(json) = &spec.tokenizer_json else { return Ok(None) };
        let inner = tokenizers::Tokenizer::from_bytes(json.as_bytes()).map_err(|e| TokenizerError::Parse(e.to_string()))?;
        let chatml = inner.token_to_id("<|im_start|>").is_some() && inner.token_to_id("<|im_end|>").is_some();
        Ok(Some(Tokenizer { inner, chatml }))
    }

    #[cfg(not(feature = "tokenizer"))]
    pub fn from_spec(_spec: &LlmSpec) -> Result<Option<Tokenizer>, TokenizerError> {
        Ok(None)
    }

    /// Token ids of `text` as a user turn: ChatML (`<|im_start|>user … <|im_end|>
    /// <|im_start|>assistant`) when the vocabulary has it, else BOS + text.
    pub fn encode_chat(&self, text: &str, bos: Option<u32>) -> Result<Vec<u32>, TokenizerError> {
        if self.chatml {
            return self.encode(&format!("<|im_start|>user\n{text}<|im_end|>\n<|im_start|>assistant\n"));
        }
        let mut ids: Vec<u32> = bos.into_iter().collect();
        ids.extend(self.encode(text)?);
        Ok(ids)
    }

    #[cfg(feature = "tokenizer")]
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, TokenizerError> {
        let e = self.inner.encode(text, false).map_err(|e| TokenizerError::Encode(e.to_string()))?;
        Ok(e.get_ids().to_vec())
    }

    #[cfg(not(feature = "tokenizer"))]
    pub fn encode(&self, _text: &str) -> Result<Vec<u32>, TokenizerError> {
        let _ = self.chatml;
        Err(TokenizerError::Encode("driftc was built without the `tokenizer` feature".into()))
    }

    #[cfg(feature = "tokenizer")]
    pub fn decode(&self, ids: &[u32]) -> Result<String, TokenizerError> {
        self.inner.decode(ids, true).map_err(|e| TokenizerError::Encode(e.to_string()))
    }

    #[cfg(not(feature = "tokenizer"))]
    pub fn decode(&self, _ids: &[u32]) -> Result<String, TokenizerError> {
        Err(TokenizerError::Encode("driftc was built without the `tokenizer` feature".into()))
    }
}
