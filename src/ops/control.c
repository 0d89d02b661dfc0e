/* control.c - control-flow ops whose bodies are node subgraphs (_foreach,
 * _while_loop, _cond). One record per op; see op.h. */
#include "op.h"

#include "../format/symbol.h"
#include "../graph/infer.h"
#include "../runtime/k_control.h"

/* ---- _foreach */
/* "data0", "data1", ...: the data inputs of control-flow ops. */
static const char *const data_names[MXIO__MAX_OP_INPUTS] = {
#define D(i) "data" #i
    MXIO__NUMBERED_256(D)
#undef D
};

/* num_args counts the body subgraphs too (MXNet's FListInputNames starts with
 * "fn" / "cond", "func" / "cond", "then_branch", "else_branch"), but a node's
 * inputs hold only the data: data0 .. data<num_args - graphs - 1>. */
static int data_inputs(const mxio__attrs *a, int graphs, const char **names, int cap) {
    int64_t n = 0;
    if (!mxio__attr_int(a, "num_args", &n) || n < graphs || n - graphs > MXIO__MAX_OP_INPUTS ||
        n - graphs > cap)
        return -1;
    for (int64_t i = 0; i < n - graphs; i++) names[i] = data_names[i];
    return (int)(n - graphs);
}

static int foreach_inputs(const mxio__attrs *a, const char **names, int cap) {
    return data_inputs(a, 1, names, cap);
}

static int while_inputs(const mxio__attrs *a, const char **names, int cap) {
    return data_inputs(a, 2, names, cap);
}

static int cond_inputs(const mxio__attrs *a, const char **names, int cap) {
    return data_inputs(a, 3, names, cap);
}

