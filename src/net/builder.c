/* builder.c - building a Net in C: layers of the catalogue with options, wired
 * as a chain by default or explicitly as a graph, with arrays attached. The
 * result is an ordinary Net (provenance empty), so export picks each layer's op
 * from the op records (src/export/export.c). */
#include <stdio.h>
#include <stdlib.h>

#include "net.h"

struct mxio_net_builder {
    struct mxio_net *net;
    mxio_params *arrays; /* copies of what was attached, under the variable names */
    bool *connected;     /* per layer: sources were given explicitly */
};

static mxio_status oom(mxio_error *err) { return mxio__fail(err, MXIO_E_NOMEM, "out of memory"); }

mxio_net_builder *mxio_net_builder_new(void) {
    mxio_net_builder *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->net = mxio__net_new();
    b->arrays = mxio_params_new();
    if (!b->net || !b->arrays) {
        mxio_net_builder_free(b);
        return NULL;
    }
    return b;
}

void mxio_net_builder_free(mxio_net_builder *b) {
    if (!b) return;
    mxio_net_free(b->net);
    mxio_params_free(b->arrays);
    free(b->connected);
    free(b);
}

static int64_t find_layer(const struct mxio_net *net, const char *name) {
    for (size_t i = 0; i < net->nlayers; i++)
        if (strcmp(net->layers[i].name, name) == 0) return (int64_t)i;
    return -1;
}

static int64_t find_input(const struct mxio_net *net, const char *name) {
    for (size_t i = 0; i < net->ninputs; i++)
        if (strcmp(net->inputs[i].name, name) == 0) return (int64_t)i;
    return -1;
}

static mxio_status check_name(mxio_net_builder *b, const char *name, mxio_error *err) {
    if (!b || !name || !name[0]) return mxio__fail(err, MXIO_E_MISUSE, "builder: a name is required");
    if (find_layer(b->net, name) >= 0 || find_input(b->net, name) >= 0)
        return mxio__fail(err, MXIO_E_MISUSE, "builder: the name %s is taken", name);
    return MXIO_OK;
}

mxio_status mxio_net_builder_input(mxio_net_builder *b, const char *name, int ndim,
                                   const int64_t *shape, mxio_error *err) {
    mxio__error_clear(err);
    mxio_status st = check_name(b, name, err);
    if (st) return st;
    if (ndim < 0 || ndim > MXIO__MAX_DIMS || (ndim > 0 && !shape))
        return mxio__fail(err, MXIO_E_MISUSE, "builder: input %s: bad shape", name);
    struct mxio_net *net = b->net;
    mxio__net_input *in = mxio__realloc_array(net->inputs, net->ninputs + 1, sizeof *in);
    if (!in) return oom(err);
    net->inputs = in;
    mxio__net_input *x = &in[net->ninputs];
    memset(x, 0, sizeof *x);
    x->node = -1;
    if (!(x->name = mxio__strdup(name))) return oom(err);
    net->ninputs++;
    if (ndim > 0) {
        /* __shape__ in Python's tuple spelling, as mx.sym.var(shape=...) writes it */
        char buf[32 * 24];
        size_t n = 0;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "(");
        for (int i = 0; i < ndim; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? ", " : "",
                                  (long long)shape[i]);
        snprintf(buf + n, sizeof buf - n, "%s)", ndim == 1 ? "," : "");
        return mxio__kvs_set(&x->attrs, &x->nattrs, "__shape__", buf, err);
    }
    return MXIO_OK;
}

