"""Every runtime kernel and its attribute variants against real MXNet 1.9.1.

Inputs are random (seeded); MXNet computes the expected output with the same
params (mx.nd.<op>, inference mode); the kernel runs through
build/kernel_driver. Tolerance rtol 1e-4, atol 1e-5; the largest deviation of
each case is printed (pytest -s to see it)."""
import numpy as np
import pytest

from runtime_oracle import check, mx_without_mkldnn


def rnd(*shape, seed=0, lo=-2.0, hi=2.0):
    return np.random.default_rng(seed + 7 * len(shape)).uniform(lo, hi, shape).astype(np.float32)


def NO_DNNL(op):
    return lambda *a, **p: mx_without_mkldnn(op, p, [x.asnumpy() for x in a])


def case(op, params, inputs, **kw):
    return pytest.param(op, params, inputs, kw, id=f"{op}-{json_id(params)}")


def json_id(p):
    return ",".join(f"{k}={v}" for k, v in p.items()).replace(" ", "")[:90]


CONV = [
    # 2-D basics, stride/pad/dilate, no_bias, groups, depthwise
    case("Convolution", {"kernel": [3, 3], "num_filter": 8}, [rnd(2, 4, 9, 9), rnd(8, 4, 3, 3), rnd(8)]),
    case("Convolution", {"kernel": [3, 3], "num_filter": 8, "stride": [2, 2], "pad": [1, 1]},
         [rnd(1, 4, 10, 11), rnd(8, 4, 3, 3), rnd(8)]),
    case("Convolution", {"kernel": [3, 3], "num_filter": 6, "dilate": [2, 2], "pad": [2, 2], "no_bias": True},
         [rnd(1, 3, 12, 12), rnd(6, 3, 3, 3)]),
    case("Convolution", {"kernel": [3, 3], "num_filter": 8, "num_group": 2, "pad": [1, 1]},
         [rnd(1, 6, 8, 8), rnd(8, 3, 3, 3), rnd(8)]),
    case("Convolution", {"kernel": [3, 3], "num_filter": 16, "num_group": 16, "pad": [1, 1], "stride": [2, 2]},
         [rnd(1, 16, 14, 14), rnd(16, 1, 3, 3), rnd(16)]),
    case("Convolution", {"kernel": [7, 7], "num_filter": 16, "stride": [2, 2], "pad": [3, 3]},
         [rnd(1, 3, 32, 32), rnd(16, 3, 7, 7), rnd(16)]),
    case("Convolution", {"kernel": [1, 1], "num_filter": 32}, [rnd(1, 64, 7, 7), rnd(32, 64, 1, 1), rnd(32)]),
    case("Convolution", {"kernel": [2, 3], "num_filter": 5, "stride": [1, 2], "pad": [1, 0]},
         [rnd(2, 3, 7, 9), rnd(5, 3, 2, 3), rnd(5)]),
    # 1-D and 3-D
    case("Convolution", {"kernel": [3], "num_filter": 4, "pad": [1], "stride": [2]},
         [rnd(2, 3, 17), rnd(4, 3, 3), rnd(4)]),
    case("Convolution", {"kernel": [3, 3, 3], "num_filter": 4, "pad": [1, 1, 1]},
         [rnd(1, 2, 5, 6, 7), rnd(4, 2, 3, 3, 3), rnd(4)]),
    # constant weights packed at creation
    case("Convolution", {"kernel": [3, 3], "num_filter": 16, "pad": [1, 1]},
         [rnd(1, 16, 10, 10), rnd(16, 16, 3, 3), rnd(16)], const_weights=True),
    # Deconvolution: default no_bias=True, adj, groups, stride
    case("Deconvolution", {"kernel": [3, 3], "num_filter": 4}, [rnd(1, 3, 5, 5), rnd(3, 4, 3, 3)]),
    case("Deconvolution", {"kernel": [4, 4], "num_filter": 4, "stride": [2, 2], "pad": [1, 1], "no_bias": False},
         [rnd(2, 3, 5, 6), rnd(3, 4, 4, 4), rnd(4)]),
    case("Deconvolution", {"kernel": [3, 3], "num_filter": 6, "stride": [2, 2], "pad": [1, 1], "adj": [1, 1],
                           "num_group": 2}, [rnd(1, 4, 5, 5), rnd(4, 3, 3, 3)]),
    case("Deconvolution", {"kernel": [3], "num_filter": 2, "stride": [3], "adj": [2]}, [rnd(1, 3, 6), rnd(3, 2, 3)]),
    case("Deconvolution", {"kernel": [2, 2, 2], "num_filter": 3, "stride": [2, 2, 2], "no_bias": False},
         [rnd(1, 2, 3, 4, 3), rnd(2, 3, 2, 2, 2), rnd(3)]),
    case("Deconvolution", {"kernel": [3, 3], "num_filter": 8, "num_group": 8, "stride": [2, 2], "pad": [1, 1],
                           "adj": [1, 1]}, [rnd(1, 8, 5, 5), rnd(8, 1, 3, 3)]),
    case("Deconvolution", {"kernel": [3, 3], "num_filter": 4, "dilate": [2, 2], "pad": [1, 1]},
         [rnd(1, 2, 6, 6), rnd(2, 4, 3, 3)], const_weights=True),
    # target_shape (even and odd total padding, overriding pad/adj). MXNet's
    # oneDNN build cannot create these; its own kernel runs in a subprocess.
    case("Deconvolution", {"kernel": [4, 4], "num_filter": 3, "stride": [2, 2], "target_shape": [10, 11]},
         [rnd(1, 2, 5, 5), rnd(2, 3, 4, 4)], mx_fn=NO_DNNL("Deconvolution")),
    case("Deconvolution", {"kernel": [3, 3], "num_filter": 3, "stride": [2, 2], "pad": [5, 5], "adj": [1, 1],
                           "target_shape": [8, 9]}, [rnd(1, 2, 4, 5), rnd(2, 3, 3, 3)],
         mx_fn=NO_DNNL("Deconvolution")),
    # (no dilation here: MXNet's own dilated deconvolution disagrees with its oneDNN one)
    case("Deconvolution", {"kernel": [3], "num_filter": 2, "stride": [2], "target_shape": [12]},
         [rnd(1, 2, 6), rnd(2, 2, 3)], mx_fn=NO_DNNL("Deconvolution")),
    case("Deconvolution", {"kernel": [3], "num_filter": 2, "stride": [2], "dilate": [2], "pad": [2],
                           "adj": [1]}, [rnd(1, 2, 6), rnd(2, 2, 3)]),
    # FullyConnected: flatten True/False, no_bias
    case("FullyConnected", {"num_hidden": 10}, [rnd(3, 4, 2, 2), rnd(10, 16), rnd(10)]),
    case("FullyConnected", {"num_hidden": 7, "no_bias": True}, [rnd(5, 12), rnd(7, 12)]),
    case("FullyConnected", {"num_hidden": 6, "flatten": False}, [rnd(2, 3, 5), rnd(6, 5), rnd(6)]),
    case("FullyConnected", {"num_hidden": 33}, [rnd(1, 64), rnd(33, 64), rnd(33)], const_weights=True),
]

