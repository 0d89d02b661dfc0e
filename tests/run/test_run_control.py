"""MXNet's control-flow ops (_foreach, _while_loop, _cond): graphs MXNet 1.9.1 builds
with mx.sym.contrib.foreach / while_loop / cond (and a hybridized Gluon block using
F.contrib.foreach), saved by MXNet in the test run, run by MXNet's executor and by
`mxio run`, compared at rtol 1e-4 / atol 1e-5."""
import json

import numpy as np
import pytest

import run_oracle as ro

RTOL, ATOL = 1e-4, 1e-5


def save_and_run(mx, mxio, sym, args, inputs, d, name, fetch=None):
    """Save `sym` and `args`, run both; returns (mxio outputs list, mxnet outputs
    list; only the indices in `fetch` when given, the others None)."""
    sym_path = d / f"{name}-symbol.json"
    sym.save(str(sym_path))
    params = d / f"{name}-0000.params"
    mx.nd.save(str(params), {f"arg:{k}": v for k, v in args.items()})
    # bind with every array given: MXNet's infer_shape leaves while_loop's and
    # cond's output shapes unknown (None), which ro.mxnet_forward needs
    bound = {k: mx.nd.array(v) for k, v in inputs.items()}
    bound.update(args)
    exe = sym.bind(mx.cpu(), bound, grad_req="null")
    exe.forward(is_train=False)
    want = [o.asnumpy() if fetch is None or i in fetch else None
            for i, o in enumerate(exe.outputs)]
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, d)
    got = list(got.values())
    assert len(got) == len(want)
    return got, want


def control_nodes(sym_path, op):
    g = json.loads(sym_path.read_text())
    return [n for n in g["nodes"] if n["op"] == op]


def rnn_symbol(mx):
    """An RNN-like accumulation: two data inputs (one 1-D, sliced to (1,)), two
    states, FullyConnected and dot on free variables, three per-step outputs."""
    F = mx.sym
    T, N, C, H = 5, 3, 4, 6
    x, b, h0, c0 = F.var("x"), F.var("b"), F.var("h0"), F.var("c0")
    w, u = F.var("fc_weight"), F.var("u")

    def body(data, states):
        xt, bt = data
        h, c = states
        a = F.FullyConnected(xt, w, num_hidden=H, no_bias=True, flatten=False, name="fc")
        h_new = F.tanh(a + F.dot(h, u) + F.broadcast_add(c, F.reshape(bt, (1, 1))))
        c_new = c * 0.5 + h_new
        return [h_new, F.sigmoid(c_new), h_new * c_new], [h_new, c_new]

    outs, states = F.contrib.foreach(body, [x, b], [h0, c0])
    return F.Group(outs + states), (T, N, C, H)


def test_foreach_rnn(mx, mxio, tmp_path):
    """The RNN-like foreach with fc_weight from the params file and u a net input."""
    sym, (T, N, C, H) = rnn_symbol(mx)
    rng = np.random.RandomState(3)
    args = {"fc_weight": mx.nd.array(rng.uniform(-0.5, 0.5, (H, C)))}
    inputs = {"x": rng.uniform(-1, 1, (T, N, C)).astype(np.float32),
              "b": rng.uniform(-1, 1, (T,)).astype(np.float32),
              "h0": rng.uniform(-1, 1, (N, H)).astype(np.float32),
              "c0": rng.uniform(-1, 1, (N, H)).astype(np.float32),
              "u": rng.uniform(-0.5, 0.5, (H, H)).astype(np.float32)}
    got, want = save_and_run(mx, mxio, sym, args, inputs, tmp_path, "fe")
    assert len(control_nodes(tmp_path / "fe-symbol.json", "_foreach")) == 1
    assert [g.shape for g in got] == [(T, N, H)] * 3 + [(N, H)] * 2
    for i, (g, w_) in enumerate(zip(got, want)):
        ro.compare(f"foreach output {i}", g, w_, RTOL, ATOL)


