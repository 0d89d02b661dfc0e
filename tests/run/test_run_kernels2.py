"""Kernels bound in the second runtime pass: small graphs built by MXNet 1.9.1 in
the test run with several attribute variants, run by `mxio run` and compared with
MXNet's forward pass (rtol 1e-4, atol 1e-5; index and mask outputs exactly)."""
import json

import numpy as np
import pytest

import run_oracle as ro

RTOL, ATOL = 1e-4, 1e-5


def run_case(mx, mxio, tmp_path, name, sym, inputs, exact=(), rtol=RTOL, atol=ATOL):
    """Save `sym` (no weights), run MXNet and mxio on `inputs`, compare every
    output (outputs listed in `exact` must be equal)."""
    sym_path = tmp_path / f"{name}-symbol.json"
    sym.save(str(sym_path), remove_amp_cast=False)  # keep amp_multicast
    params = tmp_path / f"{name}-0000.params"
    mx.nd.save(str(params), {})
    want = ro.mxnet_forward(sym, {}, {}, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, tmp_path)
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        if i in exact:
            assert g.shape == w.shape, (name, i, g.shape, w.shape)
            np.testing.assert_array_equal(g, w, err_msg=f"{name} output {i}")
        else:
            ro.compare(f"{name} output {i}", g.astype(np.float32), w.astype(np.float32), rtol, atol)
    return sym_path, got, want


def op_names(sym_path):
    return {n["op"] for n in json.loads(sym_path.read_text())["nodes"]}


