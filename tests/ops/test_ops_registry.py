"""The op registry against MXNet 1.9.1's own operator registry: parameter names,
types, defaults and enum choices; aliases; and, per attribute variant, the
arguments, auxiliary states, visible outputs and node_row_ptr output counts."""
import json
import math
import pathlib
import sys

import mxnet as mx
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import mxnet_ops_oracle as oracle  # noqa: E402

MX = oracle.registry()

# Ops whose parameters MXNet parses with a custom parser, so its registry lists
# none; their tables come from the param structs (see the record's comment).
CUSTOM_PARSER = {"_sg_mkldnn_conv", "_sg_mkldnn_fully_connected"}
# Ops MXNet only builds around Python-made body graphs (checked in
# test_control_flow_nodes_match_mxnet).
SUBGRAPH_OPS = {"_foreach", "_while_loop", "_cond"}


@pytest.fixture(scope="module")
def records(build_dir):
    return {r["name"]: r for r in oracle.ops_dump(build_dir, "registry")}


# Plugin ops real files use but the pip build lacks; their records follow the
# plugin source at 1.9.1 (plugin/warpctc). If a build has them, compare them.
PLUGIN_OPS = {"WarpCTC"}


def test_every_record_is_a_canonical_mxnet_op(records):
    missing = [n for n in records if n not in MX and n not in PLUGIN_OPS]
    assert not missing, f"not canonical MXNet 1.9.1 op names: {missing}"


def test_aliases_match_mxnet(records):
    for name, r in records.items():
        if name not in MX:
            continue
        for a in r["aliases"]:
            h = oracle.op_handle(a)
            assert h is not None and h == oracle.op_handle(name), f"{a} is not an alias of {name}"
        assert sorted(r["aliases"]) == sorted(MX[name]["aliases"]), name


def same_value(kind, mine, theirs):
    if kind in ("float", "opt_float") and mine is not None and theirs is not None:
        return math.isclose(float(mine), theirs, rel_tol=1e-6, abs_tol=0)
    if kind == "floats":
        return len(mine) == len(theirs) and all(
            math.isclose(a, b, rel_tol=1e-6) for a, b in zip(mine, theirs))
    return mine == theirs


def test_parameters_match_mxnet(records):
    bad = []
    for name, r in records.items():
        if name not in MX:
            assert name in PLUGIN_OPS
            continue
        theirs = [(a, t) for a, t in MX[name]["args"] if not oracle.is_input_type(t)]
        if name in CUSTOM_PARSER:
            assert not theirs
            continue
        mine = {p["name"]: p for p in r["params"]}
        # The variadic count (key_var_num_args) is a parameter MXNet does not list.
        hidden = MX[name]["key_var_num_args"]
        if hidden in mine and hidden not in dict(theirs):
            assert mine[hidden]["type"] == "int" and mine[hidden]["required"], name
            theirs = theirs + [(hidden, "int, required")]
        if sorted(mine) != sorted(a for a, _ in theirs):
            bad.append(f"{name}: params {sorted(mine)} != MXNet {sorted(a for a, _ in theirs)}")
            continue
        for a, t in theirs:
            p = mine[a]
            kinds = oracle.type_kinds(t)
            if p["type"] not in kinds:
                bad.append(f"{name}.{a}: type {p['type']} not in {kinds} ({t})")
                continue
            dflt = oracle.default_text(t)
            if (dflt is None) != p["required"]:
                bad.append(f"{name}.{a}: required {p['required']} but MXNet says {t}")
                continue
            if dflt is not None:
                want = oracle.parse_value(p["type"], dflt)
                if p["parsed"] == "<unparsed>" or not same_value(p["type"], p["parsed"], want):
                    bad.append(f"{name}.{a}: default {p['default']!r} -> {p['parsed']!r}, "
                               f"MXNet {dflt!r} -> {want!r}")
            if p["type"] == "enum" and set(p["choices"].split("|")) != oracle.enum_choices(t):
                bad.append(f"{name}.{a}: choices {p['choices']} != {t}")
    assert not bad, "\n".join(bad)


