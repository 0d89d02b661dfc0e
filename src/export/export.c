/* export.c - a Net back to MXNet: the symbol graph and the params file that
 * MXNet 1.9.1 loads with mx.model.load_checkpoint and gluon.SymbolBlock.imports.
 *
 * Each layer becomes one op node. An imported layer whose options still say what
 * its node said is written back with the node's own op and raw attributes (exact);
 * a layer that was edited or built in C goes through the op records' way back
 * (mxio__layer_to_attrs), with the provenance op when it still gives the layer,
 * else the first op of the registry that does (see docs/export.md). The graph is
 * then put in MXNet's node order by the graph layer (post-order DFS from the
 * heads) and printed by the symbol writer. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../format/symbol.h"
#include "../net/net.h"

typedef struct var_entry {
    char *name;
    uint32_t node;
    mxio_role role;
    const mxio__layer_array *arr; /* NULL for net inputs and labels */
    const char *layer;            /* for messages */
} var_entry;

typedef struct exporter {
    const struct mxio_net *net;
    const mxio_params *arrays;
    uint32_t flags;
    mxio_error *err;
    struct mxio_symbol *s;
    size_t cap;
    uint32_t *input_node, *label_node, *layer_node;
    var_entry *vars;
    size_t nvars;
} exporter;

static mxio_status oom(exporter *x) { return mxio__fail(x->err, MXIO_E_NOMEM, "out of memory"); }

/* ---- JSON option values compared by meaning (1 == 1.0, [] == []) ----------- */

static bool json_same(const json_t *a, const json_t *b) {
    if (json_is_number(a) && json_is_number(b)) return json_number_value(a) == json_number_value(b);
    /* 1 and [1] say the same for an option that is a tuple of one */
    if (json_is_number(a) && json_is_array(b) && json_array_size(b) == 1)
        return json_same(a, json_array_get(b, 0));
    if (json_is_array(a) && json_is_number(b)) return json_same(b, a);
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b)) return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!json_same(json_array_get(a, i), json_array_get(b, i))) return false;
        return true;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static bool value_same(const char *a, const char *b) {
    if (!a || !b) return a == b;
    if (strcmp(a, b) == 0) return true;
    json_error_t je;
    json_t *ja = json_loads(a, JSON_DECODE_ANY, &je), *jb = json_loads(b, JSON_DECODE_ANY, &je);
    bool same = ja && jb && json_same(ja, jb);
    json_decref(ja);
    json_decref(jb);
    return same;
}

static size_t option_count(const mxio__layer_type *t) {
    size_t n = 0;
    while (t->options[n].name) n++;
    return n;
}

/* Does op `op` with attributes kv give a layer with l's type and options? */
static bool gives_layer(const mxio__op *op, const mxio__kv *kv, size_t n, const mxio__layer *l) {
    mxio__layer t;
    memset(&t, 0, sizeof t);
    t.node = -1;
    mxio__attrs a = {.kv = kv, .n = n, .op = op, .node = NULL};
    mxio_error e;
    bool same = mxio__layer_from_node(&a, &t, &e) == MXIO_OK && t.type == l->type;
    /* An option a built layer left null means MXNet's default: any value. (An
     * imported layer's null is MXNet's None, compared as a value.) */
    bool built = l->node < 0;
    for (size_t i = 0; same && i < option_count(l->type); i++)
        same = (built && strcmp(l->values[i], "null") == 0) || value_same(t.values[i], l->values[i]);
    mxio__layer_clear(&t);
    return same;
}

static bool kvs_dup(const mxio__kv *src, size_t n, mxio__kv **out) {
    *out = NULL;
    if (!n) return true;
    mxio__kv *kv = mxio__calloc_array(n, sizeof *kv);
    if (!kv) return false;
    for (size_t i = 0; i < n; i++) {
        kv[i].key = mxio__strdup(src[i].key);
        kv[i].value = mxio__strdup(src[i].value);
        if (!kv[i].key || !kv[i].value) {
            mxio__kvs_free(kv, n);
            return false;
        }
    }
    *out = kv;
    return true;
}

/* The way back writes "None" for a null option; where the op's parameter has a
 * real default, null meant "MXNet's default": leave the attribute out. */