def test_foreach_shapes(mx, mxio, tmp_path):
    """`mxio summary` infers through the body as MXNet's infer_shape does: the
    stacked and state output shapes, and fc_weight's shape from inside the body
    (no params file)."""
    sym, (T, N, C, H) = rnn_symbol(mx)
    shapes = {"x": (T, N, C), "b": (T,), "h0": (N, H), "c0": (N, H), "u": (H, H)}
    arg_shapes, out_shapes, _ = sym.infer_shape(**shapes)
    sym_path = tmp_path / "fe-symbol.json"
    sym.save(str(sym_path))
    args = []
    for k, v in shapes.items():
        args += ["--shape", f"{k}={','.join(map(str, v))}"]
    r = mxio("summary", sym_path, "--array-path", "none", "--format", "json", *args)
    assert r.code == 0, r
    d = json.loads(r.out)
    assert [tuple(o["shape"]) for o in d["outputs"]] == [tuple(s) for s in out_shapes]
    got_in = {i["name"]: tuple(i["shape"]) for i in d["inputs"]}
    want_in = dict(zip(sym.list_arguments(), map(tuple, arg_shapes)))
    assert got_in["fc_weight"] == want_in["fc_weight"] == (H, C)


@pytest.fixture(scope="module")
def while_model(mx, tmp_path_factory):
    """while i < 3 (max_iterations 6): two loop variables, a free input read in
    the body and in the condition, two per-step outputs."""
    F = mx.sym
    d = tmp_path_factory.mktemp("while")
    i0, s0, x, lim = F.var("i0"), F.var("s0"), F.var("x"), F.var("lim")

    def cond(i, s):
        return i < F.sum(lim)

    def func(i, s):
        s_new = s * 0.9 + F.broadcast_mul(x, i)
        return [s_new * 2, F.broadcast_mul(s, i)], [i + 1, s_new]

    outs, final = F.contrib.while_loop(cond, func, [i0, s0], max_iterations=6)
    sym = F.Group(outs + final)
    return sym, d


@pytest.mark.parametrize("start", [0.0, 5.0, 7.0])
def test_while_loop(mx, mxio, while_model, start, tmp_path):
    """Three steps (padding rows after them), one step, none (the condition is
    false at once: the loop variables come back unchanged)."""
    sym, _ = while_model
    rng = np.random.RandomState(5)
    inputs = {"i0": np.array([start], np.float32),
              "s0": rng.uniform(-1, 1, (2, 3)).astype(np.float32),
              "x": rng.uniform(-1, 1, (2, 3)).astype(np.float32),
              "lim": np.array([1.0, 2.0, 3.0], np.float32)}  # sum 6
    steps = int(max(0, 6 - start))
    # with no step MXNet gives the per-step outputs no shape at all (the Symbol
    # while_loop assumes an empty list then): only the loop variables compare
    got, want = save_and_run(mx, mxio, sym, {}, inputs, tmp_path, "wl",
                             fetch=None if steps else (2, 3))
    assert len(control_nodes(tmp_path / "wl-symbol.json", "_while_loop")) == 1
    assert [g.shape for g in got] == [(6, 2, 3), (6, 2, 3), (1,), (2, 3)]
    for i in range(2):  # per-step outputs: MXNet leaves the rows after the last step undefined
        if steps:
            ro.compare(f"while_loop output {i}", got[i][:steps], want[i][:steps], RTOL, ATOL)
        assert not got[i][steps:].any(), "mxio pads with zeros"
    ro.compare("while_loop final i", got[2], want[2], RTOL, ATOL)
    ro.compare("while_loop final s", got[3], want[3], RTOL, ATOL)
    assert got[2][0] == max(start, 6.0)


