//! widen-prefill-weights: where the target asks for it (`tuning.prefill_widened_weights`),
//! a prefill chunk's product with int8 weights (q8: several rows, the per-row scale an
//! epilogue multiply) reads its weight widened to f16 by a Cast run once per chunk, so it
//! takes the f16 warpgroup product (`linear_wgmma`) instead of `linear_mma` on int8 tiles.
//! Every int8 value is exact in f16, so the sums are those of the int8 product; the chunk
//! pays one pass over the weight (read 1 byte, write 2) and holds one projection's f16
//! weight at a time in the memory plan. The decode step's products keep the int8 weight.
//!
//! ```text
//!   x ─ Linear(W: i8 const) ─ y   ⇒   W ─ Cast(f16) ─ W'; x ─ Linear(W') ─ y
//! ```
//!
//! 8/4/4's int4 weights likewise (`LinearQ4` → `WidenQ4` + a plain `Linear`): each
//! (q − 8) · block scale rounded once to f16, as `linear_mma`'s int4 tiles dequantize in
//! registers; the chunk pays half a byte read and two written per weight.
//!
//! A weight whose f16 copy would exceed `tuning.prefill_widened_max_bytes` keeps its form (an
//! 8B's LM head over every row of the full-logits prefill program: 1.05 GB).
//!
//! Only plain products (no folded norm, RoPE, KV-cache append, row scale, gate, int8
//! activations, packed row or cut along K) whose shapes the warpgroup product takes
//! (`linear_wgmma::qualifies`), in f16 bundles (`Target::for_precision` clears the key for
//! f32 ones).

use super::{Pass, PassError, PassReport};
use crate::ir::{numel, DType, Graph, Node, NodeId, Role};
use crate::ops::cast::Cast;
use crate::ops::linear::Linear;
use crate::ops::linear_q4::LinearQ4;
use crate::ops::widen_q4::WidenQ4;
use crate::target::Target;

pub struct WidenPrefillWeights;

impl Pass for WidenPrefillWeights {
    fn name(&self) -> &'static str {
        "widen-prefill-weights"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        if !target.tuning.prefill_widened_weights {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "widen-prefill-weights", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if let Some(int4) = int4_candidate(g, target, id) {
                let (name, weight) = (g.nodes[id].name.clone(), g.tensor(int4.packed).name.clone());
                let wide = g.add_tensor(format!("{weight}.f16"), DType::F16, vec![int4.n, int4.k], Role::Activation);
                g.add_node(Node::new(format!("{name}.widen"), Box::new(WidenQ4 { block: int4.block }), vec![Some(int4.packed), Some(int4.scales)], vec![wide]));
                let node = &mut g.nodes[id];
                let x = node.inputs.first().copied().flatten();
                node.op = Box::new(Linear::default());
                node.inputs = vec![x, Some(wide)];
                changes += 1;
                continue;
            }
            let Some((w, n, k)) = candidate(g, target, id) else { continue };
            let (name, weight) = (g.nodes[id].name.clone(), g.tensor(w).name.clone());
            let wide = g.add_tensor(format!("{weight}.f16"), DType::F16, vec![n, k], Role::Activation);
            // (Rows of the weight, not of the chunk: no `last_row`.)
            g.add_node(Node::new(format!("{name}.widen"), Box::new(Cast { to: DType::F16 }), vec![Some(w)], vec![wide]));
            if let Some(slot) = g.nodes[id].inputs.get_mut(1) {
                *slot = Some(wide);
            }
            changes += 1;
        }
        g.rebuild_edges();
        Ok(PassReport { changes })
    }
}

/// Node `id` when it is a plain several-row Linear on an int8 constant weight [N, K] that
/// the warpgroup product takes: the weight, N and K.
fn candidate(g: &Graph, target: &Target, id: NodeId) -> Option<(crate::ir::TensorId, usize, usize)> {
    let node = g.nodes.node_weight(id)?;
    let l = node.op.as_any().downcast_ref::<Linear>()?;
    if l.norm.is_some() || l.rope.is_some() || l.kv_append.is_some() || l.row_scale || l.gate.is_some() || l.act_int8 || l.packed.is_some() || l.k_splits > 1 || l.combine || node.inputs.len() != 2 {
        return None;
    }
    let w = node.input(1)?;
    let wt = g.tensor(w);
    let (n, k) = match wt.shape.as_slice() {
        [n, k] => (*n, *k),
        _ => return None,
    };
    if wt.dtype != DType::I8 || wt.value.is_none() {
        return None;
    }
    let m = numel(&g.tensor(node.input(0)?).shape)? / k.max(1);
    (m > 1 && fits(target, n, k) && crate::ops::linear_wgmma::qualifies(target, m, n, k)).then_some((w, n, k))
}

/// Whether an [N, K] weight's f16 copy stays within `tuning.prefill_widened_max_bytes`.
fn fits(target: &Target, n: usize, k: usize) -> bool {
    (n as u64).saturating_mul(k as u64).saturating_mul(2) <= target.tuning.prefill_widened_max_bytes
}

