/* net.c - build a Net (layers, inputs, outputs, arrays) from a symbol and an
 * optional params file, and the public accessors. */
#include <stdio.h>
#include <stdlib.h>

#include "../graph/infer.h"
#include "../graph/roles.h"
#include "net.h"

struct mxio_net *mxio__net_new(void) { return calloc(1, sizeof(struct mxio_net)); }

void mxio_net_free(mxio_net *net) {
    if (!net) return;
    for (size_t i = 0; i < net->nlayers; i++) mxio__layer_clear(&net->layers[i]);
    free(net->layers);
    for (size_t i = 0; i < net->ninputs; i++) {
        free(net->inputs[i].name);
        mxio__kvs_free(net->inputs[i].attrs, net->inputs[i].nattrs);
    }
    free(net->inputs);
    for (size_t i = 0; i < net->noutputs; i++) free(net->outputs[i].name);
    free(net->outputs);
    for (size_t i = 0; i < net->nlabels; i++) free(net->labels[i].name);
    free(net->labels);
    for (size_t i = 0; i < net->nunused; i++) free(net->unused_arrays[i]);
    free(net->unused_arrays);
    free(net->label);
    free(net);
}

/* ---- small helpers ------------------------------------------------------- */

static bool kvs_copy(const mxio__kv *src, size_t n, mxio__kv **out) {
    *out = NULL;
    if (!n) return true;
    mxio__kv *kv = mxio__calloc_array(n, sizeof *kv);
    if (!kv) return false;
    for (size_t i = 0; i < n; i++) {
        kv[i].key = mxio__strdup(src[i].key);
        kv[i].value = mxio__strdup(src[i].value);
        if (!kv[i].key || !kv[i].value) {
            mxio__kvs_free(kv, i + 1);
            return false;
        }
    }
    *out = kv;
    return true;
}

static void shape_text(char *buf, size_t cap, int ndim, const int64_t *d) {
    size_t o = 0;
    o += (size_t)snprintf(buf + o, cap - o, "(");
    for (int i = 0; i < ndim && o < cap; i++) {
        if (d[i] < 0)
            o += (size_t)snprintf(buf + o, cap - o, "%s?", i ? "," : "");
        else
            o += (size_t)snprintf(buf + o, cap - o, "%s%lld", i ? "," : "", (long long)d[i]);
    }
    if (o < cap) snprintf(buf + o, cap - o, ")");
}

/* Parse an option's JSON text as an integer / list of integers (the subset the
 * shape checks need). */
static bool opt_int(const mxio__layer *l, const char *name, int64_t *v) {
    const char *s = mxio__layer_get(l, name);
    if (!s || strcmp(s, "null") == 0) return false;
    char *end;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end) return false;
    *v = x;
    return true;
}

static int opt_ints(const mxio__layer *l, const char *name, int64_t *v, int cap) {
    const char *s = mxio__layer_get(l, name);
    if (!s || s[0] != '[') return -1;
    int n = 0;
    const char *p = s + 1;
    while (*p && *p != ']') {
        char *end;
        long long x = strtoll(p, &end, 10);
        if (end == p) return -1;
        if (n < cap) v[n] = x;
        n++;
        p = end;
        if (*p == ',') p++;
    }
    return n <= cap ? n : -1;
}

/* The shape an array slot must have, as far as the layer's options say
 * (-1 = any). Returns the rank, or -1 when the layer does not constrain it. */
static int expected_shape(const mxio__layer *l, const char *slot, int64_t *d) {
    const char *t = l->type ? l->type->name : "";
    int64_t k[MXIO__MAX_DIMS];
    int64_t n;
    bool conv = strcmp(t, "ConvolutionLayer") == 0, deconv = strcmp(t, "DeconvolutionLayer") == 0;
    if (conv || deconv) {
        const char *layout = mxio__layer_get(l, "Layout");
        /* Channels-last layouts permute the weight; only check NC* layouts. */
        if (layout && strcmp(layout, "null") != 0 && strchr(layout, 'C') &&
            strstr(layout, "NC") == NULL)
            return -1;
        int nk = opt_ints(l, "KernelSize", k, MXIO__MAX_DIMS - 2);
        if (!opt_int(l, "OutputChannels", &n) || nk < 0) return -1;
        if (strcmp(slot, "Biases") == 0) {
            d[0] = n;
            return 1;
        }
        if (strcmp(slot, "Weights") != 0) return -1;
        int64_t g = 1;
        opt_int(l, "ChannelGroups", &g);
        if (conv) {
            d[0] = n;
            d[1] = -1;
        } else {
            d[0] = -1;
            d[1] = g > 0 && n % g == 0 ? n / g : -1;
        }
        for (int i = 0; i < nk; i++) d[2 + i] = k[i];
        return 2 + nk;
    }
    if (strcmp(t, "LinearLayer") == 0) {
        if (!opt_int(l, "OutputSize", &n)) return -1;
        d[0] = n;
        if (strcmp(slot, "Biases") == 0) return 1;
        if (strcmp(slot, "Weights") != 0) return -1;
        d[1] = -1;
        return 2;
    }
    if (strcmp(t, "EmbeddingLayer") == 0 && strcmp(slot, "Weights") == 0) {
        if (!opt_int(l, "InputDimension", &d[0]) || !opt_int(l, "OutputDimension", &d[1]))
            return -1;
        return 2;
    }
    if (strcmp(t, "BatchNormalizationLayer") == 0) {
        d[0] = -1; /* the channel count: all four must agree, checked by the caller */
        return 1;
    }
    return -1;
}

