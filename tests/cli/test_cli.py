"""The mxio command: every element x format, outputs by extension, exit codes,
ArrayPath discovery. Files are made by real MXNet 1.9.1 in the test run and
mxio's answers are compared with what MXNet reads from the same files."""
import csv
import io
import json
import os
import shutil

import numpy as np
import pytest

from cli_models import checkpoint, params_path, small_convnet, symbol_nodes

MISUSE = 2
E_MISUSE, E_NOT_FOUND, E_EXISTS, E_UNSUPPORTED = 1, 5, 6, 11


@pytest.fixture(scope="module")
def net(mx, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    prefix = d / "net"
    arg, aux = checkpoint(mx, small_convnet(mx), prefix)
    return {"dir": d, "prefix": prefix, "symbol": d / "net-symbol.json",
            "params": d / "net-0000.params", "arg": arg, "aux": aux}


def mx_load(mx, path):
    return {k: v.asnumpy() for k, v in mx.nd.load(str(path)).items()}


# ---- help, version, misuse ----------------------------------------------------------

def test_help_and_version(mxio):
    for args in (["--help"], ["-h"], ["help"], ["import", "--help"], ["params", "--help"],
                 ["help", "import"]):
        r = mxio(*args, check=0)
        assert "usage:" in r.out and r.err == "", (args, r)
    r = mxio("--help", check=0)
    for verb in ("import", "params"):
        assert verb in r.out
    r = mxio("--version", check=0)
    assert "mxio 0.1.0" in r.out and "1.9.1" in r.out


@pytest.mark.parametrize("args", [
    [], ["frobnicate"], ["--bogus"], ["import"], ["import", "x.json", "NoSuchElement"],
    ["import", "x.json", "--bogus"], ["import", "x.json", "-o"], ["import", "a", "b", "c"],
    ["import", "x.params", "--format", "xml"], ["import", "x.params", "-o", "out.xyz"],
    ["import", "x.params", "-o", "out.json", "--format", "csv"],
    ["import", "x.params", "--format", "npz"],                       # binary to a terminal
    ["import", "x.params", "-o", "one.npy"],                         # .npy needs --array
    ["import", "x.params", "--array", "w", "-o", "o.json"],          # --array only for .npy
    ["import", "x.json", "NodeDataset", "--format", "dot"],          # DOT is NodeGraph's
    ["import", "x.params", "InputNames"],                            # symbol element on params
    ["import", "x.params", "--array-path", "y.params"],
    ["import", "x.params", "ArrayNames", "-o", "n.npz"],
    ["params"], ["params", "unpack"], ["params", "pack", "x.npz"], ["params", "pack", "-o", "y"],
    ["help", "nosuchverb"],
])
def test_misuse_exits_2(mxio, args):
    r = mxio(*args)
    assert r.code == MISUSE, r
    assert r.out == "", r
    assert "try 'mxio" in r.err and "--help'" in r.err, r


@pytest.mark.parametrize("element", ["Net", "UninitializedNet", "LayerAssociation",
                                     "NodeGraphPlot", "net"])
def test_later_elements_say_not_available(mxio, net, element):
    r = mxio("import", net["symbol"], element)
    assert r.code == E_UNSUPPORTED, r
    assert "not available yet" in r.err and r.out == ""


def test_missing_input(mxio, tmp_path):
    for name in ("nope-symbol.json", "nope-0000.params"):
        r = mxio("import", tmp_path / name)
        assert r.code == E_NOT_FOUND, r
        assert r.err.startswith("mxio: ") and name in r.err


# ---- symbol elements -----------------------------------------------------------------

def test_node_dataset_json_matches_mxnet(mxio, net):
    want = symbol_nodes(net["symbol"])
    r = mxio("import", net["symbol"], "NodeDataset", "--format", "json", check=0)
    got = json.loads(r.out)
    assert [n["id"] for n in got] == list(range(len(want)))
    for g, w in zip(got, want):
        assert g["name"] == w["name"] and g["op"] == w["op"]
        assert g["attrs"] == w.get("attrs", {})
        assert g["inputs"] == w["inputs"]


def test_node_dataset_is_the_default_for_json(mxio, net):
    a = mxio("import", net["symbol"], check=0)
    b = mxio("import", net["symbol"], "nodedataset", check=0)   # case-insensitive
    assert a.out == b.out
    lines = a.out.splitlines()
    assert lines[0].split() == ["id", "name", "op", "inputs", "attrs"]
    assert len(lines) == 1 + len(symbol_nodes(net["symbol"]))
    assert "Convolution" in a.out and "kernel=(3, 3)" in a.out


def test_node_dataset_csv(mxio, net, tmp_path):
    out = tmp_path / "nodes.csv"
    mxio("import", net["symbol"], "NodeDataset", "-o", out, check=0)
    rows = list(csv.DictReader(io.StringIO(out.read_text(), newline="")))
    want = symbol_nodes(net["symbol"])
    assert len(rows) == len(want)
    for row, w in zip(rows, want):
        assert row["name"] == w["name"] and row["op"] == w["op"]
        assert json.loads(row["attrs"]) == w.get("attrs", {})   # commas inside: quoted
        assert json.loads(row["inputs"]) == w["inputs"]


def test_node_graph_json_and_dot(mxio, net, tmp_path):
    want = symbol_nodes(net["symbol"])
    want_edges = sorted((e[0], k, e[1]) for k, n in enumerate(want) for e in n["inputs"])
    r = mxio("import", net["symbol"], "NodeGraph", "--format", "json", check=0)
    g = json.loads(r.out)
    assert [n["name"] for n in g["nodes"]] == [n["name"] for n in want]
    assert [n["variable"] for n in g["nodes"]] == [n["op"] == "null" for n in want]
    assert sorted((e["from"], e["to"], e["output"]) for e in g["edges"]) == want_edges
    assert len(g["heads"]) == 1

    out = tmp_path / "g.dot"
    mxio("import", net["symbol"], "NodeGraph", "-o", out, check=0)
    dot = out.read_text()
    assert dot.startswith("digraph ") and dot.rstrip().endswith("}")
    assert dot.count("->") == len(want_edges)
    assert dot.count("shape=ellipse") == sum(n["op"] == "null" for n in want)
    assert dot.count("shape=box") == sum(n["op"] != "null" for n in want)
    csvr = mxio("import", net["symbol"], "NodeGraph", "--format", "csv", check=0)
    rows = list(csv.DictReader(io.StringIO(csvr.out, newline="")))
    assert sorted((int(r["from"]), int(r["to"]), int(r["output"])) for r in rows) == want_edges


def test_node_graph_edges_carry_output_index(mx, mxio, tmp_path):
    """SliceChannel has several outputs; consumers of output 1 and 2 say so."""
    data = mx.sym.Variable("data")
    parts = mx.sym.SliceChannel(data, num_outputs=3, axis=1, name="split")
    sym = mx.sym.elemwise_add(parts[1], parts[2], name="add")
    path = tmp_path / "split-symbol.json"
    sym.save(str(path))
    want = symbol_nodes(path)
    g = json.loads(mxio("import", path, "NodeGraph", "--format", "json", check=0).out)
    outs = sorted(e["output"] for e in g["edges"] if want[e["to"]]["name"] == "add")
    assert outs == sorted(e[1] for e in want[-1]["inputs"]) == [1, 2]
    assert 'label="2"' in mxio("import", path, "NodeGraph", "--format", "dot", check=0).out


def test_input_names_formats(mxio, net, tmp_path):
    r = mxio("import", net["symbol"], "InputNames", check=0)
    assert "data" in r.out and "softmax_label" in r.out and "conv0_weight" not in r.out
    assert "using " in r.err and "net-0000.params" in r.err
    j = json.loads(mxio("import", net["symbol"], "InputNames", "--format", "json", check=0).out)
    assert {e["name"]: (e["role"], e["label"]) for e in j} == {
        "data": ("data", False), "softmax_label": ("label", True)}
    # which argument of which node took each input: MXNet's own argument names
    assert {e["name"]: e["consumed_as"] for e in j} == {
        "data": ["conv0.data"], "softmax_label": ["softmax.label"]}
    out = tmp_path / "in.csv"
    mxio("import", net["symbol"], "InputNames", "-o", out, check=0)
    rows = list(csv.DictReader(open(out, newline="")))
    assert [(r["name"], r["role"], r["label"]) for r in rows] == [
        ("data", "data", "false"), ("softmax_label", "label", "true")]
    txt = tmp_path / "in.txt"
    mxio("import", net["symbol"], "InputNames", "-o", txt, check=0)
    assert txt.read_text() == r.out


# ---- params elements -----------------------------------------------------------------

def test_array_association_npz_is_raw_and_lossless(mx, mxio, net, tmp_path):
    want = mx_load(mx, net["params"])
    out = tmp_path / "w.npz"
    mxio("import", net["params"], "-o", out, check=0)
    got = dict(np.load(out))
    assert sorted(got) == sorted(want)            # raw names: arg:conv0_weight, aux:bn0_...
    assert any(k.startswith("aux:") for k in got)
    for k in want:
        assert got[k].dtype == want[k].dtype and np.array_equal(got[k], want[k]), k
    # and back: npz -> params gives MXNet the same arrays, byte for byte the same file
    back = tmp_path / "back.params"
    mxio("params", "pack", out, "-o", back, check=0)
    again = mx_load(mx, back)
    assert sorted(again) == sorted(want)
    for k in want:
        assert np.array_equal(again[k], want[k]), k
    assert back.read_bytes() == net["params"].read_bytes()


def test_array_list_npz_and_npy(mx, mxio, net, tmp_path):
    loaded = mx.nd.load(str(net["params"]))
    names = list(loaded.keys())
    out = tmp_path / "l.npz"
    mxio("import", net["params"], "ArrayList", "-o", out, check=0)
    z = np.load(out)
    assert sorted(z.files) == sorted(f"arr_{i}" for i in range(len(names)))
    for i, k in enumerate(names):
        assert np.array_equal(z[f"arr_{i}"], loaded[k].asnumpy())
    one = tmp_path / "w.npy"
    mxio("import", net["params"], "--array", "arg:fc0_weight", "-o", one, check=0)
    assert np.array_equal(np.load(one), loaded["arg:fc0_weight"].asnumpy())
    one2 = tmp_path / "w2.npy"
    mxio("import", net["params"], "--array", "fc0_weight", "-o", one2, check=0)  # short name
    assert one2.read_bytes() == one.read_bytes()
    idx = names.index("arg:fc0_bias")
    one3 = tmp_path / "w3.npy"
    mxio("import", net["params"], "ArrayList", "--array", str(idx), "-o", one3, check=0)
    assert np.array_equal(np.load(one3), loaded["arg:fc0_bias"].asnumpy())
    r = mxio("import", net["params"], "--array", "nope", "-o", tmp_path / "n.npy")
    assert r.code == E_NOT_FOUND and "nope" in r.err


@pytest.mark.parametrize("element", ["ArrayAssociation", "ArrayList", "ArrayNames"])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_params_text_elements(mx, mxio, net, tmp_path, element, fmt):
    names = list(mx.nd.load(str(net["params"])).keys())
    r = mxio("import", net["params"], element, "--format", fmt, check=0)
    assert r.out
    ext = {"table": "txt", "json": "json", "csv": "csv"}[fmt]
    out = tmp_path / f"o.{ext}"
    mxio("import", net["params"], element, "-o", out, check=0)
    assert out.read_text() == r.out
    if fmt == "json":
        json.loads(r.out)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(r.out, newline="")))
        assert len(rows) >= len(names)
    if element == "ArrayNames":
        for n in names:
            assert n.split(":", 1)[1] in r.out


