/* infer.c - the graph-level shape and dtype driver; see infer.h. */
#include <stdlib.h>

#include "infer.h"
#include "../format/symbol.h"

void mxio__shapes_free(mxio__shapes *sh) {
    if (!sh) return;
    free(sh->row);
    free(sh->shape);
    free(sh->dtype);
    memset(sh, 0, sizeof *sh);
}

static mxio__attrs node_attrs(const mxio__node *n, const mxio__op *op) {
    mxio__attrs a = {n->attrs, n->nattrs, op, n};
    return a;
}

/* Output counts and row offsets. */
static mxio_status layout_rows(const struct mxio_symbol *s, mxio__shapes *sh, mxio_error *err) {
    sh->row = mxio__calloc_array(s->nnodes + 1, sizeof *sh->row);
    if (!sh->row) return mxio__fail(err, MXIO_E_NOMEM, "out of memory for %zu nodes", s->nnodes);
    uint64_t total = 0;
    for (size_t i = 0; i < s->nnodes; i++) {
        const mxio__node *n = &s->nodes[i];
        int count = 1;
        if (strcmp(n->op, "null") != 0) {
            const mxio__op *op = mxio__op_find(n->op);
            if (op) {
                mxio__attrs a = node_attrs(n, op);
                count = mxio__op_outputs(op, &a, NULL);
            }
        }
        sh->row[i] = (uint32_t)total;
        total += (uint64_t)count;
        if (total > UINT32_MAX)
            return mxio__fail_at(err, MXIO_E_SHAPE, -1, (int64_t)i, -1, "too many node outputs");
    }
    sh->row[s->nnodes] = (uint32_t)total;
    sh->shape = mxio__calloc_array((size_t)total ? (size_t)total : 1, sizeof *sh->shape);
    sh->dtype = mxio__calloc_array((size_t)total ? (size_t)total : 1, sizeof *sh->dtype);
    if (!sh->shape || !sh->dtype)
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory for %llu entries",
                          (unsigned long long)total);
    for (uint64_t e = 0; e < total; e++) {
        sh->shape[e].ndim = -1;
        sh->dtype[e] = -1;
    }
    return MXIO_OK;
}

static const char *attr_of(const mxio__node *n, const char *key) {
    for (size_t k = 0; k < n->nattrs; k++)
        if (strcmp(n->attrs[k].key, key) == 0) return n->attrs[k].value;
    return NULL;
}

static mxio_status seed_variable(const struct mxio_symbol *s, size_t i, const mxio__shape_hint *hints,
                                 size_t nhints, mxio__shapes *sh, mxio_error *err) {
    const mxio__node *n = &s->nodes[i];
    uint32_t e = sh->row[i];
    for (size_t h = 0; h < nhints; h++)
        if (hints[h].name && strcmp(hints[h].name, n->name) == 0) {
            sh->shape[e] = hints[h].shape;
            sh->dtype[e] = hints[h].dtype;
            break;
        }
    const char *shape = attr_of(n, "__shape__");
    if (sh->shape[e].ndim < 0 && shape) {
        int64_t d[MXIO__MAX_DIMS];
        int nd = 0;
        bool none = false;
        if (!mxio__parse_tuple(shape, d, MXIO__MAX_DIMS, &nd, false, &none))
            return mxio__fail_at(err, MXIO_E_SHAPE, -1, (int64_t)i, -1,
                                 "node %zu '%s': bad __shape__ \"%s\"", i, n->name, shape);
        /* An empty legacy shape means unknown. */
        if (!none && nd > 0) mxio__shape_make(&sh->shape[e], nd, d);
    }
    const char *dtype = attr_of(n, "__dtype__");
    int64_t t;
    if (sh->dtype[e] < 0 && dtype && mxio__parse_int(dtype, &t) && t >= 0 && t < MXIO_DTYPE_COUNT)
        sh->dtype[e] = (int)t;
    return MXIO_OK;
}

static bool same_shape(const mxio__shape *a, const mxio__shape *b) {
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->d[i] != b->d[i]) return false;
    return true;
}

/* Per-node scratch, sized once for the widest node of the graph. */
typedef struct scratch {
    mxio__shape *in, *out;
    int *in_dt, *out_dt;
    const mxio__op **ops; /* each node's record, looked up once */
} scratch;

