"""Ops bound to existing kernels late (BilinearResize2D, Proposal/MultiProposal,
the source ops _zeros/_ones/_full/_arange, arange_like, _split_v2, _linalg_gemm2):
small graphs built by MXNet 1.9.1 in the test run with several attribute
variants, run by `mxio run` and compared with MXNet's forward pass."""
import json

import numpy as np
import pytest

import run_oracle as ro

RTOL, ATOL = 1e-4, 1e-5


def run_case(mx, mxio, tmp_path, name, sym, inputs):
    """Save `sym` (no weights), run MXNet and mxio on `inputs`, compare every output."""
    sym_path = tmp_path / f"{name}-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / f"{name}-0000.params"
    mx.nd.save(str(params), {})
    want = ro.mxnet_forward(sym, {}, {}, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, tmp_path)
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"{name} output {i}", g.astype(np.float32), w.astype(np.float32), RTOL, ATOL)
    return sym_path


def op_names(sym_path):
    return {n["op"] for n in json.loads(sym_path.read_text())["nodes"]}


# ---- BilinearResize2D -----------------------------------------------------------

def resize_graphs(mx):
    d = mx.sym.Variable("data")
    r = mx.sym.contrib.BilinearResize2D
    return {
        "size": (r(d, height=9, width=13, name="rs"), (2, 3, 5, 7)),
        "size_no_align": (r(d, height=4, width=11, align_corners=False, name="rs"), (1, 2, 6, 5)),
        "scale": (r(d, scale_height=1.5, scale_width=0.6, name="rs"), (2, 2, 6, 10)),
        "scale_no_align": (r(d, scale_height=2.0, scale_width=2.0, align_corners=False, name="rs"),
                           (1, 3, 4, 5)),
        "odd_scale": (r(d, scale_height=2.0, scale_width=2.0, mode="odd_scale", name="rs"),
                      (1, 2, 5, 6)),
        "to_even_up": (r(d, mode="to_even_up", name="rs"), (1, 2, 5, 7)),
        "to_even_down": (r(d, mode="to_even_down", name="rs"), (1, 2, 5, 8)),
        "to_odd_up": (r(d, mode="to_odd_up", name="rs"), (1, 2, 6, 7)),
        "to_odd_down": (r(d, mode="to_odd_down", align_corners=False, name="rs"), (1, 2, 6, 8)),
    }


@pytest.mark.parametrize("variant", ["size", "size_no_align", "scale", "scale_no_align", "odd_scale",
                                     "to_even_up", "to_even_down", "to_odd_up", "to_odd_down"])
def test_bilinear_resize(mx, mxio, variant, tmp_path):
    sym, shape = resize_graphs(mx)[variant]
    x = np.random.RandomState(3).uniform(-1, 1, shape).astype(np.float32)
    p = run_case(mx, mxio, tmp_path, f"resize_{variant}", sym, {"data": x})
    assert "_contrib_BilinearResize2D" in op_names(p)


@pytest.mark.parametrize("align", [True, False])
def test_bilinear_resize_like(mx, mxio, align, tmp_path):
    d, like = mx.sym.Variable("data"), mx.sym.Variable("like")
    sym = mx.sym.contrib.BilinearResize2D(d, like, mode="like", align_corners=align, name="rs")
    rng = np.random.RandomState(4)
    inputs = {"data": rng.uniform(-1, 1, (2, 3, 4, 6)).astype(np.float32),
              "like": rng.uniform(-1, 1, (2, 1, 7, 5)).astype(np.float32)}
    run_case(mx, mxio, tmp_path, "resize_like", sym, inputs)


# ---- Proposal / MultiProposal ---------------------------------------------------

def proposal_inputs(rng, n, a, h, w, stride):
    """Distinct scores (no NMS ties), small box deltas, an image a bit larger
    than the feature map covers."""
    score = rng.permutation(n * 2 * a * h * w).astype(np.float32) / (n * 2 * a * h * w)
    score = score.reshape(n, 2 * a, h, w)
    deltas = rng.uniform(-0.3, 0.3, (n, 4 * a, h, w)).astype(np.float32)
    im_info = np.array([[h * stride - 3, w * stride + 5, 1.0]] * n, np.float32)
    return {"cls_prob": score, "bbox_pred": deltas, "im_info": im_info}


