//! fuse-linear-gate: where the target asks for it (`tuning.decode_fused_gate`), a gated
//! feed-forward's gate and up projections of one row (an LLM decode step's) run as one
//! kernel: its lanes walk both weight rows of an output side by side over the same
//! (normalized, quantized) activations, and the output is up · act(gate). One dispatch and
//! one dependent step fewer per layer, twice the bytes in flight per lane, and no round
//! trip of the gate's outputs through memory.
//!
//! ```text
//!   x ─┬ Linear(W_g) then [Mul(_, s_g)] then act ─ g
//!      └ Linear(W_u) then Mul(_, s_u).. then Mul(g, _) ─ y
//!   ⇒  x ─ Linear(W_u; gate act, W_g [, s_g]) then Mul(_, s_u).. ─ y
//! ```
//!
//! Only two Linears (or two int4 LinearQ4s) of one row with the same options (norm and
//! its scale, int8 activations, packed row; no row scale, RoPE, KV-cache append or cut),
//! the same input and weights of one shape and format; the gate's epilogue an optional multiply by a
//! constant [N] vector then one activation (SiLU, tanh-GELU), its output read by nothing
//! but the up projection's last epilogue step, a multiply; the up projection's other
//! steps multiplies too (they commute with the gate's product); no row scale (q8's scale
//! stays an epilogue multiply here).
//!
//! With `tuning.prefill_fused_gate`, the same pair over several rows (an LLM prefill
//! chunk's, on SPIR-V, MSL or WGSL targets; no norm, int8 activations or packed row there)
//! folds too where the gated cooperative-matrix product takes it
//! (`linear_coop::gate_qualifies`: f16, int8 or int4 weights staged as words; f16 bundles
//! only: `Target::for_precision` clears the key for f32 ones), and on OpenCL where the
//! gated warpgroup product takes it (`linear_wgmma::gate_qualifies`: f16 weights, whole
//! tiles; one product of the gate and up rows staged side by side, the gate's outputs never
//! written).

use super::patterns::sole_consumer;
use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, NodeId, TensorId};
use crate::ops::elementwise::{ElementwiseOp, Kind};
use crate::ops::linear::{Gate, Linear};
use crate::ops::linear_q4::LinearQ4;
use crate::target::{KernelLanguage, Target};

pub struct FuseLinearGate;

impl Pass for FuseLinearGate {
    fn name(&self) -> &'static str {
        "fuse-linear-gate"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        if !(target.tuning.decode_fused_gate || target.tuning.prefill_fused_gate) || target.limits.max_compute_workgroup_invocations < 2 {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "fuse-linear-gate", message: e.to_string() })?;
        // (A fold removes only its own gate's node and tensor: the map stays true for the rest.)
        let consumers = g.consumers();
        let mut changes = 0;
        for up in order {
            let Some(m) = candidate(g, target, &consumers, up) else { continue };
            let node = &mut g.nodes[up];
            node.epilogue.truncate(node.epilogue.len().saturating_sub(1));
            node.op = m.folded;
            node.inputs.extend(m.gate_inputs.into_iter().map(Some));
            g.remove_node(m.gate);
            changes += 1;
        }
        g.rebuild_edges();
        Ok(PassReport { changes })
    }
}

/// A gate and up projection to fold: the folded op, the gate's node, its weight inputs
/// (weight; int4 block scales) and its scale (from its epilogue).
struct Match {
    folded: Box<dyn crate::ops::Op>,
    gate: NodeId,
    gate_inputs: Vec<TensorId>,
}

/// Whether `step` multiplies the running value by a tensor: that tensor.
fn multiplier(step: &crate::ir::EpilogueStep) -> Option<TensorId> {
    let ew = step.op.as_any().downcast_ref::<ElementwiseOp>()?;
    if ew.kind != Kind::Mul || ew.alpha != 1.0 || ew.beta != 0.0 {
        return None;
    }
    match step.args.as_slice() {
        [None, Some(t)] | [Some(t), None] => Some(*t),
        _ => None,
    }
}

