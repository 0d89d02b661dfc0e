/* symbol_read.c - parse a symbol .json of any MXNet generation into struct mxio_symbol.
 *
 * The schema is the one nnvm's JSONGraph/JSONNode readers accept (MXNet 1.9.1),
 * which is a superset of every older writer: `attrs` (1.0+), `attr` (0.9-0.12),
 * `param` + `backward_source_id` + two-element entries (<= 0.8), `subgraphs`
 * (1.3+). Unknown keys and wrong JSON types are errors, as in MXNet, but with a
 * message naming the file, the node and the key. Ranges of ids and graph shape
 * are checked afterwards by mxio__symbol_validate. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "symbol.h"

typedef struct rctx {
    const char *label;
    mxio_error *err;
} rctx;

/* Where in the file an error is: the (sub)graph path plus the node. */
typedef struct where {
    const char *path; /* "" for the main graph, "node 4 ('x') subgraph 0: " inside one */
    int64_t node;     /* -1 for graph-level keys */
    const char *name; /* node name when known */
} where;

static const char *type_name(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "?";
}

__attribute__((format(printf, 4, 5))) static mxio_status bad(rctx *c, mxio_status code,
                                                             const where *w, const char *fmt,
                                                             ...) {
    char msg[600], name[96] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w && w->node >= 0) {
        char q[80];
        mxio__printable(q, sizeof q, w->name ? w->name : "", w->name ? strlen(w->name) : 0);
        snprintf(name, sizeof name, "node %lld ('%s'): ", (long long)w->node, q);
    }
    return mxio__fail_at(c->err, code, -1, w && !w->path[0] ? w->node : -1, -1, "%s: %s%s%s",
                         c->label, w ? w->path : "", name, msg);
}

static bool get_u32(const json_t *v, uint32_t *out) {
    if (!json_is_integer(v)) return false;
    json_int_t x = json_integer_value(v);
    if (x < 0 || (uint64_t)x > UINT32_MAX) return false;
    *out = (uint32_t)x;
    return true;
}

static mxio_status check_string(rctx *c, const where *w, const char *what, const json_t *v) {
    if (!json_is_string(v))
        return bad(c, MXIO_E_CORRUPT, w, "%s must be a string, found %s", what, type_name(v));
    if (json_string_length(v) > MXIO__SYMBOL_MAX_STRING)
        return bad(c, MXIO_E_LIMIT, w, "%s is %zu bytes long (limit %zu)", what,
                   json_string_length(v), MXIO__SYMBOL_MAX_STRING);
    return MXIO_OK;
}

static mxio_status parse_uints(rctx *c, const where *w, const char *what, const json_t *arr,
                               uint32_t **out, size_t *n, size_t limit) {
    if (!json_is_array(arr))
        return bad(c, MXIO_E_CORRUPT, w, "\"%s\" must be an array of node ids, found %s", what,
                   type_name(arr));
    size_t len = json_array_size(arr);
    if (len > limit)
        return bad(c, MXIO_E_LIMIT, w, "\"%s\" has %zu elements (limit %zu)", what, len, limit);
    uint32_t *v = len ? mxio__calloc_array(len, sizeof *v) : NULL;
    if (len && !v) return bad(c, MXIO_E_NOMEM, w, "out of memory reading \"%s\"", what);
    for (size_t i = 0; i < len; i++) {
        const json_t *x = json_array_get(arr, i);
        if (!get_u32(x, &v[i])) {
            free(v);
            return bad(c, MXIO_E_CORRUPT, w,
                       "\"%s\"[%zu] must be an unsigned 32-bit integer, found %s", what, i,
                       type_name(x));
        }
    }
    *out = v;
    *n = len;
    return MXIO_OK;
}