static bool shape_fits(int ndim, const int64_t *have, int rank, const int64_t *want) {
    if (ndim != rank) return false;
    for (int i = 0; i < rank; i++)
        if (want[i] >= 0 && have[i] != want[i]) return false;
    return true;
}

/* ---- translation ---------------------------------------------------------- */

typedef struct unsupported {
    const char *op;
    const char *first;
    size_t count;
} unsupported;

typedef struct builder {
    const mxio_symbol *s;
    const mxio_params *p;
    struct mxio_net *net;
    mxio_role *roles;
    bool *constant; /* a "data" variable the params file holds: a learned constant */
    bool *reach;
    int64_t *layer_of; /* node -> layer index, -1 */
    int64_t *input_of; /* node -> net input index, -1 */
    int64_t *label_of; /* node -> label index, -1 */
    bool *used_param;
    unsupported *unsup;
    size_t nunsup;
    mxio_error *err;
} builder;

static mxio_status oom(builder *b) { return mxio__fail(b->err, MXIO_E_NOMEM, "out of memory"); }

static const char *var_name(const mxio_symbol *s, uint32_t node) { return s->nodes[node].name; }

/* Index in params of the array for variable `name` with role `role`. */
static int64_t find_param(const mxio_params *p, const char *name, mxio_role role) {
    if (!p) return -1;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s:%s", role == MXIO_ROLE_AUX ? "aux" : "arg", name);
    int64_t i = mxio_params_find(p, buf);
    if (i < 0) i = mxio_params_find(p, name);
    if (i < 0 && role != MXIO_ROLE_AUX) {
        snprintf(buf, sizeof buf, "aux:%s", name);
        i = mxio_params_find(p, buf);
    }
    return i;
}

/* Each variable's role from the argument its consumers take it as, decided by
 * the graph layer (src/graph/roles.c) so the Net's inputs are InputNames. A
 * "data" variable the params file holds, or one with an initializer (Gluon
 * Constants such as SSD anchors), is a learned constant: an array of its layer. */
static mxio_status compute_roles(builder *b) {
    const mxio_symbol *s = b->s;
    size_t n = s->nnodes;
    uint8_t *roles = mxio__calloc_array(n ? n : 1, 1), *how = mxio__calloc_array(n ? n : 1, 1);
    mxio_status st = MXIO_OK;
    if (!roles || !how)
        st = oom(b);
    else
        st = mxio__symbol_roles(s, b->p ? mxio__params_role_lookup : NULL, (void *)b->p, roles,
                                how, b->err);
    for (size_t i = 0; !st && i < n; i++) {
        b->roles[i] = (mxio_role)roles[i];
        if (how[i] == MXIO__ROLE_BY_PARAMS || how[i] == MXIO__ROLE_BY_INIT) b->constant[i] = true;
    }
    free(roles);
    free(how);
    return st;
}

static void mark_reach(builder *b, uint32_t node) {
    /* Iterative DFS: graphs can be thousands of nodes deep. */
    size_t cap = b->s->nnodes + 1, top = 0;
    uint32_t *stack = mxio__calloc_array(cap, sizeof *stack);
    if (!stack) return;
    stack[top++] = node;
    while (top) {
        uint32_t n = stack[--top];
        if (b->reach[n]) continue;
        b->reach[n] = true;
        const mxio__node *nd = &b->s->nodes[n];
        for (size_t k = 0; k < nd->ninputs; k++) {
            uint32_t src = nd->inputs[k].node;
            if (src < b->s->nnodes && !b->reach[src]) {
                if (top == cap) {
                    uint32_t *ns = mxio__realloc_array(stack, cap * 2, sizeof *stack);
                    if (!ns) break;
                    stack = ns;
                    cap *= 2;
                }
                stack[top++] = src;
            }
        }
    }
    free(stack);
}

static mxio_status add_input(builder *b, uint32_t node, uint32_t *index) {
    if (b->input_of[node] >= 0) {
        *index = (uint32_t)b->input_of[node];
        return MXIO_OK;
    }
    struct mxio_net *net = b->net;
    mxio__net_input *in = mxio__realloc_array(net->inputs, net->ninputs + 1, sizeof *in);
    if (!in) return oom(b);
    net->inputs = in;
    mxio__net_input *x = &in[net->ninputs];
    memset(x, 0, sizeof *x);
    x->node = node;
    x->name = mxio__strdup(var_name(b->s, node));
    if (!x->name) return oom(b);
    net->ninputs++;
    if (!kvs_copy(b->s->nodes[node].attrs, b->s->nodes[node].nattrs, &x->attrs)) return oom(b);
    x->nattrs = b->s->nodes[node].nattrs;
    b->input_of[node] = (int64_t)net->ninputs - 1;
    *index = (uint32_t)net->ninputs - 1;
    return MXIO_OK;
}

static mxio_status add_label(builder *b, uint32_t node, uint32_t *index) {
    if (b->label_of[node] < 0) {
        struct mxio_net *net = b->net;
        mxio__net_name *lb = mxio__realloc_array(net->labels, net->nlabels + 1, sizeof *lb);
        if (!lb) return oom(b);
        net->labels = lb;
        lb[net->nlabels].node = node;
        lb[net->nlabels].name = mxio__strdup(var_name(b->s, node));
        if (!lb[net->nlabels].name) return oom(b);
        b->label_of[node] = (int64_t)net->nlabels++;
    }
    *index = (uint32_t)b->label_of[node];
    return MXIO_OK;
}

