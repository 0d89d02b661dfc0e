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
    sym.save(str(sym_path))
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
