/* upgrade.c - what MXNet 1.9.1 does to a graph when it loads a symbol file.
 *
 * LoadLegacyJSON (src/nnvm/legacy_json_util.cc) resolves every op name to its
 * registered op (aliases become canonical names), then runs, in this order,
 * each upgrader whose version is greater than the file's mxnet_version:
 *   10901   FixParsing: bare hidden keys (lr_mult, ...) become __key__, and
 *           `<arg>_<key>` on an op moves to the variable feeding <arg>;
 *   (parse) MXNet runs every op's parameter parser; mxio checks attributes
 *           later, when a Net is built, so unknown ops stay readable here;
 *   900     auxiliary inputs the <= 0.8 writer left out (BatchNorm's moving
 *           mean/var) are appended as new variables `<node>_<arg>` carrying a
 *           copy of the node's attrs;
 *   904     compose hooks set `__init__` on variables (BatchNorm moving stats,
 *           PReLU gamma, ...) unless present;
 *   905     argmax/argmin lose axis="-1" (it now means "all axes" by omission).
 * Saving then walks the graph again from the heads, so the node order,
 * arg_nodes and node_row_ptr are recomputed, unreachable nodes disappear and the
 * graph attributes become {"mxnet_version": ["int", 10901]}. */
#include <stdio.h>
#include <stdlib.h>

#include "format/symbol.h"
#include "ops/op.h"

static const char *const hidden_keys[] = {"ctx_group", "lr_mult", "wd_mult", "force_mirroring",
                                          "mirror_stage"};
#define NHIDDEN (sizeof hidden_keys / sizeof hidden_keys[0])

/* Position of the last occurrence of `needle` in `hay`, or -1 (std::string::rfind). */
static long rfind(const char *hay, const char *needle) {
    size_t hl = strlen(hay), nl = strlen(needle);
    if (nl > hl) return -1;
    for (size_t i = hl - nl + 1; i-- > 0;)
        if (memcmp(hay + i, needle, nl) == 0) return (long)i;
    return -1;
}

static bool is_var(const mxio__node *n) { return strcmp(n->op, "null") == 0; }

static mxio__attrs view(const mxio__node *n, const mxio__op *op) {
    mxio__attrs a = {n->attrs, n->nattrs, op, n};
    return a;
}

static mxio_status oom(const struct mxio_symbol *s, mxio_error *err) {
    return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory while upgrading the graph",
                      s->label ? s->label : "<buffer>");
}

/* Canonical op names everywhere; `ops` (may be NULL) receives each node's record. */
static bool resolve_aliases(struct mxio_symbol *s, const mxio__op **ops) {
    for (size_t i = 0; i < s->nnodes; i++) {
        mxio__node *n = &s->nodes[i];
        for (size_t k = 0; k < n->nsubgraphs; k++)
            if (!resolve_aliases(n->subgraphs[k], NULL)) return false;
        if (is_var(n)) continue;
        const mxio__op *op = mxio__op_find(n->op);
        if (ops) ops[i] = op;
        if (!op || strcmp(op->name, n->op) == 0) continue;
        char *canon = mxio__strdup(op->name);
        if (!canon) return false;
        free(n->source_op);
        n->source_op = n->op;
        n->op = canon;
    }
    return true;
}

/* Attribute edits some ops' parameter parsers make whenever MXNet parses a
 * node (every load): fused MKLDNN subgraph ops rename their legacy keys and the
 * quantized RNN marks itself. They belong with the op records; until op.h has
 * a slot for parser side effects they are listed here. */
static const struct parser_edit {
    const char *op, *from, *to, *value; /* rename `from` to `to`, or set `to` = value */
} parser_edits[] = {
    {"_sg_mkldnn_conv", "with_relu", "with_act", NULL},
    {"_sg_mkldnn_conv", "with_postsum_relu", "with_postsum_act", NULL},
    {"_sg_mkldnn_fully_connected", "with_relu", "with_eltwise", NULL},
    {"_contrib_quantized_rnn", NULL, "quantized", "true"},
};

static bool apply_parser_edits(struct mxio_symbol *s) {
    for (size_t i = 0; i < s->nnodes; i++) {
        mxio__node *n = &s->nodes[i];
        for (size_t k = 0; k < n->nsubgraphs; k++)
            if (!apply_parser_edits(n->subgraphs[k])) return false;
        for (size_t e = 0; e < sizeof parser_edits / sizeof parser_edits[0]; e++) {
            const struct parser_edit *pe = &parser_edits[e];
            if (strcmp(n->op, pe->op) != 0) continue;
            if (!pe->from) {
                if (!mxio__node_set_attr(n, pe->to, pe->value)) return false;
                continue;
            }
            const char *old = mxio__node_attr(n, pe->from);
            if (!old) continue;
            char *v = mxio__strdup(old);
            bool ok = v && mxio__node_set_attr(n, pe->to, v);
            free(v);
            if (!ok) return false;
            mxio__node_remove_attr(n, pe->from);
        }
    }
    return true;
}

