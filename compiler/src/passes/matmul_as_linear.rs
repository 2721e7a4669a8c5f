//! matmul-as-linear: where the target asks for it (`tuning.onnx_matmul_as_linear`), an
//! ONNX MatMul by a constant 2-D weight becomes a Linear over that weight transposed once
//! at compile time, so an imported transformer's projections run the kernels the LLM path
//! has (`linear_coop` on cooperative matrices for many rows on targets that prefill on
//! them, `linear_tiled`, `linear_matvec` for one row) instead of the general `matmul`.
//!
//! ```text
//!   x [.., M, K] ─ MatMul(W [K, N]) ─ y   ⇒   x ─ Linear(Wᵀ [N, K]) ─ y
//! ```
//!
//! Only float MatMuls whose second input is a constant [K, N] with K and N positive and
//! whose first input has rank 2 or more and K inputs per row; the original weight is left
//! to the unread-weight cleanup when no other node reads it.

use super::{Pass, PassError, PassReport};
use crate::ir::{DType, Graph, NodeId, TensorId};
use crate::ops::linear::Linear;
use crate::ops::transpose::Transpose;
use crate::ops::Op;
use crate::target::Target;

pub struct MatmulAsLinear;

impl Pass for MatmulAsLinear {
    fn name(&self) -> &'static str {
        "matmul-as-linear"
    }
    fn run(&self, g: &mut Graph, target: &Target) -> Result<PassReport, PassError> {
        if !target.tuning.onnx_matmul_as_linear {
            return Ok(PassReport::default());
        }
        let order = g.order().map_err(|e| PassError::Failed { pass: "matmul-as-linear", message: e.to_string() })?;
        let mut transposed: std::collections::HashMap<TensorId, TensorId> = std::collections::HashMap::new();
        let mut changes = 0;
        for id in order {
            let Some(w) = candidate(g, id) else { continue };
            let wt = match transposed.get(&w) {
                Some(&t) => t,
                None => {
                    let value = g.tensor(w).value.as_ref().ok_or_else(|| PassError::Failed { pass: "matmul-as-linear", message: format!("weight '{}' has no value", g.tensor(w).name) })?;
                    let flipped = Transpose { perm: Some(vec![1, 0]) }.eval(&[Some(value)]).map_err(|e| PassError::Failed { pass: "matmul-as-linear", message: format!("weight '{}': {e}", g.tensor(w).name) })?;
                    let Some(flipped) = flipped.into_iter().next() else { continue };
                    let name = format!("{}.T", g.tensor(w).name);
                    let t = g.add_const(name, flipped);
                    transposed.insert(w, t);
                    t
                }
            };
            let node = &mut g.nodes[id];
            node.op = Box::new(Linear::default());
            if let Some(slot) = node.inputs.get_mut(1) {
                *slot = Some(wt);
            }
            changes += 1;
        }
        if changes > 0 {
            g.rebuild_edges();
        }
        Ok(PassReport { changes })
    }
}

/// The constant [K, N] weight of a MatMul node `id` that can become a Linear.
fn candidate(g: &Graph, id: NodeId) -> Option<TensorId> {
    let n = g.nodes.node_weight(id)?;
    if n.op.op_type() != "MatMul" || !n.epilogue.is_empty() || n.inputs.len() != 2 {
        return None;
    }
    let (x, w) = (n.input(0)?, n.input(1)?);
    let (xt, wt) = (g.tensor(x), g.tensor(w));
    let float = |d: DType| matches!(d, DType::F32 | DType::F16);
    let &[k, cols] = wt.shape.as_slice() else { return None };
    let rows_fit = xt.shape.len() >= 2 && xt.shape.last() == Some(&k);
    (wt.value.is_some() && float(wt.dtype) && float(xt.dtype) && k > 0 && cols > 0 && rows_fit).then_some(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Node, Role, Value};
    use crate::reference;

    /// A MatMul by a constant becomes a Linear over the transposed weight with the same
    /// results; one by a graph input stays; off by default.
    #[test]
    fn a_constant_weight_matmul_becomes_a_linear() {
        let mut g = Graph::default();
        let x = g.add_tensor("x", DType::F32, vec![1, 3, 4], Role::Input);
        let b = g.add_tensor("b", DType::F32, vec![4, 5], Role::Input);
        let w = g.add_const("w", Value::f32(vec![4, 5], (0..20).map(|i| (i % 7) as f32 - 3.0).collect()));
        let (y, z) = (g.add_tensor("y", DType::F32, vec![1, 3, 5], Role::Activation), g.add_tensor("z", DType::F32, vec![1, 3, 5], Role::Activation));
        g.add_node(Node::new("proj", Box::new(crate::ops::matmul::MatMul), vec![Some(x), Some(w)], vec![y]));
        g.add_node(Node::new("dyn", Box::new(crate::ops::matmul::MatMul), vec![Some(x), Some(b)], vec![z]));
        g.inputs = vec![x, b];
        g.outputs = vec![y, z];
        g.rebuild_edges();
        let mut inputs = std::collections::BTreeMap::new();
        inputs.insert("x".to_string(), Value::f32(vec![1, 3, 4], (0..12).map(|i| i as f32 / 3.0).collect()));
        inputs.insert("b".to_string(), Value::f32(vec![4, 5], (0..20).map(|i| 1.0 - i as f32 / 10.0).collect()));
        let want = reference::run(&g, &inputs).expect("runs");
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../targets/lavapipe.toml")).expect("target file");
        let off = Target::from_toml(&text, std::path::Path::new("lavapipe.toml")).expect("target parses");
        assert_eq!(MatmulAsLinear.run(&mut g, &off).expect("runs").changes, 0, "off by default");
        let on = Target::from_toml(&text.replace("[tuning]", "[tuning]\nonnx_matmul_as_linear = true"), std::path::Path::new("lavapipe.toml")).expect("target parses");
        assert_eq!(MatmulAsLinear.run(&mut g, &on).expect("runs").changes, 1, "only the constant weight's");
        g.check().expect("consistent");
        let types: Vec<&str> = g.order().expect("order").into_iter().map(|id| g.node(id).op.op_type()).collect();
        assert!(types.contains(&"Linear") && types.contains(&"MatMul"), "{types:?}");
        let got = reference::run(&g, &inputs).expect("runs");
        for name in ["y", "z"] {
            assert_eq!(got[name].as_f32(), want[name].as_f32(), "{name}");
        }
    }
}
