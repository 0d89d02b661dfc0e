"""Seeded random attribute/shape combinations for the rules with the most
arithmetic (convolution, deconvolution, pooling, slicing, reshape codes,
broadcasting, reductions), each checked against MXNet's infer_shape: same
shapes, or both refuse."""
import pathlib
import random
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from test_shapes_oracle import fmt, mxio_shapes, mxnet_shapes  # noqa: E402


def rand_conv(r):
    nk = r.choice([1, 2, 2, 3])
    k = tuple(r.randint(1, 4) for _ in range(nk))
    sp = tuple(r.randint(1, 12) for _ in range(nk))
    g = r.choice([1, 1, 2])
    attrs = {"kernel": k, "num_filter": g * r.randint(1, 3), "num_group": g}
    if r.random() < 0.6:
        attrs["stride"] = tuple(r.randint(1, 3) for _ in range(nk))
    if r.random() < 0.5:
        attrs["pad"] = tuple(r.randint(0, 2) for _ in range(nk))
    if r.random() < 0.4:
        attrs["dilate"] = tuple(r.randint(1, 3) for _ in range(nk))
    if r.random() < 0.3:
        attrs["no_bias"] = True
    return attrs, {"data": (2, g * r.randint(1, 2)) + sp}


def rand_deconv(r):
    attrs, shapes = rand_conv(r)
    nk = len(attrs["kernel"])
    if r.random() < 0.4:
        attrs["adj"] = tuple(r.randint(0, 1) for _ in range(nk))
    if r.random() < 0.3:
        attrs["target_shape"] = tuple(r.randint(4, 30) for _ in range(nk))
    attrs.pop("dilate", None) if nk == 3 else None
    return attrs, shapes


def rand_pool(r):
    nk = r.choice([1, 2, 2, 3])
    attrs = {"kernel": tuple(r.randint(1, 4) for _ in range(nk)),
             "pool_type": r.choice(["max", "avg", "sum"]),
             "pooling_convention": r.choice(["valid", "full"])}
    if r.random() < 0.6:
        attrs["stride"] = tuple(r.randint(1, 3) for _ in range(nk))
    if r.random() < 0.5:
        attrs["pad"] = tuple(r.randint(0, 2) for _ in range(nk))
    if r.random() < 0.15:
        attrs["global_pool"] = True
    return attrs, {"data": (2, 3) + tuple(r.randint(1, 12) for _ in range(nk))}


def rand_slice(r):
    nd = r.randint(1, 4)
    shape = tuple(r.randint(1, 9) for _ in range(nd))
    n = r.randint(1, nd)

    def val():
        return None if r.random() < 0.25 else r.randint(-10, 10)

    attrs = {"begin": tuple(val() for _ in range(n)), "end": tuple(val() for _ in range(n))}
    if r.random() < 0.6:
        attrs["step"] = tuple(r.choice([None, 1, 2, 3, -1, -2]) for _ in range(n))
    return attrs, {"data": shape}


def rand_reshape(r):
    nd = r.randint(1, 5)
    shape = tuple(r.randint(1, 6) for _ in range(nd))
    codes = []
    for _ in range(r.randint(1, 5)):
        c = r.choice([0, -1, -2, -3, -4, 1, 2, 3, 6])
        if c == -4:
            codes += [-4, r.choice([-1, 1, 2, 3]), r.choice([-1, 1, 2, 3])]
        else:
            codes.append(c)
    return {"shape": tuple(codes), "reverse": r.random() < 0.3}, {"data": shape}


def rand_broadcast(r):
    a = tuple(r.choice([1, 2, 3]) for _ in range(r.randint(1, 4)))
    b = tuple(r.choice([1, 2, 3]) for _ in range(r.randint(1, 4)))
    return {}, {"lhs": a, "rhs": b}


def rand_reduce(r):
    nd = r.randint(1, 4)
    shape = tuple(r.randint(1, 5) for _ in range(nd))
    attrs = {}
    if r.random() < 0.8:
        attrs["axis"] = tuple(sorted(set(r.randint(-nd, nd - 1) for _ in range(r.randint(1, nd)))))
    if r.random() < 0.5:
        attrs["keepdims"] = True
    if r.random() < 0.3:
        attrs["exclude"] = True
    return attrs, {"data": shape}