/// An int4 weight a prefill product reads (`LinearQ4`'s packed bytes and block scales).
struct Int4Weight {
    packed: crate::ir::TensorId,
    scales: crate::ir::TensorId,
    block: usize,
    n: usize,
    k: usize,
}

/// Node `id` when it is a plain several-row `LinearQ4` on constant int4 weights (blocks
/// and K multiples of 8, `widen_q4`'s words) that the warpgroup product takes.
fn int4_candidate(g: &Graph, target: &Target, id: NodeId) -> Option<Int4Weight> {
    let node = g.nodes.node_weight(id)?;
    let l = node.op.as_any().downcast_ref::<LinearQ4>()?;
    if l.norm.is_some() || l.act_int8 || l.packed.is_some() || l.k_splits > 1 || l.gate.is_some() || node.inputs.len() != 3 || l.block == 0 || !l.block.is_multiple_of(8) {
        return None;
    }
    let (packed, scales) = (node.input(1)?, node.input(2)?);
    let (qt, st) = (g.tensor(packed), g.tensor(scales));
    let (n, k) = match (qt.shape.as_slice(), st.shape.as_slice()) {
        ([n, half], [n2, blocks]) if n == n2 && blocks * l.block == half * 2 => (*n, half * 2),
        _ => return None,
    };
    if qt.dtype != DType::I8 || qt.value.is_none() || st.value.is_none() || !k.is_multiple_of(8) {
        return None;
    }
    let m = numel(&g.tensor(node.input(0)?).shape)? / k.max(1);
    (m > 1 && fits(target, n, k) && crate::ops::linear_wgmma::qualifies(target, m, n, k)).then_some(Int4Weight { packed, scales, block: l.block, n, k })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Value;
    use crate::reference;

    /// A 128-row product on a 128 x 128 int8 weight, for the NVIDIA OpenCL target with the
    /// key: the weight goes through a Cast to f16 and the reference gives the int8
    /// product's values; one row (a decode step's) keeps its int8 weight.
    #[test]
    fn a_prefill_product_reads_its_int8_weight_widened() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/nvidia-h100-opencl.toml")).expect("target file");
        let t = Target::from_toml(&text, std::path::Path::new("nvidia-h100-opencl.toml")).expect("target");
        let mut t = t.for_precision(crate::target::Precision::F16);
        t.tuning.prefill_widened_weights = true;
        let build = |rows: usize| {
            let mut g = Graph::default();
            let x = g.add_tensor("x", DType::F32, vec![1, rows, 128], Role::Input);
            let values: Vec<i64> = (0..128 * 128).map(|i| (i * 37 % 255) as i64 - 127).collect();
            let mut wv = Value::i64(vec![128, 128], values);
            wv.dtype = DType::I8;
            let w = g.add_const("w", wv);
            let y = g.add_tensor("y", DType::F32, vec![1, rows, 128], Role::Activation);
            g.inputs.push(x);
            g.outputs.push(y);
            g.add_node(Node::new("proj", Box::new(Linear::default()), vec![Some(x), Some(w)], vec![y]));
            g
        };
        let mut g = build(128);
        let x: Vec<f32> = (0..128 * 128).map(|i| ((i * 13 % 29) as f32 - 14.0) / 16.0).collect();
        let inputs = std::collections::BTreeMap::from([("x".to_string(), Value::f32(vec![1, 128, 128], x))]);
        let want = reference::run(&g, &inputs).expect("reference").remove("y").expect("y").as_f32();
        let report = WidenPrefillWeights.run(&mut g, &t).expect("pass runs");
        assert_eq!(report.changes, 1);
        g.check().expect("consistent");
        let cast = g.nodes.node_indices().find(|&id| g.nodes[id].op.op_type() == "Cast").expect("a Cast");
        let wide = g.nodes[cast].outputs[0];
        assert_eq!(g.tensor(wide).dtype, DType::F16);
        let proj = g.nodes.node_indices().find(|&id| g.nodes[id].name == "proj").expect("proj");
        assert_eq!(g.nodes[proj].input(1), Some(wide), "the product reads the widened weight");
        let got = reference::run(&g, &inputs).expect("reference").remove("y").expect("y").as_f32();
        assert_eq!(got, want, "int8 values are exact in f16");
        let mut one = build(1);
        assert_eq!(WidenPrefillWeights.run(&mut one, &t).expect("pass runs").changes, 0, "a decode row keeps int8");
        // A weight whose f16 copy (32 KiB here) exceeds the bound keeps int8.
        t.tuning.prefill_widened_max_bytes = 128 * 128 * 2 - 1;
        let mut large = build(128);
        assert_eq!(WidenPrefillWeights.run(&mut large, &t).expect("pass runs").changes, 0, "past the bound");
        t.tuning.prefill_widened_max_bytes = 128 * 128 * 2;
        let mut fitting = build(128);
        assert_eq!(WidenPrefillWeights.run(&mut fitting, &t).expect("pass runs").changes, 1, "at the bound");
        t.tuning.prefill_widened_weights = false;
        let mut off = build(128);
        assert_eq!(WidenPrefillWeights.run(&mut off, &t).expect("pass runs").changes, 0, "not without the key");
    }
}