# Required attributes for building each op in MXNet (values only need to be valid).
REQUIRED = {
    "Convolution": {"kernel": "(3,3)", "num_filter": 8},
    "Convolution_v1": {"kernel": "(3,3)", "num_filter": 8},
    "Deconvolution": {"kernel": "(3,3)", "num_filter": 8},
    "FullyConnected": {"num_hidden": 10},
    "Embedding": {"input_dim": 10, "output_dim": 4},
    "_contrib_DeformableConvolution": {"kernel": "(3,3)", "num_filter": 8},
    "_contrib_quantized_conv": {"kernel": "(3,3)", "num_filter": 8},
    "_contrib_quantized_fully_connected": {"num_hidden": 10},
    "_contrib_SyncBatchNorm": {"key": "k"},
    "LRN": {"nsize": 5},
    "Activation": {"act_type": "relu"},
    "clip": {"a_min": 0, "a_max": 6},
    "_contrib_quantized_act": {"act_type": "relu"},
    "ROIPooling": {"pooled_size": "(7,7)", "spatial_scale": 0.0625},
    "_contrib_ROIAlign": {"pooled_size": "(7,7)", "spatial_scale": 0.0625},
    "_contrib_PSROIPooling": {"spatial_scale": 0.0625, "output_dim": 4, "pooled_size": 7},
    "Pooling": {"kernel": "(2,2)"},
    "Pooling_v1": {"kernel": "(2,2)"},
    "_contrib_quantized_pooling": {"kernel": "(2,2)"},
    "Concat": {"num_args": 3},
    "add_n": {"num_args": 2},
    "expand_dims": {"axis": 1},
    "SliceChannel": {"num_outputs": 3},
    "_split_v2": {"indices": "(0,2,5)"},
    "slice": {"begin": "(0,None)", "end": "(2,None)"},
    "slice_axis": {"axis": 1, "begin": 0, "end": "None"},
    "tile": {"reps": "(2,2)"},
    "repeat": {"repeats": 2},
    "Pad": {"mode": "constant", "pad_width": "(0,0,0,0,1,1,1,1)"},
    "Crop": {"num_args": 1, "h_w": "(4,4)"},
    "UpSampling": {"scale": 2, "sample_type": "nearest", "num_args": 1},
    "Cast": {"dtype": "int32"},
    "amp_cast": {"dtype": "float16"},
    "amp_multicast": {"num_outputs": 2},
    "stack": {"num_args": 2},
    "depth_to_space": {"block_size": 2},
    "space_to_depth": {"block_size": 2},
    "one_hot": {"depth": 5},
    "_rnn_param_concat": {"num_args": 2},
    "_arange": {"start": 0},
    "_full": {"value": 1},
    "_contrib_quantized_concat": {"num_args": 2},
    "_contrib_bipartite_matching": {"threshold": 0.5},
    "RNN": {"state_size": 8, "num_layers": 1, "mode": "lstm"},
    "GridGenerator": {"transform_type": "affine"},
    "_contrib_interleaved_matmul_selfatt_qk": {"heads": 2},
    "_contrib_interleaved_matmul_selfatt_valatt": {"heads": 2},
    "_contrib_interleaved_matmul_encdec_qk": {"heads": 2},
    "_contrib_interleaved_matmul_encdec_valatt": {"heads": 2},
    "_random_randint": {"low": 0, "high": 5},
    "SpatialTransformer": {"transform_type": "affine", "sampler_type": "bilinear"},
}

