/* common.c - pieces several op records share: variadic input names, the
 * no_bias and optional-length input lists, mean/var output counts. */
#include "op.h"

const char *const mxio__arg_names[MXIO__MAX_OP_INPUTS] = {
#define A(i) "arg" #i
    MXIO__NUMBERED_256(A)
#undef A
};

const char *const mxio__indexed_output_names[MXIO__MAX_OP_INPUTS + 1] = {
#define O(i) "output" #i
    MXIO__NUMBERED_256(O), NULL
#undef O
};

const char *const mxio__quantized_output_names[] = {"output", "min_output", "max_output", NULL};

/* An optional second input switched on by a boolean attribute. */
static int optional_second(const mxio__attrs *a, const char *flag, const char *first,
                           const char *second, const char **names, int cap) {
    bool on = false;
    mxio__attr_bool(a, flag, &on);
    int n = on ? 2 : 1;
    if (cap < n) return -1;
    names[0] = first;
    if (on) names[1] = second;
    return n;
}

int mxio__inputs_no_bias(const mxio__attrs *a, const char **names, int cap) {
    bool no_bias = false;
    mxio__attr_bool(a, "no_bias", &no_bias);
    int n = no_bias ? 2 : 3;
    if (cap < n) return -1;
    names[0] = "data";
    names[1] = "weight";
    if (!no_bias) names[2] = "bias";
    return n;
}

int mxio__inputs_num_args(const mxio__attrs *a, const char **names, int cap) {
    int64_t n = 0;
    if (!mxio__attr_int(a, "num_args", &n) || n < 0 || n > MXIO__MAX_OP_INPUTS || n > cap)
        return -1;
    for (int64_t i = 0; i < n; i++) names[i] = mxio__arg_names[i];
    return (int)n;
}

int mxio__inputs_sequence_length(const mxio__attrs *a, const char **names, int cap) {
    return optional_second(a, "use_sequence_length", "data", "sequence_length", names, cap);
}

int mxio__inputs_softmax_length(const mxio__attrs *a, const char **names, int cap) {
    return optional_second(a, "use_length", "data", "length", names, cap);
}

int mxio__inputs_custom(const mxio__attrs *a, const char **names, int cap) {
    return MXIO__INPUTS_FREE;
}

int mxio__outputs_mean_var(const mxio__attrs *a, int *visible) {
    bool mv = false;
    mxio__attr_bool(a, "output_mean_var", &mv);
    if (visible) *visible = mv ? 3 : 1;
    return 3;
}
