/* common.c - pieces several op records share: variadic input names, the
 * no_bias and optional-length input lists, mean/var output counts. */
#include "op.h"

const char *const mxio__arg_names[MXIO__MAX_OP_INPUTS] = {
#define A(i) "arg" #i
    A(0),  A(1),  A(2),  A(3),  A(4),  A(5),  A(6),  A(7),  A(8),  A(9),  A(10), A(11), A(12),
    A(13), A(14), A(15), A(16), A(17), A(18), A(19), A(20), A(21), A(22), A(23), A(24), A(25),
    A(26), A(27), A(28), A(29), A(30), A(31), A(32), A(33), A(34), A(35), A(36), A(37), A(38),
    A(39), A(40), A(41), A(42), A(43), A(44), A(45), A(46), A(47), A(48), A(49), A(50), A(51),
    A(52), A(53), A(54), A(55), A(56), A(57), A(58), A(59), A(60), A(61), A(62), A(63)
#undef A
};

const char *const mxio__indexed_output_names[MXIO__MAX_OP_INPUTS + 1] = {
#define O(i) "output" #i
    O(0),  O(1),  O(2),  O(3),  O(4),  O(5),  O(6),  O(7),  O(8),  O(9),  O(10), O(11), O(12),
    O(13), O(14), O(15), O(16), O(17), O(18), O(19), O(20), O(21), O(22), O(23), O(24), O(25),
    O(26), O(27), O(28), O(29), O(30), O(31), O(32), O(33), O(34), O(35), O(36), O(37), O(38),
    O(39), O(40), O(41), O(42), O(43), O(44), O(45), O(46), O(47), O(48), O(49), O(50), O(51),
    O(52), O(53), O(54), O(55), O(56), O(57), O(58), O(59), O(60), O(61), O(62), O(63), NULL
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
