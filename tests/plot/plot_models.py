"""Helpers for the NodeGraphPlot tests: run tests/tools/plot_tool, read the SVG it
writes, build graphs with the real MXNet, and MXNet's own view of a graph (the
oracle for node, edge, attribute and shape checks)."""
import json
import pathlib
import struct
import subprocess
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"

# Variables mx.viz.plot_network treats as weights and hides (visualization.py 1.9.1).
MXNET_PLOT_WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var",
                              "_moving_mean", "_running_var", "_running_mean")


def run_plot(build_dir, symbol, out, *args, check=True):
    exe = pathlib.Path(build_dir) / "plot_tool"
    assert exe.exists(), f"{exe} not built"
    p = subprocess.run([str(exe), str(symbol), str(out), "--force", *map(str, args)],
                       capture_output=True, text=True, timeout=600)
    if check:
        assert p.returncode == 0, p.stderr
        assert p.stdout == "", "the library must not print"
    return p


class Svg:
    """The drawn graph: op, variable and legend nodes by id, edges as (tail, head, label)."""

    def __init__(self, path):
        self.root = ET.parse(path).getroot()  # raises on invalid XML
        assert self.root.tag == SVG + "svg"
        self.nodes = {}   # id -> (classes, label lines, tooltip)
        self.edges = []   # (tail id, head id, label text, classes)
        for g in self.root.iter(SVG + "g"):
            cls = g.get("class", "").split()
            if "node" in cls:
                a = g.find(f".//{SVG}a")
                tip = a.get(XLINK_TITLE) if a is not None else None
                texts = [t.text or "" for t in g.iter(SVG + "text")]
                self.nodes[g.get("id")] = (cls, texts, tip)
            elif "edge" in cls:
                title = g.find(SVG + "title").text
                tail, head = title.split("->")
                label = " ".join(t.text or "" for t in g.iter(SVG + "text"))
                self.edges.append((tail, head, label, cls))

    def ids(self, *want):
        return [i for i, (c, _, _) in self.nodes.items() if all(w in c for w in want)]

    def fill(self, node_id):
        for g in self.root.iter(SVG + "g"):
            if g.get("id") == node_id:
                for shape in g.iter():
                    if shape.tag in (SVG + "path", SVG + "polygon", SVG + "ellipse") and shape.get("fill"):
                        return shape.get("fill")
        return None


def node_index(node_id):
    """Symbol node index of a drawn node id ("n12" -> 12)."""
    assert node_id.startswith("n"), node_id
    return int(node_id[1:])


def mxnet_graph(mx, symbol_path):
    """MXNet's loaded graph: (symbol, nodes, heads) with nodes as dicts of its JSON."""
    sym = mx.sym.load(str(symbol_path))
    g = json.loads(sym.tojson())
    return sym, g["nodes"], g["heads"]


def mxnet_data_inputs(sym, nodes, params_names=None):
    """Variables that are real inputs of the net, by MXNet's own evidence: with a
    params file, the arguments it does not hold; without one, the arguments
    mx.viz.plot_network does not hide and that declare no initializer (Gluon
    Parameters and Constants carry __init__)."""
    args = sym.list_arguments()
    if params_names is not None:
        return {a for a in args if a not in params_names}
    init = {n["name"] for n in nodes if n["op"] == "null" and "__init__" in n.get("attrs", {})}
    return {a for a in args if not a.endswith(MXNET_PLOT_WEIGHT_SUFFIXES) and a not in init}


def mxnet_entry_shapes(mx, sym, **input_shapes):
    """{(node index, output index): shape} for every visible entry, from MXNet's
    infer_shape on get_internals(). Node indices are those of sym.tojson()."""
    internals = sym.get_internals()
    ij = json.loads(internals.tojson())
    names = [n["name"] for n in json.loads(sym.tojson())["nodes"]]
    assert [n["name"] for n in ij["nodes"]] == names, "internals reorder the nodes"
    _, out_shapes, _ = internals.infer_shape(**input_shapes)
    assert out_shapes is not None, "MXNet could not infer every shape"
    return {(h[0], h[1]): tuple(s) for h, s in zip(ij["heads"], out_shapes)}


def write_shapes_file(path, shapes):
    with open(path, "w") as f:
        for (node, index), dims in sorted(shapes.items()):
            f.write(" ".join(map(str, [node, index, *dims])) + "\n")


def png_size(path):
    data = pathlib.Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def gluon_symbol(mx, name, prefix):
    """A Gluon model-zoo net as MXNet exports its graph (hybridized, traced on a
    symbol input; no weights needed for the graph)."""
    net = mx.gluon.model_zoo.vision.get_model(name, pretrained=False)
    net.hybridize()
    sym = net(mx.sym.var("data"))
    path = pathlib.Path(f"{prefix}-symbol.json")
    sym.save(str(path))
    return path


