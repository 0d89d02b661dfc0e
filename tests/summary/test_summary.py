"""`mxio summary` against MXNet 1.9.1: parameter counts, per-layer output shapes, MACs,
versions and the params file, on Gluon model-zoo nets exported in the test run, on
hand-counted LeNet and ResNet-50, and on the real model files in ../shared/models."""
import json
import math
import os

import pytest

from summary_oracle import (ZOO, export_zoo, file_counts, hand_macs, internal_shapes, lenet,
                            per_layer_params, resnet50_v1b)

SHAPE = "data=1,3,224,224"


def summary_json(mxio, *args):
    r = mxio("summary", *args, "--format", "json", "-q")
    assert r.code == 0, r
    return json.loads(r.out)


@pytest.fixture(scope="module")
def zoo(mx, tmp_path_factory):
    """name -> (prefix, MXNet's collect_params total); exported once per module."""
    d = tmp_path_factory.mktemp("zoo")
    out = {}
    for name in ZOO:
        prefix = d / name
        out[name] = (prefix, export_zoo(mx, name, prefix))
    return out


def sym_file(prefix):
    return f"{prefix}-symbol.json"


def params_file(prefix):
    return f"{prefix}-0000.params"


# ---- parameter counts ------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_zoo_param_totals_equal_mxnet(mx, mxio, zoo, name):
    prefix, gluon_total = zoo[name]
    s = summary_json(mxio, sym_file(prefix), "--shape", SHAPE)
    total, arg, aux = file_counts(mx, params_file(prefix))
    t = s["totals"]
    assert t["params"] == gluon_total == total
    assert (t["arg_params"], t["aux_params"]) == (arg, aux)
    assert t["params_complete"] is True
    pf = s["params_file"]
    assert pf["path"] == params_file(prefix)
    assert pf["bytes"] == os.path.getsize(params_file(prefix))
    assert pf["arrays"] == len(mx.nd.load(params_file(prefix)))
    assert pf["dtypes"] == {"float32": pf["arrays"]}
    assert pf["elements"] == total and pf["unused_arrays"] == 0


@pytest.mark.parametrize("name", ZOO)
def test_zoo_param_totals_without_params_file(mx, mxio, zoo, name):
    """With --array-path none the counts come from inferred weight shapes: still MXNet's."""
    prefix, gluon_total = zoo[name]
    s = summary_json(mxio, sym_file(prefix), "--shape", SHAPE, "--array-path", "none")
    assert s["params_file"] is None
    total, arg, aux = file_counts(mx, params_file(prefix))
    assert (s["totals"]["params"], s["totals"]["arg_params"], s["totals"]["aux_params"]) == \
        (gluon_total, arg, aux)


@pytest.mark.parametrize("name", ZOO)
def test_zoo_per_layer_params(mx, mxio, zoo, name):
    prefix, _ = zoo[name]
    s = summary_json(mxio, sym_file(prefix), "--shape", SHAPE)
    want = per_layer_params(mx, sym_file(prefix), params_file(prefix))
    got = {layer["name"]: layer["params"] for layer in s["layers"]}
    assert got == want
    for layer in s["layers"]:
        assert layer["params"] == layer["arg_params"] + layer["aux_params"]


# ---- shapes -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_zoo_layer_shapes_equal_mxnet_infer_shape(mx, mxio, zoo, name):
    prefix, _ = zoo[name]
    s = summary_json(mxio, sym_file(prefix), "--shape", SHAPE)
    outs, variables = internal_shapes(mx, sym_file(prefix), data=(1, 3, 224, 224))
    got = {o["name"]: tuple(o["shape"]) for layer in s["layers"] for o in layer["outputs"]}
    want = {n: shp for n, shp in outs.items() if n not in variables}
    assert got == want
    assert len(got) > 10
    assert [(i["name"], tuple(i["shape"]), i["dtype"]) for i in s["inputs"]] == \
        [("data", (1, 3, 224, 224), "float32")]
    sym = mx.sym.load(sym_file(prefix))
    _, head_shapes, _ = sym.infer_shape(data=(1, 3, 224, 224))
    assert [(o["name"], tuple(o["shape"])) for o in s["outputs"]] == \
        list(zip(sym.list_outputs(), map(tuple, head_shapes)))
    assert s["shape_source"] == "from the given input shapes"
    assert s["notes"] == []


