"""The Net (high-level layers) against MXNet 1.9.1: Gluon zoo nets exported in the
test run, symbol-API nets, and every symbol in ../shared/models.

For each: one layer per op node named as MXNet names the node, inputs = MXNet's data
inputs, outputs named as MXNet's list_outputs(), every weight/aux variable wired to a
layer array (with the shape MXNet's infer_shape gives when a params file is attached),
NetChain exactly when the graph is one straight path, and the Net JSON form reads back
to the same text."""
import collections
import json
import re

import pytest

from net_oracle import (build_net, expected_roles, is_chain, mx_graph, net_arrays, op_nodes,
                        run_tool, same_attr, unique_names)

GLUON = [("resnet18_v1", 224), ("mobilenet1.0", 224), ("squeezenet1.1", 224),
         ("densenet121", 224), ("inceptionv3", 299), ("alexnet", 224),
         # 500 MB of weights: exporting them takes MXNet ~20 s.
         pytest.param("vgg11_bn", 224, marks=pytest.mark.slow)]


def check_net(mx, build_dir, tmp_path, sym_path, params_path=None, data_shapes=None):
    sym = mx.sym.load(str(sym_path))
    graph = mx_graph(sym)
    net, text = build_net(build_dir, sym_path, params_path)

    # One layer per op node, in order, named and typed by the node.
    assert [l["name"] for l in net["layers"]] == unique_names(graph)
    assert [l["mxnet"]["op"] for l in net["layers"]] == [n["op"] for n in op_nodes(graph)]
    assert all(l["type"] for l in net["layers"]), [l for l in net["layers"] if not l["type"]][:1]

    # Outputs as MXNet names them.
    assert [o["name"] for o in net["outputs"]] == sym.list_outputs()

    arg_params = None
    if params_path:
        saved = mx.nd.load(str(params_path))
        saved = saved if isinstance(saved, dict) else {}  # an empty file loads as []
        arg_params = {k.split(":", 1)[-1]: v for k, v in saved.items()}
    if data_shapes is None:
        data_shapes = {}
    data, weights, aux, labels = expected_roles(sym, data_shapes, arg_params)
    assert sorted(i["name"] for i in net["inputs"]) == sorted(data)
    assert sorted(l["name"] for l in net["labels"]) == sorted(labels)
    arrays = net_arrays(net)
    assert set(arrays) == set(weights) | set(aux)
    for a in aux:
        assert arrays[a][1] == "aux", a

    if params_path:
        # Shapes MXNet infers from the data shapes; only what it cannot infer (a learned
        # constant feeding a broadcast) is taken from the params file.
        partial, _, _ = sym.infer_shape_partial(**data_shapes)
        given = dict(data_shapes)
        for a, s in zip(sym.list_arguments(), partial):
            if (not s or not all(d > 0 for d in s)) and a in arg_params:
                given[a] = arg_params[a].shape
        arg_shapes, _, aux_shapes = sym.infer_shape(**given)
        shapes = dict(zip(sym.list_arguments(), arg_shapes))
        shapes.update(zip(sym.list_auxiliary_states(), aux_shapes))
        for var, (shape, role, state) in arrays.items():
            assert state == "set", var
            assert tuple(shape) == tuple(shapes[var]), (var, shape, shapes[var])
        assert net["initialized"] is True

    assert net["kind"] == ("NetChain" if is_chain(graph, data) else "NetGraph")

    if data_shapes and all(k in data for k in data_shapes):
        check_inferred_shapes(mx, build_dir, sym, sym_path, graph, data_shapes)

    # The Net JSON form reads back to the same text.
    p = tmp_path / (sym_path.name + ".net.json")
    p.write_text(text)
    code, again, err = run_tool(build_dir, "reread", p)
    assert code == 0, err
    assert again == text
    return net


def shape_args(data_shapes):
    out = []
    for k, v in data_shapes.items():
        out += ["-s", f"{k}={','.join(map(str, v))}"]
    return out


