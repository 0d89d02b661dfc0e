"""NodeGraphPlot: the drawn graph against MXNet's own view of the same file.

Every check compares the SVG that mxio_symbol_plot writes (parsed with an XML
parser) with what MXNet 1.9.1 reports for the graph: its loaded node list and
attributes, its argument and auxiliary lists, and its infer_shape results."""
import collections
import re
import subprocess
import time

import pytest

from conftest import MODELS
from plot_models import (Svg, deep_symbol, gluon_symbol, mxnet_data_inputs, mxnet_entry_shapes,
                         mxnet_graph, node_index, png_size, retinaface_symbol, run_plot,
                         write_shapes_file)

SHARED_SYMBOLS = sorted(p for p in MODELS.rglob("*.json"))


def _digits(text):
    return re.findall(r"-?\d+", text)


def check_graph(svg, sym, nodes, data_inputs, show_weights=False):
    """Nodes, edges, labels, tooltips and legend of `svg` against MXNet's graph."""
    ops = {i for i, n in enumerate(nodes) if n["op"] != "null"}
    # Every op node is drawn, once (nothing is merged).
    drawn_ops = {node_index(i) for i in svg.ids("op")}
    assert drawn_ops == ops
    assert len(svg.ids("op")) == len(ops)

    # Variables: the data inputs (and labels); every variable with --show-weights.
    drawn_vars = {node_index(i) for i in svg.ids("var")}
    if show_weights:
        want_vars = {i for i, n in enumerate(nodes) if n["op"] == "null"}
    else:
        want_vars = {i for i, n in enumerate(nodes) if n["op"] == "null" and n["name"] in data_inputs}
    assert drawn_vars == want_vars, sorted(nodes[i]["name"] for i in drawn_vars ^ want_vars)
    drawn = ops | drawn_vars

    # Edges: every input of every op whose source is drawn, duplicates included.
    want_edges = collections.Counter()
    for j in ops:
        for src, _, _ in nodes[j]["inputs"]:
            if src in drawn:
                want_edges[(src, j)] += 1
    got_edges = collections.Counter((node_index(t), node_index(h)) for t, h, _, _ in svg.edges)
    assert got_edges == want_edges

    # Labels and tooltips hold MXNet's attributes.
    for i in ops:
        n = nodes[i]
        cls, texts, tip = svg.nodes[f"n{i}"]
        assert texts[0] == n["op"], texts
        assert texts[-1] == n["name"], texts
        lines = tip.split("\n")
        assert lines[0] == n["name"]
        for k, v in n.get("attrs", {}).items():
            assert f"{k} = {v}" in lines, (n["name"], k, v, lines)
        body = " ".join(texts[1:-1])
        attrs = n.get("attrs", {})
        if n["op"] in ("Convolution", "Deconvolution"):
            kernel = "x".join(_digits(attrs["kernel"]))
            assert kernel in body and attrs["num_filter"] in _digits(body), (body, attrs)
            strides = set(_digits(attrs.get("stride", "()")))
            if strides - {"1"}:
                assert f"{kernel}/" in body, (body, attrs)
        elif n["op"] == "FullyConnected":
            assert attrs["num_hidden"] in _digits(body), (body, attrs)
        elif n["op"] == "Activation":
            assert attrs["act_type"] in body, (body, attrs)
        elif n["op"] == "Pooling" and attrs.get("global_pool", "False") not in ("True", "1", "true"):
            assert "x".join(_digits(attrs["kernel"])) in body, (body, attrs)
    for i in drawn_vars:
        cls, texts, tip = svg.nodes[f"n{i}"]
        assert texts == [nodes[i]["name"]] and tip.split("\n")[0] == nodes[i]["name"]

    # Legend: one entry per family drawn, in the family's colour, plus the variables.
    families = {svg.nodes[f"n{i}"][0][2] for i in ops}
    legend = svg.ids("legend")
    legend_kinds = [svg.nodes[i][0][2] for i in legend]
    assert len(legend_kinds) == len(set(legend_kinds))
    want_legend = set(families)
    if any("data" in svg.nodes[f"n{i}"][0] or "label" in svg.nodes[f"n{i}"][0] for i in drawn_vars):
        want_legend.add("input")
    if show_weights and any(n["op"] == "null" and n["name"] not in data_inputs for n in nodes):
        want_legend.add("param")
    assert set(legend_kinds) == want_legend
    for lid in legend:
        kind = svg.nodes[lid][0][2]
        members = [f"n{i}" for i in ops if svg.nodes[f"n{i}"][0][2] == kind]
        for m in members[:3]:
            assert svg.fill(m) == svg.fill(lid), (m, lid)
    return want_edges