def test_array_elements_of_a_symbol_use_its_params(mxio, net):
    a = mxio("import", net["symbol"], "ArrayNames", "--format", "json", check=0)
    b = mxio("import", net["params"], "ArrayNames", "--format", "json", check=0)
    assert a.out == b.out


# ---- outputs: existing files, --force, never the input -----------------------------------

def test_existing_output_needs_force(mxio, net, tmp_path):
    out = tmp_path / "nodes.json"
    out.write_text("keep me")
    r = mxio("import", net["symbol"], "-o", out)
    assert r.code == E_EXISTS, r
    assert out.read_text() == "keep me" and "mxio: " in r.err
    mxio("import", net["symbol"], "-o", out, "--force", check=0)
    json.loads(out.read_text())
    npz = tmp_path / "w.npz"
    npz.write_bytes(b"x")
    assert mxio("import", net["params"], "-o", npz).code == E_EXISTS
    assert npz.read_bytes() == b"x"
    mxio("import", net["params"], "-o", npz, "--force", check=0)
    assert len(np.load(npz).files) > 0
    pk = tmp_path / "p.params"
    pk.write_bytes(b"y")
    assert mxio("params", "pack", npz, "-o", pk).code == E_EXISTS
    mxio("params", "pack", npz, "-o", pk, "--force", check=0)