def check_inferred_shapes(mx, build_dir, sym, sym_path, graph, data_shapes):
    """Given the input shapes (and no params file), every layer's output shapes and every
    array's shape are MXNet's infer_shape results wherever mxio's shape rules know them,
    and for nets of common ops they know them all."""
    code, out, err = run_tool(build_dir, "build", sym_path, "-e", "uninit",
                              *shape_args(data_shapes))
    assert code == 0, err
    net = json.loads(out)
    internals = sym.get_internals()
    _, out_shapes, _ = internals.infer_shape_partial(**data_shapes)
    names = internals.list_outputs()
    by_name = dict(zip(names, out_shapes))
    arg_shapes, _, aux_shapes = sym.infer_shape_partial(**data_shapes)
    var_shapes = dict(zip(sym.list_arguments(), arg_shapes))
    var_shapes.update(zip(sym.list_auxiliary_states(), aux_shapes))
    layers = iter(net["layers"])
    pos = 0
    known = total = 0
    for n in graph["nodes"]:
        if n["op"] == "null":
            assert names[pos] == n["name"]
            pos += 1
            continue
        layer = next(layers)
        shapes = layer.get("output_shapes") or []
        for k, shape in enumerate(shapes):
            name = names[pos + k]
            assert name.startswith(n["name"] + "_"), (name, n["name"])
            total += 1
            if shape is None or None in shape:
                continue
            known += 1
            assert tuple(shape) == tuple(by_name[name]), (name, shape, by_name[name])
        pos += len(shapes) if shapes else 1
        for a in layer["arrays"]:
            if a.get("shape") is not None and a["variable"] in var_shapes:
                assert tuple(a["shape"]) == tuple(var_shapes[a["variable"]]), a
    return known, total


@pytest.fixture(scope="module")
def gluon_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("gluon")


def export_gluon(mx, name, size, d):
    prefix = d / name
    if not (d / f"{name}-symbol.json").exists():
        mx.random.seed(0)
        net = mx.gluon.model_zoo.vision.get_model(name, pretrained=False)
        net.initialize(mx.init.Xavier())
        net.hybridize()
        net(mx.nd.zeros((1, 3, size, size)))
        net.export(str(prefix))
    return d / f"{name}-symbol.json", d / f"{name}-0000.params"


@pytest.mark.parametrize("name,size", GLUON)
def test_gluon_zoo(mx, build_dir, gluon_dir, tmp_path, name, size):
    sym, params = export_gluon(mx, name, size, gluon_dir)
    shapes = {"data": (1, 3, size, size)}
    net = check_net(mx, build_dir, tmp_path, sym, params, shapes)
    symbol = mx.sym.load(str(sym))
    known, total = check_inferred_shapes(mx, build_dir, symbol, sym, mx_graph(symbol), shapes)
    assert known == total == len(op_nodes(mx_graph(symbol)))
    assert [i["name"] for i in net["inputs"]] == ["data"]
    types = collections.Counter(l["type"] for l in net["layers"])
    assert types["ConvolutionLayer"] > 0
    # Nets Gluon builds from standard blocks need no generic layer.
    assert types["MXNetOpLayer"] == 0, [l["mxnet"]["op"] for l in net["layers"]
                                        if l["type"] == "MXNetOpLayer"]