def check_edge_shapes(svg, nodes, shapes):
    """Edge labels: the producer's output shape from MXNet's infer_shape, with
    "[k] " in front when the producer has several outputs."""
    visible = collections.Counter(node for node, _ in shapes)
    drawn = {node_index(i) for i in svg.nodes if i.startswith("n") and not i.startswith("legend")}
    want = collections.Counter()
    for j, n in enumerate(nodes):
        if n["op"] == "null":
            continue
        for src, k, _ in n["inputs"]:
            if src not in drawn:
                continue
            text = "x".join(map(str, shapes[(src, k)]))
            if visible[src] > 1 or k > 0:
                text = f"[{k}] {text}"
            want[(src, j, text)] += 1
    got = collections.Counter((node_index(t), node_index(h), label) for t, h, label, _ in svg.edges)
    assert got == want


@pytest.mark.parametrize("path", SHARED_SYMBOLS, ids=lambda p: str(p.relative_to(MODELS)))
def test_shared_symbol_svg(mx, build_dir, tmp_path, path):
    sym, nodes, _ = mxnet_graph(mx, path)
    params = path.parent / "model-0000.params"
    params_names = None
    if params.exists():
        params_names = {k.split(":", 1)[1] for k in mx.nd.load(str(params))}
    data_inputs = mxnet_data_inputs(sym, nodes, params_names)
    run_plot(build_dir, path, tmp_path / "g.svg")
    check_graph(Svg(tmp_path / "g.svg"), sym, nodes, data_inputs)


@pytest.mark.parametrize("name", ["mobilefacenet-y1/model-symbol.json",
                                  "zoo-symbols/soeaver/resnext50_32x4d-symbol.json",
                                  "zoo-symbols/gluoncv-int8/ssd_512_mobilenet1.0_voc_int8-symbol.json",
                                  "mxnet-fixtures/save_000800.json"])
def test_show_weights_adds_every_variable(mx, build_dir, tmp_path, name):
    path = MODELS / name
    sym, nodes, _ = mxnet_graph(mx, path)
    data_inputs = mxnet_data_inputs(sym, nodes)
    run_plot(build_dir, path, tmp_path / "w.svg", "--show-weights")
    svg = Svg(tmp_path / "w.svg")
    check_graph(svg, sym, nodes, data_inputs, show_weights=True)
    # MXNet's own split: auxiliary states are drawn as aux, the rest of the hidden ones as weights.
    aux = set(sym.list_auxiliary_states())
    for i in svg.ids("var"):
        cls, _, tip = svg.nodes[i]
        name_ = tip.split("\n")[0]
        if name_ in aux:
            assert "aux" in cls, (name_, cls)
        elif name_ not in data_inputs:
            assert "weight" in cls, (name_, cls)
    # Weight edges are told apart from data edges.
    weight_ids = {i for i in svg.ids("var") if "data" not in svg.nodes[i][0] and "label" not in svg.nodes[i][0]}
    for t, _, _, cls in svg.edges:
        assert ("param" in cls) == (t in weight_ids)