def test_never_writes_over_the_input(mxio, net, tmp_path):
    sym = tmp_path / "copy.json"
    shutil.copy(net["symbol"], sym)
    before = sym.read_bytes()
    for extra in ([], ["--force"]):
        r = mxio("import", sym, "NodeDataset", "-o", sym, *extra)
        assert r.code == E_EXISTS and "input" in r.err, r
    assert sym.read_bytes() == before
    # nor the params file it reads through ArrayPath
    before = net["params"].read_bytes()
    r = mxio("import", net["symbol"], "ArrayNames", "--array-path", net["params"], "-o",
             net["params"], "--force", "--format", "json")
    assert r.code == E_EXISTS
    assert net["params"].read_bytes() == before


# ---- ArrayPath -----------------------------------------------------------------------

def test_array_path_takes_the_latest_epoch_and_says_so(mx, mxio, tmp_path):
    sym = small_convnet(mx)
    prefix = tmp_path / "m"
    checkpoint(mx, sym, prefix, epoch=2)
    checkpoint(mx, sym, prefix, epoch=10, seed=1)
    checkpoint(mx, sym, prefix, epoch=9, seed=2)
    # make epoch 10 recognisable: one more array than the others
    arrays = mx.nd.load(params_path(prefix, 10))
    arrays["arg:only_in_epoch_10"] = mx.nd.zeros((1,))
    mx.nd.save(params_path(prefix, 10), arrays)
    r = mxio("import", f"{prefix}-symbol.json", "ArrayNames", "--format", "json", check=0)
    assert "only_in_epoch_10" in r.out
    assert "m-0010.params" in r.err and "latest of 3 epochs" in r.err, r
    q = mxio("import", f"{prefix}-symbol.json", "ArrayNames", "-q", check=0)
    assert q.err == ""
    # explicit path wins
    r = mxio("import", f"{prefix}-symbol.json", "ArrayNames", "--format", "json",
             "--array-path", params_path(prefix, 2), check=0)
    assert "only_in_epoch_10" not in r.out and "conv0_weight" in r.out
    # a missing explicit path is an error that names it
    r = mxio("import", f"{prefix}-symbol.json", "InputNames", "--array-path",
             tmp_path / "absent.params")
    assert r.code == E_NOT_FOUND and "absent.params" in r.err
    # none: graph elements work, array elements cannot
    r = mxio("import", f"{prefix}-symbol.json", "InputNames", "--array-path", "none", check=0)
    assert "softmax_label" in r.out and "using" not in r.err
    r = mxio("import", f"{prefix}-symbol.json", "ArrayNames", "--array-path", "none")
    assert r.code == E_MISUSE and "none" in r.err