/* ---- FixParsing ---------------------------------------------------------- */

static bool fix_parsing(struct mxio_symbol *s, uint32_t id, const mxio__op *op) {
    mxio__node *n = &s->nodes[id];
    size_t nh = 0;
    mxio__kv *held = n->nattrs ? mxio__calloc_array(n->nattrs, sizeof *held) : NULL;
    if (n->nattrs && !held) return false;
    /* Take out every key that starts (only) or ends with a hidden key. */
    for (size_t i = 0; i < n->nattrs;) {
        const char *k = n->attrs[i].key;
        bool take = false;
        for (size_t h = 0; h < NHIDDEN && !take; h++) {
            long pos = rfind(k, hidden_keys[h]);
            take = pos == 0 || (pos >= 0 && (size_t)pos == strlen(k) - strlen(hidden_keys[h]));
        }
        if (!take) {
            i++;
            continue;
        }
        held[nh++] = n->attrs[i];
        memmove(&n->attrs[i], &n->attrs[i + 1], (n->nattrs - i - 1) * sizeof *n->attrs);
        n->nattrs--;
    }
    bool ok = true;
    for (size_t j = 0; j < nh; j++) {
        const char *k = held[j].key;
        bool placed = false;
        for (size_t h = 0; h < NHIDDEN && ok; h++) {
            const char *hk = hidden_keys[h];
            long pos = rfind(k, hk);
            char dunder[64];
            snprintf(dunder, sizeof dunder, "__%s__", hk);
            if (pos == 0 && strlen(k) == strlen(hk)) {
                ok = mxio__node_set_attr(&s->nodes[id], dunder, held[j].value);
                placed = true;
                break;
            }
            if (pos > 1 && (size_t)pos == strlen(k) - strlen(hk)) {
                if (!op) break;
                const char *names[MXIO__MAX_OP_INPUTS];
                mxio__attrs a = view(&s->nodes[id], op);
                int cnt = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
                size_t arglen = (size_t)pos - 1; /* "<arg>_<key>" */
                for (int x = 0; x < cnt; x++) {
                    if (strlen(names[x]) != arglen || memcmp(names[x], k, arglen) != 0) continue;
                    const mxio__node *cur = &s->nodes[id];
                    if ((size_t)x < cur->ninputs && is_var(&s->nodes[cur->inputs[x].node])) {
                        ok = mxio__node_set_attr(&s->nodes[cur->inputs[x].node], dunder,
                                                 held[j].value);
                        placed = true;
                    }
                    break;
                }
                break;
            }
        }
        if (ok && !placed) ok = mxio__node_set_attr(&s->nodes[id], k, held[j].value);
    }
    for (size_t j = 0; j < nh; j++) {
        free(held[j].key);
        free(held[j].value);
    }
    free(held);
    return ok;
}

/* ---- 0.9.0: auxiliary inputs ------------------------------------------- */

static bool add_missing_inputs(struct mxio_symbol *s, uint32_t id, const mxio__op *op) {
    if (!op) return true;
    const char *names[MXIO__MAX_OP_INPUTS];
    mxio__attrs a = view(&s->nodes[id], op);
    int cnt = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
    if (cnt <= 0 || (size_t)cnt <= s->nodes[id].ninputs) return true;
    size_t have = s->nodes[id].ninputs, add = (size_t)cnt - have;
    mxio__node *grown = mxio__realloc_array(s->nodes, s->nnodes + add, sizeof *s->nodes);
    if (!grown) return false;
    s->nodes = grown;
    mxio__entry *in = mxio__realloc_array(s->nodes[id].inputs, (size_t)cnt, sizeof *in);
    if (!in) return false;
    s->nodes[id].inputs = in;
    for (size_t i = have; i < (size_t)cnt; i++) {
        const mxio__node *n = &s->nodes[id];
        mxio__node *v = &s->nodes[s->nnodes];
        memset(v, 0, sizeof *v);
        size_t len = strlen(n->name) + 1 + strlen(names[i]) + 1;
        v->op = mxio__strdup("null");
        v->name = malloc(len);
        if (!v->op || !v->name) {
            mxio__node_clear(v);
            return false;
        }
        if (n->name[0])
            snprintf(v->name, len, "%s_%s", n->name, names[i]);
        else
            snprintf(v->name, len, "%s", names[i]);
        if (n->nattrs) {
            v->attrs = mxio__calloc_array(n->nattrs, sizeof *v->attrs);
            if (!v->attrs) {
                mxio__node_clear(v);
                return false;
            }
            for (size_t k = 0; k < n->nattrs; k++) {
                v->attrs[k].key = mxio__strdup(n->attrs[k].key);
                v->attrs[k].value = mxio__strdup(n->attrs[k].value);
                v->nattrs++;
                if (!v->attrs[k].key || !v->attrs[k].value) {
                    mxio__node_clear(v);
                    return false;
                }
            }
        }
        mxio__entry e = {(uint32_t)s->nnodes, 0, 0};
        s->nodes[id].inputs[s->nodes[id].ninputs++] = e;
        s->nnodes++;
    }
    return true;
}

