/* k_control.c - MXNet's control-flow ops _foreach, _while_loop and _cond.
 *
 * Each body subgraph becomes an inner mxio_runner at bind time (the subgraph
 * symbol -> mxio_net -> runner for the inner input shapes). The outer kernel
 * loops: it feeds the inner runner's inputs from the node's inputs (slices along
 * axis 0 for foreach data, the current loop states), runs it, and copies the
 * outputs out. Semantics follow MXNet 1.9.1's control_flow.cc:
 *
 *  _foreach   node inputs = data..., states..., free variables...; in_data_locs,
 *             in_state_locs, remain_locs give each one's position among the body's
 *             inputs. Body outputs = num_out_data per-step outputs (stacked along a
 *             new axis 0 of length len = data0.shape[0]) then the new states (fed
 *             back, and the final ones returned). A 1-D data input gives (1,) slices.
 *  _while_loop subgraphs cond, func; cond_input_locs / func_input_locs pick their
 *             inputs among the node's inputs; func_var_locs says which func inputs
 *             are the loop variables. Runs while cond's one value is non-zero, at most
 *             max_iterations times; per-step outputs are stacked to max_iterations
 *             rows. MXNet leaves the rows after the last step undefined; mxio writes
 *             zeros there. Final loop variables are returned after the data outputs.
 *  _cond      subgraphs cond, then, else with cond/then/else_input_locs; the branch
 *             is chosen by cond's one value being non-zero.
 *
 * Threading: a kernel is immutable and may run on several threads at once, so the
 * inner runners (immutable too) live in the kernel and each run creates its own
 * inner mxio_run_context and frees it at the end (an allocation per outer run; the
 * loop states live in the outer kernel's scratch). */
#include "k_control.h"

#include <stdlib.h>
#include <string.h>

#include "../format/symbol.h"
#include "runtime.h"

#define MAX_GRAPHS 3

typedef struct inner {
    mxio_runner *runner;
    size_t nin;
    int *slot; /* per runner input: index of the node input that feeds it */
    size_t nout;
} inner;

typedef struct control {
    mxio__control_kind kind;
    inner g[MAX_GRAPHS];
    int ng;
    int nslots;                /* node inputs */
    int num_out_data, nouts;   /* outputs of the body (per-step data, then states) */
    int64_t steps;             /* foreach: len; while: max_iterations */
    bool *sliced;              /* per slot: foreach data, read one row per step */
    size_t *slot_bytes;        /* per slot: bytes of what the body reads (a row if sliced) */
    int *state_slot;           /* per state output: the slot it replaces (nouts - num_out_data) */
    size_t *state_off;         /* per state: offset of its buffer in scratch */
} control;

static void control_destroy(mxio__kernel *k) {
    control *c = k->impl;
    if (!c) return;
    for (int i = 0; i < c->ng; i++) {
        mxio_runner_free(c->g[i].runner);
        free(c->g[i].slot);
    }
    free(c->sliced);
    free(c->slot_bytes);
    free(c->state_slot);
    free(c->state_off);
    free(c);
    k->impl = NULL;
}

/* Read a locs tuple attribute into `vals` (cap entries); false when it is
 * missing, too long, or an entry is outside [0, bound). */
static bool locs(const mxio__attrs *a, const char *key, int64_t *vals, int cap, int *n,
                 int64_t bound) {
    if (!mxio__attr_shape(a, key, vals, cap, n, NULL)) return false;
    for (int i = 0; i < *n; i++)
        if (vals[i] < 0 || vals[i] >= bound) return false;
    return true;
}

/* Body input j of graph `g` (its variables in node order, MXNet's input_nodes). */
static size_t graph_inputs(const struct mxio_symbol *g, const char **names, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < g->nnodes; i++)
        if (strcmp(g->nodes[i].op, "null") == 0) {
            if (n < cap) names[n] = g->nodes[i].name;
            n++;
        }
    return n;
}

/* Constant node inputs (weights from the params file) the body reads
 * unchanged become the inner net's arrays: a body variable that is an op's
 * weight (FullyConnected inside a foreach) needs its values at compile time. */
