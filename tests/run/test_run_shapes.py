"""Shape, dtype and layout gaps of the runtime, each against MXNet 1.9.1 in the
test run (rtol 1e-4, atol 1e-5):

* source ops whose `shape` has 0 (unknown) dims, filled by the whole-graph shape
  inference from their consumers (mx.rnn cells unrolled with `mx.sym.zeros`
  begin states, Gluon rnn layers exported with `_zeros` states of batch 0,
  elemwise ops, FullyConnected); every graph at two batch sizes;
* source ops of other dtypes, `_arange` with infer_range;
* bfloat16 params written by MXNet;
* channels-last Convolution/Deconvolution/Pooling."""
import json

import numpy as np
import pytest

import run_oracle as ro

RTOL, ATOL = 1e-4, 1e-5
H = 8


def save_model(mx, d, name, sym, data_shapes, seed=0):
    sym_path = d / f"{name}-symbol.json"
    sym.save(str(sym_path))
    params = d / f"{name}-0000.params"
    args, auxs = ro.random_params(sym, data_shapes, params, seed)
    return sym_path, params, args, auxs


def check_model(mx, mxio, d, name, sym, inputs, seed=0):
    """Random weights from MXNet's infer_shape, MXNet's forward vs `mxio run`."""
    shapes = {k: v.shape for k, v in inputs.items()}
    sym_path, params, args, auxs = save_model(mx, d, name, sym, shapes, seed)
    want = ro.mxnet_forward(sym, args, auxs, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, d)
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"{name} output {i}", g, w, RTOL, ATOL)
    return sym_path


def zeros_shapes(sym_path):
    return [json.loads(n["attrs"]["shape"].replace("(", "[").replace(")", "]").replace(",]", "]"))
            for n in json.loads(sym_path.read_text())["nodes"] if n["op"] == "_zeros"]


# ---- 0 (unknown) dims in source ops ---------------------------------------------

def rnn_cell_graph(mx, kind):
    d = mx.sym.Variable("data")
    if kind == "lstm":
        cell = mx.rnn.LSTMCell(H, prefix="lstm_")
    elif kind == "gru":
        cell = mx.rnn.GRUCell(H, prefix="gru_")
    else:
        cell = mx.rnn.SequentialRNNCell()
        cell.add(mx.rnn.LSTMCell(H, prefix="l0_"))
        cell.add(mx.rnn.LSTMCell(H, prefix="l1_"))
    outs, states = cell.unroll(3, d, begin_state=cell.begin_state(func=mx.sym.zeros),
                               layout="NTC", merge_outputs=True)
    return mx.sym.Group([outs] + list(states))


@pytest.mark.parametrize("kind", ["lstm", "gru", "stacked_lstm"])
@pytest.mark.parametrize("batch", [1, 3])
def test_rnn_cell_zero_begin_state(mx, mxio, kind, batch, tmp_path):
    """mx.rnn cells unrolled with begin_state(func=mx.sym.zeros): `_zeros` of
    shape (0, H) whose batch MXNet infers from the step's FullyConnected + add."""
    sym = rnn_cell_graph(mx, kind)
    x = np.random.RandomState(batch).uniform(-1, 1, (batch, 3, 5)).astype(np.float32)
    p = check_model(mx, mxio, tmp_path, f"cell_{kind}", sym, {"data": x})
    assert zeros_shapes(p) and all(s[0] == 0 for s in zeros_shapes(p))


@pytest.mark.parametrize("mode", ["lstm", "gru"])
@pytest.mark.parametrize("batch", [1, 3])
def test_fused_rnn_cell_zero_begin_state(mx, mxio, mode, batch, tmp_path):
    """mx.rnn.FusedRNNCell (2 layers, bidirectional): begin states `_zeros` of
    shape (L*D, 0, H) feeding the RNN op, which MXNet fills from the data."""
    d = mx.sym.Variable("data")
    cell = mx.rnn.FusedRNNCell(H, num_layers=2, mode=mode, bidirectional=True,
                               get_next_state=True, prefix="f_")
    outs, states = cell.unroll(3, d, layout="NTC", merge_outputs=True)
    sym = mx.sym.Group([outs] + list(states))
    x = np.random.RandomState(batch).uniform(-1, 1, (batch, 3, 5)).astype(np.float32)
    p = check_model(mx, mxio, tmp_path, f"fused_{mode}", sym, {"data": x})
    assert zeros_shapes(p) and all(s == [4, 0, H] for s in zeros_shapes(p))