def test_array_path_name_json_and_missing(mx, mxio, tmp_path):
    sym = small_convnet(mx)
    path = tmp_path / "plain.json"
    sym.save(str(path))
    r = mxio("import", path, "InputNames", check=0)            # no params: roles from graph
    assert "no params file" in r.err and "data" in r.out
    r = mxio("import", path, "ArrayNames")
    assert r.code == E_NOT_FOUND and "plain" in r.err
    checkpoint(mx, sym, tmp_path / "other")
    shutil.copy(params_path(tmp_path / "other"), tmp_path / "plain.params")
    r = mxio("import", path, "ArrayNames", check=0)
    assert "plain.params" in r.err and "fc0_weight" in r.out


def test_setup_commands_on_the_example(mxio):
    """scripts/setup runs these on examples/lenet; the example was made by MXNet."""
    root = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "lenet")
    sym = os.path.join(root, "lenet-symbol.json")
    r = mxio("import", sym, "InputNames", check=0)
    assert [l.split()[0] for l in r.out.splitlines()[1:]] == ["data", "softmax_label"]
    mxio("import", sym, "NodeDataset", check=0)
    r = mxio("import", os.path.join(root, "lenet-0000.params"), check=0)
    assert "conv1_weight" in r.out


def test_params_pack_directory_and_single_npy(mx, mxio, tmp_path):
    """A directory of .npy files (numpy's own writer) becomes a .params file MXNet reads."""
    rng = np.random.default_rng(0)
    d = tmp_path / "arrays"
    d.mkdir()
    arrays = {"arg:b_weight": rng.standard_normal((3, 4)).astype(np.float32),
              "aux:a_moving_mean": rng.standard_normal(4).astype(np.float64),
              "arg:c_bias": np.arange(5, dtype=np.int32)}
    for k, v in arrays.items():
        np.save(d / f"{k}.npy", v)
    (d / "notes.txt").write_text("not an array")
    out = tmp_path / "packed.params"
    mxio("params", "pack", d, "-o", out, check=0)
    got = mx.nd.load(str(out))
    assert list(got) == sorted(arrays)          # byte order of the file names
    for k, v in arrays.items():
        assert got[k].asnumpy().dtype == v.dtype and np.array_equal(got[k].asnumpy(), v)
    one = tmp_path / "x.params"
    mxio("params", "pack", d / "arg:c_bias.npy", "-o", one, check=0)
    assert list(mx.nd.load(str(one))) == ["arg:c_bias"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert mxio("params", "pack", empty, "-o", tmp_path / "e.params").code == E_NOT_FOUND
    assert mxio("params", "pack", tmp_path / "absent.npz", "-o", tmp_path / "f.params").code \
        == E_NOT_FOUND
    assert mxio("params", "pack", out, "-o", out, "--force").code == E_EXISTS


def test_node_dataset_of_every_shared_symbol(mx, mxio, models):
    """Old generations included: the rows are the graph MXNet 1.9.1 holds after loading."""
    import glob
    paths = sorted(glob.glob(str(models / "**" / "*.json"), recursive=True))
    assert len(paths) >= 30
    for path in paths:
        want = symbol_nodes(path)
        got = json.loads(mxio("import", path, "NodeDataset", "--format", "json", check=0).out)
        assert [(n["name"], n["op"]) for n in got] == [(n["name"], n["op"]) for n in want], path
        for g, w in zip(got, want):
            assert g["attrs"] == w.get("attrs", {}), (path, g["name"])
            assert g["inputs"] == w["inputs"], (path, g["name"])


SYMBOL_FORMATS = {"InputNames": ["table", "json", "csv"], "NodeDataset": ["table", "json", "csv"],
                  "NodeGraph": ["table", "json", "csv", "dot"]}
EXT = {"table": "txt", "json": "json", "csv": "csv", "dot": "dot"}


@pytest.mark.parametrize("element", sorted(SYMBOL_FORMATS))
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "dot", "npz", "npy"])
def test_symbol_element_format_matrix(mxio, net, tmp_path, element, fmt):
    out = tmp_path / f"out.{EXT.get(fmt, fmt)}"
    if fmt not in SYMBOL_FORMATS[element]:
        r = mxio("import", net["symbol"], element, "-o", out)
        assert r.code == MISUSE and not out.exists(), r
        return
    shown = mxio("import", net["symbol"], element, "--format", fmt, "-q", check=0).out
    mxio("import", net["symbol"], element, "-o", out, "-q", check=0)
    written = out.read_text()
    assert written == shown and written.endswith("\n")
    nodes = symbol_nodes(net["symbol"])
    if fmt == "json":
        json.loads(written)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(written, newline="")))
        assert len({len(r) for r in rows}) == 1           # a rectangle with a header
        if element == "NodeDataset":
            assert len(rows) == 1 + len(nodes)
    elif fmt == "table" and element == "NodeGraph":
        edges = sum(len(n["inputs"]) for n in nodes)
        assert len(written.splitlines()) == edges and all("->" in l for l in written.splitlines())


def test_damaged_inputs_exit_with_the_library_status(mxio, net, tmp_path):
    """Exit status = the mxio_status of the failure; the message names the file."""
    not_symbol = tmp_path / "bad.json"
    not_symbol.write_text('{"a": 1}')
    truncated = tmp_path / "cut-0000.params"
    truncated.write_bytes(net["params"].read_bytes()[:100])
    # E_FORMAT or E_CORRUPT (the reader's choice), E_TRUNCATED
    for path, statuses in ((not_symbol, (7, 9)), (truncated, (8,))):
        r = mxio("import", path)
        assert r.code in statuses, r
        assert r.err.startswith(f"mxio: {path}") and r.out == ""
