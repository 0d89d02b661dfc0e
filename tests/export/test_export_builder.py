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