static void note_unsupported(builder *b, const char *op, const char *node_name) {
    for (size_t i = 0; i < b->nunsup; i++)
        if (strcmp(b->unsup[i].op, op) == 0) {
            b->unsup[i].count++;
            return;
        }
    unsupported *u = mxio__realloc_array(b->unsup, b->nunsup + 1, sizeof *u);
    if (!u) return;
    b->unsup = u;
    u[b->nunsup].op = op;
    u[b->nunsup].first = node_name;
    u[b->nunsup].count = 1;
    b->nunsup++;
}

static mxio_status set_failure(mxio__layer *l, const char *fmt, const char *a, const char *c) {
    char buf[MXIO_ERROR_MESSAGE_SIZE];
    snprintf(buf, sizeof buf, fmt, a, c);
    free(l->failure);
    l->failure = mxio__strdup(buf);
    /* A failure entry has no type: drop whatever a half-done translation left. */
    if (l->type) {
        const mxio__layer_type *t = l->type;
        size_t n = 0;
        while (t->options[n].name) n++;
        for (size_t i = 0; i < n; i++) free(l->values[i]);
        free(l->values);
        l->values = NULL;
        l->type = NULL;
    }
    for (size_t i = 0; i < l->narrays; i++) mxio__layer_array_clear(&l->arrays[i]);
    free(l->arrays);
    l->arrays = NULL;
    l->narrays = 0;
    return l->failure ? MXIO_OK : MXIO_E_NOMEM;
}

/* Translate node `n` into layer `l` (type and options; wiring comes after). */
static mxio_status translate(builder *b, uint32_t n, mxio__layer *l) {
    const mxio__node *nd = &b->s->nodes[n];
    const mxio__op *op = mxio__op_find(nd->op);
    if (!op) {
        note_unsupported(b, nd->op, nd->name);
        b->net->nfailures++;
        return set_failure(l, "op %s%s is not supported", nd->op, "");
    }
    mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
    mxio_error terr;
    mxio__error_clear(&terr);
    mxio_status st = mxio__layer_from_node(&a, l, &terr);
    if (st == MXIO_E_NOMEM) return oom(b);
    if (st) {
        b->net->nfailures++;
        return set_failure(l, "%s%s", terr.message, "");
    }
    if (nd->nsubgraphs > 0 && nd->subgraphs[0]) {
        mxio__buf j;
        mxio__buf_init(&j);
        bool ok = mxio__symbol_print(nd->subgraphs[0], &j, &terr) == MXIO_OK;
        if (ok) mxio__buf_putc(&j, '\0');
        if (ok && !j.oom) l->subgraph_json = mxio__strdup(j.data);
        mxio__buf_free(&j);
        if (ok && !l->subgraph_json) return oom(b);
    }
    return MXIO_OK;
}

/* Wire the arguments of node `n` (layer `li`): net inputs, earlier layers,
 * array slots, dropped labels. */
static mxio_status wire(builder *b, uint32_t n, size_t li) {
    mxio__layer *l = &b->net->layers[li];
    const mxio__node *nd = &b->s->nodes[n];
    const mxio__op *op = mxio__op_find(nd->op);
    const char *names[MXIO__MAX_OP_INPUTS];
    int nnames = 0;
    if (op) {
        mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
        nnames = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
        if (nnames < 0) nnames = 0;
    }
    l->nsrcs = nd->ninputs;
    l->srcs = mxio__calloc_array(nd->ninputs ? nd->ninputs : 1, sizeof *l->srcs);
    l->arg_names = mxio__calloc_array(nd->ninputs ? nd->ninputs : 1, sizeof *l->arg_names);
    if (!l->srcs || !l->arg_names) return oom(b);
    for (size_t k = 0; k < nd->ninputs; k++) {
        const char *argname = (int)k < nnames ? names[k] : NULL;
        if (argname && !(l->arg_names[k] = mxio__strdup(argname))) return oom(b);
        mxio__entry e = nd->inputs[k];
        mxio__layer_src *src = &l->srcs[k];
        src->port = e.index;
        mxio_role r = b->roles[e.node];
        if (r == MXIO_ROLE_OP) {
            src->kind = MXIO__SRC_LAYER;
            src->index = (uint32_t)b->layer_of[e.node];
            continue;
        }
        if (r == MXIO_ROLE_DATA) {
            src->kind = MXIO__SRC_INPUT;
            mxio_status st = add_input(b, e.node, &src->index);
            if (st) return st;
            continue;
        }
        if (r == MXIO_ROLE_LABEL) {
            src->kind = MXIO__SRC_LABEL;
            mxio_status st = add_label(b, e.node, &src->index);
            if (st) return st;
            continue;
        }
        /* An array: the slot the rule names for this argument, else one named
         * after the argument (or the variable for ops without argument names). */
        if (l->failure) {
            src->kind = MXIO__SRC_ARRAY;
            src->index = UINT32_MAX; /* failure entries keep no arrays */
            continue;
        }
        int slot = -1;
        for (size_t j = 0; argname && j < l->narrays; j++)
            if (l->arrays[j].arg && strcmp(l->arrays[j].arg, argname) == 0) slot = (int)j;
        if (slot < 0) {
            const char *sn = argname ? argname : var_name(b->s, e.node);
            mxio_status st = mxio__layer_add_array(l, sn, b->err);
            if (st) return st;
            slot = (int)l->narrays - 1;
            if (argname && !(l->arrays[slot].arg = mxio__strdup(argname))) return oom(b);
        }
        mxio__layer_array *arr = &l->arrays[slot];
        free(arr->var);
        arr->var = mxio__strdup(var_name(b->s, e.node));
        if (!arr->var) return oom(b);
        arr->var_node = e.node;
        mxio__kvs_free(arr->attrs, arr->nattrs);
        arr->attrs = NULL;
        arr->nattrs = 0;
        const mxio__node *vn = &b->s->nodes[e.node];
        if (!kvs_copy(vn->attrs, vn->nattrs, &arr->attrs)) return oom(b);
        arr->nattrs = vn->nattrs;
        arr->role = b->constant[e.node] ? MXIO_ROLE_DATA : r;
        arr->state = MXIO__ARRAY_UNSET;
        src->kind = MXIO__SRC_ARRAY;
        src->index = (uint32_t)slot;
    }
    return MXIO_OK;
}