POOL = []
for ref in (False, True):
    extra = {"__force_reference": True} if ref else {}
    for pt in ("max", "avg", "sum"):
        for conv in ("valid", "full"):
            for cip in (True, False):
                if pt != "avg" and not cip:
                    continue
                p = {"kernel": [3, 3], "stride": [2, 2], "pad": [1, 1], "pool_type": pt,
                     "pooling_convention": conv, **extra}
                if pt == "avg":
                    p["count_include_pad"] = cip
                POOL.append(case("Pooling", p, [rnd(2, 3, 10, 11)]))
    POOL += [
        case("Pooling", {"kernel": [2, 2], "stride": [2, 2], "pool_type": "avg", **extra}, [rnd(1, 4, 7, 7)]),
        case("Pooling", {"kernel": [3, 3], "stride": [2, 2], "pool_type": "avg", "pooling_convention": "full",
                         **extra}, [rnd(1, 2, 8, 8)]),
        case("Pooling", {"kernel": [3, 3], "stride": [2, 2], "pool_type": "max", "pooling_convention": "full",
                         **extra}, [rnd(1, 2, 8, 9)]),
        case("Pooling", {"kernel": [3, 2], "stride": [1, 2], "pad": [1, 0], "pool_type": "sum", **extra},
             [rnd(1, 2, 5, 6)]),
        case("Pooling", {"kernel": [3, 3], "pool_type": "avg", "pad": [1, 1], **extra}, [rnd(1, 4, 6, 6)]),
        case("Pooling", {"kernel": [1, 1], "global_pool": True, "pool_type": "avg", **extra}, [rnd(2, 5, 7, 6)]),
        case("Pooling", {"kernel": [1, 1], "global_pool": True, "pool_type": "max", **extra}, [rnd(2, 5, 7, 6)]),
        case("Pooling", {"kernel": [3], "stride": [2], "pool_type": "max", "pooling_convention": "full", **extra},
             [rnd(2, 3, 12)]),
        case("Pooling", {"kernel": [2, 2, 2], "stride": [2, 2, 2], "pool_type": "avg", **extra}, [rnd(1, 2, 5, 6, 7)]),
    ]
POOL += [
    case("Pooling", {"kernel": [3], "stride": [2], "pool_type": "max", "pooling_convention": "same",
                     "pad": [0, 0, 0]},  # MXNet 1.9.1 reads pad[1], pad[2] for `same`
         [rnd(2, 3, 11)], mx_fn=lambda *a, **p: mx_without_mkldnn("Pooling", p, [x.asnumpy() for x in a])),
    case("Pooling", {"kernel": [2, 2], "stride": [2, 2], "pool_type": "lp", "p_value": 2}, [rnd(1, 3, 6, 6)]),
    case("Pooling", {"kernel": [3, 3], "stride": [1, 1], "pool_type": "lp", "p_value": 1}, [rnd(1, 3, 6, 6)]),
    case("Pooling", {"kernel": [2, 2], "stride": [2, 2], "pool_type": "lp", "p_value": 3},
         [rnd(1, 3, 6, 6, lo=0.1, hi=2.0)]),
]


def bn_inputs(shape, c, seed=0):
    r = np.random.default_rng(seed)
    return [rnd(*shape, seed=seed), r.uniform(0.5, 1.5, c).astype(np.float32),
            r.uniform(-1, 1, c).astype(np.float32), r.uniform(-1, 1, c).astype(np.float32),
            r.uniform(0.2, 2, c).astype(np.float32)]


NORM = [
    case("BatchNorm", {}, bn_inputs((2, 4, 5, 5), 4)),
    case("BatchNorm", {"fix_gamma": False, "eps": 2e-5}, bn_inputs((2, 4, 5, 5), 4, 1)),
    case("BatchNorm", {"fix_gamma": False, "use_global_stats": True}, bn_inputs((3, 6), 6, 2)),
    case("BatchNorm", {"fix_gamma": False, "axis": -1}, bn_inputs((2, 3, 5), 5, 3)),
    case("BatchNorm", {"fix_gamma": True, "axis": 2, "eps": 1e-5}, bn_inputs((2, 3, 4, 2), 4, 4)),
    case("L2Normalization", {}, [rnd(3, 4, 5)]),
    case("L2Normalization", {"mode": "channel"}, [rnd(2, 4, 3, 3)]),
    case("L2Normalization", {"mode": "spatial", "eps": 1e-5}, [rnd(2, 4, 3, 3)]),
    case("LRN", {"nsize": 5}, [rnd(2, 8, 4, 4)]),
    case("LRN", {"nsize": 3, "alpha": 0.01, "beta": 0.5, "knorm": 1.0}, [rnd(1, 6, 3, 5)]),
    case("InstanceNorm", {}, [rnd(2, 3, 4, 5), rnd(3), rnd(3)]),
    case("InstanceNorm", {"eps": 1e-5}, [rnd(2, 3, 7), rnd(3), rnd(3)]),
    case("LayerNorm", {}, [rnd(2, 3, 8), rnd(8), rnd(8)]),
    case("LayerNorm", {"axis": 1, "eps": 1e-3}, [rnd(2, 5, 3), rnd(5), rnd(5)]),
]

ACT = [case("Activation", {"act_type": t}, [rnd(3, 4, 5, lo=-25, hi=25)])
       for t in ("relu", "sigmoid", "tanh", "softrelu", "softsign")]
