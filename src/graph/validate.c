/* validate.c - structural checks on a parsed symbol graph.
 *
 * MXNet's loader checks that ids are in range and that arg_nodes are variables.
 * mxio also refuses cycles (MXNet would build a graph it cannot execute) and
 * duplicate variable names (weights are looked up by name, so two variables
 * named alike make the params file ambiguous). Duplicate operator names are
 * legal, as in MXNet. Everything is iterative: 100k-node chains are fine. */
#include <stdio.h>
#include <stdlib.h>

#include "format/symbol.h"

typedef struct vctx {
    const char *label;
    const char *path;
    mxio_error *err;
    bool top;
} vctx;

static const char *qname(char *buf, size_t cap, const char *s) {
    return mxio__printable(buf, cap, s ? s : "", s ? strlen(s) : 0);
}

/* FNV-1a over a NUL-terminated name. */
static uint64_t hash_name(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static mxio_status check_unique_variables(vctx *c, const struct mxio_symbol *s) {
    size_t cap = 16;
    while (cap < 2 * s->nnodes) cap *= 2;
    uint32_t *slots = mxio__calloc_array(cap, sizeof *slots); /* node id + 1; 0 = empty */
    if (!slots) return mxio__fail(c->err, MXIO_E_NOMEM, "%s: out of memory", c->label);
    mxio_status st = MXIO_OK;
    for (size_t i = 0; i < s->nnodes && st == MXIO_OK; i++) {
        const mxio__node *n = &s->nodes[i];
        if (strcmp(n->op, "null") != 0) continue;
        size_t h = (size_t)hash_name(n->name) & (cap - 1);
        for (;; h = (h + 1) & (cap - 1)) {
            if (!slots[h]) {
                slots[h] = (uint32_t)i + 1;
                break;
            }
            const mxio__node *o = &s->nodes[slots[h] - 1];
            if (strcmp(o->name, n->name) == 0) {
                char q[96];
                st = mxio__fail_at(c->err, MXIO_E_GRAPH, -1, c->top ? (int64_t)i : -1, -1,
                                   "%s: %snodes %u and %zu are both variables named '%s'; "
                                   "weights are matched by name, so the graph is ambiguous",
                                   c->label, c->path, slots[h] - 1, i, qname(q, sizeof q, n->name));
                break;
            }
        }
    }
    free(slots);
    return st;
}

/* Iterative three-colour DFS over inputs and control deps. */
static mxio_status check_acyclic(vctx *c, const struct mxio_symbol *s) {
    size_t n = s->nnodes;
    if (!n) return MXIO_OK;
    uint8_t *colour = calloc(n, 1); /* 0 new, 1 on stack, 2 done */
    uint32_t *stack = mxio__calloc_array(n, sizeof *stack);
    uint32_t *next = mxio__calloc_array(n, sizeof *next); /* next edge to follow */
    mxio_status st = MXIO_OK;
    if (!colour || !stack || !next) {
        st = mxio__fail(c->err, MXIO_E_NOMEM, "%s: out of memory", c->label);
        goto done;
    }
    for (size_t root = 0; root < n && st == MXIO_OK; root++) {
        if (colour[root]) continue;
        size_t sp = 0;
        stack[sp++] = (uint32_t)root;
        colour[root] = 1;
        while (sp && st == MXIO_OK) {
            uint32_t v = stack[sp - 1];
            const mxio__node *nd = &s->nodes[v];
            size_t deg = nd->ninputs + nd->ncontrol_deps;
            if (next[v] == deg) {
                colour[v] = 2;
                sp--;
                continue;
            }
            size_t k = next[v]++;
            uint32_t u = k < nd->ninputs ? nd->inputs[k].node : nd->control_deps[k - nd->ninputs];
            if (colour[u] == 1) {
                char q1[96], q2[96];
                st = mxio__fail_at(c->err, MXIO_E_GRAPH, -1, c->top ? (int64_t)v : -1, -1,
                                   "%s: %snode %u ('%s') takes %s from node %u ('%s'), which "
                                   "depends on it: the graph has a cycle",
                                   c->label, c->path, v, qname(q1, sizeof q1, nd->name),
                                   k < nd->ninputs ? "an input" : "a control dependency", u,
                                   qname(q2, sizeof q2, s->nodes[u].name));
            } else if (colour[u] == 0) {
                colour[u] = 1;
                stack[sp++] = u;
            }
        }
    }
done:
    free(colour);
    free(stack);
    free(next);
    return st;
}

static mxio_status validate_graph(const struct mxio_symbol *s, const char *label, const char *path,
                                  int depth, mxio_error *err) {
    vctx c = {label, path, err, depth == 0};
    char q[96];
    if (depth > MXIO__SYMBOL_MAX_DEPTH)
        return mxio__fail(err, MXIO_E_LIMIT, "%s: %ssubgraphs nested deeper than %d levels", label,
                          path, MXIO__SYMBOL_MAX_DEPTH);
    if (s->nnodes > MXIO__SYMBOL_MAX_NODES)
        return mxio__fail(err, MXIO_E_LIMIT, "%s: %s%zu nodes (limit %zu)", label, path, s->nnodes,
                          MXIO__SYMBOL_MAX_NODES);
    for (size_t i = 0; i < s->nnodes; i++) {
        const mxio__node *n = &s->nodes[i];
        int64_t nid = depth == 0 ? (int64_t)i : -1;
        bool var = strcmp(n->op, "null") == 0;
        if (n->ninputs > MXIO__SYMBOL_MAX_INPUTS || n->ncontrol_deps > MXIO__SYMBOL_MAX_INPUTS)
            return mxio__fail_at(err, MXIO_E_LIMIT, -1, nid, -1,
                                 "%s: %snode %zu ('%s'): %zu inputs (limit %zu)", label, path, i,
                                 qname(q, sizeof q, n->name), n->ninputs, MXIO__SYMBOL_MAX_INPUTS);
        if (var && n->ninputs)
            return mxio__fail_at(err, MXIO_E_GRAPH, -1, nid, -1,
                                 "%s: %snode %zu ('%s') is a variable (op \"null\") but has %zu "
                                 "inputs",
                                 label, path, i, qname(q, sizeof q, n->name), n->ninputs);
        for (size_t k = 0; k < n->ninputs; k++)
            if (n->inputs[k].node >= s->nnodes)
                return mxio__fail_at(err, MXIO_E_GRAPH, -1, nid, -1,
                                     "%s: %snode %zu ('%s'): input %zu refers to node %u, but the "
                                     "graph has only %zu nodes",
                                     label, path, i, qname(q, sizeof q, n->name), k,
                                     n->inputs[k].node, s->nnodes);
        for (size_t k = 0; k < n->ncontrol_deps; k++)
            if (n->control_deps[k] >= s->nnodes)
                return mxio__fail_at(err, MXIO_E_GRAPH, -1, nid, -1,
                                     "%s: %snode %zu ('%s'): control dependency %zu refers to node "
                                     "%u, but the graph has only %zu nodes",
                                     label, path, i, qname(q, sizeof q, n->name), k,
                                     n->control_deps[k], s->nnodes);
        for (size_t k = 0; k < n->nsubgraphs; k++) {
            /* A path deeper than the buffer is cut: it only names the node in messages. */
            char sub[512];
            if (snprintf(sub, sizeof sub, "%snode %zu ('%s') subgraph %zu: ", path, i,
                         qname(q, sizeof q, n->name), k) >= (int)sizeof sub)
                sub[sizeof sub - 1] = '\0';
            mxio_status st = validate_graph(n->subgraphs[k], label, sub, depth + 1, err);
            if (st) return st;
        }
    }
    for (size_t i = 0; i < s->narg_nodes; i++) {
        uint32_t a = s->arg_nodes[i];
        if (a >= s->nnodes)
            return mxio__fail(err, MXIO_E_GRAPH,
                              "%s: %sarg_nodes[%zu] refers to node %u, but the graph has only %zu "
                              "nodes",
                              label, path, i, a, s->nnodes);
        if (strcmp(s->nodes[a].op, "null") != 0)
            return mxio__fail_at(err, MXIO_E_GRAPH, -1, depth == 0 ? (int64_t)a : -1, -1,
                                 "%s: %sarg_nodes[%zu] is node %u ('%s', op %s), which is not a "
                                 "variable",
                                 label, path, i, a, qname(q, sizeof q, s->nodes[a].name),
                                 s->nodes[a].op);
    }
    for (size_t i = 0; i < s->nheads; i++)
        if (s->heads[i].node >= s->nnodes)
            return mxio__fail(err, MXIO_E_GRAPH,
                              "%s: %sheads[%zu] refers to node %u, but the graph has only %zu "
                              "nodes",
                              label, path, i, s->heads[i].node, s->nnodes);
    mxio_status st = check_acyclic(&c, s);
    if (st) return st;
    return check_unique_variables(&c, s);
}

mxio_status mxio__symbol_validate(const struct mxio_symbol *s, mxio_error *err) {
    return validate_graph(s, s->label ? s->label : "<buffer>", "", 0, err);
}

bool mxio__symbol_post_order(const struct mxio_symbol *s, uint32_t *order, size_t *count) {
    size_t n = s->nnodes, out = 0;
    *count = 0;
    if (!n) return true;
    uint8_t *seen = calloc(n, 1);
    uint32_t *stack = mxio__calloc_array(n, sizeof *stack);
    uint32_t *next = mxio__calloc_array(n, sizeof *next);
    bool ok = seen && stack && next;
    /* Same walk as nnvm's PostOrderDFSVisit: a node is marked when pushed, its
     * inputs then control deps are followed in order, it is emitted when done. */
    for (size_t h = 0; ok && h < s->nheads; h++) {
        uint32_t root = s->heads[h].node;
        if (seen[root]) continue;
        size_t sp = 0;
        stack[sp++] = root;
        seen[root] = 1;
        while (sp) {
            uint32_t v = stack[sp - 1];
            const mxio__node *nd = &s->nodes[v];
            size_t deg = nd->ninputs + nd->ncontrol_deps;
            if (next[v] == deg) {
                order[out++] = v;
                sp--;
                continue;
            }
            size_t k = next[v]++;
            uint32_t u = k < nd->ninputs ? nd->inputs[k].node : nd->control_deps[k - nd->ninputs];
            if (!seen[u]) {
                seen[u] = 1;
                stack[sp++] = u;
            }
        }
    }
    free(seen);
    free(stack);
    free(next);
    *count = out;
    return ok;
}
