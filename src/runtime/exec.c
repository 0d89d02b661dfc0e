/* exec.c - compile a Net into one kernel per layer, plan the activation memory,
 * and run it from any number of per-thread contexts.
 *
 * Compile: layers are visited in order (a Net lists them topologically). Each
 * layer's op record binds its kernel (mxio__op.kernel) from the node's attrs,
 * the input descriptors and the weights; producers are asked to leave their
 * output in oneDNN's blocked layout and a reorder to plain is inserted only in
 * front of a consumer that refuses it, and in front of the net's outputs.
 * Plan: every activation gets a live range [producer step, last consumer step];
 * buffers are placed first-fit in one arena, so a buffer is reused once its
 * value is dead; an in-place kernel writes over its first input when that input
 * dies at that step. */
#include "exec.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../format/params.h"
#include "../net/net.h"

/* ---- dtype conversion ------------------------------------------------------ */

static float half_to_f32(uint16_t h) {
    uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff, bits;
    if (e == 0x1f) bits = s | 0x7f800000u | (m << 13);
    else if (e) bits = s | ((e + 112) << 23) | (m << 13);
    else if (!m) bits = s;
    else { /* subnormal: normalise */
        e = 113;
        while (!(m & 0x400)) { m <<= 1; e--; }
        bits = s | (e << 23) | ((m & 0x3ff) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

bool mxio__exec_to_f32(mxio_dtype dtype, const void *src, size_t n, float *dst) {
    const unsigned char *p = src;
    size_t es = mxio_dtype_size(dtype);
    if (!es) return false;
    if (dtype == MXIO_DTYPE_FLOAT32) {
        memcpy(dst, src, n * 4);
        return true;
    }
    for (size_t i = 0; i < n; i++, p += es) {
        union { double d; float f; uint16_t u16; int16_t i16; uint32_t u32; int32_t i32;
                uint64_t u64; int64_t i64; uint8_t u8; int8_t i8; } v;
        memcpy(&v, p, es);
        float x;
        switch (dtype) {
        case MXIO_DTYPE_FLOAT64: x = (float)v.d; break;
        case MXIO_DTYPE_FLOAT16: x = half_to_f32(v.u16); break;
        case MXIO_DTYPE_BFLOAT16: {
            uint32_t b = (uint32_t)v.u16 << 16;
            memcpy(&x, &b, 4);
            break;
        }
        case MXIO_DTYPE_UINT8: case MXIO_DTYPE_BOOL: x = v.u8; break;
        case MXIO_DTYPE_INT8: x = v.i8; break;
        case MXIO_DTYPE_INT16: x = v.i16; break;
        case MXIO_DTYPE_UINT16: x = v.u16; break;
        case MXIO_DTYPE_INT32: x = (float)v.i32; break;
        case MXIO_DTYPE_UINT32: x = (float)v.u32; break;
        case MXIO_DTYPE_INT64: x = (float)v.i64; break;
        case MXIO_DTYPE_UINT64: x = (float)v.u64; break;
        default: return false;
        }
        dst[i] = x;
    }
    return true;
}

/* ---- binding helpers ------------------------------------------------------- */

int mxio__bind_pick(const char *s, const char *const *names) {
    for (int i = 0; s && names[i]; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

mxio_status mxio__bind_unsupported(const mxio__kernel_req *r, mxio_error *err, const char *what) {
    return mxio__fail(err, MXIO_E_UNSUPPORTED, "node '%s' (%s): %s not supported",
                      r->node_name ? r->node_name : "?", r->attrs->op->name, what);
}

mxio_status mxio__bind_reshape(const mxio__kernel_req *r, mxio__kernel **out, mxio_error *err) {
    if (r->nout < 1 || !mxio__shape_known(&r->out[0]))
        return mxio__bind_unsupported(r, err, "an output shape the shape rule cannot give is");
    return mxio__k_reshape_create(r->ctx, r->out[0].ndim, r->out[0].d, &r->in[0], out, err);
}

/* ---- the compiled net ------------------------------------------------------- */

typedef enum value_kind { VAL_ARENA, VAL_CONST, VAL_INPUT } value_kind;

typedef struct value {
    mxio__tdesc desc;
    size_t bytes;
    value_kind kind;
    int index;       /* VAL_INPUT: input index; VAL_CONST: const index */
    int storage;     /* VAL_ARENA: storage index */
    int plain_copy;  /* value index of a reorder of this one to plain, -1 */
    int first, last; /* producing step and last reading step (for the plan check) */
} value;

typedef struct step {
    mxio__kernel *k;
    char *name; /* layer name, for messages */
    int nin, nout;
    int *in, *out; /* value indices */
    bool reorder;
    int alias_in; /* out[0] is written over in[alias_in] (fused residual sum), -1 */
} step;

typedef struct storage {
    size_t bytes, offset;
    int first, last; /* step range it must live */
} storage;

typedef struct io_entry {
    char *name;
    int value;
    int ndim;
    int64_t shape[MXIO__RT_MAX_DIMS];
} io_entry;

struct mxio_runner {
    mxio__rt_ctx ctx;
    bool ctx_ok;
    value *vals;
    size_t nvals, capvals;
    step *steps;
    size_t nsteps, capsteps;
    storage *stor;
    size_t nstor, capstor;
    float **consts;
    size_t nconsts, capconsts;
    io_entry *inputs, *outputs;
    size_t ninputs, noutputs;
    size_t arena_bytes, total_bytes, scratch_bytes, weight_bytes, nreorders;
    int threads;
    /* Batch tiling: when set, this runner has no steps of its own and runs
     * `tile` (the same net compiled for `tile_batch` samples) once per slice. */
    mxio_runner *tile;
    int64_t tile_batch, ntiles;
};

struct mxio_run_context {
    const mxio_runner *r;
    mxio__rt_exec ex;
    bool ex_ok;
    unsigned char *arena;
    void *scratch;
    float **inbuf;
    void **ptr; /* per value */
    const void **inptr;
    void **outptr;
    /* batch tiling: one tile-runner context per thread, the whole-batch outputs,
     * each thread's status and error */
    mxio_run_context **tiles;
    int ntile_ctx;
    void **outbuf;
    mxio_status *tile_st;
    mxio_error *tile_err;
};

#define GROW(arr, n, cap)                                                             \
    ((n) < (cap) ? true                                                               \
                 : ((cap) = (cap) ? 2 * (cap) : 16,                                   \
                    ((arr) = mxio__realloc_array((arr), (cap), sizeof *(arr))) != NULL))

static mxio_status oom(mxio_error *err) {
    return mxio__fail(err, MXIO_E_NOMEM, "runtime: out of memory while compiling the net");
}

static int add_value(mxio_runner *r, const mxio__tdesc *d, value_kind kind, int index) {
    if (!GROW(r->vals, r->nvals, r->capvals)) return -1;
    value *v = &r->vals[r->nvals];
    memset(v, 0, sizeof *v);
    v->desc = *d;
    v->bytes = mxio__tdesc_bytes(d);
    v->kind = kind;
    v->index = index;
    v->storage = -1;
    v->plain_copy = -1;
    v->first = (int)r->nsteps;
    v->last = (int)r->nsteps;
    return (int)r->nvals++;
}

static int add_storage(mxio_runner *r, size_t bytes, int first) {
    if (!GROW(r->stor, r->nstor, r->capstor)) return -1;
    r->stor[r->nstor] = (storage){bytes, 0, first, first};
    return (int)r->nstor++;
}

/* Append a step; output values are created from the kernel's descriptors. */
static mxio_status add_step(mxio_runner *r, mxio__kernel *k, const char *name, const int *in,
                            int nin, bool reorder, step **out, mxio_error *err) {
    if (!GROW(r->steps, r->nsteps, r->capsteps)) {
        mxio__kernel_free(k);
        return oom(err);
    }
    int si = (int)r->nsteps;
    step *s = &r->steps[si];
    memset(s, 0, sizeof *s);
    r->nsteps++;
    s->k = k;
    s->reorder = reorder;
    s->alias_in = -1;
    s->name = mxio__strdup(name ? name : "?");
    s->nin = nin;
    s->nout = k->nout;
    s->in = mxio__calloc_array((size_t)nin + 1, sizeof *s->in);
    s->out = mxio__calloc_array((size_t)k->nout + 1, sizeof *s->out);
    if (!s->name || !s->in || !s->out) return oom(err);
    for (int i = 0; i < nin; i++) {
        s->in[i] = in[i];
        value *v = &r->vals[in[i]];
        if (v->kind == VAL_ARENA && r->stor[v->storage].last < si) r->stor[v->storage].last = si;
        if (v->last < si) v->last = si;
    }
    for (int j = 0; j < k->nout; j++) {
        int vi = add_value(r, &k->out[j], VAL_ARENA, -1);
        if (vi < 0) return oom(err);
        s->out[j] = vi;
        r->vals[vi].first = r->vals[vi].last = si;
        /* In place: the output takes over its first input's buffer when that
         * input is an activation with no later reader. Later readers are not
         * known yet, so this is settled in plan() (see `last`). */
        int st = add_storage(r, r->vals[vi].bytes, si);
        if (st < 0) return oom(err);
        r->vals[vi].storage = st;
    }
    *out = s;
    return MXIO_OK;
}

/* The value of `vi` in plain layout: itself, or a (shared) reorder of it. */
static mxio_status plain_of(mxio_runner *r, int vi, int *out, mxio_error *err) {
    if (r->vals[vi].desc.layout == MXIO__LAYOUT_PLAIN) {
        *out = vi;
        return MXIO_OK;
    }
    if (r->vals[vi].plain_copy >= 0) {
        *out = r->vals[vi].plain_copy;
        return MXIO_OK;
    }
    mxio__kernel *k = NULL;
    mxio__tdesc from = r->vals[vi].desc;
    mxio_status st = mxio__k_reorder_create(&r->ctx, &from, NULL, &k, err);
    if (st) return st;
    step *s = NULL;
    char name[64];
    snprintf(name, sizeof name, "reorder %d", vi);
    if ((st = add_step(r, k, name, &vi, 1, true, &s, err))) return st;
    r->nreorders++;
    r->vals[vi].plain_copy = s->out[0];
    *out = s->out[0];
    return MXIO_OK;
}

/* ---- unsupported ops: one message naming them all ----------------------------- */

static mxio_status check_supported(const mxio_net *net, mxio_error *err) {
    typedef struct { const char *op; size_t count; const char *first[3]; } miss;
    miss *m = NULL;
    size_t nm = 0, cap = 0;
    for (size_t i = 0; i < net->nlayers; i++) {
        const mxio__layer *l = &net->layers[i];
        const mxio__op *op = l->op ? mxio__op_find(l->op) : NULL;
        if (op && op->kernel && !l->failure) continue;
        const char *name = l->op ? l->op : "?";
        size_t j = 0;
        while (j < nm && strcmp(m[j].op, name) != 0) j++;
        if (j == nm) {
            if (!GROW(m, nm, cap)) {
                free(m);
                return oom(err);
            }
            memset(&m[nm++], 0, sizeof *m);
            m[j].op = name;
        }
        if (m[j].count < 3) m[j].first[m[j].count] = l->name;
        m[j].count++;
    }
    if (!nm) {
        free(m);
        return MXIO_OK;
    }
    mxio__buf b;
    mxio__buf_init(&b);
    mxio__buf_printf(&b, "%s: unsupported ops: ", net->label ? net->label : "net");
    for (size_t j = 0; j < nm; j++) {
        mxio__buf_printf(&b, "%s%s x%zu (first: ", j ? ", " : "", m[j].op, m[j].count);
        for (size_t q = 0; q < m[j].count && q < 3; q++)
            mxio__buf_printf(&b, "%s%s", q ? ", " : "", m[j].first[q]);
        mxio__buf_puts(&b, ")");
    }
    mxio__buf_putc(&b, '\0');
    mxio_status st = mxio__fail(err, MXIO_E_UNKNOWN_OP, "%s", b.data ? (char *)b.data : "unsupported ops");
    mxio__buf_free(&b);
    free(m);
    return st;
}

/* ---- constants --------------------------------------------------------------- */

static mxio_status load_const(mxio_runner *r, const mxio_net *net, const mxio_params *params,
                              const mxio__layer *l, const mxio__layer_array *arr, int *out,
                              mxio_error *err) {
    if (arr->state != MXIO__ARRAY_SET || !params)
        return mxio__fail(err, MXIO_E_MISMATCH,
                          "%s: layer '%s': array '%s' has no values (an uninitialised net: give "
                          "the params file)",
                          net->label ? net->label : "net", l->name, arr->var ? arr->var : "?");
    int64_t pi = mxio_params_find(params, arr->param ? arr->param : arr->var);
    mxio_array a;
    if (pi < 0 || mxio_params_get(params, (size_t)pi, &a) != MXIO_OK)
        return mxio__fail(err, MXIO_E_NOT_FOUND, "layer '%s': array '%s' not in the params file",
                          l->name, arr->param ? arr->param : arr->var);
    if (a.storage != MXIO_STORAGE_DENSE || a.is_none)
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "layer '%s': array '%s' is sparse or uninitialised", l->name, a.name);
    if (a.ndim > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_LIMIT, "layer '%s': array '%s' has %d dims", l->name,
                          a.name, a.ndim);
    int64_t n = mxio_array_numel(&a);
    size_t bytes;
    if (n < 0 || !mxio__mul_size((size_t)n, 4, &bytes) ||
        (size_t)n * mxio_dtype_size(a.dtype) > a.nbytes)
        return mxio__fail(err, MXIO_E_LIMIT, "layer '%s': array '%s' size", l->name, a.name);
    float *f = mxio__rt_alloc(bytes ? bytes : 4);
    if (!f) return oom(err);
    if (!mxio__exec_to_f32(a.dtype, a.data, (size_t)n, f)) {
        mxio__rt_free(f);
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "layer '%s': array '%s': dtype %d", l->name,
                          a.name, (int)a.dtype);
    }
    /* The fp32 copy is all the runner reads: give back the mapped file pages now,
     * so the peak RSS is the packed weights, not the packed weights plus the file. */
    mxio__params_release_values(params, (size_t)pi);
    if (!GROW(r->consts, r->nconsts, r->capconsts)) {
        mxio__rt_free(f);
        return oom(err);
    }
    r->consts[r->nconsts] = f;
    r->weight_bytes += bytes;
    mxio__tdesc d;
    int64_t one = 1;
    if (a.ndim == 0) mxio__tdesc_plain(&d, 1, &one);
    else mxio__tdesc_plain(&d, a.ndim, a.shape);
    int vi = add_value(r, &d, VAL_CONST, (int)r->nconsts++);
    if (vi < 0) return oom(err);
    *out = vi;
    return MXIO_OK;
}

/* ---- compile ----------------------------------------------------------------- */

/* ---- fusion: Convolution [+ BatchNorm] [+ residual add] [+ activation] ------------
 * A graph pattern across layers, so it lives here rather than in one op record:
 * a BatchNorm whose only input is a Convolution's only consumer is folded into
 * the weights; an elemwise_add / add_n of two that is the chain's only consumer
 * becomes oneDNN's sum post-op when its other operand was computed earlier and
 * has no other reader (the conv then writes over that operand's buffer); an
 * activation oneDNN can apply becomes the eltwise post-op.
 * BatchNorm + relu: a BatchNorm left standing (after an add, a concat or an
 * input: pre-activation nets) runs on oneDNN and takes a following relu in
 * (oneDNN's fuse_norm_relu flag). */

typedef struct chain {
    int bn, add, act; /* layers fused into this Convolution (or act into a BatchNorm), -1 */
    int add_src;      /* the add's argument that is the residual */
} chain;

typedef struct uses {
    int n;    /* references to any output of the layer (net outputs count) */
    int user; /* the referencing layer when n == 1, -1 for a net output */
    int src;  /* and which of its arguments */
} uses;

/* Data from a layer or a net input, every other argument a constant array. */
static bool all_arrays_but_first(const mxio__layer *l) {
    for (size_t k = 1; k < l->nsrcs; k++)
        if (l->srcs[k].kind != MXIO__SRC_ARRAY) return false;
    return l->nsrcs >= 1 && l->srcs[0].kind != MXIO__SRC_ARRAY;
}

static const mxio__op *layer_op(const mxio_net *net, int li) {
    return mxio__op_find(net->layers[li].op);
}

/* BatchNorm and the records with its inference math (constant arrays, axis 1). */
static bool foldable_bn(const mxio_net *net, int li) {
    static const char *const names[] = {"BatchNorm", "BatchNorm_v1", "_contrib_SyncBatchNorm", NULL};
    const mxio__layer *b = &net->layers[li];
    const mxio__op *op = layer_op(net, li);
    mxio__attrs a = {.kv = b->attrs, .n = b->nattrs, .op = op};
    mxio__bn_params bp;
    return op && mxio__bind_pick(op->name, names) >= 0 && !b->failure && b->nsrcs == 5 &&
           all_arrays_but_first(b) && mxio__bn_params_of(&a, &bp) && bp.axis == 1;
}

/* The activation layer `li` when oneDNN applies it as a post-op: its type, else -1. */
static int post_act_of(const mxio_net *net, int li) {
    const mxio__layer *x = &net->layers[li];
    const mxio__op *xop = layer_op(net, li);
    mxio__attrs a = {.kv = x->attrs, .n = x->nattrs, .op = xop};
    mxio__act_params ap;
    if (!xop || x->nsrcs != 1 || !mxio__act_params_of(&a, &ap)) return -1;
    switch (ap.type) {
    case MXIO__ACT_RELU: case MXIO__ACT_LEAKY: case MXIO__ACT_CLIP: case MXIO__ACT_SIGMOID:
    case MXIO__ACT_TANH: case MXIO__ACT_ELU: case MXIO__ACT_GELU: return (int)ap.type;
    default: return -1;
    }
}

/* Is every reader of layer `p`'s output, except `add`, run before step `head`
 * (and none of them a net output)? Then the sum may overwrite it. */
static bool read_before(const mxio_net *net, uint32_t p, int add, int head, const int *absorbed) {
    for (size_t i = 0; i < net->noutputs; i++)
        if (net->outputs[i].src.kind == MXIO__SRC_LAYER && net->outputs[i].src.index == p)
            return false;
    for (size_t k = 0; k < net->nlayers; k++) {
        if ((int)k == add) continue;
        int pos = absorbed[k] >= 0 ? absorbed[k] : (int)k;
        for (size_t j = 0; j < net->layers[k].nsrcs; j++) {
            const mxio__layer_src *s = &net->layers[k].srcs[j];
            if (s->kind == MXIO__SRC_LAYER && s->index == p && pos >= head) return false;
        }
    }
    return true;
}

static void plan_chains(const mxio_net *net, chain *ch, int *absorbed, uses *u) {
    const mxio__op *conv = mxio__op_find("Convolution"),
                   *add = mxio__op_find("elemwise_add"), *addn = mxio__op_find("add_n"),
                   *badd = mxio__op_find("broadcast_add");
    size_t n = net->nlayers;
    for (size_t i = 0; i < n; i++) {
        ch[i] = (chain){-1, -1, -1, -1};
        absorbed[i] = -1;
        u[i] = (uses){0, -1, -1};
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < net->layers[i].nsrcs; k++) {
            const mxio__layer_src *s = &net->layers[i].srcs[k];
            if (s->kind != MXIO__SRC_LAYER || s->index >= n) continue;
            u[s->index].n++;
            u[s->index].user = (int)i;
            u[s->index].src = (int)k;
        }
    for (size_t i = 0; i < net->noutputs; i++)
        if (net->outputs[i].src.kind == MXIO__SRC_LAYER && net->outputs[i].src.index < n) {
            u[net->outputs[i].src.index].n++;
            u[net->outputs[i].src.index].user = -1;
        }
    for (size_t i = 0; i < n; i++) {
        const mxio__layer *l = &net->layers[i];
        if (absorbed[i] < 0 && u[i].n == 1 && u[i].user >= 0 && foldable_bn(net, (int)i) &&
            post_act_of(net, u[i].user) == MXIO__ACT_RELU) {
            ch[i].act = u[i].user;
            absorbed[u[i].user] = (int)i;
            continue;
        }
        if (absorbed[i] >= 0 || l->failure || layer_op(net, (int)i) != conv ||
            l->nsrcs < 2 || l->srcs[0].kind == MXIO__SRC_ARRAY)
            continue;
        bool consts = true;
        for (size_t k = 1; k < l->nsrcs; k++) consts &= l->srcs[k].kind == MXIO__SRC_ARRAY;
        if (!consts) continue;
        int t = (int)i;
        chain c = {-1, -1, -1, -1};
        if (u[t].n == 1 && u[t].user >= 0 && u[t].src == 0 && foldable_bn(net, u[t].user)) {
            c.bn = u[t].user;
            t = c.bn;
        }
        if (u[t].n == 1 && u[t].user >= 0) {
            int ai = u[t].user;
            const mxio__layer *a = &net->layers[ai];
            const mxio__op *aop = layer_op(net, ai);
            if ((aop == add || aop == addn || aop == badd) && a->nsrcs == 2) {
                int other = 1 - u[t].src;
                const mxio__layer_src *s = &a->srcs[other];
                if (s->kind == MXIO__SRC_LAYER && s->index < i &&
                    read_before(net, s->index, ai, (int)i, absorbed)) {
                    c.add = ai;
                    c.add_src = other;
                    t = ai;
                }
            }
        }
        if (u[t].n == 1 && u[t].user >= 0 && post_act_of(net, u[t].user) >= 0) {
            c.act = u[t].user;
            t = c.act;
        }
        ch[i] = c;
        if (c.bn >= 0) absorbed[c.bn] = (int)i;
        if (c.add >= 0) absorbed[c.add] = (int)i;
        if (c.act >= 0) absorbed[c.act] = (int)i;
    }
}

static bool same_dims(const mxio__tdesc *a, const mxio__tdesc *b) {
    return a->ndim == b->ndim && !memcmp(a->dims, b->dims, (size_t)a->ndim * sizeof *a->dims);
}

static bool same_layout(const mxio__tdesc *a, const mxio__tdesc *b) {
    if (!same_dims(a, b)) return false;
    if (a->layout != b->layout) return false;
    return a->layout == MXIO__LAYOUT_PLAIN || dnnl_memory_desc_equal(&a->md, &b->md);
}

/* Free a runner-owned constant buffer the kernel no longer needs. */
static void release_const(mxio_runner *r, const float *p) {
    for (size_t i = 0; p && i < r->nconsts; i++)
        if (r->consts[i] == p) {
            mxio__rt_free(r->consts[i]);
            r->consts[i] = NULL;
        }
}

/* The fused weights and bias of a chain's Convolution (runner-owned). */
static mxio_status fuse_weights(mxio_runner *r, const mxio_net *net, const mxio_params *params,
                                const chain *c, const int *in, int nin, mxio__fusion *fz,
                                mxio_error *err) {
    const value *w = &r->vals[in[1]];
    int64_t o = w->desc.dims[0], nw = mxio__tdesc_numel(&w->desc);
    if (o <= 0 || nw <= 0 || nw % o) return mxio__fail(err, MXIO_E_SHAPE, "fusion: weight shape");
    float *wf = mxio__rt_alloc((size_t)nw * 4), *bf = mxio__rt_alloc((size_t)o * 4);
    if (!wf || !bf || !GROW(r->consts, r->nconsts + 1, r->capconsts)) {
        mxio__rt_free(wf);
        mxio__rt_free(bf);
        return oom(err);
    }
    r->consts[r->nconsts++] = wf;
    r->consts[r->nconsts++] = bf;
    memcpy(wf, r->consts[w->index], (size_t)nw * 4);
    if (nin >= 3) memcpy(bf, r->consts[r->vals[in[2]].index], (size_t)o * 4);
    else memset(bf, 0, (size_t)o * 4);
    if (c->bn >= 0) {
        const mxio__layer *b = &net->layers[c->bn];
        mxio__attrs a = {.kv = b->attrs, .n = b->nattrs, .op = layer_op(net, c->bn)};
        mxio__bn_params bp;
        const float *bn[4];
        mxio__bn_params_of(&a, &bp);
        for (int k = 0; k < 4; k++) {
            int vi;
            mxio_status st = load_const(r, net, params, b, &b->arrays[b->srcs[k + 1].index], &vi, err);
            if (st) return st;
            if (mxio__tdesc_numel(&r->vals[vi].desc) != o)
                return mxio__fail(err, MXIO_E_SHAPE, "layer '%s': BatchNorm arrays of %lld entries after a conv of %lld filters",
                                  b->name, (long long)mxio__tdesc_numel(&r->vals[vi].desc), (long long)o);
            bn[k] = r->consts[r->vals[vi].index];
        }
        mxio__bn_fold_into_conv(&bp, o, nw / o, bn[0], bn[1], bn[2], bn[3], wf, bf);
        for (int k = 0; k < 4; k++) {
            r->weight_bytes -= (size_t)o * 4;
            release_const(r, bn[k]);
        }
    }
    fz->weight = wf;
    fz->bias = bf;
    fz->post_sum = c->add >= 0;
    return MXIO_OK;
}

static void fuse_act(const mxio_net *net, const chain *c, mxio__fusion *fz) {
    if (c->act < 0) return;
    const mxio__layer *x = &net->layers[c->act];
    mxio__attrs a = {.kv = x->attrs, .n = x->nattrs, .op = layer_op(net, c->act)};
    fz->post_act = mxio__act_params_of(&a, &fz->act);
}

static void shape_of(const mxio__tdesc *d, mxio__shape *s) {
    s->ndim = d->ndim;
    for (int i = 0; i < d->ndim; i++) s->d[i] = d->dims[i];
}

/* The whole-net inference, run once when first needed. */
typedef struct net_shapes {
    bool tried, ok;
    mxio__exec_net_shapes s;
    char why[200]; /* its error, when it failed */
    size_t asked_by; /* the last layer that needed it */
} net_shapes;

/* An output dim the layer's own rule leaves unknown (a source op's 0 dims, or
 * the whole shape of an _arange with infer_range, which MXNet fills from the
 * consumers): take it from the whole-net inference and run the rule again with
 * it. If that inference fails the layer stays as it was and its kernel says what
 * it cannot take. */
static mxio_status fill_from_consumers(const mxio_runner *r, const mxio_net *net, size_t li,
                                       mxio__shape_ctx *c, net_shapes *ns, mxio_error *err) {
    bool partial = false;
    for (int j = 0; j < c->nout; j++)
        partial |= c->out[j].ndim >= 0 ? !mxio__shape_known(&c->out[j]) : c->nin == 0;
    if (!partial) return MXIO_OK;
    if (!ns->tried) {
        ns->tried = true;
        mxio__shape *in = mxio__calloc_array(net->ninputs + 1, sizeof *in);
        if (!in) return oom(err);
        for (size_t i = 0; i < net->ninputs; i++)
            mxio__shape_make(&in[i], r->inputs[i].ndim, r->inputs[i].shape);
        mxio_error why;
        ns->ok = mxio__exec_infer_net(net, in, &ns->s, &why) == MXIO_OK;
        if (!ns->ok) {
            size_t m = strnlen(why.message, sizeof ns->why - 1);
            memcpy(ns->why, why.message, m);
            ns->why[m] = '\0';
        }
        free(in);
    }
    ns->asked_by = li;
    if (!ns->ok) return MXIO_OK;
    for (int j = 0; j < c->nout; j++) {
        const mxio__shape *g = mxio__exec_net_shape(&ns->s, li, j);
        if (g && c->out[j].ndim < 0) c->out[j] = *g;
        else if (g && g->ndim == c->out[j].ndim)
            for (int q = 0; q < g->ndim; q++)
                if (c->out[j].d[q] <= 0) c->out[j].d[q] = g->d[q];
    }
    return c->attrs->op->infer_shape(c);
}

static mxio_status compile_layer_at(mxio_runner *r, const mxio_net *net, const mxio_params *params,
                                    size_t li, int **port_vals, const bool *feeds_output,
                                    chain *c, int *absorbed, net_shapes *ns,
                                    const mxio__node *node, mxio_error *err) {
    const mxio__layer *l = &net->layers[li];
    const mxio__op *op = mxio__op_find(l->op);
    mxio__attrs attrs = {.kv = l->attrs, .n = l->nattrs, .op = op, .node = node};
    int in[MXIO__RT_MAX_IO];
    int nin = 0;
    mxio_status st;
    for (size_t k = 0; k < l->nsrcs; k++) {
        const mxio__layer_src *s = &l->srcs[k];
        if (s->kind == MXIO__SRC_LABEL) continue;
        if (nin >= MXIO__RT_MAX_IO)
            return mxio__fail(err, MXIO_E_LIMIT, "layer '%s': more than %d inputs", l->name,
                              MXIO__RT_MAX_IO);
        int vi = -1;
        if (s->kind == MXIO__SRC_INPUT) {
            vi = r->inputs[s->index].value;
        } else if (s->kind == MXIO__SRC_LAYER) {
            const mxio__layer *p = &net->layers[s->index];
            if ((int)s->port >= p->nout || (vi = port_vals[s->index][s->port]) < 0)
                return mxio__fail(err, MXIO_E_UNSUPPORTED,
                                  "layer '%s' reads output %u of '%s' (%s), which its kernel "
                                  "does not compute",
                                  l->name, s->port, p->name, p->op);
        } else {
            if (s->index >= l->narrays)
                return mxio__fail(err, MXIO_E_GRAPH, "layer '%s': bad array slot", l->name);
            if ((st = load_const(r, net, params, l, &l->arrays[s->index], &vi, err))) return st;
        }
        in[nin++] = vi;
    }
    /* Output shapes from the op's shape rule (Reshape family and broadcast_to
     * need them; for the others they cross-check the kernel). */
    mxio__shape ish[MXIO__RT_MAX_IO], osh[MXIO__RT_MAX_IO];
    int idt[MXIO__RT_MAX_IO], odt[MXIO__RT_MAX_IO];
    int nout = l->nout > 0 ? l->nout : 1;
    if (nout > MXIO__RT_MAX_IO)
        return mxio__fail(err, MXIO_E_LIMIT, "layer '%s': %d outputs", l->name, nout);
    for (int i = 0; i < nin; i++) {
        shape_of(&r->vals[in[i]].desc, &ish[i]);
        idt[i] = (int)r->vals[in[i]].desc.dtype;
    }
    for (int j = 0; j < nout; j++) {
        osh[j].ndim = -1;
        odt[j] = -1;
    }
    if (op->infer_shape) {
        mxio__shape_ctx c = {.attrs = &attrs, .node_name = l->name, .nin = nin, .in = ish,
                             .in_dtype = idt, .nout = nout, .out = osh, .out_dtype = odt,
                             .err = err, .node_index = l->node};
        if ((st = op->infer_shape(&c))) return st;
        if ((st = fill_from_consumers(r, net, li, &c, ns, err))) return st;
    }
    mxio__tdesc descs[MXIO__RT_MAX_IO];
    const float *cst[MXIO__RT_MAX_IO];
    mxio__kernel *k = NULL;
    if (c->add >= 0) {
        /* broadcast_add fuses only when it does not broadcast: else the add and
         * what follows it run as their own layers */
        const mxio__layer_src *rs = &net->layers[c->add].srcs[c->add_src];
        int rv = port_vals[rs->index][rs->port];
        bool same = rv >= 0 && osh[0].ndim == r->vals[rv].desc.ndim;
        for (int q = 0; same && q < osh[0].ndim; q++) same = osh[0].d[q] == r->vals[rv].desc.dims[q];
        if (!same) {
            absorbed[c->add] = -1;
            if (c->act >= 0) absorbed[c->act] = -1;
            c->add = c->act = -1;
        }
    }
    bool conv_head = op == mxio__op_find("Convolution");
    if (!conv_head && c->act >= 0 && nin >= 1 &&
        (r->vals[in[0]].desc.ndim < 2 || r->vals[in[0]].desc.ndim > 5)) {
        /* oneDNN normalises ranks 2-5: the relu runs as its own layer */
        absorbed[c->act] = -1;
        c->act = -1;
    }
    if (c->bn >= 0) {
        /* A channels-last conv's channels are its last axis: a BatchNorm over
         * axis 1 does not scale its filters, so it runs as its own layer (and
         * what the chain held after it too). */
        const char *lay = mxio__attr_str(&attrs, "layout");
        size_t ll = lay ? strlen(lay) : 0;
        if (ll >= 3 && lay[ll - 1] == 'C') {
            absorbed[c->bn] = -1;
            if (c->add >= 0) absorbed[c->add] = -1;
            if (c->act >= 0) absorbed[c->act] = -1;
            c->bn = c->add = c->act = -1;
        }
    }
    bool fused = c->bn >= 0 || c->add >= 0 || c->act >= 0;
    mxio__fusion fz = {0};
    uint32_t packed = 0;
    size_t tail = li;
    if (fused) {
        if (conv_head && (st = fuse_weights(r, net, params, c, in, nin, &fz, err))) return st;
        fuse_act(net, c, &fz);
        tail = (size_t)(c->act >= 0 ? c->act : c->add >= 0 ? c->add : c->bn);
    }
    /* Layouts tried in turn: the inputs as they are; every activation shaped
     * like the first blocked input in that input's layout (an element-wise op
     * whose operands arrived in different layouts: one reorder, and the result
     * stays blocked for the next layer; not for a net output, which would need
     * a second one); all plain (the C kernels). */
    int lead = -1, attempt;
    for (int i = 0; i < nin && lead < 0; i++)
        if (r->vals[in[i]].desc.layout != MXIO__LAYOUT_PLAIN) lead = i;
    for (attempt = 0; attempt < 3; attempt++) {
        bool changed = false;
        if (attempt == 2) /* a kernel that takes only plain tensors */
            for (int i = 0; i < nin; i++)
                if ((st = plain_of(r, in[i], &in[i], err))) return st;
        for (int i = 0; i < nin; i++) {
            const value *v = &r->vals[in[i]];
            descs[i] = v->desc;
            cst[i] = v->kind == VAL_CONST ? r->consts[v->index] : NULL;
            if (attempt == 1 && v->kind != VAL_CONST && v->desc.dtype == MXIO_DTYPE_FLOAT32 &&
                !same_layout(&v->desc, &r->vals[in[lead]].desc) &&
                same_dims(&v->desc, &r->vals[in[lead]].desc)) {
                descs[i] = r->vals[in[lead]].desc;
                changed = true;
            }
        }
        if (attempt == 1 && (!changed || feeds_output[tail])) continue; /* plain is as cheap */
        mxio__kernel_req req = {.ctx = &r->ctx, .attrs = &attrs, .node_name = l->name,
                                .nin = nin, .in = descs, .constant = cst, .nout = nout,
                                .out = osh, .blocked_out = !feeds_output[tail],
                                .fusion = fused ? &fz : NULL, .packed = &packed};
        packed = 0;
        st = op->kernel(&req, &k, err);
        if (st == MXIO_OK) break;
        if (lead < 0 || attempt == 2) {
            char pre[256];
            snprintf(pre, sizeof pre, "%s: layer '%s' (%s): ", net->label ? net->label : "net",
                     l->name, l->op);
            mxio__error_prefix(err, pre);
            if (ns->tried && !ns->ok && ns->asked_by == li) {
                size_t n = strlen(err->message);
                snprintf(err->message + n, sizeof err->message - n,
                         " (the whole-net shape inference failed: %s)", ns->why);
            }
            return st;
        }
    }
    for (int i = 0; attempt == 1 && i < nin; i++) {
        if (same_layout(&r->vals[in[i]].desc, &descs[i])) continue;
        mxio__kernel *ro = NULL;
        step *rs;
        mxio__tdesc from = r->vals[in[i]].desc;
        if ((st = mxio__k_reorder_create(&r->ctx, &from, &descs[i], &ro, err)) ||
            (st = add_step(r, ro, "layout reorder", &in[i], 1, true, &rs, err))) {
            mxio__kernel_free(k);
            return st;
        }
        r->nreorders++;
        in[i] = rs->out[0];
    }
    for (int j = 0; j < k->nout && j < nout; j++) {
        const mxio__tdesc *d = &k->out[j];
        bool same = osh[j].ndim < 0 || osh[j].ndim == d->ndim;
        for (int q = 0; same && osh[j].ndim >= 0 && q < d->ndim; q++)
            same = osh[j].d[q] <= 0 || osh[j].d[q] == d->dims[q];
        if (!same) {
            char a[128], b[128];
            mxio__shape_str(&osh[j], a, sizeof a);
            mxio__tdesc_str(d, b, sizeof b);
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE,
                              "layer '%s' (%s): output %d is %s by the shape rule but %s by the "
                              "kernel",
                              l->name, l->op, j, a, b);
        }
    }
    /* Constants the kernel packed are not read again: free them now (the fused
     * weights are always packed). */
    for (int i = 0; i < nin && i < 32; i++) {
        value *v = &r->vals[in[i]];
        if (!(packed >> i & 1) || v->kind != VAL_CONST || !r->consts[v->index]) continue;
        mxio__rt_free(r->consts[v->index]);
        r->consts[v->index] = NULL;
        r->weight_bytes -= v->bytes;
    }
    if (fused) release_const(r, fz.weight), release_const(r, fz.bias);
    int alias = -1;
    if (c->add >= 0) {
        /* the residual, in the conv output's layout, is overwritten by the sum */
        const mxio__layer_src *rs = &net->layers[c->add].srcs[c->add_src];
        int rv = port_vals[rs->index][rs->port];
        if (rv < 0 || r->vals[rv].desc.ndim != k->out[0].ndim ||
            memcmp(r->vals[rv].desc.dims, k->out[0].dims, (size_t)k->out[0].ndim * sizeof(int64_t))) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_SHAPE, "layer '%s': the residual of '%s' has another shape",
                              l->name, net->layers[c->add].name);
        }
        if (!same_layout(&r->vals[rv].desc, &k->out[0])) {
            mxio__kernel *ro = NULL;
            step *rs_step = NULL;
            mxio__tdesc from = r->vals[rv].desc, to = k->out[0];
            if ((st = mxio__k_reorder_create(&r->ctx, &from, &to, &ro, err))) {
                mxio__kernel_free(k);
                return st;
            }
            if ((st = add_step(r, ro, "residual reorder", &rv, 1, true, &rs_step, err))) {
                mxio__kernel_free(k);
                return st;
            }
            r->nreorders++;
            rv = rs_step->out[0];
        }
        alias = nin;
        in[nin++] = rv;
    }
    step *s = NULL;
    if ((st = add_step(r, k, l->name, in, nin, false, &s, err))) return st;
    s->alias_in = alias;
    for (int j = 0; j < s->nout && j < l->nout; j++) port_vals[li][j] = s->out[j];
    if (c->bn >= 0) port_vals[c->bn][0] = s->out[0];
    if (c->add >= 0) port_vals[c->add][0] = s->out[0];
    if (c->act >= 0) port_vals[c->act][0] = s->out[0];
    return MXIO_OK;
}

