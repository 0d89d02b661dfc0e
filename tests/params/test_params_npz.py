"""npz/npy mapping: params -> npz/npy -> numpy agrees with MXNet; numpy's
npz/npy -> params -> MXNet agrees with numpy."""
import numpy as np
import pytest

from params_oracle import BF16, E_UNSUPPORTED, assert_agrees, dump, raw, run

DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool"]


def sample(dtype, shape, seed):
    x = np.random.RandomState(seed).uniform(-50, 50, size=shape)
    return (x > 0) if dtype == "bool" else x.astype(dtype)


def test_params_to_npz_loads_in_numpy(mx, tmp_path):
    arrays = {f"arg:w{i}": mx.nd.array(sample(dt, (3, 2, 4), i), dtype=dt) for i, dt in enumerate(DTYPES)}
    arrays["aux:bf"] = mx.nd.array(sample("float32", (5,), 99)).astype(BF16)
    src = tmp_path / "m.params"
    mx.nd.save(str(src), arrays)
    run("tonpz", src, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as z:
        assert list(z.keys()) == list(arrays)
        for k, v in arrays.items():
            got = z[k]
            assert got.shape == v.shape
            if k == "aux:bf":
                assert got.dtype == BF16
            else:
                assert got.dtype == v.asnumpy().dtype
            assert got.tobytes() == raw(v)


def test_unnamed_list_to_npz(mx, tmp_path):
    src = tmp_path / "l.params"
    mx.nd.save(str(src), [mx.nd.ones((2,)), mx.nd.zeros((1, 3))])
    run("tonpz", src, tmp_path / "l.npz")
    with np.load(tmp_path / "l.npz") as z:
        assert list(z.keys()) == ["arr_0", "arr_1"]


@pytest.mark.parametrize("saver", ["savez", "savez_compressed"])
def test_numpy_npz_to_params_loads_in_mxnet(mx, tmp_path, saver):
    arrays = {f"arg:w{i}": sample(dt, (4, 3), i) for i, dt in enumerate(DTYPES)}
    arrays["big"] = sample("float32", (300, 301), 42)  # inflates in several zlib rounds
    arrays["fortran"] = np.asfortranarray(sample("float64", (3, 4, 5), 7))
    getattr(np, saver)(tmp_path / "n.npz", **arrays)
    dumped, blob = dump(tmp_path / "n.npz", tmp_path, reader="npzjson")
    assert [a["name"] for a in dumped["arrays"]] == list(arrays)
    run("rewrite", tmp_path / "n.npz", tmp_path / "n.params")
    loaded = mx.nd.load(str(tmp_path / "n.params"))
    assert list(loaded) == list(arrays)
    for k, v in arrays.items():
        assert loaded[k].shape == v.shape
        assert loaded[k].asnumpy().dtype == v.dtype
        assert np.array_equal(loaded[k].asnumpy(), v)
    # and the .params reader sniffs a ZIP too
    dumped2, blob2 = dump(tmp_path / "n.npz", tmp_path)
    assert blob2 == blob


def test_npz_scalars_become_v3(mx, tmp_path):
    np.savez(tmp_path / "s.npz", a=np.float32(2.5), b=np.int64(-3))
    run("rewrite", tmp_path / "s.npz", tmp_path / "s.params")
    with mx.np_shape(True):
        loaded = mx.nd.load(str(tmp_path / "s.params"))
    assert loaded["a"].shape == () and loaded["a"].asnumpy() == np.float32(2.5)
    assert loaded["b"].asnumpy() == -3


@pytest.mark.parametrize("dt", DTYPES)
def test_npy_bytes_match_numpy_save(mx, tmp_path, dt):
    for shape in [(3, 4), (5,), (2, 1, 3, 1)]:
        v = mx.nd.array(sample(dt, shape, 3), dtype=dt)
        src = tmp_path / "a.params"
        mx.nd.save(str(src), {"x": v})
        run("tonpy", src, 0, tmp_path / "mine.npy")
        np.save(tmp_path / "ref.npy", v.asnumpy())
        assert (tmp_path / "mine.npy").read_bytes() == (tmp_path / "ref.npy").read_bytes()


def test_npy_scalar_and_bf16(mx, tmp_path):
    np.save(tmp_path / "s.npy", np.float64(1.25))
    run("tonpy", tmp_path / "s.npy", 0, tmp_path / "s2.npy")  # .npy read by the .params reader
    assert (tmp_path / "s2.npy").read_bytes() == (tmp_path / "s.npy").read_bytes()
    v = mx.nd.array(sample("float32", (2, 3), 5)).astype(BF16)
    src = tmp_path / "b.params"
    mx.nd.save(str(src), [v])
    run("tonpy", src, 0, tmp_path / "b.npy")
    got = np.load(tmp_path / "b.npy")
    assert got.dtype == BF16 and got.shape == (2, 3) and got.tobytes() == raw(v)
    # and back: the structured spelling reads as bfloat16
    run("rewrite", tmp_path / "b.npy", tmp_path / "b2.params")
    back = mx.nd.load(str(tmp_path / "b2.params"))
    assert back[0].dtype == BF16 and raw(back[0]) == raw(v)


def test_npz_rejects_unsupported(tmp_path):
    np.savez(tmp_path / "c.npz", c=np.array([1 + 2j]))
    p = run("npzjson", tmp_path / "c.npz", check=False)
    assert p.returncode == E_UNSUPPORTED and b"complex" not in p.stderr and b"'<c16'" in p.stderr
    np.save(tmp_path / "be.npy", np.arange(3, dtype=">f4"))
    p = run("json", tmp_path / "be.npy", check=False)
    assert p.returncode == E_UNSUPPORTED and b"big-endian" in p.stderr


def test_zip64_archive_and_duplicates(tmp_path):
    """More than 65535 members forces ZIP64 end records (Python's zipfile writes them)."""
    import io
    import zipfile

    buf = io.BytesIO()
    np.save(buf, np.arange(2, dtype=np.int32))
    member = buf.getvalue()
    n = 70000
    with zipfile.ZipFile(tmp_path / "z64.npz", "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        for i in range(n):
            z.writestr(f"a{i}.npy", member)
    d, blob = dump(tmp_path / "z64.npz", tmp_path, reader="npzjson")
    assert len(d["arrays"]) == n and d["arrays"][-1]["name"] == f"a{n - 1}"
    assert blob[-8:] == np.arange(2, dtype=np.int32).tobytes()
    with zipfile.ZipFile(tmp_path / "dup.npz", "w") as z:
        z.writestr("x.npy", member)
        z.writestr("y.npy", member)
        z.writestr("x.npy", member)
    p = run("npzjson", tmp_path / "dup.npz", check=False)
    assert p.returncode == 9 and b"array 2 ('x'): duplicate name (also array 0)" in p.stderr