@pytest.fixture(scope="module")
def gluon_cells(mx, tmp_path_factory):
    """A Gluon HybridBlock unrolling an LSTMCell then a GRUCell with the default
    begin state, exported by MXNet: the states are `_zeros` of shape (0, H).
    (Gluon's rnn.LSTM/GRU layers export their default states as net inputs
    data1, data2 instead: MXNet 1.9.1 makes them before hybrid_forward.)"""
    from mxnet import gluon

    class Cells(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.lstm = gluon.rnn.LSTMCell(H)
                self.gru = gluon.rnn.GRUCell(H)

        def hybrid_forward(self, F, x):
            o, s = self.lstm.unroll(3, x, layout="NTC", merge_outputs=True)
            o2, s2 = self.gru.unroll(3, o, layout="NTC", merge_outputs=True)
            return o2, s[1], s2[0]

    net = Cells()
    net.initialize()
    x = mx.nd.zeros((2, 3, 5))
    net(x)
    ro.randomize_gluon(net, np.random.RandomState(3))
    net.hybridize()
    net(x)
    d = tmp_path_factory.mktemp("gluon_cells")
    net.export(str(d / "cells"))
    return d / "cells-symbol.json", d / "cells-0000.params"


@pytest.mark.parametrize("batch", [1, 4])
def test_gluon_cells_zero_begin_state(mx, mxio, gluon_cells, batch, tmp_path):
    sym_path, params = gluon_cells
    assert zeros_shapes(sym_path) == [[0, H]] * 3
    sym = mx.sym.load(str(sym_path))
    args, auxs = ro.load_params(params)
    x = np.random.RandomState(batch).uniform(-1, 1, (batch, 3, 5)).astype(np.float32)
    want = ro.mxnet_forward(sym, args, auxs, {"data": x})
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    got = list(got.values())
    assert len(got) == len(want) == 3
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"gluon cells output {i}", g, w, RTOL, ATOL)


@pytest.fixture(scope="module")
def gluon_lstm(mx, tmp_path_factory):
    """Gluon rnn.LSTM (2 layers, bidirectional, NTC) exported by MXNet 1.9.1: its
    default begin states are made before hybrid_forward, so the export takes
    them as net inputs data1, data2 (not as `_zeros` of batch 0)."""
    from mxnet import gluon
    layer = gluon.rnn.LSTM(H, num_layers=2, bidirectional=True, layout="NTC")
    layer.initialize()
    x = mx.nd.zeros((2, 3, 5))
    layer(x)
    ro.randomize_gluon(layer, np.random.RandomState(4))
    layer.hybridize()
    layer(x)
    d = tmp_path_factory.mktemp("gluon_lstm")
    layer.export(str(d / "lstm"))
    return d / "lstm-symbol.json", d / "lstm-0000.params"


@pytest.mark.parametrize("batch", [1, 4])
def test_gluon_lstm_layer_states_as_inputs(mx, mxio, gluon_lstm, batch, tmp_path):
    sym_path, params = gluon_lstm
    assert not zeros_shapes(sym_path)
    sym = mx.sym.load(str(sym_path))
    assert [a for a in sym.list_arguments() if a.startswith("data")] == ["data0", "data1", "data2"]
    args, auxs = ro.load_params(params)
    rng = np.random.RandomState(batch)
    inputs = {"data0": rng.uniform(-1, 1, (batch, 3, 5)).astype(np.float32),
              "data1": np.zeros((4, batch, H), np.float32),
              "data2": rng.uniform(-1, 1, (4, batch, H)).astype(np.float32)}
    want = ro.mxnet_forward(sym, args, auxs, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, tmp_path)
    got = list(got.values())
    assert len(got) == len(want) == 1
    ro.compare("gluon lstm layer", got[0], want[0], RTOL, ATOL)


def unknown_dim_graphs(mx):
    d = mx.sym.Variable("data")
    z = mx.sym.zeros
    return {
        # elemwise: both dims from the data
        "elemwise_add": mx.sym.elemwise_add(d, z(shape=(0, 0), name="zz"), name="add"),
        "elemwise_mul_ones": mx.sym.elemwise_mul(mx.sym.ones(shape=(0, 4), name="oo"), d) + 1,
        "full_sub": mx.sym.elemwise_sub(mx.sym.full(shape=(0, 4), val=1.5, name="ff"), d),
        # FullyConnected hands its output's batch back to the zeros
        "fc_state": mx.sym.FullyConnected(z(shape=(0, 4), name="zz"), num_hidden=3, name="fc_h")
                    + mx.sym.FullyConnected(d, num_hidden=3, name="fc_x"),
        # a chain of elemwise ops between the zeros and the data
        "chain": mx.sym.elemwise_add(mx.sym.relu(z(shape=(0, 4), name="zz") + 2.0) * 3.0, d),
    }


