/* elementwise.c - binary, broadcast, scalar and unary math ops, and reductions.
 * One record per op; see op.h. */
#include <math.h>

#include "op.h"
#include "quantized.h"

#include "../net/layer.h"

/* ---- high-level layers these ops become (src/net/layer.h) */
static const mxio__layer_rule total_rule = {"TotalLayer", NULL, NULL};
MXIO__AGG_RULE(mean_rule, "Mean");
MXIO__AGG_RULE(sum_rule, "Total");
MXIO__AGG_RULE(max_rule, "Max");
MXIO__AGG_RULE(min_rule, "Min");
MXIO__AGG_RULE(prod_rule, "Product");
MXIO__FN_RULE(add_rule, "ThreadingLayer", "Plus");
MXIO__FN_RULE(sub_rule, "ThreadingLayer", "Subtract");
MXIO__FN_RULE(mul_rule, "ThreadingLayer", "Times");
MXIO__FN_RULE(div_rule, "ThreadingLayer", "Divide");
MXIO__FN_RULE(maximum_rule, "ThreadingLayer", "Max");
MXIO__FN_RULE(minimum_rule, "ThreadingLayer", "Min");
MXIO__FN_RULE(power_rule, "ThreadingLayer", "Power");
MXIO__BCAST_RULE(badd_rule, "Plus");
MXIO__BCAST_RULE(bsub_rule, "Subtract");
MXIO__BCAST_RULE(bmul_rule, "Times");
MXIO__BCAST_RULE(bdiv_rule, "Divide");
MXIO__BCAST_RULE(bmax_rule, "Max");
MXIO__BCAST_RULE(bmin_rule, "Min");
MXIO__BCAST_RULE(bpow_rule, "Power");
MXIO__SCALAR_RULE(plus_scalar_rule, "Plus");
MXIO__SCALAR_RULE(minus_scalar_rule, "Subtract");
MXIO__SCALAR_RULE(rminus_scalar_rule, "ReverseSubtract");
MXIO__SCALAR_RULE(mul_scalar_rule, "Times");
MXIO__SCALAR_RULE(div_scalar_rule, "Divide");
MXIO__SCALAR_RULE(rdiv_scalar_rule, "ReverseDivide");
MXIO__SCALAR_RULE(power_scalar_rule, "Power");
MXIO__SCALAR_RULE(rpower_scalar_rule, "ReversePower");
MXIO__SCALAR_RULE(max_scalar_rule, "Max");
MXIO__SCALAR_RULE(min_scalar_rule, "Min");
MXIO__FN_RULE(exp_rule, "ElementwiseLayer", "Exp");
MXIO__FN_RULE(log_rule, "ElementwiseLayer", "Log");
MXIO__FN_RULE(sqrt_rule, "ElementwiseLayer", "Sqrt");
MXIO__FN_RULE(rsqrt_rule, "ElementwiseLayer", "ReciprocalSqrt");
MXIO__FN_RULE(square_rule, "ElementwiseLayer", "Square");
MXIO__FN_RULE(abs_rule, "ElementwiseLayer", "Abs");
MXIO__FN_RULE(sign_rule, "ElementwiseLayer", "Sign");
MXIO__FN_RULE(round_rule, "ElementwiseLayer", "Round");
MXIO__FN_RULE(floor_rule, "ElementwiseLayer", "Floor");
MXIO__FN_RULE(ceil_rule, "ElementwiseLayer", "Ceiling");
MXIO__FN_RULE(negative_rule, "ElementwiseLayer", "Minus");
MXIO__FN_RULE(reciprocal_rule, "ElementwiseLayer", "Reciprocal");
MXIO__FN_RULE(sin_rule, "ElementwiseLayer", "Sin");
MXIO__FN_RULE(cos_rule, "ElementwiseLayer", "Cos");
MXIO__FN_RULE(tan_rule, "ElementwiseLayer", "Tan");
MXIO__FN_RULE(erf_rule, "ElementwiseLayer", "Erf");
MXIO__FN_RULE(rint_rule, "ElementwiseLayer", "Rint");
MXIO__FN_RULE(fix_rule, "ElementwiseLayer", "Fix");
MXIO__FN_RULE(trunc_rule, "ElementwiseLayer", "Truncate");
MXIO__FN_RULE(log1p_rule, "ElementwiseLayer", "Log1p");
MXIO__FN_RULE(expm1_rule, "ElementwiseLayer", "Expm1");
MXIO__FN_RULE(log2_rule, "ElementwiseLayer", "Log2");
MXIO__FN_RULE(log10_rule, "ElementwiseLayer", "Log10");
MXIO__FN_RULE(cbrt_rule, "ElementwiseLayer", "CubeRoot");
MXIO__FN_RULE(not_rule, "ElementwiseLayer", "Not");
MXIO__FN_RULE(mod_rule, "ThreadingLayer", "Mod");
MXIO__FN_RULE(equal_rule, "ThreadingLayer", "Equal");
MXIO__FN_RULE(not_equal_rule, "ThreadingLayer", "Unequal");
MXIO__FN_RULE(greater_rule, "ThreadingLayer", "Greater");
MXIO__FN_RULE(greater_equal_rule, "ThreadingLayer", "GreaterEqual");
MXIO__FN_RULE(lesser_rule, "ThreadingLayer", "Less");
MXIO__FN_RULE(lesser_equal_rule, "ThreadingLayer", "LessEqual");
MXIO__BCAST_RULE(bmod_rule, "Mod");
MXIO__BCAST_RULE(bequal_rule, "Equal");
MXIO__BCAST_RULE(bnot_equal_rule, "Unequal");
MXIO__BCAST_RULE(bgreater_rule, "Greater");
MXIO__BCAST_RULE(bgreater_equal_rule, "GreaterEqual");
MXIO__BCAST_RULE(blesser_rule, "Less");
MXIO__BCAST_RULE(blesser_equal_rule, "LessEqual");
MXIO__BCAST_RULE(band_rule, "And");
MXIO__BCAST_RULE(bor_rule, "Or");
MXIO__BCAST_RULE(bhypot_rule, "Hypot");
MXIO__SCALAR_RULE(mod_scalar_rule, "Mod");
MXIO__SCALAR_RULE(rmod_scalar_rule, "ReverseMod");
MXIO__SCALAR_RULE(greater_scalar_rule, "Greater");
MXIO__SCALAR_RULE(greater_equal_scalar_rule, "GreaterEqual");
MXIO__SCALAR_RULE(lesser_scalar_rule, "Less");
MXIO__SCALAR_RULE(lesser_equal_scalar_rule, "LessEqual");
MXIO__SCALAR_RULE(equal_scalar_rule, "Equal");
MXIO__SCALAR_RULE(not_equal_scalar_rule, "Unequal");
/* Identity at inference: copies, gradient stops and regression/loss heads. */
MXIO__FN_RULE(identity_rule, "ElementwiseLayer", "Identity");

