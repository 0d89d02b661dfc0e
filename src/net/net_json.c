/* net_json.c - the Net JSON form (docs/layers.md): written for people and tools,
 * and read back losslessly for export. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "net.h"

#define NET_FORMAT "mxio.net"
#define NET_FORMAT_VERSION 1

#define jstr mxio__json_str

static const char *role_key(mxio_role r) {
    switch (r) {
    case MXIO_ROLE_AUX: return "aux";
    case MXIO_ROLE_DATA: return "constant";
    default: return "weight";
    }
}

static const char *state_key(mxio__array_state s) {
    return s == MXIO__ARRAY_SET ? "set" : s == MXIO__ARRAY_NONE ? "none" : "unset";
}

static json_t *kv_object(const mxio__kv *kv, size_t n) {
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++) mxio__json_set(o, kv[i].key, jstr(kv[i].value));
    return o;
}

static json_t *shape_array(int ndim, const int64_t *d) {
    json_t *a = json_array();
    for (int i = 0; a && i < ndim; i++)
        json_array_append_new(a, d[i] < 0 ? json_null() : json_integer(d[i]));
    return a;
}

static json_t *src_object(const struct mxio_net *net, const mxio__layer *l,
                          const mxio__layer_src *s) {
    json_t *o = json_object();
    if (!o) return NULL;
    switch (s->kind) {
    case MXIO__SRC_INPUT:
        json_object_set_new(o, "input", jstr(net->inputs[s->index].name));
        break;
    case MXIO__SRC_LAYER:
        json_object_set_new(o, "layer", jstr(net->layers[s->index].name));
        json_object_set_new(o, "port", json_integer(s->port));
        break;
    case MXIO__SRC_ARRAY:
        if (l && s->index < l->narrays)
            json_object_set_new(o, "array", jstr(l->arrays[s->index].slot));
        else
            json_object_set_new(o, "array", json_null());
        break;
    case MXIO__SRC_LABEL:
        json_object_set_new(o, "label", jstr(net->labels[s->index].name));
        break;
    }
    return o;
}

mxio_status mxio__net_write_json(const struct mxio_net *net, bool with_arrays, mxio__buf *out,
                                 mxio_error *err) {
    json_t *root = json_object();
    if (!root) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    json_object_set_new(root, "format", jstr(NET_FORMAT));
    json_object_set_new(root, "version", json_integer(NET_FORMAT_VERSION));
    json_object_set_new(root, "kind", jstr(net->is_chain ? "NetChain" : "NetGraph"));
    json_object_set_new(root, "source", jstr(net->label ? net->label : ""));
    json_object_set_new(root, "mxnet_version", json_integer(net->file_version));
    json_object_set_new(root, "initialized", json_boolean(with_arrays && net->initialized));

    json_t *inputs = json_array();
    for (size_t i = 0; i < net->ninputs; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", jstr(net->inputs[i].name));
        json_object_set_new(o, "node", json_integer(net->inputs[i].node));
        json_object_set_new(o, "attrs", kv_object(net->inputs[i].attrs, net->inputs[i].nattrs));
        json_array_append_new(inputs, o);
    }
    json_object_set_new(root, "inputs", inputs);

    json_t *outputs = json_array();
    for (size_t i = 0; i < net->noutputs; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", jstr(net->outputs[i].name));
        json_object_set_new(o, "from", src_object(net, NULL, &net->outputs[i].src));
        json_array_append_new(outputs, o);
    }
    json_object_set_new(root, "outputs", outputs);

    json_t *labels = json_array();
    for (size_t i = 0; i < net->nlabels; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", jstr(net->labels[i].name));
        json_object_set_new(o, "node", json_integer(net->labels[i].node));
        json_array_append_new(labels, o);
    }
    json_object_set_new(root, "labels", labels);

    json_t *layers = json_array();
    json_t *edges = json_array();
    mxio_status st = MXIO_OK;
    for (size_t i = 0; i < net->nlayers && !st; i++) {
        const mxio__layer *l = &net->layers[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", jstr(l->name));
        json_object_set_new(o, "type", l->type ? jstr(l->type->name) : json_null());
        if (l->failure) json_object_set_new(o, "failure", jstr(l->failure));
        if (l->type) {
            json_t *opts = json_object();
            for (size_t k = 0; l->type->options[k].name; k++) {
                json_error_t je;
                json_t *v = json_loads(l->values[k], JSON_DECODE_ANY, &je);
                if (!v) {
                    st = mxio__fail(err, MXIO_E_CORRUPT, "layer %s: option %s is not JSON: %s",
                                    l->name, l->type->options[k].name, l->values[k]);
                    break;
                }
                json_object_set_new(opts, l->type->options[k].name, v);
            }
            json_object_set_new(o, "options", opts);
        }
        json_t *arrays = json_array();
        for (size_t j = 0; j < l->narrays; j++) {
            const mxio__layer_array *a = &l->arrays[j];
            json_t *ao = json_object();
            json_object_set_new(ao, "slot", jstr(a->slot));
            json_object_set_new(ao, "arg", a->arg ? jstr(a->arg) : json_null());
            json_object_set_new(ao, "variable", a->var ? jstr(a->var) : json_null());
            json_object_set_new(ao, "node", json_integer(a->var_node));
            json_object_set_new(ao, "role", jstr(role_key(a->role)));
            mxio__array_state state = a->state;
            if (!with_arrays && state == MXIO__ARRAY_SET) state = MXIO__ARRAY_UNSET;
            json_object_set_new(ao, "state", jstr(state_key(state)));
            if (state == MXIO__ARRAY_SET)
                json_object_set_new(ao, "param", jstr(a->param ? a->param : ""));
            /* The attached array's shape, or the inferred one. */
            if (a->state != MXIO__ARRAY_NONE && a->ndim >= 0) {
                json_object_set_new(ao, "shape", shape_array(a->ndim, a->shape));
                const char *dt = a->dtype >= 0 ? mxio_dtype_name((mxio_dtype)a->dtype) : NULL;
                json_object_set_new(ao, "dtype", dt ? jstr(dt) : json_null());
            }
            if (a->nattrs) json_object_set_new(ao, "attrs", kv_object(a->attrs, a->nattrs));
            json_array_append_new(arrays, ao);
        }
        json_object_set_new(o, "arrays", arrays);
        json_t *ins = json_array();
        for (size_t k = 0; k < l->nsrcs; k++) {
            json_t *so = src_object(net, l, &l->srcs[k]);
            json_object_set_new(so, "arg", l->arg_names && l->arg_names[k]
                                               ? jstr(l->arg_names[k])
                                               : json_null());
            json_array_append_new(ins, so);
            const mxio__layer_src *s = &l->srcs[k];
            if (s->kind == MXIO__SRC_INPUT || s->kind == MXIO__SRC_LAYER) {
                json_t *e = json_array();
                json_array_append_new(e, jstr(s->kind == MXIO__SRC_INPUT
                                                         ? net->inputs[s->index].name
                                                         : net->layers[s->index].name));
                json_array_append_new(e, jstr(l->name));
                json_array_append_new(edges, e);
            }
        }
        json_object_set_new(o, "inputs", ins);
        if (l->out_shapes) {
            json_t *os = json_array();
            for (int k = 0; k < l->nvisible; k++)
                json_array_append_new(os, l->out_shapes[k].ndim < 0
                                              ? json_null()
                                              : shape_array(l->out_shapes[k].ndim, l->out_shapes[k].d));
            json_object_set_new(o, "output_shapes", os);
        }
        json_t *mx = json_object();
        json_object_set_new(mx, "op", jstr(l->op ? l->op : ""));
        json_object_set_new(mx, "node", json_integer(l->node));
        json_object_set_new(mx, "attrs", kv_object(l->attrs, l->nattrs));
        json_object_set_new(mx, "outputs", json_integer(l->nout));
        json_object_set_new(mx, "visible_outputs", json_integer(l->nvisible));
        if (l->nsubgraphs) {
            /* the node's subgraphs (control-flow bodies, fused ops' inner graphs) as
             * symbol JSON objects: run and export need them */
            json_t *subs = json_array();
            for (size_t g = 0; g < l->nsubgraphs; g++) {
                json_error_t je;
                json_t *v = l->subgraph_json[g] ? json_loads(l->subgraph_json[g], 0, &je) : NULL;
                json_array_append_new(subs, v ? v : json_null());
            }
            json_object_set_new(mx, "subgraphs", subs);
        }
        json_object_set_new(o, "mxnet", mx);
        json_array_append_new(layers, o);
    }
    for (size_t i = 0; i < net->noutputs; i++) {
        const mxio__layer_src *s = &net->outputs[i].src;
        json_t *e = json_array();
        json_array_append_new(e, jstr(s->kind == MXIO__SRC_INPUT ? net->inputs[s->index].name
                                                                       : net->layers[s->index].name));
        json_array_append_new(e, jstr(net->outputs[i].name));
        json_array_append_new(edges, e);
    }
    json_object_set_new(root, "layers", layers);
    json_object_set_new(root, "edges", edges);
    json_t *unused = json_array();
    for (size_t i = 0; with_arrays && i < net->nunused; i++)
        json_array_append_new(unused, jstr(net->unused_arrays[i]));
    json_object_set_new(root, "unused_arrays", unused);
    if (!st) {
        char *txt = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        if (!txt)
            st = mxio__fail(err, MXIO_E_NOMEM, "out of memory writing the Net JSON form");
        else {
            mxio__buf_puts(out, txt);
            mxio__buf_putc(out, '\n');
            free(txt);
        }
    }
    json_decref(root);
    return st;
}