@pytest.mark.parametrize("name,size", [("resnet50_v1", 224), ("inceptionv3", 299)])
def test_gluon_export_with_inferred_shapes(mx, build_dir, tmp_path, name, size):
    path = gluon_symbol(mx, name, tmp_path / name)
    sym, nodes, _ = mxnet_graph(mx, path)
    shape = (1, 3, size, size)
    run_plot(build_dir, path, tmp_path / "g.svg", "--input", "data=" + ",".join(map(str, shape)))
    svg = Svg(tmp_path / "g.svg")
    check_graph(svg, sym, nodes, {"data"})
    check_edge_shapes(svg, nodes, mxnet_entry_shapes(mx, sym, data=shape))


def test_edge_shapes_from_callback(mx, build_dir, tmp_path):
    path = MODELS / "zoo-symbols/soeaver/resnet18-priv-symbol.json"
    sym, nodes, _ = mxnet_graph(mx, path)
    shapes = mxnet_entry_shapes(mx, sym, data=(2, 3, 224, 224))
    write_shapes_file(tmp_path / "shapes.txt", shapes)
    run_plot(build_dir, path, tmp_path / "g.svg", "--shapes", tmp_path / "shapes.txt")
    svg = Svg(tmp_path / "g.svg")
    check_edge_shapes(svg, nodes, shapes)
    # The op's own output shape is in its tooltip too.
    for i, n in enumerate(nodes):
        if n["op"] != "null":
            assert "shape: " + "x".join(map(str, shapes[(i, 0)])) in svg.nodes[f"n{i}"][2]


def test_retinaface_style_graph(mx, build_dir, tmp_path):
    path = retinaface_symbol(mx, tmp_path / "retina-symbol.json")
    sym, nodes, heads = mxnet_graph(mx, path)
    shape = (1, 3, 640, 640)
    run_plot(build_dir, path, tmp_path / "r.svg", "--input", "data=1,3,640,640")
    svg = Svg(tmp_path / "r.svg")
    check_graph(svg, sym, nodes, {"data"})
    check_edge_shapes(svg, nodes, mxnet_entry_shapes(mx, sym, data=shape))
    # The two halves of the SliceChannel reach the Concat as [1] and [0].
    split = next(i for i, n in enumerate(nodes) if n["op"] == "SliceChannel")
    labels = sorted(label.split()[0] for t, _, label, _ in svg.edges if node_index(t) == split)
    assert labels == ["[0]", "[1]"]
    # Every head is drawn with a heavier border, and the families include the
    # ones this graph is built from.
    for h in heads:
        assert f"n{h[0]}" in svg.nodes
    kinds = {svg.nodes[i][0][2] for i in svg.ids("op")}
    assert {"convolution", "normalization", "activation", "shape", "output", "elementwise"} <= kinds
    run_plot(build_dir, path, tmp_path / "r.png", "--input", "data=1,3,640,640")
    check_png(tmp_path / "r.png", svg)


def check_png(png, svg):
    """A PNG with the SVG's proportions at 96 dpi (points are 1/72 inch)."""
    w, h = png_size(png)
    assert 0 < w <= 32767 and 0 < h <= 32767 and w * h <= 64e6
    sw = float(svg.root.get("width").rstrip("pt"))
    sh = float(svg.root.get("height").rstrip("pt"))
    assert abs(w / h - sw / sh) < 0.02 * (sw / sh) + 2 / h
    if sw * sh * (96 / 72) ** 2 < 60e6 and max(sw, sh) * 96 / 72 < 32000:
        assert abs(w - sw * 96 / 72) <= 2 and abs(h - sh * 96 / 72) <= 2


@pytest.mark.parametrize("source", ["gluon:resnet50_v1", "zoo-symbols/soeaver/inception_v3-symbol.json",
                                    "zoo-symbols/soeaver/resnet269_v2-symbol.json"])
def test_png(mx, build_dir, tmp_path, source):
    if source.startswith("gluon:"):
        path = gluon_symbol(mx, source.split(":")[1], tmp_path / "net")
    else:
        path = MODELS / source
    run_plot(build_dir, path, tmp_path / "g.svg")
    run_plot(build_dir, path, tmp_path / "g.png")
    check_png(tmp_path / "g.png", Svg(tmp_path / "g.svg"))