static void drop_none(const mxio__op *op, mxio__kv *kv, size_t *n) {
    size_t w = 0;
    for (size_t i = 0; i < *n; i++) {
        const mxio__attr_spec *spec = NULL;
        for (const mxio__attr_spec *p = op->params; p && p->name && !spec; p++)
            if (strcmp(p->name, kv[i].key) == 0) spec = p;
        bool none_ok = spec && (spec->type >= MXIO__ATTR_OPT_INT || spec->type == MXIO__ATTR_SHAPE) &&
                       spec->dflt && strcmp(spec->dflt, "None") == 0;
        if (strcmp(kv[i].value, "None") == 0 && !none_ok) {
            free(kv[i].key);
            free(kv[i].value);
            continue;
        }
        /* an integer parameter written from a list option: "(1,)" -> "1" */
        size_t len = strlen(kv[i].value);
        if (spec && (spec->type == MXIO__ATTR_INT || spec->type == MXIO__ATTR_OPT_INT) &&
            len > 3 && kv[i].value[0] == '(' && strcmp(kv[i].value + len - 2, ",)") == 0 &&
            !strchr(kv[i].value + 1, ',')[2]) {
            memmove(kv[i].value, kv[i].value + 1, len - 3);
            kv[i].value[len - 3] = '\0';
        }
        kv[w++] = kv[i];
    }
    *n = w;
}

/* The slot of `l` that argument `arg` of `op` takes: what the op's own layer
 * (derived from the attributes, so rules and to_layer hooks alike) calls it. */
static int slot_for_arg(const mxio__op *op, const mxio__kv *kv, size_t n, const mxio__layer *l,
                        const char *arg) {
    for (size_t j = 0; j < l->narrays; j++)
        if (l->arrays[j].state != MXIO__ARRAY_NONE && l->arrays[j].arg &&
            strcmp(l->arrays[j].arg, arg) == 0)
            return (int)j;
    mxio__layer t;
    memset(&t, 0, sizeof t);
    t.node = -1;
    mxio__attrs a = {.kv = kv, .n = n, .op = op, .node = NULL};
    mxio_error e;
    int slot = -1;
    if (mxio__layer_from_node(&a, &t, &e) == MXIO_OK)
        for (size_t j = 0; j < t.narrays && slot < 0; j++)
            if (t.arrays[j].arg && strcmp(t.arrays[j].arg, arg) == 0)
                slot = mxio__layer_array_find(l, t.arrays[j].slot);
    mxio__layer_clear(&t);
    if (slot < 0) slot = mxio__layer_array_find(l, arg);
    return slot;
}

/* Can a built layer feed `op`: a slot for each of its weight and aux arguments,
 * and as many data sources as it has data arguments? (So that Identity is not
 * written as an op with a hidden state, or a one-input layer as a two-input op.) */
static bool inputs_fit(const mxio__op *op, const mxio__kv *kv, size_t n, const mxio__layer *l) {
    mxio__attrs a = {.kv = kv, .n = n, .op = op, .node = NULL};
    const char *names[MXIO__MAX_OP_INPUTS];
    int nn = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
    if (nn == MXIO__INPUTS_FREE) return true;
    if (nn < 0) return false;
    uint32_t w = 0, aux = 0, lab = 0;
    mxio__op_masks(op, &a, &w, &aux, &lab);
    size_t need = 0, have = 0;
    for (int k = 0; k < nn; k++) {
        if (!((w | aux | lab) >> k & 1)) {
            need++;
            continue;
        }
        if (slot_for_arg(op, kv, n, l, names[k]) < 0) return false;
    }
    for (size_t i = 0; i < l->nsrcs; i++) have += l->srcs[i].kind != MXIO__SRC_ARRAY;
    return need == have;
}

/* Layers keep the subgraphs of their nodes (control-flow bodies, the fused _sg_
 * ops' inner graphs), so such layers export with them. */
static bool control_flow(const char *op) {
    return strcmp(op, "_foreach") == 0 || strcmp(op, "_while_loop") == 0 ||
           strcmp(op, "_cond") == 0;
}

static bool kept_subgraphs(const mxio__layer *l) {
    if (!l->nsubgraphs) return false;
    for (size_t g = 0; g < l->nsubgraphs; g++)
        if (!l->subgraph_json[g]) return false;
    return true;
}

/* Variadic ops (Concat, add_n, ...) count their inputs in num_args: it follows
 * the layer's data sources, which an edit or the builder may have changed. */
static mxio_status set_num_args(exporter *x, const mxio__layer *l, const mxio__op *op,
                                mxio__kv **kv, size_t *n) {
    bool has = false;
    for (const mxio__attr_spec *p = op->params; p && p->name && !has; p++)
        has = strcmp(p->name, "num_args") == 0;
    /* control flow: num_args counts the bodies too, and the *_locs attrs place
     * every input, so the value stays as read */
    if (!has || control_flow(op->name)) return MXIO_OK;
    size_t data = 0;
    for (size_t i = 0; i < l->nsrcs; i++) data += l->srcs[i].kind != MXIO__SRC_ARRAY;
    if (!data) return MXIO_OK;
    /* Already right (or counting more than data, as UpSampling bilinear's 2 with its
     * weight): leave the node's value alone. */
    if (inputs_fit(op, *kv, *n, l)) return MXIO_OK;
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", data);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*kv)[i].key, "num_args") == 0 && strcmp((*kv)[i].value, buf) == 0) return MXIO_OK;
    return mxio__kvs_set(kv, n, "num_args", buf, x->err);
}

