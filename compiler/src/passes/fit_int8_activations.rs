//! fit-int8-activations: a projection the LLM frontend asked to quantize its activations
//! to int8 (`Linear::act_int8`, `LinearQ4::act_int8`) keeps float activations where this
//! target's kernel for it cannot take int8 ones: no int8 dot products (on a SPIR-V, MSL
//! or WGSL target), more than one activation row, a weight larger than one binding (split across
//! bindings, walked element by element), or a row whose int8 copy does not fit the
//! workgroup memory even for two lanes (`linear_matvec::int8_lanes`). Such a projection
//! compiles to the float kernel instead of failing (for example a 36864-input
//! feed-forward row on a 48 KiB device). Runs last: a folded norm is staged beside the
//! row, and fuse-rms-linear folded it only where that fits.

use super::{Pass, PassError, PassReport};
use crate::ir::{numel, Graph, NodeId};
use crate::ops::linear::Linear;
use crate::ops::linear_matvec::int8_lanes;
use crate::ops::linear_q4::LinearQ4;
use crate::target::{KernelLanguage, Target};

pub struct FitInt8Activations;

impl Pass for FitInt8Activations {
    fn name(&self) -> &'static str {
        "fit-int8-activations"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        let order = g.order().map_err(|e| PassError::Failed { pass: "fit-int8-activations", message: e.to_string() })?;
        let mut changes = 0;
        for id in order {
            if servable(g, id, target) != Some(false) {
                continue;
            }
            let node = &mut g.nodes[id];
            if let Some(l) = node.op.as_any().downcast_ref::<Linear>() {
                node.op = Box::new(Linear { act_int8: false, ..l.clone() });
            } else if let Some(l) = node.op.as_any().downcast_ref::<LinearQ4>() {
                node.op = Box::new(LinearQ4 { act_int8: false, ..l.clone() });
            }
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}

/// For a projection with int8 activations: whether `target`'s kernel can take them
/// (None for any other node).
pub(crate) fn servable(g: &Graph, id: NodeId, target: &Target) -> Option<bool> {
    let n = g.node(id);
    let (q4, norm) = match (n.op.as_any().downcast_ref::<Linear>(), n.op.as_any().downcast_ref::<LinearQ4>()) {
        (Some(l), _) if l.act_int8 => (false, l.norm.is_some()),
        (_, Some(l)) if l.act_int8 => (true, l.norm.is_some()),
        _ => return None,
    };
    let (x, w) = (n.input(0)?, n.input(1)?);
    let k = *g.tensor(x).shape.last()?;
    let one_row = numel(&g.tensor(x).shape) == Some(k);
    let weight_bytes = numel(&g.tensor(w).shape).unwrap_or(usize::MAX) as u64;
    // (OpenCL C sums int8 products itself: PTX dp4a on NVIDIA, else in C.)
    let int8 = target.features.int8_dot || target.kernel_language == KernelLanguage::OpenclC;
    Some(int8 && one_row && weight_bytes <= target.limits.max_storage_buffer_range && int8_lanes(target, k, q4, norm, false).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DType, Node, Role};

    /// A one-row int8 projection of `k` inputs with int8 activations.
    fn graph(k: usize) -> (Graph, NodeId) {
        let mut g = Graph::default();
        let x = g.add_tensor("x", DType::F32, vec![1, k], Role::Input);
        let w = g.add_tensor("w", DType::I8, vec![4, k], Role::Input);
        let y = g.add_tensor("y", DType::F32, vec![1, 4], Role::Activation);
        let id = g.add_node(Node::new("proj", Box::new(Linear { act_int8: true, ..Linear::default() }), vec![Some(x), Some(w)], vec![y]));
        (g, id)
    }

    fn act_int8(g: &Graph, id: NodeId) -> bool {
        g.node(id).op.as_any().downcast_ref::<Linear>().is_some_and(|l| l.act_int8)
    }

    #[test]
    fn keeps_int8_where_the_row_fits_and_clears_it_where_it_does_not() {
        let t = Target::load("nvidia-h100").expect("target");
        // 48 KiB of workgroup memory: a 4096-input row's int8 copy fits at 1024 lanes.
        let (mut g, id) = graph(4096);
        assert_eq!(FitInt8Activations.run(&mut g, &t).expect("runs").changes, 0);
        assert!(act_int8(&g, id));
        assert_eq!(int8_lanes(&t, 4096, false, false, false), Some(1024));
        // 40960 inputs: 46080 bytes of row leave room for 512 lanes, not 1024.
        assert_eq!(int8_lanes(&t, 40960, false, false, false), Some(512));
        // 49152 inputs: the row alone (55296 bytes) is above 48 KiB: float activations.
        let (mut g, id) = graph(49152);
        assert_eq!(FitInt8Activations.run(&mut g, &t).expect("runs").changes, 1);
        assert!(!act_int8(&g, id));
        // A SPIR-V target without int8 dot products: float activations.
        let (mut g, id) = graph(64);
        let mut lavapipe = Target::load("lavapipe").expect("target");
        lavapipe.features.int8_dot = false;
        assert_eq!(FitInt8Activations.run(&mut g, &lavapipe).expect("runs").changes, 1);
        assert!(!act_int8(&g, id));
        // OpenCL C without them (PoCL) sums the int8 products itself: kept.
        let (mut g, id) = graph(64);
        let pocl = Target::load("pocl").expect("target");
        assert!(!pocl.features.int8_dot);
        assert_eq!(FitInt8Activations.run(&mut g, &pocl).expect("runs").changes, 0);
        assert!(act_int8(&g, id));
    }
}
