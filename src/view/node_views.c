/* node_views.c - InputNames, NodeDataset and NodeGraph: a symbol shown as text.
 *
 * Every view exists as a table for people and as JSON or CSV (RFC 4180) for
 * scripts; NodeGraph also as Graphviz DOT. Nodes are keyed by their index, so
 * duplicate node names (legal in MXNet files) never merge. */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "../format/symbol.h"
#include "../graph/roles.h"
#include "../ops/op.h"
#include "text.h"

static const char *const element_names[] = {
    [MXIO_ELEMENT_INPUT_NAMES] = "InputNames",
    [MXIO_ELEMENT_NODE_DATASET] = "NodeDataset",
    [MXIO_ELEMENT_NODE_GRAPH] = "NodeGraph",
    [MXIO_ELEMENT_NODE_GRAPH_PLOT] = "NodeGraphPlot",
    [MXIO_ELEMENT_ARRAY_ASSOCIATION] = "ArrayAssociation",
    [MXIO_ELEMENT_ARRAY_LIST] = "ArrayList",
    [MXIO_ELEMENT_ARRAY_NAMES] = "ArrayNames",
    [MXIO_ELEMENT_NET] = "Net",
    [MXIO_ELEMENT_UNINITIALIZED_NET] = "UninitializedNet",
    [MXIO_ELEMENT_LAYER_ASSOCIATION] = "LayerAssociation",
};
#define N_ELEMENTS (sizeof element_names / sizeof element_names[0])

const char *mxio_element_name(mxio_element e) {
    return (unsigned)e < N_ELEMENTS ? element_names[e] : NULL;
}

int mxio_element_from_name(const char *name, mxio_element *out) {
    if (!name || !out) return -1;
    for (size_t i = 0; i < N_ELEMENTS; i++)
        if (strcasecmp(name, element_names[i]) == 0) {
            *out = (mxio_element)i;
            return 0;
        }
    return -1;
}

/* A NUL-terminated CSV field (NULL: empty). */
static void csv_str(mxio__buf *b, const char *s) { mxio__csv_field(b, s ? s : "", s ? strlen(s) : 0); }

/* A DOT double-quoted string. */
static void dot_str(mxio__buf *b, const char *s) {
    mxio__buf_putc(b, '"');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"' || *p == '\\') mxio__buf_putc(b, '\\');
        if (*p == '\n')
            mxio__buf_puts(b, "\\n");
        else
            mxio__buf_putc(b, *p);
    }
    mxio__buf_putc(b, '"');
}

/* Text left-aligned in a column of `width` bytes, then two spaces. */
static void pad(mxio__buf *b, const char *s, size_t width) {
    size_t n = strlen(s);
    mxio__buf_append(b, s, n);
    for (size_t i = n; i < width + 2; i++) mxio__buf_putc(b, ' ');
}

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

/* ---- shared pieces ------------------------------------------------------- */

static const char *node_name(const mxio__node *n) { return n->name ? n->name : ""; }

static bool is_variable(const mxio__node *n) { return n->op && strcmp(n->op, "null") == 0; }

static void attrs_json(mxio__buf *b, const mxio__node *n) {
    mxio__buf_putc(b, '{');
    for (size_t i = 0; i < n->nattrs; i++) {
        if (i) mxio__buf_putc(b, ',');
        mxio__json_quote(b, n->attrs[i].key);
        mxio__buf_putc(b, ':');
        mxio__json_quote(b, n->attrs[i].value);
    }
    mxio__buf_putc(b, '}');
}

static void inputs_json(mxio__buf *b, const mxio__node *n) {
    mxio__buf_putc(b, '[');
    for (size_t i = 0; i < n->ninputs; i++) {
        const mxio__entry *e = &n->inputs[i];
        mxio__buf_printf(b, "%s[%u,%u,%u]", i ? "," : "", e->node, e->index, e->version);
    }
    mxio__buf_putc(b, ']');
}

/* "0 1 2:1" - source ids, with ":output" when not the first output, "@version" if set. */
static void inputs_text(mxio__buf *b, const mxio__node *n) {
    for (size_t i = 0; i < n->ninputs; i++) {
        const mxio__entry *e = &n->inputs[i];
        mxio__buf_printf(b, "%s%u", i ? " " : "", e->node);
        if (e->index) mxio__buf_printf(b, ":%u", e->index);
        if (e->version) mxio__buf_printf(b, "@%u", e->version);
    }
}