/* The op and attributes for layer `l`. *op_out is a registry record. */
static mxio_status layer_op(exporter *x, const mxio__layer *l, const mxio__op **op_out,
                            mxio__kv **kv, size_t *n) {
    *kv = NULL;
    *n = 0;
    if (!l->type)
        return mxio__fail_at(x->err, MXIO_E_UNSUPPORTED, -1, l->node, -1,
                             "layer %s: a failure entry (%s) cannot be exported", l->name,
                             l->failure ? l->failure : "not translated");
    if (strcmp(l->type->name, "MXNetOpLayer") == 0) {
        /* The generic layer keeps its MXNet identity: op and raw attributes. */
        char *name = NULL;
        if (!mxio__lopt_to_attr(MXIO__LOPT_STRING, l->values[0], &name) || !name)
            return mxio__fail_at(x->err, MXIO_E_MISUSE, -1, l->node, -1,
                                 "layer %s: MXNetOpLayer without an Operator", l->name);
        const mxio__op *op = mxio__op_find(name);
        if (!op) {
            mxio__fail_at(x->err, MXIO_E_UNKNOWN_OP, -1, l->node, -1,
                          "layer %s: operator %s is not an MXNet op mxio knows", l->name, name);
            free(name);
            return MXIO_E_UNKNOWN_OP;
        }
        free(name);
        *op_out = op;
        mxio_status st = mxio__layer_to_attrs(op, l, kv, n, x->err);
        return st ? st : set_num_args(x, l, op, kv, n);
    }
    const mxio__op *prov = l->op ? mxio__op_find(l->op) : NULL;
    /* Unchanged since import: the node's own attributes, byte for byte. */
    if (prov && gives_layer(prov, l->attrs, l->nattrs, l)) {
        *op_out = prov;
        if (!kvs_dup(l->attrs, l->nattrs, kv)) return oom(x);
        *n = l->nattrs;
        return set_num_args(x, l, prov, kv, n);
    }
    /* Edited or built: the provenance op if it can still say it, else the first
     * op of the registry whose way back gives this layer again. */
    const mxio__op *choice = NULL;
    mxio_error e;
    if (prov && mxio__layer_to_attrs(prov, l, kv, n, &e) == MXIO_OK &&
        (drop_none(prov, *kv, n), gives_layer(prov, *kv, *n, l)))
        choice = prov;
    else if (*kv) {
        mxio__kvs_free(*kv, *n);
        *kv = NULL;
        *n = 0;
    }
    /* Training heads (label arguments) only by provenance; deprecated *_v1 ops
     * only when nothing else says it. */
    for (int pass = 0; pass < 2 && !choice; pass++)
        for (size_t i = 0; !choice && i < mxio__op_count(); i++) {
            const mxio__op *op = mxio__op_at(i);
            if (!op->from_layer && !(op->layer && strcmp(op->layer->type, l->type->name) == 0))
                continue;
            size_t len = strlen(op->name);
            if (pass == 0 && len > 3 && strcmp(op->name + len - 3, "_v1") == 0) continue;
            if (mxio__layer_to_attrs(op, l, kv, n, &e) == MXIO_OK &&
                (drop_none(op, *kv, n), gives_layer(op, *kv, *n, l)) &&
                set_num_args(x, l, op, kv, n) == MXIO_OK &&
                (l->node >= 0 || inputs_fit(op, *kv, *n, l))) {
                uint32_t w = 0, aux = 0, lab = 0;
                mxio__attrs a = {.kv = *kv, .n = *n, .op = op, .node = NULL};
                mxio__op_masks(op, &a, &w, &aux, &lab);
                if (!lab) {
                    choice = op;
                    break;
                }
            }
            mxio__kvs_free(*kv, *n);
            *kv = NULL;
            *n = 0;
        }
    if (!choice)
        return mxio__fail_at(x->err, MXIO_E_UNSUPPORTED, -1, l->node, -1,
                             "layer %s: no MXNet op gives a %s with these options", l->name,
                             l->type->name);
    /* Keep what the node had that the options do not speak for (workspace,
     * cudnn_tune, __lr_mult__, ...): each raw attribute that leaves the layer as it is. */
    if (prov == choice)
        for (size_t i = 0; i < l->nattrs; i++) {
            bool have = false;
            for (size_t k = 0; k < *n && !have; k++) have = strcmp((*kv)[k].key, l->attrs[i].key) == 0;
            if (have) continue;
            if (mxio__kvs_set(kv, n, l->attrs[i].key, l->attrs[i].value, x->err)) return MXIO_E_NOMEM;
            if (!gives_layer(choice, *kv, *n, l)) {
                /* drop it again */
                for (size_t k = 0; k < *n; k++)
                    if (strcmp((*kv)[k].key, l->attrs[i].key) == 0) {
                        free((*kv)[k].key);
                        free((*kv)[k].value);
                        memmove(&(*kv)[k], &(*kv)[k + 1], (*n - k - 1) * sizeof **kv);
                        (*n)--;
                        break;
                    }
            }
        }
    *op_out = choice;
    return set_num_args(x, l, choice, kv, n);
}