ACT += [
    case("LeakyReLU", {}, [rnd(2, 3, 4)]),
    case("LeakyReLU", {"act_type": "leaky", "slope": 0.1}, [rnd(2, 3, 4)]),
    case("LeakyReLU", {"act_type": "elu", "slope": 0.7}, [rnd(2, 3, 4)]),
    case("LeakyReLU", {"act_type": "selu"}, [rnd(2, 3, 4)]),
    case("LeakyReLU", {"act_type": "gelu"}, [rnd(2, 3, 4, lo=-5, hi=5)]),
    case("LeakyReLU", {"act_type": "rrelu"}, [rnd(2, 3, 4)]),
    case("LeakyReLU", {"act_type": "rrelu", "lower_bound": 0.2, "upper_bound": 0.5}, [rnd(2, 3, 4)]),
    case("LeakyReLU", {"act_type": "prelu"}, [rnd(2, 3, 4, 4), rnd(3, lo=0, hi=0.5)]),
    case("LeakyReLU", {"act_type": "prelu"}, [rnd(2, 3, 4, 4), rnd(1, lo=0, hi=0.5)]),
    case("LeakyReLU", {"act_type": "prelu"}, [rnd(4, 6), rnd(6, lo=0, hi=0.5)]),
    case("clip", {"a_min": -0.5, "a_max": 1.2}, [rnd(4, 5)]),
    case("clip", {"a_min": 0.0, "a_max": 6.0}, [rnd(4, 5, lo=-8, hi=8)]),
]

SOFTMAX = [
    case("softmax", {}, [rnd(3, 5, lo=-10, hi=10)]),
    case("softmax", {"axis": 1}, [rnd(2, 4, 3, 3)]),
    case("softmax", {"axis": 0, "temperature": 2.5}, [rnd(4, 3)]),
    case("log_softmax", {}, [rnd(3, 6)]),
    case("log_softmax", {"axis": 1, "temperature": 0.5}, [rnd(2, 5, 3)]),
    case("softmax", {"use_length": True}, [rnd(3, 6), np.array([1, 6, 3], np.int32)]),
    case("softmax", {"axis": 1, "use_length": True}, [rnd(2, 5, 3), np.array([[1, 5, 2], [4, 0, 3]], np.int32)]),
    case("SoftmaxActivation", {}, [rnd(3, 7)]),
    case("SoftmaxActivation", {}, [rnd(2, 3, 4, 5)]),
    case("SoftmaxActivation", {"mode": "channel"}, [rnd(2, 4, 3, 3)]),
]


def smo(**kw):
    def f(data, **p):
        shape = data.shape
        if p.get("multi_output"):
            lshape = (shape[0],) + shape[2:]
        else:  # MXNet infers the label as data.shape[:-1] otherwise
            lshape = shape[:-1]
        import mxnet as mx
        return mx.nd.SoftmaxOutput(data, mx.nd.zeros(lshape), **p)
    return f


SOFTMAX += [
    case("SoftmaxOutput", {}, [rnd(3, 5)], mx_fn=smo()),
    case("SoftmaxOutput", {}, [rnd(2, 3, 4)], mx_fn=smo()),
    case("SoftmaxOutput", {"multi_output": True}, [rnd(2, 3, 4, 2)], mx_fn=smo()),
    case("SoftmaxOutput", {"preserve_shape": True}, [rnd(2, 3, 4)], mx_fn=smo()),
]

BINARY = []
for op in ("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "broadcast_maximum",
           "broadcast_minimum", "broadcast_hypot", "broadcast_equal", "broadcast_greater",
           "broadcast_lesser_equal"):
    BINARY.append(case(op, {}, [rnd(2, 3, 4), rnd(1, 3, 1, seed=1)]))
BINARY += [
    case("broadcast_add", {}, [rnd(4, 1, 5), rnd(3, 1, seed=1)]),
    case("broadcast_mul", {}, [rnd(2, 8, 3, 3), rnd(2, 8, 1, 1, seed=1)]),
    case("broadcast_div", {}, [rnd(5,), rnd(2, 3, 5, seed=1, lo=0.5, hi=2)]),
    case("broadcast_power", {}, [rnd(2, 3, lo=0.1, hi=3), rnd(3, seed=1)]),
    case("broadcast_sub", {}, [rnd(1,), rnd(2, 2, seed=1)]),
    case("elemwise_add", {}, [rnd(3, 4), rnd(3, 4, seed=1)]),
    case("elemwise_sub", {}, [rnd(3, 4), rnd(3, 4, seed=1)]),
    case("elemwise_mul", {}, [rnd(3, 4), rnd(3, 4, seed=1)]),
    case("elemwise_div", {}, [rnd(3, 4), rnd(3, 4, seed=1, lo=0.5, hi=2)]),
]

SCALAR = [case(op, {"scalar": s}, [rnd(3, 4, lo=0.1, hi=3) if "power" in op or "rdiv" in op else rnd(3, 4)])
          for op, s in (("_plus_scalar", 1.5), ("_minus_scalar", 127.5), ("_rminus_scalar", 2.0),
                        ("_mul_scalar", 0.0078125), ("_div_scalar", 6.0), ("_rdiv_scalar", 3.0),
                        ("_power_scalar", 2.0), ("_power_scalar", 0.5), ("_rpower_scalar", 2.0),
                        ("_maximum_scalar", 0.0), ("_minimum_scalar", 6.0), ("_greater_scalar", 0.5),
                        ("_equal_scalar", 1.0), ("_lesser_scalar", -0.25))]

POS = {"log", "sqrt", "rsqrt", "log2", "log10", "reciprocal"}
UNARY = [case(op, {}, [rnd(3, 5, lo=0.1, hi=4) if op in POS else
                       rnd(3, 5, lo=-0.9, hi=3) if op == "log1p" else rnd(3, 5, lo=-3.3, hi=3.3)])
         for op in ("exp", "log", "sqrt", "rsqrt", "square", "abs", "negative", "reciprocal", "floor",
                    "ceil", "round", "rint", "fix", "trunc", "sign", "erf", "log1p", "expm1", "log2",
                    "log10", "cbrt", "sin", "cos", "tan", "arctan", "sinh", "cosh", "relu", "sigmoid",
                    "tanh", "softsign", "_copy")]