/* ---- shape rules ---------------------------------------------------------- */

/* Reductions (ReduceAxesShapeImpl, broadcast_reduce_op.h): no axis reduces
 * everything; exclude inverts the axis set; keepdims leaves 1s, otherwise the
 * axes go and an empty result becomes (1,). */
static mxio_status reduce_shape(mxio__shape_ctx *c, const int64_t *axes, int na, bool all,
                                bool keepdims, bool exclude) {
    const mxio__shape *x = &c->in[0];
    bool red[MXIO__MAX_DIMS] = {false};
    if (all) {
        for (int i = 0; i < x->ndim; i++) red[i] = true;
    } else {
        for (int i = 0; i < na; i++) {
            int ax;
            if (!mxio__axis(axes[i], x->ndim, &ax))
                return mxio__shape_fail(c, "axis %lld is out of range", (long long)axes[i]);
            if (red[ax]) return mxio__shape_fail(c, "reduction axes have duplicates");
            red[ax] = true;
        }
        if (exclude)
            for (int i = 0; i < x->ndim; i++) red[i] = !red[i];
    }
    mxio__shape o = {.ndim = 0};
    for (int i = 0; i < x->ndim; i++) {
        if (keepdims) o.d[o.ndim++] = red[i] ? 1 : x->d[i];
        else if (!red[i]) o.d[o.ndim++] = x->d[i];
    }
    if (o.ndim == 0) {
        o.ndim = 1;
        o.d[0] = 1;
    }
    return mxio__shape_assign_out(c, 0, &o);
}

static mxio_status reduce_infer(mxio__shape_ctx *c) {
    int64_t axes[MXIO__MAX_DIMS];
    int na = 0;
    bool none = false, keepdims = false, exclude = false;
    mxio__dtype_same(c);
    if (!mxio__shape_rank_known(&c->in[0])) return MXIO_OK;
    if (!mxio__attr_shape(c->attrs, "axis", axes, MXIO__MAX_DIMS, &na, &none))
        return mxio__shape_fail(c, "bad axis");
    mxio__attr_bool(c->attrs, "keepdims", &keepdims);
    mxio__attr_bool(c->attrs, "exclude", &exclude);
    return reduce_shape(c, axes, na, none || na == 0, keepdims, exclude);
}

/* argmax / argmin: one optional axis; None reduces all. */
static mxio_status arg_reduce_infer(mxio__shape_ctx *c) {
    int64_t axis = 0;
    bool keepdims = false;
    mxio__dtype_same(c);
    if (!mxio__shape_rank_known(&c->in[0])) return MXIO_OK;
    const char *a = mxio__attr_str(c->attrs, "axis");
    bool all = !a || strcmp(a, "None") == 0;
    if (!all && !mxio__parse_int(a, &axis)) return mxio__shape_fail(c, "bad axis");
    mxio__attr_bool(c->attrs, "keepdims", &keepdims);
    return reduce_shape(c, &axis, 1, all, keepdims, false);
}

/* where: x and y agree; the condition matches them or is their first axis. */
static mxio_status where_infer(mxio__shape_ctx *c) {
    mxio_status st;
    /* x, y and the output share a dtype; the condition keeps its own. */
    int cond = c->in_dtype[0];
    c->in_dtype[0] = c->in_dtype[1] >= 0 ? c->in_dtype[1] : c->in_dtype[2];
    mxio__dtype_same(c);
    if (cond >= 0) c->in_dtype[0] = cond;
    mxio__shape s = c->in[1];
    if ((st = mxio__shape_assign(c, &s, &c->in[2], "y"))) return st;
    if ((st = mxio__shape_assign(c, &c->in[1], &s, "x"))) return st;
    if ((st = mxio__shape_assign(c, &c->in[2], &s, "y"))) return st;
    return mxio__shape_assign_out(c, 0, &s);
}

/* quantized_elemwise_add: lhs, rhs then their ranges; int32 out. */
static mxio_status qadd_infer(mxio__shape_ctx *c) {
    return mxio__infer_quantized(c, mxio__infer_same, 2, MXIO_DTYPE_INT32);
}

/* ---- elemwise_add */
static const char *const elemwise_add_inputs[] = {"lhs", "rhs", NULL};