static void attrs_text(mxio__buf *b, const mxio__node *n) {
    for (size_t i = 0; i < n->nattrs; i++)
        mxio__buf_printf(b, "%s%s=%s", i ? " " : "", n->attrs[i].key, n->attrs[i].value);
}

/* Render a piece (attrs, inputs) into a scratch buffer and emit it as one CSV field. */
static void csv_piece(mxio__buf *b, const mxio__node *n, void (*piece)(mxio__buf *, const mxio__node *)) {
    mxio__buf tmp;
    mxio__buf_init(&tmp);
    piece(&tmp, n);
    if (tmp.oom) b->oom = true;
    mxio__csv_field(b, tmp.data ? tmp.data : "", tmp.len);
    mxio__buf_free(&tmp);
}

/* ---- NodeDataset ---------------------------------------------------------- */

static void render_dataset(const struct mxio_symbol *s, mxio_text_format f, mxio__buf *b) {
    if (f == MXIO_TEXT_JSON) {
        mxio__buf_puts(b, "[");
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            mxio__buf_printf(b, "%s\n  {\"id\":%zu,\"name\":", k ? "," : "", k);
            mxio__json_quote(b, node_name(n));
            mxio__buf_puts(b, ",\"op\":");
            mxio__json_quote(b, n->op);
            mxio__buf_puts(b, ",\"attrs\":");
            attrs_json(b, n);
            mxio__buf_puts(b, ",\"inputs\":");
            inputs_json(b, n);
            mxio__buf_putc(b, '}');
        }
        mxio__buf_puts(b, s->nnodes ? "\n]\n" : "]\n");
    } else if (f == MXIO_TEXT_CSV) {
        mxio__buf_puts(b, "id,name,op,attrs,inputs\r\n");
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            mxio__buf_printf(b, "%zu,", k);
            csv_str(b, node_name(n));
            mxio__buf_putc(b, ',');
            csv_str(b, n->op);
            mxio__buf_putc(b, ',');
            csv_piece(b, n, attrs_json);
            mxio__buf_putc(b, ',');
            csv_piece(b, n, inputs_json);
            mxio__buf_puts(b, "\r\n");
        }
    } else {
        size_t wid = 2, wname = 4, wop = 2, win = 6;
        char num[32];
        mxio__buf tmp;
        mxio__buf_init(&tmp);
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            wid = max_size(wid, (size_t)snprintf(num, sizeof num, "%zu", k));
            wname = max_size(wname, strlen(node_name(n)));
            wop = max_size(wop, strlen(n->op ? n->op : ""));
            tmp.len = 0;
            inputs_text(&tmp, n);
            win = max_size(win, tmp.len);
        }
        pad(b, "id", wid);
        pad(b, "name", wname);
        pad(b, "op", wop);
        pad(b, "inputs", win);
        mxio__buf_puts(b, "attrs\n");
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            snprintf(num, sizeof num, "%zu", k);
            pad(b, num, wid);
            pad(b, node_name(n), wname);
            pad(b, n->op ? n->op : "", wop);
            tmp.len = 0;
            inputs_text(&tmp, n);
            if (tmp.data && !tmp.oom) tmp.data[tmp.len] = '\0'; /* reused: end the old text */
            pad(b, (tmp.data && !tmp.oom) ? tmp.data : "", win);
            attrs_text(b, n);
            /* no trailing blanks when a node has no attrs */
            while (b->len && b->data[b->len - 1] == ' ') b->len--;
            mxio__buf_putc(b, '\n');
        }
        if (tmp.oom) b->oom = true;
        mxio__buf_free(&tmp);
    }
}

/* ---- InputNames ------------------------------------------------------------ */

/* Where variable `var` goes: "consumer.argument" for each slot that takes it
 * (the argument name from the op record; "?" for ops the registry lacks), so
 * a reader can check why a role was given. JSON strings when `json`. */