mxio_status mxio__net_write_association_json(const struct mxio_net *net, mxio__buf *out,
                                             mxio_error *err) {
    json_t *root = json_object();
    mxio_status st = root ? MXIO_OK : mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    for (size_t i = 0; !st && i < net->nlayers; i++) {
        const mxio__layer *l = &net->layers[i];
        json_t *o = json_object();
        json_object_set_new(o, "op", jstr(l->op ? l->op : ""));
        if (l->failure) {
            json_object_set_new(o, "failure", jstr(l->failure));
        } else {
            json_object_set_new(o, "type", jstr(l->type->name));
            json_t *opts = json_object();
            for (size_t k = 0; l->type->options[k].name; k++) {
                json_error_t je;
                json_t *v = json_loads(l->values[k], JSON_DECODE_ANY, &je);
                json_object_set_new(opts, l->type->options[k].name, v ? v : json_null());
            }
            json_object_set_new(o, "options", opts);
            json_t *arrays = json_object();
            for (size_t j = 0; j < l->narrays; j++) {
                const mxio__layer_array *a = &l->arrays[j];
                if (a->state == MXIO__ARRAY_NONE) {
                    json_object_set_new(arrays, a->slot, json_null());
                    continue;
                }
                json_t *ao = json_object();
                json_object_set_new(ao, "variable", jstr(a->var ? a->var : ""));
                if (a->ndim >= 0) {
                    json_object_set_new(ao, "shape", shape_array(a->ndim, a->shape));
                    const char *dt = a->dtype >= 0 ? mxio_dtype_name((mxio_dtype)a->dtype) : NULL;
                    json_object_set_new(ao, "dtype", dt ? jstr(dt) : json_null());
                }
                json_object_set_new(arrays, a->slot, ao);
            }
            json_object_set_new(o, "arrays", arrays);
        }
        mxio__json_set(root, l->name, o);
    }
    if (!st) {
        char *txt = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        if (!txt)
            st = mxio__fail(err, MXIO_E_NOMEM, "out of memory writing LayerAssociation");
        else {
            mxio__buf_puts(out, txt);
            mxio__buf_putc(out, '\n');
            free(txt);
        }
    }
    json_decref(root);
    return st;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct reader {
    const char *label;
    mxio_error *err;
    struct mxio_net *net;
} reader;

static mxio_status bad(reader *r, const char *what, const char *where) {
    return mxio__fail(r->err, MXIO_E_FORMAT, "%s: Net JSON: %s%s%s", r->label, what,
                      where ? " in " : "", where ? where : "");
}

static char *dup_str(json_t *v) {
    return json_is_string(v) ? mxio__strdup(json_string_value(v)) : NULL;
}

static bool read_kvs(json_t *o, mxio__kv **kv, size_t *n) {
    *kv = NULL;
    *n = 0;
    if (!o || json_is_null(o)) return true;
    if (!json_is_object(o)) return false;
    size_t cnt = json_object_size(o);
    if (!cnt) return true;
    mxio__kv *out = mxio__calloc_array(cnt, sizeof *out);
    if (!out) return false;
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, k, v) {
        if (!json_is_string(v) || i >= cnt) {
            mxio__kvs_free(out, i);
            return false;
        }
        out[i].key = mxio__strdup(k);
        out[i].value = mxio__strdup(json_string_value(v));
        i++;
        if (!out[i - 1].key || !out[i - 1].value) {
            mxio__kvs_free(out, i);
            return false;
        }
    }
    /* In the order written (the node's order: MXNet sorts attributes by key bytes). */
    *kv = out;
    *n = i;
    return true;
}

