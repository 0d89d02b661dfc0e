"""Small graphs of the less common ops with kernels, built by MXNet 1.9.1 in the
test run, run by `mxio run` and compared with MXNet's forward pass."""
import numpy as np
import pytest

import run_oracle as ro


def graphs(mx):
    d = mx.sym.Variable("data")
    return {
        "groupnorm": (mx.sym.GroupNorm(d, num_groups=3, eps=1e-4, name="gn"), (2, 6, 5, 5)),
        "argmax_argmin": (mx.sym.Group([mx.sym.argmax(d, axis=1, name="am"),
                                        mx.sym.argmin(d, axis=2, keepdims=True, name="an")]),
                          (2, 4, 5)),
        "zeros_ones_like": (mx.sym.elemwise_add(mx.sym.zeros_like(d) + d,
                                                mx.sym.ones_like(d) * 2, name="zo"), (3, 4)),
        "depth_space": (mx.sym.space_to_depth(mx.sym.depth_to_space(d, 2), 2, name="ds"),
                        (1, 8, 3, 4)),
        "adaptive_pool": (mx.sym.contrib.AdaptiveAvgPooling2D(d, output_size=(3, 2), name="ap"),
                          (2, 3, 7, 5)),
        "sequence": (mx.sym.Group([mx.sym.SequenceLast(d, name="sl"),
                                   mx.sym.SequenceReverse(d, name="sr")]), (4, 3, 2)),
        "one_hot": (mx.sym.one_hot(mx.sym.argmax(d, axis=1), depth=6, name="oh"), (5, 4)),
        "topk_sort": (mx.sym.Group([mx.sym.topk(d, axis=1, k=3, ret_typ="both", name="tk"),
                                    mx.sym.sort(d, axis=0, name="so"),
                                    mx.sym.argsort(d, axis=1, is_ascend=False, name="ag")]),
                      (4, 7)),
        "stack": (mx.sym.stack(d, d * 2, d + 1, axis=1, name="st"), (3, 4)),
        "box_nms": (mx.sym.contrib.box_nms(d, overlap_thresh=0.3, valid_thresh=0.1, topk=8,
                                           coord_start=2, score_index=1, id_index=0,
                                           name="nms"), (2, 10, 6)),
    }


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh"])
def test_rnn(mx, mxio, mode, tmp_path):
    """Fused RNN (2 layers, bidirectional, state outputs) with its states as net inputs."""
    T, N, C, H, L, D = 5, 2, 3, 4, 2, 2
    names = ["data", "state"] + (["state_cell"] if mode == "lstm" else [])
    v = {n: mx.sym.Variable(n) for n in names}
    sym = mx.sym.RNN(v["data"], mx.sym.Variable("rnn_parameters"), v["state"],
                     *([v["state_cell"]] if mode == "lstm" else []), mode=mode, state_size=H,
                     num_layers=L, bidirectional=True, state_outputs=True, name="rnn")
    shapes = {"data": (T, N, C), "state": (L * D, N, H), "state_cell": (L * D, N, H)}
    shapes = {n: shapes[n] for n in names}
    rng = np.random.RandomState(9)
    inputs = {n: rng.uniform(-1, 1, s).astype(np.float32) for n, s in shapes.items()}
    sym_path = tmp_path / "rnn-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / "rnn-0000.params"
    args, auxs = ro.random_params(sym, shapes, params)
    # the flat parameter vector's "fan-in" is its length: use weights of a useful size
    w = args["rnn_parameters"]
    args["rnn_parameters"] = mx.nd.array(rng.uniform(-0.6, 0.6, w.shape).astype(np.float32))
    mx.nd.save(str(params), {f"arg:{k}": a for k, a in args.items()})
    want = ro.mxnet_forward(sym, args, auxs, inputs)
    got, _ = ro.run_mxio(mxio, sym_path, params, inputs, tmp_path)
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"RNN {mode} output {i}", g, w)


@pytest.mark.parametrize("name", ["groupnorm", "argmax_argmin", "zeros_ones_like", "depth_space",
                                  "adaptive_pool", "sequence", "one_hot", "topk_sort", "stack",
                                  "box_nms"])
def test_op_graph(mx, mxio, name, tmp_path):
    sym, shape = graphs(mx)[name]
    rng = np.random.RandomState(7)
    x = rng.uniform(-1, 1, shape).astype(np.float32)
    if name == "box_nms":  # class ids, scores and corner boxes
        x[..., 0] = rng.randint(0, 3, shape[:-1])
        x[..., 1] = rng.uniform(0, 1, shape[:-1])
        x[..., 2:4] = rng.uniform(0, 0.5, shape[:-1] + (2,))
        x[..., 4:6] = x[..., 2:4] + rng.uniform(0.1, 0.5, shape[:-1] + (2,))
    sym_path = tmp_path / f"{name}-symbol.json"
    sym.save(str(sym_path))
    params = tmp_path / f"{name}-0000.params"
    args, auxs = ro.random_params(sym, {"data": shape}, params)
    if not args and not auxs:
        mx.nd.save(str(params), {})
    want = ro.mxnet_forward(sym, args, auxs, {"data": x})
    got, _ = ro.run_mxio(mxio, sym_path, params, {"data": x}, tmp_path)
    got = list(got.values())
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        ro.compare(f"{name} output {i}", g.astype(np.float32), w.astype(np.float32))
