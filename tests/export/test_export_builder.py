"""Nets built in C with the builder API (examples/lenet_builder.c,
tests/tools/builder_graph.c), exported, loaded and run by MXNet: the same outputs
as the same nets written with MXNet's symbol API and the same arrays."""
import subprocess

import numpy as np
import pytest

from export_oracle import compare, inputs_for, run_checkpoint, run_imports, run_symbol


def run_program(build_dir, name, out):
    p = subprocess.run([str(build_dir / name), str(out)], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr


def lcg_weights(shapes):
    """examples/lenet_builder.c's weight sequence, in Python."""
    seed, out = 42, []
    for shape in shapes:
        n = int(np.prod(shape))
        vals = np.empty(n, dtype=np.float32)
        for i in range(n):
            seed = (1103515245 * seed + 12345) & 0x7FFFFFFF
            vals[i] = np.float32(seed) / np.float32(1073741824.0) - np.float32(1.0)
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        out.append((vals / np.sqrt(np.float32(fan_in))).reshape(shape))
    return out


def mx_lenet(mx):
    s = mx.sym
    x = s.Convolution(s.var("data"), kernel=(5, 5), num_filter=20, name="conv1")
    x = s.Activation(x, act_type="tanh", name="tanh1")
    x = s.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    x = s.Convolution(x, kernel=(5, 5), num_filter=50, name="conv2")
    x = s.Activation(x, act_type="tanh", name="tanh2")
    x = s.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool2")
    x = s.Flatten(x, name="flatten")
    x = s.FullyConnected(x, num_hidden=500, name="fc1")
    x = s.Activation(x, act_type="tanh", name="tanh3")
    x = s.FullyConnected(x, num_hidden=10, name="fc2")
    return s.softmax(x, name="softmax")


def test_lenet_example(mx, build_dir, tmp_path):
    run_program(build_dir, "lenet_builder", tmp_path / "lenet-symbol.json")
    arrays = mx.nd.load(str(tmp_path / "lenet-0000.params"))
    names = ["conv1_weight", "conv1_bias", "conv2_weight", "conv2_bias", "fc1_weight", "fc1_bias",
             "fc2_weight", "fc2_bias"]
    shapes = [(20, 1, 5, 5), (20,), (50, 20, 5, 5), (50,), (500, 800), (500,), (10, 500), (10,)]
    assert list(arrays) == [f"arg:{n}" for n in names]
    for n, w in zip(names, lcg_weights(shapes)):
        assert np.allclose(arrays[f"arg:{n}"].asnumpy(), w, rtol=0, atol=1e-7), n
    inputs = inputs_for({"data": (1, 1, 28, 28)})
    args = {n: arrays[f"arg:{n}"] for n in names}
    ref = run_symbol(mx, mx_lenet(mx), args, {}, inputs)
    assert compare(run_checkpoint(mx, tmp_path / "lenet", inputs), ref)
    got = run_imports(mx, tmp_path / "lenet-symbol.json", tmp_path / "lenet-0000.params", inputs)
    compare(got, ref)
    assert abs(float(ref[0].sum()) - 1.0) < 1e-5  # a softmax over 10 classes


def test_graph_builder(mx, build_dir, tmp_path):
    run_program(build_dir, "builder_graph", tmp_path / "g-symbol.json")
    s = mx.sym
    data = s.var("data")
    conv = s.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=4, name="conv")
    relu = s.Activation(conv, act_type="relu", name="relu")
    side = s.Convolution(data, kernel=(1, 1), num_filter=4, no_bias=True, name="conv_side")
    add = s.elemwise_add(relu, side, name="add")
    cat = s.Concat(add, data, dim=1, name="cat")
    bn = s.BatchNorm(cat, fix_gamma=False, name="bn")
    want = s.Group([bn, relu])
    arrays = mx.nd.load(str(tmp_path / "g-0000.params"))
    args = {k[4:]: v for k, v in arrays.items() if k.startswith("arg:")}
    auxs = {k[4:]: v for k, v in arrays.items() if k.startswith("aux:")}
    assert sorted(auxs) == ["bn_moving_mean", "bn_moving_var"]
    inputs = inputs_for({"data": (1, 3, 6, 6)})
    ref = run_symbol(mx, want, args, auxs, inputs)
    assert compare(run_checkpoint(mx, tmp_path / "g", inputs), ref)
    assert mx.sym.load(str(tmp_path / "g-symbol.json")).list_outputs() == ["bn_output", "relu_output"]


