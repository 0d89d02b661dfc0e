"""Every symbol in ../shared/models that MXNet can bind: random arrays saved by
MXNet, the model exported by mxio, loaded by MXNet: the same outputs (bit for bit:
the files carry the same graph and the same bytes)."""
import json

import numpy as np
import pytest

from export_oracle import (compare, inputs_for, make_checkpoint, run_checkpoint,
                           without_versions)


def data_shapes_for(mx, sym):
    for size in (224, 299, 331, 112, 320, 28):
        shape = {"data": (1, 3, size, size)}
        try:
            args, _, _ = sym.infer_shape(**shape)
            if args is not None:
                return shape
        except Exception:
            pass
    return None


def shared_symbols(models):
    return sorted(p for p in models.rglob("*.json") if p.name != "package.json")


@pytest.mark.slow
def test_shared_models(mx, mxio, models, tmp_path):
    bound, exported, refused = [], [], []
    for path in shared_symbols(models):
        name = path.stem.replace("-symbol", "")
        sym = mx.sym.load(str(path))
        shapes = data_shapes_for(mx, sym)
        work = tmp_path / path.parent.name
        work.mkdir(exist_ok=True)
        ref = None
        if shapes is not None:
            try:
                src_sym, src_params = make_checkpoint(mx, sym, work / f"src_{name}", shapes)
                inputs = inputs_for(shapes)
                ref = run_checkpoint(mx, work / f"src_{name}", inputs)
            except Exception:
                ref = None
        if ref is None:
            continue  # MXNet cannot bind it on this machine: nothing to compare with
        bound.append(name)
        out = work / f"{name}-symbol.json"
        r = mxio("export", src_sym, "-o", out, "-q")
        if r.code != 0:
            refused.append((name, r.err.strip()))
            continue
        exported.append(name)
        assert (without_versions(out.read_text(), label_attrs=True) ==
                without_versions(src_sym.read_text(), label_attrs=True)), name
        assert (work / f"{name}-0000.params").read_bytes() == src_params.read_bytes(), name
        assert compare(run_checkpoint(mx, work / name, inputs), ref), name
    print(f"\nshared models: {len(bound)} bound by MXNet, {len(exported)} exported and equal, "
          f"{len(refused)} refused: {[n for n, _ in refused]}")
    assert len(bound) >= 20, bound
    # Nothing is refused: the fused int8 graphs (_sg_mkldnn_conv with its inner graph)
    # export with their subgraphs, byte-identical to MXNet's own file.
    assert not refused, refused
    assert [n for n in exported if n.endswith("_int8")], exported
    assert len(exported) >= 26, exported


def test_mobilefacenet_real_weights(mx, mxio, models, tmp_path):
    """Real weights of a 1.0.0 model: byte-identical params, MXNet's own JSON."""
    src = models / "mobilefacenet-y1"
    out = tmp_path / "mfn-symbol.json"
    mxio("export", src / "model-symbol.json", "-o", out, "-q", check=0)
    assert out.read_text() == mx.sym.load(str(src / "model-symbol.json")).tojson()
    assert (tmp_path / "mfn-0000.params").read_bytes() == (src / "model-0000.params").read_bytes()
    inputs = inputs_for({"data": (1, 3, 112, 112)})
    assert compare(run_checkpoint(mx, tmp_path / "mfn", inputs),
                   run_checkpoint(mx, src / "model", inputs))