/* A fused op (_sg_mkldnn_conv) or a control-flow op (_foreach) is bound from
 * its subgraphs: give the record a node that carries them, parsed back from the
 * layer's copies. */
static mxio_status compile_layer(mxio_runner *r, const mxio_net *net, const mxio_params *params,
                                 size_t li, int **port_vals, const bool *feeds_output,
                                 chain *c, int *absorbed, net_shapes *ns, mxio_error *err) {
    const mxio__layer *l = &net->layers[li];
    if (!l->nsubgraphs)
        return compile_layer_at(r, net, params, li, port_vals, feeds_output, c, absorbed, ns, NULL,
                                err);
    struct mxio_symbol **subs = mxio__calloc_array(l->nsubgraphs, sizeof *subs);
    if (!subs) return mxio__fail(err, MXIO_E_NOMEM, "layer '%s': out of memory", l->name);
    mxio_status st = MXIO_OK;
    for (size_t g = 0; g < l->nsubgraphs && !st; g++)
        if (l->subgraph_json[g])
            st = mxio__symbol_parse(l->subgraph_json[g], strlen(l->subgraph_json[g]), l->name,
                                    &subs[g], err);
    mxio__node node = {.op = l->op, .name = l->name, .attrs = l->attrs, .nattrs = l->nattrs,
                       .subgraphs = subs, .nsubgraphs = l->nsubgraphs};
    if (!st)
        st = compile_layer_at(r, net, params, li, port_vals, feeds_output, c, absorbed, ns, &node,
                              err);
    for (size_t g = 0; g < l->nsubgraphs; g++) mxio__symbol_destroy(subs[g]);
    free(subs);
    return st;
}

