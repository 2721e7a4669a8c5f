//! driftc: an ahead-of-time GPU model compiler. Reads ONNX models, optimizes them
//! (folding, fusion), virtualizes tensors onto physical storage, plans memory, renders
//! and validates kernels for one named target, and writes a sealed bundle that
//! `runtime-min` executes with no planning at run time.
#![deny(clippy::unwrap_used, clippy::panic, clippy::todo, clippy::dbg_macro)]

pub mod budget;
pub mod codegen;
pub mod compile;
pub mod front;
pub mod host;
pub mod inspect;
pub mod ir;
pub mod npy;
pub mod ops;
pub mod passes;
pub mod plan;
pub mod reference;
pub mod target;
pub mod tokenizer;

/// Every error a compilation can end with; each wraps a module's own error.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error(transparent)]
    Frontend(#[from] front::onnx::Error),
    #[error(transparent)]
    Llm(#[from] front::llm::Error),
    #[error(transparent)]
    Ir(#[from] ir::IrError),
    #[error(transparent)]
    Pass(#[from] passes::PassError),
    #[error(transparent)]
    Plan(#[from] plan::PlanError),
    #[error(transparent)]
    Codegen(#[from] codegen::CodegenError),
    #[error(transparent)]
    Bundle(#[from] runtime_min::bundle::BundleError),
    #[error(transparent)]
    TargetFile(#[from] target::TargetError),
    #[error(transparent)]
    Budget(#[from] budget::BudgetError),
    #[error("{0}")]
    Target(String),
    #[error("{0}")]
    Weights(String),
}
