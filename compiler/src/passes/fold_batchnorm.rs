//! fold-batchnorm: BatchNormalization after a Conv whose weights are constant is folded
//! into the Conv's weights and bias; any other BatchNormalization becomes a per-channel
//! Mul and Add (which fusion then merges into the producer).
//!
//! ```text
//!   x ─ Conv(W, b) ─ BN(s, β, μ, σ²) ─ y      ⇒      x ─ Conv(W·m, b·m + a) ─ y
//!                                                    m = s/√(σ²+ε), a = β − μ·m
//! ```

use super::{Pass, PassError, PassReport};
use crate::ir::{Graph, Node, NodeId, Value};
use crate::ops::batchnorm::BatchNorm;
use crate::ops::conv::Conv;
use crate::ops::elementwise::{ElementwiseOp, Kind};
use crate::target::Target;

pub struct FoldBatchNorm;

fn fail(message: String) -> PassError {
    PassError::Failed { pass: "fold-batchnorm", message }
}

impl Pass for FoldBatchNorm {
    fn name(&self) -> &'static str {
        "fold-batchnorm"
    }
    fn run(&self, g: &mut Graph, _target: &Target) -> Result<PassReport, PassError> {
        let order = g.order().map_err(|e| fail(e.to_string()))?;
        let consumers = g.consumers();
        let mut changes = 0;
        for id in order {
            let Some(bn) = g.node(id).op.as_any().downcast_ref::<BatchNorm>().cloned() else { continue };
            let node = g.node(id);
            let params: Vec<Option<Value>> = (1..5).map(|i| node.input(i).and_then(|t| g.tensor(t).value.as_deref().cloned())).collect();
            let [Some(s), Some(b), Some(m), Some(v)] = <[Option<Value>; 4]>::try_from(params).map_err(|_| fail("BatchNormalization needs 5 inputs".into()))? else {
                return Err(fail(format!("node '{}': BatchNormalization parameters must be constants", node.name)));
            };
            let (mul, add) = bn.affine(&s, &b, &m, &v).map_err(|e| fail(format!("node '{}': {e}", node.name)))?;
            let (x, y) = (node.input(0).ok_or_else(|| fail("missing input".into()))?, node.outputs[0]);
            let producer = g.tensor(x).producer;
            let foldable = producer.filter(|&p| {
                let pn = g.node(p);
                pn.op.as_any().is::<Conv>() && pn.epilogue.is_empty() && consumers.get(&x).map_or(0, |c| c.len()) == 1 && !g.outputs.contains(&x) && pn.input(1).is_some_and(|w| g.tensor(w).value.is_some())
            });
            if let Some(p) = foldable {
                fold_into_conv(g, p, id, y, &mul, &add)?;
            } else {
                decompose(g, id, x, y, &mul, &add);
            }
            changes += 1;
        }
        Ok(PassReport { changes })
    }
}

fn fold_into_conv(g: &mut Graph, conv: NodeId, bn: NodeId, y: crate::ir::TensorId, mul: &[f32], add: &[f32]) -> Result<(), PassError> {
    let cn = g.node(conv);
    let w = cn.input(1).ok_or_else(|| fail("conv without weight".into()))?;
    let wv = g.tensor(w).value.as_deref().cloned().ok_or_else(|| fail("conv weight not constant".into()))?;
    let oc = *wv.shape.first().unwrap_or(&0);
    if oc != mul.len() {
        return Err(fail(format!("node '{}': {} BatchNormalization channels after {oc} conv channels", cn.name, mul.len())));
    }
    let per = wv.len() / oc.max(1);
    let new_w: Vec<f32> = wv.as_f32().iter().enumerate().map(|(i, &x)| x * mul[i / per.max(1)]).collect();
    let old_b = cn.input(2).and_then(|b| g.tensor(b).value.as_deref().map(|v| v.as_f32())).unwrap_or_else(|| vec![0.0; oc]);
    let new_b: Vec<f32> = (0..oc).map(|c| old_b.get(c).copied().unwrap_or(0.0) * mul[c] + add[c]).collect();
    let base = cn.name.clone();
    let wt = g.add_const(format!("{base}.folded_weight"), Value::from_f32_as(wv.dtype, wv.shape.clone(), new_w));
    let bt = g.add_const(format!("{base}.folded_bias"), Value::from_f32_as(wv.dtype, vec![oc], new_b));
    g.remove_node(bn);
    let cn = &mut g.nodes[conv];
    cn.inputs.resize(3, None);
    cn.inputs[1] = Some(wt);
    cn.inputs[2] = Some(bt);
    cn.outputs[0] = y;
    g.tensors[y].producer = Some(conv);
    Ok(())
}

fn decompose(g: &mut Graph, bn: NodeId, x: crate::ir::TensorId, y: crate::ir::TensorId, mul: &[f32], add: &[f32]) {
    let name = g.node(bn).name.clone();
    let rank = g.tensor(x).shape.len();
    let mut pshape = vec![mul.len()];
    pshape.extend(std::iter::repeat(1).take(rank.saturating_sub(2)));
    let dtype = g.tensor(x).dtype;
    let xshape = g.tensor(x).shape.clone();
    let mt = g.add_const(format!("{name}.mul"), Value::f32(pshape.clone(), mul.to_vec()));
    let at = g.add_const(format!("{name}.add"), Value::f32(pshape, add.to_vec()));
    let mid = g.add_tensor(format!("{name}.scaled"), dtype, xshape, crate::ir::Role::Activation);
    g.remove_node(bn);
    let mul_op = Box::new(ElementwiseOp { kind: Kind::Mul, alpha: 0.0, beta: 0.0 });
    let add_op = Box::new(ElementwiseOp { kind: Kind::Add, alpha: 0.0, beta: 0.0 });
    g.add_node(Node::new(format!("{name}.mul"), mul_op, vec![Some(x), Some(mt)], vec![mid]));
    g.add_node(Node::new(format!("{name}.add"), add_op, vec![Some(mid), Some(at)], vec![y]));
}