static void consumed_as(const struct mxio_symbol *s, size_t var, bool json, mxio__buf *b) {
    bool first = true;
    if (json) mxio__buf_putc(b, '[');
    for (size_t k = 0; k < s->nnodes; k++) {
        const mxio__node *n = &s->nodes[k];
        if (is_variable(n)) continue;
        const char *names[MXIO__MAX_OP_INPUTS];
        int nargs = -2;
        for (size_t i = 0; i < n->ninputs; i++) {
            if (n->inputs[i].node != var) continue;
            if (nargs == -2) {
                const mxio__op *op = mxio__op_find(n->op);
                mxio__attrs a = {.kv = n->attrs, .n = n->nattrs, .op = op, .node = n};
                nargs = op ? mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS) : -1;
            }
            mxio__buf tmp;
            mxio__buf_init(&tmp);
            if (nargs >= 0 && i < (size_t)nargs)
                mxio__buf_printf(&tmp, "%s.%s", node_name(n), names[i]);
            else
                mxio__buf_printf(&tmp, "%s.%s%zu", node_name(n), nargs == -1 ? "?" : "arg", i);
            if (tmp.oom) b->oom = true;
            if (!first) mxio__buf_puts(b, json ? "," : " ");
            if (json)
                mxio__json_quote(b, tmp.oom ? "" : tmp.data);
            else
                mxio__buf_puts(b, tmp.oom ? "" : tmp.data);
            mxio__buf_free(&tmp);
            first = false;
        }
    }
    if (json) mxio__buf_putc(b, ']');
}

static void render_inputs(const struct mxio_symbol *s, const uint8_t *roles,
                          const uint8_t *sources, mxio_text_format f, mxio__buf *b) {
    size_t wname = 4;
    for (size_t k = 0; k < s->nnodes; k++)
        if (roles[k] == MXIO_ROLE_DATA || roles[k] == MXIO_ROLE_LABEL)
            wname = max_size(wname, strlen(node_name(&s->nodes[k])));
    if (f == MXIO_TEXT_JSON)
        mxio__buf_puts(b, "[");
    else if (f == MXIO_TEXT_CSV)
        mxio__buf_puts(b, "name,node,role,label,decided_by,consumed_as\r\n");
    else {
        pad(b, "name", wname);
        pad(b, "role", 5);
        pad(b, "decided by", 10);
        mxio__buf_puts(b, "consumed as\n");
    }
    bool first = true;
    for (size_t k = 0; k < s->nnodes; k++) {
        if (roles[k] != MXIO_ROLE_DATA && roles[k] != MXIO_ROLE_LABEL) continue;
        const char *name = node_name(&s->nodes[k]);
        const char *role = mxio_role_name((mxio_role)roles[k]);
        const char *how = mxio__role_source_name((mxio__role_source)sources[k]);
        bool label = roles[k] == MXIO_ROLE_LABEL;
        if (f == MXIO_TEXT_JSON) {
            mxio__buf_puts(b, first ? "\n  {\"name\":" : ",\n  {\"name\":");
            mxio__json_quote(b, name);
            mxio__buf_printf(b,
                             ",\"node\":%zu,\"role\":\"%s\",\"label\":%s,\"decided_by\":\"%s\","
                             "\"consumed_as\":",
                             k, role, label ? "true" : "false", how);
            consumed_as(s, k, true, b);
            mxio__buf_putc(b, '}');
        } else if (f == MXIO_TEXT_CSV) {
            csv_str(b, name);
            mxio__buf_printf(b, ",%zu,%s,%s,%s,", k, role, label ? "true" : "false", how);
            mxio__buf tmp;
            mxio__buf_init(&tmp);
            consumed_as(s, k, false, &tmp);
            if (tmp.oom) b->oom = true;
            mxio__csv_field(b, tmp.data ? tmp.data : "", tmp.len);
            mxio__buf_free(&tmp);
            mxio__buf_puts(b, "\r\n");
        } else {
            pad(b, name, wname);
            pad(b, role, 5);
            pad(b, how, 10);
            consumed_as(s, k, false, b);
            while (b->len && b->data[b->len - 1] == ' ') b->len--;
            mxio__buf_putc(b, '\n');
        }
        first = false;
    }
    if (f == MXIO_TEXT_JSON) mxio__buf_puts(b, first ? "]\n" : "\n]\n");
}