def rand_slice_axis(r):
    nd = r.randint(1, 4)
    shape = tuple(r.randint(1, 9) for _ in range(nd))
    end = r.choice(["None", r.randint(-10, 10)])
    return {"axis": r.randint(-nd, nd - 1), "begin": r.randint(-10, 9), "end": end}, {"data": shape}


def rand_split(r):
    nd = r.randint(1, 4)
    shape = tuple(r.choice([1, 2, 4, 6]) for _ in range(nd))
    return ({"num_outputs": r.choice([1, 2, 3]), "axis": r.randint(-nd, nd - 1),
             "squeeze_axis": r.random() < 0.3}, {"data": shape})


def rand_tile(r):
    nd = r.randint(1, 4)
    return ({"reps": tuple(r.randint(1, 3) for _ in range(r.randint(1, 4)))},
            {"data": tuple(r.randint(1, 4) for _ in range(nd))})


def rand_fc(r):
    nd = r.randint(1, 4)
    attrs = {"num_hidden": r.randint(1, 5), "flatten": r.random() < 0.5, "no_bias": r.random() < 0.3}
    return attrs, {"data": tuple(r.randint(1, 4) for _ in range(nd))}


def rand_squeeze(r):
    nd = r.randint(1, 4)
    shape = tuple(r.choice([1, 1, 2]) for _ in range(nd))
    attrs = {}
    if r.random() < 0.6:
        attrs["axis"] = tuple(sorted(set(r.randint(-nd, nd - 1) for _ in range(r.randint(1, nd)))))
    return attrs, {"data": shape}


def rand_argmax(r):
    nd = r.randint(1, 4)
    attrs = {"keepdims": r.random() < 0.5}
    if r.random() < 0.7:
        attrs["axis"] = r.randint(-nd, nd - 1)
    return attrs, {"data": tuple(r.randint(1, 5) for _ in range(nd))}


def rshape(r, lo=1, hi=4, dmin=1, dmax=4):
    return tuple(r.randint(dmin, dmax) for _ in range(r.randint(lo, hi)))


def rand_transpose(r):
    shape = rshape(r)
    axes = list(range(len(shape)))
    r.shuffle(axes)
    if r.random() < 0.2:
        axes = [a - len(shape) if r.random() < 0.5 else a for a in axes]
    return ({"axes": tuple(axes)} if r.random() < 0.8 else {}), {"data": shape}


def rand_expand(r):
    shape = rshape(r)
    return {"axis": r.randint(-len(shape) - 2, len(shape) + 1)}, {"data": shape}


def rand_swap(r):
    shape = rshape(r)
    n = len(shape)
    return {"dim1": r.randint(-n, n), "dim2": r.randint(-n, n - 1)}, {"data": shape}


def rand_pad(r):
    nd = r.choice([4, 5])
    pw = (0, 0, 0, 0) + tuple(r.randint(0, 3) for _ in range(2 * nd - 4))
    return ({"mode": r.choice(["constant", "edge", "reflect"]), "pad_width": pw},
            {"data": tuple(r.randint(2, 6) for _ in range(nd))})


def rand_repeat(r):
    shape = rshape(r)
    attrs = {"repeats": r.randint(0, 3)}
    if r.random() < 0.7:
        attrs["axis"] = r.randint(-len(shape), len(shape) - 1)
    return attrs, {"data": shape}


def rand_broadcast_to(r):
    shape = tuple(r.choice([1, 2, 3]) for _ in range(r.randint(1, 4)))
    target = tuple(r.choice([0, d, 3, 5]) if d == 1 else r.choice([0, d, d, 4]) for d in shape)
    return {"shape": target}, {"data": shape}