def test_dot_is_graphviz_source_not_laid_out(mx, build_dir, tmp_path):
    path = MODELS / "squeezenet-v1.2/model-symbol.json"
    _, nodes, _ = mxnet_graph(mx, path)
    run_plot(build_dir, path, tmp_path / "g.dot")
    text = (tmp_path / "g.dot").read_text()
    assert text.startswith("digraph")
    assert "pos=" not in text and "bb=" not in text
    for i, n in enumerate(nodes):
        if n["op"] != "null":
            assert re.search(rf"\bn{i}\s*\[", text), n["name"]


def test_existing_output_is_not_replaced(build_dir, tmp_path):
    out = tmp_path / "g.svg"
    out.write_text("keep")
    exe = build_dir / "plot_tool"
    p = subprocess.run([str(exe), str(MODELS / "mxnet-fixtures/mkldnn_model1.json"), str(out)],
                       capture_output=True, text=True)
    assert p.returncode == 6, p.stderr  # MXIO_E_EXISTS
    assert out.read_text() == "keep"
    assert not list(tmp_path.glob("g.svg.tmp*"))


def test_inconsistent_input_shape_is_an_error(build_dir, tmp_path):
    # A 2-D input cannot feed a 2-D convolution: inference fails, nothing is written.
    p = run_plot(build_dir, MODELS / "zoo-symbols/soeaver/resnet18-priv-symbol.json", tmp_path / "g.svg",
                 "--input", "data=1,3", check=False)
    assert p.returncode == 14, p.stderr  # MXIO_E_SHAPE
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.slow
def test_five_thousand_op_nodes(mx, build_dir, tmp_path):
    path = deep_symbol(mx, tmp_path / "deep-symbol.json", 714)
    sym, nodes, _ = mxnet_graph(mx, path)
    assert sum(n["op"] != "null" for n in nodes) >= 5000
    t0 = time.monotonic()
    p = run_plot(build_dir, path, tmp_path / "g.svg", "--time")
    seconds = time.monotonic() - t0
    print(f"5,000-op graph: {p.stderr.strip()} ({seconds:.1f} s with reading)")
    assert seconds < 180
    check_graph(Svg(tmp_path / "g.svg"), sym, nodes, mxnet_data_inputs(sym, nodes))


def test_names_that_need_escaping(mx, build_dir, tmp_path):
    """Markup characters, backslashes (Graphviz escapes such as \\N) and non-ASCII
    in names and attributes still give valid XML and show the names as written.
    (Control bytes, which XML cannot hold, are tested in tests/unit/test_plot.c.)"""
    @mx.operator.register("my<op>&")
    class _Prop(mx.operator.CustomOpProp):  # only its name matters: the graph is never run
        pass

    s = mx.sym
    x = s.var("in<&>\"'put é中")
    y = s.Convolution(x, kernel=(3, 3), num_filter=4, name='conv "a" <b> & \\N \\G')
    y = s.Activation(y, act_type="relu", name="\\")
    y = s.Custom(y, op_type="my<op>&", name="custom")
    path = tmp_path / "odd-symbol.json"
    y.save(str(path))
    sym, nodes, _ = mxnet_graph(mx, path)
    title = "odd \\N <names> & \\"
    for fmt in ("svg", "png"):
        run_plot(build_dir, path, tmp_path / f"g.{fmt}", "--title", title)
    svg = Svg(tmp_path / "g.svg")
    texts = [t.text for t in svg.root.iter("{http://www.w3.org/2000/svg}text")]
    assert title in texts
    for i, n in enumerate(nodes):
        if f"n{i}" not in svg.nodes:
            assert n["name"].endswith(("_weight", "_bias"))
            continue
        _, texts, tip = svg.nodes[f"n{i}"]
        assert texts[-1] == n["name"] and tip.split("\n")[0] == n["name"]
    custom = next(i for i, n in enumerate(nodes) if n["name"] == "custom")
    assert "my<op>&" in " ".join(svg.nodes[f"n{custom}"][1])
    assert "op_type = my<op>&" in svg.nodes[f"n{custom}"][2]