/* ---- 0.9.4: compose hooks ------------------------------------------------ */

static bool apply_compose_hooks(struct mxio_symbol *s, uint32_t id, const mxio__op *op) {
    const mxio__node *n = &s->nodes[id];
    if (!op || !op->compose_attrs) return true;
    for (size_t i = 0; i < n->ninputs; i++) {
        mxio__node *in = &s->nodes[n->inputs[i].node];
        if (!is_var(in)) continue;
        /* Every hook in 1.9.1 leaves a variable alone once it has the key. */
        for (const mxio__var_attr *h = op->compose_attrs; h->input >= 0; h++)
            if ((size_t)h->input == i && !mxio__node_attr(in, h->key))
                if (!mxio__node_set_attr(in, h->key, h->value)) return false;
    }
    return true;
}

/* ---- re-walk: order, arg_nodes, node_row_ptr ----------------------------- */

/* Total outputs of node `id` (old numbering): the registry's count, else what
 * the file's node_row_ptr said, else enough for every entry that reads it. */
static uint32_t output_count(const struct mxio_symbol *s, size_t id, size_t file_nodes,
                             const uint32_t *max_index) {
    const mxio__node *n = &s->nodes[id];
    if (is_var(n)) return 1;
    const mxio__op *op = mxio__op_find(n->op);
    if (op) {
        mxio__attrs a = view(n, op);
        int c = mxio__op_outputs(op, &a, NULL);
        if (c > 0) return (uint32_t)c;
    }
    if (id < file_nodes && s->nfile_row_ptr == file_nodes + 1) {
        bool monotone = true;
        for (size_t i = 0; i < file_nodes && monotone; i++)
            monotone = s->file_row_ptr[i] <= s->file_row_ptr[i + 1];
        if (monotone && s->file_row_ptr[0] == 0 && s->file_row_ptr[id + 1] > s->file_row_ptr[id])
            return s->file_row_ptr[id + 1] - s->file_row_ptr[id];
    }
    return max_index[id] ? max_index[id] : 1;
}

static bool set_version_attr(struct mxio_symbol *s, bool main_graph) {
    for (size_t i = 0; i < s->ngraph_attrs; i++) {
        free(s->graph_attrs[i].key);
        free(s->graph_attrs[i].type);
        free(s->graph_attrs[i].value_json);
    }
    s->ngraph_attrs = 0;
    if (!main_graph) return true;
    mxio__graph_attr *g = s->graph_attrs ? s->graph_attrs : calloc(1, sizeof *g);
    if (!g) return false;
    s->graph_attrs = g;
    char v[16];
    snprintf(v, sizeof v, "%d", MXIO_MXNET_VERSION);
    g->key = mxio__strdup("mxnet_version");
    g->type = mxio__strdup("int");
    g->value_json = mxio__strdup(v);
    s->ngraph_attrs = 1;
    if (!g->key || !g->type || !g->value_json) return false;
    s->has_graph_attrs_key = 1;
    return true;
}

