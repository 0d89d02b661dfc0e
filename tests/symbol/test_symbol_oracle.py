"""mxio reads and writes symbol files exactly as MXNet 1.9.1 does.

Every expected text here is produced by MXNet in the test run: files exported
by Gluon or saved from the symbol API must come back byte-identical, and for
every real-world symbol in ../shared/models (all generations) mxio's upgraded
output must equal MXNet's own mx.sym.load(f).tojson()."""
import json
import pathlib

import pytest

import symbol_oracle as so

MODELS = (pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "models").resolve()
SHARED_SYMBOLS = sorted(str(p.relative_to(MODELS)) for p in MODELS.rglob("*.json"))


@pytest.mark.parametrize("name", sorted(so.ZOO))
def test_gluon_export_roundtrip(mx, build_dir, tmp_path, name):
    src = so.export_zoo(mx, name, tmp_path / name)
    for no_upgrade in (False, True):
        dst = tmp_path / f"out{int(no_upgrade)}.json"
        p = so.roundtrip(build_dir, src, dst, no_upgrade)
        assert p.returncode == 0, p.stderr
        assert dst.read_bytes() == src.read_bytes()


@pytest.mark.parametrize("case", ["cnn_softmax", "multi_head_group", "shared_weight", "wide_concat",
                                  "control_flow", "mkldnn_fused"])
def test_symbol_api_roundtrip(mx, build_dir, tmp_path, case):
    sym = so.symbol_nets(mx)[case]
    src = tmp_path / "net-symbol.json"
    sym.save(str(src))
    if case == "mkldnn_fused":
        assert "_sg_mkldnn_conv" in src.read_text()
    dst = tmp_path / "out.json"
    p = so.roundtrip(build_dir, src, dst)
    assert p.returncode == 0, p.stderr
    assert dst.read_text() == src.read_text()
    # what the accessors report is MXNet's view of the graph
    nodes, heads = so.mxnet_view(src.read_text())
    d = so.dump(build_dir, src)
    assert [(n["op"], n["name"], n["attrs"]) for n in d["nodes"]] == nodes
    assert d["heads"] == heads
    assert d["file_version"] == 10901


def test_symbol_api_refuses_overwrite(mx, build_dir, tmp_path):
    src = tmp_path / "a-symbol.json"
    so.symbol_nets(mx)["cnn_softmax"].save(str(src))
    dst = tmp_path / "b.json"
    dst.write_text("keep")
    p = so.roundtrip(build_dir, src, dst)
    assert p.returncode != 0 and "MXIO_E_EXISTS" in p.stderr
    assert dst.read_text() == "keep"


@pytest.mark.parametrize("rel", SHARED_SYMBOLS)
def test_shared_model_upgrade_matches_mxnet(mx, build_dir, tmp_path, rel):
    src = MODELS / rel
    ref = mx.sym.load(str(src)).tojson()  # MXNet's own load + upgrade + save
    dst = tmp_path / "out.json"
    p = so.roundtrip(build_dir, src, dst)
    assert p.returncode == 0, p.stderr
    mine = dst.read_text()
    if mine != ref:  # show the first differing line, not 20k lines
        a, b = mine.splitlines(), ref.splitlines()
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        pytest.fail(f"line {i + 1}: mxio {a[i:i + 3]!r} vs MXNet {b[i:i + 3]!r}")
    nodes, heads = so.mxnet_view(ref)
    d = so.dump(build_dir, src)
    assert len(d["nodes"]) == len(nodes)
    assert [(n["op"], n["name"], n["attrs"]) for n in d["nodes"]] == nodes
    assert d["heads"] == heads
    raw = json.loads(src.read_text())
    expect_version = raw.get("attrs", {}).get("mxnet_version", ["int", 800])[1]
    assert d["file_version"] == expect_version


@pytest.mark.parametrize("rel", SHARED_SYMBOLS)
def test_shared_model_no_upgrade_keeps_graph(build_dir, tmp_path, rel):
    """With MXIO_SYMBOL_NO_UPGRADE the nodes are exactly the file's (order, ops, attrs)."""
    src = MODELS / rel
    raw = json.loads(src.read_text())
    d = so.dump(build_dir, src, no_upgrade=True)
    assert len(d["nodes"]) == len(raw["nodes"])
    for mine, theirs in zip(d["nodes"], raw["nodes"]):
        assert mine["op"] == theirs["op"] and mine["name"] == theirs["name"]
        attrs = dict(theirs.get("param", {}))
        attrs.update(theirs.get("attrs", theirs.get("attr", {})))
        assert mine["attrs"] == attrs
        assert mine["inputs"] == [e + [0] * (3 - len(e)) for e in theirs["inputs"]]


def test_numpy_mode_export(mx, build_dir, tmp_path):
    """Gluon in NumPy mode writes a second graph attribute (is_np_shape): kept as written
    with MXIO_SYMBOL_NO_UPGRADE; the upgrade matches MXNet loading it outside NumPy mode."""
    mx.npx.set_np()
    try:
        net = mx.gluon.nn.HybridSequential()
        net.add(mx.gluon.nn.Dense(4), mx.gluon.nn.BatchNorm())
        net.initialize()
        net.hybridize()
        net(mx.np.ones((2, 3)))
        net.export(str(tmp_path / "np"))
    finally:
        mx.npx.reset_np()
    src = tmp_path / "np-symbol.json"
    assert '"is_np_shape"' in src.read_text()
    ref = mx.sym.load(str(src)).tojson()
    for no_upgrade, expect in ((True, src.read_text()), (False, ref)):
        dst = tmp_path / f"out{int(no_upgrade)}.json"
        p = so.roundtrip(build_dir, src, dst, no_upgrade)
        assert p.returncode == 0, p.stderr
        assert dst.read_text() == expect
