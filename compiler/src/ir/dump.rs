//! Deterministic text form of a graph: inputs, outputs, then one line per node in
//! execution order with its op, attributes, operand shapes and fused epilogue.

use std::fmt::Write;

use super::{Graph, TensorId};

fn shape_str(shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    format!("[{}]", dims.join(","))
}

fn tensor_str(g: &Graph, t: TensorId) -> String {
    let tensor = g.tensor(t);
    let kind = if tensor.is_const() { "const " } else { "" };
    let dtype = format!("{:?}", tensor.dtype).to_lowercase();
    format!("%{} {kind}{dtype}{}", tensor.name, shape_str(&tensor.shape))
}

pub(super) fn dump(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "graph {} (opset {})", g.name, g.opset);
    for &t in &g.inputs {
        let _ = writeln!(out, "  input  {}", tensor_str(g, t));
    }
    for &t in &g.outputs {
        let _ = writeln!(out, "  output {}", tensor_str(g, t));
    }
    let order = match g.order() {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(out, "  <cannot order: {e}>");
            return out;
        }
    };
    for id in order {
        let n = g.node(id);
        let ins: Vec<String> = n.inputs.iter().map(|i| i.map(|t| tensor_str(g, t)).unwrap_or_else(|| "_".into())).collect();
        let outs: Vec<String> = n.outputs.iter().map(|&t| tensor_str(g, t)).collect();
        let attrs = n.op.attrs();
        let attrs = if attrs.is_empty() { String::new() } else { format!("{{{attrs}}}") };
        let rows = n.last_row.map(|r| format!(" rows[axis {}]..={}", r.axis, tensor_str(g, r.tensor))).unwrap_or_default();
        let _ = writeln!(out, "  {} = {}{}({}){rows}  # {}", outs.join(", "), n.op.op_type(), attrs, ins.join(", "), n.name);
        for step in &n.epilogue {
            let args: Vec<String> = step.args.iter().map(|a| a.map(|t| tensor_str(g, t)).unwrap_or_else(|| "_".into())).collect();
            let attrs = step.op.attrs();
            let attrs = if attrs.is_empty() { String::new() } else { format!("{{{attrs}}}") };
            let _ = writeln!(out, "      then {}{}({})  # {}", step.op.op_type(), attrs, args.join(", "), step.from);
        }
    }
    out
}
