"""oneDNN's blocked layout kept end to end: BatchNorm that cannot be folded into a
convolution (after a pooling, an add, a concat, the net input), BatchNorm + relu
fusion, element-wise adds of blocked tensors, the DenseNet pattern concat ->
BatchNorm -> relu -> 1x1 conv. Small graphs made by MXNet 1.9.1 in the test run
with random weights (BatchNorm statistics included); every output is compared
with MXNet (rtol 1e-4, atol 1e-5) and `mxio run --stats` must report the
expected kernel and reorder counts, so the test fails when the blocked path
silently stops being used (each reorder would be a blocked -> plain copy)."""
import re

import numpy as np
import pytest

import run_oracle as ro


def run_case(mxio, tmp_path, sym, shapes, kernels, reorders, seed=0, threads=1):
    """Random params for `sym`, MXNet's forward vs mxio's; assert the counts."""
    sym_path = tmp_path / "g-symbol.json"
    params_path = tmp_path / "g-0000.params"
    sym.save(str(sym_path))
    args, auxs = ro.random_params(sym, shapes, params_path, seed=seed)
    rng = np.random.RandomState(seed + 1)
    inputs = {k: rng.uniform(-1, 1, s).astype(np.float32) for k, s in shapes.items()}
    want = ro.mxnet_forward(sym, args, auxs, inputs)
    got, r = ro.run_mxio(mxio, sym_path, params_path, inputs, tmp_path,
                         ("--stats", "--threads", str(threads)))
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"blocked output {i}", g, w)
    stats = dict(re.findall(r"^(kernels|reorders) (\d+)$", r.out, re.M))
    assert int(stats["reorders"]) == reorders, r.out
    assert int(stats["kernels"]) == kernels, r.out


