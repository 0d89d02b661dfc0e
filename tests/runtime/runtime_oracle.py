"""Runs one runtime kernel through build/kernel_driver and the same op through
real MXNet 1.9.1 (mx.nd.<op>), and compares."""
import json
import subprocess

import numpy as np

RTOL = 1e-4
ATOL = 1e-5


def run_driver(build_dir, tmp_path, op, params, inputs, const_weights=False, threads=1):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"op": op, "params": params, "const_weights": const_weights,
                                "threads": threads}))
    paths = []
    for i, x in enumerate(inputs):
        p = tmp_path / f"in{i}.npy"
        np.save(p, np.ascontiguousarray(x))
        paths.append(str(p))
    out = tmp_path / "out.npy"
    r = subprocess.run([str(build_dir / "kernel_driver"), str(spec), str(out), *paths],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"kernel_driver failed: {r.stderr}"
    outs = [np.load(out)]
    j = 1
    while (tmp_path / f"out.{j}.npy").exists():
        outs.append(np.load(tmp_path / f"out.{j}.npy"))
        j += 1
    return outs


def mx_params(params):
    """JSON params -> MXNet kwargs (lists become tuples; driver-only keys dropped)."""
    out = {}
    for k, v in params.items():
        if k.startswith("__"):
            continue
        out[k] = tuple(v) if isinstance(v, list) else v
    return out


def mx_without_mkldnn(op, params, inputs):
    """MXNet's own (non-oneDNN) CPU kernel, for the few cases its oneDNN path
    rejects: a fresh interpreter with MXNET_MKLDNN_ENABLED=0."""
    import os
    import pickle
    import sys
    import tempfile
    code = ("import pickle,sys,mxnet as mx;op,p,xs=pickle.load(sys.stdin.buffer);"
            "y=getattr(mx.nd,op)(*[mx.nd.array(x) for x in xs],**p);"
            "pickle.dump(y.asnumpy(),sys.stdout.buffer)")
    env = dict(os.environ, MXNET_MKLDNN_ENABLED="0")
    r = subprocess.run([sys.executable, "-c", code], input=pickle.dumps((op, params, inputs)),
                       capture_output=True, env=env, timeout=120, cwd=tempfile.gettempdir())
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return pickle.loads(r.stdout)


def check(mx, build_dir, tmp_path, op, params, inputs, mx_fn=None, const_weights=False,
          rtol=RTOL, atol=ATOL, threads=1):
    gots = run_driver(build_dir, tmp_path, op, params, inputs, const_weights, threads)
    nd_in = [mx.nd.array(x, dtype=x.dtype) for x in inputs]
    if mx_fn is None:
        fn = (getattr(mx.nd, op, None) or getattr(mx.nd._internal, op, None) or
              getattr(mx.nd.contrib, op.replace("_contrib_", ""), None) or
              getattr(mx.nd.linalg, op.replace("_linalg_", ""), None))
        want = fn(*nd_in, **mx_params(params))
    else:
        want = mx_fn(*nd_in, **mx_params(params))
    wants = list(want) if isinstance(want, (list, tuple)) else [want]
    if len(gots) > 1:  # multi-output ops: compare every output
        assert len(gots) == len(wants), f"{op}: {len(gots)} outputs, MXNet {len(wants)}"
        return max(compare(op, params, g, w, rtol, atol) for g, w in zip(gots, wants))
    return compare(op, params, gots[0], wants[0], rtol, atol)


def compare(op, params, got, want, rtol, atol):
    if not isinstance(want, np.ndarray):
        want = want.asnumpy()
    assert got.shape == want.shape, f"{op}: shape {got.shape} != MXNet {want.shape}"
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    dev = np.abs(g - w)
    finite = np.isfinite(w)
    assert np.array_equal(np.isnan(g), np.isnan(w)), f"{op}: NaN positions differ"
    maxdev = float(dev[finite].max()) if finite.any() and dev.size else 0.0
    scale = float(np.abs(w[finite]).max()) if finite.any() and dev.size else 0.0
    print(f"{op} {params}: max |dev| {maxdev:.3g} (max |x| {scale:.3g})")
    np.testing.assert_allclose(g[finite], w[finite], rtol=rtol, atol=atol, err_msg=op)
    assert np.array_equal(g[~finite], w[~finite], equal_nan=True), f"{op}: inf values differ"
    return maxdev
