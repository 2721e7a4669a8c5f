//! virtualize: gives every tensor one physical descriptor — pool (weights or
//! activations), element type (by precision and dtype), layout (linear, or the target's
//! activation layout such as PHWC4 for rank-4 activations), storage kind, byte size —
//! and decides which reshape-like nodes alias their input instead of copying.
//!
//! Rules: graph inputs and outputs are linear (the runtime converts element types only,
//! never layouts); constants are linear; tensors touched by ops whose kernels view them
//! with another shape stay linear; an alias needs both sides linear with one element type.

use std::collections::HashMap;

use runtime_min::bundle::{ElemType, Layout, PoolRole, StorageKind};

use crate::codegen::helpers::TensorDesc;
use crate::ir::{value::is_float, Graph, NodeId, TensorId};
use crate::target::{ActivationLayout, Precision, Target};

/// Physical descriptor of one tensor.
#[derive(Debug, Clone, PartialEq)]
pub struct Physical {
    pub pool: PoolRole,
    pub elem: ElemType,
    pub layout: Layout,
    pub storage: StorageKind,
    /// Bytes the tensor occupies, with layout padding, rounded up to 4.
    pub bytes: u64,
    /// The tensor whose storage this one shares (Reshape-like nodes), if any.
    pub alias_of: Option<TensorId>,
    /// Bytes of each physical object when one binding cannot hold the tensor (target
    /// `max_storage_buffer_range`): consecutive ranges of its storage, each bound
    /// separately. Empty for one object.
    pub objects: Vec<u64>,
}

impl Physical {
    pub fn desc(&self, name: &str, shape: &[usize]) -> TensorDesc {
        TensorDesc {
            var: format!("b_{name}"),
            shape: shape.to_vec(),
            layout: match self.layout {
                Layout::Linear => "linear".into(),
                Layout::Phwc4 => "phwc4".into(),
            },
            elem: match self.elem {
                ElemType::F16 => "f16".into(),
                ElemType::I32 => "i32".into(),
                _ => "f32".into(),
            },
            numel: shape.iter().product(),
            objects: self.objects.iter().map(|&b| (b / self.elem.size()) as usize).collect(),
        }
    }
}

/// Ops whose kernels view operands under another shape, so their tensors stay linear.
const LINEAR_ONLY: &[&str] = &["Softmax", "LogSoftmax", "MatMul", "Gemm", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "LayerNormalization", "InstanceNormalization", "GroupNormalization", "NormStats", "KvCacheWrite", "CachedAttention"];

#[derive(Debug, Clone)]
pub struct Virtualized {
    pub physical: HashMap<TensorId, Physical>,
    /// Nodes that need no kernel because their output aliases their input.
    pub aliased_nodes: Vec<NodeId>,
}

fn bytes_of(shape: &[usize], elem: ElemType, layout: Layout) -> u64 {
    // Shapes are bounded by the frontend (MAX_ELEMENTS); saturate anyway.
    let n: u64 = match (layout, shape) {
        (Layout::Phwc4, [n, c, h, w]) => [*n as u64, *h as u64, *w as u64, c.div_ceil(4) as u64 * 4].iter().fold(1u64, |a, &d| a.saturating_mul(d)),
        _ => shape.iter().fold(1u64, |a, &d| a.saturating_mul(d as u64)),
    };
    // At least one word: an empty tensor still gets a valid (unused) binding.
    n.saturating_mul(elem.size()).div_ceil(4).saturating_mul(4).max(4)
}

/// Object sizes for a tensor of `bytes` when one binding holds at most `max_range`: equal
/// objects of the largest size that is a multiple of 256 and of the offset alignment (so
/// every object starts aligned), and a remainder; empty when one object suffices.
pub fn split_objects(bytes: u64, max_range: u64, align: u64) -> Vec<u64> {
    if bytes <= max_range {
        return Vec::new();
    }
    let unit = align.max(256);
    let chunk = (max_range / unit) * unit;
    if chunk == 0 {
        return Vec::new();
    }
    let mut out = vec![chunk; (bytes / chunk) as usize];
    if bytes % chunk != 0 {
        out.push(bytes % chunk);
    }
    out
}

pub fn run(g: &Graph, target: &Target, precision: Precision, order: &[NodeId]) -> Virtualized {
    let float_elem = if precision == Precision::F16 { ElemType::F16 } else { ElemType::F32 };
    let mut linear_only: std::collections::HashSet<TensorId> = g.inputs.iter().chain(&g.outputs).chain(&g.state).copied().collect();
    for &id in order {
        let n = g.node(id);
        if LINEAR_ONLY.contains(&n.op.op_type()) {
            linear_only.extend(n.all_inputs());
            linear_only.extend(n.outputs.iter().copied());
        }
    }
    let mut physical = HashMap::new();
    for (t, tensor) in g.tensors.iter() {
        let elem = if is_float(tensor.dtype) { float_elem } else { ElemType::I32 };
        let pool = if tensor.is_const() { PoolRole::Weights } else { PoolRole::Activations };
        let layout = if pool == PoolRole::Activations && tensor.shape.len() == 4 && !linear_only.contains(&t) && target.tuning.activation_layout == ActivationLayout::Phwc4 {
            Layout::Phwc4
        } else {
            Layout::Linear
        };
        let bytes = bytes_of(&tensor.shape, elem, layout);
        let objects = split_objects(bytes, target.limits.max_storage_buffer_range, target.limits.min_storage_buffer_offset_alignment as u64);
        physical.insert(t, Physical { pool, elem, layout, storage: StorageKind::Buffer, bytes, alias_of: None, objects });
    }
    let mut aliased_nodes = Vec::new();
    for &id in order {
        let n = g.node(id);
        let Some(i) = n.op.alias_of_input() else { continue };
        let (Some(x), Some(&y)) = (n.input(i), n.outputs.first()) else { continue };
        let (Some(px), Some(py)) = (physical.get(&x), physical.get(&y)) else { continue };
        if px.layout == Layout::Linear && py.layout == Layout::Linear && px.elem == py.elem && px.pool == PoolRole::Activations && n.epilogue.is_empty() {
            let root = px.alias_of.unwrap_or(x);
            if let Some(p) = physical.get_mut(&y) {
                p.alias_of = Some(root);
            }
            aliased_nodes.push(id);
        }
    }
    // In-place updates (KV-cache writes): the output is the input's storage, and the
    // node keeps its kernel. Both sides are linear (LINEAR_ONLY) with one element type.
    for &id in order {
        let n = g.node(id);
        let Some(i) = n.op.in_place_input() else { continue };
        let (Some(x), Some(&y)) = (n.input(i), n.outputs.first()) else { continue };
        let root = physical.get(&x).map(|px| px.alias_of.unwrap_or(x));
        if let (Some(root), Some(p)) = (root, physical.get_mut(&y)) {
            p.alias_of = Some(root);
        }
    }
    Virtualized { physical, aliased_nodes }
}