static int64_t input_index(const struct mxio_net *net, const char *name) {
    for (size_t i = 0; i < net->ninputs; i++)
        if (strcmp(net->inputs[i].name, name) == 0) return (int64_t)i;
    return -1;
}

static int64_t label_index(const struct mxio_net *net, const char *name) {
    for (size_t i = 0; i < net->nlabels; i++)
        if (strcmp(net->labels[i].name, name) == 0) return (int64_t)i;
    return -1;
}

static int64_t layer_index(const struct mxio_net *net, size_t upto, const char *name) {
    for (size_t i = 0; i < upto; i++)
        if (net->layers[i].name && strcmp(net->layers[i].name, name) == 0) return (int64_t)i;
    return -1;
}

static mxio_status read_src(reader *r, json_t *o, const mxio__layer *l, size_t nlayers,
                            mxio__layer_src *s, const char *where) {
    const struct mxio_net *net = r->net;
    json_t *v;
    if ((v = json_object_get(o, "input"))) {
        int64_t i = json_is_string(v) ? input_index(net, json_string_value(v)) : -1;
        if (i < 0) return bad(r, "unknown input", where);
        *s = (mxio__layer_src){MXIO__SRC_INPUT, (uint32_t)i, 0};
    } else if ((v = json_object_get(o, "layer"))) {
        int64_t i = json_is_string(v) ? layer_index(net, nlayers, json_string_value(v)) : -1;
        json_t *p = json_object_get(o, "port");
        if (i < 0 || !json_is_integer(p) || json_integer_value(p) < 0 ||
            json_integer_value(p) > UINT32_MAX)
            return bad(r, "input from an unknown or later layer", where);
        *s = (mxio__layer_src){MXIO__SRC_LAYER, (uint32_t)i, (uint32_t)json_integer_value(p)};
    } else if ((v = json_object_get(o, "array"))) {
        int i = -1;
        if (l && json_is_string(v)) i = mxio__layer_array_find(l, json_string_value(v));
        if (json_is_null(v)) i = (int)UINT32_MAX;
        else if (i < 0) return bad(r, "unknown array slot", where);
        *s = (mxio__layer_src){MXIO__SRC_ARRAY, (uint32_t)i, 0};
    } else if ((v = json_object_get(o, "label"))) {
        int64_t i = json_is_string(v) ? label_index(net, json_string_value(v)) : -1;
        if (i < 0) return bad(r, "unknown label", where);
        *s = (mxio__layer_src){MXIO__SRC_LABEL, (uint32_t)i, 0};
    } else {
        return bad(r, "source without input/layer/array/label", where);
    }
    return MXIO_OK;
}

