"""MXNet's own operator registry, read through its C API, and symbols made from
single ops: the oracle for mxio's op records (tests/ops/*)."""
import ctypes
import json
import re
import subprocess

import mxnet as mx
from mxnet.base import _LIB, check_call, c_str, c_str_array, mx_uint, py_str, SymbolHandle
from mxnet.symbol import Symbol


def op_handle(name):
    """The NNVM op handle for a name or alias, or None if MXNet does not know it."""
    h = ctypes.c_void_p()
    try:
        check_call(_LIB.NNGetOpHandle(c_str(name), ctypes.byref(h)))
    except mx.base.MXNetError:
        return None
    return h.value


def all_names():
    n = ctypes.c_uint()
    arr = ctypes.POINTER(ctypes.c_char_p)()
    check_call(_LIB.MXListAllOpNames(ctypes.byref(n), ctypes.byref(arr)))
    return [py_str(arr[i]) for i in range(n.value)]


def registry():
    """{canonical name: {"args": [(name, type string)], "aliases": [...]}}."""
    names = all_names()  # copy first: the next calls reuse MXNet's return buffers
    size = ctypes.c_uint()
    plist = ctypes.POINTER(ctypes.c_void_p)()
    check_call(_LIB.MXSymbolListAtomicSymbolCreators(ctypes.byref(size), ctypes.byref(plist)))
    handles = [plist[i] for i in range(size.value)]
    out, by_handle = {}, {}
    for h in handles:
        name, desc, rt, kv = (ctypes.c_char_p() for _ in range(4))
        num = ctypes.c_uint()
        an, at, ad = (ctypes.POINTER(ctypes.c_char_p)() for _ in range(3))
        check_call(_LIB.MXSymbolGetAtomicSymbolInfo(
            ctypes.c_void_p(h), ctypes.byref(name), ctypes.byref(desc), ctypes.byref(num),
            ctypes.byref(an), ctypes.byref(at), ctypes.byref(ad), ctypes.byref(kv),
            ctypes.byref(rt)))
        nm = py_str(name.value)
        out[nm] = {"args": [(py_str(an[i]), py_str(at[i])) for i in range(num.value)],
                   "aliases": [], "key_var_num_args": py_str(kv.value) if kv.value else None}
        by_handle[h] = nm
    for n in names:
        canon = by_handle.get(op_handle(n))
        if canon and canon != n:
            out[canon]["aliases"].append(n)
    return out


def is_input_type(t):
    return t.startswith("NDArray") or t.startswith("Symbol")


# Parameter kinds as MXNet spells their types; mxio's type must be one of these.
TYPE_KIND = [
    (r"^\{", {"enum"}),
    (r"^(int|long)( \(non-negative\))?,", {"int"}),
    (r"^(float|double|real_t),", {"float"}),
    (r"^boolean,", {"bool"}),
    (r"^Shape\(tuple\),", {"shape", "opt_shape"}),
    (r"^Shape or None,", {"shape"}),
    (r"^tuple of <(float|double)>,", {"floats"}),
    (r"^tuple of <long>,", {"shape"}),
    (r"^tuple of <Shape\(tuple\)>,", {"string"}),
    (r"^string", {"string"}),
    (r"^int or None,", {"opt_int"}),
    (r"^(float|double) or None,", {"opt_float"}),
    (r"^boolean or None,", {"opt_bool"}),
]


def type_kinds(t):
    for pat, kinds in TYPE_KIND:
        if re.match(pat, t):
            return kinds
    raise AssertionError(f"unknown MXNet type string {t!r}")


def enum_choices(t):
    m = re.match(r"\{(.*)\}", t)
    return {x.strip().strip("'") for x in m.group(1).split(",")}


def default_text(t):
    """MXNet's default as text, or None when the parameter is required."""
    parts = [p.strip() for p in t.split(",")]
    if "required" in parts:
        return None
    m = re.search(r"default=(.*)$", t)
    if not m:  # e.g. Custom's op_type: "string" with neither default nor "required"
        return None
    v = m.group(1).strip()
    if len(v) >= 2 and v[0] == v[-1] == "'":
        v = v[1:-1]
    return v


def parse_value(kind, text):
    """Python value of a default as MXNet prints it (the oracle side)."""
    if text == "None" and kind in ("opt_int", "opt_float", "opt_bool", "shape", "opt_shape"):
        return None
    if kind in ("int", "opt_int"):
        return int(text)
    if kind in ("float", "opt_float"):
        return float(text)
    if kind in ("bool", "opt_bool"):
        return {"0": False, "1": True, "false": False, "true": True}[text.lower()]
    if kind in ("shape", "opt_shape", "floats"):
        inner = text.strip()[1:-1].strip()
        items = [x.strip() for x in inner.split(",") if x.strip()] if inner else []
        conv = float if kind == "floats" else (lambda x: None if x == "None" else int(x.rstrip("L")))
        return [conv(x) for x in items]
    return text


def make(op, attrs, args=None, name="x"):
    """A symbol of one op, composed like mx.sym.<op>(*args, name=name, **attrs):
    missing inputs become variables named <name>_<input>."""
    h = ctypes.c_void_p(op_handle(op))
    keys = list(attrs)
    vals = [str(attrs[k]) for k in keys]
    sh = SymbolHandle()
    check_call(_LIB.MXSymbolCreateAtomicSymbol(h, mx_uint(len(keys)), c_str_array(keys),
                                               c_str_array(vals), ctypes.byref(sh)))
    s = Symbol(sh)
    s._compose(*(args or []), name=name)
    return s


def node_outputs(sym, node_name):
    """Total output count of a node, from node_row_ptr of MXNet's JSON."""
    g = json.loads(sym.tojson())
    ptr = g["node_row_ptr"]
    for i, n in enumerate(g["nodes"]):
        if n["name"] == node_name:
            return ptr[i + 1] - ptr[i]
    raise KeyError(node_name)


def ops_dump(build, *args):
    p = subprocess.run([str(build / "ops_dump"), *map(str, args)], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)