/* ---- elemwise_sub */
static const char *const elemwise_sub_inputs[] = {"lhs", "rhs", NULL};

/* ---- elemwise_mul */
static const char *const elemwise_mul_inputs[] = {"lhs", "rhs", NULL};

/* ---- elemwise_div */
static const char *const elemwise_div_inputs[] = {"lhs", "rhs", NULL};

/* ---- _maximum */
static const char *const maximum_inputs[] = {"lhs", "rhs", NULL};

/* ---- _minimum */
static const char *const minimum_inputs[] = {"lhs", "rhs", NULL};

/* ---- _power */
static const char *const power_inputs[] = {"lhs", "rhs", NULL};

/* ---- _mod */
static const char *const mod_inputs[] = {"lhs", "rhs", NULL};

/* ---- _equal */
static const char *const equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- _not_equal */
static const char *const not_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- _greater */
static const char *const greater_inputs[] = {"lhs", "rhs", NULL};

/* ---- _greater_equal */
static const char *const greater_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- _lesser */
static const char *const lesser_inputs[] = {"lhs", "rhs", NULL};

/* ---- _lesser_equal */
static const char *const lesser_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- add_n */
static const mxio__attr_spec add_n_params[] = {
    {"num_args", MXIO__ATTR_INT, NULL, NULL},
    {NULL, 0, NULL, NULL},
};

/* ---- broadcast_add */
static const char *const broadcast_add_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_sub */
static const char *const broadcast_sub_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_mul */
static const char *const broadcast_mul_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_div */
static const char *const broadcast_div_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_mod */
static const char *const broadcast_mod_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_power */
static const char *const broadcast_power_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_maximum */
static const char *const broadcast_maximum_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_minimum */
static const char *const broadcast_minimum_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_equal */
static const char *const broadcast_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_not_equal */
static const char *const broadcast_not_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_greater */
static const char *const broadcast_greater_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_greater_equal */
static const char *const broadcast_greater_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_lesser */
static const char *const broadcast_lesser_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_lesser_equal */
static const char *const broadcast_lesser_equal_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_logical_and */
static const char *const broadcast_logical_and_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_logical_or */
static const char *const broadcast_logical_or_inputs[] = {"lhs", "rhs", NULL};

/* ---- broadcast_hypot */
static const char *const broadcast_hypot_inputs[] = {"lhs", "rhs", NULL};

/* ---- _plus_scalar */
static const mxio__attr_spec plus_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const plus_scalar_inputs[] = {"data", NULL};

/* ---- _minus_scalar */
static const mxio__attr_spec minus_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const minus_scalar_inputs[] = {"data", NULL};

/* ---- _rminus_scalar */
static const mxio__attr_spec rminus_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const rminus_scalar_inputs[] = {"data", NULL};

/* ---- _mul_scalar */
static const mxio__attr_spec mul_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const mul_scalar_inputs[] = {"data", NULL};

/* ---- _div_scalar */
static const mxio__attr_spec div_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const div_scalar_inputs[] = {"data", NULL};

/* ---- _rdiv_scalar */
static const mxio__attr_spec rdiv_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const rdiv_scalar_inputs[] = {"data", NULL};

/* ---- _mod_scalar */
static const mxio__attr_spec mod_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const mod_scalar_inputs[] = {"data", NULL};

/* ---- _rmod_scalar */
static const mxio__attr_spec rmod_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const rmod_scalar_inputs[] = {"data", NULL};

/* ---- _power_scalar */
static const mxio__attr_spec power_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const power_scalar_inputs[] = {"data", NULL};

/* ---- _rpower_scalar */
static const mxio__attr_spec rpower_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const rpower_scalar_inputs[] = {"data", NULL};

/* ---- _maximum_scalar */
static const mxio__attr_spec maximum_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const maximum_scalar_inputs[] = {"data", NULL};

/* ---- _minimum_scalar */
static const mxio__attr_spec minimum_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const minimum_scalar_inputs[] = {"data", NULL};

/* ---- _greater_scalar */
static const mxio__attr_spec greater_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const greater_scalar_inputs[] = {"data", NULL};

/* ---- _greater_equal_scalar */
static const mxio__attr_spec greater_equal_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const greater_equal_scalar_inputs[] = {"data", NULL};

/* ---- _lesser_scalar */
static const mxio__attr_spec lesser_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const lesser_scalar_inputs[] = {"data", NULL};

/* ---- _lesser_equal_scalar */
static const mxio__attr_spec lesser_equal_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const lesser_equal_scalar_inputs[] = {"data", NULL};

/* ---- _equal_scalar */
static const mxio__attr_spec equal_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const equal_scalar_inputs[] = {"data", NULL};