UNARY.append(case("round", {}, [np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49], np.float32)]))
UNARY.append(case("rint", {}, [np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.51], np.float32)]))

MISC = [
    case("add_n", {}, [rnd(3, 4), rnd(3, 4, seed=1), rnd(3, 4, seed=2)]),
    case("add_n", {}, [rnd(2, 5), rnd(2, 5, seed=1)]),
    case("where", {}, [(rnd(3, 4) > 0).astype(np.float32), rnd(3, 4, seed=1), rnd(3, 4, seed=2)]),
    case("where", {}, [(rnd(3) > 0).astype(np.float32), rnd(3, 4, seed=1), rnd(3, 4, seed=2)]),
    case("Cast", {"dtype": "int32"}, [rnd(3, 4, lo=-100, hi=100)]),
    case("Cast", {"dtype": "float16"}, [rnd(3, 4, lo=-100, hi=100)]),
    case("Cast", {"dtype": "uint8"}, [rnd(3, 4, lo=0, hi=255)]),
    case("Cast", {"dtype": "float32"}, [rnd(3, 4).astype(np.float16)]),
    case("Cast", {"dtype": "float32"}, [np.arange(-5, 7, dtype=np.int32).reshape(3, 4)]),
    case("Dropout", {"p": 0.5}, [rnd(3, 4)]),
    case("Concat", {"dim": 1, "num_args": 3}, [rnd(2, 3, 4), rnd(2, 1, 4, seed=1), rnd(2, 2, 4, seed=2)]),
    case("Concat", {"dim": 0, "num_args": 2}, [rnd(2, 3), rnd(1, 3, seed=1)]),
    case("Concat", {"dim": -1, "num_args": 2}, [rnd(2, 3, 2), rnd(2, 3, 5, seed=1)]),
    case("Concat", {"num_args": 2}, [rnd(1, 4, 3, 3), rnd(1, 2, 3, 3, seed=1)]),
    case("slice", {"begin": [0, 1], "end": [2, 4]}, [rnd(3, 5, 2)]),
    case("slice", {"begin": [None, -3], "end": [None, None], "step": [1, 2]}, [rnd(3, 7)]),
    case("slice", {"begin": [2, None], "end": [0, None], "step": [-1, -2]}, [rnd(4, 5)]),
    case("slice", {"begin": [1, 0, 1], "end": [3, 2, 5], "step": [None, None, 3]}, [rnd(4, 3, 6)]),
    case("slice_axis", {"axis": 1, "begin": 1, "end": 3}, [rnd(2, 5, 3)]),
    case("slice_axis", {"axis": -1, "begin": -2, "end": None}, [rnd(2, 5, 3)]),
    case("slice_axis", {"axis": 0, "begin": 0, "end": -1}, [rnd(4, 2)]),
    case("slice_like", {}, [rnd(4, 5, 6), rnd(2, 3, 4, seed=1)]),
    case("slice_like", {"axes": [2, 3]}, [rnd(1, 3, 8, 8), rnd(1, 2, 5, 6, seed=1)]),
    case("slice_like", {"axes": [-1]}, [rnd(3, 7), rnd(2, 4, seed=1)]),
    case("transpose", {}, [rnd(2, 3, 4)]),
    case("transpose", {"axes": [0, 2, 3, 1]}, [rnd(2, 3, 4, 5)]),
    case("transpose", {"axes": [1, 0]}, [rnd(3, 6)]),
    case("Pad", {"mode": "constant", "pad_width": [0, 0, 0, 0, 1, 2, 3, 1], "constant_value": 1.5},
         [rnd(2, 3, 4, 5)]),
    case("Pad", {"mode": "edge", "pad_width": [0, 0, 0, 0, 2, 1, 1, 3]}, [rnd(2, 3, 4, 5)]),
    case("Pad", {"mode": "reflect", "pad_width": [0, 0, 0, 0, 2, 3, 1, 3]}, [rnd(1, 2, 4, 5)]),
    case("Pad", {"mode": "reflect", "pad_width": [0, 0, 0, 0, 1, 1, 2, 2, 1, 0]}, [rnd(1, 2, 3, 4, 5)]),
    case("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 1}, [rnd(1, 3, 4, 5)]),
    case("UpSampling", {"scale": 3, "sample_type": "nearest", "num_args": 1}, [rnd(2, 2, 3, 3)]),
    case("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 2},
         [rnd(1, 3, 4, 4), rnd(1, 2, 2, 2, seed=1)]),
    case("UpSampling", {"scale": 2, "sample_type": "nearest", "num_args": 2, "multi_input_mode": "sum"},
         [rnd(1, 3, 4, 4), rnd(1, 3, 8, 8, seed=1)]),
    case("UpSampling", {"scale": 2, "sample_type": "bilinear", "num_args": 2, "num_filter": 3},
         [rnd(1, 3, 4, 5), rnd(3, 1, 4, 4, seed=1)]),
    case("UpSampling", {"scale": 3, "sample_type": "bilinear", "num_args": 2, "num_filter": 2},
         [rnd(2, 2, 3, 3), rnd(2, 1, 5, 5, seed=1)], const_weights=True),
    case("Crop", {"num_args": 1, "h_w": [3, 4]}, [rnd(1, 2, 6, 7)]),
    case("Crop", {"num_args": 1, "h_w": [3, 4], "offset": [2, 1]}, [rnd(1, 2, 6, 7)]),
    case("Crop", {"num_args": 1, "h_w": [3, 4], "center_crop": True}, [rnd(1, 2, 6, 7)]),
    case("Crop", {"num_args": 2}, [rnd(1, 2, 6, 7), rnd(1, 5, 4, 4, seed=1)]),
    case("Crop", {"num_args": 2, "center_crop": True}, [rnd(1, 2, 7, 8), rnd(1, 1, 4, 5, seed=1)]),
    case("Crop", {"num_args": 2, "offset": [1, 2]}, [rnd(1, 2, 7, 8), rnd(1, 1, 4, 5, seed=1)]),
    case("tile", {"reps": [2, 3]}, [rnd(2, 3)]),
    case("tile", {"reps": [2, 1, 2]}, [rnd(2, 3)]),
    case("tile", {"reps": [3]}, [rnd(2, 3)]),
    case("repeat", {"repeats": 2}, [rnd(2, 3)]),
    case("repeat", {"repeats": 3, "axis": 1}, [rnd(2, 3, 2)]),
    case("repeat", {"repeats": 2, "axis": -1}, [rnd(2, 3)]),
    case("Embedding", {"input_dim": 10, "output_dim": 4},
         [np.array([[0, 3.7, 9], [12, -3, 5]], np.float32), rnd(10, 4)]),
]

def det_inputs(n, classes, anchors, seed=0):
    r = np.random.default_rng(seed)
    logits = r.uniform(-3, 3, (n, classes, anchors))
    prob = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
    loc = r.uniform(-1, 1, (n, anchors * 4)).astype(np.float32)
    c = r.uniform(0.1, 0.9, (anchors, 2))
    wh = r.uniform(0.05, 0.4, (anchors, 2))
    anc = np.concatenate([c - wh / 2, c + wh / 2], 1)[None].astype(np.float32)
    return [prob, loc, anc]


def nms_input(b, n, w, seed=0, layout="isxyxy", center=False):
    r = np.random.default_rng(seed)
    c = r.uniform(0.1, 0.9, (b, n, 2))
    wh = r.uniform(0.05, 0.5, (b, n, 2))
    box = np.concatenate([c, wh], -1) if center else np.concatenate([c - wh / 2, c + wh / 2], -1)
    score = r.uniform(0, 1, (b, n, 1))
    if n >= 6:
        score[:, :3, 0] = score[:, 3:6, 0]  # ties: the sort must be stable
    ids = r.integers(0, 3, (b, n, 1)).astype(np.float64)
    if layout == "xyxys":
        x = np.concatenate([box, score], -1)
    else:
        x = np.concatenate([ids, score, box], -1)
    return x[..., :w].astype(np.float32)


def dec_anchors(n, center=False, seed=0):
    r = np.random.default_rng(seed)
    c = r.uniform(0.2, 0.8, (n, 2))
    wh = r.uniform(0.1, 0.4, (n, 2))
    a = np.concatenate([c, wh], 1) if center else np.concatenate([c - wh / 2, c + wh / 2], 1)
    return a[None].astype(np.float32)


def roi_boxes(n, batches, w, h, seed=0):
    r = np.random.default_rng(seed)
    x1 = r.uniform(0, w * 0.6, n)
    y1 = r.uniform(0, h * 0.6, n)
    x2 = x1 + r.uniform(1.5, w * 0.4, n)
    y2 = y1 + r.uniform(1.5, h * 0.4, n)
    b = r.integers(0, batches, n)
    return np.stack([b, x1, y1, x2, y2], 1).astype(np.float32)


def prop_inputs(A, H, W, stride=16, seed=0, im=None):
    r = np.random.default_rng(seed)
    logits = r.uniform(-3, 3, (1, 2, A, H, W))
    prob = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).reshape(1, 2 * A, H, W)
    deltas = r.uniform(-0.3, 0.3, (1, 4 * A, H, W))
    info = np.array([im if im else (H * stride - 5, W * stride - 9, 1.0)])
    return [prob.astype(np.float32), deltas.astype(np.float32), info.astype(np.float32)]