def test_while_loop_stops_early(mx, mxio, tmp_path):
    """The condition ends the loop before max_iterations (3 of 6 steps)."""
    F = mx.sym
    i0, s0 = F.var("i0"), F.var("s0")
    outs, final = F.contrib.while_loop(lambda i, s: i < 3, lambda i, s: ([F.broadcast_add(s, i)], [i + 1, s * 2]),
                                       [i0, s0], max_iterations=6)
    sym = F.Group(outs + final)
    inputs = {"i0": np.array([0.0], np.float32),
              "s0": np.random.RandomState(1).uniform(-1, 1, (4,)).astype(np.float32)}
    got, want = save_and_run(mx, mxio, sym, {}, inputs, tmp_path, "wl3")
    assert got[0].shape == (6, 4)
    ro.compare("while_loop steps", got[0][:3], want[0][:3], RTOL, ATOL)
    assert not got[0][3:].any()
    ro.compare("while_loop final i", got[1], want[1], RTOL, ATOL)
    ro.compare("while_loop final s", got[2], want[2], RTOL, ATOL)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cond(mx, mxio, sign, tmp_path):
    """Both branches (the sign of sum(x) picks one), each reading x and y, two outputs."""
    F = mx.sym
    x, y, w = F.var("x"), F.var("y"), F.var("w")
    out = F.contrib.cond(F.sum(x) > 0,
                         lambda: [F.dot(x, w) + 1, x * y],
                         lambda: [F.dot(y, w) * 2, x - y])
    sym = F.Group(out)
    rng = np.random.RandomState(2)
    x_val = np.abs(rng.uniform(0.1, 1, (3, 4))).astype(np.float32) * sign
    inputs = {"x": x_val, "y": rng.uniform(-1, 1, (3, 4)).astype(np.float32)}
    args = {"w": mx.nd.array(rng.uniform(-1, 1, (4, 2)))}
    got, want = save_and_run(mx, mxio, sym, args, inputs, tmp_path, "cond")
    assert len(control_nodes(tmp_path / "cond-symbol.json", "_cond")) == 1
    assert [g.shape for g in got] == [(3, 2), (3, 4)]
    for i, (g, w_) in enumerate(zip(got, want)):
        ro.compare(f"cond output {i} ({'then' if sign > 0 else 'else'})", g, w_, RTOL, ATOL)


