//! fuse-elementwise: an element-wise node whose operand is the only use of a producer's
//! output becomes a step of that producer's epilogue (activation, bias, residual add,
//! clip, ...), repeatedly, so chains collapse into one dispatch.
//!
//! ```text
//!   x ─ Conv ─ t1 ─ Add(t1, r) ─ t2 ─ Clip ─ y      ⇒      x ─ Conv[+r, clip] ─ y
//! ```
//!
//! Conditions: the intermediate has one consumer and is not a graph output; the
//! element-wise output has the intermediate's shape and dtype; every other operand is
//! available before the producer runs (a constant, a graph input, or produced earlier).

use std::collections::HashMap;

use super::{Pass, PassError, PassReport};
use crate::ir::{EpilogueStep, Graph, NodeId};
use crate::target::Target;

pub struct FuseElementwise;

impl Pass for FuseElementwise {
    fn name(&self) -> &'static str {
        "fuse-elementwise"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let fail = |e: crate::ir::IrError| PassError::Failed { pass: "fuse-elementwise", message: e.to_string() };
        let order = g.order().map_err(fail)?;
        let pos: HashMap<NodeId, usize> = order.iter().enumerate().map(|(i, &n)| (n, i)).collect();
        let mut changes = 0;
        for &id in &order {
            if g.nodes.node_weight(id).is_none() || !g.node(id).op.accepts_epilogue() {
                continue;
            }
            while let Some((consumer, args)) = next_step(g, id, &pos) {
                let Some(removed) = g.remove_node(consumer) else { break };
                let out = removed.outputs[0];
                let node = &mut g.nodes[id];
                node.epilogue.push(EpilogueStep { op: removed.op, args, from: removed.name });
                node.outputs[0] = out;
                g.tensors[out].producer = Some(id);
                changes += 1;
            }
        }
        Ok(PassReport { changes })
    }
}

/// The element-wise consumer of `id`'s output 0 that can fuse, with its operands as
/// epilogue arguments (`None` is the running value).
fn next_step(g: &Graph, id: NodeId, pos: &HashMap<NodeId, usize>) -> Option<(NodeId, Vec<Option<crate::ir::TensorId>>)> {
    let node = g.node(id);
    if node.outputs.len() != 1 {
        return None;
    }
    let t = node.outputs[0];
    if g.outputs.contains(&t) {
        return None;
    }
    let consumers = g.consumers_of(t);
    let [c] = consumers.as_slice() else { return None };
    let cn = g.node(*c);
    let ew = cn.op.as_elementwise()?;
    let out = *cn.outputs.first()?;
    let (ts, os) = (g.tensor(t), g.tensor(out));
    if ts.shape != os.shape || ts.dtype != os.dtype || cn.outputs.len() != 1 || !cn.epilogue.is_empty() {
        return None;
    }
    let operands: Vec<Option<crate::ir::TensorId>> = (0..ew.arity()).map(|i| cn.input(i)).collect();
    if operands.iter().filter(|&&o| o == Some(t)).count() != 1 || operands.iter().any(|o| o.is_none()) {
        return None;
    }
    let here = *pos.get(&id)?;
    if !node.op.epilogue_operands() && operands.iter().any(|&o| o != Some(t)) {
        return None;
    }
    let mut args = Vec::new();
    for o in operands.iter().flatten() {
        if *o == t {
            args.push(None);
            continue;
        }
        let ready = match g.tensor(*o).producer {
            None => true,
            Some(p) => pos.get(&p).is_some_and(|&pp| pp < here),
        };
        if !ready || g.tensor(*o).shape.len() > ts.shape.len() {
            return None;
        }
        args.push(Some(*o));
    }
    Some((*c, args))
}