def retinaface_symbol(mx, path):
    """A RetinaFace-style detector: a strided backbone, an FPN whose top-down path
    uses UpSampling + Crop, SSH context modules joined by Concat, and per-level
    class (SoftmaxActivation over a reshaped map), box and landmark heads; the box
    head of one level goes through SliceChannel (a multi-output op)."""
    s = mx.sym

    def conv_bn(x, name, filters, kernel=3, stride=1, act=True):
        pad = kernel // 2
        x = s.Convolution(x, kernel=(kernel, kernel), stride=(stride, stride), pad=(pad, pad),
                          num_filter=filters, no_bias=True, name=f"{name}_conv")
        x = s.BatchNorm(x, fix_gamma=False, eps=2e-5, name=f"{name}_bn")
        return s.Activation(x, act_type="relu", name=f"{name}_relu") if act else x

    data = s.var("data")
    x = conv_bn(data, "stem", 16, stride=2)
    c2 = conv_bn(x, "c2", 32, stride=2)
    c3 = conv_bn(c2, "c3", 64, stride=2)
    c4 = conv_bn(c3, "c4", 64, stride=2)
    c5 = conv_bn(c4, "c5", 128, stride=2)
    p5 = conv_bn(c5, "p5_lat", 32, kernel=1)
    p4 = conv_bn(c4, "p4_lat", 32, kernel=1)
    p3 = conv_bn(c3, "p3_lat", 32, kernel=1)
    up5 = s.UpSampling(p5, scale=2, sample_type="nearest", num_args=1, name="p5_up")
    p4 = conv_bn(p4 + s.Crop(up5, p4, name="p5_crop"), "p4_merge", 32)
    up4 = s.UpSampling(p4, scale=2, sample_type="nearest", num_args=1, name="p4_up")
    p3 = conv_bn(p3 + s.Crop(up4, p3, name="p4_crop"), "p3_merge", 32)
    outs = []
    for level, p in (("s8", p3), ("s16", p4), ("s32", p5)):
        a = conv_bn(p, f"ssh_{level}_3x3", 16, act=False)
        b = conv_bn(p, f"ssh_{level}_5x5_1", 8)
        b2 = conv_bn(b, f"ssh_{level}_5x5_2", 8, act=False)
        c = conv_bn(b, f"ssh_{level}_7x7_2", 8)
        c = conv_bn(c, f"ssh_{level}_7x7_3", 8, act=False)
        ssh = s.Activation(s.Concat(a, b2, c, dim=1, name=f"ssh_{level}_concat"),
                           act_type="relu", name=f"ssh_{level}_relu")
        cls = s.Convolution(ssh, kernel=(1, 1), num_filter=4, name=f"face_rpn_cls_score_{level}")
        cls = s.Reshape(cls, shape=(0, 2, -1, 0), name=f"face_rpn_cls_score_reshape_{level}")
        cls = s.SoftmaxActivation(cls, mode="channel", name=f"face_rpn_cls_prob_{level}")
        cls = s.Reshape(cls, shape=(0, 4, -1, 0), name=f"face_rpn_cls_prob_reshape_{level}")
        box = s.Convolution(ssh, kernel=(1, 1), num_filter=8, name=f"face_rpn_bbox_pred_{level}")
        if level == "s8":
            halves = s.SliceChannel(box, num_outputs=2, axis=1, name=f"face_rpn_bbox_split_{level}")
            box = s.Concat(halves[1], halves[0], dim=1, name=f"face_rpn_bbox_swap_{level}")
        lmk = s.Convolution(ssh, kernel=(1, 1), num_filter=20, name=f"face_rpn_landmark_pred_{level}")
        outs += [cls, box, lmk]
    sym = s.Group(outs)
    sym.save(str(path))
    return path


def deep_symbol(mx, path, blocks):
    """A plain residual chain of `blocks` blocks (7 ops each) for layout timing."""
    s = mx.sym
    x = s.Convolution(s.var("data"), kernel=(3, 3), num_filter=16, pad=(1, 1), name="stem")
    for i in range(blocks):
        y = s.Convolution(x, kernel=(3, 3), num_filter=16, pad=(1, 1), name=f"b{i}_c1")
        y = s.BatchNorm(y, name=f"b{i}_bn1")
        y = s.Activation(y, act_type="relu", name=f"b{i}_r1")
        y = s.Convolution(y, kernel=(3, 3), num_filter=16, pad=(1, 1), name=f"b{i}_c2")
        y = s.BatchNorm(y, name=f"b{i}_bn2")
        x = s.Activation(x + y, act_type="relu", name=f"b{i}_r2")
    sym = s.SoftmaxOutput(s.FullyConnected(x, num_hidden=10, name="fc"), name="softmax")
    sym.save(str(path))
    return path