/* A list of at most 32 dims; with `unknown_ok`, null entries are unknown (-1). */
static bool read_shape(json_t *v, int *ndim, int64_t *d, bool unknown_ok) {
    if (!json_is_array(v) || json_array_size(v) > MXIO__MAX_DIMS) return false;
    *ndim = (int)json_array_size(v);
    for (int i = 0; i < *ndim; i++) {
        json_t *x = json_array_get(v, (size_t)i);
        if (unknown_ok && json_is_null(x))
            d[i] = -1;
        else if (json_is_integer(x) && json_integer_value(x) >= 0)
            d[i] = json_integer_value(x);
        else
            return false;
    }
    return true;
}

static mxio_status read_layer(reader *r, json_t *o, size_t index, mxio__layer *l) {
    char where[300];
    json_t *name = json_object_get(o, "name");
    snprintf(where, sizeof where, "layer %zu", index);
    if (!json_is_string(name)) return bad(r, "missing name", where);
    l->name = dup_str(name);
    if (!l->name) return mxio__fail(r->err, MXIO_E_NOMEM, "out of memory");
    snprintf(where, sizeof where, "layer %zu '%.200s'", index, l->name);
    if (layer_index(r->net, index, l->name) >= 0) return bad(r, "repeated layer name", where);
    json_t *type = json_object_get(o, "type");
    json_t *failure = json_object_get(o, "failure");
    if (json_is_string(failure)) {
        l->failure = dup_str(failure);
        r->net->nfailures++;
    } else if (json_is_string(type)) {
        mxio_status st = mxio__layer_init(l, json_string_value(type), r->err);
        if (st) return st == MXIO_E_MISUSE ? bad(r, "unknown layer type", where) : st;
        json_t *opts = json_object_get(o, "options");
        if (opts && !json_is_object(opts)) return bad(r, "options is not an object", where);
        const char *k;
        json_t *v;
        json_object_foreach(opts, k, v) {
            int oi = mxio__layer_type_option(l->type, k);
            if (oi < 0) return bad(r, "unknown option", where);
            char *txt = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            if (!txt) return mxio__fail(r->err, MXIO_E_NOMEM, "out of memory");
            free(l->values[oi]);
            l->values[oi] = txt;
        }
        /* Arrays are read below, exactly as written. */
        for (size_t j = 0; j < l->narrays; j++) mxio__layer_array_clear(&l->arrays[j]);
        free(l->arrays);
        l->arrays = NULL;
        l->narrays = 0;
    } else {
        return bad(r, "layer without type or failure", where);
    }
    json_t *arrays = json_object_get(o, "arrays");
    if (arrays && !json_is_array(arrays)) return bad(r, "arrays is not a list", where);
    size_t ai;
    json_t *ao;
    json_array_foreach(arrays, ai, ao) {
        json_t *slot = json_object_get(ao, "slot");
        if (!json_is_string(slot)) return bad(r, "array without slot", where);
        mxio_status st = mxio__layer_add_array(l, json_string_value(slot), r->err);
        if (st) return st;
        mxio__layer_array *a = &l->arrays[l->narrays - 1];
        a->arg = dup_str(json_object_get(ao, "arg"));
        a->var = dup_str(json_object_get(ao, "variable"));
        json_t *node = json_object_get(ao, "node");
        a->var_node = json_is_integer(node) ? json_integer_value(node) : -1;
        const char *role = json_string_value(json_object_get(ao, "role"));
        a->role = role && strcmp(role, "aux") == 0        ? MXIO_ROLE_AUX
                  : role && strcmp(role, "constant") == 0 ? MXIO_ROLE_DATA
                                                          : MXIO_ROLE_WEIGHT;
        const char *state = json_string_value(json_object_get(ao, "state"));
        a->state = state && strcmp(state, "set") == 0    ? MXIO__ARRAY_SET
                   : state && strcmp(state, "none") == 0 ? MXIO__ARRAY_NONE
                                                         : MXIO__ARRAY_UNSET;
        if (a->state == MXIO__ARRAY_SET) a->param = dup_str(json_object_get(ao, "param"));
        json_t *shape = json_object_get(ao, "shape");
        if (a->state == MXIO__ARRAY_SET && !shape) return bad(r, "set array without shape", where);
        if (shape && a->state != MXIO__ARRAY_NONE) {
            if (!read_shape(shape, &a->ndim, a->shape, false))
                return bad(r, "array shape is not a list of at most 32 non-negative dims", where);
            mxio_dtype dt;
            const char *dn = json_string_value(json_object_get(ao, "dtype"));
            a->dtype = dn && mxio_dtype_from_name(dn, &dt) == 0 ? (int)dt : -1;
        }
        if (!read_kvs(json_object_get(ao, "attrs"), &a->attrs, &a->nattrs))
            return bad(r, "array attrs are not an object of strings", where);
    }
    json_t *ins = json_object_get(o, "inputs");
    if (!json_is_array(ins)) return bad(r, "missing inputs", where);
    l->nsrcs = json_array_size(ins);
    l->srcs = mxio__calloc_array(l->nsrcs + 1, sizeof *l->srcs);
    l->arg_names = mxio__calloc_array(l->nsrcs + 1, sizeof *l->arg_names);
    if (!l->srcs || !l->arg_names) return mxio__fail(r->err, MXIO_E_NOMEM, "out of memory");
    size_t k;
    json_t *so;
    json_array_foreach(ins, k, so) {
        mxio_status st = read_src(r, so, l, index, &l->srcs[k], where);
        if (st) return st;
        l->arg_names[k] = dup_str(json_object_get(so, "arg"));
    }
    json_t *mx = json_object_get(o, "mxnet");
    if (!json_is_object(mx)) return bad(r, "missing mxnet provenance", where);
    json_t *no = json_object_get(mx, "outputs"), *nv = json_object_get(mx, "visible_outputs");
    l->nout = json_is_integer(no) ? (int)json_integer_value(no) : 1;
    l->nvisible = json_is_integer(nv) ? (int)json_integer_value(nv) : l->nout;
    if (l->nout < 0 || l->nout > MXIO__MAX_OP_INPUTS || l->nvisible < 0 || l->nvisible > l->nout)
        return bad(r, "bad output counts", where);
    json_t *os = json_object_get(o, "output_shapes");
    if (os) {
        if (!json_is_array(os) || json_array_size(os) != (size_t)l->nvisible)
            return bad(r, "output_shapes is not one entry per visible output", where);
        l->out_shapes = mxio__calloc_array((size_t)l->nvisible + 1, sizeof *l->out_shapes);
        if (!l->out_shapes) return mxio__fail(r->err, MXIO_E_NOMEM, "out of memory");
        for (int k = 0; k < l->nvisible; k++) {
            json_t *x = json_array_get(os, (size_t)k);
            l->out_shapes[k].ndim = -1;
            if (!json_is_null(x) && !read_shape(x, &l->out_shapes[k].ndim, l->out_shapes[k].d, true))
                return bad(r, "bad output shape", where);
        }
    }
    l->op = dup_str(json_object_get(mx, "op"));
    if (!l->op) return bad(r, "missing mxnet op", where);
    json_t *node = json_object_get(mx, "node");
    l->node = json_is_integer(node) ? json_integer_value(node) : -1;
    if (!read_kvs(json_object_get(mx, "attrs"), &l->attrs, &l->nattrs))
        return bad(r, "mxnet attrs are not an object of strings", where);
    json_t *subs = json_object_get(mx, "subgraphs");
    if (subs) {
        if (!json_is_array(subs)) return bad(r, "mxnet subgraphs are not an array", where);
        size_t n = json_array_size(subs);
        if (n) {
            l->subgraph_json = mxio__calloc_array(n, sizeof *l->subgraph_json);
            if (!l->subgraph_json) return mxio__fail(r->err, MXIO_E_NOMEM, "out of memory");
            l->nsubgraphs = n;
        }
        for (size_t g = 0; g < n; g++) {
            json_t *v = json_array_get(subs, g);
            if (json_is_null(v)) continue;
            if (!json_is_object(v)) return bad(r, "a subgraph is not a symbol JSON object", where);
            /* checked as a symbol when the layer is run or exported */
            char *txt = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
            l->subgraph_json[g] = txt ? mxio__strdup(txt) : NULL;
            free(txt);
            if (!l->subgraph_json[g]) return mxio__fail(r->err, MXIO_E_NOMEM, "out of memory");
        }
    }
    return MXIO_OK;
}