/* Attach arrays from the params file, checking them against the layer. */
static mxio_status attach(builder *b, mxio__layer *l, mxio__buf *missing, size_t *nmissing) {
    int64_t bn_channels = -1;
    for (size_t j = 0; j < l->narrays; j++) {
        mxio__layer_array *arr = &l->arrays[j];
        if (arr->state == MXIO__ARRAY_NONE || !arr->var) continue;
        int64_t pi = find_param(b->p, arr->var, arr->role);
        if (pi < 0) {
            if (*nmissing < 8)
                mxio__buf_printf(missing, "%s%s (layer %s, %s)", *nmissing ? ", " : "", arr->var,
                                 l->name, arr->slot);
            (*nmissing)++;
            continue;
        }
        b->used_param[pi] = true;
        mxio_array a;
        if (mxio_params_get(b->p, (size_t)pi, &a) != MXIO_OK) return oom(b);
        if (a.ndim > MXIO__MAX_DIMS)
            return mxio__fail_at(b->err, MXIO_E_LIMIT, -1, l->node, pi,
                                 "array %s has %d dims (at most %d)", arr->var, a.ndim,
                                 MXIO__MAX_DIMS);
        int64_t want[MXIO__MAX_DIMS];
        int rank = expected_shape(l, arr->slot, want);
        char have_s[256], want_s[256];
        if (rank >= 0 && !shape_fits(a.ndim, a.shape, rank, want)) {
            shape_text(have_s, sizeof have_s, a.ndim, a.shape);
            shape_text(want_s, sizeof want_s, rank, want);
            return mxio__fail_at(b->err, MXIO_E_MISMATCH, -1, l->node, pi,
                                 "layer %s (%s): array %s '%s' has shape %s, the layer needs %s",
                                 l->name, l->type->name, arr->slot, arr->var, have_s, want_s);
        }
        if (strcmp(l->type->name, "BatchNormalizationLayer") == 0 && a.ndim == 1) {
            if (bn_channels >= 0 && a.shape[0] != bn_channels)
                return mxio__fail_at(b->err, MXIO_E_MISMATCH, -1, l->node, pi,
                                     "layer %s (BatchNormalizationLayer): array %s '%s' has %lld "
                                     "channels, the other arrays %lld",
                                     l->name, arr->slot, arr->var, (long long)a.shape[0],
                                     (long long)bn_channels);
            bn_channels = a.shape[0];
        }
        arr->state = MXIO__ARRAY_SET;
        arr->ndim = a.ndim;
        memcpy(arr->shape, a.shape, (size_t)a.ndim * sizeof(int64_t));
        arr->dtype = (int)a.dtype;
        arr->param = mxio__strndup(a.name ? a.name : arr->var, a.name ? a.name_len : strlen(arr->var));
        if (!arr->param) return oom(b);
    }
    return MXIO_OK;
}

/* Run the graph's shape rules with the input shapes given (or declared with
 * __shape__) and the attached arrays' shapes. What they infer fills every layer's
 * output shapes and the shapes of arrays not attached. A rule that rejects the
 * shapes is a mismatch between the params file and the graph (conv2 weights made
 * for 5 channels after a 6-channel conv1), or input shapes that do not fit. */
