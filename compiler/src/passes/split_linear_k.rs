//! split-linear-k: where the target asks for it (`tuning.linear_split_k = [parts, tiles]`),
//! a prefill product whose output tiles are too few to fill the GPU (parts × tiles within
//! `tiles`) is cut along K: the Linear sums each of `parts` equal ranges of its inputs in
//! workgroups of its own, into a tensor of partial products, and a ReduceSum over them
//! gives the output and applies the node's epilogue. On an H200 a Llama-3.2-1B-shaped
//! chunk of 1024 rows gives its q, o and down projections 128 tiles of 128 × 128 for 132
//! compute units: one workgroup per unit, where the 512 tiles of gate and up keep two.
//!
//! ```text
//!   x ─ Linear(W) [epilogue e] ─ y   ⇒   x ─ Linear(W; k_splits S) ─ p [S, .., N] ─ ReduceSum(axis 0) [epilogue e] ─ y
//! ```
//!
//! Only plain products of several rows (no folded norm, RoPE, int8 activations, row
//! scale, KV-cache append or packed row), Linear and LinearQ4, whose K cuts into ranges of
//! whole steps of the cooperative kernel (and of the tiled kernel's 16). The tile count is
//! the one `linear_coop` would choose on targets with cooperative-matrix prefill (f16
//! bundles; an f32 bundle there runs `linear_tiled`, whose tiles differ), else
//! `linear_tiled`'s. The parts are stored in the bundle's precision (an f16 bundle rounds
//! each part once more) and take `parts` times the output's memory while they live. The padding rows of a chunk (`Node::last_row`) stay skipped by the
//! product; the sum computes them, as the rows it reads there are unspecified anyway.

use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, Node, NodeId, Role};
use crate::ops::linear::{split_shape, Linear};
use crate::ops::linear_q4::LinearQ4;
use crate::ops::reduce::{Kind, Reduce};
use crate::target::Target;

pub struct SplitLinearK;

impl Pass for SplitLinearK {
    fn name(&self) -> &'static str {
        "split-linear-k"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        let [parts, max_tiles] = target.tuning.linear_split_k;
        let parts = parts as usize;
        // The cut kernels are the tiled and cooperative ones (workgroups of 256 lanes or
        // more); without them the products stay whole.
        if parts < 2 || target.limits.max_compute_workgroup_invocations < 256 {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "split-linear-k", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            let Some((m, k, n)) = candidate(g, id) else { continue };
            // Whole steps of both prefill kernels in every range.
            let step = (target.tuning.linear_coop_step as usize).max(16);
            if k % parts != 0 || !(k / parts).is_multiple_of(step) || tiles(target, m, n) * parts > max_tiles as usize {
                continue;
            }
            split(g, id, parts);
            changes += 1;
        }
        g.rebuild_edges();
        Ok(PassReport { changes })
    }
}

/// (M rows, K, N) of a plain product of several rows that is not cut yet.
fn candidate(g: &Graph, id: NodeId) -> Option<(usize, usize, usize)> {
    let node = g.node(id);
    let plain = match (node.op.as_any().downcast_ref::<Linear>(), node.op.as_any().downcast_ref::<LinearQ4>()) {
        (Some(l), _) => *l == Linear::default(),
        (_, Some(l)) => l.norm.is_none() && !l.act_int8 && l.packed.is_none() && l.k_splits <= 1 && l.gate.is_none(),
        _ => false,
    };
    if !plain {
        return None;
    }
    let (x, y) = (node.input(0)?, node.outputs.first().copied()?);
    let k = g.tensor(x).shape.last().copied().filter(|&k| k > 0)?;
    let n = g.tensor(y).shape.last().copied().filter(|&n| n > 0)?;
    let m = numel(&g.tensor(x).shape)? / k;
    (m > 1).then_some((m, k, n))
}

/// Workgroups the product's kernel would run uncut: `linear_coop`'s shape choice on targets
/// with cooperative-matrix prefill, else `linear_tiled`'s.
fn tiles(target: &Target, m: usize, n: usize) -> usize {
    let t = &target.tuning;
    if t.prefill_cooperative_matrix && target.features.cooperative_matrix {
        let tile = |[wm, wn, fr, fc]: [u32; 4]| ((wm * fr * 16) as usize, (wn * fc * 16) as usize);
        let count = |(tm, tn): (usize, usize)| m.div_ceil(tm.max(1)) * n.div_ceil(tn.max(1));
        let large = count(tile(t.linear_coop_large));
        return if large >= t.linear_coop_large_min_tiles { large } else { count(tile(t.linear_coop_small)) };
    }
    let large = m.div_ceil(64) * n.div_ceil(64);
    if large >= 256 {
        large
    } else {
        m.div_ceil(32) * n.div_ceil(32)
    }
}