mxio_status mxio_net_builder_layer(mxio_net_builder *b, const char *name, const char *type,
                                   mxio_error *err) {
    mxio__error_clear(err);
    mxio_status st = check_name(b, name, err);
    if (st) return st;
    if (!mxio__layer_type_find(type))
        return mxio__fail(err, MXIO_E_MISUSE, "builder: layer %s: unknown layer type %s", name,
                          type ? type : "(null)");
    struct mxio_net *net = b->net;
    mxio__layer *ls = mxio__realloc_array(net->layers, net->nlayers + 1, sizeof *ls);
    if (!ls) return oom(err);
    net->layers = ls;
    bool *c = mxio__realloc_array(b->connected, net->nlayers + 1, sizeof *c);
    if (!c) return oom(err);
    b->connected = c;
    mxio__layer *l = &ls[net->nlayers];
    memset(l, 0, sizeof *l);
    l->node = -1;
    l->nout = l->nvisible = 1;
    c[net->nlayers] = false;
    net->nlayers++;
    if (!(l->name = mxio__strdup(name))) return oom(err);
    return mxio__layer_init(l, type, err);
}

mxio_status mxio_net_builder_option(mxio_net_builder *b, const char *layer, const char *option,
                                    const char *json, mxio_error *err) {
    mxio__error_clear(err);
    if (!b || !layer || !option) return mxio__fail(err, MXIO_E_MISUSE, "builder: missing argument");
    int64_t li = find_layer(b->net, layer);
    if (li < 0) return mxio__fail(err, MXIO_E_NOT_FOUND, "builder: no layer %s", layer);
    mxio__layer *l = &b->net->layers[li];
    int oi = mxio__layer_type_option(l->type, option);
    if (oi < 0)
        return mxio__fail(err, MXIO_E_MISUSE, "builder: layer %s: %s has no option %s", layer,
                          l->type->name, option);
    /* Refuse text that is not a value of the option's kind now, not at export. */
    char *attr = NULL;
    if (json && !mxio__lopt_to_attr(l->type->options[oi].type, json, &attr))
        return mxio__fail(err, MXIO_E_MISUSE, "builder: layer %s: option %s: '%s' is not a %s value",
                          layer, option, json, "valid");
    free(attr);
    return mxio__layer_set(l, option, json, err);
}

/* "name" or "name:port" -> a source. */
static mxio_status parse_source(const struct mxio_net *net, const char *from, mxio__layer_src *src,
                                mxio_error *err) {
    char name[512];
    uint32_t port = 0;
    const char *colon = from ? strrchr(from, ':') : NULL;
    size_t n = colon ? (size_t)(colon - from) : (from ? strlen(from) : 0);
    if (!from || n == 0 || n >= sizeof name)
        return mxio__fail(err, MXIO_E_MISUSE, "builder: bad source '%s'", from ? from : "(null)");
    memcpy(name, from, n);
    name[n] = '\0';
    if (colon) {
        char *end;
        unsigned long v = strtoul(colon + 1, &end, 10);
        if (*end || end == colon + 1 || v > 1024)
            return mxio__fail(err, MXIO_E_MISUSE, "builder: bad output index in '%s'", from);
        port = (uint32_t)v;
    }
    int64_t i = find_input(net, name);
    if (i >= 0 && !colon) {
        *src = (mxio__layer_src){MXIO__SRC_INPUT, (uint32_t)i, 0};
        return MXIO_OK;
    }
    i = find_layer(net, name);
    if (i < 0) return mxio__fail(err, MXIO_E_NOT_FOUND, "builder: no input or layer %s", name);
    *src = (mxio__layer_src){MXIO__SRC_LAYER, (uint32_t)i, port};
    return MXIO_OK;
}

static mxio_status add_src(mxio__layer *l, mxio__layer_src src, mxio_error *err) {
    mxio__layer_src *s = mxio__realloc_array(l->srcs, l->nsrcs + 1, sizeof *s);
    if (!s) return oom(err);
    l->srcs = s;
    char **names = mxio__realloc_array(l->arg_names, l->nsrcs + 1, sizeof *names);
    if (!names) return oom(err);
    l->arg_names = names;
    s[l->nsrcs] = src;
    names[l->nsrcs] = NULL; /* the op decides which argument it is */
    l->nsrcs++;
    return MXIO_OK;
}