X = np.random.RandomState(5).uniform(-2, 2, (2, 3, 4, 4)).astype(np.float32)
LAYERS = [
    (["ElementwiseLayer", "Function", '"Ramp"'], lambda x: np.maximum(x, 0)),
    (["ElementwiseLayer", "Function", '"Tanh"'], np.tanh),
    (["ElementwiseLayer", "Function", '"LogisticSigmoid"'], lambda x: 1 / (1 + np.exp(-x))),
    (["ElementwiseLayer", "Function", '"SoftRamp"'], lambda x: np.log1p(np.exp(x))),
    (["ElementwiseLayer", "Function", '"LeakyRamp"'], lambda x: np.where(x > 0, x, 0.25 * x)),
    (["ElementwiseLayer", "Function", '"LeakyRamp"', "Slope", "0.1"],
     lambda x: np.where(x > 0, x, 0.1 * x)),
    (["ElementwiseLayer", "Function", '"Clip"', "Min", "-0.5", "Max", "0.5"],
     lambda x: np.clip(x, -0.5, 0.5)),
    (["ElementwiseLayer", "Function", '"Identity"'], lambda x: x),
    (["ElementwiseLayer", "Function", '"Exp"'], np.exp),
    (["ElementwiseLayer", "Function", '"Abs"'], np.abs),
    (["ElementwiseLayer", "Function", '"Minus"'], np.negative),
    (["ElementwiseLayer", "Function", '"Times"', "Scalar", "3"], lambda x: 3 * x),
    (["ElementwiseLayer", "Function", '"ReverseSubtract"', "Scalar", "1"], lambda x: 1 - x),
    (["ThreadingLayer", "Function", '"Times"', "--twice"], lambda x: x * x),
    (["ThreadingLayer", "Function", '"Plus"', "Broadcasting", "true", "--twice"], lambda x: x + x),
    (["TotalLayer", "--twice"], lambda x: x + x),
    (["CatenateLayer", "Axis", "2", "--twice"], lambda x: np.concatenate([x, x], axis=2)),
    (["FlattenLayer"], lambda x: x.reshape(2, -1)),
    (["ReshapeLayer", "Shape", "[0,-1,4]"], lambda x: x.reshape(2, 12, 4)),
    (["TransposeLayer", "Axes", "[0,2,3,1]"], lambda x: x.transpose(0, 2, 3, 1)),
    (["PoolingLayer", "KernelSize", "[2,2]", "Stride", "[2,2]"],
     lambda x: x.reshape(2, 3, 2, 2, 2, 2).max(axis=(3, 5))),
    (["PoolingLayer", "Function", '"Mean"', "GlobalPooling", "true"],
     lambda x: x.mean(axis=(2, 3), keepdims=True)),
    (["SoftmaxLayer"], lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
    (["SoftmaxLayer", "Axis", "1", "Log", "true"],
     lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True))),
    (["AggregationLayer", "Function", '"Total"', "Axes", "[1,3]"], lambda x: x.sum(axis=(1, 3))),
    (["PartLayer", "Axis", "1", "Begin", "1", "End", "3"], lambda x: x[:, 1:3]),
    (["DropoutLayer"], lambda x: x),
    (["ReplicateLayer", "Axis", "1"], lambda x: x[:, None]),
]