static mxio_status inner_params(const mxio__kernel_req *r, const char *const *names,
                                const int64_t *slot_of, size_t nvars, const bool *varies,
                                mxio_params **out, mxio_error *err) {
    *out = NULL;
    mxio_params *p = mxio_params_new();
    if (!p) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", r->node_name);
    for (size_t j = 0; j < nvars; j++) {
        int64_t s = slot_of[j];
        if (varies[s] || !r->constant[s]) continue;
        const mxio__tdesc *d = &r->in[s];
        int64_t n = mxio__tdesc_numel(d);
        mxio_array a = {.name = names[j], .name_len = strlen(names[j]),
                        .dtype = MXIO_DTYPE_FLOAT32, .ndim = d->ndim, .shape = d->dims,
                        .data = r->constant[s], .nbytes = (size_t)n * sizeof(float),
                        .dev_type = 1, .record = MXIO_RECORD_V2};
        mxio_status st = n < 0 ? MXIO_E_LIMIT : mxio_params_append(p, &a, err);
        if (st) {
            mxio_params_free(p);
            return st == MXIO_E_LIMIT ? mxio__fail(err, st, "runtime: %s: array too large",
                                                   r->node_name)
                                      : st;
        }
    }
    *out = p;
    return MXIO_OK;
}

/* Compile subgraph `sub` whose input j is fed by node input slot_of[j], with
 * the slot shapes `shape` (already sliced for foreach data); `varies` marks
 * the slots that change between runs (data slices, loop states). */
static mxio_status compile_inner(const mxio__kernel_req *r, const struct mxio_symbol *sub,
                                 const int64_t *slot_of, size_t nslot_of,
                                 const mxio__tdesc *shape, const bool *varies, inner *g,
                                 mxio_error *err) {
    const char *names[MXIO__RT_MAX_IO];
    size_t nvars = graph_inputs(sub, names, MXIO__RT_MAX_IO);
    if (nvars != nslot_of)
        return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: a body has %zu inputs, the locs name %zu",
                          r->node_name, nvars, nslot_of);
    char *json = NULL;
    size_t len = 0;
    mxio_symbol *s = NULL;
    mxio_net *net = NULL;
    mxio_plot_input shapes[MXIO__RT_MAX_IO];
    mxio_status st = mxio_symbol_write_buffer(sub, &json, &len, err);
    if (!st) st = mxio_symbol_read_buffer(json, len, r->node_name, 0, &s, err);
    free(json);
    for (size_t j = 0; j < nvars; j++) {
        const mxio__tdesc *d = &shape[slot_of[j]];
        shapes[j] = (mxio_plot_input){.name = names[j], .ndim = d->ndim, .dims = d->dims};
    }
    mxio_params *params = NULL;
    if (!st) st = inner_params(r, names, slot_of, nvars, varies, &params, err);
    mxio_net_options no = {.inputs = shapes, .ninputs = nvars};
    if (!st) st = mxio_net_from_symbol(s, params, &no, &net, err);
    mxio_runner_options ro = {.threads = r->ctx->nthreads};
    if (!st) st = mxio_runner_create(net, params, shapes, nvars, &ro, &g->runner, err);
    mxio_params_free(params);
    mxio_net_free(net);
    mxio_symbol_free(s);
    if (st) return st;
    g->nin = mxio_runner_input_count(g->runner);
    g->nout = mxio_runner_output_count(g->runner);
    g->slot = mxio__calloc_array(g->nin ? g->nin : 1, sizeof *g->slot);
    if (!g->slot) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", r->node_name);
    for (size_t i = 0; i < g->nin; i++) {
        const char *nm = mxio_runner_input_name(g->runner, i);
        g->slot[i] = -1;
        for (size_t j = 0; j < nvars && g->slot[i] < 0; j++)
            if (strcmp(nm, names[j]) == 0) g->slot[i] = (int)slot_of[j];
        if (g->slot[i] < 0)
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: body input '%s' is not a variable",
                              r->node_name, nm);
    }
    return MXIO_OK;
}

/* Descriptor of inner output `i` of g, with `lead` prepended when > 0. */
static mxio_status inner_out_desc(const char *node, const inner *g, size_t i, int64_t lead,
                                  mxio__tdesc *d, mxio_error *err) {
    int nd = 0;
    const int64_t *dims = mxio_runner_output_shape(g->runner, i, &nd);
    int off = lead > 0 ? 1 : 0;
    if (nd + off > MXIO__RT_MAX_DIMS)
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: output %zu has too many dims", node, i);
    int64_t all[MXIO__RT_MAX_DIMS];
    if (off) all[0] = lead;
    for (int q = 0; q < nd; q++) all[q + off] = dims[q];
    mxio__tdesc_plain(d, nd + off, all);
    return MXIO_OK;
}