mxio_status mxio_net_builder_connect(mxio_net_builder *b, const char *from, const char *to,
                                     mxio_error *err) {
    mxio__error_clear(err);
    if (!b || !to) return mxio__fail(err, MXIO_E_MISUSE, "builder: missing argument");
    int64_t li = find_layer(b->net, to);
    if (li < 0) return mxio__fail(err, MXIO_E_NOT_FOUND, "builder: no layer %s", to);
    mxio__layer_src src;
    mxio_status st = parse_source(b->net, from, &src, err);
    if (st) return st;
    b->connected[li] = true;
    return add_src(&b->net->layers[li], src, err);
}

/* The MXNet argument an array slot of a layer type stands for: from the first op
 * record whose rule maps the slot ("Weights" -> "weight"); else the slot itself. */
static const char *slot_argument(const mxio__layer *l, const char *slot) {
    for (size_t i = 0; i < mxio__op_count(); i++) {
        const mxio__op *op = mxio__op_at(i);
        if (!op->layer || !op->layer->arrays || strcmp(op->layer->type, l->type->name) != 0)
            continue;
        for (const mxio__arg_map *m = op->layer->arrays; m->slot; m++)
            if (strcmp(m->slot, slot) == 0) return m->arg;
    }
    return slot;
}

mxio_status mxio_net_builder_array(mxio_net_builder *b, const char *layer, const char *slot,
                                   const char *variable, mxio_dtype dtype, int ndim,
                                   const int64_t *shape, const void *data, mxio_error *err) {
    mxio__error_clear(err);
    if (!b || !layer || !slot || (!data && ndim > 0) || ndim < 0 || ndim > MXIO__MAX_DIMS ||
        (ndim > 0 && !shape))
        return mxio__fail(err, MXIO_E_MISUSE, "builder: bad array arguments");
    int64_t li = find_layer(b->net, layer);
    if (li < 0) return mxio__fail(err, MXIO_E_NOT_FOUND, "builder: no layer %s", layer);
    mxio__layer *l = &b->net->layers[li];
    int si = mxio__layer_array_find(l, slot);
    if (si < 0 && strcmp(l->type->name, "MXNetOpLayer") == 0) {
        mxio_status st = mxio__layer_add_array(l, slot, err);
        if (st) return st;
        si = (int)l->narrays - 1;
    }
    if (si < 0) return mxio__fail(err, MXIO_E_NOT_FOUND, "builder: layer %s (%s) has no array %s",
                                  layer, l->type->name, slot);
    mxio__layer_array *arr = &l->arrays[si];
    if (arr->state == MXIO__ARRAY_SET)
        return mxio__fail(err, MXIO_E_EXISTS, "builder: layer %s: array %s is already attached",
                          layer, slot);
    int64_t numel;
    size_t bytes;
    if (!mxio__shape_numel(shape, ndim, &numel) ||
        !mxio__mul_size((size_t)numel, mxio_dtype_size(dtype), &bytes) || !mxio_dtype_size(dtype))
        return mxio__fail(err, MXIO_E_LIMIT, "builder: layer %s: array %s is too large or of an "
                                             "unknown dtype", layer, slot);
    const char *arg = slot_argument(l, slot);
    char name[1024];
    if (variable)
        snprintf(name, sizeof name, "%s", variable);
    else
        snprintf(name, sizeof name, "%s_%s", layer, arg);
    if (mxio_params_find(b->arrays, name) >= 0)
        return mxio__fail(err, MXIO_E_EXISTS, "builder: an array named %s is already attached", name);
    mxio_array a;
    memset(&a, 0, sizeof a);
    a.name = name;
    a.name_len = strlen(name);
    a.dtype = dtype;
    a.storage = MXIO_STORAGE_DENSE;
    a.ndim = ndim;
    a.shape = shape;
    a.data = data;
    a.nbytes = bytes;
    a.dev_type = 1;
    a.record = MXIO_RECORD_V2;
    mxio_status st = mxio_params_append(b->arrays, &a, err);
    if (st) return st;
    free(arr->arg);
    free(arr->var);
    free(arr->param);
    arr->arg = mxio__strdup(arg);
    arr->var = mxio__strdup(name);
    arr->param = mxio__strdup(name);
    if (!arr->arg || !arr->var || !arr->param) return oom(err);
    arr->var_node = -1;
    arr->role = MXIO_ROLE_WEIGHT;
    arr->state = MXIO__ARRAY_SET;
    arr->ndim = ndim;
    if (ndim) memcpy(arr->shape, shape, (size_t)ndim * sizeof *shape);
    arr->dtype = (int)dtype;
    return MXIO_OK;
}

