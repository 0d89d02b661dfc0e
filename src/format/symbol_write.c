/* symbol_write.c - print a symbol in MXNet 1.9.1's exact text layout.
 *
 * MXNet writes through dmlc's JSONWriter (dmlc-core 5df8305f, see
 * docs/formats.md "Symbol JSON"): a stack of scopes, each single- or
 * multi-line; items after the first are preceded by ", "; in a multi-line scope
 * every item starts on a new line indented two spaces per open scope, and the
 * closing bracket gets a new line at the parent's indent only if the scope had
 * items and the parent is itself multi-line. Which containers are multi-line is
 * decided by the C++ type being written (node objects always, arrays of PODs
 * only past 10 elements, string maps past 1 key). Reproducing those rules gives
 * byte-identical files. */
#include <jansson.h>
#include <stdlib.h>

#include "symbol.h"

#define JW_MAX_SCOPES 4400 /* jansson nests at most 2048 deep; subgraphs add a few each */

typedef struct jw {
    mxio__buf *b;
    size_t depth;
    bool multi[JW_MAX_SCOPES];
    size_t count[JW_MAX_SCOPES];
    bool overflow;
} jw;

static void jw_sep(jw *w) {
    if (w->depth == 0 || w->multi[w->depth - 1]) {
        mxio__buf_putc(w->b, '\n');
        for (size_t i = 0; i < w->depth; i++) mxio__buf_append(w->b, "  ", 2);
    }
}

static void jw_begin(jw *w, char open, bool multi) {
    mxio__buf_putc(w->b, open);
    if (w->depth == JW_MAX_SCOPES) {
        w->overflow = true;
        return;
    }
    w->multi[w->depth] = multi;
    w->count[w->depth] = 0;
    w->depth++;
}

static void jw_end(jw *w, char close) {
    if (w->depth == 0) {
        w->overflow = true;
        return;
    }
    w->depth--;
    if (w->multi[w->depth] && w->count[w->depth]) jw_sep(w);
    mxio__buf_putc(w->b, close);
}

static void jw_item(jw *w) {
    if (w->depth == 0) return;
    if (w->count[w->depth - 1]++) mxio__buf_append(w->b, ", ", 2);
    jw_sep(w);
}

/* dmlc escapes only these five characters; everything else is written raw. */
static void jw_string(jw *w, const char *s) {
    mxio__buf_putc(w->b, '"');
    const char *run = s;
    for (; *s; s++) {
        const char *esc = NULL;
        switch (*s) {
        case '\r': esc = "\\r"; break;
        case '\n': esc = "\\n"; break;
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '"': esc = "\\\""; break;
        default: continue;
        }
        mxio__buf_append(w->b, run, (size_t)(s - run));
        mxio__buf_puts(w->b, esc);
        run = s + 1;
    }
    mxio__buf_append(w->b, run, (size_t)(s - run));
    mxio__buf_putc(w->b, '"');
}

static void jw_key(jw *w, const char *key) {
    jw_item(w);
    jw_string(w, key);
    mxio__buf_append(w->b, ": ", 2);
}

static void jw_uints(jw *w, const uint32_t *v, size_t n) {
    jw_begin(w, '[', n > 10);
    for (size_t i = 0; i < n; i++) {
        jw_item(w);
        mxio__buf_printf(w->b, "%u", v[i]);
    }
    jw_end(w, ']');
}

static void jw_entries(jw *w, const mxio__entry *e, size_t n) {
    jw_begin(w, '[', n > 10);
    for (size_t i = 0; i < n; i++) {
        jw_item(w);
        jw_begin(w, '[', false);
        jw_item(w);
        mxio__buf_printf(w->b, "%u", e[i].node);
        jw_item(w);
        mxio__buf_printf(w->b, "%u", e[i].index);
        jw_item(w);
        mxio__buf_printf(w->b, "%u", e[i].version);
        jw_end(w, ']');
    }
    jw_end(w, ']');
}

/* A graph attribute's value, as the C++ container it came from would print:
 * vectors of numbers are multi-line past 10 items, vectors of anything else
 * always; maps past one key. */