static bool same_dims(const mxio__tdesc *a, const mxio__tdesc *b) {
    if (a->ndim != b->ndim) return false;
    for (int q = 0; q < a->ndim; q++)
        if (a->dims[q] != b->dims[q]) return false;
    return true;
}

/* ---- run ------------------------------------------------------------------ */

typedef struct cursor {
    const void *ptr[MXIO__RT_MAX_IO];
    mxio_dtype dtype[MXIO__RT_MAX_IO];
} cursor;

static mxio_status run_inner(const mxio__kernel *k, const inner *g, mxio_run_context *ctx,
                             const cursor *cur, mxio_error *err) {
    const control *c = k->impl;
    for (size_t i = 0; i < g->nin; i++) {
        int s = g->slot[i];
        size_t es = mxio__rt_dtype_size(cur->dtype[s]);
        size_t count = es ? c->slot_bytes[s] / es : 0;
        mxio_status st = mxio_run_set_input(ctx, mxio_runner_input_name(g->runner, i),
                                            cur->dtype[s], cur->ptr[s], count, err);
        if (st) return st;
    }
    return mxio_run(ctx, err);
}

/* Output i of the last run, checked to be fp32 (the outer kernel's outputs are). */
static mxio_status get_f32(const mxio__kernel *k, mxio_run_context *ctx, size_t i,
                           mxio_run_output *o, mxio_error *err) {
    mxio_status st = mxio_run_get_output(ctx, i, o);
    if (st) return mxio__fail(err, st, "runtime: %s: body output %zu missing", k->op, i);
    if (o->dtype != MXIO_DTYPE_FLOAT32)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: body output %zu is not float32",
                          k->op, i);
    return MXIO_OK;
}

/* The condition's one value, non-zero -> true (MXNet's as_bool_scalar). */
static mxio_status cond_value(const mxio__kernel *k, const inner *g, mxio_run_context *ctx,
                              const cursor *cur, bool *yes, mxio_error *err) {
    mxio_status st = run_inner(k, g, ctx, cur, err);
    if (st) return st;
    mxio_run_output o;
    if ((st = mxio_run_get_output(ctx, 0, &o))) return mxio__fail(err, st, "runtime: cond output");
    size_t es = mxio__rt_dtype_size(o.dtype);
    if (!es || o.nbytes != es)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: the condition has %zu bytes, not one value",
                          k->op, o.nbytes);
    const unsigned char *b = o.data;
    double v = 0;
    switch (o.dtype) {
    case MXIO_DTYPE_FLOAT32: { float f; memcpy(&f, b, 4); v = f; break; }
    case MXIO_DTYPE_FLOAT64: { double f; memcpy(&f, b, 8); v = f; break; }
    default: { /* integers and others: any non-zero byte */
        for (size_t q = 0; q < es; q++) v = v != 0 || b[q] != 0;
        break;
    }
    }
    *yes = v != 0;
    return MXIO_OK;
}