/* Ops whose nodes carry subgraphs (fused oneDNN ops, control flow): without them
 * (a Net JSON layer may lack its "subgraphs") writing such a node would change
 * what it computes, so it is refused. */
static bool needs_subgraph(const char *op) {
    return strncmp(op, "_sg_", 4) == 0 || strcmp(op, "_CachedOp") == 0 ||
           strcmp(op, "_foreach") == 0 || strcmp(op, "_while_loop") == 0 ||
           strcmp(op, "_cond") == 0;
}

/* ---- building the symbol --------------------------------------------------- */

static mxio_status add_node(exporter *x, const char *op, const char *name, uint32_t *id) {
    struct mxio_symbol *s = x->s;
    if (s->nnodes == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        mxio__node *nodes = mxio__realloc_array(s->nodes, cap, sizeof *nodes);
        if (!nodes) return oom(x);
        s->nodes = nodes;
        x->cap = cap;
    }
    if (s->nnodes >= MXIO__SYMBOL_MAX_NODES)
        return mxio__fail(x->err, MXIO_E_LIMIT, "export: more than %zu nodes",
                          (size_t)MXIO__SYMBOL_MAX_NODES);
    mxio__node *nd = &s->nodes[s->nnodes];
    memset(nd, 0, sizeof *nd);
    nd->op = mxio__strdup(op);
    nd->name = mxio__strdup(name);
    nd->spelling = MXIO__SPELL_ATTRS;
    if (!nd->op || !nd->name) {
        mxio__node_clear(nd);
        return oom(x);
    }
    *id = (uint32_t)s->nnodes++;
    return MXIO_OK;
}

static mxio_status attach_subgraphs(exporter *x, uint32_t id, const mxio__layer *l) {
    mxio__node *nd = &x->s->nodes[id];
    nd->subgraphs = mxio__calloc_array(l->nsubgraphs, sizeof *nd->subgraphs);
    if (!nd->subgraphs) return oom(x);
    nd->nsubgraphs = l->nsubgraphs;
    for (size_t g = 0; g < l->nsubgraphs; g++) {
        mxio_status st = mxio__symbol_parse(l->subgraph_json[g], strlen(l->subgraph_json[g]),
                                            l->name, &nd->subgraphs[g], x->err);
        if (st) return st;
    }
    return MXIO_OK;
}

static mxio_status set_attrs(exporter *x, uint32_t id, const mxio__kv *kv, size_t n) {
    mxio__node *nd = &x->s->nodes[id];
    for (size_t i = 0; i < n; i++)
        if (!mxio__node_set_attr(nd, kv[i].key, kv[i].value)) return oom(x);
    return MXIO_OK;
}

static int64_t find_var(const exporter *x, const char *name) {
    for (size_t i = 0; i < x->nvars; i++)
        if (strcmp(x->vars[i].name, name) == 0) return (int64_t)i;
    return -1;
}

static mxio_status add_var(exporter *x, const char *name, const mxio__kv *kv, size_t n,
                           mxio_role role, const mxio__layer_array *arr, const char *layer,
                           uint32_t *id) {
    int64_t have = find_var(x, name);
    if (have >= 0) {
        var_entry *v = &x->vars[have];
        bool both_arrays = v->arr && arr;
        if (!both_arrays && (v->arr || arr || v->role != role))
            return mxio__fail(x->err, MXIO_E_GRAPH,
                              "export: variable %s is used both as %s and as %s (layer %s)", name,
                              mxio_role_name(v->role), mxio_role_name(role), layer ? layer : "-");
        *id = v->node;
        return MXIO_OK;
    }
    var_entry *vs = mxio__realloc_array(x->vars, x->nvars + 1, sizeof *vs);
    if (!vs) return oom(x);
    x->vars = vs;
    char *copy = mxio__strdup(name);
    if (!copy) return oom(x);
    mxio_status st = add_node(x, "null", name, id);
    if (!st) st = set_attrs(x, *id, kv, n);
    if (st) {
        free(copy);
        return st;
    }
    vs[x->nvars++] = (var_entry){copy, *id, role, arr, layer};
    return MXIO_OK;
}