static void jw_value(jw *w, const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_STRING: jw_string(w, json_string_value(v)); return;
    case JSON_INTEGER: mxio__buf_printf(w->b, "%lld", (long long)json_integer_value(v)); return;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        bool pod = true;
        for (size_t i = 0; i < n; i++)
            if (!json_is_number(json_array_get(v, i))) pod = false;
        jw_begin(w, '[', n > 10 || !pod);
        for (size_t i = 0; i < n; i++) {
            jw_item(w);
            jw_value(w, json_array_get(v, i));
        }
        jw_end(w, ']');
        return;
    }
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        jw_begin(w, '{', json_object_size(v) > 1);
        json_object_foreach((json_t *)v, k, x) {
            jw_key(w, k);
            jw_value(w, x);
        }
        jw_end(w, '}');
        return;
    }
    default: {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!t) {
            w->b->oom = true;
            return;
        }
        mxio__buf_puts(w->b, t);
        free(t);
        return;
    }
    }
}

static void jw_graph(jw *w, const struct mxio_symbol *s);

static void jw_node(jw *w, const mxio__node *n) {
    jw_begin(w, '{', true);
    jw_key(w, "op");
    jw_string(w, n->op);
    jw_key(w, "name");
    jw_string(w, n->name);
    if (n->nattrs) {
        jw_key(w, "attrs");
        jw_begin(w, '{', n->nattrs > 1);
        for (size_t i = 0; i < n->nattrs; i++) {
            jw_key(w, n->attrs[i].key);
            jw_string(w, n->attrs[i].value);
        }
        jw_end(w, '}');
    }
    jw_key(w, "inputs");
    jw_entries(w, n->inputs, n->ninputs);
    if (n->ncontrol_deps) {
        jw_key(w, "control_deps");
        jw_uints(w, n->control_deps, n->ncontrol_deps);
    }
    if (n->nsubgraphs) {
        jw_key(w, "subgraphs");
        jw_begin(w, '[', true);
        for (size_t i = 0; i < n->nsubgraphs; i++) {
            jw_item(w);
            jw_graph(w, n->subgraphs[i]);
        }
        jw_end(w, ']');
    }
    jw_end(w, '}');
}

static void jw_graph(jw *w, const struct mxio_symbol *s) {
    jw_begin(w, '{', true);
    jw_key(w, "nodes");
    jw_begin(w, '[', true);
    for (size_t i = 0; i < s->nnodes && !w->b->oom; i++) {
        jw_item(w);
        jw_node(w, &s->nodes[i]);
    }
    jw_end(w, ']');
    jw_key(w, "arg_nodes");
    jw_uints(w, s->arg_nodes, s->narg_nodes);
    if (s->has_row_ptr_key) {
        jw_key(w, "node_row_ptr");
        jw_uints(w, s->node_row_ptr, s->nnode_row_ptr);
    }
    jw_key(w, "heads");
    jw_entries(w, s->heads, s->nheads);
    if (s->ngraph_attrs) {
        jw_key(w, "attrs");
        jw_begin(w, '{', s->ngraph_attrs > 1);
        for (size_t i = 0; i < s->ngraph_attrs; i++) {
            const mxio__graph_attr *g = &s->graph_attrs[i];
            jw_key(w, g->key);
            jw_begin(w, '[', false);
            jw_item(w);
            jw_string(w, g->type);
            jw_item(w);
            json_t *v = json_loads(g->value_json, JSON_DECODE_ANY, NULL);
            if (v) {
                jw_value(w, v);
                json_decref(v);
            } else {
                mxio__buf_puts(w->b, g->value_json);
            }
            jw_end(w, ']');
        }
        jw_end(w, '}');
    }
    jw_end(w, '}');
}

mxio_status mxio__symbol_print(const struct mxio_symbol *s, mxio__buf *out, mxio_error *err) {
    jw *w = calloc(1, sizeof *w);
    if (!w) return mxio__fail(err, MXIO_E_NOMEM, "out of memory printing a symbol");
    w->b = out;
    jw_graph(w, s);
    bool overflow = w->overflow;
    free(w);
    if (out->oom)
        return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory printing the symbol",
                          s->label ? s->label : "symbol");
    if (overflow)
        return mxio__fail(err, MXIO_E_LIMIT, "%s: graph attributes nested too deeply to print",
                          s->label ? s->label : "symbol");
    return MXIO_OK;
}