def conv(x, name, nf, k=3, nd=2):
    return __import__("mxnet").sym.Convolution(
        x, name=name, num_filter=nf, kernel=(k,) * nd, pad=((k - 1) // 2,) * nd)


def bn(x, name, op="BatchNorm", **kw):
    import mxnet as mx
    if op == "BatchNorm":
        return mx.sym.BatchNorm(x, name=name, **kw)
    if op == "BatchNorm_v1":
        return mx.sym.BatchNorm_v1(x, name=name, **kw)
    return mx.sym.contrib.SyncBatchNorm(x, name=name, key=name, **kw)


BN_VARIANTS = [
    dict(fix_gamma=True),
    dict(fix_gamma=False),
    dict(fix_gamma=False, eps=1e-5),
    dict(fix_gamma=True, eps=0.1, use_global_stats=True),
    dict(fix_gamma=False, eps=2e-3, use_global_stats=True),
]


@pytest.mark.parametrize("kw", BN_VARIANTS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()))
@pytest.mark.parametrize("channels", [16, 12])
def test_bn_after_pool_4d(mxio, tmp_path, kw, channels):
    """conv -> max pool (blocked) -> BatchNorm -> conv: the BN runs on the
    blocked tensor (12 channels: a channel-padded layout)."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = conv(x, "c0", channels)
    y = mx.sym.Pooling(y, kernel=(2, 2), stride=(2, 2), pool_type="max")
    y = bn(y, "bn", **kw)
    y = conv(y, "c1", 8)
    run_case(mxio, tmp_path, y, {"data": (2, 5, 10, 10)}, kernels=4, reorders=0)


@pytest.mark.parametrize("op", ["BatchNorm", "BatchNorm_v1", "_contrib_SyncBatchNorm"])
@pytest.mark.parametrize("fix_gamma", [True, False])
def test_bn_relu_fused(mxio, tmp_path, op, fix_gamma):
    """pool -> BN -> relu -> conv: the relu is fused into the BatchNorm kernel
    (4 kernels, not 5) and nothing leaves the blocked layout."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = conv(x, "c0", 16)
    y = mx.sym.Pooling(y, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type="max")
    y = bn(y, "bn", op=op, fix_gamma=fix_gamma, eps=1e-4)
    y = mx.sym.Activation(y, act_type="relu")
    y = conv(y, "c1", 8)
    run_case(mxio, tmp_path, y, {"data": (1, 4, 9, 9)}, kernels=4, reorders=0)


@pytest.mark.parametrize("fix_gamma", [True, False])
def test_batchnorm_with_relu_op(mxio, tmp_path, fix_gamma):
    """MXNet's fused _contrib_BatchNormWithReLU on a blocked tensor."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = mx.sym.Pooling(conv(x, "c0", 16), kernel=(2, 2), stride=(2, 2), pool_type="max")
    y = mx.sym.contrib.BatchNormWithReLU(y, name="bn", fix_gamma=fix_gamma, eps=1e-4)
    y = conv(y, "c1", 8)
    run_case(mxio, tmp_path, y, {"data": (2, 3, 8, 8)}, kernels=4, reorders=0)


def test_bn_relu_net_output(mxio, tmp_path):
    """A fused BN + relu whose result is a net output: one reorder to plain at the end."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = mx.sym.Pooling(conv(x, "c0", 16), kernel=(2, 2), stride=(2, 2), pool_type="avg")
    y = mx.sym.relu(bn(y, "bn", fix_gamma=False))
    run_case(mxio, tmp_path, y, {"data": (2, 3, 8, 8)}, kernels=4, reorders=1)


def test_bn_relu_5d(mxio, tmp_path):
    """3-D convolutions: BatchNorm and its relu on a blocked 5-D tensor."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = conv(x, "c0", 16, nd=3)
    y = mx.sym.Pooling(y, kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="max")
    y = mx.sym.Activation(bn(y, "bn", fix_gamma=False, eps=1e-5), act_type="relu")
    y = conv(y, "c1", 8, nd=3)
    run_case(mxio, tmp_path, y, {"data": (1, 3, 6, 6, 6)}, kernels=4, reorders=0)


def test_bn_2d_after_fc(mxio, tmp_path):
    """FullyConnected -> BatchNorm -> relu -> FullyConnected on plain 2-D tensors."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = mx.sym.FullyConnected(x, num_hidden=24, name="fc0")
    y = mx.sym.Activation(bn(y, "bn", fix_gamma=False, eps=1e-5), act_type="relu")
    y = mx.sym.FullyConnected(y, num_hidden=5, name="fc1")
    run_case(mxio, tmp_path, y, {"data": (3, 10)}, kernels=3, reorders=0)


def test_bn_on_input_and_other_axis(mxio, tmp_path):
    """BatchNorm + relu on the (plain) net input, and a BatchNorm over the last
    axis (C kernel, blocked input reordered first: the one reorder)."""
    import mxnet as mx
    x = mx.sym.var("data")
    y = mx.sym.relu(bn(x, "bn0", fix_gamma=False))
    y = conv(y, "c0", 16)
    y = mx.sym.Pooling(y, kernel=(2, 2), stride=(2, 2), pool_type="max")
    y = bn(y, "bn1", fix_gamma=False, axis=-1)
    run_case(mxio, tmp_path, y, {"data": (2, 3, 8, 8)}, kernels=5, reorders=1)


def test_add_of_blocked_tensors(mxio, tmp_path):
    """Two pooled conv branches (same blocked layout) added (`+`, elemwise_add,
    broadcast_add of equal shapes, add_n), then BN -> relu -> conv: the add runs
    on the blocked buffers (no conv to fuse it into)."""
    import mxnet as mx
    x = mx.sym.var("data")
    a = mx.sym.Pooling(conv(x, "ca", 16), kernel=(2, 2), stride=(2, 2), pool_type="max")
    b = mx.sym.Pooling(conv(x, "cb", 16, k=1), kernel=(2, 2), stride=(2, 2), pool_type="avg")
    adds = [a + b, mx.sym.elemwise_add(a, b), mx.sym.broadcast_add(a, b), mx.sym.add_n(a, b, a)]
    for i, y in enumerate(adds):
        y = mx.sym.Activation(bn(y, "bn", fix_gamma=False), act_type="relu")
        y = conv(y, "c1", 8, k=1)
        d = tmp_path / str(i)
        d.mkdir()
        run_case(mxio, d, y, {"data": (1, 4, 8, 8)}, kernels=7, reorders=0)


@pytest.mark.parametrize("channels", [16, 12])
def test_add_blocked_and_plain(mxio, tmp_path, channels):
    """A blocked tensor plus a plain net input: the plain operand is reordered
    into the blocked layout (one reorder) and the chain goes on blocked. (The
    counts equal those of reordering the blocked one to plain; the numbers check
    the add on the reordered operand.)"""
    import mxnet as mx
    x = mx.sym.var("data")
    r = mx.sym.var("res")
    y = mx.sym.Pooling(conv(x, "c0", channels), kernel=(2, 2), stride=(2, 2), pool_type="max") + r
    y = mx.sym.Activation(bn(y, "bn", fix_gamma=False), act_type="relu")
    y = conv(y, "c1", 8)
    run_case(mxio, tmp_path, y, {"data": (1, 3, 8, 8), "res": (1, channels, 4, 4)},
             kernels=6, reorders=1)


def test_add_blocked_and_plain_as_output(mxio, tmp_path):
    """The same add as a net output: the blocked operand goes to plain (one
    reorder), not the plain one to blocked and the sum back (two)."""
    import mxnet as mx
    x = mx.sym.var("data")
    r = mx.sym.var("res")
    y = mx.sym.Pooling(conv(x, "c0", 16), kernel=(2, 2), stride=(2, 2), pool_type="max") + r
    run_case(mxio, tmp_path, y, {"data": (1, 3, 8, 8), "res": (1, 16, 4, 4)},
             kernels=4, reorders=1)


@pytest.mark.parametrize("threads", [1, 2])
def test_densenet_block(mxio, tmp_path, threads):
    """concat -> BN -> relu -> 1x1 conv -> BN -> relu -> 3x3 conv -> concat ...
    (two DenseNet layers): concats on oneDNN, no reorder; 1 and 2 threads per run."""
    import mxnet as mx
    x = mx.sym.var("data")
    feats = mx.sym.Pooling(conv(x, "c0", 16), kernel=(2, 2), stride=(2, 2), pool_type="max")
    for i in range(2):
        y = mx.sym.Activation(bn(feats, f"bna{i}", fix_gamma=False, eps=1e-5), act_type="relu")
        y = conv(y, f"c1x1_{i}", 32, k=1)
        y = mx.sym.Activation(bn(y, f"bnb{i}", fix_gamma=False, eps=1e-5), act_type="relu")
        y = conv(y, f"c3x3_{i}", 8)
        feats = mx.sym.Concat(feats, y, dim=1)
    y = mx.sym.Activation(bn(feats, "bn_out", fix_gamma=False, eps=1e-5), act_type="relu")
    y = conv(y, "c_out", 8, k=1)
    # c0, pool, 2 x (bn+relu, conv+bn+relu, conv, concat), bn+relu, conv
    run_case(mxio, tmp_path, y, {"data": (2, 3, 12, 12)}, kernels=12, reorders=0,
             threads=threads)
