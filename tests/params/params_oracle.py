"""Helpers for the params oracle tests: run tests/tools/params_dump and compare
what mxio sees with what real MXNet 1.9.1 loads."""
import json
import os
import pathlib
import subprocess

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
BUILD = ROOT / os.environ.get("MXIO_BUILD", "build")
TOOL = BUILD / "params_dump"

# MXNet 1.x spells bfloat16 as this structured dtype (python/mxnet/ndarray/ndarray.py)
BF16 = np.dtype([("bfloat16", np.uint16)])

# status values from include/mxio.h
E_FORMAT, E_TRUNCATED, E_CORRUPT, E_LIMIT, E_UNSUPPORTED = 7, 8, 9, 10, 11


def run(*args, check=True):
    assert TOOL.exists(), f"{TOOL} not built"
    p = subprocess.run([str(TOOL), *map(str, args)], capture_output=True, timeout=600)
    if check:
        assert p.returncode == 0, (args, p.returncode, p.stderr.decode(errors="replace")[-3000:])
    return p


def dump(path, tmp, reader="json"):
    """mxio's view of `path`: (parsed JSON, payload bytes blob)."""
    blob = pathlib.Path(tmp) / (pathlib.Path(path).name + ".payload")
    p = run(reader, path, blob)
    return json.loads(p.stdout), blob.read_bytes()


def data_of(ref, blob):
    return blob[ref["at"]:ref["at"] + ref["len"]]


def dtype_name(dt):
    dt = np.dtype(dt)
    if dt == BF16:
        return "bfloat16"
    if dt == np.bool_:
        return "bool"
    return dt.name


def raw(nd):
    return np.ascontiguousarray(nd.asnumpy()).tobytes()


def as_pairs(loaded):
    if isinstance(loaded, dict):
        return list(loaded.items())
    return [(None, v) for v in loaded]


def assert_agrees(loaded, dumped, blob):
    """mxio's dump equals MXNet's load: names, dtypes, shapes, every payload byte."""
    pairs = as_pairs(loaded)
    arrays = dumped["arrays"]
    assert dumped["has_names"] == (1 if isinstance(loaded, dict) else 0)
    assert len(arrays) == len(pairs)
    for (name, nd), a in zip(pairs, arrays):
        assert a["name"] == name
        assert not a["is_none"]
        assert a["dtype"] == dtype_name(nd.dtype), (name, a["dtype"], nd.dtype)
        assert tuple(a["shape"]) == tuple(nd.shape), (name, a["shape"], nd.shape)
        stype = getattr(nd, "stype", "default")
        assert a["storage"] == {"default": 0, "row_sparse": 1, "csr": 2}[stype]
        if stype == "default":
            assert data_of(a["data"], blob) == raw(nd), name
        elif stype == "row_sparse":
            assert data_of(a["data"], blob) == raw(nd.data)
            assert data_of(a["aux"][0]["data"], blob) == raw(nd.indices)
            assert a["aux"][0]["dtype"] == dtype_name(nd.indices.dtype)
        else:
            assert data_of(a["data"], blob) == raw(nd.data)
            assert data_of(a["aux"][0]["data"], blob) == raw(nd.indptr)
            assert data_of(a["aux"][1]["data"], blob) == raw(nd.indices)


def rewrite(src, dst, *extra):
    run("rewrite", src, dst, *extra)
    return pathlib.Path(dst).read_bytes()