# Attribute variants that change arguments or outputs.
VARIANTS = [
    ("Convolution", {"no_bias": "True"}),
    ("Convolution", {"no_bias": "1"}),
    ("Deconvolution", {"no_bias": "False"}),
    ("FullyConnected", {"no_bias": "true", "flatten": "False"}),
    ("_contrib_DeformableConvolution", {"no_bias": "True"}),
    ("BatchNorm", {"output_mean_var": "True"}),
    ("BatchNorm_v1", {"output_mean_var": "True"}),
    ("_contrib_BatchNormWithReLU", {"output_mean_var": "True"}),
    ("_contrib_SyncBatchNorm", {"output_mean_var": "True"}),
    ("LayerNorm", {"output_mean_var": "True"}),
    ("GroupNorm", {"output_mean_var": "True"}),
    ("LeakyReLU", {"act_type": "prelu"}),
    ("LeakyReLU", {"act_type": "rrelu"}),
    ("LeakyReLU", {"act_type": "elu"}),
    ("LeakyReLU", {"act_type": "gelu"}),
    ("softmax", {"use_length": "True"}),
    ("log_softmax", {"use_length": "True"}),
    ("softmin", {"use_length": "True"}),
    ("Concat", {"num_args": 1}),
    ("Concat", {"num_args": 5, "dim": -1}),
    ("Concat", {"num_args": 200}),
    ("SliceChannel", {"num_outputs": 150}),
    ("amp_multicast", {"num_outputs": 120}),
    ("add_n", {"num_args": 4}),
    ("stack", {"num_args": 3}),
    ("UpSampling", {"num_args": 3}),
    ("UpSampling", {"sample_type": "bilinear", "num_filter": 4}),
    ("Crop", {"num_args": 2}),
    ("SliceChannel", {"num_outputs": 1}),
    ("SliceChannel", {"num_outputs": 7, "squeeze_axis": "True"}),
    ("_split_v2", {"indices": "(0,1,2,3)"}),
    ("_split_v2", {"indices": "()", "sections": 4}),
    ("amp_multicast", {"num_outputs": 3}),
    ("RNN", {"mode": "lstm", "state_outputs": "True"}),
    ("RNN", {"mode": "gru", "state_outputs": "True"}),
    ("RNN", {"mode": "rnn_tanh"}),
    ("RNN", {"mode": "lstm", "use_sequence_length": "True"}),
    ("SequenceMask", {"use_sequence_length": "True"}),
    ("SequenceLast", {"use_sequence_length": "True"}),
    ("SequenceReverse", {"use_sequence_length": "True"}),
    ("topk", {"ret_typ": "both"}),
    ("_sample_multinomial", {"get_prob": "True"}),
    ("topk", {"ret_typ": "value"}),
    ("topk", {"ret_typ": "mask"}),
    ("_contrib_Proposal", {"output_score": "True"}),
    ("_contrib_MultiProposal", {"output_score": "True"}),
    ("_contrib_BilinearResize2D", {"mode": "like"}),
    ("CTCLoss", {"use_data_lengths": "True"}),
    ("CTCLoss", {"use_data_lengths": "True", "use_label_lengths": "True"}),
    ("CTCLoss", {"use_label_lengths": "True"}),
    ("_rnn_param_concat", {"num_args": 5}),
    ("_contrib_quantized_concat", {"num_args": 3}),
    # Pooling: the MKLDNN wheel adds a workspace output to supported max pooling.
    ("Pooling", {"kernel": "(2,2)"}),
    ("Pooling", {"kernel": "(2,2)", "pool_type": "avg"}),
    ("Pooling", {"kernel": "(2,2)", "pool_type": "sum"}),
    ("Pooling", {"kernel": "(2,2)", "pool_type": "lp", "p_value": 2}),
    ("Pooling", {"kernel": "(3,)", "pooling_convention": "same"}),
    ("Pooling", {"kernel": "(2,2,2)", "pooling_convention": "full"}),
    ("Pooling", {"kernel": "(2,2)", "layout": "NHWC"}),
    ("Pooling", {"kernel": "(2,2)", "layout": "NCHW"}),
    ("Pooling", {"global_pool": "True"}),
    ("Pooling", {"global_pool": "True", "kernel": "(1,1)"}),
    ("Pooling", {"global_pool": "True", "pool_type": "avg"}),
    ("Pooling_v1", {"kernel": "(2,2)"}),
    ("_contrib_quantized_pooling", {"kernel": "(2,2)"}),
]


def variants(records):
    for name in sorted(records):
        if name in CUSTOM_PARSER or name in SUBGRAPH_OPS or name == "Custom" or name not in MX:
            continue
        yield name, dict(REQUIRED.get(name, {}))
    for name, attrs in VARIANTS:
        yield name, {**REQUIRED.get(name, {}), **attrs}


def check_io(build_dir, name, attrs):
    mine = oracle.ops_dump(build_dir, "io", name, *[f"{k}={v}" for k, v in attrs.items()])
    try:
        sym = oracle.make(name, attrs)
    except mx.base.MXNetError as e:
        return [f"{name} {attrs}: MXNet cannot build it: {str(e).splitlines()[-1]}"]
    args = ["x_" + n for i, n in enumerate(mine["inputs"]) if not mine["aux_mask"] >> i & 1]
    aux = ["x_" + n for i, n in enumerate(mine["inputs"]) if mine["aux_mask"] >> i & 1]
    outs = ["x_" + n for n in mine["output_names"][:mine["visible"]]]
    problems = []
    if sym.list_arguments() != args:
        problems.append(f"arguments {sym.list_arguments()} != mxio {args}")
    if sym.list_auxiliary_states() != aux:
        problems.append(f"aux {sym.list_auxiliary_states()} != mxio {aux}")
    if sym.list_outputs() != outs:
        problems.append(f"outputs {sym.list_outputs()} != mxio {outs}")
    total = oracle.node_outputs(sym, "x")
    if total != mine["outputs"]:
        problems.append(f"node_row_ptr outputs {total} != mxio {mine['outputs']}")
    return [f"{name} {attrs}: {p}" for p in problems]


def test_inputs_and_outputs_match_mxnet(build_dir, records):
    bad = []
    n = 0
    for name, attrs in variants(records):
        bad += check_io(build_dir, name, attrs)
        n += 1
    assert n > len(records)
    assert not bad, "\n".join(bad)


def test_custom_takes_whatever_the_node_has(build_dir):
    mine = oracle.ops_dump(build_dir, "io", "Custom", "op_type=anything")
    assert mine["ninputs"] == -2  # MXIO__INPUTS_FREE