static mxio_status control_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                               void *const *out, void *scratch, mxio_error *err) {
    (void)ex;
    const control *c = k->impl;
    cursor cur;
    for (int s = 0; s < c->nslots; s++) {
        cur.ptr[s] = in[s];
        cur.dtype[s] = k->in[s].dtype;
    }
    mxio_run_context *ctx[MAX_GRAPHS] = {0};
    mxio_status st = MXIO_OK;
    for (int i = 0; i < c->ng && !st; i++) st = mxio_run_context_create(c->g[i].runner, &ctx[i], err);
    int nstates = c->nouts - c->num_out_data;
    unsigned char *sbuf = scratch;
    if (c->kind == MXIO__CONTROL_COND) {
        bool yes = false;
        if (!st) st = cond_value(k, &c->g[0], ctx[0], &cur, &yes, err);
        int b = yes ? 1 : 2;
        if (!st) st = run_inner(k, &c->g[b], ctx[b], &cur, err);
        for (int j = 0; j < k->nout && !st; j++) {
            mxio_run_output o;
            if (!(st = get_f32(k, ctx[b], (size_t)j, &o, err))) memcpy(out[j], o.data, o.nbytes);
        }
    } else {
        const inner *body = &c->g[c->kind == MXIO__CONTROL_WHILE ? 1 : 0];
        mxio_run_context *bctx = ctx[c->kind == MXIO__CONTROL_WHILE ? 1 : 0];
        int64_t step = 0;
        for (; step < c->steps && !st; step++) {
            if (c->kind == MXIO__CONTROL_WHILE) {
                bool yes = false;
                if ((st = cond_value(k, &c->g[0], ctx[0], &cur, &yes, err)) || !yes) break;
            } else {
                for (int s = 0; s < c->nslots; s++)
                    if (c->sliced[s])
                        cur.ptr[s] = (const unsigned char *)in[s] + (size_t)step * c->slot_bytes[s];
            }
            if ((st = run_inner(k, body, bctx, &cur, err))) break;
            for (int j = 0; j < c->nouts && !st; j++) {
                mxio_run_output o;
                if ((st = get_f32(k, bctx, (size_t)j, &o, err))) break;
                if (j < c->num_out_data) {
                    memcpy((unsigned char *)out[j] + (size_t)step * o.nbytes, o.data, o.nbytes);
                } else {
                    int q = j - c->num_out_data;
                    int s = c->state_slot[q];
                    if (o.nbytes != c->slot_bytes[s]) {
                        st = mxio__fail(err, MXIO_E_SHAPE,
                                        "runtime: %s: state %d changes its size in the loop", k->op, q);
                        break;
                    }
                    memcpy(sbuf + c->state_off[q], o.data, o.nbytes);
                    cur.ptr[s] = sbuf + c->state_off[q];
                    cur.dtype[s] = MXIO_DTYPE_FLOAT32;
                }
            }
        }
        /* rows after the last step (while_loop stopped early): zeros */
        for (int j = 0; j < c->num_out_data && !st; j++) {
            size_t row = mxio__tdesc_bytes(&k->out[j]) / (size_t)(c->steps > 0 ? c->steps : 1);
            size_t done = (size_t)step * row, all = mxio__tdesc_bytes(&k->out[j]);
            if (done < all) memset((unsigned char *)out[j] + done, 0, all - done);
        }
        /* final states: the last ones fed (the initial ones when no step ran) */
        for (int q = 0; q < nstates && !st; q++) {
            int s = c->state_slot[q];
            void *dst = out[c->num_out_data + q];
            size_t n = mxio__tdesc_bytes(&k->out[c->num_out_data + q]) / sizeof(float);
            memcpy(dst, cur.ptr[s], n * sizeof(float)); /* states are fp32 (bind) */
        }
    }
    for (int i = 0; i < c->ng; i++) mxio_run_context_free(ctx[i]);
    return st;
}

/* ---- bind ----------------------------------------------------------------- */