/* Entries are [node, output, version]; <= 0.8 wrote [node, output]. */
static mxio_status parse_entries(rctx *c, const where *w, const char *what, const json_t *arr,
                                 mxio__entry **out, size_t *n, size_t limit) {
    if (!json_is_array(arr))
        return bad(c, MXIO_E_CORRUPT, w, "\"%s\" must be an array of entries, found %s", what,
                   type_name(arr));
    size_t len = json_array_size(arr);
    if (len > limit)
        return bad(c, MXIO_E_LIMIT, w, "\"%s\" has %zu entries (limit %zu)", what, len, limit);
    mxio__entry *v = len ? mxio__calloc_array(len, sizeof *v) : NULL;
    if (len && !v) return bad(c, MXIO_E_NOMEM, w, "out of memory reading \"%s\"", what);
    for (size_t i = 0; i < len; i++) {
        const json_t *e = json_array_get(arr, i);
        size_t k = json_is_array(e) ? json_array_size(e) : 0;
        if (!json_is_array(e) || k < 2 || k > 3) {
            free(v);
            if (!json_is_array(e))
                return bad(c, MXIO_E_CORRUPT, w,
                           "\"%s\"[%zu] must be an entry [node, output, version], found %s", what,
                           i, type_name(e));
            return bad(c, MXIO_E_CORRUPT, w,
                       "\"%s\"[%zu] has %zu elements; an entry is [node, output, version] "
                       "(or [node, output] before 0.9)",
                       what, i, k);
        }
        uint32_t f[3] = {0, 0, 0};
        for (size_t j = 0; j < k; j++) {
            if (!get_u32(json_array_get(e, j), &f[j])) {
                free(v);
                return bad(c, MXIO_E_CORRUPT, w,
                           "\"%s\"[%zu][%zu] must be an unsigned 32-bit integer, found %s", what,
                           i, j, type_name(json_array_get(e, j)));
            }
        }
        v[i].node = f[0];
        v[i].index = f[1];
        v[i].version = f[2];
    }
    *out = v;
    *n = len;
    return MXIO_OK;
}

static int kv_cmp(const void *a, const void *b) {
    return strcmp(((const mxio__kv *)a)->key, ((const mxio__kv *)b)->key);
}

static mxio_status check_string_map(rctx *c, const where *w, const char *key, const json_t *obj) {
    if (!json_is_object(obj))
        return bad(c, MXIO_E_CORRUPT, w, "\"%s\" must be an object of strings, found %s", key,
                   type_name(obj));
    if (json_object_size(obj) > MXIO__SYMBOL_MAX_ATTRS)
        return bad(c, MXIO_E_LIMIT, w, "\"%s\" has %zu attributes (limit %zu)", key,
                   json_object_size(obj), MXIO__SYMBOL_MAX_ATTRS);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        if (!json_is_string(v))
            return bad(c, MXIO_E_CORRUPT, w,
                       "attribute \"%s\" in \"%s\" must be a string, found %s (MXNet stores every "
                       "attribute value as a string)",
                       k, key, type_name(v));
        if (strlen(k) > MXIO__SYMBOL_MAX_STRING || json_string_length(v) > MXIO__SYMBOL_MAX_STRING)
            return bad(c, MXIO_E_LIMIT, w, "attribute \"%.64s\" is longer than %zu bytes", k,
                       MXIO__SYMBOL_MAX_STRING);
    }
    return MXIO_OK;
}

/* nnvm reads `attrs` and `attr` into the same dict (a later one replaces an
 * earlier one), then inserts `param` entries without overwriting. */
static mxio_status build_attrs(rctx *c, const where *w, mxio__node *n, const json_t *dict,
                               const json_t *param) {
    size_t cap = (dict ? json_object_size(dict) : 0) + (param ? json_object_size(param) : 0);
    if (cap == 0) return MXIO_OK;
    n->attrs = mxio__calloc_array(cap, sizeof *n->attrs);
    if (!n->attrs) return bad(c, MXIO_E_NOMEM, w, "out of memory for attributes");
    const char *k;
    json_t *v;
    for (int pass = 0; pass < 2; pass++) {
        const json_t *obj = pass == 0 ? dict : param;
        if (!obj) continue;
        json_object_foreach((json_t *)obj, k, v) {
            if (pass == 1 && dict && json_object_get(dict, k)) continue;
            mxio__kv *kv = &n->attrs[n->nattrs];
            kv->key = mxio__strdup(k);
            kv->value = mxio__strdup(json_string_value(v));
            if (!kv->key || !kv->value) {
                free(kv->key);
                free(kv->value);
                return bad(c, MXIO_E_NOMEM, w, "out of memory for attributes");
            }
            n->nattrs++;
        }
    }
    qsort(n->attrs, n->nattrs, sizeof *n->attrs, kv_cmp);
    if (n->nattrs > MXIO__SYMBOL_MAX_ATTRS)
        return bad(c, MXIO_E_LIMIT, w, "%zu attributes (limit %zu)", n->nattrs,
                   MXIO__SYMBOL_MAX_ATTRS);
    return MXIO_OK;
}

static mxio_status parse_graph(rctx *c, const json_t *root, struct mxio_symbol *s, int depth,
                               const char *path);