def test_compose_hooks_match_mxnet_upgrader(build_dir, records):
    """Ops with FSetInputVarAttrOnCompose: the legacy upgrader gives their argument
    variables these __init__ attrs. Load a 0.8-style JSON through MXNet and compare."""
    for name, r in records.items():
        if not r["compose_attrs"]:
            continue
        attrs = dict(REQUIRED.get(name, {}))
        if name == "LeakyReLU":
            attrs["act_type"] = "prelu"
        if name == "UpSampling":
            attrs.update(sample_type="bilinear", num_filter=2)
        sym = oracle.make(name, attrs)
        g = json.loads(sym.tojson())
        # Make it look like a 0.8.0 file: drop the version so MXNet runs its upgrader,
        # which composes the op again and calls the hook on every argument variable.
        g.pop("attrs", None)
        for node in g["nodes"]:
            node.pop("attrs", None)
            if node["op"] != "null":
                node["param"] = {k: str(v) for k, v in attrs.items()}
        loaded = mx.sym.load_json(json.dumps(g))
        got = {}
        for node in json.loads(loaded.tojson())["nodes"]:
            if node["op"] == "null" and "__init__" in node.get("attrs", {}):
                got[node["name"]] = node["attrs"]["__init__"]
        inputs = oracle.ops_dump(build_dir, "io", name,
                                 *[f"{k}={v}" for k, v in attrs.items()])["inputs"]
        want = {f"x_{inputs[i]}": v for i, k, v in r["compose_attrs"] if i < len(inputs)}
        assert got == want, name


def test_every_model_node_counts_outputs_like_mxnet(build_dir, records, models):
    """Every op node of every symbol in ../shared/models: mxio's total output count
    equals MXNet's node_row_ptr after MXNet loads (and upgrades) the file."""
    files = sorted(models.rglob("*.json"))
    assert files
    bad, seen = [], 0
    for f in files:
        g0 = json.loads(f.read_text())
        if "nodes" not in g0:
            continue
        g = json.loads(mx.sym.load(str(f)).tojson())
        ptr = g["node_row_ptr"]
        cache = {}
        for i, node in enumerate(g["nodes"]):
            if node["op"] == "null":
                continue
            seen += 1
            assert node["op"] in records or any(node["op"] in r["aliases"] for r in
                                                records.values()), f"{f.name}: no record for {node['op']}"
            key = (node["op"], json.dumps(node.get("attrs", {}), sort_keys=True))
            if key not in cache:
                cache[key] = oracle.ops_dump(build_dir, "io", node["op"], *[
                    f"{k}={v}" for k, v in node.get("attrs", {}).items()])
            mine = cache[key]
            if mine["outputs"] != ptr[i + 1] - ptr[i]:
                bad.append(f"{f.name} node {i} {node['name']} ({node['op']}): outputs "
                           f"{mine['outputs']} != MXNet {ptr[i + 1] - ptr[i]}")
            if not node.get("subgraphs") and mine["ninputs"] != len(node["inputs"]):
                bad.append(f"{f.name} node {i} {node['name']} ({node['op']}): inputs "
                           f"{mine['inputs']} but the node has {len(node['inputs'])}")
    assert seen > 1000
    assert not bad, "\n".join(bad[:50])


def control_flow_graphs():
    data, s0 = mx.sym.var("data"), mx.sym.var("s0")

    def step(x, states):
        o = x + states[0]
        return [o * 2, o + 1], [o]

    outs, st = mx.sym.contrib.foreach(step, data, [s0])
    yield "foreach", mx.sym.Group(outs + st)

    def cond(i, s):
        return i < 5

    def func(i, s):
        return [i + s], [i + 1, s + i]

    outs, st = mx.sym.contrib.while_loop(cond, func, [mx.sym.var("i"), mx.sym.var("s")],
                                         max_iterations=6)
    yield "while_loop", mx.sym.Group(outs + st)
    a, b = mx.sym.var("a"), mx.sym.var("b")
    yield "cond", mx.sym.contrib.cond(mx.sym.var("p") > 0, lambda: a * 2, lambda: a + b)


def test_control_flow_nodes_match_mxnet(build_dir):
    seen = set()
    for name, sym in control_flow_graphs():
        g = json.loads(sym.tojson())
        ptr = g["node_row_ptr"]
        for i, node in enumerate(g["nodes"]):
            if not node.get("subgraphs"):
                continue
            seen.add(node["op"])
            mine = oracle.ops_dump(build_dir, "io", node["op"],
                                   *[f"{k}={v}" for k, v in node["attrs"].items()])
            assert mine["outputs"] == ptr[i + 1] - ptr[i], name
            assert mine["visible"] == mine["outputs"]
            assert mine["ninputs"] == len(node["inputs"]), name
            # Each graph's heads are all the control node's outputs, in order.
            assert sym.list_outputs() == [f"{node['name']}_{o}" for o in mine["output_names"]]
    assert seen == SUBGRAPH_OPS