def rand_dot(r):
    a, b = rshape(r, 1, 3), rshape(r, 1, 3)
    attrs = {}
    if r.random() < 0.4:
        attrs["transpose_a"] = True
    if r.random() < 0.4:
        attrs["transpose_b"] = True
    if r.random() < 0.7:  # make the inner dims agree most of the time
        ka = a[0] if attrs.get("transpose_a") else a[-1]
        b = ((ka,) + b[1:]) if not attrs.get("transpose_b") else (b[:-1] + (ka,))
    return attrs, {"lhs": a, "rhs": b}


def rand_bn(r):
    shape = rshape(r, 2, 4)
    return {"axis": r.randint(-len(shape), len(shape) - 1)}, {"data": shape}


def rand_softmax_output(r):
    shape = rshape(r, 1, 4)
    attrs = {}
    if r.random() < 0.4:
        attrs["multi_output"] = True
    if r.random() < 0.3:
        attrs["preserve_shape"] = True
    return attrs, {"data": shape}


def rand_rnn(r):
    attrs = {"state_size": r.randint(1, 5), "num_layers": r.randint(1, 3),
             "mode": r.choice(["lstm", "gru", "rnn_tanh", "rnn_relu"]),
             "bidirectional": r.random() < 0.5, "state_outputs": r.random() < 0.5}
    if attrs["mode"] == "lstm" and r.random() < 0.3:
        attrs["projection_size"] = r.randint(1, 3)
    return attrs, {"data": (r.randint(1, 5), r.randint(1, 3), r.randint(1, 6))}


def rand_topk(r):
    shape = rshape(r)
    attrs = {"k": r.randint(0, 4), "ret_typ": r.choice(["indices", "value", "both", "mask"])}
    if r.random() < 0.8:
        attrs["axis"] = r.randint(-len(shape), len(shape) - 1)
    else:
        attrs["axis"] = "None"
    return attrs, {"data": shape}


def rand_concat(r):
    nd = r.randint(1, 4)
    dim = r.randint(-nd, nd - 1)
    base = [r.randint(1, 4) for _ in range(nd)]
    n = r.randint(1, 4)
    shapes = {}
    for i in range(n):
        s_ = list(base)
        s_[dim] = r.randint(1, 4)
        if r.random() < 0.1:
            s_[(dim + 1) % nd] += 1
        shapes[f"arg{i}"] = tuple(s_)
    return {"num_args": n, "dim": dim}, shapes


