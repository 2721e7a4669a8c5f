//! Frontends: readers that turn a model file into a [`crate::ir::Graph`].

pub mod onnx;