/* Place storages first-fit in one arena over their live ranges. */
static void plan(mxio_runner *r) {
    /* In place: a kernel that allows it writes over input 0 when input 0 is an
     * arena value that dies at this step and is big enough. */
    for (size_t si = 0; si < r->nsteps; si++) {
        step *s = &r->steps[si];
        if (s->alias_in < 0) continue;
        value *vin = &r->vals[s->in[s->alias_in]], *vout = &r->vals[s->out[0]];
        storage *a = &r->stor[vin->storage], *b = &r->stor[vout->storage];
        if (b->last > a->last) a->last = b->last;
        b->bytes = 0;
        int old = vout->storage;
        for (size_t v = 0; v < r->nvals; v++)
            if (r->vals[v].storage == old) r->vals[v].storage = vin->storage;
    }
    for (size_t si = 0; si < r->nsteps; si++) {
        step *s = &r->steps[si];
        if (!s->k->in_place_ok || s->nin < 1 || s->nout < 1 || s->alias_in >= 0) continue;
        value *vin = &r->vals[s->in[0]], *vout = &r->vals[s->out[0]];
        if (vin->kind != VAL_ARENA) continue;
        storage *a = &r->stor[vin->storage], *b = &r->stor[vout->storage];
        if (a->last != (int)si || a->bytes < b->bytes) continue;
        bool other = false; /* input 0 must not also be another input of the step */
        for (int i = 1; i < s->nin; i++) other |= s->in[i] == s->in[0];
        if (other) continue;
        a->last = b->last;
        b->bytes = 0;
        int old = vout->storage;
        for (size_t v = 0; v < r->nvals; v++)
            if (r->vals[v].storage == old) r->vals[v].storage = vin->storage;
    }
    /* Sweep: at step t, allocate storages born at t, then free those that die at t. */
    size_t n = r->nstor, peak = 0, total = 0;
    int *live = mxio__calloc_array(n + 1, sizeof *live);
    size_t nlive = 0;
    for (size_t t = 0; t < r->nsteps; t++) {
        for (size_t q = 0; q < n; q++) {
            storage *st = &r->stor[q];
            if (st->first != (int)t || st->bytes == 0) continue;
            size_t need = (st->bytes + MXIO__RT_ALIGN - 1) / MXIO__RT_ALIGN * MXIO__RT_ALIGN;
            total += need;
            /* candidate offsets: 0 and the end of every live block */
            size_t best = SIZE_MAX;
            for (size_t c = 0; c <= nlive; c++) {
                size_t off = 0;
                if (c < nlive) {
                    storage *o = &r->stor[live[c]];
                    off = o->offset + (o->bytes + MXIO__RT_ALIGN - 1) / MXIO__RT_ALIGN * MXIO__RT_ALIGN;
                }
                bool fits = true;
                for (size_t w = 0; w < nlive && fits; w++) {
                    storage *o = &r->stor[live[w]];
                    size_t oe = o->offset + o->bytes;
                    fits = off + need <= o->offset || off >= oe;
                }
                if (fits && off < best) best = off;
            }
            st->offset = best;
            if (best + need > peak) peak = best + need;
            live[nlive++] = (int)q;
        }
        for (size_t w = 0; w < nlive;) {
            if (r->stor[live[w]].last <= (int)t) live[w] = live[--nlive];
            else w++;
        }
    }
    free(live);
    r->arena_bytes = peak;
    r->total_bytes = total;
}