/// Cuts node `id` into `parts` partial products and the ReduceSum that adds them up (the
/// sum takes over the node's output and epilogue).
fn split(g: &mut Graph, id: NodeId, parts: usize) {
    let node = g.node(id);
    let (name, y) = (node.name.clone(), node.outputs[0]);
    let (dtype, shape) = (g.tensor(y).dtype, g.tensor(y).shape.clone());
    let p = g.add_tensor(format!("{name}.parts"), dtype, split_shape(parts, &shape), Role::Activation);
    let node = &mut g.nodes[id];
    if let Some(l) = node.op.as_any().downcast_ref::<Linear>() {
        node.op = Box::new(Linear { k_splits: parts, ..l.clone() });
    } else if let Some(l) = node.op.as_any().downcast_ref::<LinearQ4>() {
        node.op = Box::new(LinearQ4 { k_splits: parts, ..l.clone() });
    }
    node.outputs[0] = p;
    // The parts' rows run along the next axis (the leading one is the part).
    if let Some(r) = &mut node.last_row {
        r.axis += 1;
    }
    let epilogue = std::mem::take(&mut node.epilogue);
    let mut sum = Node::new(format!("{name}.k_sum"), Box::new(Reduce { kind: Kind::Sum, keepdims: false, noop_with_empty_axes: false, axes: Some(vec![0]), axes_input: false }), vec![Some(p)], vec![y]);
    sum.epilogue = epilogue;
    g.add_node(sum);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Value};
    use crate::reference;

    /// A 64-row product with K = 128 cut in two on a target asking for it: the graph gains
    /// the parts and their sum, the sum keeps the epilogue, and the reference gives the
    /// uncut product's values.
    #[test]
    fn a_cut_product_sums_to_the_uncut_one() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/lavapipe.toml")).expect("target file");
        let target = Target::from_toml(&text.replace("[tuning]", "[tuning]\nlinear_split_k = [2, 64]"), std::path::Path::new("lavapipe.toml")).expect("target parses");
        let mut g = Graph::default();
        let x = g.add_tensor("x", DType::F32, vec![1, 64, 128], Role::Input);
        let xv: Vec<f32> = (0..64 * 128).map(|i| ((i * 37 % 101) as f32 - 50.0) / 50.0).collect();
        let wv: Vec<f32> = (0..32 * 128).map(|i| ((i * 53 % 97) as f32 - 48.0) / 48.0).collect();
        let w = g.add_const("w", Value::f32(vec![32, 128], wv));
        let y = g.add_tensor("y", DType::F32, vec![1, 64, 32], Role::Activation);
        g.inputs.push(x);
        g.outputs.push(y);
        g.add_node(Node::new("proj", Box::new(Linear::default()), vec![Some(x), Some(w)], vec![y]));
        g.rebuild_edges();
        let inputs = [("x".to_string(), Value::f32(vec![1, 64, 128], xv))].into_iter().collect();
        let want = reference::run(&g, &inputs).expect("uncut").remove("y").expect("y").as_f32();
        let report = SplitLinearK.run(&mut g, &target).expect("pass runs");
        g.rebuild_edges();
        assert_eq!(report.changes, 1, "64 rows x 32 outputs: 2 x 1 tiles of 32, cut in two (4 <= 64)");
        g.check().expect("consistent graph");
        let nodes: Vec<&Node> = g.order().expect("order").into_iter().map(|id| g.node(id)).collect();
        let cut = nodes.iter().find(|n| n.name == "proj").expect("the product");
        assert_eq!(g.tensor(cut.outputs[0]).shape, vec![2, 1, 64, 32]);
        assert!(nodes.iter().any(|n| n.name == "proj.k_sum" && n.outputs == vec![y]), "the sum writes y");
        let got = reference::run(&g, &inputs).expect("cut").remove("y").expect("y").as_f32();
        let err = crate::reference::rel_l2(&got, &want);
        assert!(err < 1e-6, "cut product vs uncut: rel L2 {err}");
        // Not where the tiles already fill the GPU.
        let full = Target::from_toml(&text.replace("[tuning]", "[tuning]\nlinear_split_k = [2, 3]"), std::path::Path::new("lavapipe.toml")).expect("target parses");
        let mut g2 = Graph::default();
        let x2 = g2.add_tensor("x", DType::F32, vec![1, 64, 128], Role::Input);
        let w2 = g2.add_const("w", Value::f32(vec![32, 128], vec![0.0; 32 * 128]));
        let y2 = g2.add_tensor("y", DType::F32, vec![1, 64, 32], Role::Activation);
        g2.inputs.push(x2);
        g2.outputs.push(y2);
        g2.add_node(Node::new("proj", Box::new(Linear::default()), vec![Some(x2), Some(w2)], vec![y2]));
        g2.rebuild_edges();
        assert_eq!(SplitLinearK.run(&mut g2, &full).expect("pass runs").changes, 0, "2 tiles x 2 parts > 3");
    }
}