/* Run one node's rule and write what it learned back into the entries. */
static mxio_status infer_node(const struct mxio_symbol *s, size_t i, mxio__shapes *sh,
                              scratch *w, bool *changed, mxio_error *err) {
    const mxio__node *n = &s->nodes[i];
    const mxio__op *op = w->ops[i];
    if (!op || !op->infer_shape) return MXIO_OK;
    int nout = (int)(sh->row[i + 1] - sh->row[i]);
    mxio__shape *in = w->in, *out = w->out;
    int *in_dt = w->in_dt, *out_dt = w->out_dt;
    for (size_t k = 0; k < n->ninputs; k++) {
        const mxio__entry *en = &n->inputs[k];
        if (en->node >= i || en->index >= sh->row[en->node + 1] - sh->row[en->node])
            return mxio__fail_at(err, MXIO_E_SHAPE, -1, (int64_t)i, -1,
                                 "node %zu '%s' (%s): input %zu refers to output %u of node %u, "
                                 "which does not exist before it", i, n->name, n->op, k, en->index,
                                 en->node);
        uint32_t e = sh->row[en->node] + en->index;
        in[k] = sh->shape[e];
        in_dt[k] = sh->dtype[e];
    }
    for (int k = 0; k < nout; k++) {
        out[k] = sh->shape[sh->row[i] + (uint32_t)k];
        out_dt[k] = sh->dtype[sh->row[i] + (uint32_t)k];
    }
    mxio__attrs a = node_attrs(n, op);
    mxio__shape_ctx c = {.attrs = &a, .node_name = n->name, .nin = (int)n->ninputs, .in = in,
                         .in_dtype = in_dt, .nout = nout, .out = out, .out_dtype = out_dt,
                         .err = err, .node_index = (int64_t)i};
    mxio_status st = op->infer_shape(&c);
    if (st) return st;
    for (int k = 0; k < nout; k++) {
        uint32_t e = sh->row[i] + (uint32_t)k;
        if (!same_shape(&sh->shape[e], &out[k]) || sh->dtype[e] != out_dt[k]) *changed = true;
        sh->shape[e] = out[k];
        sh->dtype[e] = out_dt[k];
    }
    for (size_t k = 0; k < n->ninputs; k++) {
        uint32_t e = sh->row[n->inputs[k].node] + n->inputs[k].index;
        if (!same_shape(&sh->shape[e], &in[k])) {
            /* A rule may only refine what was unknown. */
            mxio__shape merged = sh->shape[e];
            if ((st = mxio__shape_assign(&c, &merged, &in[k], "input"))) return st;
            sh->shape[e] = merged;
            *changed = true;
        }
        if (sh->dtype[e] < 0 && in_dt[k] >= 0) {
            sh->dtype[e] = in_dt[k];
            *changed = true;
        }
    }
    return MXIO_OK;
}

static mxio_status scratch_alloc(const struct mxio_symbol *s, const mxio__shapes *sh, scratch *w,
                                 mxio_error *err) {
    size_t width = 1;
    for (size_t i = 0; i < s->nnodes; i++) {
        size_t nout = sh->row[i + 1] - sh->row[i];
        if (s->nodes[i].ninputs > width) width = s->nodes[i].ninputs;
        if (nout > width) width = nout;
    }
    if (width > INT32_MAX)
        return mxio__fail(err, MXIO_E_SHAPE, "a node has %zu inputs or outputs", width);
    w->in = mxio__calloc_array(width, sizeof *w->in);
    w->out = mxio__calloc_array(width, sizeof *w->out);
    w->in_dt = mxio__calloc_array(width, sizeof *w->in_dt);
    w->out_dt = mxio__calloc_array(width, sizeof *w->out_dt);
    w->ops = mxio__calloc_array(s->nnodes ? s->nnodes : 1, sizeof *w->ops);
    if (!w->in || !w->out || !w->in_dt || !w->out_dt || !w->ops)
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory for shape scratch (%zu)", width);
    for (size_t i = 0; i < s->nnodes; i++)
        if (strcmp(s->nodes[i].op, "null") != 0) w->ops[i] = mxio__op_find(s->nodes[i].op);
    return MXIO_OK;
}

static void scratch_free(scratch *w) {
    free(w->in);
    free(w->out);
    free(w->in_dt);
    free(w->out_dt);
    free(w->ops);
}

mxio_status mxio__infer_shapes(const struct mxio_symbol *s, const mxio__shape_hint *hints,
                               size_t nhints, mxio__shapes *out, mxio_error *err) {
    mxio__error_clear(err);
    memset(out, 0, sizeof *out);
    out->nnodes = s->nnodes;
    mxio_status st = layout_rows(s, out, err);
    for (size_t i = 0; !st && i < s->nnodes; i++)
        if (strcmp(s->nodes[i].op, "null") == 0) st = seed_variable(s, i, hints, nhints, out, err);
    scratch w = {0};
    if (!st) st = scratch_alloc(s, out, &w, err);
    /* Passes alternately in node order and in reverse (MXNet's InferAttr does
     * the same) until nothing changes: a rule that fills its inputs from its
     * outputs (elemwise ops, FullyConnected's batch dim) hands a dim back to the
     * producer, e.g. a `_zeros(shape=(0, H))` RNN begin state learns its batch
     * from the step that adds it to a data-derived tensor. Every pass that
     * changes something learns a dim or a dtype, so the bound is only a guard
     * against a rule that keeps rewriting. */
    bool changed = true;
    size_t max_passes = s->nnodes + 16;
    for (size_t pass = 0; !st && changed && pass < max_passes; pass++) {
        changed = false;
        bool backward = pass % 2 == 1;
        for (size_t k = 0; !st && k < s->nnodes; k++) {
            size_t i = backward ? s->nnodes - 1 - k : k;
            if (strcmp(s->nodes[i].op, "null") != 0) st = infer_node(s, i, out, &w, &changed, err);
        }
    }
    scratch_free(&w);
    if (st) {
        mxio__shapes_free(out);
        return st;
    }
    for (uint32_t e = 0; e < out->row[s->nnodes]; e++)
        if (!mxio__shape_known(&out->shape[e])) out->unknown++;
    return MXIO_OK;
}
