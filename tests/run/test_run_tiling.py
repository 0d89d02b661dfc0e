"""Batch tiling (docs/run.md): a net of cheap per-sample layers (depthwise and
thin 1x1 convolutions), or with several threads any per-sample conv net with
moderate weights, runs a batch 2 samples at a time; others run whole.
Outputs are compared with MXNet 1.9.1 either way; whether a batch was tiled is
seen in `--stats`: a tiled runner's planned activations are those of batch 2
(per thread's context)."""
import numpy as np
import pytest

import run_oracle as ro


def _block(mx, data, mixing=None, wide=False):
    """MobileNet-v2-like block; `wide` makes its convolutions 3x3 over 64 channels
    (ResNet-like work per output); `mixing` inserts an op that is not per-sample."""
    c = 64 if wide else 16
    k = (3, 3) if wide else (1, 1)
    p = (1, 1) if wide else (0, 0)
    x = mx.sym.Convolution(data, kernel=k, pad=p, num_filter=c, no_bias=True, name="expand")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn1")
    x = mx.sym.clip(x, 0, 6, name="relu6a")
    x = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_filter=c, num_group=1 if wide else c,
                           no_bias=True, name="dw")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn2")
    x = mx.sym.clip(x, 0, 6, name="relu6b")
    if mixing == "transpose":
        x = mx.sym.transpose(x, axes=(1, 0, 2, 3), name="mix")
        x = mx.sym.transpose(x, axes=(1, 0, 2, 3), name="unmix")
    x = mx.sym.Convolution(x, kernel=k, pad=p, num_filter=8, no_bias=True, name="project")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn3")
    x = mx.sym.elemwise_add(x, data, name="add")
    x = mx.sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="avg", name="pool")
    x = mx.sym.Flatten(x, name="flat")
    x = mx.sym.FullyConnected(x, num_hidden=5, name="fc")
    return mx.sym.softmax(x, name="prob")


@pytest.fixture(scope="module")
def nets(tmp_path_factory, mx):
    d = tmp_path_factory.mktemp("tiling")
    out = {}
    for name, kw in {"thin": {}, "wide": {"wide": True}, "mixing": {"mixing": "transpose"}}.items():
        sym = _block(mx, mx.sym.Variable("data"), **kw)
        sym.save(str(d / f"{name}-symbol.json"))
        args, auxs = ro.random_params(sym, {"data": (2, 8, 12, 12)}, d / f"{name}-0000.params")
        out[name] = (d / f"{name}-symbol.json", sym, args, auxs)
    return out


def _run(mxio, net, batch, tmp_path, threads=1):
    path, sym, args, auxs = net
    x = np.random.RandomState(batch).uniform(-1, 1, (batch, 8, 12, 12)).astype(np.float32)
    np.save(tmp_path / f"x{batch}.npy", x)
    r = mxio("run", path, "--input", f"data={tmp_path / f'x{batch}.npy'}", "-o",
             tmp_path / f"o{batch}.npy", "--force", "--stats", "--threads", str(threads), check=0)
    stats = dict(l.split() for l in r.out.splitlines() if len(l.split()) == 2)
    want = ro.mxnet_forward(sym, args, auxs, {"data": x})[0]
    got = np.load(tmp_path / f"o{batch}.npy")
    assert got.shape == want.shape == (batch, 5)
    ro.compare(f"{path.name} batch {batch}", got, want)
    return int(stats["activation_peak_bytes"])


def test_thin_net_is_tiled(mxio, nets, tmp_path):
    two = _run(mxio, nets["thin"], 2, tmp_path)
    # batch 6 and 8 run as 3 and 4 tiles of 2: the activations planned are batch 2's
    assert _run(mxio, nets["thin"], 6, tmp_path) == two
    assert _run(mxio, nets["thin"], 8, tmp_path) == two
    # 2 threads take the 4 tiles in parallel, each tile on one thread
    assert _run(mxio, nets["thin"], 8, tmp_path, threads=2) == two
    # an odd batch does not split into tiles of 2: it runs whole
    assert _run(mxio, nets["thin"], 5, tmp_path) > two


@pytest.mark.parametrize("name", ["wide", "mixing"])
def test_other_nets_run_whole(mxio, nets, tmp_path, name):
    # 3x3 convolutions over 64 channels (much work per output), or a layer that
    # mixes samples (transpose over the batch axis): on 1 thread the batch runs whole
    two = _run(mxio, nets[name], 2, tmp_path)
    assert _run(mxio, nets[name], 6, tmp_path) > two


def test_threads_tile_costly_convs(mxio, nets, tmp_path):
    # with 2 threads a per-sample net with small weights is tiled whatever its
    # convolutions cost (each thread runs its own tiles: no barrier per layer) ...
    two = _run(mxio, nets["wide"], 2, tmp_path)
    assert _run(mxio, nets["wide"], 6, tmp_path, threads=2) == two
    # ... but never one that mixes samples
    two = _run(mxio, nets["mixing"], 2, tmp_path)
    assert _run(mxio, nets["mixing"], 6, tmp_path, threads=2) > two
