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
