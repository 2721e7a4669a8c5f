#!/usr/bin/env python3
"""Make the committed golden models under golden/models/ and their reference data.

  torch     (Debian /usr/bin/python3 + python3-torch/torchvision, apt-installed if
            missing): torchvision MobileNetV2 and SqueezeNet 1.1, random weights
            (torch.manual_seed(0), BatchNorm statistics randomized), eval, opset 13,
            static 1x3x224x224.
  handmade  (.venv python, onnx.helper): tiny_cnn, tiny_ops, shape_chain,
            external_data, mlp_dynamic; numpy-seeded weights, opset 17.
  refs      (.venv python): inputs (numpy seed 0) and onnxruntime outputs via
            scripts/make_references.py, then a re-check of every reference.

  usage: /usr/bin/python3 scripts/make_golden_models.py [--only torch|handmade|refs]
Each step re-executes itself under the interpreter it needs, so any python3 works
as the entry point. Deterministic: rerunning rewrites identical files.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.path.join(ROOT, "golden", "models")
VENV_PY = os.path.join(ROOT, ".venv", "bin", "python")
SYS_PY = "/usr/bin/python3"

# golden dir -> torchvision constructor
TORCH_MODELS = {
    "mobilenet_v2": "torchvision.models.mobilenet_v2",
    "squeezenet1_1": "torchvision.models.squeezenet1_1",
}
HANDMADE = ["tiny_cnn", "tiny_ops", "shape_chain", "external_data", "mlp_dynamic"]


def rerun(python, step):
    subprocess.run([python, os.path.abspath(__file__), "--only", step], check=True)


# ---------------------------------------------------------------- torch part

def ensure_torch():
    try:
        import torch, torchvision  # noqa: F401
    except ImportError:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "python3-torch",
                        "python3-torchvision", "python3-numpy"], check=True, env=env)


def randomize_batchnorm(model, torch):
    """Non-trivial BN statistics and affine params so BN folding is really tested."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            n = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(n) * 0.1)
                m.running_var.copy_(torch.rand(n) + 0.5)
                m.weight.copy_(torch.rand(n) + 0.5)
                m.bias.copy_(torch.randn(n) * 0.1)


def make_torch():
    import torch
    import torchvision

    for name, ctor in TORCH_MODELS.items():
        torch.manual_seed(0)
        model = getattr(torchvision.models, ctor.rsplit(".", 1)[1])(weights=None)
        randomize_batchnorm(model, torch)
        model.eval()
        d = os.path.join(GOLDEN, name)
        os.makedirs(d, exist_ok=True)
        x = torch.zeros(1, 3, 224, 224)
        torch.onnx.export(model, x, os.path.join(d, "model.onnx"), opset_version=13,
                          do_constant_folding=True, input_names=["input"],
                          output_names=["output"], training=torch.onnx.TrainingMode.EVAL)
        print("exported", name, "torch", torch.__version__, "torchvision", torchvision.__version__)


# ------------------------------------------------------------- handmade part

