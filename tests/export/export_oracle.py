"""Helpers for the export oracle tests: make models with MXNet, run them in MXNet
from files (load_checkpoint and SymbolBlock.imports), compare outputs."""
import json
import subprocess
import sys

import numpy as np


def make_checkpoint(mx, sym, prefix, data_shapes, seed=0, inputs=("data",)):
    """Random arrays for every argument but the inputs and labels, saved by MXNet."""
    mx.random.seed(seed)
    arg_shapes, _, aux_shapes = sym.infer_shape(**data_shapes)
    # weights scaled by fan-in so that deep nets keep finite, varied outputs
    args = {n: mx.nd.random.uniform(-1, 1, shape=s) / float(np.sqrt(np.prod(s[1:])) if len(s) > 1 else 1)
            for n, s in zip(sym.list_arguments(), arg_shapes)
            if n not in inputs and not n.endswith("label")}
    auxs = {n: mx.nd.random.uniform(0.5, 1.5, shape=s)
            for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    mx.model.save_checkpoint(str(prefix), 0, sym, args, auxs)
    return (prefix.parent / f"{prefix.name}-symbol.json",
            prefix.parent / f"{prefix.name}-0000.params")


def inputs_for(data_shapes, seed=1):
    rs = np.random.RandomState(seed)
    return {k: rs.uniform(-1, 1, size=v).astype(np.float32) for k, v in data_shapes.items()}


def run_symbol(mx, sym, args, auxs, inputs):
    """Forward pass (inference) of sym with the given arrays, via an executor."""
    shapes = {k: v.shape for k, v in inputs.items()}
    names = set(sym.list_arguments())
    shapes.update({k: v.shape for k, v in args.items() if k in names})
    ex = sym.simple_bind(mx.cpu(), grad_req="null", **shapes)
    for k, v in inputs.items():
        ex.arg_dict[k][:] = v
    for k, v in args.items():
        if k in ex.arg_dict:
            ex.arg_dict[k][:] = v.astype(ex.arg_dict[k].dtype)
    for k, v in auxs.items():
        ex.aux_dict[k][:] = v.astype(ex.aux_dict[k].dtype)
    return [o.asnumpy() for o in ex.forward(is_train=False)]


def run_checkpoint(mx, prefix, inputs, epoch=0):
    """What mx.model.load_checkpoint gives, run forward."""
    sym, args, auxs = mx.model.load_checkpoint(str(prefix), epoch)
    missing = set(sym.list_arguments()) - set(args) - set(inputs)
    assert all(m.endswith("label") for m in missing), missing
    assert set(sym.list_auxiliary_states()) == set(auxs)
    return run_symbol(mx, sym, args, auxs, inputs)


def run_imports(mx, sym_path, params_path, inputs, dtype="float32"):
    """What gluon.SymbolBlock.imports gives, run forward."""
    net = mx.gluon.SymbolBlock.imports(str(sym_path), list(inputs), str(params_path))
    outs = net(*[mx.nd.array(v, dtype=dtype) for v in inputs.values()])
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    return [o.asnumpy() for o in outs]


def compare(got, want, tol=1e-6):
    """Max abs difference over all outputs (asserting <= tol); True if bit-identical."""
    assert len(got) == len(want)
    identical = True
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
        assert np.isfinite(w).all(), "the reference is not finite: a weak comparison"
        diff = float(np.max(np.abs(g.astype(np.float64) - w.astype(np.float64)))) if g.size else 0.0
        assert diff <= tol * max(1.0, float(np.max(np.abs(w))) if w.size else 1.0), diff
        identical = identical and np.array_equal(g, w)
    return identical


def load_log(python, sym_path):
    """MXNet's own log while loading sym_path in a fresh interpreter (the legacy
    upgrader announces itself there)."""
    code = ("import mxnet as mx, sys; s = mx.sym.load(sys.argv[1]); print(len(s.list_outputs()))")
    p = subprocess.run([python, "-c", code, str(sym_path)], capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout + p.stderr


def graph(path):
    return json.loads(open(path).read())


PYTHON = sys.executable


def without_versions(text, label_attrs=False):
    """The graph with entry versions zeroed: Gluon bumps an aux variable's version
    once per trace, which the graph itself does not record (docs/export.md).
    label_attrs: also drop the attributes of training-label variables, which the
    Net does not keep (docs/layers.md)."""
    g = json.loads(text)
    for n in g["nodes"]:
        n["inputs"] = [[e[0], e[1], 0] for e in n["inputs"]]
        if label_attrs and n["op"] == "null" and n["name"].endswith("label"):
            n.pop("attrs", None)
    return g
