#!/usr/bin/env python3
"""golden/models/attention_wide: MatMul(Q, Kt) -> Mul(scale) -> Add(mask) -> Softmax -> MatMul(., V)
with a 100-wide value head, so the fused attention kernel splits values into a full and a
partial chunk. onnx.helper, opset 17; run in .venv, then make_references.py."""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = os.path.join(root, "golden", "models", "attention_wide")
os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
B, H, N, M, D, DV = 1, 2, 5, 6, 8, 100
rng = np.random.RandomState(0)
mask = np.where(rng.rand(1, 1, N, M) < 0.2, -1e4, 0.0).astype(np.float32)
nodes = [
    helper.make_node("MatMul", ["q", "kt"], ["s"], name="scores"),
    helper.make_node("Mul", ["s", "scale"], ["s2"], name="scale"),
    helper.make_node("Add", ["s2", "mask"], ["s3"], name="mask"),
    helper.make_node("Softmax", ["s3"], ["p"], axis=-1, name="softmax"),
    helper.make_node("MatMul", ["p", "v"], ["y"], name="context"),
]
graph = helper.make_graph(
    nodes, "attention_wide",
    [helper.make_tensor_value_info("q", TensorProto.FLOAT, [B, H, N, D]),
     helper.make_tensor_value_info("kt", TensorProto.FLOAT, [B, H, D, M]),
     helper.make_tensor_value_info("v", TensorProto.FLOAT, [B, H, M, DV])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, H, N, DV])],
    [helper.make_tensor("scale", TensorProto.FLOAT, [], [D ** -0.5]), onnx.numpy_helper.from_array(mask, "mask")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "model.onnx"))
for name, shape in (("q", (B, H, N, D)), ("kt", (B, H, D, M)), ("v", (B, H, M, DV))):
    np.save(os.path.join(out, "inputs", f"{name}.npy"), rng.standard_normal(shape).astype(np.float32))