mxio_status mxio_net_builder_output(mxio_net_builder *b, const char *from, mxio_error *err) {
    mxio__error_clear(err);
    if (!b) return mxio__fail(err, MXIO_E_MISUSE, "builder: no builder");
    mxio__layer_src src;
    mxio_status st = parse_source(b->net, from, &src, err);
    if (st) return st;
    struct mxio_net *net = b->net;
    mxio__net_output *o = mxio__realloc_array(net->outputs, net->noutputs + 1, sizeof *o);
    if (!o) return oom(err);
    net->outputs = o;
    char name[1100];
    if (src.kind == MXIO__SRC_INPUT)
        snprintf(name, sizeof name, "%s", net->inputs[src.index].name);
    else if (src.port)
        snprintf(name, sizeof name, "%s_output%u", net->layers[src.index].name, src.port);
    else
        snprintf(name, sizeof name, "%s_output", net->layers[src.index].name);
    o[net->noutputs].src = src;
    if (!(o[net->noutputs].name = mxio__strdup(name))) return oom(err);
    net->noutputs++;
    return MXIO_OK;
}

mxio_status mxio_net_builder_finish(mxio_net_builder *b, mxio_net **net_out, mxio_params **arrays,
                                    mxio_error *err) {
    mxio__error_clear(err);
    if (!b || !net_out) return mxio__fail(err, MXIO_E_MISUSE, "builder: missing argument");
    *net_out = NULL;
    if (arrays) *arrays = NULL;
    struct mxio_net *net = b->net;
    if (!net->nlayers) return mxio__fail(err, MXIO_E_MISUSE, "builder: the net has no layers");
    /* A layer given no sources takes the one before it: a chain. */
    for (size_t i = 0; i < net->nlayers; i++) {
        if (b->connected[i] || net->layers[i].nsrcs) continue;
        mxio__layer_src src;
        if (i > 0)
            src = (mxio__layer_src){MXIO__SRC_LAYER, (uint32_t)(i - 1), 0};
        else if (net->ninputs)
            src = (mxio__layer_src){MXIO__SRC_INPUT, 0, 0};
        else
            return mxio__fail(err, MXIO_E_MISUSE, "builder: layer %s has no input",
                              net->layers[i].name);
        mxio_status st = add_src(&net->layers[i], src, err);
        if (st) return st;
        b->connected[i] = true;
    }
    if (!net->noutputs) {
        mxio_status st = mxio_net_builder_output(b, net->layers[net->nlayers - 1].name, err);
        if (st) return st;
    }
    if (!net->label && !(net->label = mxio__strdup("builder"))) return oom(err);
    net->file_version = MXIO_MXNET_VERSION;
    net->initialized = mxio_params_count(b->arrays) > 0;
    net->is_chain = mxio__net_compute_chain(net);
    *net_out = net;
    b->net = mxio__net_new(); /* the builder stays valid (and empty) */
    if (arrays) {
        *arrays = b->arrays;
        b->arrays = mxio_params_new();
    }
    free(b->connected);
    b->connected = NULL;
    if (!b->net || !b->arrays) return oom(err);
    return MXIO_OK;
}
