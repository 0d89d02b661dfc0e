"""MXNet-side helpers for the summary tests: models made with real MXNet 1.9.1 and the
numbers MXNet itself gives for them (helpers, not tests)."""
import json
import math

ZOO = ["resnet18_v1", "resnet50_v1", "mobilenet1.0", "squeezenet1.1", "densenet121", "alexnet"]


def export_zoo(mx, name, prefix, shape=(1, 3, 224, 224), seed=0):
    """A Gluon model-zoo net with random (Xavier) weights, exported as
    prefix-symbol.json + prefix-0000.params. Returns MXNet's parameter count:
    sum(p.data().size for p in net.collect_params().values())."""
    from mxnet.gluon.model_zoo import vision
    mx.random.seed(seed)
    net = vision.get_model(name, pretrained=False)
    net.initialize(mx.init.Xavier())
    net.hybridize()
    net(mx.nd.zeros(shape))
    net.export(str(prefix), epoch=0)
    total = sum(p.data().size for p in net.collect_params().values())
    return total


def file_counts(mx, params_file):
    """(total, arg, aux) element counts of a .params file, as mx.nd.load reads it."""
    arrays = mx.nd.load(str(params_file))
    arg = sum(a.size for k, a in arrays.items() if not k.startswith("aux:"))
    aux = sum(a.size for k, a in arrays.items() if k.startswith("aux:"))
    return arg + aux, arg, aux


def internal_shapes(mx, symbol_file, **shapes):
    """{output name: shape} for every output of get_internals(), by MXNet's infer_shape,
    plus {argument name: shape} for the arguments and aux states."""
    sym = mx.sym.load(str(symbol_file))
    internals = sym.get_internals()
    arg_shapes, out_shapes, aux_shapes = internals.infer_shape(**shapes)
    outs = dict(zip(internals.list_outputs(), [tuple(s) for s in out_shapes]))
    args = dict(zip(internals.list_arguments(), [tuple(s) for s in arg_shapes]))
    args.update(zip(internals.list_auxiliary_states(), [tuple(s) for s in aux_shapes]))
    return outs, args


def hand_macs(mx, symbol_file, **shapes):
    """Multiply-accumulates of the Convolution and FullyConnected nodes, counted by hand
    from the shapes MXNet infers: a convolution output element is a dot product of
    (C_in / groups) * kh * kw terms, an FC output element one of in_features terms.
    Returns {node name: MACs}."""
    outs, args = internal_shapes(mx, symbol_file, **shapes)
    nodes = json.loads(mx.sym.load(str(symbol_file)).tojson())["nodes"]
    macs = {}
    for n in nodes:
        if n["op"] not in ("Convolution", "FullyConnected"):
            continue
        weight = args[nodes[n["inputs"][1][0]]["name"]]
        out = outs[n["name"] + "_output"]
        macs[n["name"]] = math.prod(out) * math.prod(weight[1:])
    return macs


def per_layer_params(mx, symbol_file, params_file):
    """{op node name: element count of the params-file arrays it is the first consumer of},
    from the symbol as MXNet loads it and the arrays mx.nd.load reads."""
    arrays = {k.split(":", 1)[1]: a for k, a in mx.nd.load(str(params_file)).items()}
    nodes = json.loads(mx.sym.load(str(symbol_file)).tojson())["nodes"]
    seen, counts = set(), {}
    for n in nodes:
        if n["op"] == "null":
            continue
        total = 0
        for src, _, _ in n["inputs"]:
            name = nodes[src]["name"]
            if nodes[src]["op"] == "null" and name in arrays and name not in seen:
                seen.add(name)
                total += arrays[name].size
        counts[n["name"]] = total
    return counts


def lenet(mx):
    """LeNet-5 as in MXNet's examples: conv 5x5x20, tanh, max-pool 2, conv 5x5x50,
    tanh, max-pool 2, FC 500, tanh, FC 10, softmax."""
    data = mx.sym.Variable("data")
    x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=20, name="conv1")
    x = mx.sym.Activation(x, act_type="tanh", name="tanh1")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=50, name="conv2")
    x = mx.sym.Activation(x, act_type="tanh", name="tanh2")
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool2")
    x = mx.sym.Flatten(x, name="flatten")
    x = mx.sym.FullyConnected(x, num_hidden=500, name="fc1")
    x = mx.sym.Activation(x, act_type="tanh", name="tanh3")
    x = mx.sym.FullyConnected(x, num_hidden=10, name="fc2")
    return mx.sym.SoftmaxOutput(x, name="softmax")


def resnet50_v1b(mx, classes=1000):
    """ResNet-50 v1 with the stride of each downsampling bottleneck on its 3x3 conv
    (the 'v1b' / 'v1.5' placement of torchvision and GluonCV, for which 4.1 GMACs is the
    figure usually quoted). Gluon's model-zoo resnet50_v1 puts it on the 1x1 conv, as
    He et al. did."""
    def bn_relu(x, name, relu=True):
        x = mx.sym.BatchNorm(x, fix_gamma=False, name=name + "_bn")
        return mx.sym.Activation(x, act_type="relu", name=name + "_relu") if relu else x

    x = mx.sym.Variable("data")
    x = mx.sym.Convolution(x, kernel=(7, 7), stride=(2, 2), pad=(3, 3), num_filter=64,
                           no_bias=True, name="conv0")
    x = bn_relu(x, "conv0")
    x = mx.sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max", name="pool0")
    in_ch = 64
    for stage, (blocks, width) in enumerate(zip((3, 4, 6, 3), (64, 128, 256, 512))):
        for b in range(blocks):
            stride = 2 if b == 0 and stage > 0 else 1
            name = f"s{stage}b{b}"
            y = mx.sym.Convolution(x, kernel=(1, 1), num_filter=width, no_bias=True, name=name + "_c1")
            y = bn_relu(y, name + "_c1")
            y = mx.sym.Convolution(y, kernel=(3, 3), stride=(stride, stride), pad=(1, 1),
                                   num_filter=width, no_bias=True, name=name + "_c2")
            y = bn_relu(y, name + "_c2")
            y = mx.sym.Convolution(y, kernel=(1, 1), num_filter=width * 4, no_bias=True,
                                   name=name + "_c3")
            y = bn_relu(y, name + "_c3", relu=False)
            if b == 0:
                x = mx.sym.Convolution(x, kernel=(1, 1), stride=(stride, stride),
                                       num_filter=width * 4, no_bias=True, name=name + "_down")
                x = bn_relu(x, name + "_down", relu=False)
            x = mx.sym.Activation(x + y, act_type="relu", name=name + "_out")
            in_ch = width * 4
    x = mx.sym.Pooling(x, global_pool=True, kernel=(7, 7), pool_type="avg", name="gap")
    x = mx.sym.Flatten(x, name="flat")
    x = mx.sym.FullyConnected(x, num_hidden=classes, name="fc")
    return mx.sym.softmax(x, name="prob"), in_ch