def multi_prop_inputs(n, A, H, W, stride=16):
    parts = [prop_inputs(A, H, W, stride, seed=10 + i) for i in range(n)]
    return [np.concatenate([p[j] for p in parts]) for j in range(3)]


EXTRA = [
    case("dot", {}, [rnd(3, 4), rnd(4, 5, seed=1)]),
    case("dot", {"transpose_a": True}, [rnd(4, 3), rnd(4, 5, seed=1)]),
    case("dot", {"transpose_b": True}, [rnd(3, 4), rnd(5, 4, seed=1)]),
    case("dot", {"transpose_a": True, "transpose_b": True}, [rnd(4, 3), rnd(5, 4, seed=1)]),
    case("dot", {}, [rnd(2, 3, 4), rnd(4, 2, 3, seed=1)]),
    case("dot", {"transpose_a": True}, [rnd(4, 2, 3), rnd(4, 5, seed=1)]),
    case("dot", {}, [rnd(6), rnd(6, seed=1)]),
    case("dot", {}, [rnd(6), rnd(6, 2, seed=1)]),
    case("batch_dot", {}, [rnd(3, 2, 4), rnd(3, 4, 5, seed=1)]),
    case("batch_dot", {"transpose_a": True, "transpose_b": True}, [rnd(3, 4, 2), rnd(3, 5, 4, seed=1)]),
    case("_linalg_gemm2", {}, [rnd(3, 4), rnd(4, 5, seed=1)]),
    case("_linalg_gemm2", {"transpose_a": True, "alpha": 0.5}, [rnd(2, 4, 3), rnd(2, 4, 5, seed=1)]),
    case("_linalg_gemm2", {"transpose_b": True, "alpha": -2.0}, [rnd(2, 2, 3, 4), rnd(2, 2, 5, 4, seed=1)]),
    case("_contrib_interleaved_matmul_selfatt_qk", {"heads": 2}, [rnd(5, 3, 2 * 3 * 4)]),
    case("_contrib_interleaved_matmul_selfatt_valatt", {"heads": 2},
         [rnd(5, 3, 2 * 3 * 4), rnd(3 * 2, 5, 5, seed=1, lo=0, hi=1)]),
    case("sum", {}, [rnd(3, 4, 5)]),
    case("sum", {"axis": [1]}, [rnd(3, 4, 5)]),
    case("mean", {"axis": [2, 3], "keepdims": True}, [rnd(2, 3, 4, 5)]),
    case("mean", {"axis": [1], "exclude": True}, [rnd(2, 3, 4)]),
    case("max", {"axis": [0, 2]}, [rnd(3, 4, 5)]),
    case("min", {"axis": [-1]}, [rnd(3, 4, 5)]),
    case("prod", {"axis": [1]}, [rnd(3, 4, 2, lo=0.5, hi=1.5)]),
    case("norm", {"axis": [1]}, [rnd(3, 4, 2)]),
    case("norm", {}, [rnd(3, 4)]),
    case("SliceChannel", {"num_outputs": 3}, [rnd(2, 6, 4)]),
    case("SliceChannel", {"num_outputs": 2, "axis": -1}, [rnd(2, 3, 4)]),
    case("SliceChannel", {"num_outputs": 3, "axis": 0, "squeeze_axis": True}, [rnd(3, 2, 5)]),
    case("broadcast_to", {"shape": [2, 3, 4]}, [rnd(2, 1, 4)]),
    case("broadcast_to", {"shape": [0, 5]}, [rnd(3, 1)]),
    case("broadcast_axis", {"axis": [0, 2], "size": [3, 4]}, [rnd(1, 2, 1)]),
    case("broadcast_like", {}, [rnd(1, 3, 1), rnd(2, 3, 4, seed=1)]),
    case("broadcast_like", {"lhs_axes": [0], "rhs_axes": [2]}, [rnd(1, 3), rnd(2, 3, 4, seed=1)]),
    case("hard_sigmoid", {}, [rnd(3, 5, lo=-5, hi=5)]),
    case("hard_sigmoid", {"alpha": 0.3, "beta": 0.1}, [rnd(3, 5, lo=-5, hi=5)]),
    case("Flatten", {}, [rnd(2, 3, 4)]),
    case("expand_dims", {"axis": 1}, [rnd(2, 3)]),
    case("expand_dims", {"axis": -1}, [rnd(2, 3)]),
    case("squeeze", {}, [rnd(2, 1, 3, 1)]),
    case("squeeze", {"axis": [1]}, [rnd(2, 1, 3, 1)]),
    case("Reshape", {"shape": [3, -1]}, [rnd(2, 3, 4)]),
    case("SequenceMask", {}, [rnd(4, 3, 2)]),
    case("SequenceMask", {"use_sequence_length": True, "value": -1.0},
         [rnd(4, 3, 2), np.array([1, 4, 2], np.float32)]),
    case("SequenceMask", {"use_sequence_length": True, "axis": 1}, [rnd(3, 5, 2), np.array([5, 0, 2], np.float32)]),
    case("SequenceReverse", {}, [rnd(4, 3, 2)]),
    case("SequenceReverse", {"use_sequence_length": True}, [rnd(5, 3, 2), np.array([2, 5, 1], np.float32)]),
    case("SequenceLast", {}, [rnd(4, 3, 2)]),
    case("SequenceLast", {"use_sequence_length": True}, [rnd(4, 3, 2), np.array([1, 4, 2], np.float32)]),
    case("SequenceLast", {"use_sequence_length": True, "axis": 1}, [rnd(3, 5), np.array([5, 1, 2], np.float32)]),
    case("depth_to_space", {"block_size": 2}, [rnd(2, 8, 3, 4)]),
    case("space_to_depth", {"block_size": 2}, [rnd(2, 3, 4, 6)]),
    case("space_to_depth", {"block_size": 3}, [rnd(1, 2, 3, 6)]),
    case("_contrib_AdaptiveAvgPooling2D", {"output_size": [1]}, [rnd(2, 3, 5, 7)]),
    case("_contrib_AdaptiveAvgPooling2D", {"output_size": [3, 2]}, [rnd(2, 3, 7, 5)]),
    case("_contrib_AdaptiveAvgPooling2D", {"output_size": [4]}, [rnd(1, 2, 6, 9)]),
    case("_contrib_BilinearResize2D", {"height": 7, "width": 9}, [rnd(1, 2, 4, 5)]),
    case("_contrib_BilinearResize2D", {"height": 3, "width": 2, "align_corners": False}, [rnd(1, 2, 6, 5)]),
    case("_contrib_BilinearResize2D", {"height": 8, "width": 11, "align_corners": False}, [rnd(2, 1, 4, 5)]),
    case("_contrib_BilinearResize2D", {"scale_height": 2.0, "scale_width": 1.5}, [rnd(1, 2, 3, 4)]),
    case("_contrib_BilinearResize2D", {"mode": "like"}, [rnd(1, 2, 3, 4), rnd(1, 1, 6, 7, seed=1)]),
    case("_contrib_BilinearResize2D", {"mode": "odd_scale", "scale_height": 2.0, "scale_width": 2.0},
         [rnd(1, 2, 5, 4)]),
    case("_contrib_BilinearResize2D", {"mode": "to_even_up"}, [rnd(1, 2, 5, 4)]),
    case("_contrib_MultiBoxPrior", {}, [rnd(1, 3, 4, 5)]),
    case("_contrib_MultiBoxPrior", {"sizes": [0.2, 0.35], "ratios": [1, 2, 0.5], "clip": True},
         [rnd(1, 3, 5, 3)]),
    case("_contrib_MultiBoxPrior", {"sizes": [0.5], "ratios": [2, 1], "steps": [0.1, 0.2],
                                    "offsets": [0.3, 0.6]}, [rnd(2, 3, 3, 4)]),
    case("_contrib_MultiBoxDetection", {}, det_inputs(2, 4, 30)),
    case("_contrib_MultiBoxDetection", {"threshold": 0.2, "nms_threshold": 0.3, "force_suppress": True},
         det_inputs(1, 3, 40, seed=1)),
    case("_contrib_MultiBoxDetection", {"clip": False, "nms_topk": 5, "variances": [0.2, 0.2, 0.1, 0.1]},
         det_inputs(2, 5, 25, seed=2)),
    case("_contrib_MultiBoxDetection", {"nms_threshold": 0.0}, det_inputs(1, 3, 12, seed=3)),
    case("_contrib_box_nms", {}, [nms_input(1, 30, 6)]),
    case("_contrib_box_nms", {"overlap_thresh": 0.3, "topk": 10, "id_index": 0, "valid_thresh": 0.2},
         [nms_input(2, 25, 6, seed=1)]),
    case("_contrib_box_nms", {"id_index": 0, "force_suppress": True, "background_id": 0},
         [nms_input(2, 20, 6, seed=2)]),
    case("_contrib_box_nms", {"coord_start": 0, "score_index": 4, "out_format": "center"},
         [nms_input(3, 15, 5, seed=3, layout="xyxys")]),
    case("_contrib_box_nms", {"in_format": "center", "out_format": "corner", "id_index": 0},
         [nms_input(1, 18, 6, seed=4, center=True)]),
    case("_contrib_box_nms", {"topk": 0}, [nms_input(1, 5, 6, seed=5)]),
    case("_contrib_box_decode", {}, [rnd(2, 6, 4, lo=-1, hi=1), dec_anchors(6, center=True)]),
    case("_contrib_box_decode", {"format": "corner", "std0": 0.1, "std1": 0.1, "std2": 0.2, "std3": 0.2},
         [rnd(2, 6, 4, lo=-1, hi=1), dec_anchors(6)]),
    case("_contrib_box_decode", {"format": "corner", "clip": 0.3, "std2": 2.0, "std3": 2.0},
         [rnd(1, 5, 4, lo=-1, hi=1), dec_anchors(5)]),
    case("_contrib_ROIAlign", {"pooled_size": [3, 3], "spatial_scale": 0.5},
         [rnd(2, 3, 10, 12), roi_boxes(5, 2, 24, 20)]),
    case("_contrib_ROIAlign", {"pooled_size": [2, 3], "spatial_scale": 0.25, "sample_ratio": 2},
         [rnd(1, 2, 8, 9), roi_boxes(4, 1, 36, 32, seed=1)]),
    case("_contrib_ROIAlign", {"pooled_size": [2, 2], "spatial_scale": 1.0, "aligned": True},
         [rnd(2, 3, 7, 7), roi_boxes(3, 2, 7, 7, seed=2)]),
    case("_contrib_ROIAlign", {"pooled_size": [2, 2], "spatial_scale": 1.0, "position_sensitive": True,
                               "sample_ratio": 1}, [rnd(1, 8, 6, 6), roi_boxes(3, 1, 6, 6, seed=3)]),
    case("_contrib_Proposal", {"rpn_pre_nms_top_n": 100, "rpn_post_nms_top_n": 20}, prop_inputs(12, 6, 7)),
    case("_contrib_Proposal", {"rpn_pre_nms_top_n": 60, "rpn_post_nms_top_n": 50, "threshold": 0.5,
                               "scales": [2, 4], "ratios": [1], "feature_stride": 8, "output_score": True,
                               "rpn_min_size": 4}, prop_inputs(2, 5, 6, stride=8, seed=1)),
    case("_contrib_Proposal", {"rpn_post_nms_top_n": 30, "iou_loss": True, "scales": [8], "ratios": [0.5, 2]},
         prop_inputs(2, 4, 4, seed=2, im=(50, 60, 1.0))),
    case("_contrib_MultiProposal", {"rpn_pre_nms_top_n": 80, "rpn_post_nms_top_n": 25, "output_score": True},
         multi_prop_inputs(3, 12, 5, 6)),
    case("ROIPooling", {"pooled_size": [3, 3], "spatial_scale": 0.5},
         [rnd(2, 3, 10, 12), roi_boxes(5, 2, 24, 20, seed=5)]),
    case("ROIPooling", {"pooled_size": [2, 4], "spatial_scale": 0.0625},
         [rnd(1, 2, 9, 9), roi_boxes(4, 1, 144, 144, seed=6)]),
    case("GroupNorm", {"num_groups": 2}, [rnd(2, 4, 3, 3), rnd(2), rnd(2, seed=1)]),
    case("GroupNorm", {"num_groups": 3, "eps": 1e-3}, [rnd(1, 6, 5), rnd(3), rnd(3, seed=1)]),
    case("SwapAxis", {"dim1": 1, "dim2": 2}, [rnd(2, 3, 4)]),
    case("SwapAxis", {"dim1": 0, "dim2": -1}, [rnd(2, 3, 4)]),
    case("argmax", {"axis": 1}, [rnd(3, 5, 2)]),
    case("argmax", {"axis": -1, "keepdims": True}, [rnd(3, 5)]),
    case("argmin", {"axis": 0}, [rnd(4, 3)]),
    case("argmax", {}, [rnd(3, 4)]),
    case("_zeros", {"shape": [2, 3]}, [], mx_fn=lambda **p: __import__("mxnet").nd.zeros(**p)),
    case("_ones", {"shape": [4]}, [], mx_fn=lambda **p: __import__("mxnet").nd.ones(**p)),
    case("_full", {"shape": [2, 2], "value": 3.5}, [],
         mx_fn=lambda **p: __import__("mxnet").nd.full(p["shape"], p["value"])),
    case("_arange", {"start": 2.0, "stop": 9.0, "step": 1.5}, [],
         mx_fn=lambda **p: __import__("mxnet").nd.arange(**p)),
    case("_arange", {"start": 5.0}, [], mx_fn=lambda **p: __import__("mxnet").nd.arange(**p)),
    case("_arange", {"start": 10.0, "stop": 1.0, "step": -2.5, "repeat": 3}, [],
         mx_fn=lambda **p: __import__("mxnet").nd.arange(**p)),
    case("_split_v2", {"indices": [0, 2, 3], "axis": 1}, [rnd(2, 6, 3)]),
    case("_split_v2", {"indices": [0, 1], "axis": 0, "squeeze_axis": True}, [rnd(2, 4)]),
    case("_split_v2", {"indices": [], "sections": 3, "axis": -1}, [rnd(2, 3, 6)]),
    case("topk", {}, [rnd(3, 7)]),
    case("topk", {"k": 3, "ret_typ": "value", "axis": 1}, [rnd(2, 6, 3)]),
    case("topk", {"k": 2, "ret_typ": "both", "is_ascend": True}, [rnd(4, 5)]),
    case("topk", {"k": 2, "ret_typ": "mask", "axis": 0}, [rnd(5, 3)]),
    case("topk", {"k": 0, "ret_typ": "indices"}, [rnd(2, 6)]),
    case("sort", {}, [rnd(3, 6)]),
    case("sort", {"axis": 0, "is_ascend": False}, [rnd(4, 3)]),
    case("argsort", {}, [rnd(3, 6)]),
    case("argsort", {"axis": 1, "is_ascend": False}, [rnd(2, 5, 2)]),
    case("_contrib_arange_like", {}, [rnd(2, 3)]),
    case("_contrib_arange_like", {"start": 1.0, "step": 0.5, "repeat": 2, "axis": 1}, [rnd(2, 3)]),
    case("stack", {"axis": 1, "num_args": 3}, [rnd(2, 3), rnd(2, 3, seed=1), rnd(2, 3, seed=2)]),
    case("stack", {"axis": -1, "num_args": 2}, [rnd(2, 3), rnd(2, 3, seed=1)]),
    case("stack", {"num_args": 2}, [rnd(4), rnd(4, seed=1)]),
    case("BlockGrad", {}, [rnd(2, 3)]),
    case("LinearRegressionOutput", {}, [rnd(2, 3)], mx_fn=lambda x, **p: __import__("mxnet").nd.LinearRegressionOutput(x, __import__("mxnet").nd.zeros(x.shape))),
    case("LogisticRegressionOutput", {}, [rnd(2, 3)], mx_fn=lambda x, **p: __import__("mxnet").nd.LogisticRegressionOutput(x, __import__("mxnet").nd.zeros(x.shape))),
    case("MAERegressionOutput", {}, [rnd(2, 3)], mx_fn=lambda x, **p: __import__("mxnet").nd.MAERegressionOutput(x, __import__("mxnet").nd.zeros(x.shape))),
    case("_contrib_div_sqrt_dim", {}, [rnd(2, 3, 16)]),
    case("_maximum", {}, [rnd(3, 4), rnd(3, 4, seed=1)]),
    case("_minimum", {}, [rnd(3, 4), rnd(3, 4, seed=1)]),
    case("_power", {}, [rnd(3, 4, lo=0.1, hi=2), rnd(3, 4, seed=1)]),
    case("_greater", {}, [rnd(3, 4), rnd(3, 4, seed=1)]),
    case("zeros_like", {}, [rnd(2, 3)]),
    case("ones_like", {}, [rnd(2, 3)]),
    case("one_hot", {"depth": 5}, [np.array([0, 2, 4, 1.7, 7, -1], np.float32)]),
    case("one_hot", {"depth": 3, "on_value": 2.5, "off_value": -1.0}, [np.array([[0, 2], [1, 0]], np.float32)]),
    case("take", {}, [rnd(5, 3), np.array([0, 4, 2, 9, -3], np.float32)]),
    case("take", {"axis": 1, "mode": "wrap"}, [rnd(2, 4, 3), np.array([[1, 5], [-1, 2]], np.float32)]),
    case("shape_array", {}, [rnd(2, 3, 4)]),
    case("size_array", {}, [rnd(2, 3, 4)]),
    case("broadcast_axes", {"axis": [1], "size": [3]}, [rnd(2, 1)]),
    case("gather_nd", {}, [rnd(3, 4, 2), np.array([[0, 2, -1], [3, 1, 0]], np.float32)]),
    case("gather_nd", {}, [rnd(3, 4), np.array([[1, 2], [0, 3], [-2, 1]], np.float32).T.reshape(2, 3)]),
    case("pick", {"axis": 1}, [rnd(3, 4), np.array([0, 3, 2], np.float32)]),
    case("pick", {"axis": 0, "keepdims": True}, [rnd(3, 4), np.array([0, 2, 1, 5], np.float32)]),
    case("pick", {"axis": -1, "mode": "wrap"}, [rnd(2, 3), np.array([4, -1], np.float32)]),
]