PROPOSAL_VARIANTS = {
    "defaults_score": dict(rpn_pre_nms_top_n=60, rpn_post_nms_top_n=12, output_score=True),
    "no_score": dict(rpn_pre_nms_top_n=40, rpn_post_nms_top_n=8, threshold=0.5),
    "scales_ratios": dict(scales=(2, 4), ratios=(0.5, 1, 2), feature_stride=8, rpn_min_size=4,
                          rpn_pre_nms_top_n=50, rpn_post_nms_top_n=10, threshold=0.6,
                          output_score=True),
    # anchors of scale 2 (16 px) fall under rpn_min_size and are dropped; scale 4 stays
    "min_size": dict(scales=(2, 4), ratios=(1,), feature_stride=8, rpn_min_size=20,
                     rpn_pre_nms_top_n=30, rpn_post_nms_top_n=5, threshold=0.9, output_score=True),
    "iou_loss": dict(scales=(8,), ratios=(1, 2), iou_loss=True, rpn_pre_nms_top_n=30,
                     rpn_post_nms_top_n=6, output_score=True),
}


@pytest.mark.parametrize("multi", [False, True])
@pytest.mark.parametrize("variant", sorted(PROPOSAL_VARIANTS))
def test_proposal(mx, mxio, multi, variant, tmp_path):
    kw = PROPOSAL_VARIANTS[variant]
    a = len(kw.get("scales", (4, 8, 16, 32))) * len(kw.get("ratios", (0.5, 1, 2)))
    stride = kw.get("feature_stride", 16)
    n = 2 if multi else 1
    v = {k: mx.sym.Variable(k) for k in ("cls_prob", "bbox_pred", "im_info")}
    f = mx.sym.contrib.MultiProposal if multi else mx.sym.contrib.Proposal
    sym = f(v["cls_prob"], v["bbox_pred"], v["im_info"], name="prop", **kw)
    inputs = proposal_inputs(np.random.RandomState(5), n, a, 5, 6, stride)
    p = run_case(mx, mxio, tmp_path, f"proposal_{variant}", sym, inputs)
    assert ("_contrib_MultiProposal" if multi else "_contrib_Proposal") in op_names(p)


# ---- source ops -----------------------------------------------------------------

def source_graphs(mx):
    d = mx.sym.Variable("data")
    return {
        "zeros_ones": (mx.sym.Group([d + mx.sym.ones(shape=(3, 4), name="o"),
                                     d * 2 + mx.sym.zeros(shape=(3, 4), name="z")]), (3, 4)),
        "full": (mx.sym.broadcast_mul(d, mx.sym.full(shape=(1, 4), val=-2.5, name="f")), (3, 4)),
        "arange_stop": (mx.sym.broadcast_add(d, mx.sym.arange(start=1, stop=4, step=0.5, name="ar")),
                        (2, 6)),
        "arange_repeat": (mx.sym.Group([d, mx.sym.arange(start=-2, stop=3, repeat=3, name="ar")]), (2,)),
        "arange_no_stop": (mx.sym.broadcast_mul(d, mx.sym.arange(5, name="ar")), (3, 5)),
        "arange_neg_step": (mx.sym.broadcast_sub(d, mx.sym.arange(start=3, stop=-1.2, step=-0.7,
                                                                  name="ar")), (2, 7)),
        "arange_like": (mx.sym.Group([mx.sym.contrib.arange_like(d, start=1.5, step=0.5, name="al"),
                                      mx.sym.contrib.arange_like(d, axis=1, repeat=2, name="al1")]),
                        (3, 4)),
    }


@pytest.mark.parametrize("variant", ["zeros_ones", "full", "arange_stop",
                                     "arange_repeat", "arange_no_stop", "arange_neg_step",
                                     "arange_like"])
def test_source_ops(mx, mxio, variant, tmp_path):
    sym, shape = source_graphs(mx)[variant]
    x = np.random.RandomState(6).uniform(-1, 1, shape).astype(np.float32)
    run_case(mx, mxio, tmp_path, f"src_{variant}", sym, {"data": x})


# ---- _split_v2 ------------------------------------------------------------------