static mxio_status infer_and_check(builder *b, const mxio_net_options *opts) {
    struct mxio_net *net = b->net;
    size_t nin = opts ? opts->ninputs : 0;
    if (nin && !opts->inputs)
        return mxio__fail(b->err, MXIO_E_MISUSE, "mxio_net_options: inputs is NULL");
    size_t nh = nin, nset = 0;
    for (size_t i = 0; i < net->nlayers; i++) nh += net->layers[i].narrays;
    mxio__shape_hint *hints = mxio__calloc_array(nh ? nh : 1, sizeof *hints);
    if (!hints) return oom(b);
    nh = 0;
    for (size_t k = 0; k < nin; k++) {
        const mxio_plot_input *in = &opts->inputs[k];
        bool found = false;
        for (size_t v = 0; in->name && v < b->s->nnodes && !found; v++)
            found = strcmp(b->s->nodes[v].op, "null") == 0 && strcmp(b->s->nodes[v].name, in->name) == 0;
        if (!found || in->ndim < 0 || in->ndim > MXIO__MAX_DIMS || (in->ndim && !in->dims)) {
            free(hints);
            if (!found)
                return mxio__fail(b->err, MXIO_E_NOT_FOUND, "%s: no input named '%s' to give a shape",
                                  net->label, in->name ? in->name : "(null)");
            return mxio__fail(b->err, MXIO_E_MISUSE, "input shape for '%s': %d dims", in->name,
                              in->ndim);
        }
        hints[nh].name = in->name;
        hints[nh].shape.ndim = in->ndim;
        for (int d = 0; d < in->ndim; d++) {
            if (in->dims[d] < 0) {
                free(hints);
                return mxio__fail(b->err, MXIO_E_MISUSE, "input shape for '%s': dim %d is %lld",
                                  in->name, d, (long long)in->dims[d]);
            }
            hints[nh].shape.d[d] = in->dims[d];
        }
        hints[nh].dtype = -1;
        nh++;
    }
    for (size_t i = 0; i < net->nlayers; i++)
        for (size_t j = 0; j < net->layers[i].narrays; j++) {
            const mxio__layer_array *a = &net->layers[i].arrays[j];
            if (a->state != MXIO__ARRAY_SET) continue;
            hints[nh].name = a->var;
            hints[nh].shape.ndim = a->ndim;
            memcpy(hints[nh].shape.d, a->shape, (size_t)a->ndim * sizeof(int64_t));
            hints[nh].dtype = a->dtype;
            nh++;
            nset++;
        }
    mxio__shapes sh;
    memset(&sh, 0, sizeof sh);
    mxio_error ierr;
    mxio__error_clear(&ierr);
    mxio_status st = mxio__infer_shapes(b->s, hints, nh, &sh, &ierr);
    free(hints);
    if (st == MXIO_E_NOMEM) {
        mxio__shapes_free(&sh);
        return oom(b);
    }
    if (st == MXIO_E_SHAPE && (nset || nin)) {
        mxio__shapes_free(&sh);
        if (nset)
            return mxio__fail_at(b->err, MXIO_E_MISMATCH, -1, ierr.node, -1,
                                 "%s: the params file's arrays do not fit the graph%s: %s",
                                 net->label, nin ? " and the input shapes" : "", ierr.message);
        return mxio__fail_at(b->err, MXIO_E_SHAPE, -1, ierr.node, -1,
                             "%s: the input shapes do not fit the graph: %s", net->label,
                             ierr.message);
    }
    if (st) {
        /* Shapes stay unknown; nothing given here contradicts the graph. */
        mxio__shapes_free(&sh);
        return MXIO_OK;
    }
    for (size_t i = 0; i < net->nlayers; i++) {
        mxio__layer *l = &net->layers[i];
        if (l->node < 0 || (size_t)l->node >= sh.nnodes || l->nvisible <= 0) continue;
        l->out_shapes = mxio__calloc_array((size_t)l->nvisible, sizeof *l->out_shapes);
        if (!l->out_shapes) {
            mxio__shapes_free(&sh);
            return oom(b);
        }
        for (int k = 0; k < l->nvisible; k++) {
            mxio__shape x = sh.shape[sh.row[l->node] + (uint32_t)k];
            /* 0 inside a legacy shape means "not known". */
            for (int d = 0; d < x.ndim; d++)
                if (x.d[d] <= 0) x.d[d] = -1;
            l->out_shapes[k] = x;
        }
        for (size_t j = 0; j < l->narrays; j++) {
            mxio__layer_array *a = &l->arrays[j];
            if (a->state != MXIO__ARRAY_UNSET || a->var_node < 0 || (size_t)a->var_node >= sh.nnodes)
                continue;
            uint32_t e = sh.row[a->var_node];
            const mxio__shape *x = &sh.shape[e];
            bool known = x->ndim >= 0;
            for (int d = 0; known && d < x->ndim; d++) known = x->d[d] > 0;
            if (!known) continue;
            a->ndim = x->ndim;
            memcpy(a->shape, x->d, (size_t)x->ndim * sizeof(int64_t));
            a->dtype = sh.dtype[e];
        }
    }
    mxio__shapes_free(&sh);
    return MXIO_OK;
}

static mxio_status select_heads(builder *b, const char *want, mxio__entry *head) {
    const mxio_symbol *s = b->s;
    for (size_t n = 0; n < s->nnodes; n++) {
        const mxio__node *nd = &s->nodes[n];
        if (strcmp(nd->op, "null") == 0) {
            if (strcmp(nd->name, want) == 0) {
                *head = (mxio__entry){(uint32_t)n, 0, 0};
                return MXIO_OK;
            }
            continue;
        }
        const mxio__op *op = mxio__op_find(nd->op);
        mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
        int visible = 1;
        if (op) mxio__op_outputs(op, &a, &visible);
        for (int i = 0; i < visible; i++) {
            char out[64], full[1024];
            if (op)
                mxio__op_output_name(op, &a, i, out, sizeof out);
            else
                snprintf(out, sizeof out, "output");
            snprintf(full, sizeof full, "%s_%s", nd->name, out);
            if (strcmp(full, want) == 0) {
                *head = (mxio__entry){(uint32_t)n, (uint32_t)i, 0};
                return MXIO_OK;
            }
        }
    }
    char q[128];
    return mxio__fail(b->err, MXIO_E_NOT_FOUND,
                      "%s: no output named '%s' (internal outputs are named like "
                      "'<node>_output', e.g. 'fc1_output')",
                      s->label ? s->label : "symbol", mxio__printable(q, sizeof q, want, strlen(want)));
}