def rnn_case(mode, T, N, I, H, L, bidir, state_outputs=True, seed=0):
    G = {"lstm": 4, "gru": 3}.get(mode, 1)
    D = 2 if bidir else 1
    size = sum(D * G * H * ((I if l == 0 else D * H) + H + 2) for l in range(L))
    r = np.random.default_rng(seed)
    ins = [rnd(T, N, I, seed=seed), r.uniform(-0.5, 0.5, size).astype(np.float32),
           r.uniform(-1, 1, (L * D, N, H)).astype(np.float32)]
    if mode == "lstm":
        ins.append(r.uniform(-1, 1, (L * D, N, H)).astype(np.float32))
    p = {"mode": mode, "state_size": H, "num_layers": L, "bidirectional": bidir,
         "state_outputs": state_outputs}
    return case("RNN", p, ins)


RNN = [
    rnn_case("lstm", 5, 2, 3, 4, 1, False),
    rnn_case("lstm", 4, 3, 5, 3, 2, True, seed=1),
    rnn_case("lstm", 3, 1, 2, 2, 1, False, state_outputs=False, seed=2),
    rnn_case("gru", 5, 2, 3, 4, 1, False, seed=3),
    rnn_case("gru", 4, 2, 3, 3, 2, True, seed=4),
    rnn_case("rnn_tanh", 4, 2, 3, 5, 2, False, seed=5),
    rnn_case("rnn_relu", 4, 2, 3, 5, 1, True, seed=6),
]

