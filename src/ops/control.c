/* control.c - control-flow ops whose bodies are node subgraphs (_foreach,
 * _while_loop, _cond). One record per op; see op.h. */
#include "op.h"

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
     .kernel = foreach_kernel},
    {.name = "_while_loop",
     .kind = MXIO__KIND_OTHER,
     .params = while_loop_params,
     .list_inputs = while_inputs,
     .count_outputs = control_outputs,
     .kernel = while_kernel},
    {.name = "_cond",
     .kind = MXIO__KIND_OTHER,
     .params = cond_params,
     .list_inputs = cond_inputs,
     .count_outputs = control_outputs,
     .kernel = cond_kernel},
    {0},
};
