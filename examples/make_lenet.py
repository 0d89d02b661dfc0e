"""Make the example model examples/lenet/ with real MXNet 1.9.1.

A tiny LeNet (conv/relu/pool twice, two fully connected layers, SoftmaxOutput
head), built with the symbol API, given Xavier weights from a fixed seed and
saved with mx.model.save_checkpoint as lenet-symbol.json + lenet-0000.params.

    /work/main/.venv/bin/python examples/make_lenet.py [OUT_DIR]
"""
import os
import sys

import mxnet as mx
import numpy as np


def lenet():
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=8, name="conv1")
    x = mx.sym.Activation(x, act_type="relu", name="relu1")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=16, name="conv2")
    x = mx.sym.Activation(x, act_type="relu", name="relu2")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool2")
    x = mx.sym.Flatten(x, name="flatten")
    x = mx.sym.FullyConnected(x, num_hidden=64, name="fc1")
    x = mx.sym.Activation(x, act_type="relu", name="relu3")
    x = mx.sym.FullyConnected(x, num_hidden=10, name="fc2")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "lenet")
    os.makedirs(out, exist_ok=True)
    mx.random.seed(42)
    np.random.seed(42)
    sym = lenet()
    mod = mx.mod.Module(sym, data_names=["data"], label_names=["softmax_label"],
                        context=mx.cpu())
    mod.bind(data_shapes=[("data", (1, 1, 28, 28))], label_shapes=[("softmax_label", (1,))],
             for_training=False)
    mod.init_params(mx.init.Xavier(magnitude=2.0))
    arg_params, aux_params = mod.get_params()
    mx.model.save_checkpoint(os.path.join(out, "lenet"), 0, sym, arg_params, aux_params)
    # an input (a drawn "7") and MXNet's own output for it, so the example run can be
    # checked against MXNet on a machine without MXNet
    digit = np.zeros((1, 1, 28, 28), np.float32)
    digit[0, 0, 6, 6:22] = 1.0
    for r in range(7, 23):
        digit[0, 0, r, 21 - (r - 7) // 2] = 1.0
    mod.forward(mx.io.DataBatch([mx.nd.array(digit)]), is_train=False)
    np.save(os.path.join(out, "digit.npy"), digit)
    np.save(os.path.join(out, "digit-mxnet-output.npy"), mod.get_outputs()[0].asnumpy())
    print("wrote", os.path.join(out, "lenet-symbol.json"), "lenet-0000.params, digit.npy and",
          "digit-mxnet-output.npy")


if __name__ == "__main__":
    main()