static mxio_status add_output(builder *b, mxio__entry e) {
    struct mxio_net *net = b->net;
    const mxio__node *nd = &b->s->nodes[e.node];
    mxio__net_output *o = mxio__realloc_array(net->outputs, net->noutputs + 1, sizeof *o);
    if (!o) return oom(b);
    net->outputs = o;
    mxio__net_output *x = &o[net->noutputs];
    memset(x, 0, sizeof *x);
    char full[1024];
    if (b->roles[e.node] != MXIO_ROLE_OP) {
        snprintf(full, sizeof full, "%s", nd->name);
        x->src.kind = MXIO__SRC_INPUT;
        mxio_status st = add_input(b, e.node, &x->src.index);
        if (st) return st;
    } else {
        const mxio__op *op = mxio__op_find(nd->op);
        mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
        char out[64];
        if (op)
            mxio__op_output_name(op, &a, (int)e.index, out, sizeof out);
        else
            snprintf(out, sizeof out, e.index ? "output%u" : "output", e.index);
        snprintf(full, sizeof full, "%s_%s", nd->name, out);
        x->src.kind = MXIO__SRC_LAYER;
        x->src.index = (uint32_t)b->layer_of[e.node];
        x->src.port = e.index;
    }
    x->name = mxio__strdup(full);
    if (!x->name) return oom(b);
    net->noutputs++;
    return MXIO_OK;
}

int mxio__net_compute_chain(const struct mxio_net *net) {
    if (net->nfailures || net->ninputs != 1 || net->noutputs != 1 || net->nlayers == 0) return 0;
    for (size_t i = 0; i < net->nlayers; i++) {
        const mxio__layer *l = &net->layers[i];
        size_t feeds = 0;
        for (size_t k = 0; k < l->nsrcs; k++) {
            const mxio__layer_src *s = &l->srcs[k];
            if (s->kind == MXIO__SRC_ARRAY || s->kind == MXIO__SRC_LABEL) continue;
            feeds++;
            bool ok = i == 0 ? s->kind == MXIO__SRC_INPUT && s->index == 0
                             : s->kind == MXIO__SRC_LAYER && s->index == i - 1 && s->port == 0;
            if (!ok) return 0;
        }
        if (feeds != 1) return 0;
    }
    /* Each layer's output goes only to the next one (and the last to the output). */
    for (size_t i = 0; i < net->nlayers; i++)
        for (size_t k = 0; k < net->layers[i].nsrcs; k++) {
            const mxio__layer_src *s = &net->layers[i].srcs[k];
            if (s->kind == MXIO__SRC_LAYER && s->index + 1 != i) return 0;
        }
    const mxio__net_output *o = &net->outputs[0];
    return o->src.kind == MXIO__SRC_LAYER && o->src.index == net->nlayers - 1 && o->src.port == 0;
}

/* The error naming every node that failed: unknown ops with counts first. */
static mxio_status failure_error(builder *b) {
    mxio__buf m;
    mxio__buf_init(&m);
    mxio_status code = MXIO_E_UNSUPPORTED;
    const char *label = b->s->label ? b->s->label : "symbol";
    mxio__buf_printf(&m, "%s: ", label);
    if (b->nunsup) {
        code = MXIO_E_UNKNOWN_OP;
        mxio__buf_puts(&m, "unsupported ops: ");
        for (size_t i = 0; i < b->nunsup; i++)
            mxio__buf_printf(&m, "%s%s x%zu (first: %s)", i ? ", " : "", b->unsup[i].op,
                             b->unsup[i].count, b->unsup[i].first);
    }
    size_t other = 0;
    for (size_t i = 0; i < b->net->nlayers; i++) {
        const mxio__layer *l = &b->net->layers[i];
        if (!l->failure || !mxio__op_find(l->op)) continue;
        mxio__buf_printf(&m, "%s%s (%s): %s", other ? "; " : b->nunsup ? "; " : "", l->name,
                         l->op, l->failure);
        other++;
    }
    char *txt = mxio__buf_take(&m, NULL);
    mxio__fail(b->err, code, "%s", txt ? txt : "nodes could not be translated");
    free(txt);
    return code;
}