/* ---- _not_equal_scalar */
static const mxio__attr_spec not_equal_scalar_params[] = {
    {"scalar", MXIO__ATTR_FLOAT, "1", NULL},
    {"is_int", MXIO__ATTR_BOOL, "True", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const not_equal_scalar_inputs[] = {"data", NULL};

/* ---- exp */
static const char *const exp_inputs[] = {"data", NULL};

/* ---- log */
static const char *const log_inputs[] = {"data", NULL};

/* ---- sqrt */
static const char *const sqrt_inputs[] = {"data", NULL};

/* ---- rsqrt */
static const char *const rsqrt_inputs[] = {"data", NULL};

/* ---- square */
static const char *const square_inputs[] = {"data", NULL};

/* ---- abs */
static const char *const abs_inputs[] = {"data", NULL};

/* ---- negative */
static const char *const negative_inputs[] = {"data", NULL};

/* ---- reciprocal */
static const char *const reciprocal_inputs[] = {"data", NULL};

/* ---- floor */
static const char *const floor_inputs[] = {"data", NULL};

/* ---- ceil */
static const char *const ceil_inputs[] = {"data", NULL};

/* ---- round */
static const char *const round_inputs[] = {"data", NULL};

/* ---- rint */
static const char *const rint_inputs[] = {"data", NULL};

/* ---- fix */
static const char *const fix_inputs[] = {"data", NULL};

/* ---- trunc */
static const char *const trunc_inputs[] = {"data", NULL};

/* ---- sign */
static const char *const sign_inputs[] = {"data", NULL};

/* ---- cos */
static const char *const cos_inputs[] = {"data", NULL};

/* ---- sin */
static const char *const sin_inputs[] = {"data", NULL};

/* ---- tan */
static const char *const tan_inputs[] = {"data", NULL};

/* ---- log1p */
static const char *const log1p_inputs[] = {"data", NULL};

/* ---- expm1 */
static const char *const expm1_inputs[] = {"data", NULL};

/* ---- log2 */
static const char *const log2_inputs[] = {"data", NULL};

/* ---- log10 */
static const char *const log10_inputs[] = {"data", NULL};

/* ---- cbrt */
static const char *const cbrt_inputs[] = {"data", NULL};

/* ---- erf */
static const char *const erf_inputs[] = {"data", NULL};

/* ---- logical_not */
static const char *const logical_not_inputs[] = {"data", NULL};

/* ---- _copy */
static const char *const copy_inputs[] = {"data", NULL};

/* ---- zeros_like */
static const char *const zeros_like_inputs[] = {"data", NULL};

/* ---- ones_like */
static const char *const ones_like_inputs[] = {"data", NULL};

/* ---- _contrib_div_sqrt_dim */
static const char *const contrib_div_sqrt_dim_inputs[] = {"data", NULL};

/* ---- where */
static const char *const where_inputs[] = {"condition", "x", "y", NULL};

/* ---- _contrib_quantized_elemwise_add */
static const mxio__attr_spec contrib_quantized_elemwise_add_params[] = {
    {"min_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {"max_calib_range", MXIO__ATTR_OPT_FLOAT, "None", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const contrib_quantized_elemwise_add_inputs[] = {"lhs", "rhs", "lhs_min", "lhs_max", "rhs_min", "rhs_max", NULL};

/* ---- sum */
static const mxio__attr_spec sum_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const sum_inputs[] = {"data", NULL};

/* ---- mean */
static const mxio__attr_spec mean_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const mean_inputs[] = {"data", NULL};

/* ---- max */
static const mxio__attr_spec max_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const max_inputs[] = {"data", NULL};

/* ---- min */
static const mxio__attr_spec min_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const min_inputs[] = {"data", NULL};

/* ---- prod */
static const mxio__attr_spec prod_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const prod_inputs[] = {"data", NULL};

/* ---- nansum */
static const mxio__attr_spec nansum_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const nansum_inputs[] = {"data", NULL};

/* ---- nanprod */
static const mxio__attr_spec nanprod_params[] = {
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {"exclude", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const nanprod_inputs[] = {"data", NULL};

/* ---- norm */
static const mxio__attr_spec norm_params[] = {
    {"ord", MXIO__ATTR_INT, "2", NULL},
    {"axis", MXIO__ATTR_SHAPE, "None", NULL},
    {"out_dtype", MXIO__ATTR_ENUM, "None", "None|float16|float32|float64|int32|int64|int8"},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const norm_inputs[] = {"data", NULL};

/* ---- argmax */
static const mxio__attr_spec argmax_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const argmax_inputs[] = {"data", NULL};

/* ---- argmin */
static const mxio__attr_spec argmin_params[] = {
    {"axis", MXIO__ATTR_OPT_INT, "None", NULL},
    {"keepdims", MXIO__ATTR_BOOL, "False", NULL},
    {NULL, 0, NULL, NULL},
};
static const char *const argmin_inputs[] = {"data", NULL};

/* ---- kernels (src/runtime): one binding per record below */
#include "../runtime/exec.h"

typedef struct bin_name {
    const char *name;
    mxio__binop op;
} bin_name;

static mxio_status binary_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const bin_name ops[] = {
        {"elemwise_add", MXIO__BIN_ADD}, {"elemwise_sub", MXIO__BIN_SUB},
        {"elemwise_mul", MXIO__BIN_MUL}, {"elemwise_div", MXIO__BIN_DIV},
        {"_maximum", MXIO__BIN_MAX}, {"_minimum", MXIO__BIN_MIN}, {"_power", MXIO__BIN_POW},
        {"_equal", MXIO__BIN_EQ}, {"_not_equal", MXIO__BIN_NE}, {"_greater", MXIO__BIN_GT},
        {"_greater_equal", MXIO__BIN_GE}, {"_lesser", MXIO__BIN_LT},
        {"_lesser_equal", MXIO__BIN_LE}, {"broadcast_add", MXIO__BIN_ADD},
        {"broadcast_sub", MXIO__BIN_SUB}, {"broadcast_mul", MXIO__BIN_MUL},
        {"broadcast_div", MXIO__BIN_DIV}, {"broadcast_power", MXIO__BIN_POW},
        {"broadcast_maximum", MXIO__BIN_MAX}, {"broadcast_minimum", MXIO__BIN_MIN},
        {"broadcast_equal", MXIO__BIN_EQ}, {"broadcast_not_equal", MXIO__BIN_NE},
        {"broadcast_greater", MXIO__BIN_GT}, {"broadcast_greater_equal", MXIO__BIN_GE},
        {"broadcast_lesser", MXIO__BIN_LT}, {"broadcast_lesser_equal", MXIO__BIN_LE},
        {"broadcast_hypot", MXIO__BIN_HYPOT}, {"_mod", MXIO__BIN_MOD},
        {"broadcast_mod", MXIO__BIN_MOD}, {"broadcast_logical_and", MXIO__BIN_LOGICAL_AND},
        {"broadcast_logical_or", MXIO__BIN_LOGICAL_OR}, {NULL, 0}};
    for (int i = 0; ops[i].name; i++)
        if (strcmp(ops[i].name, r->attrs->op->name) == 0)
            return mxio__k_binary_create(r->ctx, ops[i].op, r->in, k, err);
    return mxio__bind_unsupported(r, err, "this op is");
}

static mxio_status scalar_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const bin_name ops[] = {
        {"_plus_scalar", MXIO__BIN_ADD}, {"_minus_scalar", MXIO__BIN_SUB},
        {"_rminus_scalar", MXIO__BIN_RSUB}, {"_mul_scalar", MXIO__BIN_MUL},
        {"_div_scalar", MXIO__BIN_DIV}, {"_rdiv_scalar", MXIO__BIN_RDIV},
        {"_power_scalar", MXIO__BIN_POW}, {"_rpower_scalar", MXIO__BIN_RPOW},
        {"_maximum_scalar", MXIO__BIN_MAX}, {"_minimum_scalar", MXIO__BIN_MIN},
        {"_greater_scalar", MXIO__BIN_GT}, {"_greater_equal_scalar", MXIO__BIN_GE},
        {"_lesser_scalar", MXIO__BIN_LT}, {"_lesser_equal_scalar", MXIO__BIN_LE},
        {"_equal_scalar", MXIO__BIN_EQ}, {"_not_equal_scalar", MXIO__BIN_NE},
        {"_mod_scalar", MXIO__BIN_MOD}, {"_rmod_scalar", MXIO__BIN_RMOD}, {NULL, 0}};
    double s;
    if (!mxio__attr_float(r->attrs, "scalar", &s))
        return mxio__bind_unsupported(r, err, "a scalar that does not parse is");
    for (int i = 0; ops[i].name; i++)
        if (strcmp(ops[i].name, r->attrs->op->name) == 0)
            return mxio__k_scalar_create(r->ctx, ops[i].op, s, &r->in[0], k, err);
    return mxio__bind_unsupported(r, err, "this op is");
}

static mxio_status unary_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const names[] = {
        "exp", "log", "sqrt", "rsqrt", "square", "abs", "negative", "reciprocal", "floor",
        "ceil", "round", "rint", "fix", "trunc", "sign", "erf", "log1p", "expm1", "log2",
        "log10", "cbrt", "sin", "cos", "tan", "arctan", "sinh", "cosh", "relu", "sigmoid",
        "tanh", "softsign", "_copy", "logical_not", NULL};
    int u = mxio__bind_pick(r->attrs->op->name, names);
    if (u < 0) return mxio__bind_unsupported(r, err, "this op is");
    return mxio__k_unary_create(r->ctx, (mxio__unop)u, &r->in[0], k, err);
}

static mxio_status add_n_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_add_n_create(r->ctx, r->nin, r->in, k, err);
}

static mxio_status where_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_where_create(r->ctx, r->in, k, err);
}

static mxio_status reduce_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    static const char *const names[] = {"sum", "mean", "prod", "max", "min", "norm", "nansum", "nanprod", NULL};
    mxio__reduce_params p;
    memset(&p, 0, sizeof p);
    int op = mxio__bind_pick(r->attrs->op->name, names), n = 0;
    if (op < 0) return mxio__bind_unsupported(r, err, "this op is");
    p.op = (mxio__reduce_op)op;
    int64_t ax[MXIO__RT_MAX_DIMS], ord = 2;
    bool none = false;
    const char *a = mxio__attr_str(r->attrs, "axis");
    if (a && !mxio__parse_tuple(a, ax, MXIO__RT_MAX_DIMS, &n, false, &none))
        return mxio__bind_unsupported(r, err, "this axis is");
    p.naxes = none ? 0 : n;
    for (int i = 0; i < p.naxes; i++) p.axes[i] = (int)ax[i];
    mxio__attr_bool(r->attrs, "keepdims", &p.keepdims);
    mxio__attr_bool(r->attrs, "exclude", &p.exclude);
    if (p.op == MXIO__RED_NORM && mxio__attr_int(r->attrs, "ord", &ord) && ord != 2)
        return mxio__bind_unsupported(r, err, "norm with ord other than 2 is");
    return mxio__k_reduce_create(r->ctx, &p, &r->in[0], k, err);
}

static mxio_status argmax_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    int64_t axis = 0;
    bool keepdims = false;
    bool none = !mxio__attr_int(r->attrs, "axis", &axis); /* None: over the flattened data */
    mxio__attr_bool(r->attrs, "keepdims", &keepdims);
    return mxio__k_argmax_create(r->ctx, strcmp(r->attrs->op->name, "argmin") == 0, none, (int)axis,
                                 keepdims, &r->in[0], k, err);
}

