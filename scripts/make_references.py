#!/usr/bin/env python3
"""(Re)compute reference outputs for one model directory with onnxruntime (CPU).

Layout of DIR:
  model.onnx            the model (plus any external data file next to it)
  inputs/<name>.npy     one array per graph input (<name> sanitized)
  outputs/<name>.npy    written here: one array per graph output
  meta.json             written here: names, files, shapes, dtypes, shape_args, source

Inputs that are missing are generated: float32 from numpy RandomState(0), drawn in
graph-input order, standard normal (--dist normal) or U(0,1) (--dist uniform).
Dynamic input dims must be given with --shape NAME=D0,D1,... when inputs are generated;
they are recorded as "shape_args" in meta.json. onnxruntime runs with
ORT_DISABLE_ALL, so outputs come from the plain graph.

  usage: .venv/bin/python scripts/make_references.py DIR [--dist normal|uniform]
             [--shape x=1,3,224,224] [--source TEXT] [--regen-inputs]
         .venv/bin/python scripts/make_references.py --check DIR [DIR...]
"""
import argparse
import json
import os
import re
import sys

import numpy as np
import onnx
import onnxruntime as ort

ONNX_TO_NP = {
    onnx.TensorProto.FLOAT: "float32",
    onnx.TensorProto.DOUBLE: "float64",
    onnx.TensorProto.FLOAT16: "float16",
    onnx.TensorProto.INT64: "int64",
    onnx.TensorProto.INT32: "int32",
    onnx.TensorProto.INT8: "int8",
    onnx.TensorProto.UINT8: "uint8",
    onnx.TensorProto.BOOL: "bool",
}


def sanitize(name):
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def graph_inputs(model):
    inits = {t.name for t in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def declared_dims(value_info):
    """Dims of a graph input: int for a fixed dim, None for a dynamic one
    (dim_param, no value, or a non-positive dim_value as some exporters write)."""
    dims = []
    for d in value_info.type.tensor_type.shape.dim:
        dims.append(d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None)
    return dims


def parse_shapes(items):
    shapes = {}
    for item in items or []:
        name, _, dims = item.rpartition("=")
        shapes[name] = [int(d) for d in dims.split(",")]
    return shapes


def save_npy(path, arr):
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=False)


def session(model_path):
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.intra_op_num_threads = 1  # deterministic reductions
    return ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])


def make(d, dist="normal", shapes=None, source=None, regen_inputs=False):
    model_path = os.path.join(d, "model.onnx")
    model = onnx.load(model_path, load_external_data=False)
    shapes = shapes or {}
    old = {}
    meta_path = os.path.join(d, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            old = json.load(f)
    if source is None:
        source = old.get("source", "")
    if not shapes:
        shapes = parse_shapes(old.get("shape_args"))

    rng = np.random.RandomState(0)
    feeds, ins, shape_args = {}, [], []
    for vi in graph_inputs(model):
        rel = "inputs/%s.npy" % sanitize(vi.name)
        path = os.path.join(d, rel)
        dims = declared_dims(vi)
        dtype = ONNX_TO_NP[vi.type.tensor_type.elem_type]
        if os.path.exists(path) and not regen_inputs:
            arr = np.load(path)
        else:
            shape = shapes.get(vi.name, dims)
            if None in shape or len(shape) != len(dims):
                sys.exit("%s: input %r has dims %s: give --shape %s=..." % (d, vi.name, dims, vi.name))
            if dist == "uniform":
                arr = rng.uniform(0.0, 1.0, size=shape)
            else:
                arr = rng.standard_normal(size=shape)
            arr = arr.astype(dtype)
            save_npy(path, arr)
        if None in dims:
            shape_args.append("%s=%s" % (vi.name, ",".join(str(x) for x in arr.shape)))
        feeds[vi.name] = arr
        ins.append({"name": vi.name, "file": rel, "shape": list(arr.shape), "dtype": str(arr.dtype)})

    sess = session(model_path)
    names = [o.name for o in sess.get_outputs()]
    results = sess.run(names, feeds)
    outs = []
    for name, arr in zip(names, results):
        rel = "outputs/%s.npy" % sanitize(name)
        save_npy(os.path.join(d, rel), arr)
        outs.append({"name": name, "file": rel, "shape": list(arr.shape), "dtype": str(arr.dtype)})
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            sys.exit("%s: output %r has non-finite values" % (d, name))

    meta = {"inputs": ins, "outputs": outs}
    if shape_args:
        meta["shape_args"] = shape_args
    meta["source"] = source
    with open(meta_path, "w") as f:
        text = json.dumps(meta, indent=2)
        # keep shape lists on one line
        text = re.sub(r"\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]",
                      lambda m: "[%s]" % ", ".join(x.strip() for x in m.group(1).split(",")), text)
        f.write(text + "\n")
    return meta


def check(d, rtol=1e-5, atol=1e-6):
    """Re-run onnxruntime on the stored inputs and compare with the stored outputs."""
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    sess = session(os.path.join(d, "model.onnx"))
    feeds = {i["name"]: np.load(os.path.join(d, i["file"])) for i in meta["inputs"]}
    for i in meta["inputs"]:
        assert list(feeds[i["name"]].shape) == i["shape"] and str(feeds[i["name"]].dtype) == i["dtype"], i
    got = sess.run([o["name"] for o in meta["outputs"]], feeds)
    ok = True
    for o, arr in zip(meta["outputs"], got):
        want = np.load(os.path.join(d, o["file"]))
        same = (want.shape == arr.shape and str(want.dtype) == o["dtype"] and list(want.shape) == o["shape"]
                and np.allclose(arr, want, rtol=rtol, atol=atol))
        ok &= bool(same)
        print("%s %s: %s %s %s" % ("ok  " if same else "FAIL", d, o["name"], o["shape"], o["dtype"]))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--check", action="store_true", help="verify stored outputs instead of writing")
    ap.add_argument("--dist", choices=["normal", "uniform"], default="normal")
    ap.add_argument("--shape", action="append", help="NAME=D0,D1,... for dynamic inputs")
    ap.add_argument("--source", help="text for meta.json 'source' (kept from meta.json if omitted)")
    ap.add_argument("--regen-inputs", action="store_true", help="overwrite existing inputs/*.npy")
    a = ap.parse_args()
    if a.check:
        sys.exit(0 if all([check(d) for d in a.dirs]) else 1)
    for d in a.dirs:
        meta = make(d, a.dist, parse_shapes(a.shape), a.source, a.regen_inputs)
        print("wrote %s: %s -> %s" % (d, [i["shape"] for i in meta["inputs"]],
                                       [o["shape"] for o in meta["outputs"]]))


if __name__ == "__main__":
    main()