mxio_status mxio__net_read_json(const char *text, size_t len, const char *label,
                                struct mxio_net **out, mxio_error *err) {
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    reader r = {label ? label : "net.json", err, NULL};
    if (!root)
        return mxio__fail_at(err, MXIO_E_FORMAT, je.position, -1, -1, "%s:%d:%d: %s", r.label,
                             je.line, je.column, je.text);
    mxio_status st = MXIO_OK;
    struct mxio_net *net = r.net = mxio__net_new();
    if (!net) {
        st = mxio__fail(err, MXIO_E_NOMEM, "out of memory");
        goto done;
    }
    const char *fmt = json_string_value(json_object_get(root, "format"));
    if (!fmt || strcmp(fmt, NET_FORMAT) != 0) {
        st = bad(&r, "not an mxio Net (format is not \"" NET_FORMAT "\")", NULL);
        goto done;
    }
    json_t *ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) > NET_FORMAT_VERSION) {
        st = bad(&r, "unsupported version", NULL);
        goto done;
    }
    /* The source stays what the writer recorded; `label` only names this text in messages. */
    const char *source = json_string_value(json_object_get(root, "source"));
    net->label = mxio__strdup(source ? source : r.label);
    if (!net->label) goto nomem;
    json_t *mv = json_object_get(root, "mxnet_version");
    net->file_version = json_is_integer(mv) ? (int)json_integer_value(mv) : 0;
    net->initialized = json_is_true(json_object_get(root, "initialized"));

    json_t *a = json_object_get(root, "inputs"), *o;
    size_t i;
    if (!json_is_array(a)) {
        st = bad(&r, "missing inputs", NULL);
        goto done;
    }
    net->inputs = mxio__calloc_array(json_array_size(a) + 1, sizeof *net->inputs);
    if (!net->inputs) goto nomem;
    json_array_foreach(a, i, o) {
        mxio__net_input *x = &net->inputs[net->ninputs];
        x->name = dup_str(json_object_get(o, "name"));
        if (!x->name) {
            st = bad(&r, "input without name", NULL);
            goto done;
        }
        net->ninputs++;
        json_t *node = json_object_get(o, "node");
        x->node = json_is_integer(node) ? json_integer_value(node) : -1;
        if (!read_kvs(json_object_get(o, "attrs"), &x->attrs, &x->nattrs)) {
            st = bad(&r, "input attrs are not an object of strings", x->name);
            goto done;
        }
    }
    a = json_object_get(root, "labels");
    net->labels = mxio__calloc_array(json_array_size(a) + 1, sizeof *net->labels);
    if (!net->labels) goto nomem;
    json_array_foreach(a, i, o) {
        mxio__net_name *x = &net->labels[net->nlabels];
        x->name = dup_str(json_object_get(o, "name"));
        if (!x->name) {
            st = bad(&r, "label without name", NULL);
            goto done;
        }
        net->nlabels++;
        json_t *node = json_object_get(o, "node");
        x->node = json_is_integer(node) ? json_integer_value(node) : -1;
    }
    a = json_object_get(root, "layers");
    if (!json_is_array(a)) {
        st = bad(&r, "missing layers", NULL);
        goto done;
    }
    net->layers = mxio__calloc_array(json_array_size(a) + 1, sizeof *net->layers);
    if (!net->layers) goto nomem;
    json_array_foreach(a, i, o) {
        mxio__layer *l = &net->layers[net->nlayers];
        l->node = -1;
        net->nlayers++;
        st = read_layer(&r, o, i, l);
        if (st) goto done;
    }
    a = json_object_get(root, "outputs");
    if (!json_is_array(a)) {
        st = bad(&r, "missing outputs", NULL);
        goto done;
    }
    net->outputs = mxio__calloc_array(json_array_size(a) + 1, sizeof *net->outputs);
    if (!net->outputs) goto nomem;
    json_array_foreach(a, i, o) {
        mxio__net_output *x = &net->outputs[net->noutputs];
        x->name = dup_str(json_object_get(o, "name"));
        if (!x->name) {
            st = bad(&r, "output without name", NULL);
            goto done;
        }
        net->noutputs++;
        json_t *from = json_object_get(o, "from");
        if (!json_is_object(from)) {
            st = bad(&r, "output without \"from\"", x->name);
            goto done;
        }
        st = read_src(&r, from, NULL, net->nlayers, &x->src, x->name);
        if (st) goto done;
        if (x->src.kind != MXIO__SRC_INPUT && x->src.kind != MXIO__SRC_LAYER) {
            st = bad(&r, "output not from an input or a layer", x->name);
            goto done;
        }
    }
    a = json_object_get(root, "unused_arrays");
    net->unused_arrays = mxio__calloc_array(json_array_size(a) + 1, sizeof *net->unused_arrays);
    if (!net->unused_arrays) goto nomem;
    json_array_foreach(a, i, o) {
        char *s = dup_str(o);
        if (!s) continue;
        net->unused_arrays[net->nunused++] = s;
    }
    net->is_chain = mxio__net_compute_chain(net);
    goto done;
nomem:
    st = mxio__fail(err, MXIO_E_NOMEM, "out of memory");
done:
    json_decref(root);
    if (st) {
        mxio_net_free(net);
        return st;
    }
    *out = net;
    return MXIO_OK;
}

mxio_status mxio_net_read_json(const char *json, size_t len, const char *label, mxio_net **out,
                               mxio_error *err) {
    mxio__error_clear(err);
    if (!json || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_net_read_json: NULL argument");
    return mxio__net_read_json(json, len, label, out, err);
}