/// A projection that may take a gate: its weight inputs' count (W; int4: packed, scales),
/// where the gate's inputs go, its K, and whether it quantizes int8 activations (int4:
/// `true` in the pair).
struct Proj {
    weights: usize,
    gate_at: usize,
    k: usize,
    /// The weight's format for the gated prefill product.
    format: Option<crate::ops::linear_coop::GateWeight>,
    act_int8: (bool, bool),
    norm: bool,
}

fn proj(g: &Graph, node: &crate::ir::Node) -> Option<Proj> {
    if let Some(l) = node.op.as_any().downcast_ref::<Linear>() {
        // (A row-scaled pair does not arise: fuse-linear-scale folds only a scale that is
        // a projection's whole epilogue, and a gate's epilogue also holds its activation.)
        if l.rope.is_some() || l.kv_append.is_some() || l.k_splits > 1 || l.gate.is_some() || l.row_scale {
            return None;
        }
        let w = g.tensor(node.input(1)?);
        let k = *w.shape.last()?;
        let format = match w.dtype {
            // (Float weights are stored in the bundle's precision: f16 where the key holds.)
            crate::ir::DType::F16 | crate::ir::DType::F32 => Some(crate::ops::linear_coop::GateWeight::F16),
            crate::ir::DType::I8 => Some(crate::ops::linear_coop::GateWeight::Int8),
            _ => None,
        };
        return Some(Proj { weights: 1, gate_at: l.gate_at(), k, format, act_int8: (l.act_int8, false), norm: l.norm.is_some() });
    }
    let l = node.op.as_any().downcast_ref::<LinearQ4>()?;
    if l.k_splits > 1 || l.gate.is_some() {
        return None;
    }
    let k = g.tensor(node.input(1)?).shape.last()? * 2;
    Some(Proj { weights: 2, gate_at: l.gate_at(), k, format: Some(crate::ops::linear_coop::GateWeight::Int4(l.block)), act_int8: (l.act_int8, true), norm: l.norm.is_some() })
}