@pytest.mark.parametrize("variant", ["elemwise_add", "elemwise_mul_ones", "full_sub",
                                     "fc_state", "chain"])
@pytest.mark.parametrize("batch", [2, 5])
def test_source_unknown_dims(mx, mxio, variant, batch, tmp_path):
    sym = unknown_dim_graphs(mx)[variant]
    x = np.random.RandomState(batch).uniform(-1, 1, (batch, 4)).astype(np.float32)
    check_model(mx, mxio, tmp_path, f"unk_{variant}", sym, {"data": x})


@pytest.mark.parametrize("variant", ["broadcast", "alone"])
def test_source_unknown_dim_mxnet_cannot_infer(mx, mxio, variant, tmp_path):
    """MXNet cannot bind a 0 dim that no consumer relates to the data
    (broadcast ops do not fill unknown dims; a source op alone): mxio refuses
    the node by name (exit 11) instead of guessing."""
    d = mx.sym.Variable("data")
    zz = mx.sym.zeros(shape=(0, 0) if variant == "broadcast" else (0, 4), name="zz")
    sym = mx.sym.broadcast_add(d, zz) if variant == "broadcast" else mx.sym.Group([d * 1, zz + 1])
    assert sym.infer_shape(data=(2, 4)) == (None, None, None)
    with pytest.raises(RuntimeError, match="cannot decide shapes"):
        sym.simple_bind(mx.cpu(), data=(2, 4))
    sym_path = tmp_path / "unk-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "unk-0000.params"
    mx.nd.save(str(params), {})
    np.save(tmp_path / "x.npy", np.ones((2, 4), np.float32))
    r = mxio("run", sym_path, "--array-path", params, "-o", tmp_path / "o.npz", "--force",
             "--input", f"data={tmp_path / 'x.npy'}")
    assert r.code == 11, r
    assert "'zz' (_zeros)" in r.err and "shape rule cannot resolve" in r.err, r.err


# ---- bfloat16 params -------------------------------------------------------------

def bf16_params(mx, args, auxs, path):
    """MXNet's own bfloat16 arrays (amp_cast, type flag 12) saved by mx.nd.save;
    returns the float32 values MXNet converts them back to."""
    save, back = {}, {}
    for prefix, arrays in (("arg", args), ("aux", auxs)):
        for k, v in arrays.items():
            b = mx.nd.amp_cast(v, dtype="bfloat16")
            save[f"{prefix}:{k}"] = b
            back[f"{prefix}:{k}"] = mx.nd.amp_cast(b, dtype="float32")
    mx.nd.save(str(path), save)
    loaded = mx.nd.load(str(path))
    assert all(str(a.dtype) == "[('bfloat16', '<u2')]" for a in loaded.values())
    return ({k[4:]: v for k, v in back.items() if k.startswith("arg:")},
            {k[4:]: v for k, v in back.items() if k.startswith("aux:")})


def test_bf16_values(mx, mxio, tmp_path):
    """mxio's fp32 values of MXNet bfloat16 arrays equal MXNet's amp_cast back to
    float32, exactly: FullyConnected of the identity returns the weight (transposed)
    plus the bias."""
    d = mx.sym.Variable("data")
    sym = mx.sym.FullyConnected(d, num_hidden=6, name="fc")
    rng = np.random.RandomState(12)
    args = {"fc_weight": mx.nd.array(rng.randn(6, 5).astype(np.float32) * 10),
            "fc_bias": mx.nd.array(rng.randn(6).astype(np.float32))}
    sym_path = tmp_path / "bf-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "bf-0000.params"
    back, _ = bf16_params(mx, args, {}, params)
    assert not np.array_equal(back["fc_weight"].asnumpy(), args["fc_weight"].asnumpy())
    x = np.eye(5, dtype=np.float32)
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    out = list(got.values())[0]
    w, b = back["fc_weight"].asnumpy(), back["fc_bias"].asnumpy()
    np.testing.assert_array_equal(out, w.T + b)
    np.testing.assert_array_equal(out, ro.mxnet_forward(sym, back, {}, {"data": x})[0])


