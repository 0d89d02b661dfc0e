"""Legacy files: mxio's upgrade equals MXNet 1.9.1's.

A graph is built with MXNet, then rewritten the way older MXNet versions wrote
it (0.8 `param` + two-element entries + BatchNorm without aux inputs, 0.9-0.12
`attr`, bare hidden keys, op aliases, argmax axis=-1, shuffled node order,
unreachable nodes). For each variant MXNet's own mx.sym.load(f).tojson() is the
expected text and mxio's upgraded output must match it byte for byte."""
import copy
import json
import random

import pytest

import symbol_oracle as so


def base_graph(mx):
    s = mx.sym
    data = s.var("data")
    x = s.Convolution(data, kernel=(3, 3), num_filter=4, name="c1")
    x = s.BatchNorm(x, fix_gamma=False, name="bn1")
    x = s.LeakyReLU(x, act_type="prelu", name="act")
    a = s.FullyConnected(x, num_hidden=8, name="fc1")
    b = s.FullyConnected(x, num_hidden=8, name="fc2")
    y = s.elemwise_add(a, b, name="plus")
    am = s.argmax(y, axis=-1, name="am")
    out = s.SoftmaxOutput(y, name="softmax")
    return json.loads(s.Group([out, am]).tojson())


def remap(g, keep):
    """Keep nodes `keep` (old ids, in new order) and renumber every reference."""
    new = {old: i for i, old in enumerate(keep)}
    nodes = []
    for old in keep:
        n = copy.deepcopy(g["nodes"][old])
        n["inputs"] = [[new[e[0]]] + e[1:] for e in n["inputs"] if e[0] in new]
        nodes.append(n)
    g = dict(g, nodes=nodes)
    g["arg_nodes"] = [i for i, n in enumerate(nodes) if n["op"] == "null"]
    g["heads"] = [[new[e[0]]] + e[1:] for e in g["heads"]]
    g.pop("node_row_ptr", None)
    return g


def index(g, name):
    return next(i for i, n in enumerate(g["nodes"]) if n["name"] == name)


def set_version(g, v):
    g = copy.deepcopy(g)
    g["attrs"] = {"mxnet_version": ["int", v]}
    return g


def to_attr(g):
    g = copy.deepcopy(g)
    for n in g["nodes"]:
        if "attrs" in n:
            n["attr"] = n.pop("attrs")
    return g


def with_hidden_keys(g):
    g = to_attr(g)
    g["nodes"][index(g, "fc1")].setdefault("attr", {}).update(
        {"weight_lr_mult": "0.5", "bias_wd_mult": "0", "ctx_group": "dev1"})
    g["nodes"][index(g, "fc2_weight")].setdefault("attr", {}).update({"lr_mult": "3", "wd_mult": "2"})
    g["nodes"][index(g, "c1")].setdefault("attr", {})["mirror_stage"] = "True"
    return g


def with_aliases(g):
    g = copy.deepcopy(g)
    g["nodes"][index(g, "plus")]["op"] = "_Plus"
    g["nodes"][index(g, "c1")]["op"] = "_npx_convolution"
    return g


def to_v08(g):
    """The pre-nnvm writer: no aux inputs, param/attr, [node, index] entries, no version."""
    drop = {index(g, "bn1_moving_mean"), index(g, "bn1_moving_var")}
    g = remap(g, [i for i in range(len(g["nodes"])) if i not in drop])
    for n in g["nodes"]:
        attrs = n.pop("attrs", {})
        if n["op"] == "null":
            attrs.pop("__init__", None)  # the compose hooks put them back on upgrade
            n["param"] = {}
            user = {k: v for k, v in attrs.items() if k.startswith("__")}
            if user:
                n["attr"] = user
        else:
            n["param"] = attrs
        n["inputs"] = [e[:2] for e in n["inputs"]]
        n["backward_source_id"] = -1
    g["heads"] = [e[:2] for e in g["heads"]]
    g.pop("attrs", None)
    return g


def shuffled(g, seed):
    """Same graph, nodes in a random order (forward references) plus unreachable nodes."""
    g = copy.deepcopy(g)
    g["nodes"] += [{"op": "null", "name": "orphan", "inputs": []},
                   {"op": "relu", "name": "dead", "inputs": [[len(g["nodes"]), 0, 0]]}]
    order = list(range(len(g["nodes"])))
    random.Random(seed).shuffle(order)
    return remap(g, order)


VARIANTS = {
    "v1.0_attrs": lambda g: set_version(g, 10000),
    "v0.12_attr": lambda g: set_version(to_attr(g), 1200),
    "v0.11_hidden_keys": lambda g: set_version(with_hidden_keys(g), 1100),
    "v0.9.3_hidden_aliases_argmax": lambda g: set_version(with_aliases(with_hidden_keys(g)), 903),
    "v0.9.4_argmax": lambda g: set_version(to_attr(g), 904),
    "v0.9.5_argmax_kept": lambda g: set_version(to_attr(g), 905),
    "v0.8_param": to_v08,
    "v0.8_param_hidden": lambda g: to_v08(with_hidden_keys(g)),
    "shuffled_1.9.1": lambda g: shuffled(g, 1),
    "shuffled_0.8": lambda g: shuffled(to_v08(g), 2),
    "newer_than_1.9.1": lambda g: set_version(g, 20000),
}


# What each variant must make MXNet do (so a variant that stops exercising its
# upgrade is noticed): a predicate on MXNet's parsed output.
def _var(g, name):
    return next(n for n in g["nodes"] if n["name"] == name)


EXERCISES = {
    "v0.11_hidden_keys": lambda g: _var(g, "fc1_weight")["attrs"]["__lr_mult__"] == "0.5"
    and _var(g, "fc1")["attrs"]["__ctx_group__"] == "dev1",
    "v0.9.3_hidden_aliases_argmax": lambda g: _var(g, "plus")["op"] == "elemwise_add"
    and "axis" not in _var(g, "am").get("attrs", {}),
    "v0.9.4_argmax": lambda g: "axis" not in _var(g, "am").get("attrs", {}),
    "v0.9.5_argmax_kept": lambda g: _var(g, "am")["attrs"]["axis"] == "-1",
    "v0.8_param": lambda g: _var(g, "bn1_moving_var")["attrs"]["__init__"] == '["one", {}]'
    and _var(g, "act_gamma")["attrs"]["__init__"].startswith('["Constant"'),
    "v0.8_param_hidden": lambda g: _var(g, "fc2_weight")["attrs"]["__wd_mult__"] == "2",
    "shuffled_0.8": lambda g: all(n["name"] not in ("orphan", "dead") for n in g["nodes"]),
    "shuffled_1.9.1": lambda g: all(n["name"] not in ("orphan", "dead") for n in g["nodes"]),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_legacy_variant_upgrade_matches_mxnet(mx, build_dir, tmp_path, variant):
    g = VARIANTS[variant](base_graph(mx))
    src = tmp_path / "legacy-symbol.json"
    src.write_text(json.dumps(g, indent=1))
    ref = mx.sym.load(str(src)).tojson()
    if variant in EXERCISES:
        assert EXERCISES[variant](json.loads(ref)), "the variant no longer exercises its upgrade"
    dst = tmp_path / "out.json"
    p = so.roundtrip(build_dir, src, dst)
    assert p.returncode == 0, p.stderr
    assert dst.read_text() == ref
    # the accessors agree with MXNet's node list too
    nodes, heads = so.mxnet_view(ref)
    d = so.dump(build_dir, src)
    assert [(n["op"], n["name"], n["attrs"]) for n in d["nodes"]] == nodes
    assert d["heads"] == heads
