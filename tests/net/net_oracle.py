"""Helpers for the Net oracle tests: run tests/tools/net_tool, make models with
MXNet, and work out from MXNet what the Net must look like."""
import json
import subprocess


def run_tool(build_dir, *args):
    p = subprocess.run([str(build_dir / "net_tool"), *map(str, args)], capture_output=True,
                       text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def build_net(build_dir, symbol, params=None, output=None, keep=False, element="net"):
    args = ["build", symbol, "-e", element]
    if params:
        args += ["-p", params]
    if output:
        args += ["-o", output]
    if keep:
        args += ["-k"]
    code, out, err = run_tool(build_dir, *args)
    assert code == 0, f"net_tool {args}: exit {code}: {err}"
    return json.loads(out), out


def mx_graph(sym):
    """MXNet's own view of the graph after loading (upgrades and aliases applied)."""
    return json.loads(sym.tojson())


def op_nodes(graph):
    return [n for n in graph["nodes"] if n["op"] != "null"]


def unique_names(graph):
    """Layer names as the spec makes them: repeated names get "_<node index>"."""
    seen, out = set(), []
    for i, n in enumerate(graph["nodes"]):
        if n["op"] == "null":
            continue
        out.append(n["name"] if n["name"] not in seen else f"{n['name']}_{i}")
        seen.add(n["name"])
    return out


def is_chain(graph, data_inputs):
    """The NetChain definition, evaluated on MXNet's graph: one data input, one
    output, and every op fed (apart from weights and labels) by exactly the op
    before it, whose output nothing else takes."""
    nodes = graph["nodes"]
    ops = [i for i, n in enumerate(nodes) if n["op"] != "null"]
    if len(data_inputs) != 1 or len(graph["heads"]) != 1 or not ops:
        return False
    data_ids = {i for i, n in enumerate(nodes) if n["op"] == "null" and n["name"] in data_inputs}
    for k, i in enumerate(ops):
        feeds = [e for e in nodes[i]["inputs"]
                 if nodes[e[0]]["op"] != "null" or e[0] in data_ids]
        if len(feeds) != 1:
            return False
        src = feeds[0]
        if k == 0:
            if src[0] not in data_ids:
                return False
        elif src[0] != ops[k - 1] or src[1] != 0:
            return False
    users = {}
    for i in ops:
        for e in nodes[i]["inputs"]:
            if nodes[e[0]]["op"] != "null":
                users.setdefault(e[0], []).append(i)
    for k, i in enumerate(ops[:-1]):
        if users.get(i, []) != [ops[k + 1]]:
            return False
    h = graph["heads"][0]
    return h[0] == ops[-1] and h[1] == 0


def expected_roles(sym, data_shapes, arg_params=None):
    """(data inputs, weights, aux, labels) by MXNet: labels are the *_label
    arguments, weights are the arguments MXNet infers a shape for from the data
    shapes alone (or finds in the params), the rest are data."""
    args = sym.list_arguments()
    aux = sym.list_auxiliary_states()
    labels = [a for a in args if a.endswith("label")]
    arg_shapes, _, _ = sym.infer_shape_partial(**data_shapes)
    weights = []
    for a, s in zip(args, arg_shapes):
        if a in labels or a in data_shapes:
            continue
        if (arg_params is not None and a in arg_params) or (s and all(d > 0 for d in s)):
            weights.append(a)
    data = [a for a in args if a not in labels and a not in weights]
    return data, weights, aux, labels


def net_arrays(net):
    """{variable: (shape or None, role)} over every layer's array slots."""
    out = {}
    for layer in net["layers"]:
        for a in layer.get("arrays", []):
            if a["variable"] is None:
                continue
            out[a["variable"]] = (a.get("shape"), a["role"], a["state"])
    return out


def mx_op_defaults():
    """{op name (canonical and aliases): {param: default string}} from MXNet's own
    registry (MXSymbolGetAtomicSymbolInfo type strings "..., optional, default=X")."""
    import ctypes
    from mxnet.base import _LIB, check_call, py_str
    size = ctypes.c_uint()
    plist = ctypes.POINTER(ctypes.c_void_p)()
    check_call(_LIB.MXSymbolListAtomicSymbolCreators(ctypes.byref(size), ctypes.byref(plist)))
    handles = [plist[i] for i in range(size.value)]
    out = {}
    for h in handles:
        name, desc, rt, kv = (ctypes.c_char_p() for _ in range(4))
        num = ctypes.c_uint()
        an, at, ad = (ctypes.POINTER(ctypes.c_char_p)() for _ in range(3))
        check_call(_LIB.MXSymbolGetAtomicSymbolInfo(
            ctypes.c_void_p(h), ctypes.byref(name), ctypes.byref(desc), ctypes.byref(num),
            ctypes.byref(an), ctypes.byref(at), ctypes.byref(ad), ctypes.byref(kv),
            ctypes.byref(rt)))
        d = {}
        for i in range(num.value):
            t = py_str(at[i])
            if "default=" in t:
                d[py_str(an[i])] = t.split("default=", 1)[1].strip().strip("'\"")
        out[py_str(name.value)] = d
    return out


def attr_value(s):
    """An attribute string as a comparable value: tuples as tuples of numbers/None,
    booleans and numbers as floats ("True" == "1"), anything else as text."""
    s = str(s).strip().strip("'\"")
    if s[:1] in "([" and s[-1:] in ")]":
        items = [x.strip().rstrip("L") for x in s[1:-1].split(",") if x.strip()]
        return tuple(attr_value(x) for x in items)
    if s in ("True", "true"):
        return 1.0
    if s in ("False", "false"):
        return 0.0
    if s == "None":
        return None
    try:
        return float(s.rstrip("L"))
    except ValueError:
        return s


def same_attr(a, b):
    va, vb = attr_value(a), attr_value(b)
    if isinstance(va, tuple) and len(va) == 1 and not isinstance(vb, tuple):
        va = va[0]
    if isinstance(vb, tuple) and len(vb) == 1 and not isinstance(va, tuple):
        vb = vb[0]
    if isinstance(va, float) and isinstance(vb, float):
        return abs(va - vb) <= 1e-12 * max(1.0, abs(va))
    return va == vb
