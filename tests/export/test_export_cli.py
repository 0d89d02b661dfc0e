"""mxio export / upgrade behaviours: ArrayPath, SaveArrays, --force, atomic
failure, --output, --dtype, and editing the Net JSON form before exporting."""
import json
import os
import subprocess

import numpy as np
import pytest

from export_oracle import compare, inputs_for, make_checkpoint, run_checkpoint, run_symbol


def lenet(mx):
    s = mx.sym
    c = s.Convolution(s.var("data"), kernel=(5, 5), num_filter=6, name="conv1")
    c = s.BatchNorm(c, fix_gamma=False, name="bn1")
    c = s.Activation(c, act_type="relu", name="relu1")
    c = s.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    c = s.Flatten(c, name="flat")
    c = s.FullyConnected(c, num_hidden=10, name="fc")
    return s.SoftmaxOutput(c, name="softmax")


SHAPES = {"data": (2, 1, 28, 28)}


@pytest.fixture
def model(mx, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    return make_checkpoint(mx, lenet(mx), src / "m", SHAPES)


def test_array_path_automatic_and_explicit(mx, mxio, model, tmp_path):
    sym, params = model
    mxio("export", sym, "-o", tmp_path / "a-symbol.json", "-q", check=0)
    assert (tmp_path / "a-0000.params").read_bytes() == params.read_bytes()
    mxio("export", sym, "-o", tmp_path / "plain.json", "-q", check=0)
    assert (tmp_path / "plain.params").read_bytes() == params.read_bytes()
    mxio("export", sym, "-o", tmp_path / "b-symbol.json", "--array-path", tmp_path / "w.bin",
         "-q", check=0)
    assert (tmp_path / "w.bin").read_bytes() == params.read_bytes()
    assert not (tmp_path / "b-0000.params").exists()


def test_no_save_arrays(mx, mxio, model, tmp_path):
    sym, params = model
    mxio("export", sym, "-o", tmp_path / "j-symbol.json", "--no-save-arrays", "-q", check=0)
    assert (tmp_path / "j-symbol.json").read_text() == sym.read_text()
    assert sorted(os.listdir(tmp_path)) == ["j-symbol.json", "src"]
    # a symbol with no params file at all exports as JSON alone
    alone = tmp_path / "alone-symbol.json"
    alone.write_text(sym.read_text())
    mxio("export", alone, "-o", tmp_path / "k-symbol.json", "--no-save-arrays", "-q", check=0)
    r = mxio("export", alone, "-o", tmp_path / "l-symbol.json", "-q")
    assert r.code == 5 and "--no-save-arrays" in r.err
    assert not (tmp_path / "l-symbol.json").exists()


def test_never_overwrites_without_force(mx, mxio, model, tmp_path):
    sym, params = model
    out = tmp_path / "o-symbol.json"
    (tmp_path / "o-0000.params").write_bytes(b"keep me")
    r = mxio("export", sym, "-o", out, "-q")
    assert r.code == 6, r
    assert not out.exists()  # nothing written when either file exists
    assert (tmp_path / "o-0000.params").read_bytes() == b"keep me"
    mxio("export", sym, "-o", out, "-q", "--force", check=0)
    assert (tmp_path / "o-0000.params").read_bytes() == params.read_bytes()
    # never the input itself
    r = mxio("export", sym, "-o", sym, "--force", "-q")
    assert r.code == 6 and sym.exists()


def test_failed_params_write_leaves_nothing(mx, mxio, model, tmp_path):
    sym, params = model
    out = tmp_path / "f-symbol.json"
    r = mxio("export", sym, "-o", out, "--array-path", tmp_path / "no" / "such" / "dir.params", "-q")
    assert r.code != 0
    assert sorted(os.listdir(tmp_path)) == ["src"], os.listdir(tmp_path)


def test_output_selection(mx, mxio, model, tmp_path):
    sym, params = model
    out = tmp_path / "cut-symbol.json"
    mxio("export", sym, "-o", out, "--output", "flat_output", "-q", check=0)
    g = json.loads(out.read_text())
    assert g["nodes"][g["heads"][0][0]]["name"] == "flat"
    inputs = inputs_for(SHAPES)
    want = mx.sym.load(str(sym)).get_internals()["flat_output"]
    _, args, auxs = mx.model.load_checkpoint(str(sym.parent / "m"), 0)
    ref = run_symbol(mx, want, args, auxs, inputs)
    assert compare(run_checkpoint(mx, tmp_path / "cut", inputs), ref)
    # only the arrays the cut net uses
    assert sorted(mx.nd.load(str(tmp_path / "cut-0000.params"))) == [
        "arg:bn1_beta", "arg:bn1_gamma", "arg:conv1_bias", "arg:conv1_weight",
        "aux:bn1_moving_mean", "aux:bn1_moving_var"]


def test_float16(mx, mxio, model, tmp_path):
    sym, params = model
    mxio("export", sym, "-o", tmp_path / "h-symbol.json", "--dtype", "float16", "-q", check=0)
    half = mx.nd.load(str(tmp_path / "h-0000.params"))
    full = mx.nd.load(str(params))
    assert list(half) == list(full)
    for k in full:
        assert half[k].dtype == np.float16
        assert np.array_equal(half[k].asnumpy(), full[k].asnumpy().astype(np.float16)), k
    inputs = inputs_for(SHAPES)
    # load_checkpoint: MXNet copies the half arrays into a float32 executor
    _, args, auxs = mx.model.load_checkpoint(str(sym.parent / "m"), 0)
    rounded = {k: mx.nd.array(v.asnumpy().astype(np.float16).astype(np.float32))
               for k, v in args.items()}
    raux = {k: mx.nd.array(v.asnumpy().astype(np.float16).astype(np.float32))
            for k, v in auxs.items()}
    ref = run_symbol(mx, mx.sym.load(str(sym)), rounded, raux, inputs)
    assert compare(run_checkpoint(mx, tmp_path / "h", inputs), ref)
    # and back to float32: the half values, exactly
    mxio("export", tmp_path / "h-symbol.json", "-o", tmp_path / "s-symbol.json", "--dtype",
         "float32", "-q", check=0)
    single = mx.nd.load(str(tmp_path / "s-0000.params"))
    for k in full:
        assert single[k].dtype == np.float32
        assert np.array_equal(single[k].asnumpy(), half[k].asnumpy().astype(np.float32)), k


def test_float16_gluon_imports(mx, mxio, tmp_path):
    """SymbolBlock.imports takes the saved dtype (float16 parameters). MXNet's CPU
    build has no float16 GEMM ("FP16 gemm on cpu not implemented"), so on this
    machine the block is cast to float32 to run; the values are the half ones."""
    net = mx.gluon.nn.HybridSequential()
    net.add(mx.gluon.nn.Conv2D(4, 3), mx.gluon.nn.BatchNorm(), mx.gluon.nn.Activation("relu"),
            mx.gluon.nn.Dense(3))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = inputs_for({"data": (1, 2, 8, 8)})["data"]
    net(mx.nd.array(x))
    net.export(str(tmp_path / "g"))
    mxio("export", tmp_path / "g-symbol.json", "-o", tmp_path / "gh-symbol.json", "--dtype",
         "float16", "-q", check=0)
    block = mx.gluon.SymbolBlock.imports(str(tmp_path / "gh-symbol.json"), ["data"],
                                         str(tmp_path / "gh-0000.params"))
    assert {p.dtype for p in block.collect_params().values()} == {np.float16}
    block.cast("float32")
    got = block(mx.nd.array(x)).asnumpy()
    # the reference: the original net with its arrays rounded through float16
    for p in net.collect_params().values():
        p.set_data(mx.nd.array(p.data().asnumpy().astype(np.float16).astype(np.float32)))
    ref = net(mx.nd.array(x)).asnumpy()
    compare([got], [ref])


def net_json(build_dir, sym, params):
    p = subprocess.run([str(build_dir / "net_tool"), "build", sym, "-p", params, "-e", "net"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_edit_net_json_and_export(mx, mxio, build_dir, model, tmp_path):
    """The Net JSON form, edited as text (relu -> tanh, max -> mean pooling, a
    different epsilon), exported back: MXNet runs what the edit says."""
    sym, params = model
    net = net_json(build_dir, sym, params)
    # unchanged: the same files
    (tmp_path / "same.json").write_text(json.dumps(net))
    mxio("export", tmp_path / "same.json", "-o", tmp_path / "same-symbol.json", "-q", check=0)
    assert (tmp_path / "same-symbol.json").read_text() == sym.read_text()
    assert (tmp_path / "same-0000.params").read_bytes() == params.read_bytes()
    layers = {l["name"]: l for l in net["layers"]}
    layers["relu1"]["options"]["Function"] = "Tanh"
    layers["pool1"]["options"]["Function"] = "Mean"
    layers["bn1"]["options"]["Epsilon"] = 0.01
    edited = tmp_path / "net.json"
    edited.write_text(json.dumps(net, indent=1))
    out = tmp_path / "edited-symbol.json"
    mxio("export", edited, "-o", out, "-q", check=0)
    # what MXNet computes for the same edit made on its own graph
    g = json.loads(sym.read_text())
    for n in g["nodes"]:
        if n["name"] == "relu1":
            n["attrs"]["act_type"] = "tanh"
        if n["name"] == "pool1":
            n["attrs"]["pool_type"] = "avg"
        if n["name"] == "bn1":
            n["attrs"]["eps"] = "0.01"
    want = mx.sym.load_json(json.dumps(g))
    _, args, auxs = mx.model.load_checkpoint(str(sym.parent / "m"), 0)
    inputs = inputs_for(SHAPES)
    assert compare(run_checkpoint(mx, tmp_path / "edited", inputs),
                   run_symbol(mx, want, args, auxs, inputs))
    nodes = {n["name"]: n for n in json.loads(out.read_text())["nodes"]}
    assert nodes["relu1"]["op"] == "Activation" and nodes["relu1"]["attrs"]["act_type"] == "tanh"
    assert nodes["pool1"]["attrs"]["pool_type"] == "avg"
    # an edit that drops an argument: no bias any more; the variable and its array go
    layers["relu1"]["options"]["Function"] = "Ramp"
    layers["conv1"]["options"]["NoBias"] = True
    edited.write_text(json.dumps(net))
    mxio("export", edited, "-o", tmp_path / "nb-symbol.json", "-q", check=0)
    nb = mx.sym.load(str(tmp_path / "nb-symbol.json"))
    assert "conv1_bias" not in nb.list_arguments()
    assert "arg:conv1_bias" not in mx.nd.load(str(tmp_path / "nb-0000.params"))
    for n in g["nodes"]:
        if n["name"] == "conv1":
            n["attrs"]["no_bias"] = "True"
            n["inputs"] = n["inputs"][:2]
        if n["name"] == "relu1":
            n["attrs"]["act_type"] = "relu"
    want = mx.sym.load_json(json.dumps(g))
    assert compare(run_checkpoint(mx, tmp_path / "nb", inputs),
                   run_symbol(mx, want, {k: v for k, v in args.items() if k != "conv1_bias"},
                              auxs, inputs))
    # an edit no op can say is refused with the layer named, and nothing is written
    layers["relu1"]["options"]["Function"] = "NoSuchFunction"
    edited.write_text(json.dumps(net))
    r = mxio("export", edited, "-o", tmp_path / "bad-symbol.json", "-q")
    assert r.code != 0 and "relu1" in r.err
    assert not (tmp_path / "bad-symbol.json").exists()


def test_upgrade_refuses_existing(mx, mxio, model, tmp_path):
    sym, params = model
    (tmp_path / "u-0000.params").write_bytes(b"x")
    r = mxio("upgrade", sym, "-o", tmp_path / "u-symbol.json", "-q")
    assert r.code == 6 and not (tmp_path / "u-symbol.json").exists()


def test_misuse(mxio, model, tmp_path):
    sym, params = model
    assert mxio("export", sym).code == 2
    assert mxio("export", "-o", tmp_path / "x-symbol.json").code == 2
    assert mxio("export", sym, "-o", tmp_path / "x-symbol.json", "--dtype", "int8").code == 2
    assert mxio("export", sym, "-o", tmp_path / "x-symbol.json", "--colour").code == 2
    assert mxio("export", sym, "-o", tmp_path / "x-symbol.json", "--no-save-arrays",
                "--array-path", tmp_path / "p").code == 2
    assert mxio("upgrade", sym).code == 2
    r = mxio("export", tmp_path / "missing-symbol.json", "-o", tmp_path / "x-symbol.json")
    assert r.code == 5 and "missing-symbol.json" in r.err
    r = mxio("export", sym, "-o", tmp_path / "x-symbol.json", "--output", "nope_output", "-q")
    assert r.code == 5 and "nope_output" in r.err
    assert not (tmp_path / "x-symbol.json").exists()
    h = mxio("export", "--help", check=0)
    assert "--array-path" in h.out and "--dtype" in h.out
    assert "export" in mxio("--help", check=0).out and "upgrade" in mxio("--help", check=0).out


def test_net_json_keeps_subgraphs(mx, mxio, build_dir, models, tmp_path):
    """The Net JSON form carries each node's subgraphs (here the fused
    _sg_mkldnn_conv inner graphs of an int8 model): exported back, the files equal
    MXNet's. Without them, exporting a fused op is refused, naming the layer and the
    op, and nothing is written."""
    sym = mx.sym.load(str(models / "zoo-symbols" / "gluoncv-int8" / "mobilenet1.0_int8-symbol.json"))
    src, params = make_checkpoint(mx, sym, tmp_path / "q", {"data": (1, 3, 224, 224)})
    net = net_json(build_dir, src, params)
    fused = [l for l in net["layers"] if l["mxnet"]["op"] == "_sg_mkldnn_conv"]
    assert fused and all(len(l["mxnet"]["subgraphs"]) == 1 for l in fused)
    (tmp_path / "net.json").write_text(json.dumps(net))
    mxio("export", tmp_path / "net.json", "-o", tmp_path / "same-symbol.json", "-q", check=0)
    assert (tmp_path / "same-symbol.json").read_text() == src.read_text()
    assert (tmp_path / "same-0000.params").read_bytes() == params.read_bytes()
    for l in fused:
        del l["mxnet"]["subgraphs"]
    (tmp_path / "bare.json").write_text(json.dumps(net))
    out = tmp_path / "again-symbol.json"
    r = mxio("export", tmp_path / "bare.json", "-o", out, "-q")
    assert r.code == 11, r
    assert f"layer {fused[0]['name']}: op _sg_mkldnn_conv holds a subgraph" in r.err, r.err
    assert not out.exists() and not (tmp_path / "again-0000.params").exists()
