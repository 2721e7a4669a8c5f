//! virtualize: gives every tensor one physical descriptor — pool (weights or
//! activations), element type (by precision and dtype), layout (linear, or the target's
//! activation layout such as PHWC4 for rank-4 activations), storage kind (buffer, or the
//! target's activation storage such as a 2D texture), byte size, objects — and decides
//! which reshape-like nodes alias their input instead of copying.
//!
//! Rules: graph inputs and outputs are linear buffers (the runtime converts element types
//! only, never layouts, and copies through buffers); constants are linear buffers; tensors
//! touched by ops whose kernels view them with another shape stay linear; an alias needs
//! both sides linear buffers with one element type.
//!
//! Texture storage (`tuning.activation_storage = "texture2d"` or `--storage texture2d`)
//! goes to every other float activation that neither aliases nor is aliased (f16 ones
//! only on targets with `features.fp16`; elsewhere they stay buffers). A texture is
//! a single-channel 2D image whose texel `(x, y)` holds physical element `y * width + x`
//! (the element order of its layout, linear or PHWC4), so per-element stores work and
//! templates stay unchanged. `width` is one physical row (the innermost dimension; for
//! PHWC4 a row of W texels of 4 channels, as TFLite GPU maps W to x and slices to y),
//! widened by outer dimensions only while the image would be taller than
//! `max_image2d_height`, and capped at `max_image2d_width`; `height` the rows needed. A
//! tensor needing more than `max_image2d_height` rows is split into several images of
//! `width * max_image2d_height` elements, the way buffers split at the binding limit.

use std::collections::HashMap;

use runtime_min::bundle::{ElemType, Layout, PoolRole, StorageKind};

use crate::codegen::helpers::{TensorDesc, TextureDesc};
use crate::ir::{value::is_float, Graph, NodeId, TensorId};
use crate::target::{ActivationLayout, Precision, StorageKind as TargetStorage, Target};

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
    /// `max_storage_buffer_range`, or for textures `max_image2d_height` rows):
    /// consecutive ranges of its storage, each bound separately. Empty for one object.
    pub objects: Vec<u64>,
    /// Image geometry when `storage` is a texture.
    pub texture: Option<Texture>,
}

/// Geometry of a tensor realized as 2D images: one image per object, all `width` texels
/// wide; `heights[k]` rows in object k (every object but the last is full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Texture {
    pub width: u32,
    pub heights: Vec<u32>,
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
                ElemType::I8x4 => "i8".into(),
                _ => "f32".into(),
            },
            numel: shape.iter().product(),
            objects: self.objects.iter().map(|&b| (b / self.elem.size()) as usize).collect(),
            texture: self.texture.as_ref().map(|t| TextureDesc { width: t.width as usize, heights: t.heights.iter().map(|&h| h as usize).collect() }),
            words: false,
            halves: false,
        }
    }
}

/// Ops whose kernels view operands under another shape, so their tensors stay linear.
const LINEAR_ONLY: &[&str] = &["Softmax", "LogSoftmax", "MatMul", "Linear", "LinearQ4", "Gemm", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "LayerNormalization", "InstanceNormalization", "GroupNormalization", "NormStats", "KvCacheWrite", "CachedAttention", "CachedAttentionSplit", "AttentionCombine"];

#[derive(Debug, Clone)]
pub struct Virtualized {
    pub physical: HashMap<TensorId, Physical>,
    /// Nodes that need no kernel because their output aliases their input.
    pub aliased_nodes: Vec<NodeId>,
}

/// Physical dimensions, outermost first: the logical shape, or [N, H, W, C padded to 4].
fn physical_dims(shape: &[usize], layout: Layout) -> Vec<u64> {
    match (layout, shape) {
        (Layout::Phwc4, [n, c, h, w]) => vec![*n as u64, *h as u64, *w as u64, c.div_ceil(4) as u64 * 4],
        _ => shape.iter().map(|&d| d as u64).collect(),
    }
}

fn bytes_of(shape: &[usize], elem: ElemType, layout: Layout) -> u64 {
    // Shapes are bounded by the frontend (MAX_ELEMENTS); saturate anyway.
    let n: u64 = physical_dims(shape, layout).iter().fold(1u64, |a, &d| a.saturating_mul(d));
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
    if !bytes.is_multiple_of(chunk) {
        out.push(bytes % chunk);
    }
    out
}