static mxio_status parse_node(rctx *c, const json_t *obj, mxio__node *n, size_t id, int depth,
                              const char *path) {
    where w = {path, (int64_t)id, NULL};
    if (!json_is_object(obj))
        return bad(c, MXIO_E_CORRUPT, &w, "a node must be an object, found %s", type_name(obj));
    const json_t *name = json_object_get(obj, "name");
    if (json_is_string(name)) w.name = json_string_value(name);

    const json_t *op = NULL, *inputs = NULL, *dict = NULL, *param = NULL;
    const char *key;
    json_t *v;
    mxio_status st;
    json_object_foreach((json_t *)obj, key, v) {
        if (strcmp(key, "op") == 0) {
            op = v;
        } else if (strcmp(key, "name") == 0) {
            if ((st = check_string(c, &w, "\"name\"", v))) return st;
        } else if (strcmp(key, "inputs") == 0) {
            inputs = v;
        } else if (strcmp(key, "attrs") == 0 || strcmp(key, "attr") == 0) {
            if ((st = check_string_map(c, &w, key, v))) return st;
            dict = v;
            n->spelling |= key[4] == 's' ? MXIO__SPELL_ATTRS : MXIO__SPELL_ATTR;
        } else if (strcmp(key, "param") == 0) {
            if ((st = check_string_map(c, &w, key, v))) return st;
            param = v;
            n->spelling |= MXIO__SPELL_PARAM;
        } else if (strcmp(key, "control_deps") == 0) {
            if ((st = parse_uints(c, &w, "control_deps", v, &n->control_deps, &n->ncontrol_deps,
                                  MXIO__SYMBOL_MAX_INPUTS)))
                return st;
        } else if (strcmp(key, "subgraphs") == 0) {
            if (!json_is_array(v))
                return bad(c, MXIO_E_CORRUPT, &w, "\"subgraphs\" must be an array, found %s",
                           type_name(v));
            if (depth + 1 > MXIO__SYMBOL_MAX_DEPTH)
                return bad(c, MXIO_E_LIMIT, &w, "subgraphs nested deeper than %d levels",
                           MXIO__SYMBOL_MAX_DEPTH);
            size_t k = json_array_size(v);
            if (k > MXIO__SYMBOL_MAX_INPUTS)
                return bad(c, MXIO_E_LIMIT, &w, "%zu subgraphs (limit %zu)", k,
                           MXIO__SYMBOL_MAX_INPUTS);
            n->subgraphs = k ? mxio__calloc_array(k, sizeof *n->subgraphs) : NULL;
            if (k && !n->subgraphs) return bad(c, MXIO_E_NOMEM, &w, "out of memory");
            for (size_t i = 0; i < k; i++) {
                struct mxio_symbol *sub = calloc(1, sizeof *sub);
                if (!sub) return bad(c, MXIO_E_NOMEM, &w, "out of memory");
                n->subgraphs[n->nsubgraphs++] = sub;
                char q[80], subpath[400];
                mxio__printable(q, sizeof q, w.name ? w.name : "", w.name ? strlen(w.name) : 0);
                snprintf(subpath, sizeof subpath, "%snode %zu ('%s') subgraph %zu: ", path, id, q,
                         i);
                if ((st = parse_graph(c, json_array_get(v, i), sub, depth + 1, subpath)))
                    return st;
            }
        } else if (strcmp(key, "backward_source_id") == 0) {
            if (!json_is_integer(v))
                return bad(c, MXIO_E_CORRUPT, &w, "\"backward_source_id\" must be an integer");
            n->has_backward_source_id = 1;
        } else {
            char q[80];
            mxio__printable(q, sizeof q, key, strlen(key));
            return bad(c, MXIO_E_CORRUPT, &w,
                       "unknown key \"%s\" (a node has op, name, inputs, attrs/attr/param, "
                       "control_deps, subgraphs, backward_source_id)",
                       q);
        }
    }
    if (!op) return bad(c, MXIO_E_CORRUPT, &w, "missing \"op\"");
    if (json_is_null(op))
        return bad(c, MXIO_E_CORRUPT, &w,
                   "\"op\" is JSON null; a variable's op must be the string \"null\"");
    if ((st = check_string(c, &w, "\"op\"", op))) return st;
    if (!name) return bad(c, MXIO_E_CORRUPT, &w, "missing \"name\"");
    if (!inputs) return bad(c, MXIO_E_CORRUPT, &w, "missing \"inputs\"");
    if ((st = parse_entries(c, &w, "inputs", inputs, &n->inputs, &n->ninputs,
                            MXIO__SYMBOL_MAX_INPUTS)))
        return st;
    n->op = mxio__strdup(json_string_value(op));
    n->name = mxio__strdup(json_string_value(name));
    if (!n->op || !n->name) return bad(c, MXIO_E_NOMEM, &w, "out of memory");
    return build_attrs(c, &w, n, dict, param);
}