def save_checkpoint(mx, sym, prefix, data_shapes, seed=0):
    mx.random.seed(seed)
    arg_shapes, _, aux_shapes = sym.infer_shape(**data_shapes)
    args = {n: mx.nd.random.uniform(-1, 1, shape=s)
            for n, s in zip(sym.list_arguments(), arg_shapes)
            if n != "data" and not n.endswith("label")}
    auxs = {n: mx.nd.random.uniform(0.5, 1, shape=s)
            for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    mx.model.save_checkpoint(str(prefix), 0, sym, args, auxs)
    return prefix.parent / f"{prefix.name}-symbol.json", prefix.parent / f"{prefix.name}-0000.params"


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
    # A learned constant: a variable the params file holds, taken as a data argument.
    scale = s.var("scale")
    x = s.Convolution(data, kernel=(3, 3), num_filter=4, no_bias=True, name="conv")
    nets["constant"] = (s.broadcast_mul(x, scale, name="scaled"),
                        {"data": (1, 3, 8, 8), "scale": (1, 4, 1, 1)})
    # Several outputs of one node, and two heads.
    parts = s.split(data, num_outputs=2, axis=1, name="split")
    y = s.elemwise_add(parts[0], parts[1], name="add")
    nets["split"] = (s.Group([y, s.LeakyReLU(parts[1], act_type="leaky", name="leaky")]),
                     {"data": (1, 4, 3)})
    r = s.FullyConnected(data, num_hidden=1, name="reg_fc")
    nets["regression"] = (s.LinearRegressionOutput(r, name="reg"), {"data": (3, 5)})
    t = s.swapaxes(data, dim1=1, dim2=2, name="swap")
    t = s.SwapAxis(t, dim2=1, name="swap0")
    nets["swap"] = (s.FullyConnected(s.transpose(t, axes=(0, 2, 1), name="tr"), num_hidden=3,
                                     flatten=False, name="fc"), {"data": (2, 4, 5)})
    return nets


@pytest.mark.parametrize("name", ["mlp", "lenet", "constant", "split", "regression", "swap"])
def test_symbol_api(mx, build_dir, tmp_path, name, op_defaults):
    sym, shapes = symbol_nets(mx)[name]
    sym_path, params_path = save_checkpoint(mx, sym, tmp_path / name, shapes)
    data_shapes = {k: v for k, v in shapes.items() if k == "data"}
    net = check_net(mx, build_dir, tmp_path, sym_path, params_path, data_shapes)
    if name in ("mlp", "lenet"):
        # Training head in its inference form: a softmax, the label input dropped.
        assert net["layers"][-1]["type"] == "SoftmaxLayer"
        assert [l["name"] for l in net["labels"]] == ["softmax_label"]
        assert net["kind"] == "NetChain"
    if name == "constant":
        scaled = net["layers"][-1]
        assert scaled["type"] == "ThreadingLayer"
        assert [a["variable"] for a in scaled["arrays"]] == ["scale"]
        assert scaled["arrays"][0]["role"] == "constant"
    if name == "split":
        assert net["kind"] == "NetGraph"
    if name == "swap":
        assert [(l["type"], l["options"].get("Swap")) for l in net["layers"][:2]] == [
            ("TransposeLayer", [1, 2]), ("TransposeLayer", [0, 1])]
        assert net["kind"] == "NetChain"
    assert check_way_back(mx, build_dir, sym_path, op_defaults) == sum(
        1 for l in net["layers"] if l["type"] != "MXNetOpLayer")


def test_uninitialized_net(mx, build_dir, tmp_path):
    sym, shapes = symbol_nets(mx)["lenet"]
    sym_path, params_path = save_checkpoint(mx, sym, tmp_path / "lenet", shapes)
    net, _ = build_net(build_dir, sym_path, params_path, element="uninit")
    assert net["initialized"] is False
    assert all(a["state"] != "set" for l in net["layers"] for a in l["arrays"])
    net2, _ = build_net(build_dir, sym_path)
    assert net2["initialized"] is False
    conv = net2["layers"][0]
    assert conv["type"] == "ConvolutionLayer"
    assert conv["options"]["OutputChannels"] == 6 and conv["options"]["KernelSize"] == [5, 5]
    assert [(a["slot"], a["variable"], a["state"]) for a in conv["arrays"]] == [
        ("Weights", "conv1_weight", "unset"), ("Biases", "conv1_bias", "unset")]


def test_output_selection(mx, build_dir, gluon_dir, tmp_path):
    sym_path, params_path = export_gluon(mx, "resnet18_v1", 224, gluon_dir)
    sym = mx.sym.load(str(sym_path))
    internals = sym.get_internals()
    names = [n for n in internals.list_outputs() if n.endswith("_output")]
    for want in (names[len(names) // 3], names[-2]):
        sub = internals[want]
        net, _ = build_net(build_dir, sym_path, params_path, output=want)
        assert [o["name"] for o in net["outputs"]] == [want] == sub.list_outputs()
        assert [l["name"] for l in net["layers"]] == unique_names(mx_graph(sub))
        assert len(net["layers"]) < len(op_nodes(mx_graph(sym)))
        # Arrays of layers cut away are reported as unused, not attached.
        assert set(net_arrays(net)) == set(sub.list_arguments() + sub.list_auxiliary_states()) - {"data"}
    code, _, err = run_tool(build_dir, "build", sym_path, "-o", "no_such_output")
    assert code == 5 and "no_such_output" in err


def test_array_mismatch_and_missing(mx, build_dir, tmp_path):
    sym, shapes = symbol_nets(mx)["mlp"]
    sym_path, params_path = save_checkpoint(mx, sym, tmp_path / "mlp", shapes)
    saved = mx.nd.load(str(params_path))
    w = saved["arg:fc1_weight"]
    bad = dict(saved)
    bad["arg:fc1_weight"] = mx.nd.zeros((w.shape[0] + 1, w.shape[1]))
    bad_path = tmp_path / "bad.params"
    mx.nd.save(str(bad_path), bad)
    code, _, err = run_tool(build_dir, "build", sym_path, "-p", bad_path)
    assert code == 15, err
    assert "fc1_weight" in err and f"({w.shape[0] + 1},{w.shape[1]})" in err
    assert f"({w.shape[0]},?)" in err
    missing = {k: v for k, v in saved.items() if k not in ("arg:fc2_bias", "arg:fc1_weight")}
    miss_path = tmp_path / "missing.params"
    mx.nd.save(str(miss_path), missing)
    code, _, err = run_tool(build_dir, "build", sym_path, "-p", miss_path)
    assert code == 15, err
    assert "fc2_bias" in err and "fc1_weight" in err and "2 arrays" in err


def shared_symbols(models):
    return sorted(p for p in models.rglob("*.json") if p.name != "package.json")


def data_shapes_for(mx, sym):
    """An input size MXNet accepts for this classifier (some have fixed-size pools):
    the first that infers completely, else the first that infers without error."""
    fallback = None
    for size in (224, 299, 331, 112, 320, 28):
        shape = {"data": (1, 3, size, size)}
        try:
            args, _, _ = sym.infer_shape(**shape)
            if args is not None:
                return shape
        except Exception:
            pass
        try:
            sym.infer_shape_partial(**shape)
            fallback = fallback or shape
        except Exception:
            pass
    assert fallback, "MXNet infers no shape for this symbol"
    return fallback


def census(graph):
    counts, first = collections.Counter(), {}
    for n in graph["nodes"]:
        if n["op"] != "null":
            counts[n["op"]] += 1
            first.setdefault(n["op"], n["name"])
    return counts, first


def test_shared_models(mx, build_dir, models, tmp_path):
    paths = shared_symbols(models)
    assert len(paths) >= 25
    checked = 0
    for p in paths:
        sym = mx.sym.load(str(p))
        params = p.parent / "model-0000.params" if p.name == "model-symbol.json" else None
        if params is not None and not params.exists():
            params = None
        code, out, err = run_tool(build_dir, "build", p)
        if code != 0:
            # Only ops mxio does not know may stop it, named with counts and first nodes.
            assert code == 13, (p, err)
            counts, first = census(mx_graph(sym))
            named = re.findall(r"(\S+) x(\d+) \(first: ([^)]+)\)", err)
            assert named, (p, err)
            for op, n, node in named:
                assert counts[op] == int(n) and first[op] == node, (p, op, n, node)
            keep, _ = build_net(build_dir, p, keep=True)
            failed = {l["mxnet"]["op"] for l in keep["layers"]
                      if l["type"] is None and "is not supported" in l["failure"]}
            assert failed == {op for op, _, _ in named}, p
            continue
        check_net(mx, build_dir, tmp_path, p, params, data_shapes_for(mx, sym))
        checked += 1
    assert checked >= 20


def test_gluoncv_int8_ssd_message(mx, build_dir, models):
    """The unsupported-op error names every op mxio lacks, with counts and first nodes;
    LayerAssociation (keep failures) lists every node, failures included."""
    for p in sorted((models / "zoo-symbols" / "gluoncv-int8").glob("ssd_*-symbol.json")):
        graph = mx_graph(mx.sym.load(str(p)))
        counts, first = census(graph)
        code, out, err = run_tool(build_dir, "build", p)
        keep, _ = build_net(build_dir, p, keep=True)
        assert len(keep["layers"]) == len(op_nodes(graph))
        failed = collections.Counter(l["mxnet"]["op"] for l in keep["layers"]
                                     if l["type"] is None and "is not supported" in l["failure"])
        if not failed:
            assert code == 0, err
            continue
        assert code == 13, err
        assert "unsupported ops: " in err
        for op, n in failed.items():
            assert f"{op} x{counts[op]} (first: {first[op]})" in err, (op, err)
        code, table, err = run_tool(build_dir, "build", p, "-k", "-e", "assoc", "-f", "table")
        assert code == 0, err
        assert table.count("Failure[") >= sum(failed.values())
        assert table.count(" -> ") == len(op_nodes(graph))


def test_unknown_ops_named_with_counts(mx, build_dir, models, tmp_path):
    """Ops the registry does not know (here: real ops of the quantized GluonCV SSD files
    renamed to names no registry has) stop the Net with one message naming every one,
    with its count (as MXNet's graph has it) and first node, and nothing else."""
    renamed = ("_contrib_box_nms", "where", "_sg_mkldnn_conv", "slice_like")
    for p in sorted((models / "zoo-symbols" / "gluoncv-int8").glob("ssd_*-symbol.json")):
        counts, first = census(mx_graph(mx.sym.load(str(p))))
        raw = json.loads(p.read_text())
        for n in raw["nodes"]:
            if n["op"] in renamed:
                n["op"] += "_unknown"
        q = tmp_path / p.name
        q.write_text(json.dumps(raw))
        code, _, err = run_tool(build_dir, "build", q)
        assert code == 13, err
        named = re.findall(r"(\S+) x(\d+) \(first: ([^)]+)\)", err)
        assert sorted(op for op, _, _ in named) == sorted(o + "_unknown" for o in renamed), err
        for op, n, node in named:
            base = op[: -len("_unknown")]
            assert int(n) == counts[base] and node == first[base], (op, n, node)
        keep, _ = build_net(build_dir, q, keep=True)
        failed = collections.Counter(l["mxnet"]["op"] for l in keep["layers"] if l["type"] is None)
        assert failed == {o + "_unknown": counts[o] for o in renamed}
        # LayerAssociation: every op node by name, the unknown ones as failures.
        assoc, _ = build_net(build_dir, q, keep=True, element="assoc")
        graph = mx_graph(mx.sym.load(str(p)))
        assert list(assoc) == unique_names(graph)
        fails = collections.Counter(v["op"] for v in assoc.values() if "failure" in v)
        assert fails == failed
        assert all(v["type"] for v in assoc.values() if "failure" not in v)


def check_way_back(mx, build_dir, sym_path, defaults):
    """Layer options -> attributes (what export writes for a layer built from options)
    says the same as the node: every attribute it writes has the node's value, and every
    mapped attribute it leaves out is at MXNet's default."""
    graph = mx_graph(mx.sym.load(str(sym_path)))
    nodes = {n: node for n, node in zip(unique_names(graph), op_nodes(graph))}
    code, out, err = run_tool(build_dir, "attrs", sym_path)
    assert code == 0, err
    back = json.loads(out)
    assert set(back) == set(nodes)
    checked = 0
    for name, b in back.items():
        node = nodes[name]
        orig = node.get("attrs", {})
        if b["type"] == "MXNetOpLayer":
            assert b["attrs"] == orig, name
            continue
        for k, v in b["attrs"].items():
            assert k in orig and same_attr(v, orig[k]), (name, node["op"], k, v, orig.get(k))
        for k in b["mapped"]:
            if k in orig and k not in b["attrs"]:
                d = defaults[node["op"]].get(k)
                assert d is not None and same_attr(orig[k], d), (name, node["op"], k, orig[k], d)
        checked += 1
    return checked


@pytest.fixture(scope="module")
def op_defaults(mx):
    from net_oracle import mx_op_defaults
    return mx_op_defaults()


def test_way_back(mx, build_dir, models, gluon_dir, op_defaults):
    paths = shared_symbols(models)
    for name, size in (("resnet18_v1", 224), ("inceptionv3", 299), ("mobilenet1.0", 224)):
        paths.append(export_gluon(mx, name, size, gluon_dir)[0])
    total = 0
    for p in paths:
        if "int8" in p.name:
            continue  # fused int8 ops are generic layers: raw attributes, checked above
        total += check_way_back(mx, build_dir, p, op_defaults)
    assert total > 5000


def test_arrays_that_do_not_fit_each_other(mx, build_dir, tmp_path):
    """Each array fits its own layer, but conv2's weights are made for 5 channels where
    conv1 gives 6: MXNet refuses to bind, and so does the Net (the input declares its
    shape, so the graph's shape rules can see it)."""
    s = mx.sym
    data = s.var("data", shape=(1, 3, 8, 8))
    c2 = s.Convolution(s.Convolution(data, kernel=(3, 3), num_filter=6, name="conv1"),
                       kernel=(3, 3), num_filter=4, name="conv2")
    for in_ch, ok in ((6, True), (5, False)):
        args = {"conv1_weight": mx.nd.zeros((6, 3, 3, 3)), "conv1_bias": mx.nd.zeros((6,)),
                "conv2_weight": mx.nd.zeros((4, in_ch, 3, 3)), "conv2_bias": mx.nd.zeros((4,))}
        prefix = tmp_path / f"cc{in_ch}"
        mx.model.save_checkpoint(str(prefix), 0, c2, args, {})
        try:
            c2.bind(mx.cpu(), args={"data": mx.nd.zeros((1, 3, 8, 8)), **args})
            mx_ok = True
        except mx.base.MXNetError:
            mx_ok = False
        assert mx_ok == ok
        code, _, err = run_tool(build_dir, "build", f"{prefix}-symbol.json", "-p",
                                f"{prefix}-0000.params")
        if ok:
            assert code == 0, err
        else:
            assert code == 15, err
            assert "conv2" in err and "(4,5,3,3)" in err and "(4,6,3,3)" in err


def test_input_shapes(mx, build_dir, tmp_path):
    """Input shapes give the UninitializedNet its array shapes (MXNet's infer_shape),
    shapes that do not fit are refused as MXNet refuses them, and a shape for an input
    the symbol does not have is an error."""
    sym, shapes = symbol_nets(mx)["lenet"]
    sym_path, params_path = save_checkpoint(mx, sym, tmp_path / "lenet", shapes)
    arg_shapes, _, aux_shapes = sym.infer_shape(data=(5, 1, 28, 28))
    want = dict(zip(sym.list_arguments(), arg_shapes))
    want.update(zip(sym.list_auxiliary_states(), aux_shapes))
    code, out, err = run_tool(build_dir, "build", sym_path, "-s", "data=5,1,28,28")
    assert code == 0, err
    net = json.loads(out)
    got = {a["variable"]: tuple(a["shape"]) for l in net["layers"] for a in l["arrays"]}
    assert got == {k: v for k, v in want.items() if k in got} and len(got) == len(want) - 2
    assert net["layers"][-1]["output_shapes"] == [list(sym.infer_shape(data=(5, 1, 28, 28))[1][0])]
    with pytest.raises(mx.base.MXNetError):
        sym.infer_shape(data=(5, 1, 28))
    code, _, err = run_tool(build_dir, "build", sym_path, "-s", "data=5,1,28")
    assert code == 14, err
    assert "conv1" in err
    code, _, err = run_tool(build_dir, "build", sym_path, "-s", "dataa=5,1,28,28")
    assert code == 5 and "dataa" in err
    # With the params file, arrays and input shapes are checked together.
    code, _, err = run_tool(build_dir, "build", sym_path, "-p", params_path, "-s", "data=5,2,28,28")
    with pytest.raises(mx.base.MXNetError):
        sym.infer_shape(data=(5, 2, 28, 28), conv1_weight=(6, 1, 5, 5))
    assert code == 15 and "conv1" in err, err
