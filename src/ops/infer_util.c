/* infer_util.c - helpers for shape rules: known-ness, merging with conflict
 * messages that name the node, the op and the shapes, and the generic rules
 * (same shape, first input, broadcasting) many records share. */
#include <stdio.h>

#include "op.h"

bool mxio__shape_rank_known(const mxio__shape *s) { return s->ndim >= 0; }

bool mxio__shape_known(const mxio__shape *s) {
    if (s->ndim < 0) return false;
    for (int i = 0; i < s->ndim; i++)
        if (s->d[i] <= 0) return false;
    return true;
}

void mxio__shape_make(mxio__shape *s, int ndim, const int64_t *d) {
    s->ndim = ndim;
    for (int i = 0; i < ndim; i++) s->d[i] = d ? d[i] : 0;
}

char *mxio__shape_str(const mxio__shape *s, char *buf, size_t cap) {
    if (cap == 0) return buf;
    if (s->ndim < 0) {
        snprintf(buf, cap, "?");
        return buf;
    }
    size_t len = (size_t)snprintf(buf, cap, "(");
    for (int i = 0; i < s->ndim && len < cap; i++) {
        if (s->d[i] > 0)
            len += (size_t)snprintf(buf + len, cap - len, "%s%lld", i ? "," : "", (long long)s->d[i]);
        else
            len += (size_t)snprintf(buf + len, cap - len, "%s?", i ? "," : "");
    }
    if (len < cap) snprintf(buf + len, cap - len, s->ndim == 1 ? ",)" : ")");
    return buf;
}