def make_handmade():
    import numpy as np
    import onnx
    from onnx import TensorProto as TP, helper as h, numpy_helper as nh

    def rand(rng, *shape, scale=0.5):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    def init(name, arr):  # stored in raw_data
        return nh.from_array(np.asarray(arr), name)

    def i64(name, vals):  # int64 initializer, raw_data
        return nh.from_array(np.asarray(vals, dtype=np.int64), name)

    def f32(name, vals):  # scalar/1-D float initializer, raw_data
        return nh.from_array(np.asarray(vals, dtype=np.float32), name)

    def vi(name, shape, elem=TP.FLOAT):
        return h.make_tensor_value_info(name, elem, shape)

    def save(name, graph, opset=17, **save_kw):
        model = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)],
                             producer_name="driftc/scripts/make_golden_models.py")
        model.ir_version = 8  # the IR version of opset 17
        onnx.checker.check_model(model)
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
        d = os.path.join(GOLDEN, name)
        os.makedirs(d, exist_ok=True)
        onnx.save_model(model, os.path.join(d, "model.onnx"), **save_kw)
        print("wrote", name)

    # ---- tiny_cnn ----------------------------------------------------------
    rng = np.random.RandomState(1)
    N = h.make_node
    nodes = [
        N("Conv", ["x", "conv1.w", "conv1.b"], ["conv1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        N("BatchNormalization", ["conv1", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"], ["bn1"],
          name="bn1", epsilon=1e-5),
        N("Relu", ["bn1"], ["relu1"], name="relu1"),
        N("Dropout", ["relu1"], ["drop1"], name="drop1"),
        N("Conv", ["drop1", "dw.w", "dw.b"], ["dw"], name="dw", kernel_shape=[3, 3], group=8,
          strides=[2, 2], pads=[1, 1, 1, 1]),
        N("Clip", ["dw", "clip.min", "clip.max"], ["clip"], name="clip_relu6"),
        N("Conv", ["clip", "pw.w", "pw.b"], ["pw"], name="pw", kernel_shape=[1, 1]),
        N("Conv", ["dw", "side.w"], ["side"], name="side", kernel_shape=[1, 1]),
        N("Add", ["pw", "side"], ["sum"], name="residual_add"),
        N("HardSwish", ["sum"], ["hswish"], name="hswish"),
        N("Identity", ["hswish"], ["ident"], name="identity"),
        N("MaxPool", ["ident"], ["pool"], name="maxpool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1),
        N("GlobalAveragePool", ["pool"], ["gap"], name="gap"),
        N("Flatten", ["gap"], ["flat"], name="flatten", axis=1),
        N("Gemm", ["flat", "fc.w", "fc.b"], ["logits"], name="fc", transB=1),
        N("Softmax", ["logits"], ["probs"], name="softmax", axis=-1),
    ]
    inits = [
        init("conv1.w", rand(rng, 8, 3, 3, 3)), init("conv1.b", rand(rng, 8, scale=0.1)),
        init("bn1.scale", rng.uniform(0.5, 1.5, 8).astype(np.float32)),
        init("bn1.bias", rand(rng, 8, scale=0.1)),
        init("bn1.mean", rand(rng, 8, scale=0.1)),
        init("bn1.var", rng.uniform(0.5, 1.5, 8).astype(np.float32)),
        init("dw.w", rand(rng, 8, 1, 3, 3)), init("dw.b", rand(rng, 8, scale=0.1)),
        f32("clip.min", 0.0), f32("clip.max", 6.0),
        init("pw.w", rand(rng, 5, 8, 1, 1)), init("pw.b", rand(rng, 5, scale=0.1)),
        init("side.w", rand(rng, 5, 8, 1, 1)),
        init("fc.w", rand(rng, 10, 5)), init("fc.b", rand(rng, 10, scale=0.1)),
    ]
    save("tiny_cnn", h.make_graph(nodes, "tiny_cnn", [vi("x", [1, 3, 16, 16])],
                                  [vi("probs", [1, 10])], inits))

    # ---- tiny_ops ----------------------------------------------------------
    rng = np.random.RandomState(2)
    nodes = [
        # ConvTranspose 3->5, stride 2, pads 1, output_padding 1: 8x8 -> 16x16
        N("ConvTranspose", ["a", "up.w", "up.b"], ["up"], name="deconv", kernel_shape=[3, 3],
          strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
        N("LeakyRelu", ["up"], ["up_lrelu"], name="leaky_relu", alpha=0.1),
        N("AveragePool", ["up_lrelu"], ["avg"], name="avgpool", kernel_shape=[3, 3], strides=[2, 2],
          pads=[1, 1, 1, 1], count_include_pad=0),
        N("Mul", ["avg", "g"], ["gated"], name="gate_mul"),
        N("Sigmoid", ["gated"], ["sig"], name="sigmoid"),
        N("Tanh", ["a"], ["tanh"], name="tanh"),
        N("Concat", ["sig", "tanh"], ["cat"], name="concat_c", axis=1),                # [1,8,8,8]
        # broadcasting element-wise chain
        N("Sub", ["cat", "ew.sub"], ["ew_sub"], name="bcast_sub"),                      # [8,1,1]
        N("Mul", ["ew_sub", "ew.mul"], ["ew_mul"], name="bcast_mul"),                   # [1,1,1,8]
        N("Div", ["ew_mul", "ew.div"], ["ew_div"], name="bcast_div"),                   # [1,8,1,1]
        N("Pow", ["ew_div", "two"], ["elementwise"], name="pow_square"),
        N("Pow", ["sig", "half"], ["sqrt_sig"], name="pow_sqrt"),
        # reshape / transpose / batched matmul
        N("Reshape", ["cat", "rs.shape"], ["rs"], name="reshape_4x8x16"),              # [4,0,-1]
        N("Transpose", ["rs"], ["rs_t"], name="transpose_021", perm=[0, 2, 1]),         # [4,16,8]
        N("MatMul", ["rs_t", "mm.w"], ["matmul"], name="batched_matmul"),               # [4,16,5]
        N("Squeeze", ["tanh", "axes0"], ["tanh_sq"], name="squeeze0"),                 # [3,8,8]
        N("MatMul", ["tanh_sq", "mm2.w"], ["mm2"], name="batched_matmul_c3"),           # [3,8,5]
        N("Unsqueeze", ["mm2", "axes0"], ["unsqueezed"], name="unsqueeze0"),           # [1,3,8,5]
        # pads and resizes
        N("Pad", ["a", "pad.c", "pad.value"], ["pad_const"], name="pad_constant", mode="constant"),
        N("Resize", ["pad_const", "", "rz.scales"], ["resize_nearest"], name="resize_nearest_x2",
          mode="nearest"),
        N("Pad", ["a", "pad.r"], ["pad_reflect"], name="pad_reflect", mode="reflect"),
        N("Resize", ["pad_reflect", "", "", "rz.sizes"], ["resize_linear"], name="resize_linear_20",
          mode="linear", coordinate_transformation_mode="half_pixel"),
    ]
    inits = [
        init("up.w", rand(rng, 3, 5, 3, 3)), init("up.b", rand(rng, 5, scale=0.1)),
        init("ew.sub", rand(rng, 8, 1, 1)), init("ew.mul", rand(rng, 1, 1, 1, 8, scale=1.0)),
        init("ew.div", (rng.uniform(0.5, 2.0, (1, 8, 1, 1)) * rng.choice([-1, 1], (1, 8, 1, 1))).astype(np.float32)),
        f32("two", 2.0), f32("half", 0.5),
        i64("rs.shape", [4, 0, -1]), init("mm.w", rand(rng, 8, 5)),
        i64("axes0", [0]), init("mm2.w", rand(rng, 8, 5)),
        i64("pad.c", [0, 0, 1, 2, 0, 0, 2, 1]), f32("pad.value", 0.5),
        f32("rz.scales", [1, 1, 2, 2]),
        i64("pad.r", [0, 0, 2, 2, 0, 0, 2, 2]), i64("rz.sizes", [1, 3, 20, 20]),
    ]
    outs = [vi("elementwise", [1, 8, 8, 8]), vi("sqrt_sig", [1, 5, 8, 8]), vi("matmul", [4, 16, 5]),
            vi("unsqueezed", [1, 3, 8, 5]), vi("resize_nearest", [1, 3, 22, 22]),
            vi("resize_linear", [1, 3, 20, 20])]
    save("tiny_ops", h.make_graph(nodes, "tiny_ops", [vi("a", [1, 3, 8, 8]), vi("g", [1, 5, 8, 8])],
                                  outs, inits))

    # ---- shape_chain -------------------------------------------------------
    rng = np.random.RandomState(3)
    nodes = [
        N("Shape", ["x"], ["x_shape"], name="shape"),
        N("Gather", ["x_shape", "idx0"], ["batch"], name="gather_batch", axis=0),
        N("Unsqueeze", ["batch", "axes0"], ["batch_1d"], name="unsqueeze_batch"),
        N("Concat", ["batch_1d", "minus_one"], ["flat_shape"], name="concat_shape", axis=0),
        N("Reshape", ["x", "flat_shape"], ["flat"], name="reshape_flat"),                  # [1,96]
        N("Shape", ["flat"], ["flat_shape2"], name="shape_flat"),
        N("ConstantOfShape", ["flat_shape2"], ["ones_i32"], name="const_of_shape",
          value=h.make_tensor("value", TP.INT32, [1], [2])),
        N("Cast", ["ones_i32"], ["ones_f"], name="cast_f32", to=TP.FLOAT),
        N("Add", ["flat", "ones_f"], ["shifted"], name="add_const"),
        N("Constant", [], ["scale"], name="scale_const",
          value=h.make_tensor("scale", TP.FLOAT, [96], rng.uniform(0.5, 1.5, 96).astype(np.float32).tolist())),
        N("Mul", ["shifted", "scale"], ["scaled"], name="mul_scale"),
        N("MatMul", ["scaled", "fc.w"], ["fc"], name="fc_matmul"),
        N("Add", ["fc", "fc.b"], ["y"], name="fc_bias"),
    ]
    inits = [
        h.make_tensor("idx0", TP.INT64, [], [0]),                           # int64_data
        h.make_tensor("minus_one", TP.INT64, [1], [-1]),                    # int64_data
        i64("axes0", [0]),                                                  # raw_data
        init("fc.w", rand(rng, 96, 10, scale=0.1)),                         # raw_data
        h.make_tensor("fc.b", TP.FLOAT, [10], rand(rng, 10).tolist()),      # float_data
    ]
    save("shape_chain", h.make_graph(nodes, "shape_chain", [vi("x", [1, 6, 4, 4])],
                                     [vi("y", [1, 10])], inits))

    # ---- external_data and mlp_dynamic -------------------------------------
    def mlp(name, batch, **save_kw):
        rng = np.random.RandomState(4)
        nodes = [
            N("MatMul", ["x", "fc1.w"], ["fc1"], name="fc1_matmul"),
            N("Add", ["fc1", "fc1.b"], ["fc1_b"], name="fc1_bias"),
            N("Relu", ["fc1_b"], ["fc1_relu"], name="fc1_relu"),
            N("MatMul", ["fc1_relu", "fc2.w"], ["y"], name="fc2_matmul"),
        ]
        inits = [init("fc1.w", rand(rng, 16, 32, scale=0.25)), init("fc1.b", rand(rng, 32, scale=0.1)),
                 init("fc2.w", rand(rng, 32, 8, scale=0.25))]
        save(name, h.make_graph(nodes, name, [vi("x", [batch, 16])], [vi("y", [batch, 8])], inits),
             **save_kw)

    ext = os.path.join(GOLDEN, "external_data", "weights.bin")
    if os.path.exists(ext):
        os.remove(ext)  # onnx appends to an existing data file
    mlp("external_data", 1, save_as_external_data=True, all_tensors_to_one_file=True,
        location="weights.bin", size_threshold=0)
    os.chmod(ext, 0o644)  # onnx creates the data file 0600
    mlp("mlp_dynamic", "batch")


# --------------------------------------------------------------- references

REFS = [  # dir, make_references.py args
    ("mobilenet_v2", ["--dist", "uniform", "--source",
                      "torchvision MobileNetV2 (weights=None, torch.manual_seed(0), BatchNorm stats/affine "
                      "randomized), torch.onnx.export opset 13, do_constant_folding; "
                      "scripts/make_golden_models.py; input U(0,1) numpy seed 0"]),
    ("squeezenet1_1", ["--dist", "uniform", "--source",
                       "torchvision SqueezeNet 1.1 (weights=None, torch.manual_seed(0)), torch.onnx.export "
                       "opset 13, do_constant_folding; scripts/make_golden_models.py; input U(0,1) numpy seed 0"]),
    ("tiny_cnn", ["--source", "onnx.helper, numpy seed 1; scripts/make_golden_models.py; input N(0,1) seed 0"]),
    ("tiny_ops", ["--source", "onnx.helper, numpy seed 2; scripts/make_golden_models.py; input N(0,1) seed 0"]),
    ("shape_chain", ["--source", "onnx.helper, numpy seed 3; scripts/make_golden_models.py; input N(0,1) seed 0"]),
    ("external_data", ["--source", "onnx.helper, numpy seed 4, initializers in weights.bin; "
                       "scripts/make_golden_models.py; input N(0,1) seed 0"]),
    ("mlp_dynamic", ["--shape", "x=2,16", "--source", "onnx.helper, numpy seed 4, symbolic batch; "
                     "scripts/make_golden_models.py; input N(0,1) seed 0"]),
]


def make_refs():
    script = os.path.join(ROOT, "scripts", "make_references.py")
    for name, args in REFS:
        d = os.path.join(GOLDEN, name)
        subprocess.run([VENV_PY, script, d, "--regen-inputs"] + args, check=True)
    subprocess.run([VENV_PY, script, "--check"] + [os.path.join(GOLDEN, n) for n, _ in REFS], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["torch", "handmade", "refs"])
    a = ap.parse_args()
    if a.only == "torch":
        if sys.executable != SYS_PY:
            return rerun(SYS_PY, "torch")
        ensure_torch()
        make_torch()
    elif a.only in ("handmade", "refs"):
        if os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(ROOT, ".venv")):
            return rerun(VENV_PY, a.only)
        make_handmade() if a.only == "handmade" else make_refs()
    else:
        subprocess.run(["bash", os.path.join(ROOT, "scripts", "setup_python.sh")], check=True)
        for step in ("torch", "handmade", "refs"):
            rerun(SYS_PY if step == "torch" else VENV_PY, step)


if __name__ == "__main__":
    main()