def test_bf16_model(mx, mxio, tmp_path):
    """A conv net whose params file holds MXNet bfloat16 arrays (BatchNorm
    statistics included): `mxio run` equals MXNet's forward with the same
    bf16-rounded weights in float32."""
    d = mx.sym.Variable("data")
    x = mx.sym.Convolution(d, kernel=(3, 3), num_filter=8, pad=(1, 1), name="c1")
    x = mx.sym.BatchNorm(x, name="bn1")
    x = mx.sym.Activation(x, act_type="relu")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max")
    sym = mx.sym.FullyConnected(x, num_hidden=5, name="fc")
    shapes = {"data": (2, 3, 8, 8)}
    sym_path = tmp_path / "bfm-symbol.json"
    sym.save(str(sym_path))
    args, auxs = ro.random_params(sym, shapes, tmp_path / "fp32.params", seed=5)
    params = tmp_path / "bfm-0000.params"
    back_args, back_auxs = bf16_params(mx, args, auxs, params)
    inp = np.random.RandomState(4).uniform(-1, 1, shapes["data"]).astype(np.float32)
    want = ro.mxnet_forward(sym, back_args, back_auxs, {"data": inp})[0]
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": inp}, tmp_path)
    ro.compare("bf16 model", list(got.values())[0], want, RTOL, ATOL)


# ---- source op dtypes, _arange infer_range -------------------------------------

def source_dtype_graphs(mx):
    d = mx.sym.Variable("data")
    f, a = mx.sym.full, mx.sym.arange
    return {
        "full": [f((2, 3), 2.7, dtype="int32"), f((2,), -2.7, dtype="int64"),
                 f((2,), 200.6, dtype="uint8"), f((3,), 0.1, dtype="float16"),
                 f((2, 2), 0.1, dtype="float64"), f((2,), -1.5, dtype="int8"),
                 f((3,), 1.7, dtype="bfloat16"), f((2,), 0.5, dtype="bool")],
        "zeros_ones": [mx.sym.zeros((2, 3), dtype="int32"), mx.sym.ones((4,), dtype="float64"),
                       mx.sym.ones((2,), dtype="bool"), mx.sym.zeros((3,), dtype="uint8"),
                       mx.sym.ones((2,), dtype="float16"), mx.sym.ones((2,), dtype="int64")],
        "arange": [a(0, 5, step=0.5, dtype="int32"), a(1.7, 9, step=1.5, dtype="int64"),
                   a(-3, 3, dtype="uint8"), a(0.1, 3000, step=700.3, dtype="float16"),
                   a(0.1, 1, step=0.1, dtype="float64"), a(-3, 3, step=2, dtype="int8"),
                   a(0, 3, dtype="bfloat16"), a(7, dtype="int64"), a(2, 9, step=3, repeat=2, dtype="int32"),
                   a(0.5, 4.5, step=1.5, dtype="float64", repeat=3)],
        # the only way into a float32 graph (MXNet refuses mixed dtypes)
        "cast": [d + mx.sym.Cast(mx.sym.arange(0, 6, dtype="int32"), dtype="float32").reshape((2, 3)),
                 d * mx.sym.Cast(mx.sym.full((2, 3), 3.9, dtype="int64"), dtype="float32")],
    }


def raw_outputs(npz):
    """mxio's outputs with bfloat16 (written like MXNet's structured dtype) as float32."""
    out = []
    for v in npz.values():
        if v.dtype.names == ("bfloat16",):
            v = (v["bfloat16"].astype(np.uint32) << 16).view(np.float32)
        out.append(v)
    return out


def mx_outputs(mx, sym, x):
    exe = sym.simple_bind(mx.cpu(), data=x.shape)
    exe.arg_dict["data"][:] = x
    out = []
    for o in exe.forward(is_train=False):
        if str(o.dtype) == "[('bfloat16', '<u2')]":
            o = mx.nd.amp_cast(o, dtype="float32")
        out.append(o.asnumpy())
    return out


