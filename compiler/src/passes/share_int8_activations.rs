//! share-int8-activations: where the target asks for it (`tuning.decode_quantize_once`),
//! the one-row projections with int8 activations that read the same row (with the same
//! folded RMSNorm, for the same weight format) share one quantization of it: a
//! `PackedInt8Row` node normalizes (when the norm was folded) and quantizes the row once,
//! and each projection reads the packed row (`Linear::packed`, `LinearQ4::packed`)
//! instead of normalizing and quantizing it again in every one of its workgroups. A row
//! read by one projection without a folded norm (o_proj, down_proj) keeps its in-kernel
//! quantization: measured on an H200 (2-layer Llama-3.1-8B-shaped q8), packing down_proj's
//! row took 7.9 + 20.4 us against 20.3 us for the projection quantizing it itself. Runs
//! after fit-int8-activations, so only projections whose int8 kernel fits are rewritten.
//!
//! ```text
//!   x ─┬ Linear(Wq; norm g, act_int8) ─ q         x ─ PackedInt8Row(g) ─ p ─┬ Linear(Wq; packed) ─ q
//!      ├ Linear(Wk; norm g, act_int8) ─ k    ⇒                             ├ Linear(Wk; packed) ─ k
//!      └ Linear(Wv; norm g, act_int8) ─ v                                  └ Linear(Wv; packed) ─ v
//! ```

use std::collections::HashMap;

use super::{Pass, PassError, PassReport};
use crate::ir::{numel, DType, Graph, Node, NodeId, Role, TensorId};
use crate::ops::linear::Linear;
use crate::ops::linear_q4::LinearQ4;
use crate::ops::linear::ACT_INT8_BLOCK;
use crate::ops::packed_int8_row::{layout, packed_shape, PackedInt8Row};
use crate::target::Target;

pub struct ShareInt8Activations;

/// What a packed row is made of: the row, the folded norm (scale tensor, epsilon bits),
/// and the int4-pair layout.
type RowKey = (TensorId, Option<(TensorId, u32)>, bool);

impl Pass for ShareInt8Activations {
    fn name(&self) -> &'static str {
        "share-int8-activations"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        if !target.tuning.decode_quantize_once {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "share-int8-activations", message: e.to_string() })?;
        let mut readers: HashMap<RowKey, usize> = HashMap::new();
        for &id in &order {
            if let Some((key, _)) = candidate(g, id) {
                *readers.entry(key).or_default() += 1;
            }
        }
        let mut rows: HashMap<RowKey, TensorId> = HashMap::new();
        let mut changes = 0;
        for id in order {
            let Some((key, g_slot)) = candidate(g, id) else { continue };
            // One reader and nothing folded: the packing dispatch would only add latency.
            if key.1.is_none() && readers.get(&key).copied().unwrap_or(0) < 2 {
                continue;
            }
            let (x, dtype) = (key.0, g.tensor(key.0).dtype);
            let packed = match rows.get(&key) {
                Some(&t) => t,
                None => {
                    let k = g.tensor(x).shape.last().copied().unwrap_or(0);
                    let name = g.node(id).name.clone();
                    let shape = packed_shape(&g.tensor(x).shape, layout(k, key.2).2);
                    let t = g.add_tensor(format!("{name}.act_int8"), DType::I32, shape, Role::Activation);
                    let (inputs, norm) = match key.1 {
                        Some((scale, eps)) => (vec![Some(x), Some(scale)], Some(f32::from_bits(eps))),
                        None => (vec![Some(x)], None),
                    };
                    g.add_node(Node::new(format!("{name}.act_int8"), Box::new(PackedInt8Row { int4_pairs: key.2, norm }), inputs, vec![t]));
                    rows.insert(key, t);
                    changes += 1;
                    t
                }
            };
            let node = &mut g.nodes[id];
            if let Some(l) = node.op.as_any().downcast_ref::<Linear>() {
                node.op = Box::new(Linear { act_int8: false, norm: None, packed: Some(dtype), ..l.clone() });
            } else if let Some(l) = node.op.as_any().downcast_ref::<LinearQ4>() {
                node.op = Box::new(LinearQ4 { act_int8: false, norm: None, packed: Some(dtype), ..l.clone() });
            }
            if let Some(slot) = g_slot {
                node.inputs.remove(slot);
            }
            if let Some(first) = node.inputs.first_mut() {
                *first = Some(packed);
            }
        }
        g.rebuild_edges();
        Ok(PassReport { changes })
    }
}