def test_unknown_shapes_are_shown_not_fatal(mx, mxio, zoo):
    """No --shape, no __shape__: shapes unknown, counts still from the params file."""
    prefix, gluon_total = zoo["resnet18_v1"]
    s = summary_json(mxio, sym_file(prefix))
    assert s["inputs"][0]["shape"] is None
    assert s["totals"]["params"] == gluon_total
    assert s["totals"]["macs_complete"] is False
    assert "params file" in s["shape_source"]
    assert any("input 'data' is unknown" in n for n in s["notes"])
    # weights' shapes come from the file even though data's is unknown
    conv = next(layer for layer in s["layers"] if layer["op"] == "Convolution")
    assert conv["outputs"][0]["shape"] is None and conv["macs"] is None
    table = mxio("summary", sym_file(prefix), "-q")
    assert table.code == 0 and "notes" in table.out and "?" in table.out


def test_no_shapes_no_params(mx, mxio, tmp_path):
    sym = lenet(mx)
    path = tmp_path / "lenet-symbol.json"
    sym.save(str(path))
    s = summary_json(mxio, path)
    assert s["params_file"] is None
    assert s["totals"]["params_complete"] is False
    assert any("unknown" in n for n in s["notes"])


def test_shape_attribute_is_used(mx, mxio, tmp_path):
    data = mx.sym.Variable("data", shape=(2, 3, 16, 16))
    x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, name="conv")
    x = mx.sym.FullyConnected(x, num_hidden=4, name="fc")
    path = tmp_path / "m-symbol.json"
    x.save(str(path))
    s = summary_json(mxio, path)
    assert s["shape_source"] == "from the inputs' __shape__ attributes"
    outs, args = internal_shapes(mx, path)
    assert tuple(s["outputs"][0]["shape"]) == outs["fc_output"]
    want = sum(math.prod(v) for k, v in args.items() if k != "data")
    assert s["totals"]["params"] == want


# ---- MACs -------------------------------------------------------------------------------

