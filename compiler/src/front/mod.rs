//! Frontends: readers that turn a model file into a [`crate::ir::Graph`].

pub mod llm;
pub mod onnx;
pub mod safetensors;
