"""`mxio run` command line: input forms, outputs, errors and exit statuses."""
import numpy as np
import pytest

import run_oracle as ro


@pytest.fixture(scope="module")
def small(tmp_path_factory, mx):
    """A small conv net made by MXNet: data -> conv -> relu -> pool -> fc (named heads)."""
    d = tmp_path_factory.mktemp("small")
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv")
    x = mx.sym.Activation(x, act_type="relu", name="relu")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool")
    sym = mx.sym.FullyConnected(x, num_hidden=5, name="fc")
    sym.save(str(d / "small-symbol.json"))
    args, auxs = ro.random_params(sym, {"data": (2, 3, 8, 8)}, d / "small-0000.params")
    x = np.random.RandomState(0).uniform(-1, 1, (2, 3, 8, 8)).astype(np.float32)
    return d, sym, args, auxs, x


def test_npz_input_and_outputs(mxio, small, tmp_path):
    d, sym, args, auxs, x = small
    want = ro.mxnet_forward(sym, args, auxs, {"data": x})[0]
    np.savez(tmp_path / "in.npz", data=x.astype(np.float64))
    # every member named like an input; -o .npy for the single output
    mxio("run", d / "small-symbol.json", "--input", tmp_path / "in.npz", "-o", tmp_path / "o.npy",
         check=0)
    ro.compare("npz input", np.load(tmp_path / "o.npy"), want)
    # NAME=archive takes the only member; default params file found from the symbol path
    np.savez(tmp_path / "one.npz", whatever=x)
    mxio("run", d / "small-symbol.json", "--input", f"data={tmp_path / 'one.npz'}", "-o",
         tmp_path / "o2.npz", check=0)
    with np.load(tmp_path / "o2.npz") as z:
        assert z.files == ["fc_output"]
        ro.compare("npz member", z["fc_output"], want)
    # an internal output
    inner = ro.mxnet_forward(sym.get_internals()["relu_output"], args, auxs, {"data": x})[0]
    mxio("run", d / "small-symbol.json", "--input", f"data={tmp_path / 'one.npz'}", "--output",
         "relu_output", "-o", tmp_path / "o3.npy", check=0)
    ro.compare("internal output", np.load(tmp_path / "o3.npy"), inner)
    # stdout summary without -o
    r = mxio("run", d / "small-symbol.json", "--input", f"data={tmp_path / 'one.npz'}", check=0)
    assert r.out.startswith("fc_output float32 (2,5)"), r


def test_errors(mxio, small, tmp_path):
    d, sym, args, auxs, x = small
    sym_path = d / "small-symbol.json"
    np.save(tmp_path / "x.npy", x)
    assert mxio("run").code == 2
    assert mxio("run", sym_path, "--threads", "0").code == 2
    assert mxio("run", sym_path, "-o", tmp_path / "o.txt").code == 2
    assert mxio("run", sym_path, "--shape", "data=1,x").code == 2
    # no shape for the input: named in the message
    r = mxio("run", sym_path)
    assert r.code == 14 and "'data' needs a shape" in r.err, r
    # an input name the net does not have
    r = mxio("run", sym_path, "--input", f"image={tmp_path / 'x.npy'}")
    assert r.code == 5 and "image" in r.err, r
    # a compiled shape that the weights cannot take
    r = mxio("run", sym_path, "--shape", "data=2,3,10,10")
    assert r.code != 0 and "fc" in r.err, r
    # existing output file without --force
    (tmp_path / "exists.npy").write_bytes(b"x")
    r = mxio("run", sym_path, "--input", f"data={tmp_path / 'x.npy'}", "-o", tmp_path / "exists.npy")
    assert r.code == 6, r