def test_lenet_macs_hand_count(mx, mxio, tmp_path):
    path = tmp_path / "lenet-symbol.json"
    lenet(mx).save(str(path))
    # by hand: a valid k x k conv of C_in channels on H x W gives
    # (H-k+1)^2 * C_out outputs, each C_in * k * k multiply-accumulates
    h = 28
    conv1_out = h - 5 + 1                     # 24
    conv1 = conv1_out ** 2 * 20 * (1 * 5 * 5)
    pool1 = conv1_out // 2                    # 12
    conv2_out = pool1 - 5 + 1                 # 8
    conv2 = conv2_out ** 2 * 50 * (20 * 5 * 5)
    flat = 50 * (conv2_out // 2) ** 2         # 800
    fc1 = flat * 500
    fc2 = 500 * 10
    s = summary_json(mxio, path, "--shape", "data=1,1,28,28")
    per = {layer["name"]: layer["macs"] for layer in s["layers"]}
    assert (per["conv1"], per["conv2"], per["fc1"], per["fc2"]) == (conv1, conv2, fc1, fc2)
    assert per["pool1"] == 0 and per["tanh1"] is None
    assert s["totals"]["macs"] == conv1 + conv2 + fc1 + fc2
    # the batch multiplies everything
    s8 = summary_json(mxio, path, "--shape", "data=8,1,28,28")
    assert s8["totals"]["macs"] == 8 * s["totals"]["macs"]
    # and MXNet's shapes give the same count through the generic formula
    assert sum(hand_macs(mx, path, data=(1, 1, 28, 28)).values()) == s["totals"]["macs"]


def test_resnet50_v1_macs(mx, mxio, zoo):
    """Gluon's resnet50_v1 (stride in the first 1x1 conv of a downsampling bottleneck)."""
    prefix, _ = zoo["resnet50_v1"]
    s = summary_json(mxio, sym_file(prefix), "--shape", SHAPE)
    want = hand_macs(mx, sym_file(prefix), data=(1, 3, 224, 224))
    per = {layer["name"]: layer["macs"] for layer in s["layers"] if layer["name"] in want}
    assert per == want
    assert s["totals"]["macs"] == sum(want.values())
    assert round(s["totals"]["macs"] / 1e9, 2) == 3.86


def test_resnet50_v1b_macs_is_4_1_g(mx, mxio, tmp_path):
    """ResNet-50 with the stride on the 3x3 conv: the usually quoted 4.1 GMACs."""
    sym, _ = resnet50_v1b(mx)
    path = tmp_path / "r50-symbol.json"
    sym.save(str(path))
    # by hand, from the layer geometry
    macs = 112 * 112 * 64 * (3 * 7 * 7)
    cin, h_in = 64, 56
    for stage, (blocks, w) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512))):
        h = 56 >> stage
        for b in range(blocks):
            src_h = h_in if b == 0 else h
            macs += src_h * src_h * w * cin                 # 1x1 reduce (stride 1)
            macs += h * h * w * (w * 3 * 3)                 # 3x3 (carries the stride)
            macs += h * h * (4 * w) * w                     # 1x1 expand
            if b == 0:
                macs += h * h * (4 * w) * cin               # projection shortcut
            cin = 4 * w
        h_in = h
    macs += 2048 * 1000                                     # fc
    s = summary_json(mxio, path, "--shape", SHAPE)
    assert s["totals"]["macs"] == macs
    assert sum(hand_macs(mx, path, data=(1, 3, 224, 224)).values()) == macs
    assert round(macs / 1e9, 1) == 4.1


# ---- versions, real models, CLI ------------------------------------------------------------

def file_version(path):
    with open(path) as f:
        d = json.load(f)
    v = d.get("attrs", {}).get("mxnet_version")
    return v[1] if v else 800  # MXNet assumes 0.8.0 when absent


REAL = {
    "mobilefacenet-y1/model-symbol.json": "data=1,3,112,112",
    "mxnet-fixtures/mkldnn_model1.json": SHAPE,
    "mxnet-fixtures/save_000800.json": SHAPE,
    "squeezenet-v1.2/model-symbol.json": SHAPE,
}


def real_models(models_dir):
    out = dict(REAL)
    for p in sorted((models_dir / "zoo-symbols").rglob("*-symbol.json")):
        rel = str(p.relative_to(models_dir))
        big = any(k in p.name for k in ("inception_v3", "inception_v4", "inception_resnet", "xception"))
        ssd = "ssd_512" in p.name and "512" or "ssd_300" in p.name and "300"
        side = ssd or ("299" if big else "224")
        out[rel] = f"data=1,3,{side},{side}"
    return out


def test_real_models_summarise(mxio, models):
    seen = 0
    for rel, shape in real_models(models).items():
        path = models / rel
        s = summary_json(mxio, path, "--shape", shape)
        assert s["mxnet_version"] == file_version(path), rel
        v = s["mxnet_version"]
        assert s["mxnet_version_string"] == f"{v // 10000}.{v // 100 % 100}.{v % 100}"
        assert s["totals"]["params"] > 0 and s["totals"]["macs"] > 0, rel
        assert all(i["shape"] is not None for i in s["inputs"] if i["role"] == "data"), rel
        t = mxio("summary", path, "--shape", shape, "-q")
        assert t.code == 0 and "totals" in t.out, (rel, t)
        seen += 1
    assert seen >= 30