@pytest.mark.parametrize("args,fn", LAYERS, ids=[" ".join(a[:3]) + str(i) for i, (a, _) in
                                                 enumerate(LAYERS)])
def test_built_layer_runs_in_mxnet(mx, build_dir, tmp_path, args, fn):
    """Each built layer exports as an MXNet op computing the layer's function."""
    out = tmp_path / "l-symbol.json"
    p = subprocess.run([str(build_dir / "builder_layer"), str(out), *args], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    sym = mx.sym.load(str(out))
    got = run_symbol(mx, sym, {}, {}, {"data": X})[0]
    want = fn(X.astype(np.float64))
    assert got.shape == want.shape
    assert np.allclose(got, want, rtol=1e-5, atol=1e-6), float(np.max(np.abs(got - want)))


def slot_values(shape):
    n = int(np.prod(shape))
    return (np.float32(0.5) + np.float32(0.1) * (np.arange(n) % 7 - 3).astype(np.float32)).reshape(shape)


WITH_ARRAYS = [
    (["ConvolutionLayer", "OutputChannels", "2", "KernelSize", "[3,3]", "Stride", "[2,2]",
      "--array", "Weights", "2,3,3,3", "--array", "Biases", "2"],
     lambda s: s.Convolution(s.var("data"), s.var("w"), s.var("b"), kernel=(3, 3), stride=(2, 2),
                             num_filter=2), ["w", "b"], [(2, 3, 3, 3), (2,)]),
    (["DeconvolutionLayer", "OutputChannels", "2", "KernelSize", "[2,2]", "--array", "Weights",
      "3,2,2,2"],
     lambda s: s.Deconvolution(s.var("data"), s.var("w"), kernel=(2, 2), num_filter=2, no_bias=True),
     ["w"], [(3, 2, 2, 2)]),
    (["LinearLayer", "OutputSize", "5", "Flatten", "false", "--array", "Weights", "5,4",
      "--array", "Biases", "5"],
     lambda s: s.FullyConnected(s.var("data"), s.var("w"), s.var("b"), num_hidden=5, flatten=False),
     ["w", "b"], [(5, 4), (5,)]),
    (["BatchNormalizationLayer", "FixGamma", "false", "Epsilon", "0.01", "--array", "Scaling", "3",
      "--array", "Biases", "3", "--array", "MovingMean", "3", "--array", "MovingVariance", "3"],
     lambda s: s.BatchNorm(s.var("data"), s.var("g"), s.var("b"), s.var("m"), s.var("v"),
                           fix_gamma=False, eps=0.01), ["g", "b", "m", "v"], [(3,)] * 4),
    (["ParametricRampLayer", "--array", "Slope", "3"],
     lambda s: s.LeakyReLU(s.var("data"), s.var("g"), act_type="prelu"), ["g"], [(3,)]),
    (["NormalizationLayer", "Kind", '"Instance"', "Epsilon", "0.001", "--array", "Scaling", "3",
      "--array", "Biases", "3"],
     lambda s: s.InstanceNorm(s.var("data"), s.var("g"), s.var("b"), eps=0.001), ["g", "b"],
     [(3,), (3,)]),
]


@pytest.mark.parametrize("args,make,names,shapes", WITH_ARRAYS,
                         ids=[a[0] for a, *_ in WITH_ARRAYS])
def test_built_layer_with_arrays(mx, build_dir, tmp_path, args, make, names, shapes):
    out = tmp_path / "l-symbol.json"
    p = subprocess.run([str(build_dir / "builder_layer"), str(out), *args], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    want = make(mx.sym)
    values = {n: mx.nd.array(slot_values(s)) for n, s in zip(names, shapes)}
    args_, auxs = {}, {}
    aux_names = set(want.list_auxiliary_states())
    for n, v in values.items():
        (auxs if n in aux_names else args_)[n] = v
    ref = run_symbol(mx, want, args_, auxs, {"data": X})
    assert compare(run_checkpoint(mx, tmp_path / "l", {"data": X}), ref)