def split_graphs(mx):
    d = mx.sym.Variable("data")
    s = mx.sym.split_v2
    return {
        "sections": (s(d, 3, axis=1), (2, 6, 3)),
        "indices": (s(d, (2, 5), axis=1), (2, 7, 3)),
        "last_axis": (s(d, (1, 2), axis=-1), (2, 3, 4)),
        "squeeze": (s(d, 4, axis=0, squeeze_axis=True), (4, 3, 2)),
        "indices_axis0": (s(d, (3,), axis=0), (5, 2)),
    }


@pytest.mark.parametrize("variant", ["sections", "indices", "last_axis", "squeeze", "indices_axis0"])
def test_split_v2(mx, mxio, variant, tmp_path):
    sym, shape = split_graphs(mx)[variant]
    x = np.random.RandomState(8).uniform(-1, 1, shape).astype(np.float32)
    p = run_case(mx, mxio, tmp_path, f"split_{variant}", sym, {"data": x})
    assert "_split_v2" in op_names(p)


# ---- _linalg_gemm2 ---------------------------------------------------------------

GEMM2_VARIANTS = {
    "plain": (dict(), (4, 5), (5, 3)),
    "alpha_batched": (dict(alpha=-0.75), (2, 3, 4, 5), (2, 3, 5, 6)),
    "transpose_a": (dict(transpose_a=True, alpha=2.0), (2, 5, 4), (2, 5, 3)),
    "transpose_b": (dict(transpose_b=True), (3, 4, 5), (3, 6, 5)),
    "transpose_both": (dict(transpose_a=True, transpose_b=True, alpha=0.5), (2, 5, 4), (2, 3, 5)),
}


@pytest.mark.parametrize("variant", sorted(GEMM2_VARIANTS))
def test_linalg_gemm2(mx, mxio, variant, tmp_path):
    kw, sa, sb = GEMM2_VARIANTS[variant]
    sym = mx.sym.linalg.gemm2(mx.sym.Variable("A"), mx.sym.Variable("B"), name="g", **kw)
    rng = np.random.RandomState(10)
    inputs = {"A": rng.uniform(-1, 1, sa).astype(np.float32),
              "B": rng.uniform(-1, 1, sb).astype(np.float32)}
    p = run_case(mx, mxio, tmp_path, f"gemm2_{variant}", sym, inputs)
    assert "_linalg_gemm2" in op_names(p)


# ---- interleaved self-attention matmuls (GluonNLP BERT) ------------------------

@pytest.mark.parametrize("heads,T,N,d", [(1, 4, 2, 3), (3, 5, 2, 4), (2, 1, 3, 2)])
def test_selfatt(mx, mxio, heads, T, N, d, tmp_path):
    """qk, a softmax over it, then valatt: the BERT attention block."""
    qkv = mx.sym.Variable("qkv")
    att = mx.sym.contrib.interleaved_matmul_selfatt_qk(qkv, heads=heads, name="qk")
    out = mx.sym.contrib.interleaved_matmul_selfatt_valatt(qkv, mx.sym.softmax(att, axis=-1),
                                                           heads=heads, name="va")
    sym = mx.sym.Group([att, out])
    x = np.random.RandomState(11).uniform(-1, 1, (T, N, 3 * heads * d)).astype(np.float32)
    p = run_case(mx, mxio, tmp_path, "selfatt", sym, {"qkv": x})
    assert {"_contrib_interleaved_matmul_selfatt_qk",
            "_contrib_interleaved_matmul_selfatt_valatt"} <= op_names(p)


# ---- shape_array / size_array --------------------------------------------------

@pytest.mark.parametrize("shape", [(3, 4), (2, 1, 5, 3)])
def test_shape_size_array(mx, mxio, shape, tmp_path):
    d = mx.sym.Variable("data")
    sym = mx.sym.Group([mx.sym.shape_array(d, name="sa"), mx.sym.size_array(d, name="za")])
    x = np.random.RandomState(12).uniform(-1, 1, shape).astype(np.float32)
    sym_path = tmp_path / "sa-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "sa-0000.params"
    mx.nd.save(str(params), {})
    want = ro.mxnet_forward(sym, {}, {}, {"data": x})
    got = list(ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)[0].values())
    assert len(got) == 2
    for g, w in zip(got, want):
        assert g.dtype == w.dtype == np.int64, (g.dtype, w.dtype)
        np.testing.assert_array_equal(g, w)
