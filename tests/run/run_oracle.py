"""Oracle helpers for the runtime conformance tests: models made by MXNet 1.9.1
in the test run (Gluon model zoo exports with random weights, random weights for
the shared symbols), MXNet's own forward pass, and mxio's (`mxio run`)."""
import json
import pathlib

import numpy as np

RTOL, ATOL = 1e-4, 1e-5


def randomize_gluon(net, rng):
    """Random weights everywhere, BatchNorm statistics included (the default
    initialisers leave mean 0 / var 1, which would hide BN folding bugs)."""
    import mxnet as mx
    for name, p in net.collect_params().items():
        shape = p.shape
        if name.endswith("running_var"):
            v = rng.uniform(0.5, 1.5, shape)
        elif name.endswith("gamma"):
            v = rng.uniform(0.5, 1.5, shape)
        elif name.endswith(("running_mean", "beta", "bias")):
            v = rng.uniform(-0.2, 0.2, shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
            v = rng.uniform(-1, 1, shape) * np.sqrt(3.0 / max(fan_in, 1))
        p.set_data(mx.nd.array(v.astype(np.float32)))


def export_zoo(name, d, seed=0):
    """Export a Gluon model zoo net with random weights; returns (prefix, input shape)."""
    import mxnet as mx
    from mxnet.gluon.model_zoo import vision
    net = vision.get_model(name, pretrained=False)
    net.initialize()
    size = 299 if name.startswith("inception") else 224
    net(mx.nd.zeros((1, 3, size, size)))  # finish deferred shapes
    randomize_gluon(net, np.random.RandomState(seed))
    net.hybridize()
    net(mx.nd.zeros((1, 3, size, size)))
    prefix = str(pathlib.Path(d) / name)
    net.export(prefix)
    return prefix, (1, 3, size, size)


def symbol_inputs(sym_json):
    """Data inputs of a symbol file: variables no op takes as a weight (by name)."""
    import mxnet as mx
    sym = mx.sym.load(sym_json)
    args = sym.list_arguments()
    return sym, [a for a in args if a == "data"]


def random_params(sym, data_shapes, path, seed=0):
    """Random arrays for every argument and aux state of `sym` except the data
    inputs and labels, saved as MXNet params at `path`. Returns (args, auxs)."""
    import mxnet as mx
    rng = np.random.RandomState(seed)
    arg_shapes, _, aux_shapes = sym.infer_shape(**data_shapes)
    args, auxs = {}, {}
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        if name in data_shapes or name.endswith("label"):
            continue
        if name.endswith("gamma"):
            v = rng.uniform(0.5, 1.5, shape)
        elif name.endswith(("beta", "bias")):
            v = rng.uniform(-0.2, 0.2, shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
            v = rng.uniform(-1, 1, shape) * np.sqrt(3.0 / max(fan_in, 1))
        args[name] = mx.nd.array(v.astype(np.float32))
    for name, shape in zip(sym.list_auxiliary_states(), aux_shapes):
        if name.endswith("var"):
            v = rng.uniform(0.5, 1.5, shape)
        else:
            v = rng.uniform(-0.2, 0.2, shape)
        auxs[name] = mx.nd.array(v.astype(np.float32))
    save = {f"arg:{k}": v for k, v in args.items()}
    save.update({f"aux:{k}": v for k, v in auxs.items()})
    mx.nd.save(str(path), save)
    return args, auxs


def load_params(path):
    import mxnet as mx
    loaded = mx.nd.load(str(path))
    args = {k[4:]: v for k, v in loaded.items() if k.startswith("arg:")}
    auxs = {k[4:]: v for k, v in loaded.items() if k.startswith("aux:")}
    return args, auxs


def mxnet_forward(sym, args, auxs, inputs):
    """MXNet 1.9.1's inference forward pass; returns the list of outputs."""
    import mxnet as mx
    shapes = {k: v.shape for k, v in inputs.items()}
    arg_shapes, _, _ = sym.infer_shape(**shapes)
    bind_args = {}
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        if name in inputs:
            bind_args[name] = mx.nd.array(inputs[name])
        elif name in args:
            bind_args[name] = args[name]
        else:  # labels
            bind_args[name] = mx.nd.zeros(shape)
    exe = sym.bind(mx.cpu(), bind_args, aux_states=dict(auxs), grad_req="null")
    exe.forward(is_train=False)
    return [o.asnumpy() for o in exe.outputs]


def run_mxio(mxio, sym_path, params_path, inputs, d, extra=()):
    """Run `mxio run` with .npy inputs; returns the outputs (dict, in order)."""
    d = pathlib.Path(d)
    args = ["run", sym_path, "--array-path", params_path, "-o", d / "mxio_out.npz", "--force"]
    for name, x in inputs.items():
        p = d / f"in_{name}.npy"
        np.save(p, x)
        args += ["--input", f"{name}={p}"]
    r = mxio(*args, *extra)
    assert r.code == 0, r
    with np.load(d / "mxio_out.npz") as z:
        return {k: z[k] for k in z.files}, r


def compare(label, got, want, rtol=RTOL, atol=ATOL):
    """Assert closeness; print the largest deviation (pytest -s shows it)."""
    assert got.shape == want.shape, (label, got.shape, want.shape)
    dev = float(np.max(np.abs(got.astype(np.float64) - want))) if want.size else 0.0
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    print(f"\n[run-oracle] {label}: max |mxio - mxnet| = {dev:.3g} (max |mxnet| = {scale:.3g})")
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=label)
    return dev


def op_nodes(sym_json):
    """(op, name) of every op node of a symbol file, in file order."""
    g = json.loads(pathlib.Path(sym_json).read_text())
    return [(n["op"], n["name"]) for n in g["nodes"] if n["op"] != "null"]
