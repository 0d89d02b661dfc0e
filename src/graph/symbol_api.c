/* symbol_api.c - the public mxio_symbol_* calls: read, write, and node access.
 * (mxio_symbol_node_role and mxio_symbol_render live with the views.) */
#include <stdlib.h>

#include "format/symbol.h"

static mxio_status read_text(const char *json, size_t len, const char *label, uint32_t flags,
                             mxio_symbol **out, mxio_error *err) {
    struct mxio_symbol *s = NULL;
    mxio_status st = mxio__symbol_parse(json, len, label, &s, err);
    if (st) return st;
    st = mxio__symbol_validate(s, err);
    if (!st && !(flags & MXIO_SYMBOL_NO_UPGRADE)) {
        st = mxio__symbol_upgrade(s, err);
        /* New variables from the 0.9.0 upgrade may clash with existing names. */
        if (!st) st = mxio__symbol_validate(s, err);
    }
    if (st) {
        mxio__symbol_destroy(s);
        return st;
    }
    *out = s;
    return MXIO_OK;
}

mxio_status mxio_symbol_read_buffer(const char *json, size_t len, const char *label,
                                    uint32_t flags, mxio_symbol **out, mxio_error *err) {
    mxio__error_clear(err);
    if (!out || (!json && len))
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_read_buffer: NULL argument");
    *out = NULL;
    return read_text(json ? json : "", len, label ? label : "<buffer>", flags, out, err);
}

mxio_status mxio_symbol_read_file(const char *path, uint32_t flags, mxio_symbol **out,
                                  mxio_error *err) {
    mxio__error_clear(err);
    if (!path || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_read_file: NULL argument");
    *out = NULL;
    mxio__file f;
    mxio_status st = mxio__file_open(&f, path, false, err);
    if (st) return st;
    st = read_text((const char *)f.data, f.size, path, flags, out, err);
    mxio__file_close(&f);
    return st;
}

void mxio_symbol_free(mxio_symbol *s) { mxio__symbol_destroy(s); }

mxio_status mxio_symbol_write_buffer(const mxio_symbol *s, char **json, size_t *len,
                                     mxio_error *err) {
    mxio__error_clear(err);
    if (!s || !json) return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_write_buffer: NULL argument");
    *json = NULL;
    mxio__buf b;
    mxio__buf_init(&b);
    mxio_status st = mxio__symbol_print(s, &b, err);
    if (st) {
        mxio__buf_free(&b);
        return st;
    }
    size_t n = 0;
    *json = mxio__buf_take(&b, &n);
    if (!*json) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    if (len) *len = n;
    return MXIO_OK;
}

mxio_status mxio_symbol_write_file(const mxio_symbol *s, const char *path, uint32_t flags,
                                   mxio_error *err) {
    mxio__error_clear(err);
    if (!s || !path) return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_write_file: NULL argument");
    mxio__buf b;
    mxio__buf_init(&b);
    mxio_status st = mxio__symbol_print(s, &b, err);
    if (!st) st = mxio__write_atomic(path, b.data, b.len, (flags & MXIO_WRITE_FORCE) != 0, err);
    mxio__buf_free(&b);
    return st;
}

int mxio_symbol_file_version(const mxio_symbol *s) { return s ? s->file_version : 0; }

size_t mxio_symbol_node_count(const mxio_symbol *s) { return s ? s->nnodes : 0; }

static const mxio__node *node_at(const mxio_symbol *s, size_t node) {
    return s && node < s->nnodes ? &s->nodes[node] : NULL;
}

const char *mxio_symbol_node_op(const mxio_symbol *s, size_t node) {
    const mxio__node *n = node_at(s, node);
    return n ? n->op : NULL;
}

const char *mxio_symbol_node_name(const mxio_symbol *s, size_t node) {
    const mxio__node *n = node_at(s, node);
    return n ? n->name : NULL;
}

size_t mxio_symbol_node_attr_count(const mxio_symbol *s, size_t node) {
    const mxio__node *n = node_at(s, node);
    return n ? n->nattrs : 0;
}

const char *mxio_symbol_node_attr_key(const mxio_symbol *s, size_t node, size_t i) {
    const mxio__node *n = node_at(s, node);
    return n && i < n->nattrs ? n->attrs[i].key : NULL;
}

const char *mxio_symbol_node_attr_value(const mxio_symbol *s, size_t node, size_t i) {
    const mxio__node *n = node_at(s, node);
    return n && i < n->nattrs ? n->attrs[i].value : NULL;
}

const char *mxio_symbol_node_attr(const mxio_symbol *s, size_t node, const char *key) {
    return mxio__node_attr(node_at(s, node), key);
}

size_t mxio_symbol_node_input_count(const mxio_symbol *s, size_t node) {
    const mxio__node *n = node_at(s, node);
    return n ? n->ninputs : 0;
}

static mxio_status put_entry(const mxio__entry *e, uint32_t *src, uint32_t *index,
                             uint32_t *version) {
    if (src) *src = e->node;
    if (index) *index = e->index;
    if (version) *version = e->version;
    return MXIO_OK;
}

mxio_status mxio_symbol_node_input(const mxio_symbol *s, size_t node, size_t i, uint32_t *src,
                                   uint32_t *index, uint32_t *version) {
    const mxio__node *n = node_at(s, node);
    if (!n || i >= n->ninputs) return MXIO_E_MISUSE;
    return put_entry(&n->inputs[i], src, index, version);
}

size_t mxio_symbol_head_count(const mxio_symbol *s) { return s ? s->nheads : 0; }

mxio_status mxio_symbol_head(const mxio_symbol *s, size_t i, uint32_t *src, uint32_t *index,
                             uint32_t *version) {
    if (!s || i >= s->nheads) return MXIO_E_MISUSE;
    return put_entry(&s->heads[i], src, index, version);
}
