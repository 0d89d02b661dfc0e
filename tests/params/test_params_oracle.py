"""mxio's .params codec against real MXNet 1.9.1: every file here is written by
MXNet in the test run; mxio must see the same names, dtypes, shapes and bytes,
and write each file back byte for byte."""
import json

import numpy as np
import pytest

from params_oracle import BF16, assert_agrees, dump, rewrite, run

DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool", BF16]


def make(mx, dtype, shape, seed):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-100, 100, size=shape)
    if dtype == BF16:
        return mx.nd.array(x, dtype="float32").astype(BF16)
    if dtype == "bool":
        return mx.nd.array(x > 0, dtype="bool")
    return mx.nd.array(x, dtype="float32").astype(dtype)


def check_file(mx, path, tmp_path, np_shape=False):
    if np_shape:
        with mx.np_shape(True):
            loaded = mx.nd.load(str(path))
    else:
        loaded = mx.nd.load(str(path))
    dumped, blob = dump(path, tmp_path)
    assert_agrees(loaded, dumped, blob)
    back = rewrite(path, tmp_path / "back.params")
    assert back == path.read_bytes(), "write-back differs from the MXNet file"
    return dumped


def test_every_dtype_named(mx, tmp_path):
    arrays = {f"arg:w_{i}": make(mx, dt, (3, 4, 5), i) for i, dt in enumerate(DTYPES)}
    path = tmp_path / "dtypes.params"
    mx.nd.save(str(path), arrays)
    d = check_file(mx, path, tmp_path)
    assert [a["record"] for a in d["arrays"]] == [2] * len(DTYPES)


def test_unnamed_list(mx, tmp_path):
    path = tmp_path / "list.params"
    mx.nd.save(str(path), [make(mx, "float32", (7,), 1), make(mx, "int64", (2, 2), 2), make(mx, "uint8", (1, 1, 1, 9), 3)])
    d = check_file(mx, path, tmp_path)
    assert d["has_names"] == 0


def test_empty_dict_and_single_array(mx, tmp_path):
    p1 = tmp_path / "empty.params"
    mx.nd.save(str(p1), {})
    check_file(mx, p1, tmp_path)
    p2 = tmp_path / "one.params"
    mx.nd.save(str(p2), make(mx, "float16", (5, 5), 4))
    check_file(mx, p2, tmp_path)


def test_sparse(mx, tmp_path):
    rng = np.random.RandomState(7)
    dense = rng.uniform(size=(6, 5)) * (rng.uniform(size=(6, 5)) > 0.6)
    dense[2] = 0
    csr = mx.nd.array(dense).tostype("csr")
    rsp = mx.nd.array(dense).tostype("row_sparse")
    rsp3 = mx.nd.array(rng.uniform(size=(4, 2, 3)) * (np.arange(4) % 2)[:, None, None]).tostype("row_sparse")
    arrays = {"csr": csr, "rsp": rsp, "rsp3": rsp3, "csr_empty": mx.nd.sparse.zeros("csr", (3, 4)),
              "rsp_empty": mx.nd.sparse.zeros("row_sparse", (5, 2)), "csr_f64": mx.nd.array(dense, dtype="float64").tostype("csr")}
    path = tmp_path / "sparse.params"
    mx.nd.save(str(path), arrays)
    d = check_file(mx, path, tmp_path)
    assert [a["storage"] for a in d["arrays"]] == [2, 1, 1, 2, 1, 2]


def test_zero_size_v2(mx, tmp_path):
    path = tmp_path / "zero.params"
    # mx.nd.zeros((0, 3)) is refused outside np-shape mode, but copying from NumPy works
    mx.nd.save(str(path), {"z": mx.nd.array(np.zeros((0, 3), np.float32)),
                           "z2": mx.nd.array(np.zeros((4, 0, 2), np.int32), dtype="int32")})
    check_file(mx, path, tmp_path)


def test_np_shape_v3(mx, tmp_path):
    path = tmp_path / "v3.params"
    with mx.np_shape(True):
        arrays = {"scalar": mx.nd.array(np.float32(3.5).reshape(())),
                  "scalar_i64": mx.nd.array(np.int64(-7).reshape(()), dtype="int64"),
                  "empty": mx.nd.zeros((0, 3)), "empty2": mx.nd.zeros((2, 0), dtype="float16"),
                  "x": make(mx, "float64", (2, 3), 9)}
        mx.nd.save(str(path), arrays)
    d = check_file(mx, path, tmp_path, np_shape=True)
    assert [a["record"] for a in d["arrays"]] == [3] * 5
    assert d["arrays"][0]["shape"] == [] and d["arrays"][0]["numel"] == 1


def test_npx_save_v3(mx, tmp_path):
    path = tmp_path / "npx.params"
    mx.npx.set_np()
    try:
        mx.npx.save(str(path), {"a": mx.np.array([[1.0, 2.0]]), "s": mx.np.array(5.0)})
        loaded = mx.npx.load(str(path))
        ref = {k: mx.nd.array(v.asnumpy()) for k, v in loaded.items()}
    finally:
        mx.npx.reset_np()
    dumped, blob = dump(path, tmp_path)
    assert [a["name"] for a in dumped["arrays"]] == list(ref)
    for a, (k, v) in zip(dumped["arrays"], ref.items()):
        assert tuple(a["shape"]) == loaded[k].shape
    assert rewrite(path, tmp_path / "back.params") == path.read_bytes()