/* ---- NodeGraph --------------------------------------------------------------- */

static void render_graph(const struct mxio_symbol *s, const uint8_t *roles, mxio_text_format f,
                         mxio__buf *b) {
    if (f == MXIO_TEXT_JSON) {
        mxio__buf_puts(b, "{\"nodes\":[");
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            mxio__buf_printf(b, "%s\n  {\"id\":%zu,\"name\":", k ? "," : "", k);
            mxio__json_quote(b, node_name(n));
            mxio__buf_puts(b, ",\"op\":");
            mxio__json_quote(b, n->op);
            mxio__buf_printf(b, ",\"variable\":%s,\"role\":\"%s\"}",
                             is_variable(n) ? "true" : "false", mxio_role_name((mxio_role)roles[k]));
        }
        mxio__buf_puts(b, "\n],\n\"edges\":[");
        bool first = true;
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            for (size_t i = 0; i < n->ninputs; i++) {
                mxio__buf_printf(b, "%s\n  {\"from\":%u,\"to\":%zu,\"output\":%u,\"input\":%zu}",
                                 first ? "" : ",", n->inputs[i].node, k, n->inputs[i].index, i);
                first = false;
            }
        }
        mxio__buf_puts(b, "\n],\n\"heads\":[");
        for (size_t h = 0; h < s->nheads; h++)
            mxio__buf_printf(b, "%s{\"node\":%u,\"output\":%u}", h ? "," : "", s->heads[h].node,
                             s->heads[h].index);
        mxio__buf_puts(b, "]}\n");
    } else if (f == MXIO_TEXT_DOT) {
        mxio__buf_puts(b, "digraph ");
        dot_str(b, s->label ? mxio__basename(s->label) : "symbol");
        mxio__buf_puts(b, " {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            mxio__buf_printf(b, "  n%zu [label=", k);
            if (is_variable(n)) {
                dot_str(b, node_name(n));
                mxio__buf_printf(b, ", shape=ellipse, style=filled, fillcolor=\"%s\", role=\"%s\"];\n",
                                 roles[k] == MXIO_ROLE_DATA || roles[k] == MXIO_ROLE_LABEL
                                     ? "#ffffff"
                                     : "#dddddd",
                                 mxio_role_name((mxio_role)roles[k]));
            } else {
                mxio__buf tmp;
                mxio__buf_init(&tmp);
                mxio__buf_printf(&tmp, "%s\n%s", node_name(n), n->op ? n->op : "");
                if (tmp.oom) b->oom = true;
                dot_str(b, tmp.oom ? "" : tmp.data);
                mxio__buf_free(&tmp);
                mxio__buf_puts(b, ", shape=box];\n");
            }
        }
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            for (size_t i = 0; i < n->ninputs; i++) {
                uint32_t out = n->inputs[i].index;
                mxio__buf_printf(b, "  n%u -> n%zu [output=%u, input=%zu", n->inputs[i].node, k,
                                 out, i);
                if (out) mxio__buf_printf(b, ", label=\"%u\"", out);
                mxio__buf_puts(b, "];\n");
            }
        }
        mxio__buf_puts(b, "}\n");
    } else if (f == MXIO_TEXT_CSV) {
        mxio__buf_puts(b, "from,from_name,to,to_name,output,input\r\n");
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            for (size_t i = 0; i < n->ninputs; i++) {
                uint32_t src = n->inputs[i].node;
                mxio__buf_printf(b, "%u,", src);
                csv_str(b, src < s->nnodes ? node_name(&s->nodes[src]) : "");
                mxio__buf_printf(b, ",%zu,", k);
                csv_str(b, node_name(n));
                mxio__buf_printf(b, ",%u,%zu\r\n", n->inputs[i].index, i);
            }
        }
    } else {
        /* One line per edge, grouped by consumer, as people read a graph. */
        for (size_t k = 0; k < s->nnodes; k++) {
            const mxio__node *n = &s->nodes[k];
            if (is_variable(n)) continue;
            for (size_t i = 0; i < n->ninputs; i++) {
                uint32_t src = n->inputs[i].node;
                mxio__buf_printf(b, "%u %s", src, src < s->nnodes ? node_name(&s->nodes[src]) : "?");
                if (n->inputs[i].index) mxio__buf_printf(b, " [output %u]", n->inputs[i].index);
                mxio__buf_printf(b, " -> %zu %s (%s)\n", k, node_name(n), n->op ? n->op : "");
            }
        }
    }
}