/* Graph attribute types a stock MXNet 1.9.1 registers for its `any` reader;
 * anything else makes MXNet abort, so it is refused here too. */
static bool known_any_type(const char *t) {
    static const char *const names[] = {"int",        "str",         "list_int",
                                        "list_str",   "list_shape",  "size_t",
                                        "list_layout", "dict_str_int", NULL};
    for (const char *const *p = names; *p; p++)
        if (strcmp(*p, t) == 0) return true;
    return false;
}

static mxio_status parse_graph_attrs(rctx *c, const where *w, const json_t *obj,
                                     struct mxio_symbol *s) {
    if (!json_is_object(obj))
        return bad(c, MXIO_E_CORRUPT, w, "graph \"attrs\" must be an object, found %s",
                   type_name(obj));
    size_t k = json_object_size(obj);
    if (k > MXIO__SYMBOL_MAX_ATTRS)
        return bad(c, MXIO_E_LIMIT, w, "graph \"attrs\" has %zu keys (limit %zu)", k,
                   MXIO__SYMBOL_MAX_ATTRS);
    s->graph_attrs = k ? mxio__calloc_array(k, sizeof *s->graph_attrs) : NULL;
    if (k && !s->graph_attrs) return bad(c, MXIO_E_NOMEM, w, "out of memory");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        const json_t *t = json_array_get(v, 0);
        if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_string(t))
            return bad(c, MXIO_E_CORRUPT, w,
                       "graph attribute \"%.64s\" must be a pair [\"<type>\", value]", key);
        if (!known_any_type(json_string_value(t)))
            return bad(c, MXIO_E_CORRUPT, w,
                       "graph attribute \"%.64s\" has type \"%.64s\", which MXNet does not know",
                       key, json_string_value(t));
        const json_t *val = json_array_get(v, 1);
        if (strcmp(key, "mxnet_version") == 0) {
            json_int_t x = json_is_integer(val) ? json_integer_value(val) : -1;
            if (strcmp(json_string_value(t), "int") != 0 || x < 0 || x > INT32_MAX)
                return bad(c, MXIO_E_CORRUPT, w,
                           "graph attribute \"mxnet_version\" must be [\"int\", <version>]");
            s->file_version = (int)x;
        }
        mxio__graph_attr *g = &s->graph_attrs[s->ngraph_attrs];
        g->key = mxio__strdup(key);
        g->type = mxio__strdup(json_string_value(t));
        g->value_json = json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!g->key || !g->type || !g->value_json) {
            free(g->key);
            free(g->type);
            free(g->value_json);
            return bad(c, MXIO_E_NOMEM, w, "out of memory");
        }
        s->ngraph_attrs++;
    }
    return MXIO_OK;
}

