/* symbol.c - lifetime of the in-memory symbol graph and node attribute helpers. */
#include <stdlib.h>

#include "symbol.h"

void mxio__node_clear(mxio__node *n) {
    if (!n) return;
    free(n->op);
    free(n->name);
    free(n->source_op);
    for (size_t i = 0; i < n->nattrs; i++) {
        free(n->attrs[i].key);
        free(n->attrs[i].value);
    }
    free(n->attrs);
    free(n->inputs);
    free(n->control_deps);
    for (size_t i = 0; i < n->nsubgraphs; i++) mxio__symbol_destroy(n->subgraphs[i]);
    free(n->subgraphs);
    memset(n, 0, sizeof *n);
}

void mxio__symbol_destroy(struct mxio_symbol *s) {
    if (!s) return;
    for (size_t i = 0; i < s->nnodes; i++) mxio__node_clear(&s->nodes[i]);
    free(s->nodes);
    free(s->arg_nodes);
    free(s->node_row_ptr);
    free(s->file_row_ptr);
    free(s->heads);
    for (size_t i = 0; i < s->ngraph_attrs; i++) {
        free(s->graph_attrs[i].key);
        free(s->graph_attrs[i].type);
        free(s->graph_attrs[i].value_json);
    }
    free(s->graph_attrs);
    free(s->label);
    free(s->roles);
    free(s);
}

/* Attributes are kept sorted by key bytes (std::map order, which is what
 * MXNet writes), so lookups bisect. */
static size_t attr_lower_bound(const mxio__node *n, const char *key, bool *found) {
    size_t lo = 0, hi = n->nattrs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(n->attrs[mid].key, key);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < n->nattrs && strcmp(n->attrs[lo].key, key) == 0;
    return lo;
}

const char *mxio__node_attr(const mxio__node *n, const char *key) {
    if (!n || !key) return NULL;
    bool found;
    size_t i = attr_lower_bound(n, key, &found);
    return found ? n->attrs[i].value : NULL;
}

bool mxio__node_set_attr(mxio__node *n, const char *key, const char *value) {
    bool found;
    size_t i = attr_lower_bound(n, key, &found);
    char *v = mxio__strdup(value);
    if (!v) return false;
    if (found) {
        free(n->attrs[i].value);
        n->attrs[i].value = v;
        return true;
    }
    char *k = mxio__strdup(key);
    mxio__kv *grown = k ? mxio__realloc_array(n->attrs, n->nattrs + 1, sizeof *n->attrs) : NULL;
    if (!grown) {
        free(k);
        free(v);
        return false;
    }
    n->attrs = grown;
    memmove(&n->attrs[i + 1], &n->attrs[i], (n->nattrs - i) * sizeof *n->attrs);
    n->attrs[i].key = k;
    n->attrs[i].value = v;
    n->nattrs++;
    return true;
}

bool mxio__node_remove_attr(mxio__node *n, const char *key) {
    bool found;
    size_t i = attr_lower_bound(n, key, &found);
    if (!found) return false;
    free(n->attrs[i].key);
    free(n->attrs[i].value);
    memmove(&n->attrs[i], &n->attrs[i + 1], (n->nattrs - i - 1) * sizeof *n->attrs);
    n->nattrs--;
    return true;
}
