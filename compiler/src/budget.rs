//! The target's memory budget: a bundle whose pools (weights, KV cache, planned
//! activations, images) exceed `memory_budget_bytes` is refused at compile time with the
//! figures and what would fit, instead of failing on the device later.

use std::collections::HashMap;

use crate::ir::{Graph, TensorId};
use crate::passes::virtualize::Physical;
use crate::target::Target;

#[derive(Debug, thiserror::Error)]
#[error(
    "the bundle needs {total} bytes of device memory, above target '{target}' memory_budget_bytes {budget}: weights {weights} B, KV cache {kv} B, activations {activations} B.{advice}"
)]
pub struct BudgetError {
    pub target: String,
    pub total: u64,
    pub budget: u64,
    pub weights: u64,
    pub kv: u64,
    pub activations: u64,
    pub advice: String,
}

/// Checks the pools' total against the target's budget.
pub fn check(g: &Graph, target: &Target, physical: &HashMap<TensorId, Physical>, weights: u64, total: u64) -> Result<(), BudgetError> {
    let budget = target.limits.memory_budget_bytes;
    if budget == 0 || total <= budget {
        return Ok(());
    }
    let kv: u64 = g.state.iter().filter_map(|t| physical.get(t)).map(|p| p.bytes).sum();
    let activations = total.saturating_sub(weights).saturating_sub(kv);
    let mut advice = String::new();
    if let Some(llm) = &g.llm {
        let per_token = kv / u64::from(llm.max_context.max(1));
        let room = budget.saturating_sub(weights).saturating_sub(activations);
        let fits = room.checked_div(per_token).unwrap_or(0);
        if fits > 0 && weights + activations < budget {
            advice.push_str(&format!(" A KV cache of at most {fits} tokens would fit (--max-context {fits}; now {})", llm.max_context));
        } else {
            advice.push_str(" The weights alone do not leave room for a KV cache");
        }
        advice.push_str("; --precision f16 halves weights and cache where the target has fp16.");
    } else {
        advice.push_str(" Try --precision f16 or a target with a larger budget.");
    }
    Err(BudgetError { target: target.name.clone(), total, budget, weights, kv, activations, advice })
}
