"""Whole-graph shape inference against MXNet 1.9.1: for Gluon model-zoo nets
exported by MXNet in this run and for every symbol in ../shared/models that
MXNet can infer from a data shape, every node output (get_internals) must have
the shape MXNet infers."""
import json
import subprocess
import warnings

import mxnet as mx
import numpy as np
import pytest

CANDIDATES = [(1, 3, 224, 224), (1, 3, 299, 299), (1, 3, 112, 112), (1, 3, 300, 300),
              (1, 3, 512, 512), (1, 3, 12, 12), (1, 3, 24, 24), (1, 3, 48, 48)]


def mxnet_internals(path, data_shape):
    sym = mx.sym.load(str(path))
    internals = sym.get_internals()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _, outs, _ = internals.infer_shape(data=data_shape)
        except mx.base.MXNetError:
            return None
    if outs is None:
        return None
    return dict(zip(internals.list_outputs(), [tuple(s) for s in outs]))


def mxio_internals(build_dir, path, data_shape):
    p = subprocess.run([str(build_dir / "infer_dump"), str(path),
                        "data=(" + ",".join(map(str, data_shape)) + ")"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert "error" not in r, r["error"]
    return {e["name"]: (tuple(e["shape"]) if e["shape"] is not None else None)
            for e in r["entries"] if e["visible"]}


def compare(build_dir, path, data_shape, want):
    got = mxio_internals(build_dir, path, data_shape)
    bad = [f"{n}: mxio {got.get(n, 'missing')} MXNet {s}" for n, s in want.items() if got.get(n) != s]
    assert not bad, f"{path.name} {data_shape}: {len(bad)} of {len(want)} differ:\n" + "\n".join(bad[:30])
    return len(want)


def mxio_error(build_dir, path, data_shape):
    p = subprocess.run([str(build_dir / "infer_dump"), str(path),
                        "data=(" + ",".join(map(str, data_shape)) + ")"],
                       capture_output=True, text=True, timeout=120)
    return json.loads(p.stdout).get("error")


def test_shared_model_symbols(build_dir, models):
    files = sorted(p for p in models.rglob("*.json") if "nodes" in p.read_text()[:2000])
    checked, compared, refused = [], 0, 0
    for f in files:
        for shape in CANDIDATES:
            want = mxnet_internals(f, shape)
            if want is not None:
                compared += compare(build_dir, f, shape, want)
                checked.append(f.name)
                break
            # MXNet refuses this input size: so must mxio, naming the node.
            err = mxio_error(build_dir, f, shape)
            assert err and "node" in err, f"{f.name} {shape}: MXNet refuses, mxio infers"
            refused += 1
    assert refused >= 8
    # Every real classifier and face model must be covered, not just a few.
    assert len(checked) >= 25, checked
    assert compared > 10000


ZOO = ["resnet18_v1", "resnet18_v2", "resnet50_v1", "mobilenet0.25", "mobilenetv2_0.25",
       "squeezenet1.0", "squeezenet1.1", "densenet121", "alexnet", "inceptionv3"]


@pytest.mark.parametrize("name", ZOO)
def test_gluon_zoo_export(build_dir, tmp_path, name):
    net = mx.gluon.model_zoo.vision.get_model(name, pretrained=False)
    net.initialize()
    net.hybridize()
    size = 299 if name == "inceptionv3" else 224
    net(mx.nd.zeros((1, 3, size, size)))
    net.export(str(tmp_path / name))
    path = tmp_path / f"{name}-symbol.json"
    for shape in [(1, 3, size, size), (2, 3, size + 37, size + 21)]:
        want = mxnet_internals(path, shape)
        assert want is not None
        compare(build_dir, path, shape, want)


def test_errors_name_node_op_and_shapes(build_dir, tmp_path):
    data = mx.sym.var("data")
    a = mx.sym.FullyConnected(data, num_hidden=4, name="fc_a")
    b = mx.sym.FullyConnected(data, num_hidden=5, name="fc_b")
    out = mx.sym.elemwise_add(a, b, name="plus")
    path = tmp_path / "bad-symbol.json"
    out.save(str(path))
    with pytest.raises(mx.base.MXNetError):
        out.infer_shape(data=(2, 3))
    p = subprocess.run([str(build_dir / "infer_dump"), str(path), "data=(2,3)"],
                       capture_output=True, text=True, timeout=60)
    r = json.loads(p.stdout)
    assert "plus" in r["error"] and "elemwise_add" in r["error"], r
    assert "(2,4)" in r["error"] and "(2,5)" in r["error"], r


def fused_nets():
    """Small nets MXNet's MKLDNN backend rewrites into _sg_mkldnn_conv and
    _sg_mkldnn_fully_connected subgraph nodes."""
    d = mx.sym.var("data")
    c = mx.sym.Convolution(d, kernel=(3, 3), num_filter=8, pad=(1, 1), name="c1")
    b = mx.sym.BatchNorm(c, name="bn1")
    r = mx.sym.Activation(b, act_type="relu", name="r1")
    c2 = mx.sym.Convolution(r, kernel=(1, 1), num_filter=8, no_bias=True, name="c2")
    s = mx.sym.elemwise_add(c2, r, name="add")
    c3 = mx.sym.Convolution(s, kernel=(3, 3), num_filter=4, stride=(2, 2), name="c3")
    p = mx.sym.Pooling(c3, kernel=(2, 2), pool_type="max", name="pool")
    f = mx.sym.FullyConnected(p, num_hidden=5, name="fc")
    f2 = mx.sym.FullyConnected(f, num_hidden=3, no_bias=True, flatten=False, name="fc2")
    a = mx.sym.Activation(f2, act_type="relu", name="act")
    yield "conv_bn_sum_fc", a.get_backend_symbol("MKLDNN"), (2, 3, 16, 16)
    yield "quantized", quantized_net(), (2, 3, 16, 16)


def quantized_net():
    """MXNet's own INT8 flow: fuse, calibrate (naive), quantize, fuse again."""
    from mxnet.contrib import quantization
    d = mx.sym.var("data")
    c = mx.sym.Convolution(d, kernel=(3, 3), num_filter=8, pad=(1, 1), name="c1")
    b = mx.sym.BatchNorm(c, name="bn1")
    r = mx.sym.Activation(b, act_type="relu", name="r1")
    c2 = mx.sym.Convolution(r, kernel=(1, 1), num_filter=8, no_bias=True, name="c2")
    s = mx.sym.elemwise_add(c2, r, name="add")
    p = mx.sym.Pooling(s, kernel=(2, 2), pool_type="max", name="pool")
    f = mx.sym.FullyConnected(p, num_hidden=5, name="fc")
    out = mx.sym.SoftmaxOutput(f, name="softmax")
    mod = mx.mod.Module(out, data_names=["data"], label_names=["softmax_label"])
    mod.bind(data_shapes=[("data", (2, 3, 16, 16))], label_shapes=[("softmax_label", (2,))])
    mod.init_params()
    argp, auxp = mod.get_params()
    rng = np.random.RandomState(0)
    data = mx.io.NDArrayIter(rng.rand(4, 3, 16, 16).astype("float32"), np.zeros(4), batch_size=2)
    qsym, _, _ = quantization.quantize_model(
        sym=out.get_backend_symbol("MKLDNN_QUANTIZE"), arg_params=argp, aux_params=auxp,
        ctx=mx.cpu(), calib_mode="naive", calib_data=data, num_calib_examples=4,
        quantized_dtype="auto", excluded_sym_names=[], label_names=("softmax_label",))
    return qsym.get_backend_symbol("MKLDNN_QUANTIZE")


def test_mkldnn_fused_graphs(build_dir, tmp_path):
    for name, sym, shape in fused_nets():
        g = json.loads(sym.tojson())
        ops = {n["op"] for n in g["nodes"]}
        assert {"_sg_mkldnn_conv", "_sg_mkldnn_fully_connected"} <= ops, ops
        path = tmp_path / f"{name}-symbol.json"
        sym.save(str(path))
        want = mxnet_internals(path, shape)
        compare(build_dir, path, shape, want)
        # Output counts (node_row_ptr) and input counts of every node.
        p = subprocess.run([str(build_dir / "infer_dump"), str(path),
                            "data=(" + ",".join(map(str, shape)) + ")"],
                           capture_output=True, text=True, timeout=60)
        entries = json.loads(p.stdout)["entries"]
        counts = [sum(1 for e in entries if e["node"] == i) for i in range(len(g["nodes"]))]
        ptr = g["node_row_ptr"]
        assert counts == [ptr[i + 1] - ptr[i] for i in range(len(g["nodes"]))]
        # Dtypes of every visible output (int8/uint8/int32 data, float32 ranges).
        internals = sym.get_internals()
        _, types, _ = internals.infer_type(data="float32")
        flags = {"float32": 0, "float64": 1, "float16": 2, "uint8": 3, "int32": 4, "int8": 5,
                 "int64": 6}
        want_t = dict(zip(internals.list_outputs(), [flags[np.dtype(t).name] for t in types]))
        got_t = {e["name"]: e["dtype"] for e in entries if e["visible"]}
        bad = {n: (got_t.get(n), t) for n, t in want_t.items() if got_t.get(n) != t}
        assert not bad, f"{name}: (mxio, MXNet) dtypes differ: {bad}"


def test_wide_nodes(build_dir, tmp_path):
    """A 150-way split feeding a 150-input concat and add_n: nodes wider than
    any fixed small limit."""
    data = mx.sym.var("data")
    parts = mx.sym.SliceChannel(data, num_outputs=150, axis=1, name="split")
    cat = mx.sym.Concat(*[parts[i] for i in range(150)], dim=2, name="cat")
    total = mx.sym.add_n(*[parts[i] for i in range(150)], name="sum")
    out = mx.sym.Group([cat, total])
    path = tmp_path / "wide-symbol.json"
    out.save(str(path))
    shape = (2, 300, 3)
    want = mxnet_internals(path, shape)
    assert compare(build_dir, path, shape, want) == 153  # data, 150 parts, cat, sum