mxio_status mxio_net_from_symbol(const mxio_symbol *sym, const mxio_params *params,
                                 const mxio_net_options *opts, mxio_net **out, mxio_error *err) {
    mxio__error_clear(err);
    if (!sym || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_net_from_symbol: NULL argument");
    *out = NULL;
    builder b = {.s = sym, .p = params, .err = err};
    size_t n = sym->nnodes;
    mxio_status st = MXIO_OK;
    b.net = mxio__net_new();
    b.roles = mxio__calloc_array(n + 1, sizeof *b.roles);
    b.reach = mxio__calloc_array(n + 1, sizeof *b.reach);
    b.constant = mxio__calloc_array(n + 1, sizeof *b.constant);
    b.layer_of = mxio__calloc_array(n + 1, sizeof *b.layer_of);
    b.input_of = mxio__calloc_array(n + 1, sizeof *b.input_of);
    b.label_of = mxio__calloc_array(n + 1, sizeof *b.label_of);
    size_t np = params ? mxio_params_count(params) : 0;
    b.used_param = mxio__calloc_array(np + 1, sizeof *b.used_param);
    mxio__buf missing;
    mxio__buf_init(&missing);
    if (!b.net || !b.roles || !b.reach || !b.constant || !b.layer_of || !b.input_of || !b.label_of ||
        !b.used_param) {
        st = oom(&b);
        goto done;
    }
    struct mxio_net *net = b.net;
    net->initialized = params != NULL;
    net->file_version = sym->file_version;
    net->label = mxio__strdup(sym->label ? sym->label : "symbol");
    if (!net->label) {
        st = oom(&b);
        goto done;
    }
    for (size_t i = 0; i < n; i++) b.layer_of[i] = b.input_of[i] = b.label_of[i] = -1;
    st = compute_roles(&b);
    if (st) goto done;

    /* Heads: the symbol's, or the one internal output asked for. */
    mxio__entry chosen;
    const mxio__entry *heads = sym->heads;
    size_t nheads = sym->nheads;
    if (opts && opts->output) {
        st = select_heads(&b, opts->output, &chosen);
        if (st) goto done;
        heads = &chosen;
        nheads = 1;
    }
    for (size_t h = 0; h < nheads; h++)
        if (heads[h].node < n) mark_reach(&b, heads[h].node);

    /* One layer per reachable op node, in file order. */
    size_t nops = 0;
    for (size_t i = 0; i < n; i++)
        if (b.reach[i] && b.roles[i] == MXIO_ROLE_OP) nops++;
    net->layers = mxio__calloc_array(nops ? nops : 1, sizeof *net->layers);
    if (!net->layers) {
        st = oom(&b);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!b.reach[i] || b.roles[i] != MXIO_ROLE_OP) continue;
        const mxio__node *nd = &sym->nodes[i];
        mxio__layer *l = &net->layers[net->nlayers];
        memset(l, 0, sizeof *l);
        l->node = (int64_t)i;
        b.layer_of[i] = (int64_t)net->nlayers;
        net->nlayers++;
        /* Repeated node names are made unique the way the spec does: "_<index>". */
        bool dup = false;
        for (size_t j = 0; j + 1 < net->nlayers && !dup; j++)
            dup = strcmp(sym->nodes[net->layers[j].node].name, nd->name) == 0;
        char nbuf[1024];
        snprintf(nbuf, sizeof nbuf, dup ? "%s_%zu" : "%s", nd->name, i);
        l->name = mxio__strdup(nbuf);
        l->op = mxio__strdup(nd->op);
        if (!l->name || !l->op || !kvs_copy(nd->attrs, nd->nattrs, &l->attrs)) {
            st = oom(&b);
            goto done;
        }
        l->nattrs = nd->nattrs;
        const mxio__op *op = mxio__op_find(nd->op);
        mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
        l->nout = op ? mxio__op_outputs(op, &a, &l->nvisible) : 1;
        if (!op) l->nvisible = 1;
        st = translate(&b, (uint32_t)i, l);
        if (st) goto done;
        st = wire(&b, (uint32_t)i, net->nlayers - 1);
        if (st) goto done;
    }
    for (size_t h = 0; h < nheads; h++) {
        if (heads[h].node >= n) {
            st = mxio__fail(err, MXIO_E_GRAPH, "%s: head %zu refers to node %u of %zu", net->label,
                            h, heads[h].node, n);
            goto done;
        }
        st = add_output(&b, heads[h]);
        if (st) goto done;
    }
    if (net->nfailures && !(opts && (opts->flags & MXIO_NET_KEEP_FAILURES))) {
        st = failure_error(&b);
        goto done;
    }

    /* Arrays. */
    if (params) {
        size_t nmissing = 0;
        for (size_t i = 0; i < net->nlayers; i++) {
            if (net->layers[i].failure) continue;
            st = attach(&b, &net->layers[i], &missing, &nmissing);
            if (st) goto done;
        }
        if (nmissing) {
            char *txt = mxio__buf_take(&missing, NULL);
            st = mxio__fail(err, MXIO_E_MISMATCH, "%s: %zu array%s the graph needs %s missing "
                            "from the params file: %s%s",
                            net->label, nmissing, nmissing == 1 ? "" : "s",
                            nmissing == 1 ? "is" : "are", txt ? txt : "", nmissing > 8 ? ", ..." : "");
            free(txt);
            goto done;
        }
        for (size_t i = 0; i < np; i++) {
            if (b.used_param[i]) continue;
            mxio_array a;
            if (mxio_params_get(params, i, &a) != MXIO_OK) continue;
            char **u = mxio__realloc_array(net->unused_arrays, net->nunused + 1, sizeof *u);
            if (!u) {
                st = oom(&b);
                goto done;
            }
            net->unused_arrays = u;
            u[net->nunused] = a.name ? mxio__strndup(a.name, a.name_len) : NULL;
            if (!u[net->nunused]) {
                char idx[32];
                snprintf(idx, sizeof idx, "#%zu", i);
                u[net->nunused] = mxio__strdup(idx);
            }
            if (!u[net->nunused]) {
                st = oom(&b);
                goto done;
            }
            net->nunused++;
        }
    }
    st = infer_and_check(&b, opts);
    if (st) goto done;
    net->is_chain = mxio__net_compute_chain(net);

done:
    mxio__buf_free(&missing);
    free(b.roles);
    free(b.reach);
    free(b.constant);
    free(b.layer_of);
    free(b.input_of);
    free(b.label_of);
    free(b.used_param);
    free(b.unsup);
    if (st) {
        mxio_net_free(b.net);
        return st;
    }
    *out = b.net;
    return MXIO_OK;
}