static mxio_status bind(const mxio__kernel_req *r, mxio__control_kind kind, mxio__kernel *k,
                        control *c, mxio_error *err) {
    const mxio__attrs *a = r->attrs;
    const mxio__node *node = a->node;
    const char *nm = r->node_name;
    int want = kind == MXIO__CONTROL_FOREACH ? 1 : kind == MXIO__CONTROL_WHILE ? 2 : 3;
    if (!node || (int)node->nsubgraphs != want)
        return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: %s needs %d subgraphs", nm, k->op, want);
    for (int i = 0; i < want; i++)
        if (!node->subgraphs[i])
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: subgraph %d missing", nm, i);
    int nin = r->nin;
    if (nin > MXIO__RT_MAX_IO)
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: %d inputs", nm, nin);
    for (int i = 0; i < nin; i++)
        if (r->in[i].layout != MXIO__LAYOUT_PLAIN)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: blocked input", nm);
    c->kind = kind;
    c->nslots = nin;
    int64_t nouts = 1, nod = 0;
    if (!mxio__attr_int(a, "num_outputs", &nouts) || nouts < 1 || nouts > MXIO__RT_MAX_IO)
        return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: bad num_outputs", nm);
    if (kind != MXIO__CONTROL_COND &&
        (!mxio__attr_int(a, "num_out_data", &nod) || nod < 0 || nod > nouts))
        return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: bad num_out_data", nm);
    c->nouts = (int)nouts;
    c->num_out_data = (int)nod;
    int nstates = c->nouts - c->num_out_data;
    c->sliced = mxio__calloc_array((size_t)nin + 1, sizeof *c->sliced);
    c->slot_bytes = mxio__calloc_array((size_t)nin + 1, sizeof *c->slot_bytes);
    c->state_slot = mxio__calloc_array((size_t)nstates + 1, sizeof *c->state_slot);
    c->state_off = mxio__calloc_array((size_t)nstates + 1, sizeof *c->state_off);
    if (!c->sliced || !c->slot_bytes || !c->state_slot || !c->state_off)
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", nm);
    mxio__tdesc shape[MXIO__RT_MAX_IO]; /* what the body sees per slot */
    bool varies[MXIO__RT_MAX_IO] = {0}; /* data slices and loop states */
    for (int i = 0; i < nin; i++) shape[i] = r->in[i];
    int64_t l1[MXIO__RT_MAX_IO], l2[MXIO__RT_MAX_IO], l3[MXIO__RT_MAX_IO], l4[MXIO__RT_MAX_IO];
    int n1 = 0, n2 = 0, n3 = 0, n4 = 0;
    mxio_status st;
    if (kind == MXIO__CONTROL_FOREACH) {
        if (!locs(a, "in_data_locs", l1, MXIO__RT_MAX_IO, &n1, nin) ||
            !locs(a, "in_state_locs", l2, MXIO__RT_MAX_IO, &n2, nin) ||
            !locs(a, "remain_locs", l3, MXIO__RT_MAX_IO, &n3, nin) || n1 < 1 ||
            n1 + n2 + n3 != nin || n2 != nstates)
            return mxio__fail(err, MXIO_E_GRAPH,
                              "runtime: %s: in_data_locs/in_state_locs/remain_locs do not match "
                              "the %d inputs and %d states",
                              nm, nin, nstates);
        /* body input l[i] <- node input i in the order data, states, remaining */
        int64_t slot_of[MXIO__RT_MAX_IO];
        for (int i = 0; i < nin; i++) slot_of[i] = -1;
        for (int i = 0; i < nin; i++) {
            int64_t loc = i < n1 ? l1[i] : i < n1 + n2 ? l2[i - n1] : l3[i - n1 - n2];
            if (slot_of[loc] >= 0)
                return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: body input %lld fed twice", nm,
                                  (long long)loc);
            slot_of[loc] = i;
        }
        if (r->in[0].ndim < 1)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data 0 is a scalar", nm);
        c->steps = r->in[0].dims[0];
        for (int i = 0; i < n1; i++) {
            mxio__tdesc *d = &shape[i];
            if (d->ndim < 1 || d->dims[0] != c->steps)
                return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data %d has another length", nm, i);
            c->sliced[i] = true;
            if (d->ndim == 1) {
                d->dims[0] = 1; /* MXNet slices a 1-D input into (1,) */
            } else {
                memmove(d->dims, d->dims + 1, (size_t)(d->ndim - 1) * sizeof d->dims[0]);
                d->ndim--;
            }
        }
        for (int q = 0; q < nstates; q++) c->state_slot[q] = n1 + q;
        for (int i = 0; i < n1 + n2; i++) varies[i] = true;
        c->ng = 1;
        if ((st = compile_inner(r, node->subgraphs[0], slot_of, (size_t)nin, shape, varies, &c->g[0], err)))
            return st;
    } else if (kind == MXIO__CONTROL_WHILE) {
        int64_t maxit = 0;
        if (!mxio__attr_int(a, "max_iterations", &maxit) || maxit < 1)
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: bad max_iterations", nm);
        if (!locs(a, "cond_input_locs", l1, MXIO__RT_MAX_IO, &n1, nin) ||
            !locs(a, "func_input_locs", l2, MXIO__RT_MAX_IO, &n2, nin) ||
            !mxio__attr_shape(a, "func_var_locs", l3, MXIO__RT_MAX_IO, &n3, NULL) || n3 != nstates)
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: bad input locs", nm);
        for (int q = 0; q < n3; q++) {
            if (l3[q] < 0 || l3[q] >= n2)
                return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: bad func_var_locs", nm);
            c->state_slot[q] = (int)l2[l3[q]];
            varies[c->state_slot[q]] = true;
        }
        c->steps = maxit;
        c->ng = 2;
        if ((st = compile_inner(r, node->subgraphs[0], l1, (size_t)n1, shape, varies, &c->g[0], err)) ||
            (st = compile_inner(r, node->subgraphs[1], l2, (size_t)n2, shape, varies, &c->g[1], err)))
            return st;
        if (c->g[0].nout != 1)
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: cond has %zu outputs", nm, c->g[0].nout);
    } else {
        if (!locs(a, "cond_input_locs", l1, MXIO__RT_MAX_IO, &n1, nin) ||
            !locs(a, "then_input_locs", l2, MXIO__RT_MAX_IO, &n2, nin) ||
            !locs(a, "else_input_locs", l4, MXIO__RT_MAX_IO, &n4, nin))
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: bad input locs", nm);
        c->ng = 3;
        if ((st = compile_inner(r, node->subgraphs[0], l1, (size_t)n1, shape, varies, &c->g[0], err)) ||
            (st = compile_inner(r, node->subgraphs[1], l2, (size_t)n2, shape, varies, &c->g[1], err)) ||
            (st = compile_inner(r, node->subgraphs[2], l4, (size_t)n4, shape, varies, &c->g[2], err)))
            return st;
        if (c->g[0].nout != 1)
            return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: cond has %zu outputs", nm, c->g[0].nout);
    }
    for (int i = 0; i < nin; i++) {
        /* in the slot's own dtype (an index input may be int32) */
        int64_t n = mxio__tdesc_numel(&shape[i]);
        size_t es = mxio__rt_dtype_size(r->in[i].dtype);
        if (n < 0 || !es || !mxio__mul_size((size_t)n, es, &c->slot_bytes[i]))
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: input %d too large", nm, i);
    }
    for (int q = 0; q < nstates; q++)
        if (r->in[c->state_slot[q]].dtype != MXIO_DTYPE_FLOAT32)
            return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: loop state %d is not float32",
                              nm, q);
    /* outputs: the body's (the then branch's for cond) */
    const inner *body = &c->g[kind == MXIO__CONTROL_FOREACH ? 0 : 1];
    if ((int)body->nout != c->nouts)
        return mxio__fail(err, MXIO_E_GRAPH, "runtime: %s: the body has %zu outputs, the node %d", nm,
                          body->nout, c->nouts);
    if (!mxio__kernel_set_nout(k, c->nouts))
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", nm);
    size_t off = 0;
    for (int j = 0; j < c->nouts; j++) {
        int64_t lead = kind != MXIO__CONTROL_COND && j < c->num_out_data ? c->steps : 0;
        if ((st = inner_out_desc(nm, body, (size_t)j, lead, &k->out[j], err))) return st;
        if (kind == MXIO__CONTROL_COND) {
            mxio__tdesc e;
            if ((st = inner_out_desc(nm, &c->g[2], (size_t)j, 0, &e, err))) return st;
            if (!same_dims(&e, &k->out[j]))
                return mxio__fail(err, MXIO_E_SHAPE,
                                  "runtime: %s: then and else give output %d other shapes", nm, j);
        } else if (j >= c->num_out_data) {
            int s = c->state_slot[j - c->num_out_data];
            if (!same_dims(&shape[s], &k->out[j]))
                return mxio__fail(err, MXIO_E_SHAPE,
                                  "runtime: %s: state %d comes back with another shape", nm,
                                  j - c->num_out_data);
            c->state_off[j - c->num_out_data] = off;
            size_t b = mxio__tdesc_bytes(&k->out[j]);
            off += (b + MXIO__RT_ALIGN - 1) / MXIO__RT_ALIGN * MXIO__RT_ALIGN;
        }
    }
    k->scratch_bytes = off;
    /* constants the bodies hold as arrays are never read at run time: the
     * executor may free its fp32 copies */
    for (int i = 0; r->packed && i < nin && i < 32; i++)
        if (r->constant[i] && !varies[i]) *r->packed |= 1u << i;
    return MXIO_OK;
}

mxio_status mxio__k_control_create(const mxio__kernel_req *r, mxio__control_kind kind,
                                   mxio__kernel **out, mxio_error *err) {
    static const char *const names[] = {"_foreach", "_while_loop", "_cond"};
    *out = NULL;
    mxio__kernel *k = mxio__kernel_new(names[kind], r->nin, r->in, sizeof(control));
    if (!k) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: out of memory", r->node_name);
    k->destroy = control_destroy;
    k->run = control_run;
    mxio_status st = bind(r, kind, k, k->impl, err);
    if (st) {
        mxio__kernel_free(k);
        return st;
    }
    *out = k;
    return MXIO_OK;
}