/* The plan's invariant: two activations alive at the same step never share
 * bytes, except where a step writes its output over an input it was the last
 * reader of (in place, fused sum). Checked after planning in debug builds. */
#ifndef NDEBUG
static mxio_status check_plan(const mxio_runner *r, mxio_error *err) {
    for (size_t i = 0; i < r->nvals; i++) {
        const value *a = &r->vals[i];
        if (a->kind != VAL_ARENA || !a->bytes) continue;
        size_t a0 = r->stor[a->storage].offset, a1 = a0 + a->bytes;
        if (a1 > r->arena_bytes)
            return mxio__fail(err, MXIO_E_CORRUPT, "runtime plan: value %zu past the arena", i);
        for (size_t j = i + 1; j < r->nvals; j++) {
            const value *b = &r->vals[j];
            if (b->kind != VAL_ARENA || !b->bytes) continue;
            size_t b0 = r->stor[b->storage].offset, b1 = b0 + b->bytes;
            if (a1 <= b0 || b1 <= a0) continue;
            bool handoff = a->last == b->first || b->last == a->first;
            bool live_together = a->first <= b->last && b->first <= a->last;
            if (live_together && !(handoff && a->storage == b->storage))
                return mxio__fail(err, MXIO_E_CORRUPT,
                                  "runtime plan: values %zu [%d,%d] and %zu [%d,%d] overlap in the arena",
                                  i, a->first, a->last, j, b->first, b->last);
        }
    }
    return MXIO_OK;
}
#endif