@pytest.mark.parametrize("variant", ["full", "zeros_ones", "arange", "cast"])
def test_source_dtypes(mx, mxio, variant, tmp_path):
    """Source ops in every dtype MXNet 1.9.1 lets them take: mxio's outputs have
    MXNet's dtype and exactly its values (its casts of the value, start and step
    included: int32 arange with step 0.5 repeats its start, float16/uint8 ranges
    truncate start and step, uint8 wraps)."""
    d = mx.sym.Variable("data")
    outs = source_dtype_graphs(mx)[variant]
    sym = mx.sym.Group(outs) if variant == "cast" else mx.sym.Group([d * 1] + outs)
    x = np.random.RandomState(2).uniform(-1, 1, (2, 3)).astype(np.float32)
    want = mx_outputs(mx, sym, x)
    sym_path = tmp_path / f"dt_{variant}-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "dt-0000.params"
    mx.nd.save(str(params), {})
    _, r = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    with np.load(tmp_path / "mxio_out.npz") as z:
        got = raw_outputs({k: z[k] for k in z.files})
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype, (i, g.dtype, w.dtype)
        assert g.shape == w.shape, (i, g.shape, w.shape)
        if variant == "cast":
            ro.compare(f"{variant} output {i}", g, w, RTOL, ATOL)
        else:
            np.testing.assert_array_equal(g, w, err_msg=f"{variant} output {i}")


def infer_range_graphs(mx):
    d = mx.sym.Variable("data")
    a = mx.sym.arange
    return {
        # the length (MXNet: the whole shape) comes from the consumer
        "vector": (d + a(start=1, step=2, infer_range=True), (5,)),
        "matrix": (d * a(start=-1, step=0.5, infer_range=True), (2, 3)),
        "repeat": (d - a(start=3, step=-1, repeat=2, infer_range=True), (6,)),
        "int64_cast": (d + mx.sym.Cast(a(start=2, infer_range=True, dtype="int64"), dtype="float32"),
                       (4,)),
        # with stop given, infer_range changes nothing but the range(start) form
        "with_stop": (d + a(start=1, stop=6, infer_range=True), (5,)),
    }


@pytest.mark.parametrize("variant", ["vector", "matrix", "repeat", "int64_cast", "with_stop"])
def test_arange_infer_range(mx, mxio, variant, tmp_path):
    sym, shape = infer_range_graphs(mx)[variant]
    x = np.random.RandomState(3).uniform(-1, 1, shape).astype(np.float32)
    check_model(mx, mxio, tmp_path, f"ir_{variant}", sym, {"data": x})


def test_arange_infer_range_alone_refused(mx, mxio, tmp_path):
    """infer_range without stop and no consumer to take the length from: MXNet
    cannot bind it, mxio refuses the node by name."""
    d = mx.sym.Variable("data")
    sym = mx.sym.Group([d * 1, mx.sym.arange(start=2, infer_range=True, name="ar")])
    with pytest.raises(RuntimeError, match="cannot decide shapes"):
        sym.simple_bind(mx.cpu(), data=(3,))
    sym_path = tmp_path / "ira-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "ira-0000.params"
    mx.nd.save(str(params), {})
    np.save(tmp_path / "x.npy", np.ones(3, np.float32))
    r = mxio("run", sym_path, "--array-path", params, "-o", tmp_path / "o.npz", "--force",
             "--input", f"data={tmp_path / 'x.npy'}")
    assert r.code == 11, r
    assert "'ar' (_arange)" in r.err and "shape rule cannot resolve" in r.err, r.err


def test_source_dtype_mixed_refused(mx, mxio, tmp_path):
    """MXNet refuses an int32 source added to float32 data (ElemwiseType); so
    does mxio, naming the layer."""
    d = mx.sym.Variable("data")
    sym = mx.sym.elemwise_add(d, mx.sym.ones((2, 3), dtype="int32", name="oo"), name="add")
    with pytest.raises(RuntimeError, match="expected float32, got int32"):
        sym.simple_bind(mx.cpu(), data=(2, 3))
    sym_path = tmp_path / "mix-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "mix-0000.params"
    mx.nd.save(str(params), {})
    np.save(tmp_path / "x.npy", np.ones((2, 3), np.float32))
    r = mxio("run", sym_path, "--array-path", params, "-o", tmp_path / "o.npz", "--force",
             "--input", f"data={tmp_path / 'x.npy'}")
    assert r.code == 11, r
    assert "layer 'add'" in r.err and "need float32" in r.err, r.err


# ---- channels-last layouts -------------------------------------------------------

def to_first(mx, x, nd):
    return mx.sym.transpose(x, axes=(0, nd - 1) + tuple(range(1, nd - 1)))


def to_last(mx, x, nd):
    return mx.sym.transpose(x, axes=(0,) + tuple(range(2, nd)) + (1,))