def rand_upsampling(r):
    n = r.randint(1, 3)
    mode = r.choice(["concat", "sum"])
    scale = r.randint(1, 3)
    h = r.randint(1, 4)
    shapes = {"arg0": (2, r.choice([2, 3]), h, h)}
    for i in range(1, n):
        f = r.choice([1, 2, 3]) if r.random() < 0.8 else r.randint(1, 7)
        hh = max(1, (h * scale) // f)
        shapes[f"arg{i}"] = (2, r.choice([2, 3]), hh, hh)
    attrs = {"scale": scale, "sample_type": "nearest", "num_args": n, "multi_input_mode": mode}
    if r.random() < 0.3:
        attrs = {"scale": scale, "sample_type": "bilinear", "num_args": 1, "num_filter": 2}
        shapes = {"data": (2, 2, h, h)}
    return attrs, shapes


def rand_take(r):
    a, i = rshape(r), rshape(r, 1, 3)
    attrs = {"axis": r.randint(-len(a), len(a) - 1)} if r.random() < 0.7 else {}
    return attrs, {"a": a, "indices": i}


def rand_pick(r):
    d = rshape(r)
    ax = r.randint(-len(d), len(d) - 1)
    keep = r.random() < 0.5
    idx = list(d)
    if keep:
        idx[ax] = 1
    else:
        del idx[ax]
    return {"axis": ax, "keepdims": keep}, ({"data": d, "index": tuple(idx)} if idx else {"data": d})


def rand_batch_dot(r):
    b, m, k, n = (r.randint(1, 4) for _ in range(4))
    ta, tb = r.random() < 0.5, r.random() < 0.5
    lhs = (b, k, m) if ta else (b, m, k)
    rhs = (b, n, k) if tb else (b, k, n)
    if r.random() < 0.2:
        rhs = (b, rhs[1] + 1, rhs[2])
    return {"transpose_a": ta, "transpose_b": tb}, {"lhs": lhs, "rhs": rhs}


def rand_slice_like(r):
    d = rshape(r, 1, 4, 2, 6)
    like = tuple(r.randint(1, x) for x in d)
    attrs = {}
    if r.random() < 0.6:
        attrs["axes"] = tuple(sorted(set(r.randint(-len(d), len(d) - 1) for _ in range(r.randint(1, len(d))))))
    return attrs, {"data": d, "shape_like": like}


def rand_stack(r):
    d = rshape(r)
    n = r.randint(1, 3)
    return ({"num_args": n, "axis": r.randint(-len(d) - 1, len(d))},
            {f"arg{i}": d for i in range(n)})


def rand_prior(r):
    sizes = tuple(round(r.uniform(0.1, 0.9), 2) for _ in range(r.randint(1, 3)))
    ratios = tuple(r.choice([0.5, 1, 2, 3]) for _ in range(r.randint(1, 3)))
    return {"sizes": sizes, "ratios": ratios}, {"data": (1, 3, r.randint(1, 9), r.randint(1, 9))}


def rand_broadcast_axis(r):
    d = tuple(r.choice([1, 1, 3]) for _ in range(r.randint(1, 4)))
    axes = sorted(set(r.randint(0, len(d) - 1) for _ in range(r.randint(1, len(d)))))
    return {"axis": tuple(axes), "size": tuple(r.randint(1, 4) for _ in axes)}, {"data": d}


GENERATORS = [("UpSampling", rand_upsampling), ("take", rand_take), ("pick", rand_pick),
              ("batch_dot", rand_batch_dot), ("slice_like", rand_slice_like), ("stack", rand_stack),
              ("_contrib_MultiBoxPrior", rand_prior), ("broadcast_axis", rand_broadcast_axis),
              ("transpose", rand_transpose), ("expand_dims", rand_expand), ("SwapAxis", rand_swap),
              ("Pad", rand_pad), ("repeat", rand_repeat), ("broadcast_to", rand_broadcast_to),
              ("dot", rand_dot), ("BatchNorm", rand_bn), ("LayerNorm", rand_bn),
              ("SoftmaxOutput", rand_softmax_output), ("RNN", rand_rnn), ("topk", rand_topk),
              ("Concat", rand_concat),
              ("slice_axis", rand_slice_axis), ("SliceChannel", rand_split), ("tile", rand_tile),
              ("FullyConnected", rand_fc), ("squeeze", rand_squeeze), ("argmax", rand_argmax),
              ("Convolution", rand_conv), ("Deconvolution", rand_deconv), ("Pooling", rand_pool),
              ("slice", rand_slice), ("Reshape", rand_reshape), ("broadcast_add", rand_broadcast),
              ("sum", rand_reduce)]


@pytest.mark.parametrize("op,gen", GENERATORS, ids=[g[0] for g in GENERATORS])
def test_random_variants_match_mxnet(build_dir, op, gen):
    r = random.Random(f"mxio-{op}")
    agreed = refused = 0
    for _ in range(120):
        attrs, shapes = gen(r)
        attrs = {k: fmt(v) for k, v in attrs.items()}
        want_args, want_outs = mxnet_shapes(op, attrs, shapes)
        got_args, got_outs = mxio_shapes(build_dir, op, attrs, shapes)
        case = f"{op} {attrs} {shapes}"
        if want_args is None:
            assert got_args is None, f"{case}: MXNet refuses ({want_outs}), mxio gives {got_outs}"
            refused += 1
            continue
        if any(0 in s for s in want_outs):  # zero-size results: mxio refuses (0 = unknown)
            continue
        assert got_args is not None, f"{case}: mxio refuses: {got_outs}; MXNet {want_outs}"
        assert got_args == {k: tuple(v) for k, v in want_args.items()}, case
        assert got_outs == [tuple(s) for s in want_outs], case
        agreed += 1
    assert agreed >= 30, (agreed, refused)

