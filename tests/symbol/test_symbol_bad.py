"""Bad symbol files: each is refused with its own status and a message naming
the file and the place, never a crash (this file also runs under ASan/UBSan).

Statuses (docs/formats.md, "Symbol JSON"):
  MXIO_E_FORMAT   not JSON, or not a symbol at all (top level not an object, no "nodes")
  MXIO_E_CORRUPT  a symbol with a broken schema: missing keys, wrong JSON types,
                  unknown keys, entries of the wrong arity, bad graph attributes
  MXIO_E_GRAPH    well-formed JSON describing an impossible graph: dangling ids,
                  cycles, duplicate variable names, arg_nodes that are not variables
  MXIO_E_LIMIT    past a size limit (nesting, string length, inputs per node)
Where MXNet 1.9.1 also refuses the file, the test checks that too."""
import json

import pytest

import symbol_oracle as so

V = {"op": "null", "name": "x", "inputs": []}


def graph(nodes, arg_nodes=None, heads=None, **extra):
    g = {"nodes": nodes,
         "arg_nodes": [i for i, n in enumerate(nodes) if isinstance(n, dict) and n.get("op") == "null"] if arg_nodes is None else arg_nodes,
         "heads": [[len(nodes) - 1, 0, 0]] if heads is None else heads}
    g.update(extra)
    return json.dumps(g)


def relu(name, src):
    return {"op": "relu", "name": name, "inputs": [[src, 0, 0]]}


def nested_subgraphs(depth):
    g = {"nodes": [V], "arg_nodes": [0], "heads": [[0, 0, 0]]}
    for _ in range(depth):
        g = {"nodes": [{"op": "_foreach", "name": "f", "inputs": [], "subgraphs": [g]}],
             "arg_nodes": [], "heads": [[0, 0, 0]]}
    return json.dumps(g)