static const int64_t *input_hint(const mxio_plot_input *shapes, size_t n, const char *name,
                                 int *ndim) {
    for (size_t i = 0; i < n; i++)
        if (shapes[i].name && strcmp(shapes[i].name, name) == 0) {
            *ndim = shapes[i].ndim;
            return shapes[i].dims;
        }
    return NULL;
}

/* ---- batch tiling -------------------------------------------------------------
 * A batch runs layer by layer: each kernel streams the whole batch's activations
 * before the next starts. For nets whose layers do little work per activation
 * byte (depthwise and thin 1x1 convolutions: MobileNet) a batch of 8 no longer
 * fits in the caches and every layer runs at memory speed; the same net run on
 * 2 samples at a time keeps them cached (MobileNet-v2 batch 8: 9.2 -> 7.4 ms per
 * image on 1 thread, 6.7 -> 4.0 on 2). Nets with much work per byte (ResNet) gain
 * more from the large batch in their GEMMs and weight reuse, so they keep it.
 * Tiling is used only when every layer provably computes each sample on its own. */

#define TILE_SAMPLES 2             /* samples per tile */
#define TILE_MAX_FLOP_PER_OUT 512  /* median conv work per output value below which a net is tiled */
#define TILE_MAX_WEIGHT_BYTES ((size_t)128 << 20) /* weights re-read once per tile, at most */

