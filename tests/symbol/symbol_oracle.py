"""Helpers for the symbol tests: drive tests/tools/symbol_roundtrip and make
symbol files with the real MXNet (Gluon model zoo exports, symbol-API nets)."""
import json
import pathlib
import subprocess

ZOO = {
    # name -> input size; random weights, the graph is what matters
    "resnet18_v1": 224, "resnet50_v2": 224, "mobilenet1.0": 224, "mobilenetv2_1.0": 224,
    "squeezenet1.1": 224, "densenet121": 224, "inceptionv3": 299, "alexnet": 224,
    "vgg11_bn": 224,
}


def tool(build_dir):
    exe = pathlib.Path(build_dir) / "symbol_roundtrip"
    assert exe.exists(), f"{exe} not built"
    return exe


def roundtrip(build_dir, src, dst, no_upgrade=False):
    """Read src with mxio and write dst; returns the CompletedProcess."""
    args = [str(tool(build_dir))] + (["--no-upgrade"] if no_upgrade else []) + [str(src), str(dst)]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def dump(build_dir, src, no_upgrade=False):
    """What mxio's public accessors report, as a dict (see symbol_roundtrip --dump)."""
    args = [str(tool(build_dir))] + (["--no-upgrade"] if no_upgrade else []) + ["--dump", str(src)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def export_zoo(mx, name, prefix):
    """Hybridize and export a Gluon model-zoo net with random weights; returns the symbol path."""
    net = mx.gluon.model_zoo.vision.get_model(name, pretrained=False)
    net.initialize(mx.init.Xavier())
    net.hybridize()
    size = ZOO[name]
    net(mx.nd.random.uniform(shape=(1, 3, size, size)))
    net.export(str(prefix))
    return pathlib.Path(f"{prefix}-symbol.json")


def symbol_nets(mx):
    """Symbol-API graphs covering aux states, multi-output ops and training heads."""
    s = mx.sym
    data = s.var("data")
    nets = {}
    x = s.Convolution(data, kernel=(3, 3), num_filter=8, pad=(1, 1), name="conv0")
    x = s.BatchNorm(x, fix_gamma=False, name="bn0")
    x = s.Activation(x, act_type="relu", name="relu0")
    x = s.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool0")
    x = s.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="avg", name="gap")
    x = s.Dropout(x, p=0.5, name="drop")
    x = s.FullyConnected(x, num_hidden=10, name="fc")
    nets["cnn_softmax"] = s.SoftmaxOutput(x, name="softmax")

    parts = s.SliceChannel(data, num_outputs=3, axis=1, name="split")
    heads = [s.FullyConnected(parts[i], num_hidden=4, name=f"head{i}") for i in range(3)]
    bn = s.BatchNorm(parts[0], output_mean_var=True, name="bn_mv")
    nets["multi_head_group"] = s.Group(heads + [bn[1], s.LinearRegressionOutput(heads[0], name="lro")])

    w = s.var("shared_w", shape=(4, 12), lr_mult=2.0, init=mx.init.Normal(0.1))
    a = s.FullyConnected(data, weight=w, num_hidden=4, no_bias=True, name="a")
    b = s.FullyConnected(data, weight=w, num_hidden=4, no_bias=True, name="b")
    nets["shared_weight"] = s.elemwise_add(a, b, name="sum") + 1.0

    wide = [s.var(f"in{i}") for i in range(12)]
    nets["wide_concat"] = s.Concat(*wide, dim=1, name="cat")

    # control flow: nodes with subgraphs (_foreach, _while_loop, _cond)
    def step(x, states):
        h = s.FullyConnected(x, num_hidden=4, name="fcs") + states[0]
        return h, [h]
    out, st = s.contrib.foreach(step, data, [s.var("init")], name="loop")
    outs, _ = s.contrib.while_loop(lambda i, acc: i < 3, lambda i, acc: ([acc * 2], [i + 1, acc + 1]),
                                   [s.var("i"), s.var("acc")], max_iterations=5, name="wl")
    c = s.contrib.cond(s.var("p") > 0, lambda: s.var("a") + 1, lambda: s.var("a") - 1, name="cnd")
    nets["control_flow"] = s.Group([out, st[0], outs[0], c])

    # MKLDNN graph pass: fused _sg_mkldnn_conv nodes carrying subgraphs
    nets["mkldnn_fused"] = nets["cnn_softmax"].get_backend_symbol("MKLDNN")
    return nets


def mxnet_view(json_text):
    """MXNet's node list (op, name, attrs) from its own JSON text."""
    g = json.loads(json_text)
    return [(n["op"], n["name"], n.get("attrs", {})) for n in g["nodes"]], g["heads"]