/* ---- entry points ------------------------------------------------------------ */

static int params_lookup(void *ctx, const char *name) {
    const mxio_params *p = ctx;
    int64_t i = mxio_params_find(p, name);
    if (i < 0) return 0;
    mxio_array a;
    if (mxio_params_get(p, (size_t)i, &a) != MXIO_OK || !a.name) return MXIO_ROLE_WEIGHT;
    return strncmp(a.name, "aux:", 4) == 0 ? MXIO_ROLE_AUX : MXIO_ROLE_WEIGHT;
}

int mxio__params_role_lookup(void *ctx, const char *name) { return params_lookup(ctx, name); }


mxio_status mxio_symbol_render_with_params(const mxio_symbol *s, const mxio_params *p,
                                           mxio_element element, mxio_text_format format,
                                           char **text, size_t *len, mxio_error *err) {
    mxio__error_clear(err);
    if (!s || !text) return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_render: NULL argument");
    *text = NULL;
    if (len) *len = 0;
    const char *label = s->label ? s->label : "symbol";
    const char *ename = mxio_element_name(element);
    switch (element) {
    case MXIO_ELEMENT_INPUT_NAMES:
    case MXIO_ELEMENT_NODE_DATASET:
        if (format == MXIO_TEXT_DOT)
            return mxio__fail(err, MXIO_E_MISUSE, "%s: %s has no DOT form (only NodeGraph has)",
                              label, ename);
        break;
    case MXIO_ELEMENT_NODE_GRAPH:
        break;
    case MXIO_ELEMENT_NODE_GRAPH_PLOT:
    case MXIO_ELEMENT_NET:
    case MXIO_ELEMENT_UNINITIALIZED_NET:
    case MXIO_ELEMENT_LAYER_ASSOCIATION:
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "%s: element %s is not available yet", label,
                          ename);
    default:
        return mxio__fail(err, MXIO_E_MISUSE, "%s: element %s is not a view of a symbol", label,
                          ename ? ename : "?");
    }
    if ((unsigned)format > MXIO_TEXT_DOT)
        return mxio__fail(err, MXIO_E_MISUSE, "%s: unknown text format %d", label, (int)format);

    uint8_t *roles = mxio__calloc_array(s->nnodes ? s->nnodes : 1, 2);
    if (!roles) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", label);
    uint8_t *sources = roles + (s->nnodes ? s->nnodes : 1);
    mxio_status st = MXIO_OK;
    if (element != MXIO_ELEMENT_NODE_DATASET) {
        st = mxio__symbol_roles(s, p ? params_lookup : NULL, (void *)p, roles, sources, err);
        if (st != MXIO_OK) {
            free(roles);
            return st;
        }
    }
    mxio__buf b;
    mxio__buf_init(&b);
    if (element == MXIO_ELEMENT_NODE_DATASET)
        render_dataset(s, format, &b);
    else if (element == MXIO_ELEMENT_INPUT_NAMES)
        render_inputs(s, roles, sources, format, &b);
    else
        render_graph(s, roles, format, &b);
    free(roles);
    if (b.oom) {
        mxio__buf_free(&b);
        return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory rendering %s", label, ename);
    }
    *text = mxio__buf_take(&b, len);
    if (!*text) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", label);
    return MXIO_OK;
}

mxio_status mxio_symbol_render(const mxio_symbol *s, mxio_element element,
                               mxio_text_format format, char **text, size_t *len,
                               mxio_error *err) {
    return mxio_symbol_render_with_params(s, NULL, element, format, text, len, err);
}

mxio_status mxio_write_text_file(const char *path, const char *text, size_t len, uint32_t flags,
                                 mxio_error *err) {
    mxio__error_clear(err);
    if (!path || (!text && len))
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_write_text_file: NULL argument");
    return mxio__write_atomic(path, text ? text : "", len, (flags & MXIO_WRITE_FORCE) != 0, err);
}