/* Whether layer l computes each sample on its own; *flop_per_out gets a
 * Convolution's work per output value (2 x its weight's elements per filter), else -1. */
static bool layer_per_sample(const mxio__layer *l, int64_t *flop_per_out) {
    static const char *const weighted[] = {"Convolution", "Deconvolution", "BatchNorm",
                                           "FullyConnected", "LeakyReLU", NULL};
    static const char *const pointwise[] = {
        "Pooling", "Activation", "clip", "relu", "sigmoid", "tanh", "elemwise_add", "_Plus",
        "_plus", "elemwise_mul", "_Mul", "_mul", "add_n", "ElementWiseSum", "Flatten", "flatten",
        "Dropout", "_copy", "BlockGrad", "SoftmaxOutput", "Softmax", "SoftmaxActivation",
        "softmax", "log_softmax", "Concat", "concat", NULL};
    const mxio__op *op = mxio__op_find(l->op);
    if (!op) return false;
    mxio__attrs a = {.kv = l->attrs, .n = l->nattrs, .op = op};
    int64_t v;
    bool weights = mxio__bind_pick(l->op, weighted) >= 0;
    if (!weights && mxio__bind_pick(l->op, pointwise) < 0) return false;
    for (size_t k = 0; k < l->nsrcs; k++)
        if (l->srcs[k].kind == MXIO__SRC_ARRAY && (!weights || k == 0)) return false;
    /* the ops with an axis: never the batch axis (negative axes count from the
     * end of a tensor of >= 2 dims: every input has them, see tile_plan) */
    if (strcmp(l->op, "BatchNorm") == 0 && (!mxio__attr_int(&a, "axis", &v) || v == 0)) return false;
    if ((strcmp(l->op, "Concat") == 0 || strcmp(l->op, "concat") == 0) &&
        (!mxio__attr_int(&a, "dim", &v) || v < 1))
        return false;
    if ((strcmp(l->op, "softmax") == 0 || strcmp(l->op, "log_softmax") == 0) &&
        (!mxio__attr_int(&a, "axis", &v) || v == 0 || v < -1))
        return false;
    *flop_per_out = -1;
    if (strcmp(l->op, "Convolution") == 0 && l->nsrcs > 1 && l->srcs[1].kind == MXIO__SRC_ARRAY &&
        l->srcs[1].index < l->narrays) {
        const mxio__layer_array *w = &l->arrays[l->srcs[1].index];
        int64_t per;
        if (w->ndim >= 3 && mxio__shape_numel(w->shape + 1, w->ndim - 1, &per) && per > 0 &&
            per < INT64_MAX / 2)
            *flop_per_out = 2 * per;
    }
    return true;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Whether to tile, and the whole batch: every input given with >= 2 dims and
 * the same first dim, every layer per-sample, and either the median convolution
 * cheap or (several threads) the weights moderate. */
static bool tile_plan(const mxio_net *net, const mxio_plot_input *shapes, size_t nshapes,
                      int threads, int64_t *batch) {
    if (net->ninputs == 0 || net->nlayers == 0 || nshapes != net->ninputs) return false;
    int64_t n = -1;
    for (size_t i = 0; i < net->ninputs; i++) {
        int nd = 0;
        const int64_t *sh = input_hint(shapes, nshapes, net->inputs[i].name, &nd);
        if (!sh || nd < 2 || sh[0] <= 0 || (n >= 0 && sh[0] != n)) return false;
        n = sh[0];
    }
    if (n <= TILE_SAMPLES || n % TILE_SAMPLES) return false;
    for (size_t i = 0; i < net->noutputs; i++)
        if (net->outputs[i].src.kind != MXIO__SRC_LAYER) return false;
    int64_t *per = mxio__calloc_array(net->nlayers, sizeof *per);
    if (!per) return false;
    size_t nconv = 0;
    bool ok = true;
    for (size_t li = 0; ok && li < net->nlayers; li++) {
        int64_t f;
        ok = layer_per_sample(&net->layers[li], &f);
        if (ok && f > 0) per[nconv++] = f;
    }
    if (ok && nconv) qsort(per, nconv, sizeof *per, cmp_i64);
    /* With several threads, tiles also spare a barrier per layer (each thread runs
     * its own tiles): worth it for any conv net whose weights, read again by every
     * tile, stay moderate (ResNet-50 b8 2 threads; not VGG's 500 MB). */
    size_t wbytes = 0;
    for (size_t li = 0; ok && li < net->nlayers; li++)
        for (size_t k = 0; k < net->layers[li].narrays; k++) {
            const mxio__layer_array *w = &net->layers[li].arrays[k];
            int64_t e;
            size_t b;
            if (w->ndim < 0 || !mxio__shape_numel(w->shape, w->ndim, &e)) continue; /* no array */
            if (!mxio__mul_size((size_t)e, 4, &b) || __builtin_add_overflow(wbytes, b, &wbytes))
                wbytes = SIZE_MAX;
        }
    ok = ok && nconv &&
         (per[nconv / 2] < TILE_MAX_FLOP_PER_OUT ||
          (threads > 1 && n / TILE_SAMPLES >= threads && wbytes <= TILE_MAX_WEIGHT_BYTES));
    free(per);
    *batch = n;
    return ok;
}

/* A runner over `tile` (compiled for TILE_SAMPLES) for `batch` samples: inputs
 * and outputs have the whole batch; false if the tile's outputs do not have
 * the samples first (then the net is compiled whole). */
static bool tile_wrap(mxio_runner *r, mxio_runner *tile, int64_t batch) {
    r->tile = tile;
    r->tile_batch = TILE_SAMPLES;
    r->ntiles = batch / TILE_SAMPLES;
    r->inputs = mxio__calloc_array(tile->ninputs + 1, sizeof *r->inputs);
    r->outputs = mxio__calloc_array(tile->noutputs + 1, sizeof *r->outputs);
    if (!r->inputs || !r->outputs) return false;
    for (int pass = 0; pass < 2; pass++) {
        const io_entry *from = pass ? tile->outputs : tile->inputs;
        io_entry *to = pass ? r->outputs : r->inputs;
        size_t n = pass ? tile->noutputs : tile->ninputs;
        for (size_t i = 0; i < n; i++) {
            if (from[i].ndim < 1 || from[i].shape[0] != TILE_SAMPLES) return false;
            to[i] = from[i];
            to[i].shape[0] = batch;
            to[i].name = mxio__strdup(from[i].name);
            if (!to[i].name) return false;
            if (pass) r->noutputs++;
            else r->ninputs++;
        }
    }
    return true;
}

mxio_status mxio_runner_create(const mxio_net *net, const mxio_params *params,
                               const mxio_plot_input *shapes, size_t nshapes,
                               const mxio_runner_options *opts, mxio_runner **out,
                               mxio_error *err) {
    mxio__error_clear(err);
    if (!net || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_runner_create: NULL argument");
    *out = NULL;
    const char *label = net->label ? net->label : "net";
    mxio_status st = check_supported(net, err);
    if (st) return st;
    mxio_runner *r = calloc(1, sizeof *r);
    if (!r) return oom(err);
    r->threads = opts && opts->threads > 0 ? opts->threads : 1;
    int64_t batch;
    if (tile_plan(net, shapes, nshapes, r->threads, &batch)) {
        mxio_plot_input sub[MXIO__RT_MAX_IO];
        int64_t dims[MXIO__RT_MAX_IO][MXIO__RT_MAX_DIMS];
        bool fits = nshapes <= MXIO__RT_MAX_IO;
        for (size_t i = 0; fits && i < nshapes; i++) {
            fits = shapes[i].ndim <= MXIO__RT_MAX_DIMS;
            if (!fits) break;
            memcpy(dims[i], shapes[i].dims, (size_t)shapes[i].ndim * sizeof dims[i][0]);
            dims[i][0] = TILE_SAMPLES;
            sub[i] = (mxio_plot_input){shapes[i].name, shapes[i].ndim, dims[i]};
        }
        /* each tile runs on one thread; the runner's threads take tiles in parallel */
        mxio_runner_options one = opts ? *opts : (mxio_runner_options){0};
        one.threads = 1;
        mxio_runner *tile = NULL;
        if (fits && mxio_runner_create(net, params, sub, nshapes, &one, &tile, err) != MXIO_OK) {
            tile = NULL;
            mxio__error_clear(err);
        }
        if (tile && tile_wrap(r, tile, batch)) {
            *out = r;
            return MXIO_OK;
        }
        /* no tile, or its outputs do not have the samples first: compile the
         * whole batch */
        mxio_runner_free(tile == r->tile ? NULL : tile);
        mxio_runner_free(r);
        r = calloc(1, sizeof *r);
        if (!r) return oom(err);
        r->threads = opts && opts->threads > 0 ? opts->threads : 1;
    }
    int saved_threads = -1;
    net_shapes ns = {0};
    int **port_vals = mxio__calloc_array(net->nlayers + 1, sizeof *port_vals);
    bool *feeds_output = mxio__calloc_array(net->nlayers + 1, sizeof *feeds_output);
    chain *chains = mxio__calloc_array(net->nlayers + 1, sizeof *chains);
    int *absorbed = mxio__calloc_array(net->nlayers + 1, sizeof *absorbed);
    uses *use = mxio__calloc_array(net->nlayers + 1, sizeof *use);
    if (!port_vals || !feeds_output || !chains || !absorbed || !use) {
        st = oom(err);
        goto done;
    }
    /* oneDNN fixes a primitive's thread count when it is created: create every
     * kernel with the team size the runs will use (a per-thread OpenMP setting,
     * restored below). */
    saved_threads = omp_get_max_threads();
    omp_set_num_threads(r->threads);
    if ((st = mxio__rt_ctx_init(&r->ctx, r->threads, err))) goto done;
    r->ctx_ok = true;
    /* inputs */
    r->inputs = mxio__calloc_array(net->ninputs + 1, sizeof *r->inputs);
    r->outputs = mxio__calloc_array(net->noutputs + 1, sizeof *r->outputs);
    if (!r->inputs || !r->outputs) {
        st = oom(err);
        goto done;
    }
    for (size_t i = 0; i < net->ninputs; i++) {
        io_entry *e = &r->inputs[i];
        r->ninputs++;
        e->name = mxio__strdup(net->inputs[i].name);
        if (!e->name) {
            st = oom(err);
            goto done;
        }
        int nd = 0;
        const int64_t *sh = input_hint(shapes, nshapes, e->name, &nd);
        int64_t buf[MXIO__MAX_DIMS];
        if (!sh) {
            const char *a = NULL;
            for (size_t q = 0; q < net->inputs[i].nattrs; q++)
                if (strcmp(net->inputs[i].attrs[q].key, "__shape__") == 0)
                    a = net->inputs[i].attrs[q].value;
            bool known = a && mxio__parse_tuple(a, buf, MXIO__MAX_DIMS, &nd, false, NULL) && nd > 0;
            for (int q = 0; known && q < nd; q++) known = buf[q] > 0;
            if (!known) {
                st = mxio__fail(err, MXIO_E_SHAPE, "%s: input '%s' needs a shape (e.g. --shape %s=1,3,224,224)",
                                label, e->name, e->name);
                goto done;
            }
            sh = buf;
        }
        if (nd < 1 || nd > MXIO__RT_MAX_DIMS) {
            st = mxio__fail(err, MXIO_E_SHAPE, "%s: input '%s': %d dims", label, e->name, nd);
            goto done;
        }
        for (int q = 0; q < nd; q++)
            if (sh[q] <= 0) {
                st = mxio__fail(err, MXIO_E_SHAPE, "%s: input '%s': dim %d is %lld", label,
                                e->name, q, (long long)sh[q]);
                goto done;
            }
        e->ndim = nd;
        memcpy(e->shape, sh, (size_t)nd * sizeof *sh);
        mxio__tdesc d;
        mxio__tdesc_plain(&d, nd, sh);
        if (mxio__tdesc_bytes(&d) == 0) {
            st = mxio__fail(err, MXIO_E_LIMIT, "%s: input '%s' is too large", label, e->name);
            goto done;
        }
        if ((e->value = add_value(r, &d, VAL_INPUT, (int)i)) < 0) {
            st = oom(err);
            goto done;
        }
    }
    for (size_t i = 0; i < net->noutputs; i++)
        if (net->outputs[i].src.kind == MXIO__SRC_LAYER)
            feeds_output[net->outputs[i].src.index] = true;
    for (size_t li = 0; li < net->nlayers; li++) {
        int no = net->layers[li].nout > 0 ? net->layers[li].nout : 1;
        port_vals[li] = mxio__calloc_array((size_t)no, sizeof **port_vals);
        if (!port_vals[li]) {
            st = oom(err);
            goto done;
        }
        for (int j = 0; j < no; j++) port_vals[li][j] = -1;
    }
    plan_chains(net, chains, absorbed, use);
    for (size_t li = 0; li < net->nlayers; li++)
        if (absorbed[li] < 0 &&
            (st = compile_layer(r, net, params, li, port_vals, feeds_output, &chains[li], absorbed,
                                &ns, err)))
            goto done;
    /* outputs: plain, alive to the end */
    for (size_t i = 0; i < net->noutputs; i++) {
        const mxio__net_output *o = &net->outputs[i];
        io_entry *e = &r->outputs[i];
        r->noutputs++;
        e->name = mxio__strdup(o->name);
        if (!e->name) {
            st = oom(err);
            goto done;
        }
        int vi;
        if (o->src.kind == MXIO__SRC_INPUT) {
            vi = r->inputs[o->src.index].value;
        } else {
            const mxio__layer *l = &net->layers[o->src.index];
            vi = (int)o->src.port < l->nout ? port_vals[o->src.index][o->src.port] : -1;
            if (vi < 0) {
                st = mxio__fail(err, MXIO_E_UNSUPPORTED,
                                "%s: output '%s' is not computed by the kernel of '%s' (%s)",
                                label, o->name, l->name, l->op);
                goto done;
            }
        }
        if ((st = plain_of(r, vi, &vi, err))) goto done;
        e->value = vi;
        e->ndim = r->vals[vi].desc.ndim;
        memcpy(e->shape, r->vals[vi].desc.dims, sizeof e->shape);
    }
    for (size_t i = 0; i < r->noutputs; i++) {
        value *v = &r->vals[r->outputs[i].value];
        if (v->kind == VAL_ARENA) r->stor[v->storage].last = (int)r->nsteps;
        v->last = (int)r->nsteps;
    }
    for (size_t si = 0; si < r->nsteps; si++)
        if (r->steps[si].k->scratch_bytes > r->scratch_bytes)
            r->scratch_bytes = r->steps[si].k->scratch_bytes;
    plan(r);
#ifndef NDEBUG
    if ((st = check_plan(r, err))) goto done;
#endif
done:
    mxio__shapes_free(&ns.s.sh);
    if (saved_threads > 0) omp_set_num_threads(saved_threads);
    if (port_vals)
        for (size_t li = 0; li < net->nlayers; li++) free(port_vals[li]);
    free(port_vals);
    free(feeds_output);
    free(chains);
    free(absorbed);
    free(use);
    if (st) {
        mxio_runner_free(r);
        return st;
    }
    *out = r;
    return MXIO_OK;
}

void mxio_runner_free(mxio_runner *r) {
    if (!r) return;
    mxio_runner_free(r->tile);
    for (size_t i = 0; i < r->nsteps; i++) {
        mxio__kernel_free(r->steps[i].k);
        free(r->steps[i].name);
        free(r->steps[i].in);
        free(r->steps[i].out);
    }
    free(r->steps);
    for (size_t i = 0; i < r->nconsts; i++) mxio__rt_free(r->consts[i]);
    free(r->consts);
    for (size_t i = 0; i < r->ninputs; i++) free(r->inputs[i].name);
    for (size_t i = 0; i < r->noutputs; i++) free(r->outputs[i].name);
    free(r->inputs);
    free(r->outputs);
    free(r->vals);
    free(r->stor);
    if (r->ctx_ok) mxio__rt_ctx_free(&r->ctx);
    free(r);
}

size_t mxio_runner_input_count(const mxio_runner *r) { return r ? r->ninputs : 0; }
const char *mxio_runner_input_name(const mxio_runner *r, size_t i) {
    return r && i < r->ninputs ? r->inputs[i].name : NULL;
}
const int64_t *mxio_runner_input_shape(const mxio_runner *r, size_t i, int *ndim) {
    if (!r || i >= r->ninputs) return NULL;
    if (ndim) *ndim = r->inputs[i].ndim;
    return r->inputs[i].shape;
}
size_t mxio_runner_output_count(const mxio_runner *r) { return r ? r->noutputs : 0; }
const char *mxio_runner_output_name(const mxio_runner *r, size_t i) {
    return r && i < r->noutputs ? r->outputs[i].name : NULL;
}
const int64_t *mxio_runner_output_shape(const mxio_runner *r, size_t i, int *ndim) {
    if (!r || i >= r->noutputs) return NULL;
    if (ndim) *ndim = r->outputs[i].ndim;
    return r->outputs[i].shape;
}

void mxio_runner_stats(const mxio_runner *r, mxio_run_stats *out) {
    memset(out, 0, sizeof *out);
    if (!r) return;
    if (r->tile) {
        /* what runs: the tile, once per slice */
        mxio_runner_stats(r->tile, out);
        return;
    }
    out->activation_peak_bytes = r->arena_bytes;
    out->activation_total_bytes = r->total_bytes;
    out->weight_bytes = r->weight_bytes;
    out->scratch_bytes = r->scratch_bytes;
    out->steps = r->nsteps;
    out->reorders = r->nreorders;
}

/* ---- run contexts ----------------------------------------------------------- */

mxio_status mxio_run_context_create(const mxio_runner *r, mxio_run_context **out,
                                    mxio_error *err) {
    mxio__error_clear(err);
    if (!r || !out) return mxio__fail(err, MXIO_E_MISUSE, "mxio_run_context_create: NULL argument");
    *out = NULL;
    mxio_run_context *c = calloc(1, sizeof *c);
    if (!c) return oom(err);
    c->r = r;
    if (r->tile) {
        int64_t nctx = r->threads < r->ntiles ? r->threads : r->ntiles;
        c->tiles = mxio__calloc_array((size_t)nctx, sizeof *c->tiles);
        c->tile_st = mxio__calloc_array((size_t)nctx, sizeof *c->tile_st);
        c->tile_err = mxio__calloc_array((size_t)nctx, sizeof *c->tile_err);
        if (!c->tiles || !c->tile_st || !c->tile_err) {
            mxio_run_context_free(c);
            return oom(err);
        }
        for (; c->ntile_ctx < nctx; c->ntile_ctx++) {
            mxio_status st = mxio_run_context_create(r->tile, &c->tiles[c->ntile_ctx], err);
            if (st) {
                mxio_run_context_free(c);
                return st;
            }
        }
        c->inbuf = mxio__calloc_array(r->ninputs + 1, sizeof *c->inbuf);
        c->outbuf = mxio__calloc_array(r->noutputs + 1, sizeof *c->outbuf);
        bool ok = c->inbuf && c->outbuf;
        for (size_t i = 0; ok && i < r->ninputs; i++) {
            const value *v = &r->tile->vals[r->tile->inputs[i].value];
            ok = (c->inbuf[i] = mxio__rt_alloc(v->bytes * (size_t)r->ntiles)) != NULL;
            if (ok) memset(c->inbuf[i], 0, v->bytes * (size_t)r->ntiles);
        }
        for (size_t i = 0; ok && i < r->noutputs; i++) {
            const value *v = &r->tile->vals[r->tile->outputs[i].value];
            ok = (c->outbuf[i] = mxio__rt_alloc(v->bytes * (size_t)r->ntiles)) != NULL;
        }
        if (!ok) {
            mxio_run_context_free(c);
            return oom(err);
        }
        *out = c;
        return MXIO_OK;
    }
    mxio_status st = mxio__rt_exec_init(&c->ex, &r->ctx, r->threads, err);
    if (st) {
        free(c);
        return st;
    }
    c->ex_ok = true;
    c->arena = mxio__rt_alloc(r->arena_bytes ? r->arena_bytes : 1);
    c->scratch = r->scratch_bytes ? mxio__rt_alloc(r->scratch_bytes) : NULL;
    c->inbuf = mxio__calloc_array(r->ninputs + 1, sizeof *c->inbuf);
    c->ptr = mxio__calloc_array(r->nvals + 1, sizeof *c->ptr);
    c->inptr = mxio__calloc_array(MXIO__RT_MAX_IO, sizeof *c->inptr);
    c->outptr = mxio__calloc_array(MXIO__RT_MAX_IO, sizeof *c->outptr);
    bool ok = c->arena && (c->scratch || !r->scratch_bytes) && c->inbuf && c->ptr && c->inptr &&
              c->outptr;
    for (size_t i = 0; ok && i < r->ninputs; i++) {
        const value *v = &r->vals[r->inputs[i].value];
        ok = (c->inbuf[i] = mxio__rt_alloc(v->bytes ? v->bytes : 4)) != NULL;
        if (ok) memset(c->inbuf[i], 0, v->bytes);
    }
    if (!ok) {
        mxio_run_context_free(c);
        return oom(err);
    }
    for (size_t v = 0; v < r->nvals; v++) {
        const value *x = &r->vals[v];
        c->ptr[v] = x->kind == VAL_CONST   ? (void *)r->consts[x->index]
                    : x->kind == VAL_INPUT ? (void *)c->inbuf[x->index]
                                           : (void *)(c->arena + r->stor[x->storage].offset);
    }
    *out = c;
    return MXIO_OK;
}

void mxio_run_context_free(mxio_run_context *c) {
    if (!c) return;
    if (c->outbuf)
        for (size_t i = 0; i < c->r->noutputs; i++) mxio__rt_free(c->outbuf[i]);
    free(c->outbuf);
    for (int t = 0; c->tiles && t < c->ntile_ctx; t++) mxio_run_context_free(c->tiles[t]);
    free(c->tiles);
    free(c->tile_st);
    free(c->tile_err);
    if (c->inbuf)
        for (size_t i = 0; i < c->r->ninputs; i++) mxio__rt_free(c->inbuf[i]);
    free(c->inbuf);
    mxio__rt_free(c->arena);
    mxio__rt_free(c->scratch);
    free(c->ptr);
    free(c->inptr);
    free(c->outptr);
    if (c->ex_ok) mxio__rt_exec_free(&c->ex);
    free(c);
}

mxio_status mxio_run_set_input(mxio_run_context *c, const char *name, mxio_dtype dtype,
                               const void *data, size_t count, mxio_error *err) {
    mxio__error_clear(err);
    if (!c || !name || (!data && count))
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_run_set_input: NULL argument");
    const mxio_runner *r = c->r;
    for (size_t i = 0; i < r->ninputs; i++) {
        if (strcmp(r->inputs[i].name, name) != 0) continue;
        int64_t n = r->tile ? mxio__tdesc_numel(&r->tile->vals[r->tile->inputs[i].value].desc) * r->ntiles
                            : mxio__tdesc_numel(&r->vals[r->inputs[i].value].desc);
        if (n < 0 || (size_t)n != count)
            return mxio__fail(err, MXIO_E_SHAPE,
                              "input '%s': %zu values given, the runner was compiled for %lld",
                              name, count, (long long)n);
        if (!mxio__exec_to_f32(dtype, data, count, c->inbuf[i]))
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "input '%s': dtype %d", name, (int)dtype);
        return MXIO_OK;
    }
    return mxio__fail(err, MXIO_E_NOT_FOUND, "no input named '%s'", name);
}

/* Slice k of TILE_SAMPLES through the tile context tc: inputs in, run, outputs out. */
static mxio_status run_tile(const mxio_run_context *c, mxio_run_context *tc, int64_t k,
                            mxio_error *err) {
    const mxio_runner *r = c->r, *t = r->tile;
    for (size_t i = 0; i < r->ninputs; i++) {
        size_t n = t->vals[t->inputs[i].value].bytes / 4;
        mxio_status st = mxio_run_set_input(tc, r->inputs[i].name, MXIO_DTYPE_FLOAT32,
                                            c->inbuf[i] + (size_t)k * n, n, err);
        if (st) return st;
    }
    mxio_status st = mxio_run(tc, err);
    if (st) return st;
    for (size_t i = 0; i < r->noutputs; i++) {
        mxio_run_output o;
        mxio_run_get_output(tc, i, &o);
        memcpy((unsigned char *)c->outbuf[i] + (size_t)k * o.nbytes, o.data, o.nbytes);
    }
    return MXIO_OK;
}

/* The slices, taken by the runner's threads as they come free: each thread runs
 * whole slices on its own (no barrier between layers), so a thread that the
 * machine preempts delays only its own slice. */
static mxio_status run_tiles(mxio_run_context *c, mxio_error *err) {
    const mxio_runner *r = c->r;
    int nt = c->ntile_ctx;
    if (nt == 1) {
        for (int64_t k = 0; k < r->ntiles; k++) {
            mxio_status st = run_tile(c, c->tiles[0], k, err);
            if (st) return st;
        }
        return MXIO_OK;
    }
    for (int t = 0; t < nt; t++) c->tile_st[t] = MXIO_OK;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (int64_t k = 0; k < r->ntiles; k++) {
        int t = omp_get_thread_num();
        if (c->tile_st[t] == MXIO_OK) c->tile_st[t] = run_tile(c, c->tiles[t], k, &c->tile_err[t]);
    }
    for (int t = 0; t < nt; t++)
        if (c->tile_st[t] != MXIO_OK) {
            if (err) *err = c->tile_err[t];
            return c->tile_st[t];
        }
    return MXIO_OK;
}

mxio_status mxio_run(mxio_run_context *c, mxio_error *err) {
    mxio__error_clear(err);
    if (!c) return mxio__fail(err, MXIO_E_MISUSE, "mxio_run: NULL context");
    const mxio_runner *r = c->r;
    if (r->tile) return run_tiles(c, err);
    for (size_t si = 0; si < r->nsteps; si++) {
        const step *s = &r->steps[si];
        for (int i = 0; i < s->nin; i++) c->inptr[i] = c->ptr[s->in[i]];
        for (int j = 0; j < s->nout; j++) c->outptr[j] = c->ptr[s->out[j]];
        mxio_status st = mxio__kernel_run(s->k, &c->ex, c->inptr, c->outptr, c->scratch, err);
        if (st) {
            char pre[160];
            snprintf(pre, sizeof pre, "run: layer '%s': ", s->name);
            mxio__error_prefix(err, pre);
            return st;
        }
    }
    return MXIO_OK;
}

mxio_status mxio_run_get_output(const mxio_run_context *c, size_t i, mxio_run_output *out) {
    if (!c || !out || i >= c->r->noutputs) return MXIO_E_MISUSE;
    if (c->r->tile) {
        mxio_status st = mxio_run_get_output(c->tiles[0], i, out);
        out->name = c->r->outputs[i].name;
        out->shape = c->r->outputs[i].shape;
        out->data = c->outbuf[i];
        out->nbytes *= (size_t)c->r->ntiles;
        return st;
    }
    const io_entry *e = &c->r->outputs[i];
    const value *v = &c->r->vals[e->value];
    out->name = e->name;
    out->dtype = v->desc.dtype;
    out->ndim = e->ndim;
    out->shape = e->shape;
    out->data = c->ptr[e->value];
    out->nbytes = v->bytes;
    return MXIO_OK;
}