mxio_status mxio__shape_fail(mxio__shape_ctx *c, const char *fmt, ...) {
    char msg[512], shapes[512], one[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len = 0;
    shapes[0] = '\0';
    for (int i = 0; i < c->nin && len < sizeof shapes; i++)
        len += (size_t)snprintf(shapes + len, sizeof shapes - len, "%s%s", i ? ", " : "",
                                mxio__shape_str(&c->in[i], one, sizeof one));
    const char *op = c->attrs && c->attrs->op ? c->attrs->op->name : "?";
    return mxio__fail_at(c->err, MXIO_E_SHAPE, -1, c->node_index, -1,
                         "node %lld '%s' (%s): %s; input shapes %s", (long long)c->node_index,
                         c->node_name ? c->node_name : "", op, msg, c->nin ? shapes : "none");
}

mxio_status mxio__shape_assign(mxio__shape_ctx *c, mxio__shape *dst, const mxio__shape *src,
                               const char *what) {
    if (src->ndim < 0) return MXIO_OK;
    if (dst->ndim < 0) {
        *dst = *src;
        return MXIO_OK;
    }
    char a[160], b[160];
    if (dst->ndim != src->ndim)
        return mxio__shape_fail(c, "%s has shape %s but %s is required", what,
                                mxio__shape_str(dst, a, sizeof a), mxio__shape_str(src, b, sizeof b));
    for (int i = 0; i < dst->ndim; i++) {
        if (src->d[i] <= 0) continue;
        if (dst->d[i] <= 0) dst->d[i] = src->d[i];
        else if (dst->d[i] != src->d[i])
            return mxio__shape_fail(c, "%s has shape %s but %s is required", what,
                                    mxio__shape_str(dst, a, sizeof a),
                                    mxio__shape_str(src, b, sizeof b));
    }
    return MXIO_OK;
}

static const char *input_name(mxio__shape_ctx *c, int i, char *buf, size_t cap) {
    const char *names[MXIO__MAX_OP_INPUTS];
    int n = c->attrs && c->attrs->op ? mxio__op_inputs(c->attrs->op, c->attrs, names,
                                                       MXIO__MAX_OP_INPUTS)
                                     : -1;
    if (i < n) snprintf(buf, cap, "input %d (%s)", i, names[i]);
    else snprintf(buf, cap, "input %d", i);
    return buf;
}

mxio_status mxio__shape_assign_in(mxio__shape_ctx *c, int i, int ndim, const int64_t *d) {
    if (i >= c->nin) return MXIO_OK;
    mxio__shape s;
    char what[96];
    mxio__shape_make(&s, ndim, d);
    return mxio__shape_assign(c, &c->in[i], &s, input_name(c, i, what, sizeof what));
}

mxio_status mxio__shape_assign_out(mxio__shape_ctx *c, int i, const mxio__shape *s) {
    if (i >= c->nout) return MXIO_OK;
    char what[32];
    snprintf(what, sizeof what, "output %d", i);
    return mxio__shape_assign(c, &c->out[i], s, what);
}

void mxio__dtype_same(mxio__shape_ctx *c) {
    int t = -1;
    for (int i = 0; i < c->nin && t < 0; i++) t = c->in_dtype[i];
    for (int i = 0; i < c->nout && t < 0; i++) t = c->out_dtype[i];
    if (t < 0) t = MXIO_DTYPE_FLOAT32;
    for (int i = 0; i < c->nin; i++)
        if (c->in_dtype[i] < 0) c->in_dtype[i] = t;
    for (int i = 0; i < c->nout; i++)
        if (c->out_dtype[i] < 0) c->out_dtype[i] = t;
}

int mxio__dtype_of_name(const char *name) {
    static const char *const names[MXIO_DTYPE_COUNT] = {
        "float32", "float64", "float16", "uint8",  "int32",  "int8",    "int64",
        "bool",    "int16",   "uint16",  "uint32", "uint64", "bfloat16"};
    for (int i = 0; name && i < MXIO_DTYPE_COUNT; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

bool mxio__attr_dims(const mxio__attrs *a, const char *key, int n, int64_t fill, int64_t *out) {
    int64_t v[MXIO__MAX_DIMS];
    int got = 0;
    if (!mxio__attr_shape(a, key, v, MXIO__MAX_DIMS, &got, NULL)) got = 0;
    if (got == 0) {
        for (int i = 0; i < n; i++) out[i] = fill;
        return true;
    }
    if (got != n) return false;
    for (int i = 0; i < n; i++) out[i] = v[i];
    return true;
}

bool mxio__axis(int64_t axis, int ndim, int *out) {
    if (axis < 0) axis += ndim;
    if (axis < 0 || axis >= ndim) return false;
    *out = (int)axis;
    return true;
}

mxio_status mxio__infer_same(mxio__shape_ctx *c) {
    mxio__shape s = {.ndim = -1};
    mxio_status st;
    char what[96];
    for (int i = 0; i < c->nin; i++)
        if ((st = mxio__shape_assign(c, &s, &c->in[i], input_name(c, i, what, sizeof what))))
            return st;
    for (int i = 0; i < c->nout; i++)
        if ((st = mxio__shape_assign(c, &s, &c->out[i], "output"))) return st;
    for (int i = 0; i < c->nin; i++)
        if ((st = mxio__shape_assign(c, &c->in[i], &s, input_name(c, i, what, sizeof what))))
            return st;
    for (int i = 0; i < c->nout; i++)
        if ((st = mxio__shape_assign_out(c, i, &s))) return st;
    mxio__dtype_same(c);
    return MXIO_OK;
}

mxio_status mxio__infer_first(mxio__shape_ctx *c) {
    mxio_status st;
    for (int i = 0; i < c->nout; i++)
        if (c->nin > 0 && (st = mxio__shape_assign_out(c, i, &c->in[0]))) return st;
    mxio__dtype_same(c);
    return MXIO_OK;
}

mxio_status mxio__infer_label_like(mxio__shape_ctx *c) {
    /* Regression heads (RegressionOpShape): the label takes the data's shape,
     * except (N, 1) data gets an (N,) label. */
    const mxio__shape *x = &c->in[0];
    if (c->nin > 1 && mxio__shape_rank_known(x) && !mxio__shape_rank_known(&c->in[1])) {
        bool column = x->ndim == 2 && x->d[1] == 1;
        mxio__shape_make(&c->in[1], column ? 1 : x->ndim, x->d);
    }
    return mxio__infer_first(c);
}

mxio_status mxio__infer_broadcast(mxio__shape_ctx *c) {
    const mxio__shape *l = &c->in[0], *r = &c->in[1];
    mxio__dtype_same(c);
    if (!mxio__shape_rank_known(l) || !mxio__shape_rank_known(r)) return MXIO_OK;
    int n = l->ndim > r->ndim ? l->ndim : r->ndim;
    mxio__shape o = {.ndim = n};
    for (int i = 0; i < n; i++) {
        int li = i - (n - l->ndim), ri = i - (n - r->ndim);
        int64_t a = li >= 0 ? l->d[li] : 1, b = ri >= 0 ? r->d[ri] : 1;
        if (a == b || b == 1) o.d[i] = a;
        else if (a == 1) o.d[i] = b;
        else if (a <= 0 || b <= 0) o.d[i] = 0; /* unknown stays unknown */
        else return mxio__shape_fail(c, "operands cannot be broadcast together");
    }
    return mxio__shape_assign_out(c, 0, &o);
}

mxio_status mxio__infer_quantized(mxio__shape_ctx *c, mxio_status (*rule)(mxio__shape_ctx *),
                                  int ndata, int out_dtype) {
    mxio__shape_ctx sub = *c;
    if (ndata > c->nin) ndata = c->nin;
    sub.nin = ndata;
    sub.nout = c->nout > 0 ? 1 : 0;
    mxio_status st = rule(&sub);
    if (st) return st;
    int64_t one = 1;
    mxio__shape range;
    mxio__shape_make(&range, 1, &one);
    for (int i = ndata; i < c->nin; i++) {
        if ((st = mxio__shape_assign_in(c, i, 1, &one))) return st;
        if (c->in_dtype[i] < 0) c->in_dtype[i] = MXIO_DTYPE_FLOAT32;
    }
    for (int i = 1; i < c->nout; i++) {
        if ((st = mxio__shape_assign_out(c, i, &range))) return st;
        c->out_dtype[i] = MXIO_DTYPE_FLOAT32;
    }
    if (out_dtype >= 0 && c->nout > 0) c->out_dtype[0] = out_dtype;
    return MXIO_OK;
}

/* ---- MAC rules ------------------------------------------------------------ */

/* numel(x) * numel(w) / w.d[0], or -1 when a shape is unknown (or it overflows). */
static int64_t macs_rows(const mxio__shape *x, const mxio__shape *w) {
    int64_t nx, nw;
    if (!mxio__shape_known(x) || !mxio__shape_known(w) || w->ndim < 1) return -1;
    if (!mxio__shape_numel(x->d, x->ndim, &nx) || !mxio__shape_numel(w->d, w->ndim, &nw)) return -1;
    int64_t r;
    return __builtin_mul_overflow(nx, nw / w->d[0], &r) ? -1 : r;
}

int64_t mxio__macs_weight_rows(const mxio__attrs *a, const mxio__shape *in, int nin,
                               const mxio__shape *out, int nout) {
    if (nin < 2 || nout < 1) return -1;
    return macs_rows(&out[0], &in[1]);
}

/* Deconvolution: every input element is scattered through one weight slice
 * (C_in, C_out/groups, k...): numel(data) * numel(weight) / C_in. */
int64_t mxio__macs_deconv(const mxio__attrs *a, const mxio__shape *in, int nin,
                          const mxio__shape *out, int nout) {
    if (nin < 2) return -1;
    return macs_rows(&in[0], &in[1]);
}

int64_t mxio__macs_zero(const mxio__attrs *a, const mxio__shape *in, int nin,
                        const mxio__shape *out, int nout) {
    return 0;
}