# id: (file text, status, message fragment, does MXNet 1.9.1 refuse it too?)
CASES = {
    "empty": ("", "MXIO_E_FORMAT", "not valid JSON", True),
    "binary": ("\x89PNG\r\n\x1a\n", "MXIO_E_FORMAT", "not valid JSON", True),
    "syntax_line_col": ('{\n  "nodes": [\n    {"op": "null",, }\n', "MXIO_E_FORMAT", "bad.json:3:", True),
    "truncated": (graph([V])[:-9], "MXIO_E_FORMAT", "not valid JSON", True),
    "top_level_array": ("[1, 2, 3]", "MXIO_E_FORMAT", "top level is an array", True),
    "no_nodes": ('{"arg_nodes": [], "heads": []}', "MXIO_E_FORMAT", 'missing "nodes"', True),
    "no_heads": ('{"nodes": [], "arg_nodes": []}', "MXIO_E_CORRUPT", 'missing "heads"', True),
    "no_arg_nodes": ('{"nodes": [], "heads": []}', "MXIO_E_CORRUPT", 'missing "arg_nodes"', True),
    "nodes_not_array": ('{"nodes": {}, "arg_nodes": [], "heads": []}', "MXIO_E_CORRUPT",
                        '"nodes" must be an array', True),
    "node_not_object": (graph([V, 7], heads=[[0, 0, 0]]), "MXIO_E_CORRUPT", "node 1", True),
    "name_not_string": (graph([{"op": "null", "name": 5, "inputs": []}]), "MXIO_E_CORRUPT",
                        '"name" must be a string', True),
    "op_json_null": (graph([{"op": None, "name": "x", "inputs": []}]), "MXIO_E_CORRUPT",
                     'must be the string "null"', True),
    "op_number": (graph([{"op": 3, "name": "x", "inputs": []}]), "MXIO_E_CORRUPT",
                  '"op" must be a string', True),
    "missing_inputs": (graph([{"op": "null", "name": "x"}]), "MXIO_E_CORRUPT", 'missing "inputs"', True),
    "inputs_not_array": (graph([{"op": "null", "name": "x", "inputs": 0}]), "MXIO_E_CORRUPT",
                         '"inputs" must be an array', True),
    "attr_value_number": (graph([{"op": "null", "name": "x", "inputs": [], "attrs": {"k": 1}}]),
                          "MXIO_E_CORRUPT", 'attribute "k"', True),
    "unknown_node_key": (graph([{"op": "null", "name": "x", "inputs": [], "extra": 1}]),
                         "MXIO_E_CORRUPT", "node 0 ('x'): unknown key \"extra\"", True),
    "unknown_top_key": (graph([V], foo=1), "MXIO_E_CORRUPT", 'unknown top-level key "foo"', True),
    "entry_arity_1": (graph([V, {"op": "relu", "name": "r", "inputs": [[0]]}]), "MXIO_E_CORRUPT",
                      "has 1 elements", True),
    "entry_arity_4": (graph([V, {"op": "relu", "name": "r", "inputs": [[0, 0, 0, 0]]}]),
                      "MXIO_E_CORRUPT", "has 4 elements", True),
    "negative_id": (graph([V, relu("r", -1)]), "MXIO_E_CORRUPT", "unsigned 32-bit", None),
    "id_past_u32": (graph([V, relu("r", 2 ** 32)]), "MXIO_E_CORRUPT", "unsigned 32-bit", None),
    "arg_nodes_string": (graph([V], arg_nodes=["0"]), "MXIO_E_CORRUPT", "arg_nodes", True),
    "graph_attr_unknown_type": (graph([V], attrs={"k": ["float", 1.5]}), "MXIO_E_CORRUPT",
                                '"float"', True),
    "mxnet_version_not_int": (graph([V], attrs={"mxnet_version": ["str", "10901"]}),
                              "MXIO_E_CORRUPT", "mxnet_version", True),
    "dangling_input": (graph([V, relu("r", 7)]), "MXIO_E_GRAPH",
                       "node 1 ('r'): input 0 refers to node 7", True),
    "dangling_control_dep": (graph([V, dict(relu("r", 0), control_deps=[9])]), "MXIO_E_GRAPH",
                             "control dependency 0 refers to node 9", True),
    "heads_out_of_range": (graph([V], heads=[[4, 0, 0]]), "MXIO_E_GRAPH", "heads[0] refers to node 4", True),
    "arg_nodes_out_of_range": (graph([V], arg_nodes=[3]), "MXIO_E_GRAPH", "arg_nodes[0] refers to node 3", True),
    "arg_nodes_not_variable": (graph([V, relu("r", 0)], arg_nodes=[1]), "MXIO_E_GRAPH",
                               "is not a variable", True),
    "variable_with_inputs": (graph([V, {"op": "null", "name": "y", "inputs": [[0, 0, 0]]}]),
                             "MXIO_E_GRAPH", "variable", None),
    "cycle": (graph([V, {"op": "elemwise_add", "name": "p", "inputs": [[0, 0, 0], [2, 0, 0]]}, relu("q", 1)]),
              "MXIO_E_GRAPH", "cycle", None),
    "self_loop": (graph([V, {"op": "elemwise_add", "name": "p", "inputs": [[0, 0, 0], [1, 0, 0]]}]),
                  "MXIO_E_GRAPH", "cycle", None),
    "duplicate_variables": (graph([V, dict(V), {"op": "elemwise_add", "name": "s", "inputs": [[0, 0, 0], [1, 0, 0]]}]),
                            "MXIO_E_GRAPH", "nodes 0 and 1 are both variables named 'x'", False),
    "deep_json": ('{"nodes": [], "arg_nodes": [], "heads": [], "attrs": {"x": ["list_int", ' + "[" * 100000,
                  "MXIO_E_LIMIT", "nested too deeply", True),
    "trailing_garbage": (graph([V]) + " }", "MXIO_E_FORMAT", "text after the end", None),
    "bad_escape": (graph([{"op": "null", "name": "a", "inputs": []}]).replace('"a"', '"a\\q"'),
                   "MXIO_E_FORMAT", "bad escape", True),
    "raw_newline_in_string": (graph([V]).replace('"x"', '"x\n"'), "MXIO_E_FORMAT", "raw control character", True),
    "deep_subgraphs": (nested_subgraphs(40), "MXIO_E_LIMIT", "nested deeper than", None),
    "huge_attr": (graph([{"op": "null", "name": "x", "inputs": [], "attrs": {"k": "v" * (1 << 21)}}]),
                  "MXIO_E_LIMIT", 'attribute "k"', None),
    "too_many_inputs": (graph([V, {"op": "add_n", "name": "s", "inputs": [[0, 0, 0]] * 70000}]),
                        "MXIO_E_LIMIT", "more than 65536 entries", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_symbol(build_dir, tmp_path, case):
    text, status, fragment, _ = CASES[case]
    src = tmp_path / "bad.json"
    src.write_bytes(text.encode("latin-1") if case == "binary" else text.encode())
    out = tmp_path / "out.json"
    p = so.roundtrip(build_dir, src, out)
    assert p.returncode not in (0,) and p.returncode < 128, p  # refused, not crashed
    assert p.stderr.startswith(status + ":"), p.stderr
    assert fragment in p.stderr, p.stderr
    assert "bad.json" in p.stderr
    assert not out.exists()


@pytest.mark.parametrize("case", sorted(c for c, v in CASES.items() if v[3] is not None))
def test_bad_symbol_mxnet_agrees(mx, tmp_path, case):
    """MXNet refuses the same files (or, for duplicate variable names, accepts what mxio refuses
    on purpose: weights are matched by name)."""
    text, _, _, mxnet_refuses = CASES[case]
    src = tmp_path / "bad.json"
    src.write_bytes(text.encode("latin-1") if case == "binary" else text.encode())
    if mxnet_refuses:
        with pytest.raises((mx.base.MXNetError, UnicodeDecodeError)):  # its message may not decode
            mx.sym.load(str(src))
    else:
        mx.sym.load(str(src))
