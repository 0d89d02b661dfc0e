"""InputNames against MXNet: which variables are the net's real inputs.

MXNet's answer is taken from what MXNet itself holds: list_arguments() and
list_auxiliary_states() of the loaded symbol, the arrays a Gluon export or a
Module checkpoint saved (the weights), the label names a Module was bound with,
and for symbols without weights MXNet's shape inference (a weight's shape
follows from the data shape; a real input's does not)."""
import glob
import json
import os

import pytest


MODELS_GLOB = "**/*.json"


def roles(mxio, path, *extra):
    """{variable name: role} for every variable, from NodeGraph JSON."""
    r = mxio("import", path, "NodeGraph", "--format", "json", "-q", *extra, check=0)
    return {n["name"]: n["role"] for n in json.loads(r.out)["nodes"] if n["variable"]}


def input_names(mxio, path, *extra):
    r = mxio("import", path, "InputNames", "--format", "json", "-q", *extra, check=0)
    return json.loads(r.out)


def saved_names(mx, params):
    return {k.split(":", 1)[1] for k in mx.nd.load(str(params)).keys()}


# ---- Gluon exports -------------------------------------------------------------------

GLUON_ZOO = ["resnet18_v1", "mobilenet0.25", "squeezenet1.1", "densenet121", "resnet18_v2",
             "mobilenetv2_0.25", "inceptionv3"]


@pytest.mark.parametrize("name", GLUON_ZOO)
def test_gluon_zoo_export(mx, mxio, tmp_path, name):
    net = mx.gluon.model_zoo.vision.get_model(name, pretrained=False, classes=10)
    net.initialize(mx.init.Xavier())
    net.hybridize()
    size = 299 if name == "inceptionv3" else 224
    net(mx.nd.zeros((1, 3, size, size)))
    net.export(str(tmp_path / name))
    sym_path = tmp_path / f"{name}-symbol.json"
    sym = mx.sym.load(str(sym_path))
    weights = saved_names(mx, tmp_path / f"{name}-0000.params")
    want_data = [a for a in sym.list_arguments() if a not in weights]
    got = input_names(mxio, sym_path)
    assert [e["name"] for e in got] == want_data
    assert all(e["role"] == "data" and not e["label"] for e in got)
    # the op slots alone say the same (no params file needed for these nets)
    assert [e["name"] for e in input_names(mxio, sym_path, "--array-path", "none")] == want_data
    r = roles(mxio, sym_path)
    assert sorted(k for k, v in r.items() if v == "aux") == sorted(sym.list_auxiliary_states())
    assert sorted(k for k, v in r.items() if v == "weight") == sorted(
        set(sym.list_arguments()) - set(want_data))