/* ---- accessors ----------------------------------------------------------- */

int mxio_net_is_chain(const mxio_net *net) { return net ? net->is_chain : 0; }
size_t mxio_net_failure_count(const mxio_net *net) { return net ? net->nfailures : 0; }
size_t mxio_net_input_count(const mxio_net *net) { return net ? net->ninputs : 0; }
const char *mxio_net_input_name(const mxio_net *net, size_t i) {
    return net && i < net->ninputs ? net->inputs[i].name : NULL;
}
size_t mxio_net_output_count(const mxio_net *net) { return net ? net->noutputs : 0; }
const char *mxio_net_output_name(const mxio_net *net, size_t i) {
    return net && i < net->noutputs ? net->outputs[i].name : NULL;
}
size_t mxio_net_layer_count(const mxio_net *net) { return net ? net->nlayers : 0; }

static const mxio__layer *layer_at(const mxio_net *net, size_t i) {
    return net && i < net->nlayers ? &net->layers[i] : NULL;
}
const char *mxio_net_layer_name(const mxio_net *net, size_t i) {
    const mxio__layer *l = layer_at(net, i);
    return l ? l->name : NULL;
}
const char *mxio_net_layer_type(const mxio_net *net, size_t i) {
    const mxio__layer *l = layer_at(net, i);
    return l && l->type ? l->type->name : NULL;
}
const char *mxio_net_layer_op(const mxio_net *net, size_t i) {
    const mxio__layer *l = layer_at(net, i);
    return l ? l->op : NULL;
}
const char *mxio_net_layer_failure(const mxio_net *net, size_t i) {
    const mxio__layer *l = layer_at(net, i);
    return l ? l->failure : NULL;
}
const char *mxio_net_layer_option(const mxio_net *net, size_t i, const char *name) {
    const mxio__layer *l = layer_at(net, i);
    return l && l->type ? mxio__layer_get(l, name) : NULL;
}
size_t mxio_net_layer_array_count(const mxio_net *net, size_t i) {
    const mxio__layer *l = layer_at(net, i);
    return l ? l->narrays : 0;
}
const char *mxio_net_layer_array_name(const mxio_net *net, size_t i, size_t j) {
    const mxio__layer *l = layer_at(net, i);
    return l && j < l->narrays ? l->arrays[j].slot : NULL;
}
const char *mxio_net_layer_array_variable(const mxio_net *net, size_t i, size_t j) {
    const mxio__layer *l = layer_at(net, i);
    return l && j < l->narrays ? l->arrays[j].var : NULL;
}
const int64_t *mxio_net_layer_output_shape(const mxio_net *net, size_t i, size_t k, int *ndim) {
    const mxio__layer *l = layer_at(net, i);
    if (ndim) *ndim = -1;
    if (!l || !l->out_shapes || k >= (size_t)l->nvisible || l->out_shapes[k].ndim < 0) return NULL;
    if (ndim) *ndim = l->out_shapes[k].ndim;
    return l->out_shapes[k].d;
}

const int64_t *mxio_net_layer_array_shape(const mxio_net *net, size_t i, size_t j, int *ndim) {
    const mxio__layer *l = layer_at(net, i);
    if (ndim) *ndim = -1;
    if (!l || j >= l->narrays || l->arrays[j].ndim < 0) return NULL;
    if (ndim) *ndim = l->arrays[j].ndim;
    return l->arrays[j].shape;
}

mxio_status mxio_net_render(const mxio_net *net, mxio_element element, mxio_text_format format,
                            char **text, size_t *len, mxio_error *err) {
    mxio__error_clear(err);
    if (!net || !text) return mxio__fail(err, MXIO_E_MISUSE, "mxio_net_render: NULL argument");
    if (element != MXIO_ELEMENT_NET && element != MXIO_ELEMENT_UNINITIALIZED_NET &&
        element != MXIO_ELEMENT_LAYER_ASSOCIATION)
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_net_render: element %d is not a Net element",
                          (int)element);
    mxio__buf b;
    mxio__buf_init(&b);
    mxio_status st;
    if (format == MXIO_TEXT_JSON && element == MXIO_ELEMENT_LAYER_ASSOCIATION)
        st = mxio__net_write_association_json(net, &b, err);
    else if (format == MXIO_TEXT_JSON)
        st = mxio__net_write_json(net, element != MXIO_ELEMENT_UNINITIALIZED_NET, &b, err);
    else if (format == MXIO_TEXT_TABLE)
        st = mxio__net_write_table(net, element, &b, err);
    else
        st = mxio__fail(err, MXIO_E_UNSUPPORTED, "Net elements render as TABLE or JSON only");
    if (!st && b.oom) st = mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    if (st) {
        mxio__buf_free(&b);
        return st;
    }
    *text = mxio__buf_take(&b, len);
    if (!*text) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    return MXIO_OK;
}