def test_gluon_foreach(mx, mxio, tmp_path):
    """A hybridized Gluon block whose forward is F.contrib.foreach over a Dense
    cell, exported by MXNet (weights in the params file)."""
    gluon = mx.gluon

    class Scan(gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.cell = gluon.nn.Dense(5, flatten=False, in_units=7)

        def hybrid_forward(self, F, x, h):
            def step(xt, states):
                hn = F.tanh(self.cell(F.concat(xt, states[0], dim=-1)))
                return hn, [hn]
            outs, last = F.contrib.foreach(step, x, [h])
            return outs, last[0]

    net = Scan()
    net.initialize(mx.init.Uniform(0.5))
    net.hybridize()
    rng = np.random.RandomState(4)
    x = rng.uniform(-1, 1, (4, 2, 2)).astype(np.float32)
    h = rng.uniform(-1, 1, (2, 5)).astype(np.float32)
    want = [o.asnumpy() for o in net(mx.nd.array(x), mx.nd.array(h))]
    prefix = tmp_path / "scan"
    net.export(str(prefix))
    sym_path = tmp_path / "scan-symbol.json"
    assert len(control_nodes(sym_path, "_foreach")) == 1
    g = json.loads(sym_path.read_text())
    variables = [n["name"] for n in g["nodes"] if n["op"] == "null"]
    assert "data0" in variables and "data1" in variables, variables
    got, _ = ro.run_mxio(mxio, sym_path, tmp_path / "scan-0000.params",
                         {"data0": x, "data1": h}, tmp_path)
    got = list(got.values())
    assert len(got) == 2
    for i, (g, w_) in enumerate(zip(got, want)):
        ro.compare(f"gluon foreach output {i}", g, w_, RTOL, ATOL)


def test_foreach_chained_and_nested(mx, mxio, tmp_path):
    """Two foreach in a row whose initial states come from _zeros nodes, and a
    foreach whose body runs another foreach (a subgraph inside a subgraph)."""
    F = mx.sym
    d = F.var("data")

    def body(x, states):
        y = x * 2 + states[0]
        return y, [y]

    o1, _ = F.contrib.foreach(body, d, [F.zeros((3,))])
    o2, _ = F.contrib.foreach(body, o1, [F.zeros((3,))])

    def outer(row, states):  # row (2, 3): an inner scan over its 2 entries
        inner, last = F.contrib.foreach(lambda x, s: (x + s[0], [x + s[0]]), row, [states[0]])
        return F.sum(inner, axis=0), [last[0] * 0.5]

    o3, s3 = F.contrib.foreach(outer, F.reshape(d, (2, 2, 3)), [F.ones((3,))])
    sym = F.Group([F.relu(o2, name="r"), o3, s3[0]])
    x = np.random.RandomState(6).uniform(-1, 1, (4, 3)).astype(np.float32)
    got, want = save_and_run(mx, mxio, sym, {}, {"data": x}, tmp_path, "loops")
    assert len(control_nodes(tmp_path / "loops-symbol.json", "_foreach")) == 3
    assert [g.shape for g in got] == [(4, 3), (2, 3), (3,)]
    for i, (g, w_) in enumerate(zip(got, want)):
        ro.compare(f"chained/nested foreach output {i}", g, w_, RTOL, ATOL)


def test_two_threads_one_runner(mx, build_dir, tmp_path):
    """Two threads run one runner holding a foreach (inner runners shared, inner
    run contexts per run) at once, 4 rounds, on different inputs; both match MXNet."""
    import subprocess
    F = mx.sym
    d = F.var("data")

    def body(x, states):
        h = F.tanh(F.FullyConnected(x, F.var("cell_weight"), F.var("cell_bias"), num_hidden=4,
                                    name="cell") + states[0])
        return h, [h]

    outs, _ = F.contrib.foreach(body, d, [F.zeros((2, 4))])
    sym = outs
    rng = np.random.RandomState(8)
    args = {"cell_weight": mx.nd.array(rng.uniform(-1, 1, (4, 3))),
            "cell_bias": mx.nd.array(rng.uniform(-1, 1, (4,)))}
    prefix = tmp_path / "th"
    sym.save(f"{prefix}-symbol.json")
    mx.nd.save(f"{prefix}-0000.params", {f"arg:{k}": v for k, v in args.items()})
    xa = rng.uniform(-1, 1, (6, 2, 3)).astype(np.float32)
    xb = rng.uniform(-1, 1, (6, 2, 3)).astype(np.float32)
    np.save(tmp_path / "a.npy", xa)
    np.save(tmp_path / "b.npy", xb)
    p = subprocess.run([str(build_dir / "run_driver"), "threads", f"{prefix}-symbol.json",
                        f"{prefix}-0000.params", "data", tmp_path / "a.npy", tmp_path / "b.npy",
                        tmp_path / "oa.npy", tmp_path / "ob.npy", "4"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    for x, out in ((xa, "oa.npy"), (xb, "ob.npy")):
        bound = dict(args, data=mx.nd.array(x))
        exe = sym.bind(mx.cpu(), bound, grad_req="null")
        exe.forward(is_train=False)
        ro.compare(f"thread {out}", np.load(tmp_path / out), exe.outputs[0].asnumpy(), RTOL, ATOL)


def test_export_keeps_bodies(mx, mxio, tmp_path):
    """`mxio export` writes the control-flow nodes with their subgraphs: the JSON
    equals MXNet's file, and MXNet loads and runs the exported model."""
    F = mx.sym
    x, y = F.var("x"), F.var("y")
    syms = {
        "fe": rnn_symbol(mx)[0],
        "wl": F.Group(sum(F.contrib.while_loop(
            lambda i, s: i < 3, lambda i, s: ([F.broadcast_add(s, i)], [i + 1, s * 2]),
            [x, y], max_iterations=5), [])),
        "cond": F.Group(F.contrib.cond(F.sum(x) > 0, lambda: [x * y], lambda: [x - y])),
    }
    for name, sym in syms.items():
        src = tmp_path / f"{name}-symbol.json"
        sym.save(str(src))
        args = {}
        if name == "fe":
            args = {"fc_weight": mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (6, 4)))}
        mx.nd.save(str(tmp_path / f"{name}-0000.params"), {f"arg:{k}": v for k, v in args.items()})
        out = tmp_path / f"out_{name}-symbol.json"
        r = mxio("export", src, "-o", out, "-q")
        assert r.code == 0, r
        assert json.loads(out.read_text()) == json.loads(src.read_text()), name
        loaded = mx.sym.load(str(out))
        assert loaded.list_outputs() == sym.list_outputs()
        assert loaded.list_arguments() == sym.list_arguments()
