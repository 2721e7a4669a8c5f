//! The runtime's error type: every way opening a bundle, creating a session or running it
//! can fail. Each variant names the tensor, field, call or API it is about, so a message
//! alone tells an app developer what to fix. Nothing in this crate panics on bad input;
//! it returns one of these.

use crate::bundle::{BundleError, DType};
use std::path::PathBuf;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bundle is corrupt, malformed, or needs more than the device offers.
    #[error("invalid bundle: {0}")]
    Bundle(#[from] BundleError),

    #[error("cannot read bundle file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The bundle targets an API this build of the runtime cannot drive.
    #[error("this runtime cannot run {api} bundles: {reason}")]
    BackendNotCompiled { api: String, reason: String },

    /// The API's library or a usable device is missing.
    #[error("no usable {api} device: {reason}")]
    NoDevice { api: String, reason: String },

    /// A GPU API call failed.
    #[error("Vulkan call {call} failed: {result}")]
    Vulkan { call: &'static str, result: String },

    /// An OpenCL call failed; `message` names the kernel, dispatch or object, and carries
    /// the compiler's build log when a kernel does not build.
    #[error("OpenCL call {call} failed: {message}")]
    OpenCl { call: &'static str, message: String },

    #[error("unknown input '{name}'; the bundle's inputs are: {known}")]
    UnknownInput { name: String, known: String },

    #[error("unknown output '{name}'; the bundle's outputs are: {known}")]
    UnknownOutput { name: String, known: String },

    #[error("unknown program '{name}'; the bundle's programs are: {known}")]
    UnknownProgram { name: String, known: String },

    #[error("input '{name}' was never set; call set_input before run")]
    MissingInput { name: String },

    #[error("input '{name}' has shape {got:?}, the bundle expects {expected:?}")]
    InputShape { name: String, expected: Vec<u64>, got: Vec<u64> },

    #[error("input '{name}' has dtype {got:?}, the bundle expects {expected}")]
    InputDType { name: String, expected: String, got: DType },

    #[error("input '{name}': {message}")]
    InputValue { name: String, message: String },

    #[error("output '{name}': {message}")]
    OutputValue { name: String, message: String },

    #[error("context overflow: {tokens} more tokens after position {position} exceed the KV cache of {max_context} (compile with a larger --max-context, or reset)")]
    ContextOverflow { position: usize, tokens: usize, max_context: usize },
    #[error("unsupported: {what}")]
    Unsupported { what: String },
}

impl Error {
    #[cfg(feature = "vulkan")]
    pub(crate) fn vk(call: &'static str, result: impl std::fmt::Debug) -> Self {
        Error::Vulkan { call, result: format!("{result:?}") }
    }
}