def test_large_array(mx, tmp_path):
    path = tmp_path / "large.params"
    big = mx.nd.array(np.random.RandomState(1).uniform(size=(2500, 4000)).astype(np.float32))
    mx.nd.save(str(path), {"arg:big": big, "aux:small": mx.nd.ones((3,))})
    assert path.stat().st_size > 40_000_000
    check_file(mx, path, tmp_path)


def test_build_through_append(mx, tmp_path):
    path = tmp_path / "src.params"
    mx.nd.save(str(path), {"arg:a": make(mx, "float32", (2, 3), 1), "aux:b": make(mx, "int8", (4,), 2),
                           "c": make(mx, BF16, (3,), 3)})
    run("copy", path, tmp_path / "copy.params")
    assert (tmp_path / "copy.params").read_bytes() == path.read_bytes()


def test_sparse_through_append(mx, tmp_path):
    """Sparse arrays copied through mxio_params_append load in MXNet as the same
    arrays. (Bytes may differ: MXNet sometimes stores a stale empty storage shape
    for tostype('csr') results, which the array values cannot reproduce.)"""
    path = tmp_path / "src.params"
    arrays = {"c": mx.nd.array([[0, 1.5], [0, 0]]).tostype("csr"),
              "r": mx.nd.array([[0, 0], [2, 3], [0, 0]]).tostype("row_sparse")}
    mx.nd.save(str(path), arrays)
    run("copy", path, tmp_path / "copy.params")
    loaded = mx.nd.load(str(tmp_path / "copy.params"))
    dumped, blob = dump(path, tmp_path)
    assert_agrees(loaded, dumped, blob)
    for k, v in arrays.items():
        assert loaded[k].stype == v.stype and np.array_equal(loaded[k].asnumpy(), v.asnumpy())


def test_legacy_fixture(mx, models, tmp_path):
    src = models / "mxnet-fixtures" / "legacy_ndarray.v0"
    loaded = mx.nd.load(str(src))
    dumped, blob = dump(src, tmp_path)
    assert_agrees(loaded, dumped, blob)
    assert {a["record"] for a in dumped["arrays"]} == {0}
    ref = tmp_path / "ref.params"
    mx.nd.save(str(ref), loaded)
    assert rewrite(src, tmp_path / "up.params") == ref.read_bytes()


def test_mobilefacenet(mx, models, tmp_path):
    src = models / "mobilefacenet-y1" / "model-0000.params"
    d = check_file(mx, src, tmp_path)
    assert any(a["name"].startswith("aux:") for a in d["arrays"])


def test_render_views(mx, tmp_path):
    path = tmp_path / "r.params"
    mx.nd.save(str(path), {"arg:conv0_weight": mx.nd.zeros((4, 3, 3, 3)), "aux:bn_mean": mx.nd.zeros((4,)),
                           "plain": mx.nd.zeros((2,), dtype="int64")})
    assoc = json.loads(run("render", path, 4, 1).stdout)
    assert [(a["name"], a["role"], a["dtype"], a["shape"], a["nbytes"]) for a in assoc] == [
        ("conv0_weight", "arg", "float32", [4, 3, 3, 3], 432), ("bn_mean", "aux", "float32", [4], 16),
        ("plain", "-", "int64", [2], 16)]
    names = json.loads(run("render", path, 6, 1).stdout)
    assert names == [k.split(":", 1)[-1] for k in mx.nd.load(str(path))]
    table = run("render", path, 4, 0).stdout.decode()
    assert "conv0_weight" in table and "(4,3,3,3)" in table and "432" in table
    csv = run("render", path, 5, 2).stdout.decode().splitlines()
    assert csv[0] == "index,dtype,shape,bytes" and csv[1] == '0,float32,"(4,3,3,3)",432'
    names_txt = run("render", path, 6, 0).stdout.decode().splitlines()
    assert names_txt == ["conv0_weight", "bn_mean", "plain"]


def test_none_record_written_as_v2_none(mx, tmp_path):
    """A legacy none record (ndim 0, as MXNet <= 0.11 wrote it) is written as a V2
    record of ndim 0. MXNet 1.9.1's C loader parses that (it is what its V2 reader
    calls a none array); only the Python front end then refuses the array's
    undefined storage type. A byte layout MXNet could not parse would fail in the
    C loader with "Invalid NDArray file format" instead."""
    import struct
    leg = (struct.pack("<QQQ", 0x112, 0, 2) + struct.pack("<II", 1, 3) + struct.pack("<iii", 1, 0, 0)
           + np.arange(3, dtype=np.float32).tobytes() + struct.pack("<I", 0) + struct.pack("<Q", 0))
    (tmp_path / "leg.params").write_bytes(leg)
    d, _ = dump(tmp_path / "leg.params", tmp_path)
    assert [a["is_none"] for a in d["arrays"]] == [0, 1]
    run("rewrite", tmp_path / "leg.params", tmp_path / "v2.params")
    with pytest.raises(Exception) as e:
        mx.nd.load(str(tmp_path / "v2.params"))
    assert "unknown storage type: -1" in str(e.value)
    # the dense array alone, as V2, loads and matches
    d2, blob = dump(tmp_path / "v2.params", tmp_path)
    assert [a["record"] for a in d2["arrays"]] == [2, 2] and d2["arrays"][1]["is_none"] == 1
