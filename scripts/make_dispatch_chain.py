#!/usr/bin/env python3
"""Writes an ONNX model of N dependent MatMuls, x [1, D] by N random D x D weights in turn,
so a bundle of it runs N dispatches that each wait for the last and do almost no work:
`driftc run BUNDLE --input x=X.npy --runs 30` then times a backend's cost per dependent
dispatch (GPU time / N) on a device, Vulkan against OpenCL on the same GPU.

    usage: make_dispatch_chain.py OUT.onnx X.npy [N [D]]   (defaults 200, 64)
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, x_path = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    d = int(sys.argv[4]) if len(sys.argv) > 4 else 64
    rng = np.random.default_rng(0)
    nodes, weights, prev = [], [], "x"
    for i in range(n):
        w = (rng.standard_normal((d, d)) / np.sqrt(d)).astype(np.float32)
        weights.append(numpy_helper.from_array(w, f"w{i}"))
        y = "y" if i == n - 1 else f"h{i}"
        nodes.append(helper.make_node("MatMul", [prev, f"w{i}"], [y], name=f"mm{i}"))
        prev = y
    graph = helper.make_graph(nodes, "dispatch_chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, d])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, d])], weights)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), out)
    np.save(x_path, np.ones((1, d), np.float32))
    print(f"wrote {out} ({n} MatMuls of {d} x {d}) and {x_path}")


if __name__ == "__main__":
    main()
