"""Legacy models (0.8 and 0.9 JSON, legacy params records, keys without arg:/aux:)
exported or upgraded by mxio load in MXNet 1.9.1 with no upgrade path taken, and
give the outputs MXNet gives for the legacy files."""
import json
import struct

import numpy as np
import pytest

from export_oracle import PYTHON, compare, inputs_for, load_log, run_checkpoint, run_symbol

V2_MAGIC = 0xF993FAC9


def write_legacy_params(path, arrays):
    """A params file in the oldest record layout (no magic, u32 dims), as MXNet <= 0.10 wrote."""
    buf = struct.pack("<QQQ", 0x112, 0, len(arrays))
    for v in arrays.values():
        v = np.ascontiguousarray(v, dtype="<f4")
        buf += struct.pack("<I", v.ndim) + struct.pack(f"<{v.ndim}I", *v.shape)
        buf += struct.pack("<iii", 1, 0, 0) + v.tobytes()
    buf += struct.pack("<Q", len(arrays))
    for k in arrays:
        buf += struct.pack("<Q", len(k)) + k.encode()
    path.write_bytes(buf)


def record_magics(path):
    """The first u32 of every record of a dense float32 params file written by mxio."""
    b = path.read_bytes()
    n = struct.unpack_from("<Q", b, 16)[0]
    pos, magics = 24, []
    for _ in range(n):
        magic = struct.unpack_from("<I", b, pos)[0]
        magics.append(magic)
        assert magic == V2_MAGIC, hex(magic)
        stype = struct.unpack_from("<i", b, pos + 4)[0]
        assert stype == 0
        ndim = struct.unpack_from("<I", b, pos + 8)[0]
        dims = struct.unpack_from(f"<{ndim}q", b, pos + 12)
        pos += 12 + 8 * ndim + 8  # dims, context
        dtype = struct.unpack_from("<i", b, pos)[0]
        pos += 4 + int(np.prod(dims)) * {0: 4, 2: 2}[dtype]
    return magics


def legacy_model(mx, tmp_path, sym_path, shapes, prefixed):
    """Random arrays for a legacy symbol, in a legacy-record params file; returns
    the params path and MXNet's own outputs for the legacy files."""
    sym = mx.sym.load(str(sym_path))
    arg_shapes, _, aux_shapes = sym.infer_shape(**shapes)
    rs = np.random.RandomState(3)
    args = {n: rs.uniform(-1, 1, s).astype(np.float32) / np.sqrt(np.prod(s[1:]) if len(s) > 1 else 1)
            for n, s in zip(sym.list_arguments(), arg_shapes)
            if n not in shapes and not n.endswith("label")}
    auxs = {n: rs.uniform(0.5, 1.5, s).astype(np.float32)
            for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    named = {}
    for k, v in args.items():
        named[f"arg:{k}" if prefixed else k] = v
    for k, v in auxs.items():
        named[f"aux:{k}" if prefixed else k] = v
    params = tmp_path / "old-0000.params"
    write_legacy_params(params, named)
    # MXNet reads the legacy records itself: its arrays, its outputs
    loaded = mx.nd.load(str(params))
    assert sorted(loaded) == sorted(named)
    strip = lambda k: k.split(":", 1)[-1]
    margs = {strip(k): v for k, v in loaded.items() if strip(k) in args}
    mauxs = {strip(k): v for k, v in loaded.items() if strip(k) in auxs}
    inputs = inputs_for(shapes)
    return params, inputs, run_symbol(mx, sym, margs, mauxs, inputs)


CASES = [("mxnet-fixtures/save_000800.json", {"data": (2, 100)}, False),
         ("squeezenet-v1.2/model-symbol.json", {"data": (1, 3, 224, 224)}, True)]


@pytest.mark.parametrize("verb", ["upgrade", "export"])
@pytest.mark.parametrize("rel,shapes,prefixed", CASES)
def test_legacy_model(mx, mxio, models, tmp_path, rel, shapes, prefixed, verb):
    src = models / rel
    old = tmp_path / "old-symbol.json"
    old.write_text(src.read_text())
    if verb == "upgrade":  # the control, once per model: MXNet takes its upgrade path here
        assert "Attempting to upgrade" in load_log(PYTHON, old)
    params, inputs, ref = legacy_model(mx, tmp_path, old, shapes, prefixed)
    out = tmp_path / "new-symbol.json"
    mxio(verb, old, "-o", out, "-q", check=0)
    text = out.read_text()
    g = json.loads(text)
    assert g["attrs"]["mxnet_version"] == ["int", 10901]
    assert all("param" not in n and "attr" not in n and "backward_source_id" not in n
               for n in g["nodes"])
    assert text == mx.sym.load(str(old)).tojson() or verb == "export"
    log = load_log(PYTHON, out)
    assert "upgrade" not in log.lower(), log
    new_params = tmp_path / "new-0000.params"
    assert len(record_magics(new_params)) == len(mx.nd.load(str(params)))
    keys = list(mx.nd.load(str(new_params)))
    assert all(k.startswith(("arg:", "aux:")) for k in keys), keys
    assert compare(run_checkpoint(mx, tmp_path / "new", inputs), ref)