static mxio_status parse_graph(rctx *c, const json_t *root, struct mxio_symbol *s, int depth,
                               const char *path) {
    where w = {path, -1, NULL};
    if (!json_is_object(root))
        return bad(c, depth == 0 ? MXIO_E_FORMAT : MXIO_E_CORRUPT, &w,
                   "%s is %s, not an object with \"nodes\", \"arg_nodes\" and \"heads\"",
                   depth == 0 ? "the top level" : "a subgraph", type_name(root));
    s->file_version = 800;
    const json_t *nodes = NULL, *arg_nodes = NULL, *heads = NULL, *row_ptr = NULL, *attrs = NULL;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)root, key, v) {
        if (strcmp(key, "nodes") == 0)
            nodes = v;
        else if (strcmp(key, "arg_nodes") == 0)
            arg_nodes = v;
        else if (strcmp(key, "heads") == 0)
            heads = v;
        else if (strcmp(key, "node_row_ptr") == 0)
            row_ptr = v;
        else if (strcmp(key, "attrs") == 0)
            attrs = v;
        else {
            char q[80];
            mxio__printable(q, sizeof q, key, strlen(key));
            return bad(c, depth == 0 && !json_object_get(root, "nodes") ? MXIO_E_FORMAT
                                                                         : MXIO_E_CORRUPT,
                       &w,
                       "unknown top-level key \"%s\" (a symbol has nodes, arg_nodes, "
                       "node_row_ptr, heads, attrs)",
                       q);
        }
    }
    if (!nodes) return bad(c, depth == 0 ? MXIO_E_FORMAT : MXIO_E_CORRUPT, &w, "missing \"nodes\"");
    if (!arg_nodes) return bad(c, MXIO_E_CORRUPT, &w, "missing \"arg_nodes\"");
    if (!heads) return bad(c, MXIO_E_CORRUPT, &w, "missing \"heads\"");
    if (!json_is_array(nodes))
        return bad(c, MXIO_E_CORRUPT, &w, "\"nodes\" must be an array, found %s",
                   type_name(nodes));
    size_t nn = json_array_size(nodes);
    if (nn > MXIO__SYMBOL_MAX_NODES)
        return bad(c, MXIO_E_LIMIT, &w, "%zu nodes (limit %zu)", nn, MXIO__SYMBOL_MAX_NODES);
    s->nodes = nn ? mxio__calloc_array(nn, sizeof *s->nodes) : NULL;
    if (nn && !s->nodes) return bad(c, MXIO_E_NOMEM, &w, "out of memory for %zu nodes", nn);
    mxio_status st;
    for (size_t i = 0; i < nn; i++) {
        s->nnodes = i + 1; /* so a failure frees what this node holds */
        if ((st = parse_node(c, json_array_get(nodes, i), &s->nodes[i], i, depth, path)))
            return st;
    }
    if ((st = parse_uints(c, &w, "arg_nodes", arg_nodes, &s->arg_nodes, &s->narg_nodes,
                          MXIO__SYMBOL_MAX_NODES)))
        return st;
    if ((st = parse_entries(c, &w, "heads", heads, &s->heads, &s->nheads, MXIO__SYMBOL_MAX_NODES)))
        return st;
    if (row_ptr) {
        if ((st = parse_uints(c, &w, "node_row_ptr", row_ptr, &s->file_row_ptr, &s->nfile_row_ptr,
                              MXIO__SYMBOL_MAX_NODES + 1)))
            return st;
        if (s->nfile_row_ptr) {
            s->node_row_ptr = mxio__calloc_array(s->nfile_row_ptr, sizeof *s->node_row_ptr);
            if (!s->node_row_ptr) return bad(c, MXIO_E_NOMEM, &w, "out of memory");
            memcpy(s->node_row_ptr, s->file_row_ptr, s->nfile_row_ptr * sizeof *s->node_row_ptr);
        }
        s->nnode_row_ptr = s->nfile_row_ptr;
        s->has_row_ptr_key = 1;
    }
    if (attrs) {
        s->has_graph_attrs_key = 1;
        if ((st = parse_graph_attrs(c, &w, attrs, s))) return st;
    }
    return MXIO_OK;
}

mxio_status mxio__symbol_parse(const char *json, size_t len, const char *label,
                               struct mxio_symbol **out, mxio_error *err) {
    *out = NULL;
    rctx c = {label ? label : "<buffer>", err};
    if (len > MXIO__SYMBOL_MAX_TEXT)
        return mxio__fail(err, MXIO_E_LIMIT, "%s: %zu bytes of JSON (limit %zu)", c.label, len,
                          MXIO__SYMBOL_MAX_TEXT);
    json_error_t je;
    json_t *root = json_loadb(json, len, 0, &je);
    if (!root) {
        bool oom = strstr(je.text, "out of memory") != NULL;
        bool deep = strstr(je.text, "maximum parsing depth") != NULL;
        return mxio__fail_at(err, oom ? MXIO_E_NOMEM : deep ? MXIO_E_LIMIT : MXIO_E_FORMAT,
                             je.position, -1, -1, "%s:%d:%d: %s: %s (byte %d)", c.label, je.line,
                             je.column, deep ? "JSON nested too deeply" : "not valid JSON",
                             je.text, je.position);
    }
    struct mxio_symbol *s = calloc(1, sizeof *s);
    mxio_status st = MXIO_E_NOMEM;
    if (!s || !(s->label = mxio__strdup(c.label))) {
        st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", c.label);
    } else {
        st = parse_graph(&c, root, s, 0, "");
    }
    json_decref(root);
    if (st != MXIO_OK) {
        mxio__symbol_destroy(s);
        return st;
    }
    *out = s;
    return MXIO_OK;
}