/// Image geometry for `dims` (physical dimensions of `layout`, outermost first) within
/// `max_w` x `max_h` texels;
/// `None` when the tensor is empty or a limit is zero.
pub fn texture_geometry(dims: &[u64], layout: Layout, max_w: u32, max_h: u32) -> Option<Texture> {
    let numel = dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d))?;
    if numel == 0 || max_w == 0 || max_h == 0 {
        return None;
    }
    // One image row per physical row (x = innermost dimension; PHWC4: x walks W then the
    // four channels of a slice), so neighbouring rows of the tensor are neighbouring rows
    // of the image; outer dimensions join the row only while the image is too tall.
    let inner = match layout {
        Layout::Phwc4 => 2,
        Layout::Linear => 1,
    };
    let mut rev = dims.iter().rev();
    let mut width = rev.by_ref().take(inner).try_fold(1u64, |a, &d| a.checked_mul(d))?;
    if width > u64::from(max_w) || width == 0 {
        width = numel.min(u64::from(max_w));
    } else {
        for &d in rev {
            match width.checked_mul(d) {
                Some(w) if numel.div_ceil(width) > u64::from(max_h) && w <= u64::from(max_w) => width = w,
                _ => break,
            }
        }
    }
    let rows = numel.div_ceil(width);
    let full = u64::from(max_h);
    let mut heights = vec![max_h; (rows / full) as usize];
    if rows % full != 0 {
        heights.push(u32::try_from(rows % full).ok()?);
    }
    Some(Texture { width: u32::try_from(width).ok()?, heights })
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
    // Outputs their op keeps in f32 whatever the precision.
    let full: std::collections::HashSet<TensorId> = order.iter().flat_map(|&id| {
        let n = g.node(id);
        n.op.f32_outputs().iter().filter_map(|&i| n.outputs.get(i).copied()).collect::<Vec<_>>()
    }).collect();
    let mut physical = HashMap::new();
    for (t, tensor) in g.tensors.iter() {
        // Quantized weights (int8 constants) stay 8-bit, packed four to a word.
        let elem = if is_float(tensor.dtype) && full.contains(&t) {
            ElemType::F32
        } else if is_float(tensor.dtype) {
            float_elem
        } else if tensor.dtype == crate::ir::DType::I8 && tensor.value.is_some() {
            ElemType::I8x4
        } else {
            ElemType::I32
        };
        let pool = if tensor.is_const() { PoolRole::Weights } else { PoolRole::Activations };
        let layout = if pool == PoolRole::Activations && tensor.shape.len() == 4 && !linear_only.contains(&t) && target.tuning.activation_layout == ActivationLayout::Phwc4 {
            Layout::Phwc4
        } else {
            Layout::Linear
        };
        let bytes = bytes_of(&tensor.shape, elem, layout);
        let objects = split_objects(bytes, target.limits.max_storage_buffer_range, target.limits.min_storage_buffer_offset_alignment as u64);
        physical.insert(t, Physical { pool, elem, layout, storage: StorageKind::Buffer, bytes, alias_of: None, objects, texture: None });
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
    if target.tuning.activation_storage == TargetStorage::Texture2d {
        let io: std::collections::HashSet<TensorId> = g.inputs.iter().chain(&g.outputs).chain(&g.state).copied().collect();
        let aliased: std::collections::HashSet<TensorId> = physical.iter().filter_map(|(&t, p)| p.alias_of.map(|r| [t, r])).flatten().collect();
        for (t, p) in physical.iter_mut() {
            // f16 texels only where the device has cl_khr_fp16: PoCL 3.1 (no fp16) returned
            // wrong values through CL_HALF_FLOAT images (runtime-min tests/opencl_basic.rs).
            let texel_ok = p.elem == ElemType::F32 || (p.elem == ElemType::F16 && target.features.fp16);
            if p.pool != PoolRole::Activations || io.contains(t) || aliased.contains(t) || !texel_ok {
                continue;
            }
            let dims = physical_dims(&g.tensor(*t).shape, p.layout);
            let Some(tex) = texture_geometry(&dims, p.layout, target.limits.max_image2d_width, target.limits.max_image2d_height) else { continue };
            let per_object: Vec<u64> = tex.heights.iter().map(|&h| u64::from(tex.width) * u64::from(h) * p.elem.size()).collect();
            p.bytes = per_object.iter().sum();
            p.objects = if per_object.len() > 1 { per_object } else { Vec::new() };
            p.storage = StorageKind::Texture2d;
            p.texture = Some(tex);
        }
    }
    Virtualized { physical, aliased_nodes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texture_rows_follow_physical_rows() {
        // NCHW [1, 32, 112, 112] linear: one image row per tensor row.
        let t = texture_geometry(&[1, 32, 112, 112], Layout::Linear, 16384, 16384).expect("fits");
        assert_eq!((t.width, t.heights.clone()), (112, vec![32 * 112]));
        // PHWC4 [N=1][H=7][W=7][C4=1280]: a row is W x C4 = 8960 texels.
        let t = texture_geometry(&[1, 7, 7, 1280], Layout::Phwc4, 16384, 16384).expect("fits");
        assert_eq!((t.width, t.heights.clone()), (8960, vec![7]));
    }

    #[test]
    fn tall_tensors_widen_then_split() {
        // 64 rows of 4 with at most 16 rows: widen to 4 x 8 = 32 texels (8 rows).
        let t = texture_geometry(&[8, 8, 4], Layout::Linear, 32, 16).expect("fits");
        assert_eq!((t.width, t.heights.clone()), (32, vec![8]));
        // 1000 rows of 3 texels widen to 3 x 10 (the cap): 100 rows, in images of 16 rows.
        let t = texture_geometry(&[100, 10, 3], Layout::Linear, 30, 16).expect("splits");
        assert_eq!(t.width, 3 * 10);
        assert_eq!(t.heights, vec![16, 16, 16, 16, 16, 16, 4]);
        // A row wider than the image wraps at the maximum width.
        let t = texture_geometry(&[2, 100], Layout::Linear, 64, 16).expect("wraps");
        assert_eq!((t.width, t.heights.clone()), (64, vec![4]));
        assert!(texture_geometry(&[0, 4], Layout::Linear, 64, 16).is_none());
    }
}