/* _contrib_div_sqrt_dim: data / sqrt(last dim), the root taken in double as MXNet. */
static mxio_status div_sqrt_dim_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    if (r->in[0].ndim < 1) return mxio__bind_unsupported(r, err, "a 0-dim input is");
    return mxio__k_scalar_create(r->ctx, MXIO__BIN_DIV, sqrt((double)r->in[0].dims[r->in[0].ndim - 1]),
                                 &r->in[0], k, err);
}

static mxio_status fill_like_kernel(const mxio__kernel_req *r, mxio__kernel **k, mxio_error *err) {
    return mxio__k_fill_like_create(r->ctx, strcmp(r->attrs->op->name, "ones_like") == 0 ? 1.0f : 0.0f,
                                    &r->in[0], k, err);
}

const mxio__op mxio__ops_elementwise[] = {
    {.name = "elemwise_add",
     .kernel = binary_kernel,
     .layer = &add_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Plus", "_add", "_plus", "_sparse_elemwise_add", NULL},
     .inputs = elemwise_add_inputs},
    {.name = "elemwise_sub",
     .kernel = binary_kernel,
     .layer = &sub_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Minus", "_minus", "_sparse_elemwise_sub", "_sub", NULL},
     .inputs = elemwise_sub_inputs},
    {.name = "elemwise_mul",
     .kernel = binary_kernel,
     .layer = &mul_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Mul", "_mul", "_sparse_elemwise_mul", NULL},
     .inputs = elemwise_mul_inputs},
    {.name = "elemwise_div",
     .kernel = binary_kernel,
     .layer = &div_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Div", "_div", "_sparse_elemwise_div", NULL},
     .inputs = elemwise_div_inputs},
    {.name = "_maximum",
     .kernel = binary_kernel,
     .layer = &maximum_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Maximum", NULL},
     .inputs = maximum_inputs},
    {.name = "_minimum",
     .kernel = binary_kernel,
     .layer = &minimum_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Minimum", NULL},
     .inputs = minimum_inputs},
    {.name = "_power",
     .kernel = binary_kernel,
     .layer = &power_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Power", NULL},
     .inputs = power_inputs},
    {.name = "_mod",
     .kernel = binary_kernel,
     .layer = &mod_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Mod", NULL},
     .inputs = mod_inputs},
    {.name = "_equal",
     .kernel = binary_kernel,
     .layer = &equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Equal", NULL},
     .inputs = equal_inputs},
    {.name = "_not_equal",
     .kernel = binary_kernel,
     .layer = &not_equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Not_Equal", NULL},
     .inputs = not_equal_inputs},
    {.name = "_greater",
     .kernel = binary_kernel,
     .layer = &greater_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Greater", NULL},
     .inputs = greater_inputs},
    {.name = "_greater_equal",
     .kernel = binary_kernel,
     .layer = &greater_equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Greater_Equal", NULL},
     .inputs = greater_equal_inputs},
    {.name = "_lesser",
     .kernel = binary_kernel,
     .layer = &lesser_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Lesser", NULL},
     .inputs = lesser_inputs},
    {.name = "_lesser_equal",
     .kernel = binary_kernel,
     .layer = &lesser_equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_Lesser_Equal", NULL},
     .inputs = lesser_equal_inputs},
    {.name = "add_n",
     .kernel = add_n_kernel,
     .layer = &total_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"ElementWiseSum", "_sparse_ElementWiseSum", "_sparse_add_n", NULL},
     .params = add_n_params,
     .list_inputs = mxio__inputs_num_args},
    {.name = "broadcast_add",
     .kernel = binary_kernel,
     .layer = &badd_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .aliases = (const char *const[]){"_sparse_broadcast_add", "_sparse_broadcast_plus", "broadcast_plus", NULL},
     .inputs = broadcast_add_inputs},
    {.name = "broadcast_sub",
     .kernel = binary_kernel,
     .layer = &bsub_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .aliases = (const char *const[]){"_sparse_broadcast_minus", "_sparse_broadcast_sub", "broadcast_minus", NULL},
     .inputs = broadcast_sub_inputs},
    {.name = "broadcast_mul",
     .kernel = binary_kernel,
     .layer = &bmul_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .aliases = (const char *const[]){"_sparse_broadcast_mul", NULL},
     .inputs = broadcast_mul_inputs},
    {.name = "broadcast_div",
     .kernel = binary_kernel,
     .layer = &bdiv_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .aliases = (const char *const[]){"_sparse_broadcast_div", NULL},
     .inputs = broadcast_div_inputs},
    {.name = "broadcast_mod",
     .kernel = binary_kernel,
     .layer = &bmod_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_mod_inputs},
    {.name = "broadcast_power",
     .kernel = binary_kernel,
     .layer = &bpow_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_power_inputs},
    {.name = "broadcast_maximum",
     .kernel = binary_kernel,
     .layer = &bmax_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .aliases = (const char *const[]){"_npi_maximum", NULL},
     .inputs = broadcast_maximum_inputs},
    {.name = "broadcast_minimum",
     .kernel = binary_kernel,
     .layer = &bmin_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .aliases = (const char *const[]){"_npi_minimum", NULL},
     .inputs = broadcast_minimum_inputs},
    {.name = "broadcast_equal",
     .kernel = binary_kernel,
     .layer = &bequal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_equal_inputs},
    {.name = "broadcast_not_equal",
     .kernel = binary_kernel,
     .layer = &bnot_equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_not_equal_inputs},
    {.name = "broadcast_greater",
     .kernel = binary_kernel,
     .layer = &bgreater_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_greater_inputs},
    {.name = "broadcast_greater_equal",
     .kernel = binary_kernel,
     .layer = &bgreater_equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_greater_equal_inputs},
    {.name = "broadcast_lesser",
     .kernel = binary_kernel,
     .layer = &blesser_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_lesser_inputs},
    {.name = "broadcast_lesser_equal",
     .kernel = binary_kernel,
     .layer = &blesser_equal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_lesser_equal_inputs},
    {.name = "broadcast_logical_and",
     .kernel = binary_kernel,
     .layer = &band_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_logical_and_inputs},
    {.name = "broadcast_logical_or",
     .kernel = binary_kernel,
     .layer = &bor_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_logical_or_inputs},
    {.name = "broadcast_hypot",
     .kernel = binary_kernel,
     .layer = &bhypot_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_broadcast,
     .inputs = broadcast_hypot_inputs},
    {.name = "_plus_scalar",
     .kernel = scalar_kernel,
     .layer = &plus_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_PlusScalar", NULL},
     .params = plus_scalar_params,
     .inputs = plus_scalar_inputs},
    {.name = "_minus_scalar",
     .kernel = scalar_kernel,
     .layer = &minus_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_MinusScalar", NULL},
     .params = minus_scalar_params,
     .inputs = minus_scalar_inputs},
    {.name = "_rminus_scalar",
     .kernel = scalar_kernel,
     .layer = &rminus_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_RMinusScalar", NULL},
     .params = rminus_scalar_params,
     .inputs = rminus_scalar_inputs},
    {.name = "_mul_scalar",
     .kernel = scalar_kernel,
     .layer = &mul_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_MulScalar", NULL},
     .params = mul_scalar_params,
     .inputs = mul_scalar_inputs},
    {.name = "_div_scalar",
     .kernel = scalar_kernel,
     .layer = &div_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_DivScalar", NULL},
     .params = div_scalar_params,
     .inputs = div_scalar_inputs},
    {.name = "_rdiv_scalar",
     .kernel = scalar_kernel,
     .layer = &rdiv_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_RDivScalar", NULL},
     .params = rdiv_scalar_params,
     .inputs = rdiv_scalar_inputs},
    {.name = "_mod_scalar",
     .kernel = scalar_kernel,
     .layer = &mod_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_ModScalar", NULL},
     .params = mod_scalar_params,
     .inputs = mod_scalar_inputs},
    {.name = "_rmod_scalar",
     .kernel = scalar_kernel,
     .layer = &rmod_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_RModScalar", NULL},
     .params = rmod_scalar_params,
     .inputs = rmod_scalar_inputs},
    {.name = "_power_scalar",
     .kernel = scalar_kernel,
     .layer = &power_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_PowerScalar", NULL},
     .params = power_scalar_params,
     .inputs = power_scalar_inputs},
    {.name = "_rpower_scalar",
     .kernel = scalar_kernel,
     .layer = &rpower_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_RPowerScalar", NULL},
     .params = rpower_scalar_params,
     .inputs = rpower_scalar_inputs},
    {.name = "_maximum_scalar",
     .kernel = scalar_kernel,
     .layer = &max_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_MaximumScalar", "_npi_maximum_scalar", NULL},
     .params = maximum_scalar_params,
     .inputs = maximum_scalar_inputs},
    {.name = "_minimum_scalar",
     .kernel = scalar_kernel,
     .layer = &min_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_MinimumScalar", "_npi_minimum_scalar", NULL},
     .params = minimum_scalar_params,
     .inputs = minimum_scalar_inputs},
    {.name = "_greater_scalar",
     .kernel = scalar_kernel,
     .layer = &greater_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_GreaterScalar", NULL},
     .params = greater_scalar_params,
     .inputs = greater_scalar_inputs},
    {.name = "_greater_equal_scalar",
     .kernel = scalar_kernel,
     .layer = &greater_equal_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_GreaterEqualScalar", NULL},
     .params = greater_equal_scalar_params,
     .inputs = greater_equal_scalar_inputs},
    {.name = "_lesser_scalar",
     .kernel = scalar_kernel,
     .layer = &lesser_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_LesserScalar", NULL},
     .params = lesser_scalar_params,
     .inputs = lesser_scalar_inputs},
    {.name = "_lesser_equal_scalar",
     .kernel = scalar_kernel,
     .layer = &lesser_equal_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_LesserEqualScalar", NULL},
     .params = lesser_equal_scalar_params,
     .inputs = lesser_equal_scalar_inputs},
    {.name = "_equal_scalar",
     .kernel = scalar_kernel,
     .layer = &equal_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_EqualScalar", NULL},
     .params = equal_scalar_params,
     .inputs = equal_scalar_inputs},
    {.name = "_not_equal_scalar",
     .kernel = scalar_kernel,
     .layer = &not_equal_scalar_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_NotEqualScalar", NULL},
     .params = not_equal_scalar_params,
     .inputs = not_equal_scalar_inputs},
    {.name = "exp",
     .kernel = unary_kernel,
     .layer = &exp_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_exp", NULL},
     .inputs = exp_inputs},
    {.name = "log",
     .kernel = unary_kernel,
     .layer = &log_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_log", NULL},
     .inputs = log_inputs},
    {.name = "sqrt",
     .kernel = unary_kernel,
     .layer = &sqrt_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_sqrt", NULL},
     .inputs = sqrt_inputs},
    {.name = "rsqrt",
     .kernel = unary_kernel,
     .layer = &rsqrt_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_rsqrt", NULL},
     .inputs = rsqrt_inputs},
    {.name = "square",
     .kernel = unary_kernel,
     .layer = &square_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_square", NULL},
     .inputs = square_inputs},
    {.name = "abs",
     .kernel = unary_kernel,
     .layer = &abs_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_abs", NULL},
     .inputs = abs_inputs},
    {.name = "negative",
     .kernel = unary_kernel,
     .layer = &negative_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_negative", NULL},
     .inputs = negative_inputs},
    {.name = "reciprocal",
     .kernel = unary_kernel,
     .layer = &reciprocal_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .inputs = reciprocal_inputs},
    {.name = "floor",
     .kernel = unary_kernel,
     .layer = &floor_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_floor", NULL},
     .inputs = floor_inputs},
    {.name = "ceil",
     .kernel = unary_kernel,
     .layer = &ceil_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_ceil", NULL},
     .inputs = ceil_inputs},
    {.name = "round",
     .kernel = unary_kernel,
     .layer = &round_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_round", NULL},
     .inputs = round_inputs},
    {.name = "rint",
     .kernel = unary_kernel,
     .layer = &rint_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_rint", NULL},
     .inputs = rint_inputs},
    {.name = "fix",
     .kernel = unary_kernel,
     .layer = &fix_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_fix", NULL},
     .inputs = fix_inputs},
    {.name = "trunc",
     .kernel = unary_kernel,
     .layer = &trunc_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_trunc", NULL},
     .inputs = trunc_inputs},
    {.name = "sign",
     .kernel = unary_kernel,
     .layer = &sign_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_sign", NULL},
     .inputs = sign_inputs},
    {.name = "cos",
     .kernel = unary_kernel,
     .layer = &cos_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_cos", NULL},
     .inputs = cos_inputs},
    {.name = "sin",
     .kernel = unary_kernel,
     .layer = &sin_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_sin", NULL},
     .inputs = sin_inputs},
    {.name = "tan",
     .kernel = unary_kernel,
     .layer = &tan_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_tan", NULL},
     .inputs = tan_inputs},
    {.name = "log1p",
     .kernel = unary_kernel,
     .layer = &log1p_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_log1p", NULL},
     .inputs = log1p_inputs},
    {.name = "expm1",
     .kernel = unary_kernel,
     .layer = &expm1_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_expm1", NULL},
     .inputs = expm1_inputs},
    {.name = "log2",
     .kernel = unary_kernel,
     .layer = &log2_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_log2", NULL},
     .inputs = log2_inputs},
    {.name = "log10",
     .kernel = unary_kernel,
     .layer = &log10_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_log10", NULL},
     .inputs = log10_inputs},
    {.name = "cbrt",
     .kernel = unary_kernel,
     .layer = &cbrt_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_cbrt", NULL},
     .inputs = cbrt_inputs},
    {.name = "erf",
     .kernel = unary_kernel,
     .layer = &erf_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_npx_erf", NULL},
     .inputs = erf_inputs},
    {.name = "logical_not",
     .kernel = unary_kernel,
     .layer = &not_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .inputs = logical_not_inputs},
    {.name = "_copy",
     .kernel = unary_kernel,
     .layer = &identity_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"identity", NULL},
     .inputs = copy_inputs},
    {.name = "zeros_like",
     .kernel = fill_like_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .aliases = (const char *const[]){"_sparse_zeros_like", NULL},
     .inputs = zeros_like_inputs},
    {.name = "ones_like",
     .kernel = fill_like_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .inputs = ones_like_inputs},
    {.name = "_contrib_div_sqrt_dim",
     .kernel = div_sqrt_dim_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = mxio__infer_same,
     .inputs = contrib_div_sqrt_dim_inputs},
    {.name = "where",
     .kernel = where_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = where_infer,
     .aliases = (const char *const[]){"_sparse_where", NULL},
     .inputs = where_inputs},
    {.name = "_contrib_quantized_elemwise_add",
     .kernel = mxio__bind_quantized_elemwise_add,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = qadd_infer,
     .params = contrib_quantized_elemwise_add_params,
     .inputs = contrib_quantized_elemwise_add_inputs,
     .num_outputs = 3,
     .output_names = mxio__quantized_output_names},
    {.name = "sum",
     .kernel = reduce_kernel,
     .layer = &sum_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .aliases = (const char *const[]){"_sparse_sum", "sum_axis", NULL},
     .params = sum_params,
     .inputs = sum_inputs},
    {.name = "mean",
     .kernel = reduce_kernel,
     .layer = &mean_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .aliases = (const char *const[]){"_sparse_mean", NULL},
     .params = mean_params,
     .inputs = mean_inputs},
    {.name = "max",
     .kernel = reduce_kernel,
     .layer = &max_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .aliases = (const char *const[]){"max_axis", NULL},
     .params = max_params,
     .inputs = max_inputs},
    {.name = "min",
     .kernel = reduce_kernel,
     .layer = &min_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .aliases = (const char *const[]){"min_axis", NULL},
     .params = min_params,
     .inputs = min_inputs},
    {.name = "prod",
     .kernel = reduce_kernel,
     .layer = &prod_rule,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .params = prod_params,
     .inputs = prod_inputs},
    {.name = "nansum",
     .kernel = reduce_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .params = nansum_params,
     .inputs = nansum_inputs},
    {.name = "nanprod",
     .kernel = reduce_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .params = nanprod_params,
     .inputs = nanprod_inputs},
    {.name = "norm",
     .kernel = reduce_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = reduce_infer,
     .aliases = (const char *const[]){"_sparse_norm", NULL},
     .params = norm_params,
     .inputs = norm_inputs},
    {.name = "argmax",
     .kernel = argmax_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = arg_reduce_infer,
     .params = argmax_params,
     .inputs = argmax_inputs},
    {.name = "argmin",
     .kernel = argmax_kernel,
     .kind = MXIO__KIND_ELEMENTWISE,
     .infer_shape = arg_reduce_infer,
     .params = argmin_params,
     .inputs = argmin_inputs},
    {0},
};
