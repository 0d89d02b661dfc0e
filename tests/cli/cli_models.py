"""Models made with real MXNet 1.9.1 for the CLI tests (helpers, not tests)."""
import json
import os

import numpy as np


def small_convnet(mx):
    """conv + BatchNorm (aux states) + pool + FC + SoftmaxOutput, symbol API."""
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv0")
    x = mx.sym.BatchNorm(x, fix_gamma=False, name="bn0")
    x = mx.sym.Activation(x, act_type="relu", name="relu0")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool0")
    x = mx.sym.Flatten(x, name="flat0")
    x = mx.sym.FullyConnected(x, num_hidden=5, name="fc0")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def checkpoint(mx, sym, prefix, epoch=0, data_shape=(2, 3, 8, 8), label_names=("softmax_label",),
               label_shape=(2,), seed=0):
    """Bind with Module, give Xavier weights from `seed`, save_checkpoint. Returns
    (arg_params, aux_params) as MXNet holds them."""
    mx.random.seed(seed)
    np.random.seed(seed)
    labels = [n for n in label_names if n in sym.list_arguments()]
    mod = mx.mod.Module(sym, data_names=["data"], label_names=labels, context=mx.cpu())
    mod.bind(data_shapes=[("data", data_shape)],
             label_shapes=[(n, label_shape) for n in labels] or None, for_training=False)
    mod.init_params(mx.init.Xavier())
    arg, aux = mod.get_params()
    mx.model.save_checkpoint(str(prefix), epoch, sym, arg, aux)
    return arg, aux


def symbol_nodes(path):
    """The node list as MXNet 1.9.1 holds it after loading the file."""
    import mxnet as mx
    return json.loads(mx.sym.load(str(path)).tojson())["nodes"]


def params_path(prefix, epoch=0):
    return f"{prefix}-{epoch:04d}.params"


def exists(p):
    return os.path.exists(str(p))