/// For a one-row projection with int8 activations (not yet packed): its row key and the
/// input slot of its folded norm's scale.
fn candidate(g: &Graph, id: NodeId) -> Option<(RowKey, Option<usize>)> {
    let n = g.node(id);
    let (pairs, norm, g_slot) = match (n.op.as_any().downcast_ref::<Linear>(), n.op.as_any().downcast_ref::<LinearQ4>()) {
        (Some(l), _) if l.act_int8 && l.packed.is_none() => (false, l.norm, 2),
        (_, Some(l)) if l.act_int8 && l.packed.is_none() => (true, l.norm, 3),
        _ => return None,
    };
    let x = n.input(0)?;
    let k = g.tensor(x).shape.last().copied()?;
    if numel(&g.tensor(x).shape) != Some(k) || k == 0 || k % ACT_INT8_BLOCK != 0 {
        return None;
    }
    let folded = match norm {
        Some(eps) => Some((n.input(g_slot)?, eps.to_bits())),
        None => None,
    };
    Some(((x, folded, pairs), norm.map(|_| g_slot)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Value;

    #[test]
    fn projections_of_one_row_share_one_packed_row_with_the_same_results() {
        let mut g = Graph::default();
        let k = 64;
        let x = g.add_tensor("x", DType::F32, vec![1, k], Role::Input);
        let gs = g.add_const("g", Value::f32(vec![k], (0..k).map(|i| 0.5 + i as f32 / 64.0).collect()));
        let xs: Vec<f32> = (0..k).map(|i| ((i * 37 % 23) as f32 - 11.0) / 7.0).collect();
        let mut outs = Vec::new();
        for (i, n) in [3usize, 5].into_iter().enumerate() {
            let w = g.add_const(format!("w{i}"), Value { dtype: DType::I8, shape: vec![n, k], data: crate::ir::Data::I64((0..n * k).map(|j| (j as i64 * 29 % 255) - 127).collect()) });
            let y = g.add_tensor(format!("y{i}"), DType::F32, vec![1, n], Role::Activation);
            g.add_node(Node::new(format!("proj{i}"), Box::new(Linear { act_int8: true, norm: Some(1e-5), ..Linear::default() }), vec![Some(x), Some(w), Some(gs)], vec![y]));
            outs.push(y);
        }
        g.inputs = vec![x];
        g.outputs = outs;
        let before: Vec<Vec<f32>> = g.nodes.node_indices().map(|id| eval(&g, id, &xs)).collect();
        let mut target = crate::target::Target::load("lavapipe").expect("lavapipe");
        assert_eq!(ShareInt8Activations.run(&mut g, &target).expect("runs").changes, 0, "off unless the target asks");
        target.tuning.decode_quantize_once = true;
        assert_eq!(ShareInt8Activations.run(&mut g, &target).expect("runs").changes, 1, "one packed row for both");
        let packers: Vec<NodeId> = g.nodes.node_indices().filter(|&id| g.node(id).op.op_type() == "PackedInt8Row").collect();
        assert_eq!(packers.len(), 1);
        let packed = g.node(packers[0]).outputs[0];
        let row = g.node(packers[0]).op.eval(&[Some(&Value::f32(vec![1, k], xs.clone())), g.tensor(gs).value.as_deref()]).expect("packs").remove(0);
        for (i, id) in g.nodes.node_indices().filter(|&id| g.node(id).op.op_type() == "Linear").enumerate() {
            let n = g.node(id);
            assert_eq!((n.input(0), n.inputs.len()), (Some(packed), 2), "reads the packed row, no norm scale");
            let w = g.tensor(n.input(1).expect("w")).value.clone().expect("weight");
            let y = n.op.eval(&[Some(&row), Some(&w)]).expect("eval").remove(0).as_f32();
            assert_eq!(y, before[i], "{}: packed = per-workgroup quantization", n.name);
        }
        g.check().expect("consistent");
    }

    /// A projection's output on row `xs` (G and W from the graph's constants).
    fn eval(g: &Graph, id: NodeId, xs: &[f32]) -> Vec<f32> {
        let n = g.node(id);
        let x = Value::f32(vec![1, xs.len()], xs.to_vec());
        let consts: Vec<Option<Value>> = n.inputs.iter().skip(1).map(|t| t.and_then(|t| g.tensor(t).value.as_deref().cloned())).collect();
        let mut args: Vec<Option<&Value>> = vec![Some(&x)];
        args.extend(consts.iter().map(|v| v.as_ref()));
        n.op.eval(&args).expect("eval").remove(0).as_f32()
    }
}