/* Wire the inputs of layer `li` (node already made) for `op` with attrs. */
static mxio_status wire(exporter *x, size_t li, const mxio__op *op) {
    const mxio__layer *l = &x->net->layers[li];
    mxio__node *nd = &x->s->nodes[x->layer_node[li]];
    mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
    const char *names[MXIO__MAX_OP_INPUTS];
    int nn = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
    bool free_inputs = nn == MXIO__INPUTS_FREE;
    if (nn < 0 && !free_inputs)
        return mxio__fail_at(x->err, MXIO_E_GRAPH, -1, l->node, -1,
                             "layer %s: cannot list the arguments of %s", l->name, op->name);
    size_t count = free_inputs ? l->nsrcs : (size_t)nn;
    nd->inputs = mxio__calloc_array(count ? count : 1, sizeof *nd->inputs);
    if (!nd->inputs) return oom(x);
    bool *used = mxio__calloc_array(l->nsrcs ? l->nsrcs : 1, 1);
    if (!used) return oom(x);
    uint32_t wmask = 0, amask = 0, lmask = 0;
    mxio__op_masks(op, &a, &wmask, &amask, &lmask);
    mxio_status st = MXIO_OK;
    size_t next_data = 0;
    for (size_t k = 0; k < count && !st; k++) {
        const char *arg = free_inputs ? NULL : names[k];
        int64_t src = free_inputs && k < l->nsrcs ? (int64_t)k : -1; /* Custom: as they were */
        /* 1. a source that names this argument */
        for (size_t j = 0; arg && j < l->nsrcs && src < 0; j++)
            if (!used[j] && l->arg_names && l->arg_names[j] && strcmp(l->arg_names[j], arg) == 0)
                src = (int64_t)j;
        /* 2. an array slot for it: by the slot's argument, or the rule's slot name */
        int slot = -1;
        if (src < 0 && arg && ((wmask | amask | lmask) >> k & 1))
            slot = slot_for_arg(op, nd->attrs, nd->nattrs, l, arg);
        /* 3. the next data source not yet taken */
        if (src < 0 && slot < 0)
            for (; next_data < l->nsrcs; next_data++)
                if (!used[next_data] && l->srcs[next_data].kind != MXIO__SRC_ARRAY &&
                    !(l->arg_names && l->arg_names[next_data] && !free_inputs &&
                      mxio__layer_array_find(l, l->arg_names[next_data]) >= 0)) {
                    src = (int64_t)next_data++;
                    break;
                }
        if (src >= 0) {
            used[src] = true;
            const mxio__layer_src *sr = &l->srcs[src];
            if (sr->kind == MXIO__SRC_ARRAY) slot = sr->index == UINT32_MAX ? -2 : (int)sr->index;
        }
        mxio__entry *e = &nd->inputs[k];
        e->version = 0;
        e->index = 0;
        if (slot >= 0 && (size_t)slot < l->narrays) {
            const mxio__layer_array *arr = &l->arrays[slot];
            char buf[512];
            const char *vname = arr->var;
            if (!vname) {
                snprintf(buf, sizeof buf, "%s_%s", l->name, arg ? arg : arr->slot);
                vname = buf;
            }
            mxio_role role = (amask >> k & 1) ? MXIO_ROLE_AUX : arr->role == MXIO_ROLE_DATA
                                                                     ? MXIO_ROLE_DATA
                                                                     : MXIO_ROLE_WEIGHT;
            uint32_t id;
            st = add_var(x, vname, arr->attrs, arr->nattrs, role, arr, l->name, &id);
            if (st) break;
            /* add_var may have moved the node array */
            nd = &x->s->nodes[x->layer_node[li]];
            nd->inputs[k].node = id;
            continue;
        }
        if (src < 0 || slot == -2) {
            st = mxio__fail_at(x->err, MXIO_E_GRAPH, -1, l->node, -1,
                               "layer %s (%s as %s): argument %zu (%s) has no source", l->name,
                               l->type->name, op->name, k, arg ? arg : "?");
            break;
        }
        const mxio__layer_src *sr = &l->srcs[src];
        switch (sr->kind) {
        case MXIO__SRC_INPUT:
            if (sr->index >= x->net->ninputs) goto bad;
            e->node = x->input_node[sr->index];
            break;
        case MXIO__SRC_LABEL:
            if (sr->index >= x->net->nlabels) goto bad;
            e->node = x->label_node[sr->index];
            break;
        case MXIO__SRC_LAYER:
            if (sr->index >= x->net->nlayers) goto bad;
            e->node = x->layer_node[sr->index];
            e->index = sr->port;
            break;
        default:
        bad:
            st = mxio__fail_at(x->err, MXIO_E_GRAPH, -1, l->node, -1,
                               "layer %s: argument %zu refers to a missing source", l->name, k);
        }
    }
    free(used);
    if (!st) nd->ninputs = count;
    return st;
}

/* ---- arrays ---------------------------------------------------------------- */