def uniform(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


# ---- _linalg_gemm ---------------------------------------------------------------

@pytest.mark.parametrize("variant", ["plain", "alpha_beta", "ta", "tb", "batched_tab"])
def test_linalg_gemm(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(11)
    m, k, n = 4, 5, 3
    cfg = {"plain": ({}, (m, k), (k, n), (m, n)),
           "alpha_beta": ({"alpha": 0.7, "beta": -1.5}, (m, k), (k, n), (m, n)),
           "ta": ({"transpose_a": True, "beta": 0.25}, (k, m), (k, n), (m, n)),
           "tb": ({"transpose_b": True, "alpha": 2.0}, (m, k), (n, k), (m, n)),
           "batched_tab": ({"transpose_a": True, "transpose_b": True, "alpha": 0.5, "beta": 2.0},
                           (2, 3, k, m), (2, 3, n, k), (2, 3, m, n))}
    attrs, sa, sb, sc = cfg[variant]
    a, b, c = mx.sym.Variable("a"), mx.sym.Variable("b"), mx.sym.Variable("c")
    sym = mx.sym.linalg.gemm(a, b, c, name="g", **attrs)
    inputs = {"a": uniform(rng, sa), "b": uniform(rng, sb), "c": uniform(rng, sc)}
    p, _, _ = run_case(mx, mxio, tmp_path, f"gemm_{variant}", sym, inputs)
    assert "_linalg_gemm" in op_names(p)


# ---- Sockeye 2 encoder-decoder attention -----------------------------------------

@pytest.mark.parametrize("heads,tq,tk,n,d", [(1, 3, 4, 2, 5), (2, 4, 6, 3, 4), (4, 2, 5, 1, 3)])
def test_encdec_attention(mx, mxio, heads, tq, tk, n, d, tmp_path):
    """queries and keys_values -> qk scores -> softmax -> valatt, as Sockeye 2's
    MultiHeadAttention; both matmuls are also graph outputs."""
    rng = np.random.RandomState(heads)
    q, kv = mx.sym.Variable("queries"), mx.sym.Variable("keys_values")
    qk = mx.sym.contrib.interleaved_matmul_encdec_qk(q, kv, heads=heads, name="qk")
    att = mx.sym.softmax(qk, axis=-1, name="att")
    va = mx.sym.contrib.interleaved_matmul_encdec_valatt(kv, att, heads=heads, name="va")
    sym = mx.sym.Group([qk, va])
    inputs = {"queries": uniform(rng, (tq, n, heads * d)),
              "keys_values": uniform(rng, (tk, n, 2 * heads * d))}
    p, _, _ = run_case(mx, mxio, tmp_path, f"encdec_{heads}", sym, inputs)
    assert {"_contrib_interleaved_matmul_encdec_qk", "_contrib_interleaved_matmul_encdec_valatt"} <= op_names(p)


# ---- box_iou / box_encode / bipartite_matching / MultiBoxTarget ----------------

def corner_boxes(rng, shape, span=1.0):
    """Boxes [x1, y1, x2, y2] with positive sizes, overlapping often."""
    xy = rng.uniform(0, span, shape + (2,))
    wh = rng.uniform(0.05 * span, 0.6 * span, shape + (2,))
    return np.concatenate([xy, xy + wh], axis=-1).astype(np.float32)


@pytest.mark.parametrize("variant", ["corner", "center", "nd", "negative_size"])
def test_box_iou(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(21)
    lhs, rhs = corner_boxes(rng, (5,)), corner_boxes(rng, (7,))
    attrs = {}
    if variant == "center":
        attrs["format"] = "center"
        lhs[:, 2:] -= lhs[:, :2]  # (x, y, w, h) with x, y read as the centre
        rhs[:, 2:] -= rhs[:, :2]
    elif variant == "nd":
        lhs, rhs = corner_boxes(rng, (2, 3)), corner_boxes(rng, (2, 2, 4))
    elif variant == "negative_size":
        lhs[1] = [0.5, 0.5, 0.2, 0.9]  # x2 < x1: MXNet's BoxArea gives 0
        rhs[2] = [0.1, 0.1, 0.9, 0.05]
    l, r = mx.sym.Variable("lhs"), mx.sym.Variable("rhs")
    sym = mx.sym.contrib.box_iou(l, r, name="iou", **attrs)
    p, got, _ = run_case(mx, mxio, tmp_path, f"iou_{variant}", sym, {"lhs": lhs, "rhs": rhs})
    assert "_contrib_box_iou" in op_names(p)
    assert np.count_nonzero(got[0]) > 3  # the boxes do overlap


@pytest.mark.parametrize("variant", ["plain", "means_stds", "batch3"])
def test_box_encode(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(22)
    b, n, m = (3, 6, 4) if variant == "batch3" else (2, 5, 3)
    samples = rng.choice([-1.0, 0.0, 1.0], (b, n)).astype(np.float32)
    samples[:, 0] = 1.0
    matches = rng.randint(0, m, (b, n)).astype(np.float32)
    means = np.zeros(4, np.float32)
    stds = np.ones(4, np.float32)
    if variant == "means_stds":
        means = np.array([0.1, -0.2, 0.05, 0.0], np.float32)
        stds = np.array([0.1, 0.1, 0.2, 0.2], np.float32)
    inputs = {"samples": samples, "matches": matches, "anchors": corner_boxes(rng, (b, n)),
              "refs": corner_boxes(rng, (b, m)), "means": means, "stds": stds}
    v = {k: mx.sym.Variable(k) for k in inputs}
    sym = mx.sym.contrib.box_encode(v["samples"], v["matches"], v["anchors"], v["refs"],
                                    v["means"], v["stds"], name="enc")
    sym = mx.sym.Group([sym[0], sym[1]])
    p, _, _ = run_case(mx, mxio, tmp_path, f"encode_{variant}", sym, inputs, exact=(1,))
    assert "_contrib_box_encode" in op_names(p)


@pytest.mark.parametrize("variant", ["desc", "ascend", "topk", "matrix2d", "threshold_stop"])
def test_bipartite_matching(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(23)
    shape = (4, 6) if variant == "matrix2d" else (2, 5, 4)
    size = int(np.prod(shape))
    scores = (rng.permutation(size).astype(np.float32) / size).reshape(shape)  # no ties
    attrs = {"desc": {"threshold": 0.2}, "ascend": {"threshold": 0.8, "is_ascend": True},
             "topk": {"threshold": 0.05, "topk": 2}, "matrix2d": {"threshold": 0.1},
             "threshold_stop": {"threshold": 0.85}}[variant]
    d = mx.sym.Variable("data")
    sym = mx.sym.contrib.bipartite_matching(d, name="bm", **attrs)
    sym = mx.sym.Group([sym[0], sym[1]])
    p, got, _ = run_case(mx, mxio, tmp_path, f"bipartite_{variant}", sym, {"data": scores}, exact=(0, 1))
    assert "_contrib_bipartite_matching" in op_names(p)
    assert (got[0] >= 0).any()


def multibox_target_inputs(rng, b=2, a=40, classes=4, nlabels=4):
    anchors = corner_boxes(rng, (1, a))
    labels = np.full((b, nlabels, 5), -1.0, np.float32)
    for i in range(b):
        k = nlabels - i  # fewer objects in later images, -1 padding after them
        labels[i, :k, 0] = rng.randint(0, classes - 1, k)
        labels[i, :k, 1:] = corner_boxes(rng, (k,))
    cls_pred = rng.uniform(-2, 2, (b, classes, a)).astype(np.float32)
    return {"anchor": anchors, "label": labels, "cls_pred": cls_pred}


@pytest.mark.parametrize("variant", ["default", "mining", "threshold", "empty_image", "variances"])
def test_multibox_target(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(24)
    inputs = multibox_target_inputs(rng)
    attrs = {"default": {}, "mining": {"negative_mining_ratio": 3, "negative_mining_thresh": 0.4,
                                       "ignore_label": -2},
             "threshold": {"overlap_threshold": 0.2}, "empty_image": {"negative_mining_ratio": 2},
             "variances": {"variances": (0.2, 0.3, 0.1, 0.4), "overlap_threshold": 0.35}}[variant]
    if variant == "empty_image":
        inputs["label"][1] = -1.0
    v = {k: mx.sym.Variable(k) for k in inputs}
    sym = mx.sym.contrib.MultiBoxTarget(v["anchor"], v["label"], v["cls_pred"], name="mbt", **attrs)
    sym = mx.sym.Group([sym[0], sym[1], sym[2]])
    p, got, _ = run_case(mx, mxio, tmp_path, f"mbt_{variant}", sym, inputs, exact=(1, 2))
    assert "_contrib_MultiBoxTarget" in op_names(p)
    assert (got[2] > 0).any() and (got[1] > 0).any()
    if variant == "mining":  # mined negatives (0) and ignored anchors both occur
        assert (got[2] == 0).any() and (got[2] == -2).any()
    if variant == "empty_image":  # no objects: every anchor keeps ignore_label
        assert (got[2][1] == -1).all()


# ---- element-wise: mod, logical, div_sqrt_dim; nansum / nanprod; softmin ---------

def mod_operands(rng, sa, sb):
    """Signed values with zeros in the divisor (MXNet: x mod 0 = 0) and exact
    multiples (remainder 0 keeps its sign rule)."""
    a = rng.uniform(-6, 6, sa).astype(np.float32)
    b = rng.choice([-2.5, -1.0, 0.0, 0.75, 1.5, 3.0], sb).astype(np.float32)
    a.flat[0], b.flat[0] = 3.0, 1.5
    a.flat[1 % a.size] = -3.0
    return a, b


@pytest.mark.parametrize("variant", ["elemwise", "broadcast", "scalar", "scalar_neg", "rscalar",
                                     "logical_and", "logical_or", "logical_not", "div_sqrt_dim"])
def test_elementwise_ops(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(31)
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    x, y = mod_operands(rng, (3, 4), (3, 4))
    inputs = {"a": x, "b": y}
    exact = (0,)
    if variant == "elemwise":
        sym = mx.sym._internal._mod(a, b, name="m")
    elif variant == "broadcast":
        x, y = mod_operands(rng, (2, 3, 4), (3, 1))
        inputs = {"a": x, "b": y}
        sym = mx.sym.broadcast_mod(a, b, name="m")
    elif variant in ("scalar", "scalar_neg", "rscalar"):
        inputs = {"a": x}
        s = {"scalar": 2.5, "scalar_neg": -1.75, "rscalar": 4.0}[variant]
        op = mx.sym._internal._rmod_scalar if variant == "rscalar" else mx.sym._internal._mod_scalar
        sym = op(a, scalar=s, name="m")
    elif variant in ("logical_and", "logical_or"):
        x = rng.choice([0.0, 1.0, -2.0], (2, 3, 4)).astype(np.float32)
        y = rng.choice([0.0, 0.5], (3, 1)).astype(np.float32)
        inputs = {"a": x, "b": y}
        sym = getattr(mx.sym, "broadcast_" + variant)(a, b, name="m")
    elif variant == "logical_not":
        inputs = {"a": rng.choice([0.0, 1.0, -0.5], (4, 5)).astype(np.float32)}
        sym = mx.sym.logical_not(a, name="m")
    else:
        inputs = {"a": uniform(rng, (2, 3, 7))}
        sym = mx.sym.contrib.div_sqrt_dim(a, name="m")
        exact = ()
    p, _, _ = run_case(mx, mxio, tmp_path, f"elem_{variant}", sym, inputs, exact=exact)
    assert len(op_names(p) - {"null"}) == 1


@pytest.mark.parametrize("variant", ["nansum_all", "nansum_axis", "nanprod_keepdims", "nanprod_exclude"])
def test_nan_reductions(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(32)
    x = rng.uniform(0.5, 1.5, (3, 4, 5)).astype(np.float32)
    x[rng.uniform(size=x.shape) < 0.25] = np.nan
    d = mx.sym.Variable("data")
    sym = {"nansum_all": lambda: mx.sym.nansum(d, name="r"),
           "nansum_axis": lambda: mx.sym.nansum(d, axis=(0, 2), name="r"),
           "nanprod_keepdims": lambda: mx.sym.nanprod(d, axis=1, keepdims=True, name="r"),
           "nanprod_exclude": lambda: mx.sym.nanprod(d, axis=1, exclude=True, name="r")}[variant]()
    _, got, _ = run_case(mx, mxio, tmp_path, f"nanred_{variant}", sym, {"data": x})
    assert np.isfinite(got[0]).all()


@pytest.mark.parametrize("variant", ["default", "axis1_temp", "large"])
def test_softmin(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(33)
    x = uniform(rng, (2, 5, 3), -3, 3)
    attrs = {}
    if variant == "axis1_temp":
        attrs = {"axis": 1, "temperature": 2.5}
    elif variant == "large":  # a spread exp() could not take without the max shift on -x
        x = uniform(rng, (2, 5, 3), -200, 200)
    d = mx.sym.Variable("data")
    run_case(mx, mxio, tmp_path, f"softmin_{variant}", mx.sym.softmin(d, name="s", **attrs), {"data": x})


def test_amp_multicast_and_rnn_param_concat(mx, mxio, tmp_path):
    """amp_multicast of float32 inputs passes them through; _rnn_param_concat
    (Gluon RNN export) joins flattened parameters on dim 0."""
    rng = np.random.RandomState(34)
    a, b, c = mx.sym.Variable("a"), mx.sym.Variable("b"), mx.sym.Variable("c")
    mc = mx.sym.amp_multicast(a, b, num_outputs=2, name="mc")
    cat = mx.sym._internal._rnn_param_concat(mx.sym.reshape(mc[0], shape=(-1,)),
                                             mx.sym.reshape(mc[1], shape=(-1,)), c,
                                             num_args=3, dim=0, name="cat")
    sym = mx.sym.Group([cat, mc[1] * 2])
    inputs = {"a": uniform(rng, (3, 4)), "b": uniform(rng, (2, 5)), "c": uniform(rng, (7,))}
    p, _, _ = run_case(mx, mxio, tmp_path, "multicast_concat", sym, inputs, exact=(0, 1))
    assert {"amp_multicast", "_rnn_param_concat"} <= op_names(p)


# ---- samplers: MXNet's shapes, dtypes and distributions (values cannot match) ----

def run_both(mx, mxio, tmp_path, name, sym, inputs, tag="a"):
    """MXNet's and mxio's outputs of `sym`, without comparing values."""
    sym_path = tmp_path / f"{name}-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / f"{name}-0000.params"
    mx.nd.save(str(params), {})
    want = ro.mxnet_forward(sym, {}, {}, inputs)
    d = tmp_path / tag
    d.mkdir()
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, d)
    got = list(got.values())
    assert [(g.shape, g.dtype) for g in got] == [(w.shape, w.dtype) for w in want]
    return got, want


def check_mean(values, mean, std, label):
    """The sample mean lies within 5 standard errors of the distribution's mean."""
    n = values.size
    assert abs(float(values.astype(np.float64).mean()) - mean) < 5 * std / np.sqrt(n), label


@pytest.mark.parametrize("variant", ["uniform", "uniform_range", "normal", "normal_loc_scale",
                                     "randint", "randint_int64"])
def test_samplers(mx, mxio, variant, tmp_path):
    shape = (40, 50, 10)
    r = mx.sym.random
    sym, lo, hi = {
        "uniform": (r.uniform(shape=shape, name="s"), 0.0, 1.0),
        "uniform_range": (r.uniform(low=-3, high=5, shape=shape, name="s"), -3.0, 5.0),
        "normal": (r.normal(shape=shape, name="s"), 0.0, 1.0),
        "normal_loc_scale": (r.normal(loc=2.5, scale=0.5, shape=shape, name="s"), 2.5, 0.5),
        "randint": (r.randint(low=-4, high=7, shape=shape, name="s"), -4, 7),
        "randint_int64": (r.randint(low=3, high=9, shape=shape, dtype="int64", name="s"), 3, 9),
    }[variant]
    got, want = run_both(mx, mxio, tmp_path, f"rand_{variant}", sym, {})
    again, _ = run_both(mx, mxio, tmp_path, f"rand_{variant}", sym, {}, tag="b")
    assert not np.array_equal(got[0], again[0])  # a fresh seed per run
    for label, v in (("mxnet", want[0]), ("mxio", got[0])):
        if variant.startswith("uniform"):
            assert v.min() >= lo and v.max() < hi, label
            check_mean(v, (lo + hi) / 2, (hi - lo) / np.sqrt(12), label)
            assert abs(v.std() - (hi - lo) / np.sqrt(12)) < 0.02 * (hi - lo), label
        elif variant.startswith("normal"):
            check_mean(v, lo, hi, label)
            assert abs(v.std() - hi) < 0.02 * hi, label
            assert abs(float(np.mean(np.abs(v - lo) < hi)) - 0.6827) < 0.01, label
        else:
            assert set(np.unique(v)) == set(range(lo, hi)), label
            check_mean(v, (lo + hi - 1) / 2, np.sqrt(((hi - lo) ** 2 - 1) / 12), label)


@pytest.mark.parametrize("variant", ["rows", "shape2_prob", "single"])
def test_sample_multinomial(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(35)
    probs = rng.uniform(0.1, 1.0, (3, 5)).astype(np.float64)
    probs /= probs.sum(axis=1, keepdims=True)
    attrs = {"shape": 4000}
    if variant == "shape2_prob":
        attrs = {"shape": (50, 80), "get_prob": True}
    elif variant == "single":
        probs = probs[0]
        attrs = {}
    probs = probs.astype(np.float32)
    d = mx.sym.Variable("data")
    sym = mx.sym.sample_multinomial(d, name="m", **attrs)
    if attrs.get("get_prob"):
        sym = mx.sym.Group([sym[0], sym[1]])
    got, want = run_both(mx, mxio, tmp_path, f"multinomial_{variant}", sym, {"data": probs})
    if variant == "single":
        assert 0 <= int(got[0][0]) < probs.size
        return
    for label, v in (("mxnet", want[0]), ("mxio", got[0])):
        s = v.reshape(probs.shape[0], -1)
        for row in range(probs.shape[0]):
            freq = np.bincount(s[row], minlength=probs.shape[1]) / s.shape[1]
            sd = np.sqrt(probs[row] * (1 - probs[row]) / s.shape[1])
            assert (np.abs(freq - probs[row]) < 5 * sd).all(), (label, row, freq, probs[row])
        if variant == "shape2_prob":  # the log-likelihood output is log p[sample]
            lp = want[1] if label == "mxnet" else got[1]
            rows = np.arange(probs.shape[0])[:, None, None]
            np.testing.assert_allclose(lp, np.log(probs[rows, v]), rtol=1e-6, err_msg=label)


# ---- sampling grids: GridGenerator, BilinearSampler, SpatialTransformer; Correlation --

def affine_params(rng, n):
    """Near-identity affine transforms (scale, rotation, shift), some sampling
    outside the input so the zero border is exercised."""
    t = np.tile(np.array([1, 0, 0, 0, 1, 0], np.float32), (n, 1))
    return (t + rng.uniform(-0.4, 0.4, (n, 6))).astype(np.float32)


@pytest.mark.parametrize("variant", ["affine", "affine_wide", "warp"])
def test_grid_generator(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(41)
    d = mx.sym.Variable("data")
    if variant == "warp":
        sym = mx.sym.GridGenerator(d, transform_type="warp", name="g")
        x = uniform(rng, (2, 2, 5, 7), -2, 2)
    else:
        ts = (4, 6) if variant == "affine" else (3, 11)
        sym = mx.sym.GridGenerator(d, transform_type="affine", target_shape=ts, name="g")
        x = affine_params(rng, 3)
    p, _, _ = run_case(mx, mxio, tmp_path, f"gridgen_{variant}", sym, {"data": x})
    assert "GridGenerator" in op_names(p)


@pytest.mark.parametrize("variant", ["affine_grid", "warp_grid", "random_grid"])
def test_bilinear_sampler(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(42)
    data = uniform(rng, (2, 3, 6, 8))
    d, g = mx.sym.Variable("data"), mx.sym.Variable("grid_in")
    if variant == "affine_grid":
        grid = mx.sym.GridGenerator(g, transform_type="affine", target_shape=(5, 7))
        inputs = {"data": data, "grid_in": affine_params(rng, 2)}
    elif variant == "warp_grid":
        grid = mx.sym.GridGenerator(g, transform_type="warp")
        inputs = {"data": data, "grid_in": uniform(rng, (2, 2, 6, 8), -1.5, 1.5)}
    else:  # raw grid values, partly outside [-1, 1]
        grid = g
        inputs = {"data": data, "grid_in": uniform(rng, (2, 2, 4, 9), -1.3, 1.3)}
    sym = mx.sym.BilinearSampler(d, grid, name="bs")
    p, _, _ = run_case(mx, mxio, tmp_path, f"sampler_{variant}", sym, inputs)
    assert "BilinearSampler" in op_names(p)


@pytest.mark.parametrize("target", [(5, 6), (8, 3)])
def test_spatial_transformer(mx, mxio, target, tmp_path):
    rng = np.random.RandomState(43)
    d, loc = mx.sym.Variable("data"), mx.sym.Variable("loc")
    sym = mx.sym.SpatialTransformer(d, loc, target_shape=target, transform_type="affine",
                                    sampler_type="bilinear", name="st")
    inputs = {"data": uniform(rng, (2, 3, 7, 9)), "loc": affine_params(rng, 2)}
    p, _, _ = run_case(mx, mxio, tmp_path, f"st_{target[0]}", sym, inputs)
    assert "SpatialTransformer" in op_names(p)


@pytest.mark.parametrize("variant", ["default", "flownet", "absdiff_kernel3", "strides"])
def test_correlation(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(44)
    attrs = {"default": {},
             "flownet": {"kernel_size": 1, "max_displacement": 4, "stride1": 1, "stride2": 2,
                         "pad_size": 4},
             "absdiff_kernel3": {"kernel_size": 3, "max_displacement": 2, "pad_size": 3,
                                 "is_multiply": False},
             "strides": {"kernel_size": 3, "max_displacement": 3, "stride1": 2, "stride2": 3,
                         "pad_size": 2}}[variant]
    a, b = mx.sym.Variable("a"), mx.sym.Variable("b")
    sym = mx.sym.Correlation(a, b, name="corr", **attrs)
    inputs = {"a": uniform(rng, (2, 3, 9, 11)), "b": uniform(rng, (2, 3, 9, 11))}
    p, _, _ = run_case(mx, mxio, tmp_path, f"corr_{variant}", sym, inputs)
    assert "Correlation" in op_names(p)


# ---- PSROIPooling ----------------------------------------------------------------

@pytest.mark.parametrize("variant", ["default_group", "group2", "scale_half", "tiny_rois"])
def test_psroi_pooling(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(45)
    out_dim, pooled, group, scale = {"default_group": (2, 3, 0, 1.0), "group2": (3, 4, 2, 1.0),
                                     "scale_half": (2, 2, 0, 0.5), "tiny_rois": (1, 3, 3, 1.0)}[variant]
    g = group or pooled
    data = uniform(rng, (2, out_dim * g * g, 9, 10))
    n = 5
    xy = rng.uniform(0, 8 / scale, (n, 2))
    wh = rng.uniform(0.0, 0.6, (n, 2)) if variant == "tiny_rois" else rng.uniform(1, 6 / scale, (n, 2))
    rois = np.concatenate([rng.randint(0, 2, (n, 1)), xy, xy + wh], axis=1).astype(np.float32)
    d, r = mx.sym.Variable("data"), mx.sym.Variable("rois")
    attrs = {"spatial_scale": scale, "output_dim": out_dim, "pooled_size": pooled}
    if group:
        attrs["group_size"] = group
    sym = mx.sym.contrib.PSROIPooling(d, r, name="ps", **attrs)
    p, _, _ = run_case(mx, mxio, tmp_path, f"psroi_{variant}", sym, {"data": data, "rois": rois})
    assert "_contrib_PSROIPooling" in op_names(p)


# ---- DeformableConvolution ------------------------------------------------------

@pytest.mark.parametrize("variant", ["plain", "stride_pad_bias", "dilate_groups", "deform_groups"])
def test_deformable_convolution(mx, mxio, variant, tmp_path):
    rng = np.random.RandomState(46)
    c, h, w, nf = 4, 7, 8, 6
    cfg = {"plain": dict(kernel=(3, 3), num_filter=nf, no_bias=True),
           "stride_pad_bias": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), num_filter=nf),
           "dilate_groups": dict(kernel=(3, 3), dilate=(2, 1), pad=(2, 1), num_group=2, num_filter=nf),
           "deform_groups": dict(kernel=(2, 2), pad=(1, 0), num_deformable_group=2, num_filter=nf,
                                 no_bias=True)}[variant]
    d, off = mx.sym.Variable("data"), mx.sym.Variable("offset")
    sym = mx.sym.contrib.DeformableConvolution(d, off, name="dcn", **cfg)
    # the offset map has the output's size: MXNet's Convolution shape rule gives it
    plain = {k: v for k, v in cfg.items() if k != "num_deformable_group"}
    oh, ow = mx.sym.Convolution(d, **plain).infer_shape(data=(2, c, h, w))[1][0][2:]
    kh, kw = cfg["kernel"]
    off_shape = (2, 2 * kh * kw * cfg.get("num_deformable_group", 1), oh, ow)
    # offsets large enough to move samples across pixels and off the map
    inputs = {"data": uniform(rng, (2, c, h, w)), "offset": uniform(rng, off_shape, -2.5, 2.5)}
    args = {}
    for name, shape in zip(sym.list_arguments(), sym.infer_shape(data=(2, c, h, w), offset=off_shape)[0]):
        if name not in inputs:
            args[name] = mx.nd.array(uniform(rng, shape, -0.5, 0.5))
    sym_path = tmp_path / f"dcn_{variant}-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / f"dcn_{variant}-0000.params"
    mx.nd.save(str(params), {f"arg:{k}": v for k, v in args.items()})
    want = ro.mxnet_forward(sym, args, {}, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, tmp_path)
    ro.compare(f"dcn_{variant}", list(got.values())[0], want[0], RTOL, ATOL)


# ---- an op that stays without a kernel: one error, as before -----------------------

def test_unbound_op_one_error(mx, mxio, tmp_path):
    """Custom (a Python CustomOp) has no kernel (there is no code to run): `mxio run`
    fails with exit 13 and the one `unsupported ops: X xN (first: ...)` message
    naming both nodes from the file, while the bound ops around them (relu) are
    not listed."""

    class Twice(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * 2)

    @mx.operator.register("mxio_twice")
    class TwiceProp(mx.operator.CustomOpProp):
        def list_arguments(self):
            return ["data"]

        def infer_shape(self, in_shape):
            return in_shape, [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return Twice()

    d = mx.sym.Variable("data")
    o1 = mx.sym.Custom(d, op_type="mxio_twice", name="c1")
    o2 = mx.sym.Custom(mx.sym.relu(o1), op_type="mxio_twice", name="c2")
    sym = mx.sym.relu(o2, name="r")
    x = np.ones((4, 3), np.float32)
    assert ro.mxnet_forward(sym, {}, {}, {"data": x})[0].shape == (4, 3)  # MXNet runs it
    sym_path = tmp_path / "custom-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "custom-0000.params"
    mx.nd.save(str(params), {})
    np.save(tmp_path / "x.npy", x)
    r = mxio("run", sym_path, "--array-path", params, "--input", f"data={tmp_path / 'x.npy'}")
    assert r.code == 13, r
    names = [n for op, n in ro.op_nodes(sym_path) if op == "Custom"]
    assert names == ["c1", "c2"]
    msg = r.err.strip().splitlines()[-1]
    assert msg.endswith(f"unsupported ops: Custom x2 (first: {', '.join(names)})"), msg


# ---- WarpCTC (plugin op: not in the pip MXNet) -------------------------------------

def test_warpctc_forward_is_softmax(mx, mxio, tmp_path):
    """MXNet 1.9.1's pip build has no WarpCTC (plugin/warpctc); its forward is
    mshadow's Softmax of the (prod(leading), last) view, which is what MXNet's
    SoftmaxActivation (instance mode) computes. The graph is MXNet's
    SoftmaxActivation symbol with the node turned into WarpCTC (as the OCR
    models of op-coverage E8 have it), compared with MXNet's SoftmaxActivation."""
    rng = np.random.RandomState(47)
    d = mx.sym.Variable("data")
    ref = mx.sym.SoftmaxActivation(d, name="ctc")
    x = uniform(rng, (12, 7), -3, 3)  # (T * N, alphabet) as the OCR models feed it
    want = ro.mxnet_forward(ref, {}, {}, {"data": x})[0]
    g = json.loads(ref.tojson())
    g["nodes"].insert(1, {"op": "null", "name": "label", "inputs": []})
    for n in g["nodes"]:
        n["inputs"] = [[e[0] + 1 if e[0] >= 1 else e[0]] + e[1:] for e in n["inputs"]]
    node = g["nodes"][2]
    node.update(op="WarpCTC", attrs={"label_length": "3", "input_length": "4"},
                inputs=[[0, 0, 0], [1, 0, 0]])
    g["arg_nodes"] = [0, 1]
    g["heads"] = [[2, 0, 0]]
    g.pop("node_row_ptr", None)
    sym_path = tmp_path / "warpctc-symbol.json"
    sym_path.write_text(json.dumps(g))
    params = tmp_path / "warpctc-0000.params"
    mx.nd.save(str(params), {})
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    assert op_names(sym_path) == {"null", "WarpCTC"}
    ro.compare("WarpCTC", list(got.values())[0], want, RTOL, ATOL)


def test_identity_attach_kl_sparse_reg(mx, mxio, tmp_path):
    """The forward is the identity; its moving_avg aux state is an array the kernel
    must accept and ignore (MXNet runs it at inference)."""
    rng = np.random.RandomState(41)
    d = mx.sym.Variable("data")
    s = mx.sym.IdentityAttachKLSparseReg(mx.sym.FullyConnected(d, num_hidden=6, name="fc"),
                                         name="kl")
    s = mx.sym.Activation(s, act_type="sigmoid", name="act")
    x = uniform(rng, (3, 4))
    sym_path = tmp_path / "kl-symbol.json"
    s.save(str(sym_path))
    params = tmp_path / "kl-0000.params"
    args, auxs = ro.random_params(s, {"data": x.shape}, params)
    assert "kl_moving_avg" in auxs
    want = ro.mxnet_forward(s, args, auxs, {"data": x})[0]
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    ro.compare("IdentityAttachKLSparseReg", list(got.values())[0], want)