def layout_graphs(mx):
    """name: (channels-last symbol, MXNet's channels-first equivalent, data shape).
    The equivalent runs the NC* op between transposes of the data; weights are
    moved to (O, I, k...) by the test (MXNet stores NHWC weights (O, k..., I))."""
    d = mx.sym.Variable("data")
    C, D = mx.sym.Convolution, mx.sym.Deconvolution

    def conv(layout, nd, **kw):
        cl = C(d, layout=layout, name="c", **kw)
        cf = to_last(mx, C(to_first(mx, d, nd), name="c", **kw), nd)
        return cl, cf

    def deconv(layout, nd, **kw):
        cl = D(d, layout=layout, name="c", **kw)
        cf = to_last(mx, D(to_first(mx, d, nd), name="c", **kw), nd)
        return cl, cf

    g = {
        "conv_nhwc": conv("NHWC", 4, kernel=(3, 3), num_filter=6, pad=(1, 1)) + ((2, 7, 6, 4),),
        "conv_nhwc_stride_dilate": conv("NHWC", 4, kernel=(3, 2), num_filter=5, stride=(2, 1),
                                        dilate=(1, 2), pad=(1, 0)) + ((2, 9, 8, 3),),
        "conv_nhwc_group_nobias": conv("NHWC", 4, kernel=(3, 3), num_filter=6, num_group=2,
                                       no_bias=True) + ((1, 6, 5, 4),),
        "conv_ndhwc": conv("NDHWC", 5, kernel=(2, 3, 3), num_filter=4, pad=(0, 1, 1)) + ((2, 3, 5, 4, 3),),
        "deconv_nhwc": deconv("NHWC", 4, kernel=(3, 3), num_filter=4, stride=(2, 2), pad=(1, 1),
                              adj=(1, 1)) + ((2, 4, 5, 3),),
        # (MXNet 1.9.1's CPU build cannot run a target_shape Deconvolution even NCHW)
        "deconv_nhwc_group_bias": deconv("NHWC", 4, kernel=(4, 4), num_filter=4, stride=(2, 2),
                                         pad=(1, 1), num_group=2, no_bias=False) + ((1, 4, 5, 4),),
    }
    # Convolution_v1 NHWC: MXNet infers it like Convolution but refuses it at bind
    # ("Only support NCHW and NCDHW layout"); the oracle is Convolution_v1 NCHW
    V1 = mx.sym.Convolution_v1
    g["conv_v1_nhwc"] = (V1(d, layout="NHWC", kernel=(3, 3), num_filter=5, pad=(1, 1), name="c"),
                         to_last(mx, V1(to_first(mx, d, 4), kernel=(3, 3), num_filter=5, pad=(1, 1),
                                        name="c"), 4), (2, 6, 5, 3))
    # conv -> relu (fused activation) -> conv + the first conv's output (fused sum)
    c1 = C(d, layout="NHWC", kernel=(3, 3), num_filter=4, pad=(1, 1), name="c1")
    r1 = mx.sym.relu(c1)
    c2 = C(r1, layout="NHWC", kernel=(3, 3), num_filter=4, pad=(1, 1), name="c2")
    cl = mx.sym.relu(c2 + c1)
    f1 = C(to_first(mx, d, 4), kernel=(3, 3), num_filter=4, pad=(1, 1), name="c1")
    f2 = C(mx.sym.relu(f1), kernel=(3, 3), num_filter=4, pad=(1, 1), name="c2")
    g["residual_block"] = (cl, to_last(mx, mx.sym.relu(f2 + f1), 4), (2, 5, 6, 3))
    # BatchNorm(axis=1) after an NHWC conv normalises H, not the filters: not
    # folded into the conv (H = num_filter here, so a fold would not fail)
    c1 = C(d, layout="NHWC", kernel=(3, 3), num_filter=4, pad=(1, 1), name="c1")
    cl = mx.sym.relu(mx.sym.BatchNorm(c1, axis=1, name="bn"))
    f1 = C(to_first(mx, d, 4), kernel=(3, 3), num_filter=4, pad=(1, 1), name="c1")
    cf = mx.sym.relu(mx.sym.BatchNorm(to_last(mx, f1, 4), axis=1, name="bn"))
    g["bn_axis1_after_nhwc"] = (cl, cf, (2, 4, 5, 3))
    return g


LAYOUT_VARIANTS = ["conv_nhwc", "conv_nhwc_stride_dilate", "conv_nhwc_group_nobias", "conv_ndhwc",
                   "deconv_nhwc", "deconv_nhwc_group_bias", "conv_v1_nhwc", "residual_block",
                   "bn_axis1_after_nhwc"]