def test_gluon_learned_constant_is_a_weight(mx, mxio, tmp_path):
    """A scale vector fed to broadcast_mul sits in a data slot, but the params file
    holds it: a learned constant, not an input (the reference importer gets this wrong)."""

    class Scaled(mx.gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.conv = mx.gluon.nn.Conv2D(4, 3)
                self.scale = self.params.get("scale", shape=(1, 4, 1, 1), init=mx.init.One())

        def hybrid_forward(self, F, x, scale):
            return F.broadcast_mul(self.conv(x), scale)

    net = Scaled(prefix="scaled_")
    net.initialize()
    net.hybridize()
    net(mx.nd.zeros((1, 3, 8, 8)))
    net.export(str(tmp_path / "scaled"))
    sym_path = tmp_path / "scaled-symbol.json"
    sym = mx.sym.load(str(sym_path))
    weights = saved_names(mx, tmp_path / "scaled-0000.params")
    assert "scaled_scale" in weights and "scaled_scale" in sym.list_arguments()
    got = input_names(mxio, sym_path)
    assert [e["name"] for e in got] == [a for a in sym.list_arguments() if a not in weights]
    r = roles(mxio, sym_path)
    assert r["scaled_scale"] == "weight"
    # without the params file, Gluon's initializer attribute (__init__) still marks it
    assert "__init__" in sym.attr_dict()["scaled_scale"]
    bare = roles(mxio, sym_path, "--array-path", "none")
    assert bare["scaled_scale"] == "weight"
    assert [e["name"] for e in input_names(mxio, sym_path, "--array-path", "none")] == ["data"]


def test_symbol_api_learned_constant(mx, mxio, tmp_path):
    """A plain variable (no initializer attribute) fed to broadcast_mul: only the
    params file can tell it is learned; without one it is reported as an input,
    and decided_by says that only the slot was seen."""
    data = mx.sym.Variable("data")
    scale = mx.sym.Variable("scale")
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
    sym = mx.sym.broadcast_mul(fc, scale, name="mul")
    prefix = tmp_path / "const"
    mx.model.save_checkpoint(str(prefix), 0, sym,
                             {"fc_weight": mx.nd.ones((3, 4)), "fc_bias": mx.nd.zeros((3,)),
                              "scale": mx.nd.ones((1, 3))}, {})
    sym_path = f"{prefix}-symbol.json"
    weights = saved_names(mx, f"{prefix}-0000.params")
    got = input_names(mxio, sym_path)
    assert [e["name"] for e in got] == [a for a in sym.list_arguments() if a not in weights]
    assert roles(mxio, sym_path)["scale"] == "weight"
    bare = input_names(mxio, sym_path, "--array-path", "none")
    assert {e["name"]: e["decided_by"] for e in bare} == {"data": "slot", "scale": "slot"}


# ---- symbol-API nets with training heads ------------------------------------------------

def _heads(mx):
    data = mx.sym.Variable("data")
    fc = lambda x, n, name: mx.sym.FullyConnected(x, num_hidden=n, name=name)  # noqa: E731
    yield "softmax", mx.sym.SoftmaxOutput(fc(data, 4, "fc"), name="softmax"), ["softmax_label"]
    yield "linreg", mx.sym.LinearRegressionOutput(fc(data, 1, "fc"), name="lro"), ["lro_label"]
    yield "logreg", mx.sym.LogisticRegressionOutput(fc(data, 1, "fc"), name="lgo"), ["lgo_label"]
    yield "mae", mx.sym.MAERegressionOutput(fc(data, 1, "fc"), name="mae"), ["mae_label"]
    x = mx.sym.BatchNorm(fc(data, 4, "fc"), name="bn")
    yield "bn_softmax", mx.sym.SoftmaxOutput(x, name="out"), ["out_label"]
    # two heads and an explicitly named label variable
    lab = mx.sym.Variable("my_label")
    h1 = mx.sym.SoftmaxOutput(fc(data, 4, "a"), label=lab, name="h1")
    h2 = mx.sym.LinearRegressionOutput(fc(data, 1, "b"), name="h2")
    yield "two_heads", mx.sym.Group([h1, h2]), ["my_label", "h2_label"]


def test_symbol_api_labels(mx, mxio, tmp_path):
    for name, sym, labels in _heads(mx):
        prefix = tmp_path / name
        mod = mx.mod.Module(sym, data_names=["data"], label_names=labels, context=mx.cpu())
        mod.bind(data_shapes=[("data", (2, 6))],
                 label_shapes=[(lb, (2,) if lb in ("softmax_label", "out_label", "my_label")
                                else (2, 1)) for lb in labels], for_training=False)
        mod.init_params(mx.init.Xavier())
        arg, aux = mod.get_params()
        mx.model.save_checkpoint(str(prefix), 0, sym, arg, aux)
        sym_path = f"{prefix}-symbol.json"
        args = sym.list_arguments()
        # MXNet's Module: data names given, labels given, everything else saved
        want_data = [a for a in args if a not in arg and a not in labels]
        want_labels = [a for a in args if a in labels]
        for extra in ([], ["--array-path", "none"]):
            got = input_names(mxio, sym_path, *extra)
            assert [e["name"] for e in got if e["role"] == "data"] == want_data, (name, extra)
            assert [e["name"] for e in got if e["label"]] == want_labels, (name, extra)
            assert all(e["role"] == "label" for e in got if e["label"])
        r = roles(mxio, sym_path)
        assert sorted(k for k, v in r.items() if v == "aux") == sorted(aux)


# ---- every symbol in the shared models ------------------------------------------------------

def _probe_label_slots(mx, op, attrs):
    """Indices of the slots MXNet names 'label' for this op (FListInputNames):
    an op made with no inputs gets one variable per argument, named probe_<arg>."""
    try:
        s = getattr(mx.sym, op)(name="probe", **attrs)
    except Exception:
        return set()
    return {i for i, n in enumerate(s.list_arguments()) if n == "probe_label"}


def _shared_symbols(models):
    return sorted(glob.glob(str(models / MODELS_GLOB), recursive=True))


def _shape_derivable(mx, sym, data_names):
    """Argument name -> whether MXNet infers its shape from the data inputs alone,
    trying a few image sizes; None if no size works."""
    for size in (224, 299, 512, 112):
        try:
            shapes = {d: (1, 3, size, size) for d in data_names}
            arg_shapes, _, _ = sym.infer_shape_partial(**shapes)
        except Exception:
            continue
        if arg_shapes is None:
            continue
        return {a: s is not None and len(s) > 0 and all(x > 0 for x in s)
                for a, s in zip(sym.list_arguments(), arg_shapes)}
    return None


def test_shared_models(mx, mxio, models):
    paths = _shared_symbols(models)
    assert len(paths) >= 30
    checked_inference = 0
    for path in paths:
        sym = mx.sym.load(path)
        nodes = json.loads(sym.tojson())["nodes"]
        args, aux = sym.list_arguments(), sym.list_auxiliary_states()
        r = roles(mxio, path)
        # every MXNet argument and aux state has one role; aux states exactly MXNet's
        assert sorted(r) == sorted(args + aux), path
        assert sorted(k for k, v in r.items() if v == "aux") == sorted(aux), path
        # labels: exactly the variables MXNet's ops take in a slot they name "label"
        want_labels = set()
        for n in nodes:
            if n["op"] == "null":
                continue
            slots = _probe_label_slots(mx, n["op"], n.get("attrs", {}))
            for i in slots:
                if i < len(n["inputs"]) and nodes[n["inputs"][i][0]]["op"] == "null":
                    want_labels.add(nodes[n["inputs"][i][0]]["name"])
        assert {k for k, v in r.items() if v == "label"} == want_labels, path
        data = [k for k in args if r[k] == "data"]
        params = sorted(glob.glob(os.path.join(os.path.dirname(path), "*.params")))
        if params:
            weights = saved_names(mx, params[-1])
            assert data == [a for a in args if a not in weights and a not in want_labels], path
            continue
        # no weights: every weight must follow from the data shape, and no input may
        assert "data" in data, path
        derivable = _shape_derivable(mx, sym, [d for d in data if d == "data"])
        if derivable is None:
            continue
        checked_inference += 1
        for a in args:
            if r[a] == "weight":
                assert derivable[a], (path, a, "called a weight but MXNet cannot infer it")
            if r[a] == "data" and a != "data":
                assert not derivable[a], (path, a, "called an input but MXNet infers it")
    assert checked_inference >= 20
