//! Graph passes, run in order by [`run_pipeline`]; the IR consistency check runs after
//! each, and `--dump-after NAME` prints the IR after the named pass. Later stages
//! (`virtualize`, then `crate::plan`) compute data about the graph instead of rewriting it.

pub mod fit_int8_activations;
pub mod fold_batchnorm;
pub mod fold_split_sums;
pub mod fuse_activations;
pub mod fuse_attention;
pub mod fuse_combine_linear;
pub mod fuse_group_norm;
pub mod fuse_norm_conv;
pub mod fuse_rms_linear;
pub mod fuse_split_combine;
pub mod fuse_linear_rotary;
pub mod fuse_linear_kv_append;
pub mod fuse_linear_gate;
pub mod fuse_linear_scale;
pub mod matmul_as_linear;
pub mod patterns;
pub mod fuse_elementwise;
pub mod share_int8_activations;
pub mod split_linear_k;
pub mod quantize;
pub mod simplify;
pub mod virtualize;
pub mod widen_prefill_weights;

use crate::ir::{Graph, IrError};
use crate::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum PassError {
    #[error("pass {pass}: {message}")]
    Failed { pass: &'static str, message: String },
    #[error("pass {pass} left the IR inconsistent: {source}")]
    Inconsistent { pass: &'static str, source: IrError },
}

/// What a pass did, for `driftc compile`'s summary.
#[derive(Debug, Clone, Default)]
pub struct PassReport {
    pub changes: usize,
}

pub trait Pass {
    /// Kebab-case name used by `--dump-after` and golden directories.
    fn name(&self) -> &'static str;
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError>;
}

/// The graph-rewriting passes, in order.
pub fn pipeline() -> Vec<Box<dyn Pass>> {
    vec![
        Box::new(simplify::Simplify),
        Box::new(fold_batchnorm::FoldBatchNorm),
        Box::new(simplify::Simplify),
        Box::new(fuse_group_norm::FuseGroupNorm),
        Box::new(fuse_attention::FuseAttention),
        Box::new(matmul_as_linear::MatmulAsLinear),
        Box::new(fuse_activations::FuseActivations),
        Box::new(fuse_elementwise::FuseElementwise),
        Box::new(fuse_norm_conv::FuseNormConv),
        Box::new(fuse_rms_linear::FuseRmsLinear),
        Box::new(fuse_linear_scale::FuseLinearScale),
        Box::new(fuse_linear_rotary::FuseLinearRotary),
        Box::new(fuse_linear_kv_append::FuseLinearKvAppend),
        Box::new(fit_int8_activations::FitInt8Activations),
        Box::new(share_int8_activations::ShareInt8Activations),
        Box::new(widen_prefill_weights::WidenPrefillWeights),
        Box::new(fuse_linear_gate::FuseLinearGate),
        Box::new(fuse_split_combine::FuseSplitCombine),
        Box::new(fuse_combine_linear::FuseCombineLinear),
        Box::new(split_linear_k::SplitLinearK),
        Box::new(fold_split_sums::FoldSplitSums),
    ]
}

pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = pipeline().iter().map(|p| p.name()).collect();
    v.dedup();
    v
}

/// Runs every pass; `stop_after` ends after the named pass (to bisect a miscompile);
/// `on_dump(name, ir)` receives the IR after each pass.
pub fn run_pipeline(g: &mut Graph, target: &Target, stop_after: Option<&str>, mut on_dump: impl FnMut(&str, &Graph)) -> Result<Vec<(&'static str, PassReport)>, PassError> {
    g.check().map_err(|source| PassError::Inconsistent { pass: "import", source })?;
    let mut reports = Vec::new();
    for pass in pipeline() {
        let report = pass.run(g, target)?;
        g.rebuild_edges();
        g.check().map_err(|source| PassError::Inconsistent { pass: pass.name(), source })?;
        on_dump(pass.name(), g);
        reports.push((pass.name(), report));
        if stop_after == Some(pass.name()) {
            break;
        }
    }
    Ok(reports)
}