@pytest.mark.parametrize("variant", LAYOUT_VARIANTS)
def test_channels_last_conv(mx, mxio, variant, tmp_path):
    """Convolution/Deconvolution NHWC/NDHWC: MXNet 1.9.1 infers their shapes
    (weight (O, k..., I/g); Deconvolution (I, k..., O/g)) but its CPU build does
    not run them (test_channels_last_mxnet_cpu_refuses); the oracle is MXNet
    running the NC* op between transposes, on the same weights moved to
    (O, I/g, k...)."""
    cl, cf, shape = layout_graphs(mx)[variant]
    sym_path = tmp_path / f"{variant}-symbol.json"
    cl.save(str(sym_path))
    params = tmp_path / f"{variant}-0000.params"
    args, auxs = ro.random_params(cl, {"data": shape}, params, seed=7)
    cf_args = {k: (mx.nd.array(np.moveaxis(v.asnumpy(), -1, 1)) if v.ndim >= 3 else v)
               for k, v in args.items()}
    x = np.random.RandomState(8).uniform(-1, 1, shape).astype(np.float32)
    want = ro.mxnet_forward(cf, cf_args, auxs, {"data": x})
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    got = list(got.values())
    assert len(got) == len(want) == 1
    ro.compare(variant, got[0], want[0], RTOL, ATOL)


def test_channels_last_mxnet_cpu_refuses(mx):
    """Evidence for the oracle above: MXNet 1.9.1 binds an NHWC convolution but
    cannot run it on the CPU."""
    d = mx.sym.Variable("data")
    for sym in (mx.sym.Convolution(d, kernel=(3, 3), num_filter=4, layout="NHWC"),
                mx.sym.Deconvolution(d, kernel=(3, 3), num_filter=4, layout="NHWC")):
        exe = sym.simple_bind(mx.cpu(), data=(1, 5, 5, 3))
        with pytest.raises(mx.base.MXNetError):
            exe.forward(is_train=False)
            exe.outputs[0].wait_to_read()