static uint16_t f32_to_f16(float f) { /* round to nearest even, as NumPy's astype */
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t s = (x >> 16) & 0x8000, e = (x >> 23) & 0xff, m = x & 0x7fffff;
    if (e == 0xff) return (uint16_t)(s | 0x7c00 | (m ? 0x200 : 0));
    int32_t ee = (int32_t)e - 127 + 15;
    if (ee >= 0x1f) return (uint16_t)(s | 0x7c00);
    if (ee <= 0) {
        if (ee < -10) return (uint16_t)s;
        m |= 0x800000;
        uint32_t shift = (uint32_t)(14 - ee), hm = m >> shift, rem = m & ((1u << shift) - 1),
                 half = 1u << (shift - 1);
        if (rem > half || (rem == half && (hm & 1))) hm++;
        return (uint16_t)(s | hm);
    }
    uint32_t hm = m >> 13, rem = m & 0x1fff, h = s | ((uint32_t)ee << 10) | hm;
    if (rem > 0x1000 || (rem == 0x1000 && (hm & 1))) h++; /* may carry into the exponent: right */
    return (uint16_t)h;
}

static float f16_to_f32(uint16_t h) {
    uint32_t s = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff, bits;
    if (e == 0x1f)
        bits = s | 0x7f800000 | (m << 13);
    else if (e)
        bits = s | ((e + 112) << 23) | (m << 13);
    else if (!m)
        bits = s;
    else {
        e = 113;
        while (!(m & 0x400)) {
            m <<= 1;
            e--;
        }
        bits = s | (e << 23) | ((m & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/* Append array `a` as `name`, converting float dtypes as the flags ask. */
static mxio_status put_array(exporter *x, mxio_params *out, mxio_array a, const char *name) {
    a.name = name;
    a.name_len = strlen(name);
    if (a.record == MXIO_RECORD_LEGACY || a.record == MXIO_RECORD_V1) a.record = MXIO_RECORD_V2;
    mxio_dtype want = a.dtype;
    if ((x->flags & MXIO_EXPORT_FLOAT16) && a.dtype == MXIO_DTYPE_FLOAT32) want = MXIO_DTYPE_FLOAT16;
    if ((x->flags & MXIO_EXPORT_FLOAT32) && a.dtype == MXIO_DTYPE_FLOAT16) want = MXIO_DTYPE_FLOAT32;
    if (want == a.dtype || a.storage != MXIO_STORAGE_DENSE || a.is_none)
        return mxio_params_append(out, &a, x->err);
    int64_t numel = mxio_array_numel(&a);
    size_t bytes;
    if (numel < 0 || !mxio__mul_size((size_t)numel, mxio_dtype_size(want), &bytes))
        return mxio__fail(x->err, MXIO_E_LIMIT, "array %s is too large", name);
    void *buf = malloc(bytes ? bytes : 1);
    if (!buf) return oom(x);
    const uint8_t *src = a.data;
    for (int64_t i = 0; i < numel; i++) {
        if (want == MXIO_DTYPE_FLOAT16) {
            float f;
            memcpy(&f, src + 4 * i, 4);
            uint16_t h = f32_to_f16(f);
            memcpy((uint8_t *)buf + 2 * i, &h, 2);
        } else {
            uint16_t h;
            memcpy(&h, src + 2 * i, 2);
            float f = f16_to_f32(h);
            memcpy((uint8_t *)buf + 4 * i, &f, 4);
        }
    }
    a.dtype = want;
    a.data = buf;
    a.nbytes = bytes;
    mxio_status st = mxio_params_append(out, &a, x->err);
    free(buf);
    return st;
}

typedef struct pending {
    size_t var;     /* index in x->vars */
    int64_t source; /* index in the given arrays: the output keeps their order */
    size_t order;   /* arguments first, then aux, in graph order */
} pending;

static int cmp_pending(const void *pa, const void *pb) {
    const pending *a = pa, *b = pb;
    if (a->source != b->source) return a->source < b->source ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static int64_t lookup_array(const exporter *x, const var_entry *v, const char *name) {
    if (!x->arrays) return -1;
    int64_t i = v->arr && v->arr->param ? mxio_params_find(x->arrays, v->arr->param) : -1;
    char buf[1024];
    if (i < 0) {
        snprintf(buf, sizeof buf, "%s:%s", v->role == MXIO_ROLE_AUX ? "aux" : "arg", name);
        i = mxio_params_find(x->arrays, buf);
    }
    if (i < 0) i = mxio_params_find(x->arrays, name);
    return i;
}

static mxio_status collect_arrays(exporter *x, mxio_params **out) {
    *out = mxio_params_new();
    if (!*out) return oom(x);
    const struct mxio_symbol *s = x->s;
    /* graph order: vars in node order after the reorder */
    size_t nv = x->nvars, np = 0;
    pending *pend = mxio__calloc_array(nv ? nv : 1, sizeof *pend);
    int64_t *node_var = mxio__calloc_array(s->nnodes ? s->nnodes : 1, sizeof *node_var);
    if (!pend || !node_var) {
        free(pend);
        free(node_var);
        return oom(x);
    }
    for (size_t i = 0; i < s->nnodes; i++) node_var[i] = -1;
    for (size_t i = 0; i < nv; i++)
        if (x->vars[i].node != UINT32_MAX) node_var[x->vars[i].node] = (int64_t)i;
    mxio_status st = MXIO_OK;
    for (int pass = 0; pass < 2 && !st; pass++)
        for (size_t n = 0; n < s->nnodes && !st; n++) {
            int64_t vi = node_var[n];
            if (vi < 0 || !x->vars[vi].arr) continue;
            const var_entry *v = &x->vars[vi];
            if ((pass == 1) != (v->role == MXIO_ROLE_AUX)) continue;
            int64_t src = lookup_array(x, v, s->nodes[n].name);
            if (src < 0)
                st = mxio__fail_at(x->err, MXIO_E_NOT_FOUND, -1, (int64_t)n, -1,
                                   "layer %s: array %s (variable %s) has no values%s",
                                   v->layer, v->arr->slot, s->nodes[n].name,
                                   x->arrays ? "" : " (no arrays given: export without arrays)");
            pend[np] = (pending){(size_t)vi, src, np};
            np++;
        }
    if (!st) qsort(pend, np, sizeof *pend, cmp_pending);
    for (size_t i = 0; i < np && !st; i++) {
        const var_entry *v = &x->vars[pend[i].var];
        const char *name = s->nodes[v->node].name;
        mxio_array a;
        st = mxio_params_get(x->arrays, (size_t)pend[i].source, &a);
        if (st) {
            st = mxio__fail(x->err, MXIO_E_MISUSE, "array %lld vanished", (long long)pend[i].source);
            break;
        }
        if (v->arr->state == MXIO__ARRAY_SET && v->arr->ndim >= 0 &&
            (v->arr->ndim != a.ndim ||
             memcmp(v->arr->shape, a.shape, (size_t)a.ndim * sizeof *a.shape) != 0))
            st = mxio__fail_at(x->err, MXIO_E_MISMATCH, -1, v->node, pend[i].source,
                               "export: layer %s: array %s '%s' changed shape since the net was "
                               "made", v->layer, v->arr->slot, name);
        if (st) break;
        size_t len = strlen(name) + 5;
        char *key = malloc(len);
        if (!key) {
            st = oom(x);
            break;
        }
        snprintf(key, len, "%s:%s", v->role == MXIO_ROLE_AUX ? "aux" : "arg", name);
        st = put_array(x, *out, a, key);
        free(key);
    }
    free(pend);
    free(node_var);
    if (st) {
        mxio_params_free(*out);
        *out = NULL;
    }
    return st;
}

/* Entry versions as nnvm's compose sets them: an input read from a variable
 * carries the variable's version, and each op that mutates a variable (aux
 * states) bumps it first (UpdateNodeVersion). Nodes are visited in MXNet's
 * order, which is the order they were composed in. */
static mxio_status set_versions(struct mxio_symbol *s, mxio_error *err) {
    uint32_t *version = mxio__calloc_array(s->nnodes ? s->nnodes : 1, sizeof *version);
    if (!version) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    for (size_t i = 0; i < s->nnodes; i++) {
        mxio__node *nd = &s->nodes[i];
        if (strcmp(nd->op, "null") == 0) continue;
        const mxio__op *op = mxio__op_find(nd->op);
        uint32_t w = 0, aux = 0, lab = 0;
        if (op) {
            mxio__attrs a = {.kv = nd->attrs, .n = nd->nattrs, .op = op, .node = nd};
            mxio__op_masks(op, &a, &w, &aux, &lab);
        }
        for (size_t k = 0; k < nd->ninputs; k++) {
            mxio__entry *e = &nd->inputs[k];
            if (strcmp(s->nodes[e->node].op, "null") != 0) {
                e->version = 0;
                continue;
            }
            if (k < 32 && (aux >> k & 1)) version[e->node]++;
            e->version = version[e->node];
        }
    }
    free(version);
    return MXIO_OK;
}

/* ---- the whole net -------------------------------------------------------- */

mxio_status mxio_net_to_mxnet(const mxio_net *net, const mxio_params *arrays, uint32_t flags,
                              mxio_symbol **sym, mxio_params **params, mxio_error *err) {
    mxio__error_clear(err);
    if (!net || !sym) return mxio__fail(err, MXIO_E_MISUSE, "export: no net");
    *sym = NULL;
    if (params) *params = NULL;
    exporter x = {.net = net, .arrays = arrays, .flags = flags, .err = err};
    mxio_status st = MXIO_OK;
    x.s = calloc(1, sizeof *x.s);
    x.input_node = mxio__calloc_array(net->ninputs + 1, sizeof *x.input_node);
    x.label_node = mxio__calloc_array(net->nlabels + 1, sizeof *x.label_node);
    x.layer_node = mxio__calloc_array(net->nlayers + 1, sizeof *x.layer_node);
    const mxio__op **ops = mxio__calloc_array(net->nlayers + 1, sizeof *ops);
    if (!x.s || !x.input_node || !x.label_node || !x.layer_node || !ops) {
        st = oom(&x);
        goto done;
    }
    x.s->file_version = MXIO_MXNET_VERSION;
    x.s->label = mxio__strdup(net->label ? net->label : "net");
    if (!x.s->label) {
        st = oom(&x);
        goto done;
    }
    for (size_t i = 0; i < net->ninputs && !st; i++)
        st = add_var(&x, net->inputs[i].name, net->inputs[i].attrs, net->inputs[i].nattrs,
                     MXIO_ROLE_DATA, NULL, NULL, &x.input_node[i]);
    for (size_t i = 0; i < net->nlabels && !st; i++)
        st = add_var(&x, net->labels[i].name, NULL, 0, MXIO_ROLE_LABEL, NULL, NULL,
                     &x.label_node[i]);
    /* Every op node first (sources may name any layer), then the wiring. */
    for (size_t i = 0; i < net->nlayers && !st; i++) {
        const mxio__layer *l = &net->layers[i];
        mxio__kv *kv = NULL;
        size_t n = 0;
        st = layer_op(&x, l, &ops[i], &kv, &n);
        bool keeps = !st && needs_subgraph(ops[i]->name) && kept_subgraphs(l);
        if (!st && needs_subgraph(ops[i]->name) && !keeps)
            st = mxio__fail_at(err, MXIO_E_UNSUPPORTED, -1, l->node, -1,
                               "layer %s: op %s holds a subgraph, which this Net does not have "
                               "(a Net JSON layer without \"subgraphs\"); it cannot be "
                               "exported",
                               l->name, ops[i]->name);
        if (!st) st = add_node(&x, ops[i]->name, l->name, &x.layer_node[i]);
        if (!st) st = set_attrs(&x, x.layer_node[i], kv, n);
        if (!st && keeps) st = attach_subgraphs(&x, x.layer_node[i], l);
        mxio__kvs_free(kv, n);
    }
    for (size_t i = 0; i < net->nlayers && !st; i++) st = wire(&x, i, ops[i]);
    if (st) goto done;
    if (!net->noutputs) {
        st = mxio__fail(err, MXIO_E_GRAPH, "export: the net has no outputs");
        goto done;
    }
    x.s->heads = mxio__calloc_array(net->noutputs, sizeof *x.s->heads);
    if (!x.s->heads) {
        st = oom(&x);
        goto done;
    }
    for (size_t i = 0; i < net->noutputs; i++) {
        const mxio__layer_src *src = &net->outputs[i].src;
        mxio__entry *h = &x.s->heads[i];
        if (src->kind == MXIO__SRC_INPUT && src->index < net->ninputs)
            h->node = x.input_node[src->index];
        else if (src->kind == MXIO__SRC_LAYER && src->index < net->nlayers) {
            h->node = x.layer_node[src->index];
            h->index = src->port;
        } else {
            st = mxio__fail(err, MXIO_E_GRAPH, "export: output %s has no source",
                            net->outputs[i].name);
            goto done;
        }
    }
    x.s->nheads = net->noutputs;
    /* MXNet's node order, arg_nodes, node_row_ptr and {mxnet_version: 10901}; the
     * graph layer's checks catch cycles and repeated variable names. */
    st = mxio__symbol_validate(x.s, err);
    if (!st) st = mxio__symbol_upgrade(x.s, err);
    if (!st) st = set_versions(x.s, err);
    if (st) goto done;
    {
        /* Re-find each variable's node after the reorder (names are unique). Vars no
         * output depends on are gone (UINT32_MAX). */
        for (size_t i = 0; i < x.nvars; i++) x.vars[i].node = UINT32_MAX;
        for (size_t n = 0; n < x.s->nnodes; n++) {
            if (strcmp(x.s->nodes[n].op, "null") != 0) continue;
            for (size_t i = 0; i < x.nvars; i++)
                if (x.vars[i].node == UINT32_MAX && strcmp(x.vars[i].name, x.s->nodes[n].name) == 0)
                    x.vars[i].node = (uint32_t)n;
        }
    }
    if (params && !(flags & MXIO_EXPORT_NO_ARRAYS)) st = collect_arrays(&x, params);

done:
    free(ops);
    free(x.input_node);
    free(x.label_node);
    free(x.layer_node);
    for (size_t i = 0; i < x.nvars; i++) free(x.vars[i].name);
    free(x.vars);
    if (st) {
        mxio_symbol_free(x.s);
        /* name the net (its source file) in the message */
        if (err && net->label && strncmp(err->message, net->label, strlen(net->label)) != 0)
            mxio__error_prefix(err, net->label);
        return st;
    }
    *sym = x.s;
    return MXIO_OK;
}