/* All num_outputs outputs are visible. */
static int control_outputs(const mxio__attrs *a, int *visible) {
    int64_t n = 1;
    if (!mxio__attr_int(a, "num_outputs", &n) || n < 1 || n > INT32_MAX) n = 1;
    if (visible) *visible = (int)n;
    return (int)n;
}
static const mxio__attr_spec foreach_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"num_out_data", MXIO__ATTR_INT, NULL, NULL},
    {"in_state_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {"in_data_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {"remain_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _while_loop */
static const mxio__attr_spec while_loop_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"num_out_data", MXIO__ATTR_INT, NULL, NULL},
    {"max_iterations", MXIO__ATTR_INT, NULL, NULL},
    {"cond_input_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {"func_input_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {"func_var_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- _cond */
static const mxio__attr_spec cond_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {"num_outputs", MXIO__ATTR_INT, NULL, NULL},
    {"cond_input_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {"then_input_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {"else_input_locs", MXIO__ATTR_SHAPE, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- shape rules: the body subgraphs are inferred with the node's input
 * shapes (MXNet's ForeachShape / WhileLoopShape / CondShape) */

#define LOCS_CAP MXIO__MAX_OP_INPUTS

static bool read_locs(const mxio__attrs *a, const char *key, int64_t *v, int *n, int bound) {
    if (!mxio__attr_shape(a, key, v, LOCS_CAP, n, NULL)) return false;
    for (int i = 0; i < *n; i++)
        if (v[i] < 0 || v[i] >= bound) return false;
    return true;
}

/* Infer body `g`, whose variable j (in node order) is node input slot_of[j]
 * seen as slot[slot_of[j]]. Fills `sh`; *heads receives the head entries. Body
 * input shapes it learns (weights) go back into unknown node inputs that are
 * not sliced. */
static mxio_status infer_body(mxio__shape_ctx *c, const struct mxio_symbol *g,
                              const int64_t *slot_of, int nvars, const mxio__shape *slot,
                              const bool *sliced, mxio__shapes *sh) {
    mxio__shape_hint hints[LOCS_CAP];
    int nh = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        if (strcmp(g->nodes[i].op, "null") != 0) continue;
        if (nh >= nvars || nh >= LOCS_CAP)
            return mxio__shape_fail(c, "a body has more inputs than the input locs name");
        int64_t s = slot_of[nh];
        hints[nh] = (mxio__shape_hint){.name = g->nodes[i].name, .shape = slot[s],
                                       .dtype = c->in_dtype[s]};
        nh++;
    }
    if (nh != nvars) return mxio__shape_fail(c, "a body has %d inputs, the input locs %d", nh, nvars);
    mxio_status st = mxio__infer_shapes(g, hints, (size_t)nh, sh, c->err);
    if (st) return st;
    nh = 0;
    for (size_t i = 0; i < g->nnodes; i++) {
        if (strcmp(g->nodes[i].op, "null") != 0) continue;
        int64_t s = slot_of[nh++];
        const mxio__shape *in = &sh->shape[sh->row[i]];
        if (c->in_dtype[s] < 0) c->in_dtype[s] = sh->dtype[sh->row[i]];
        if (sliced[s] || !mxio__shape_known(in) || mxio__shape_known(&c->in[s])) continue;
        if ((st = mxio__shape_assign_in(c, (int)s, in->ndim, in->d))) return st;
    }
    return MXIO_OK;
}

/* Output j of the node from head h of body shapes `sh`; lead > 0 stacks it. */
static mxio_status body_output(mxio__shape_ctx *c, const struct mxio_symbol *g,
                               const mxio__shapes *sh, int j, int64_t lead) {
    if (j >= c->nout || (size_t)j >= g->nheads) return MXIO_OK;
    uint32_t e = sh->row[g->heads[j].node] + g->heads[j].index;
    const mxio__shape *h = &sh->shape[e];
    if (c->out_dtype[j] < 0) c->out_dtype[j] = sh->dtype[e];
    if (!mxio__shape_rank_known(h)) return MXIO_OK;
    if (lead <= 0) return mxio__shape_assign_out(c, j, h);
    if (h->ndim + 1 > MXIO__MAX_DIMS) return mxio__shape_fail(c, "output %d has too many dims", j);
    mxio__shape o;
    o.ndim = h->ndim + 1;
    o.d[0] = lead;
    for (int q = 0; q < h->ndim; q++) o.d[q + 1] = h->d[q];
    return mxio__shape_assign_out(c, j, &o);
}

static const mxio__node *control_node(mxio__shape_ctx *c, size_t graphs) {
    const mxio__node *n = c->attrs->node;
    if (!n || n->nsubgraphs != graphs || c->nin > LOCS_CAP) return NULL;
    for (size_t i = 0; i < graphs; i++)
        if (!n->subgraphs[i]) return NULL;
    return n;
}

static mxio_status foreach_shape(mxio__shape_ctx *c) {
    const mxio__node *n = control_node(c, 1);
    if (!n) return MXIO_OK; /* no body at hand: outputs stay unknown */
    int64_t l1[LOCS_CAP], l2[LOCS_CAP], l3[LOCS_CAP], nod = 0;
    int n1 = 0, n2 = 0, n3 = 0, nin = c->nin;
    if (!read_locs(c->attrs, "in_data_locs", l1, &n1, nin) ||
        !read_locs(c->attrs, "in_state_locs", l2, &n2, nin) ||
        !read_locs(c->attrs, "remain_locs", l3, &n3, nin) || n1 < 1 || n1 + n2 + n3 != nin ||
        !mxio__attr_int(c->attrs, "num_out_data", &nod) || nod < 0 || nod > c->nout)
        return mxio__shape_fail(c, "in_data_locs/in_state_locs/remain_locs/num_out_data do not "
                                   "match the %d inputs", nin);
    int64_t slot_of[LOCS_CAP];
    mxio__shape slot[LOCS_CAP];
    bool sliced[LOCS_CAP] = {0};
    for (int i = 0; i < nin; i++) slot_of[i] = -1;
    for (int i = 0; i < nin; i++) {
        int64_t loc = i < n1 ? l1[i] : i < n1 + n2 ? l2[i - n1] : l3[i - n1 - n2];
        if (slot_of[loc] >= 0) return mxio__shape_fail(c, "body input %lld fed twice", (long long)loc);
        slot_of[loc] = i;
        slot[i] = c->in[i];
    }
    int64_t len = c->in[0].ndim >= 1 ? c->in[0].d[0] : 0;
    if (len <= 0) return MXIO_OK;
    for (int i = 0; i < n1; i++) { /* one row per step; a 1-D input gives (1,) */
        sliced[i] = true;
        mxio__shape *s = &slot[i];
        if (s->ndim < 1) continue;
        if (s->d[0] > 0 && s->d[0] != len)
            return mxio__shape_fail(c, "data %d has length %lld, data 0 %lld", i,
                                    (long long)s->d[0], (long long)len);
        if (s->ndim == 1) {
            s->d[0] = 1;
        } else {
            for (int q = 1; q < s->ndim; q++) s->d[q - 1] = s->d[q];
            s->ndim--;
        }
    }
    mxio__shapes sh = {0};
    const struct mxio_symbol *g = n->subgraphs[0];
    mxio_status st = infer_body(c, g, slot_of, nin, slot, sliced, &sh);
    for (int j = 0; j < c->nout && !st; j++) st = body_output(c, g, &sh, j, j < nod ? len : 0);
    mxio__shapes_free(&sh);
    return st;
}

static mxio_status while_shape(mxio__shape_ctx *c) {
    const mxio__node *n = control_node(c, 2);
    if (!n) return MXIO_OK;
    int64_t l1[LOCS_CAP], l2[LOCS_CAP], nod = 0, maxit = 0;
    int n1 = 0, n2 = 0;
    if (!read_locs(c->attrs, "cond_input_locs", l1, &n1, c->nin) ||
        !read_locs(c->attrs, "func_input_locs", l2, &n2, c->nin) ||
        !mxio__attr_int(c->attrs, "num_out_data", &nod) || nod < 0 || nod > c->nout ||
        !mxio__attr_int(c->attrs, "max_iterations", &maxit) || maxit < 1)
        return mxio__shape_fail(c, "bad cond_input_locs/func_input_locs/num_out_data/max_iterations");
    bool sliced[LOCS_CAP] = {0};
    mxio__shapes sh = {0};
    mxio_status st = infer_body(c, n->subgraphs[0], l1, n1, c->in, sliced, &sh);
    mxio__shapes_free(&sh);
    if (!st) st = infer_body(c, n->subgraphs[1], l2, n2, c->in, sliced, &sh);
    for (int j = 0; j < c->nout && !st; j++)
        st = body_output(c, n->subgraphs[1], &sh, j, j < nod ? maxit : 0);
    mxio__shapes_free(&sh);
    return st;
}

static mxio_status cond_shape(mxio__shape_ctx *c) {
    const mxio__node *n = control_node(c, 3);
    if (!n) return MXIO_OK;
    int64_t l[3][LOCS_CAP];
    int nl[3] = {0, 0, 0};
    static const char *const keys[3] = {"cond_input_locs", "then_input_locs", "else_input_locs"};
    for (int b = 0; b < 3; b++)
        if (!read_locs(c->attrs, keys[b], l[b], &nl[b], c->nin))
            return mxio__shape_fail(c, "bad %s", keys[b]);
    bool sliced[LOCS_CAP] = {0};
    mxio_status st = MXIO_OK;
    for (int b = 0; b < 3 && !st; b++) {
        mxio__shapes sh = {0};
        st = infer_body(c, n->subgraphs[b], l[b], nl[b], c->in, sliced, &sh);
        for (int j = 0; b > 0 && j < c->nout && !st; j++) st = body_output(c, n->subgraphs[b], &sh, j, 0);
        mxio__shapes_free(&sh);
    }
    return st;
}

/* ---- kernels (src/runtime) */
static mxio_status foreach_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_control_create(r, MXIO__CONTROL_FOREACH, k, err);
}
static mxio_status while_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_control_create(r, MXIO__CONTROL_WHILE, k, err);
}
static mxio_status cond_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_control_create(r, MXIO__CONTROL_COND, k, err);
}

const mxio__op mxio__ops_control[] = {
    {.name = "_foreach",
     .kind = MXIO__KIND_OTHER,
     .params = foreach_params,
     .list_inputs = foreach_inputs,
     .count_outputs = control_outputs,
     .infer_shape = foreach_shape,
     .kernel = foreach_kernel},
    {.name = "_while_loop",
     .kind = MXIO__KIND_OTHER,
     .params = while_loop_params,
     .list_inputs = while_inputs,
     .count_outputs = control_outputs,
     .infer_shape = while_shape,
     .kernel = while_kernel},
    {.name = "_cond",
     .kind = MXIO__KIND_OTHER,
     .params = cond_params,
     .list_inputs = cond_inputs,
     .count_outputs = control_outputs,
     .infer_shape = cond_shape,
     .kernel = cond_kernel},
    {0},
};
