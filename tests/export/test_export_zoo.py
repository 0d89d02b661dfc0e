"""Round trips against MXNet: files MXNet wrote, imported by mxio, exported, loaded
by MXNet (load_checkpoint and SymbolBlock.imports) give the same outputs."""
import numpy as np
import pytest

from export_oracle import without_versions, compare, inputs_for, make_checkpoint, run_checkpoint, run_imports

GLUON = [("resnet18_v1", 224), ("resnet50_v2", 224), ("mobilenet1.0", 224),
         ("mobilenetv2_1.0", 224), ("squeezenet1.1", 224), ("densenet121", 224),
         ("inceptionv3", 299), ("alexnet", 224)]


@pytest.fixture(scope="module")
def gluon_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("gluon_export")


def gluon_model(mx, name, size, d):
    """Export a Gluon zoo net with MXNet; keep its own output for an input."""
    prefix = d / name
    mx.random.seed(0)
    net = mx.gluon.model_zoo.vision.get_model(name, pretrained=False)
    net.initialize(mx.init.Xavier())
    net(mx.nd.zeros((1, 3, size, size)))  # shapes are known after a first pass
    # BatchNorm statistics that are not the identity, so aux arrays matter
    for p in net.collect_params().values():
        if p.name.endswith(("running_mean", "running_var")):
            p.set_data(mx.nd.random.uniform(0.5, 1.5, shape=p.shape))
    net.hybridize()
    inputs = inputs_for({"data": (1, 3, size, size)})
    ref = net(mx.nd.array(inputs["data"])).asnumpy()
    net.export(str(prefix))
    return prefix, inputs, ref


@pytest.mark.parametrize("name,size", GLUON)
def test_gluon_zoo(mx, mxio, gluon_dir, tmp_path, name, size):
    prefix, inputs, ref = gluon_model(mx, name, size, gluon_dir)
    out = tmp_path / f"{name}-symbol.json"
    mxio("export", f"{prefix}-symbol.json", "-o", out, "-q", check=0)
    # MXNet's own JSON (entry versions aside) and params bytes
    mine, theirs = out.read_text(), (gluon_dir / f"{name}-symbol.json").read_text()
    assert without_versions(mine) == without_versions(theirs)
    assert len(mine) == len(theirs)
    assert (tmp_path / f"{name}-0000.params").read_bytes() == \
        (gluon_dir / f"{name}-0000.params").read_bytes()
    # the same files give the same numbers; and they agree with the live Gluon net
    got = run_checkpoint(mx, tmp_path / name, inputs)
    assert compare(got, run_checkpoint(mx, gluon_dir / name, inputs))
    compare(got, [ref])
    got2 = run_imports(mx, out, tmp_path / f"{name}-0000.params", inputs)
    assert compare(got2, run_imports(mx, f"{prefix}-symbol.json", f"{prefix}-0000.params", inputs))
    compare(got2, [ref])


def symbol_nets(mx):
    s = mx.sym
    data = s.var("data")
    nets = {}
    fc1 = s.FullyConnected(data, num_hidden=16, name="fc1")
    act = s.Activation(fc1, act_type="relu", name="relu1")
    fc2 = s.FullyConnected(act, num_hidden=4, name="fc2")
    nets["mlp"] = (s.SoftmaxOutput(fc2, name="softmax"), {"data": (2, 8)})
    c = s.Convolution(data, kernel=(5, 5), num_filter=6, name="conv1")
    c = s.BatchNorm(c, fix_gamma=False, name="bn1")
    c = s.Activation(c, act_type="tanh", name="tanh1")
    c = s.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    c = s.Flatten(c, name="flat")
    c = s.FullyConnected(c, num_hidden=10, name="fc")
    nets["lenet"] = (s.SoftmaxOutput(c, name="softmax"), {"data": (2, 1, 28, 28)})
    scale = s.var("scale")
    x = s.Convolution(data, kernel=(3, 3), num_filter=4, no_bias=True, name="conv")
    nets["constant"] = (s.broadcast_mul(x, scale, name="scaled"), {"data": (1, 3, 8, 8)})
    parts = s.split(data, num_outputs=2, axis=1, name="split")
    y = s.elemwise_add(parts[0], parts[1], name="add")
    nets["split"] = (s.Group([y, s.LeakyReLU(parts[1], act_type="leaky", name="leaky")]),
                     {"data": (1, 4, 3)})
    r = s.FullyConnected(data, num_hidden=1, name="reg_fc")
    nets["regression"] = (s.LinearRegressionOutput(r, name="reg"), {"data": (3, 5)})
    # one weight shared by two layers, and a BatchNorm's aux used once
    w = s.var("shared_weight")
    a = s.FullyConnected(data, weight=w, num_hidden=5, no_bias=True, name="fa")
    b = s.FullyConnected(a, weight=w, num_hidden=5, no_bias=True, name="fb")
    nets["shared"] = (s.BatchNorm(b, name="bn"), {"data": (2, 5)})
    return nets


SYMBOL_NETS = ["mlp", "lenet", "constant", "split", "regression", "shared"]


@pytest.mark.parametrize("name", SYMBOL_NETS)
def test_symbol_api(mx, mxio, tmp_path, name):
    sym, shapes = symbol_nets(mx)[name]
    full = dict(shapes)
    if name == "constant":
        full["scale"] = (1, 4, 1, 1)
    src = tmp_path / "src"
    src.mkdir()
    data_only = {"data": shapes["data"]}
    # (constant: "scale" is a data argument whose array the params file holds)
    sym_path, params_path = make_checkpoint(mx, sym, src / name, full)
    inputs = inputs_for(data_only)
    ref = run_checkpoint(mx, src / name, inputs)
    out = tmp_path / f"{name}-symbol.json"
    mxio("export", sym_path, "-o", out, "-q", check=0)
    assert out.read_text() == sym_path.read_text()
    assert (tmp_path / f"{name}-0000.params").read_bytes() == params_path.read_bytes()
    assert compare(run_checkpoint(mx, tmp_path / name, inputs), ref)


def test_custom_op_keeps_its_inputs(mx, mxio, tmp_path):
    """A Custom op (Python-defined, any arguments) is a generic layer: exported with its
    op_type, attributes and arguments in their order, weights included."""

    class Scale(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * in_data[1])

    @mx.operator.register("mxio_export_scale")
    class ScaleProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ["data", "scale"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Scale()

    s = mx.sym
    x = s.FullyConnected(s.var("data"), num_hidden=3, name="fc")
    y = s.Custom(x, s.var("custom_scale"), op_type="mxio_export_scale", name="custom")
    sym_path, params_path = make_checkpoint(mx, y, tmp_path / "c",
                                            {"data": (2, 4), "custom_scale": (2, 3)})
    out = tmp_path / "o-symbol.json"
    mxio("export", sym_path, "-o", out, "-q", check=0)
    assert out.read_text() == sym_path.read_text()
    assert (tmp_path / "o-0000.params").read_bytes() == params_path.read_bytes()
    inputs = inputs_for({"data": (2, 4)})
    assert compare(run_checkpoint(mx, tmp_path / "o", inputs), run_checkpoint(mx, tmp_path / "c", inputs))