ALL = CONV + POOL + NORM + ACT + SOFTMAX + BINARY + SCALAR + UNARY + MISC + EXTRA + RNN


@pytest.mark.parametrize("op,params,inputs,kw", ALL)
def test_kernel_matches_mxnet(mx, build_dir, tmp_path, op, params, inputs, kw):
    check(mx, build_dir, tmp_path, op, params, inputs, **kw)


@pytest.mark.parametrize("threads", [2])
def test_conv_two_threads(mx, build_dir, tmp_path, threads):
    check(mx, build_dir, tmp_path, "Convolution", {"kernel": [3, 3], "num_filter": 32, "pad": [1, 1]},
          [rnd(1, 32, 20, 20), rnd(32, 32, 3, 3), rnd(32)], threads=threads)


def test_dropout_always_is_refused(build_dir, tmp_path):
    import subprocess, json
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"op": "Dropout", "params": {"mode": "always"}}))
    np.save(tmp_path / "x.npy", rnd(2, 2))
    r = subprocess.run([str(build_dir / "kernel_driver"), str(spec), str(tmp_path / "o.npy"),
                        str(tmp_path / "x.npy")], capture_output=True, text=True)
    assert r.returncode == 1 and "mode=always" in r.stderr


def test_bad_broadcast_is_an_error(build_dir, tmp_path):
    import subprocess, json
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"op": "broadcast_add", "params": {}}))
    np.save(tmp_path / "a.npy", rnd(2, 3))
    np.save(tmp_path / "b.npy", rnd(4, 3))
    r = subprocess.run([str(build_dir / "kernel_driver"), str(spec), str(tmp_path / "o.npy"),
                        str(tmp_path / "a.npy"), str(tmp_path / "b.npy")], capture_output=True, text=True)
    assert r.returncode == 1 and "do not broadcast" in r.stderr