fn candidate(g: &Graph, target: &Target, consumers: &std::collections::HashMap<TensorId, Vec<NodeId>>, up_id: NodeId) -> Option<Match> {
    let up_node = g.nodes.node_weight(up_id)?;
    let p = proj(g, up_node)?;
    let x = up_node.input(0)?;
    let packed = up_node.op.as_any().downcast_ref::<Linear>().is_some_and(|l| l.packed.is_some()) || up_node.op.as_any().downcast_ref::<LinearQ4>().is_some_and(|l| l.packed.is_some());
    let xs = &g.tensor(x).shape;
    let one_row = if packed { numel(xs) == xs.last().copied() } else { numel(xs) == Some(p.k) };
    // One row with `decode_fused_gate`; several (f16, plain) where the gated prefill
    // product takes them, with `prefill_fused_gate`.
    let takes = if one_row {
        target.tuning.decode_fused_gate
    } else {
        let plain = target.tuning.prefill_fused_gate && !packed && !p.norm && !p.act_int8.0;
        if target.kernel_language == KernelLanguage::OpenclC {
            let m = numel(xs).unwrap_or(0) / p.k.max(1);
            let n = g.tensor(up_node.input(1)?).shape.first().copied().unwrap_or(0);
            plain && p.format == Some(crate::ops::linear_coop::GateWeight::F16) && crate::ops::linear_wgmma::gate_qualifies(target, m, n, p.k)
        } else {
            plain && p.format.is_some_and(|f| crate::ops::linear_coop::gate_qualifies(target, p.k, f))
        }
    };
    // The gate's inputs go after all of the up projection's.
    if !takes || up_node.inputs.len() != p.gate_at {
        return None;
    }
    // The up projection's epilogue: multiplies, the last by the gate's output (read once).
    let (last, rest) = up_node.epilogue.split_last()?;
    let gate_out = multiplier(last)?;
    if rest.iter().any(|s| multiplier(s).is_none() || s.args.contains(&Some(gate_out))) {
        return None;
    }
    let gate_id = g.nodes.node_indices().find(|&id| g.nodes[id].outputs.first() == Some(&gate_out))?;
    if gate_id == up_id || sole_consumer(g, consumers, gate_out) != Some(up_id) {
        return None;
    }
    let gate_node = g.nodes.node_weight(gate_id)?;
    // The same op (options, norm epsilon), input, norm scale and weight layout.
    if gate_node.input(0) != Some(x) || gate_node.inputs.len() != up_node.inputs.len() {
        return None;
    }
    let same_op = match (gate_node.op.as_any().downcast_ref::<Linear>(), up_node.op.as_any().downcast_ref::<Linear>(), gate_node.op.as_any().downcast_ref::<LinearQ4>(), up_node.op.as_any().downcast_ref::<LinearQ4>()) {
        (Some(a), Some(b), _, _) => a == b,
        (_, _, Some(a), Some(b)) => a == b,
        _ => false,
    };
    if !same_op {
        return None;
    }
    let gate_inputs: Vec<TensorId> = (1..=p.weights).map(|i| gate_node.input(i)).collect::<Option<_>>()?;
    for (i, &t) in gate_inputs.iter().enumerate() {
        let u = g.tensor(up_node.input(i + 1)?);
        if g.tensor(t).shape != u.shape || g.tensor(t).dtype != u.dtype {
            return None;
        }
    }
    if p.norm && gate_node.input(1 + p.weights) != up_node.input(1 + p.weights) {
        return None;
    }
    // Several rows: both weights constants of one binding each (the gated product reads
    // them as whole words from plain buffers): f16 or int8 bytes within a binding.
    // (On OpenCL the warpgroup product reads them through plain pointers: any f16 tensor,
    // such as a q8 weight widened per chunk.)
    if !one_row && target.kernel_language != KernelLanguage::OpenclC {
        let whole = |t: TensorId| {
            let w = g.tensor(t);
            let bytes = numel(&w.shape).unwrap_or(usize::MAX).saturating_mul(if crate::ir::value::is_float(w.dtype) { 2 } else { 1 });
            w.value.is_some() && bytes as u64 <= target.limits.max_storage_buffer_range
        };
        if !whole(up_node.input(1)?) || !whole(*gate_inputs.first()?) {
            return None;
        }
    }
    // The gate's epilogue: [Mul by a constant [N] vector,] one activation.
    let n = *g.tensor(*gate_inputs.first()?).shape.first()?;
    let (act_step, scale_steps) = gate_node.epilogue.split_last()?;
    let act = act_step.op.as_any().downcast_ref::<ElementwiseOp>()?;
    if !matches!(act.kind, Kind::Silu | Kind::GeluTanh) || act_step.args.as_slice() != [None] {
        return None;
    }
    let scale = match scale_steps {
        [] => None,
        [s] => {
            let t = multiplier(s)?;
            (g.tensor(t).value.is_some() && g.tensor(t).shape == [n]).then_some(t)?;
            Some(t)
        }
        _ => return None,
    };
    // Int8 activations staged beside the gate's sums must still fit the workgroup memory.
    if p.act_int8.0 && crate::ops::linear_matvec::int8_lanes(target, p.k, p.act_int8.1, p.norm, true).is_none() {
        return None;
    }
    let gate = Gate { act: act.clone(), scaled: scale.is_some() };
    let folded: Box<dyn crate::ops::Op> = match (up_node.op.as_any().downcast_ref::<Linear>(), up_node.op.as_any().downcast_ref::<LinearQ4>()) {
        (Some(l), _) => Box::new(Linear { gate: Some(gate), ..l.clone() }),
        (_, Some(l)) => Box::new(LinearQ4 { gate: Some(gate), ..l.clone() }),
        _ => return None,
    };
    let gate_inputs = gate_inputs.into_iter().chain(scale).collect();
    Some(Match { folded, gate: gate_id, gate_inputs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, EpilogueStep, Node, Role, Value};
    use crate::reference;

    /// gate and up of one row (q8-like: both scaled by a constant after the product) fold
    /// into one Linear whose reference gives the unfused values; a gate read by anything
    /// else stays.
    #[test]
    fn gate_and_up_fold_into_one_product() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/lavapipe.toml")).expect("target file");
        let target = Target::from_toml(&text.replace("[tuning]", "[tuning]\ndecode_fused_gate = true"), std::path::Path::new("lavapipe.toml")).expect("target parses");
        let build = |extra_reader: bool| {
            let mut g = Graph::default();
            let x = g.add_tensor("x", DType::F32, vec![1, 1, 8], Role::Input);
            let wv = |seed: usize| -> Vec<f32> { (0..6 * 8).map(|i| (((i + seed) * 37 % 23) as f32 - 11.0) / 11.0).collect() };
            let (wg, wu) = (g.add_const("wg", Value::f32(vec![6, 8], wv(1))), g.add_const("wu", Value::f32(vec![6, 8], wv(5))));
            let (sg, su) = (g.add_const("sg", Value::f32(vec![6], vec![0.5, 1.0, 1.5, 2.0, 2.5, 3.0])), g.add_const("su", Value::f32(vec![6], vec![1.0, -1.0, 0.5, 0.25, 2.0, 1.0])));
            let (gt, y) = (g.add_tensor("g", DType::F32, vec![1, 1, 6], Role::Activation), g.add_tensor("y", DType::F32, vec![1, 1, 6], Role::Activation));
            g.inputs.push(x);
            g.outputs.push(y);
            let mul = |t: TensorId, first: bool| EpilogueStep { op: Box::new(ElementwiseOp { kind: Kind::Mul, alpha: 1.0, beta: 0.0 }), args: if first { vec![Some(t), None] } else { vec![None, Some(t)] }, from: "mul".into() };
            let mut gate = Node::new("gate", Box::new(Linear::default()), vec![Some(x), Some(wg)], vec![gt]);
            gate.epilogue = vec![mul(sg, false), EpilogueStep { op: Box::new(ElementwiseOp { kind: Kind::Silu, alpha: 1.0, beta: 0.0 }), args: vec![None], from: "silu".into() }];
            g.add_node(gate);
            let mut upn = Node::new("up", Box::new(Linear::default()), vec![Some(x), Some(wu)], vec![y]);
            upn.epilogue = vec![mul(su, false), mul(gt, true)];
            g.add_node(upn);
            if extra_reader {
                g.outputs.push(gt);
            }
            g.rebuild_edges();
            g
        };
        let inputs = [("x".to_string(), Value::f32(vec![1, 1, 8], (0..8).map(|i| i as f32 / 4.0 - 1.0).collect()))].into_iter().collect();
        let mut g = build(false);
        let want = reference::run(&g, &inputs).expect("unfused").remove("y").expect("y").as_f32();
        assert_eq!(FuseLinearGate.run(&mut g, &target).expect("pass runs").changes, 1);
        g.rebuild_edges();
        g.check().expect("consistent graph");
        let got = reference::run(&g, &inputs).expect("fused").remove("y").expect("y").as_f32();
        let err = reference::rel_l2(&got, &want);
        assert!(err < 1e-6, "fused vs unfused: rel L2 {err}");
        let mut g2 = build(true);
        assert_eq!(FuseLinearGate.run(&mut g2, &target).expect("pass runs").changes, 0, "the gate's output is also a graph output");
    }

    /// Over several rows (a prefill chunk) the pair folds only with
    /// `tuning.prefill_fused_gate` on a target whose gated cooperative-matrix product takes
    /// it, in an f16 bundle (`Target::for_precision`); the folded reference equals the
    /// unfused one.
    #[test]
    fn prefill_pair_folds_where_the_gated_product_runs() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/nvidia-h100.toml")).expect("target file");
        let keys = ["prefill_fused_gate", "linear_coop_large", "linear_coop_step"];
        let text: String = text.lines().filter(|l| !keys.iter().any(|k| l.starts_with(k))).map(|l| format!("{l}\n")).collect();
        let with = |entries: &str| Target::from_toml(&text.replace("[tuning]", &format!("[tuning]\n{entries}")), std::path::Path::new("nvidia-h100.toml")).expect("target parses");
        let parse = |on: bool| with(&format!("prefill_fused_gate = {on}\nlinear_coop_large = [2, 2, 4, 4]"));
        let (rows, k, n) = (5, 64, 48);
        let build = || {
            let mut g = Graph::default();
            let x = g.add_tensor("x", DType::F32, vec![1, rows, k], Role::Input);
            let wv = |seed: usize| -> Vec<f32> { (0..n * k).map(|i| (((i + seed) * 37 % 23) as f32 - 11.0) / 44.0).collect() };
            let (wg, wu) = (g.add_const("wg", Value::f32(vec![n, k], wv(1))), g.add_const("wu", Value::f32(vec![n, k], wv(5))));
            let (gt, y) = (g.add_tensor("g", DType::F32, vec![1, rows, n], Role::Activation), g.add_tensor("y", DType::F32, vec![1, rows, n], Role::Activation));
            g.inputs.push(x);
            g.outputs.push(y);
            let mut gate = Node::new("gate", Box::new(Linear::default()), vec![Some(x), Some(wg)], vec![gt]);
            gate.epilogue = vec![EpilogueStep { op: Box::new(ElementwiseOp { kind: Kind::Silu, alpha: 1.0, beta: 0.0 }), args: vec![None], from: "silu".into() }];
            g.add_node(gate);
            let mut upn = Node::new("up", Box::new(Linear::default()), vec![Some(x), Some(wu)], vec![y]);
            upn.epilogue = vec![EpilogueStep { op: Box::new(ElementwiseOp { kind: Kind::Mul, alpha: 1.0, beta: 0.0 }), args: vec![Some(gt), None], from: "mul".into() }];
            g.add_node(upn);
            g.rebuild_edges();
            g
        };
        let inputs = [("x".to_string(), Value::f32(vec![1, rows, k], (0..rows * k).map(|i| (i % 29) as f32 / 8.0 - 1.5).collect()))].into_iter().collect();
        let mut g = build();
        let want = reference::run(&g, &inputs).expect("unfused").remove("y").expect("y").as_f32();
        assert_eq!(FuseLinearGate.run(&mut g, &parse(true)).expect("pass runs").changes, 1);
        g.rebuild_edges();
        g.check().expect("consistent graph");
        let got = reference::run(&g, &inputs).expect("fused").remove("y").expect("y").as_f32();
        let err = reference::rel_l2(&got, &want);
        assert!(err < 1e-6, "fused vs unfused: rel L2 {err}");
        // Off, in an f32 bundle, or where the gated kernel's tiles and two epilogue slices per
        // subgroup outgrow the workgroup memory (8 subgroups, 128 x 128 tiles, steps of 64:
        // 54272 bytes of 49152; the plain product's 46080 fit): no fold.
        let big = with("prefill_fused_gate = true\nlinear_coop_large = [2, 4, 4, 2]\nlinear_coop_step = 64");
        for (t, why) in [(parse(false), "key off"), (parse(true).for_precision(crate::target::Precision::F32), "an f32 bundle"), (big, "tiles outgrowing the workgroup memory")] {
            let mut g = build();
            assert_eq!(FuseLinearGate.run(&mut g, &t).expect("pass runs").changes, 0, "{why}: no fold over several rows");
        }
    }
}