def test_real_model_with_weights(mx, mxio, models):
    path = models / "mobilefacenet-y1" / "model-symbol.json"
    r = mxio("summary", path, "--shape", "data=1,3,112,112", "--format", "json")
    assert r.code == 0, r
    assert "using" in r.err and "model-0000.params" in r.err
    s = json.loads(r.out)
    total, arg, aux = file_counts(mx, models / "mobilefacenet-y1" / "model-0000.params")
    assert (s["totals"]["params"], s["totals"]["arg_params"], s["totals"]["aux_params"]) == \
        (total, arg, aux)
    outs, _ = internal_shapes(mx, path, data=(1, 3, 112, 112))
    for layer in s["layers"]:
        for o in layer["outputs"]:
            assert tuple(o["shape"]) == outs[o["name"]], o["name"]


def test_mxnet_version_of_a_new_file(mx, mxio, tmp_path):
    path = tmp_path / "lenet-symbol.json"
    lenet(mx).save(str(path))
    s = summary_json(mxio, path, "--shape", "data=1,1,28,28")
    assert s["mxnet_version"] == file_version(path) == 10901
    assert "by MXNet 1.9.1" in mxio("summary", path, "-q").out


def test_array_path_and_output_file(mx, mxio, zoo, tmp_path):
    prefix, total = zoo["alexnet"]
    other = tmp_path / "weights.params"
    other.write_bytes(open(params_file(prefix), "rb").read())
    s = summary_json(mxio, sym_file(prefix), "--array-path", str(other), "--shape", SHAPE)
    assert s["params_file"]["path"] == str(other)
    assert s["params_file"]["note"] == "given by --array-path"
    assert s["totals"]["params"] == total
    out = tmp_path / "s.json"
    assert mxio("summary", sym_file(prefix), "--shape", SHAPE, "--format", "json", "-o", out,
                "-q").code == 0
    assert json.loads(out.read_text())["totals"]["params"] == total
    assert mxio("summary", sym_file(prefix), "-o", out, "-q").code == 6
    assert mxio("summary", sym_file(prefix), "-o", out, "--force", "-q").code == 0
    assert out.read_text().startswith("symbol")
    r = mxio("summary", sym_file(prefix), "--array-path", tmp_path / "missing.params")
    assert r.code == 5


def test_cli_misuse(mxio, zoo):
    prefix, _ = zoo["alexnet"]
    assert mxio("summary").code == 2
    assert mxio("summary", sym_file(prefix), "--format", "csv").code == 2
    assert mxio("summary", sym_file(prefix), "--shape", "data").code == 2
    assert mxio("summary", sym_file(prefix), "--shape", "data=1,0,3").code == 2
    r = mxio("summary", sym_file(prefix), "--shape", "nosuch=1,3,224,224")
    assert r.code == 5 and "nosuch" in r.err
    r = mxio("summary", sym_file(prefix), "--shape", "data=1,3,8,8")  # too small for the net
    assert r.code == 14, r
    r = mxio("--help")
    assert "summary" in r.out
    r = mxio("summary", "--help")
    assert r.code == 0 and "--shape" in r.out


def test_params_that_contradict_the_graph(mx, mxio, tmp_path):
    """Without --shape a params file that does not fit the graph is a note, not a
    failure; with --shape the contradiction is an error naming the node."""
    data = mx.sym.Variable("data", shape=(2, 3, 16, 16))
    x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, name="conv")
    x = mx.sym.FullyConnected(x, num_hidden=4, name="fc")
    path = tmp_path / "m-symbol.json"
    x.save(str(path))
    _, args = internal_shapes(mx, path)
    arrays = {f"arg:{k}": mx.nd.zeros(v) for k, v in args.items() if k != "data"}
    arrays["arg:conv_weight"] = mx.nd.zeros((8, 5, 3, 3))  # 5 input channels, data has 3
    mx.nd.save(str(tmp_path / "m-0000.params"), arrays)
    s = summary_json(mxio, path)
    assert any("shape inference stopped" in n and "conv" in n for n in s["notes"]), s["notes"]
    assert s["totals"]["params"] == sum(a.size for a in arrays.values())
    assert s["outputs"][0]["shape"] is None
    r = mxio("summary", path, "--shape", "data=2,3,16,16")
    assert r.code == 14 and "conv" in r.err, r