static bool rebuild(struct mxio_symbol *s, size_t file_nodes, bool main_graph) {
    size_t n = s->nnodes, reached = 0;
    uint32_t *order = n ? mxio__calloc_array(n, sizeof *order) : NULL;
    uint32_t *remap = n ? mxio__calloc_array(n, sizeof *remap) : NULL;
    uint32_t *counts = n ? mxio__calloc_array(n, sizeof *counts) : NULL;
    uint32_t *max_index = n ? mxio__calloc_array(n, sizeof *max_index) : NULL;
    mxio__node *nodes = n ? mxio__calloc_array(n, sizeof *nodes) : NULL;
    bool ok = !n || (order && remap && counts && max_index && nodes);
    if (ok) ok = mxio__symbol_post_order(s, order, &reached);
    if (!ok) goto done;
    for (size_t i = 0; i < n; i++) {
        const mxio__node *nd = &s->nodes[i];
        for (size_t k = 0; k < nd->ninputs; k++) {
            uint32_t src = nd->inputs[k].node, need = nd->inputs[k].index + 1;
            if (need > max_index[src]) max_index[src] = need;
        }
    }
    for (size_t h = 0; h < s->nheads; h++) {
        uint32_t src = s->heads[h].node, need = s->heads[h].index + 1;
        if (need > max_index[src]) max_index[src] = need;
    }
    for (size_t i = 0; i < n; i++) {
        remap[i] = UINT32_MAX;
        counts[i] = output_count(s, i, file_nodes, max_index);
    }
    for (size_t i = 0; i < reached; i++) remap[order[i]] = (uint32_t)i;

    /* Row pointers and arg_nodes, in the new order. */
    uint32_t *row = mxio__calloc_array(reached + 1, sizeof *row);
    uint32_t *args = reached ? mxio__calloc_array(reached, sizeof *args) : NULL;
    if (!row || (reached && !args)) {
        free(row);
        free(args);
        ok = false;
        goto done;
    }
    size_t nargs = 0;
    for (size_t i = 0; i < reached; i++) {
        uint64_t next = (uint64_t)row[i] + counts[order[i]];
        row[i + 1] = next > UINT32_MAX ? UINT32_MAX : (uint32_t)next;
        if (is_var(&s->nodes[order[i]])) args[nargs++] = (uint32_t)i;
    }
    /* Move the nodes; the unreachable ones are dropped. */
    for (size_t i = 0; i < reached; i++) {
        nodes[i] = s->nodes[order[i]];
        memset(&s->nodes[order[i]], 0, sizeof *s->nodes);
        for (size_t k = 0; k < nodes[i].ninputs; k++)
            nodes[i].inputs[k].node = remap[nodes[i].inputs[k].node];
        for (size_t k = 0; k < nodes[i].ncontrol_deps; k++)
            nodes[i].control_deps[k] = remap[nodes[i].control_deps[k]];
    }
    for (size_t i = 0; i < n; i++) mxio__node_clear(&s->nodes[i]);
    for (size_t h = 0; h < s->nheads; h++) s->heads[h].node = remap[s->heads[h].node];
    free(s->nodes);
    s->nodes = nodes;
    nodes = NULL;
    s->nnodes = reached;
    free(s->arg_nodes);
    s->arg_nodes = args;
    s->narg_nodes = nargs;
    free(s->node_row_ptr);
    s->node_row_ptr = row;
    s->nnode_row_ptr = reached + 1;
    s->has_row_ptr_key = 1;
    free(s->file_row_ptr);
    s->file_row_ptr = NULL;
    s->nfile_row_ptr = 0;
    free(s->roles);
    s->roles = NULL;
    ok = set_version_attr(s, main_graph);
    for (size_t i = 0; ok && i < s->nnodes; i++)
        for (size_t k = 0; ok && k < s->nodes[i].nsubgraphs; k++) {
            struct mxio_symbol *sub = s->nodes[i].subgraphs[k];
            ok = rebuild(sub, sub->nnodes, false);
        }
done:
    free(order);
    free(remap);
    free(counts);
    free(max_index);
    free(nodes);
    return ok;
}

mxio_status mxio__symbol_upgrade(struct mxio_symbol *s, mxio_error *err) {
    int version = s->file_version;
    size_t file_nodes = s->nnodes;
    uint32_t *order = s->nnodes ? mxio__calloc_array(s->nnodes, sizeof *order) : NULL;
    const mxio__op **ops = s->nnodes ? mxio__calloc_array(s->nnodes, sizeof *ops) : NULL;
    size_t reached = 0;
    if ((s->nnodes && (!order || !ops)) || !resolve_aliases(s, ops) ||
        !mxio__symbol_post_order(s, order, &reached)) {
        free(order);
        free(ops);
        return oom(s, err);
    }
    /* Each pass visits the nodes reachable from the heads in DFS post-order,
     * like nnvm's DFSVisit, so edits land in the same order as MXNet's. */
    bool ok = true;
    if (version < MXIO_MXNET_VERSION)
        for (size_t i = 0; ok && i < reached; i++) ok = fix_parsing(s, order[i], ops[order[i]]);
    if (version < 900)
        for (size_t i = 0; ok && i < reached; i++) ok = add_missing_inputs(s, order[i], ops[order[i]]);
    if (version < 904)
        for (size_t i = 0; ok && i < reached; i++) ok = apply_compose_hooks(s, order[i], ops[order[i]]);
    if (version < 905)
        for (size_t i = 0; ok && i < reached; i++) {
            mxio__node *n = &s->nodes[order[i]];
            if ((strcmp(n->op, "argmax") == 0 || strcmp(n->op, "argmin") == 0) &&
                mxio__node_attr(n, "axis") && strcmp(mxio__node_attr(n, "axis"), "-1") == 0)
                mxio__node_remove_attr(n, "axis");
        }
    free(order);
    free(ops);
    if (ok) ok = apply_parser_edits(s);
    if (!ok || !rebuild(s, file_nodes, true)) return oom(s, err);
    return MXIO_OK;
}