def pool_graphs(mx):
    d = mx.sym.Variable("data")
    P = mx.sym.Pooling
    return {
        "max_nwc": (P(d, kernel=(3,), stride=(2,), pool_type="max", layout="NWC"), (2, 9, 3)),
        "avg_nhwc_pad": (P(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", layout="NHWC"),
                         (2, 7, 6, 5)),
        "avg_nhwc_exclude_pad": (P(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                   count_include_pad=False, layout="NHWC"), (2, 7, 6, 5)),
        "max_nhwc_full": (P(d, kernel=(2, 2), stride=(2, 2), pool_type="max",
                            pooling_convention="full", layout="NHWC"), (1, 5, 7, 4)),
        "sum_ndhwc": (P(d, kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="sum", layout="NDHWC"),
                      (2, 4, 4, 6, 3)),
        "global_avg_nhwc": (P(d, kernel=(1, 1), global_pool=True, pool_type="avg", layout="NHWC"),
                            (2, 5, 6, 7)),
        "global_max_ndhwc": (P(d, kernel=(1, 1, 1), global_pool=True, pool_type="max", layout="NDHWC"),
                             (1, 3, 4, 5, 2)),
    }


@pytest.mark.parametrize("variant", ["max_nwc", "avg_nhwc_pad", "avg_nhwc_exclude_pad",
                                     "max_nhwc_full", "sum_ndhwc", "global_avg_nhwc",
                                     "global_max_ndhwc"])
def test_channels_last_pooling(mx, mxio, variant, tmp_path):
    """Pooling NWC/NHWC/NDHWC: MXNet 1.9.1's CPU build runs them, so the oracle
    is MXNet itself (and it agrees with the NC* op between transposes)."""
    sym, shape = pool_graphs(mx)[variant]
    x = np.random.RandomState(9).uniform(-1, 1, shape).astype(np.float32)
    nd = len(shape)
    attrs = json.loads(sym.tojson())["nodes"][-1]["attrs"]
    attrs.pop("layout")
    d = mx.sym.Variable("data")
    cf = to_last(mx, mx.sym.Pooling(to_first(mx, d, nd), **attrs), nd)
    direct = ro.mxnet_forward(sym, {}, {}, {"data": x})[0]
    np.testing.assert_allclose(direct, ro.mxnet_forward(cf, {}, {}, {"data": x})[0], rtol=1e-5, atol=1e-6)
    sym_path = tmp_path / f"pool_{variant}-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "pool-0000.params"
    mx.nd.save(str(params), {})
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    ro.compare(variant, list(got.values())[0], direct, RTOL, ATOL)


NATIVE_FORWARD = """
import sys, numpy as np, mxnet as mx
sym = mx.sym.load(sys.argv[1])
loaded = mx.nd.load(sys.argv[2])
args = {k[4:]: v for k, v in loaded.items()}
args["data"] = mx.nd.array(np.load(sys.argv[3]))
exe = sym.bind(mx.cpu(), args, grad_req="null")
exe.forward(is_train=False)
np.save(sys.argv[4], exe.outputs[0].asnumpy())
"""


def test_channels_last_deconv_target_shape(mx, mxio, tmp_path):
    """Deconvolution NHWC with target_shape (and groups): MXNet 1.9.1's oneDNN
    path cannot run target_shape at all, even NCHW; its native CPU path
    (MXNET_MKLDNN_ENABLED=0, in a child process) can, so it is the oracle for
    the NCHW equivalent."""
    import subprocess
    import sys
    d = mx.sym.Variable("data")
    kw = dict(kernel=(4, 4), num_filter=4, stride=(2, 2), target_shape=(8, 7), num_group=2,
              no_bias=False, name="c")
    cl = mx.sym.Deconvolution(d, layout="NHWC", **kw)
    cf = to_last(mx, mx.sym.Deconvolution(to_first(mx, d, 4), **kw), 4)
    shape = (2, 4, 4, 4)
    sym_path = tmp_path / "dtgt-symbol.json"
    cl.save(str(sym_path))
    params = tmp_path / "dtgt-0000.params"
    args, _ = ro.random_params(cl, {"data": shape}, params, seed=11)
    mx.nd.save(str(tmp_path / "cf.params"),
               {f"arg:{k}": mx.nd.array(np.moveaxis(v.asnumpy(), -1, 1)) if v.ndim >= 3 else v
                for k, v in args.items()})
    cf.save(str(tmp_path / "cf-symbol.json"))
    x = np.random.RandomState(12).uniform(-1, 1, shape).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    env = dict(__import__("os").environ, MXNET_MKLDNN_ENABLED="0")
    subprocess.run([sys.executable, "-c", NATIVE_FORWARD, str(tmp_path / "cf-symbol.json"),
                    str(tmp_path / "cf.params"), str(tmp_path / "x.npy"), str(tmp_path / "want.npy")],
                   env=env, check=True, capture_output=True)
    want = np.load(tmp_path / "want.npy")
    assert want.shape == (2, 8, 7, 4)
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    ro.compare("deconv NHWC target_shape", list(got.values())[0], want, RTOL, ATOL)


def test_cast_to_bfloat16_rounding(mx, mxio, tmp_path):
    """MXNet 1.9.1 converts to bfloat16 two ways: Cast keeps the float's high half
    (mshadow's bf16_t), amp_cast rounds to nearest even (oneDNN). Values picked on
    and around the ties of the 8-bit mantissa tell them apart."""
    rng = np.random.RandomState(12)
    ties = np.array([1.7, 1.00390625, 1.01171875, -2.3, 3.14159, 1e-3, -1.00390625], np.float32)
    x = np.concatenate([ties, rng.uniform(-100, 100, 57).astype(np.float32)]).reshape(4, 16)
    d = mx.sym.var("data")
    for name, cast in (("cast", mx.sym.Cast), ("amp", mx.sym.amp_cast)):
        sym = cast(cast(d, dtype="bfloat16"), dtype="float32")
        path = tmp_path / f"bf_{name}-symbol.json"
        sym.save(str(path), remove_amp_cast=False)
        params = tmp_path / f"bf_{name}-0000.params"
        mx.nd.save(str(params), {})
        want = ro.mxnet_forward(sym, {}, {}, {"data": x})[0]
        got, _ = ro.run_mxio(mxio, path, params, {"data": x}, tmp_path)
        np.testing.assert_array_equal(list(got.values())[0], want, err_msg=name)
    # the two conversions really differ on these inputs
    cast_sym = mx.sym.Cast(mx.sym.Cast(d, dtype="bfloat16"), dtype="float32")
    amp_sym = mx.sym.amp_cast(mx.sym.amp_cast(d, dtype="bfloat16"), dtype="float32")
    assert not np.array_equal(ro.mxnet_forward(cast_sym, {}, {}, {"data": x})[0],
                              ro.mxnet_forward(amp_sym, {}, {}, {"data": x})[0])
