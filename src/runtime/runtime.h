/* runtime.h - the CPU kernels: typed parameter structs and one create function
 * per op family. Internal (mxio__*).
 *
 * Every create function takes the kernel context, the op's parameters (already
 * parsed from attrs by the op record; MXNet 1.9.1 defaults applied), the input
 * descriptors in MXNet argument order, and returns a kernel whose out[] holds
 * the inferred output descriptors. Run inputs/outputs are in the same order.
 * Unless stated, kernels take plain fp32 tensors. The purely element-wise ones
 * (unary, scalar, Activation/LeakyReLU except prelu, clip, add_n, Dropout,
 * same-shape binary) also take a oneDNN layout, shared by all inputs, and
 * return the same layout. */
#ifndef MXIO_RUNTIME_RUNTIME_H
#define MXIO_RUNTIME_RUNTIME_H

#include "tensor.h"

/* ---- activations ------------------------------------------------------------ */

typedef enum mxio__act_type {
    MXIO__ACT_RELU, MXIO__ACT_SIGMOID, MXIO__ACT_TANH, MXIO__ACT_SOFTRELU, MXIO__ACT_SOFTSIGN,
    MXIO__ACT_LEAKY, MXIO__ACT_PRELU, MXIO__ACT_RRELU, MXIO__ACT_ELU, MXIO__ACT_SELU,
    MXIO__ACT_GELU, MXIO__ACT_CLIP
} mxio__act_type;

typedef struct mxio__act_params {
    mxio__act_type type;
    float slope;                    /* leaky, elu */
    float lower_bound, upper_bound; /* rrelu: inference slope is their mean */
    float a_min, a_max;             /* clip */
} mxio__act_params;
/* Inputs data[, gamma] (prelu: gamma of shape (C,) on axis 1, or (1,)). */
mxio_status mxio__k_act_create(const mxio__rt_ctx *ctx, const mxio__act_params *p,
                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* ---- convolution family (oneDNN) ------------------------------------------ */

typedef struct mxio__conv_params {
    int nspatial; /* 1, 2 or 3 (kernel rank) */
    int64_t kernel[3], stride[3], dilate[3], pad[3];
    int64_t adj[3]; /* Deconvolution only; the caller folds target_shape into pad/adj */
    int64_t num_filter, num_group;
    bool no_bias;
    bool blocked_out; /* leave the output in oneDNN's chosen layout (next kernel is oneDNN) */
    /* Fused post-ops for graph fusion (no MXNet attribute): out = act(conv + old out).
     * post_sum adds what out[0] holds before the run (a residual branch, in the
     * output's layout); post_act applies relu, leaky, clip, sigmoid, tanh, elu or
     * gelu after it. */
    bool post_sum;
    bool post_act;
    mxio__act_params act;
} mxio__conv_params;

/* Inputs data, weight[, bias]. Weight (O, I/g, k...) for Convolution and
 * (I, O/g, k...) for Deconvolution, as MXNet stores it. When const_weight /
 * const_bias are given they are packed now and the run-time pointers are
 * ignored (may be NULL). Data may be plain or a oneDNN layout. */
mxio_status mxio__k_conv_create(const mxio__rt_ctx *ctx, const mxio__conv_params *p,
                                const mxio__tdesc *data, const float *const_weight,
                                const float *const_bias, mxio__kernel **out, mxio_error *err);
mxio_status mxio__k_deconv_create(const mxio__rt_ctx *ctx, const mxio__conv_params *p,
                                  const mxio__tdesc *data, const float *const_weight,
                                  const float *const_bias, mxio__kernel **out, mxio_error *err);

/* Deconvolution target_shape (spatial, any entry non-zero = in use): replaces
 * p->pad and p->adj the way MXNet 1.9.1's DeconvolutionParam::InferPad does
 * (total = s(x-1) + d(k-1)+1 - target; adj = total % 2; pad = (total+1)/2).
 * MXIO_E_SHAPE when the target is larger than the unpadded output. */
mxio_status mxio__deconv_apply_target_shape(mxio__conv_params *p, const mxio__tdesc *data,
                                            const int64_t *target, mxio_error *err);

/* Layout change of one fp32 tensor: `from` to `to` (same dims; either may be
 * plain or a oneDNN layout; to == NULL means plain). For graph outputs and
 * for C kernels fed by oneDNN ones. */
mxio_status mxio__k_reorder_create(const mxio__rt_ctx *ctx, const mxio__tdesc *from,
                                   const mxio__tdesc *to, mxio__kernel **out, mxio_error *err);

/* UpSampling sample_type=bilinear is a depthwise Deconvolution (MXNet's
 * GetDeconvolutionParam): kernel 2s - s%2, stride s, pad ceil((s-1)/2), groups =
 * num_filter, no bias; its weight input is (C, 1, k, k). */
void mxio__upsampling_bilinear_params(int scale, int64_t num_filter, mxio__conv_params *p);

typedef struct mxio__fc_params {
    int64_t num_hidden;
    bool no_bias;
    bool flatten; /* true: (N, prod(rest)); false: over the last axis only */
} mxio__fc_params;

mxio_status mxio__k_fc_create(const mxio__rt_ctx *ctx, const mxio__fc_params *p,
                              const mxio__tdesc *data, const float *const_weight,
                              const float *const_bias, mxio__kernel **out, mxio_error *err);

/* ---- pooling ---------------------------------------------------------------- */

typedef enum mxio__pool_type { MXIO__POOL_MAX, MXIO__POOL_AVG, MXIO__POOL_SUM, MXIO__POOL_LP } mxio__pool_type;
typedef enum mxio__pool_conv { MXIO__POOL_VALID, MXIO__POOL_FULL, MXIO__POOL_SAME } mxio__pool_conv;

typedef struct mxio__pool_params {
    int nspatial; /* from the kernel rank, or the data rank - 2 when global_pool */
    int64_t kernel[3], stride[3], pad[3];
    mxio__pool_type type;
    mxio__pool_conv convention;
    bool global_pool;
    bool count_include_pad; /* MXNet: None means true */
    int p_value;            /* lp only: 1, 2 or 3 */
    bool blocked_out;
    bool force_reference; /* skip oneDNN (tests compare both paths) */
} mxio__pool_params;

mxio_status mxio__k_pool_create(const mxio__rt_ctx *ctx, const mxio__pool_params *p,
                                const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* Channels-last (NWC, NHWC, NDHWC) layers (k_layout.c): `inner`, a kernel made
 * for `data` seen channels-first (mxio__channels_first_desc) with a plain
 * output, runs between a transpose of the input to channels-first and one of
 * its output back. post_sum: out[0] holds a residual before the run (a fused
 * sum), transposed into the inner kernel's output first. Takes `inner` (freed
 * on failure). */
mxio_status mxio__k_channels_last_wrap(const mxio__rt_ctx *ctx, const mxio__tdesc *data,
                                       mxio__kernel *inner, bool post_sum, mxio__kernel **out,
                                       mxio_error *err);
/* (N, spatial..., C) described as the plain (N, C, spatial...). */
void mxio__channels_first_desc(const mxio__tdesc *data, mxio__tdesc *out);
/* A channels-last kernel weight (A, k..., B) as (A, B, k...) in a new buffer
 * (mxio__rt_free): MXNet's NHWC Convolution weight (O, kh, kw, I/g) becomes
 * (O, I/g, kh, kw), its Deconvolution weight (I, kh, kw, O/g) (I, O/g, kh, kw). */
mxio_status mxio__channels_first_weight(const mxio__tdesc *w, const float *src, float **out,
                                        mxio_error *err);

/* ---- normalisation ---------------------------------------------------------- */

typedef struct mxio__bn_params {
    float eps;
    bool fix_gamma;        /* gamma treated as 1 */
    bool use_global_stats; /* inference always uses the moving stats; kept for the record */
    int axis;
} mxio__bn_params;
/* Inputs data, gamma, beta, moving_mean, moving_var. */
mxio_status mxio__k_batchnorm_create(const mxio__rt_ctx *ctx, const mxio__bn_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* The same on oneDNN (batch_normalization, forward_inference with global
 * stats), for data of rank 2-5 normalised over axis 1, in the layout the data
 * has (plain or a oneDNN layout; the output keeps it). `constant` (may be NULL)
 * gives the fp32 values of constant inputs in argument order: when gamma, beta,
 * mean and var all are, they are copied now and the run-time pointers ignored.
 * fuse_relu: out = max(0, BatchNorm(x)) (oneDNN's fuse_norm_relu). */
mxio_status mxio__k_batchnorm_dnnl_create(const mxio__rt_ctx *ctx, const mxio__bn_params *p,
                                          const mxio__tdesc *in, const float *const *constant,
                                          bool fuse_relu, mxio__kernel **out, mxio_error *err);

/* BatchNorm at inference as y = x * scale[c] + shift[c] (what the kernel computes). */
void mxio__bn_scale_shift(const mxio__bn_params *p, int64_t channels, const float *gamma,
                          const float *beta, const float *mean, const float *var, float *scale,
                          float *shift);
/* Fold a following BatchNorm (over the output channels) into Convolution
 * weights (O, I/g, k...) and bias: w[o] *= scale[o], bias = bias * scale + shift.
 * `bias` has O entries (zeros when the conv had no_bias; the folded conv has one). */
void mxio__bn_fold_into_conv(const mxio__bn_params *p, int64_t out_channels,
                             int64_t weights_per_out, const float *gamma, const float *beta,
                             const float *mean, const float *var, float *weight, float *bias);

typedef enum mxio__l2n_mode { MXIO__L2N_INSTANCE, MXIO__L2N_CHANNEL, MXIO__L2N_SPATIAL } mxio__l2n_mode;
typedef struct mxio__l2norm_params {
    mxio__l2n_mode mode;
    float eps;
} mxio__l2norm_params;
mxio_status mxio__k_l2norm_create(const mxio__rt_ctx *ctx, const mxio__l2norm_params *p,
                                  const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

typedef struct mxio__lrn_params {
    int nsize;
    float alpha, beta, knorm;
} mxio__lrn_params;
mxio_status mxio__k_lrn_create(const mxio__rt_ctx *ctx, const mxio__lrn_params *p,
                               const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* Inputs data, gamma, beta. */
typedef struct mxio__instnorm_params {
    float eps;
} mxio__instnorm_params;
mxio_status mxio__k_instnorm_create(const mxio__rt_ctx *ctx, const mxio__instnorm_params *p,
                                    const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* GroupNorm (MXNet 1.9.1: gamma and beta have num_groups entries). Inputs data,
 * gamma, beta. */
typedef struct mxio__groupnorm_params {
    int num_groups;
    float eps;
} mxio__groupnorm_params;
mxio_status mxio__k_groupnorm_create(const mxio__rt_ctx *ctx, const mxio__groupnorm_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

typedef struct mxio__layernorm_params {
    int axis;
    float eps;
} mxio__layernorm_params;
mxio_status mxio__k_layernorm_create(const mxio__rt_ctx *ctx, const mxio__layernorm_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* ---- softmax family ----------------------------------------------------------- */

typedef struct mxio__softmax_params {
    int axis;
    float temperature; /* 1 when MXNet's is None */
    bool log;          /* log_softmax */
    bool use_length;   /* second input: valid length per position (data shape without
                        * `axis`, float32 or int32); entries past it are 0 */
} mxio__softmax_params;
mxio_status mxio__k_softmax_create(const mxio__rt_ctx *ctx, const mxio__softmax_params *p,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* softmin: softmax of -x (MXNet's negate flag: the max is taken over -x). */
mxio_status mxio__k_softmin_create(const mxio__rt_ctx *ctx, const mxio__softmax_params *p,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* SoftmaxActivation: channel = over axis 1 at each position; instance = over the
 * last axis of the (prod(leading), last) view (mshadow FlatTo2D). */
mxio_status mxio__k_softmax_activation_create(const mxio__rt_ctx *ctx, bool channel_mode,
                                              const mxio__tdesc *data, mxio__kernel **out,
                                              mxio_error *err);

/* SoftmaxOutput at inference (label input not taken). */
typedef struct mxio__softmax_output_params {
    bool multi_output, preserve_shape;
} mxio__softmax_output_params;
mxio_status mxio__k_softmax_output_create(const mxio__rt_ctx *ctx,
                                          const mxio__softmax_output_params *p,
                                          const mxio__tdesc *data, mxio__kernel **out,
                                          mxio_error *err);

/* ---- element-wise ------------------------------------------------------------- */

typedef enum mxio__binop {
    MXIO__BIN_ADD, MXIO__BIN_SUB, MXIO__BIN_MUL, MXIO__BIN_DIV, MXIO__BIN_MAX, MXIO__BIN_MIN,
    MXIO__BIN_POW, MXIO__BIN_HYPOT, MXIO__BIN_EQ, MXIO__BIN_NE, MXIO__BIN_GT, MXIO__BIN_GE,
    MXIO__BIN_LT, MXIO__BIN_LE,
    MXIO__BIN_MOD,         /* MXNet's mod: the result takes the divisor's sign; x mod 0 = 0 */
    MXIO__BIN_LOGICAL_AND, MXIO__BIN_LOGICAL_OR, /* 1 or 0 */
    MXIO__BIN_RSUB, MXIO__BIN_RDIV, MXIO__BIN_RPOW, /* scalar forms only: s - x, s / x, s ** x */
    MXIO__BIN_RMOD                                  /* scalar form only: s mod x */
} mxio__binop;

/* Broadcast binary (NumPy right-aligned; elemwise_* are the same-shape case). */
mxio_status mxio__k_binary_create(const mxio__rt_ctx *ctx, mxio__binop op, const mxio__tdesc *in,
                                  mxio__kernel **out, mxio_error *err);
/* x op scalar (scalar converted to float first, as MXNet's DType(scalar)). */
mxio_status mxio__k_scalar_create(const mxio__rt_ctx *ctx, mxio__binop op, double scalar,
                                  const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

typedef enum mxio__unop {
    MXIO__UN_EXP, MXIO__UN_LOG, MXIO__UN_SQRT, MXIO__UN_RSQRT, MXIO__UN_SQUARE, MXIO__UN_ABS,
    MXIO__UN_NEGATIVE, MXIO__UN_RECIPROCAL, MXIO__UN_FLOOR, MXIO__UN_CEIL, MXIO__UN_ROUND,
    MXIO__UN_RINT, MXIO__UN_FIX, MXIO__UN_TRUNC, MXIO__UN_SIGN, MXIO__UN_ERF, MXIO__UN_LOG1P,
    MXIO__UN_EXPM1, MXIO__UN_LOG2, MXIO__UN_LOG10, MXIO__UN_CBRT, MXIO__UN_SIN, MXIO__UN_COS,
    MXIO__UN_TAN, MXIO__UN_ARCTAN, MXIO__UN_SINH, MXIO__UN_COSH,
    MXIO__UN_RELU, MXIO__UN_SIGMOID, MXIO__UN_TANH, MXIO__UN_SOFTSIGN, MXIO__UN_IDENTITY,
    MXIO__UN_LOGICAL_NOT, /* 1 for 0, else 0 */
    MXIO__UN_COUNT
} mxio__unop;
mxio_status mxio__k_unary_create(const mxio__rt_ctx *ctx, mxio__unop op, const mxio__tdesc *data,
                                 mxio__kernel **out, mxio_error *err);

/* n inputs of one shape, summed (add_n / ElementWiseSum). */
mxio_status mxio__k_add_n_create(const mxio__rt_ctx *ctx, int n, const mxio__tdesc *in,
                                 mxio__kernel **out, mxio_error *err);
/* where(cond, x, y): cond same shape as x, or 1-D of x's first dim. */
mxio_status mxio__k_where_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                 mxio__kernel **out, mxio_error *err);
/* Any dtype to any dtype (float to int truncates toward zero, as a C cast). */
mxio_status mxio__k_cast_create(const mxio__rt_ctx *ctx, mxio_dtype to, const mxio__tdesc *data,
                                bool bf16_nearest,
                                mxio__kernel **out, mxio_error *err);
/* Dropout at inference: identity. mode=always (MC dropout) is refused. */
mxio_status mxio__k_dropout_create(const mxio__rt_ctx *ctx, bool mode_always,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* ---- data movement ------------------------------------------------------------- */

/* Concat: plain inputs run in C; when any input is in a oneDNN layout the
 * oneDNN concat primitive runs instead and the output stays in a oneDNN layout
 * (mxio__k_concat_dnnl_create with blocked_out false gives a plain output). */
mxio_status mxio__k_concat_create(const mxio__rt_ctx *ctx, int dim, int n, const mxio__tdesc *in,
                                  mxio__kernel **out, mxio_error *err);
mxio_status mxio__k_concat_dnnl_create(const mxio__rt_ctx *ctx, int axis, int n,
                                       const mxio__tdesc *in, bool blocked_out, mxio__kernel **out,
                                       mxio_error *err);

#define MXIO__SLICE_NONE INT64_MIN
typedef struct mxio__slice_params {
    int n; /* entries in begin/end/step (<= ndim) */
    int64_t begin[MXIO__RT_MAX_DIMS], end[MXIO__RT_MAX_DIMS], step[MXIO__RT_MAX_DIMS];
    /* MXIO__SLICE_NONE marks None; step None or absent means 1 */
} mxio__slice_params;
mxio_status mxio__k_slice_create(const mxio__rt_ctx *ctx, const mxio__slice_params *p,
                                 const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);
mxio_status mxio__k_slice_axis_create(const mxio__rt_ctx *ctx, int axis, int64_t begin,
                                      int64_t end /* MXIO__SLICE_NONE = None */,
                                      const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);
/* Inputs data, like; axes empty = all. */
mxio_status mxio__k_slice_like_create(const mxio__rt_ctx *ctx, int naxes, const int *axes,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

mxio_status mxio__k_transpose_create(const mxio__rt_ctx *ctx, int naxes, const int *axes,
                                     const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

typedef enum mxio__pad_mode { MXIO__PAD_CONSTANT, MXIO__PAD_EDGE, MXIO__PAD_REFLECT } mxio__pad_mode;
typedef struct mxio__pad_params {
    mxio__pad_mode mode;
    int64_t pad_width[2 * MXIO__RT_MAX_DIMS]; /* (before, after) per axis */
    int n;                                    /* entries in pad_width = 2 * ndim */
    double constant_value;
} mxio__pad_params;
mxio_status mxio__k_pad_create(const mxio__rt_ctx *ctx, const mxio__pad_params *p,
                               const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* UpSampling nearest; several inputs are scaled to the first's size * scale
 * and concatenated on axis 1 (or summed). */
mxio_status mxio__k_upsampling_create(const mxio__rt_ctx *ctx, int scale, bool sum, int n,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

typedef struct mxio__crop_params {
    int num_args; /* 1: crop to h_w; 2: crop to the second input's H, W */
    int64_t offset[2], h_w[2];
    bool center_crop;
} mxio__crop_params;
mxio_status mxio__k_crop_create(const mxio__rt_ctx *ctx, const mxio__crop_params *p,
                                const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

mxio_status mxio__k_tile_create(const mxio__rt_ctx *ctx, int nreps, const int64_t *reps,
                                const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);
/* axis_none: flatten first (MXNet axis=None). */
mxio_status mxio__k_repeat_create(const mxio__rt_ctx *ctx, int64_t repeats, bool axis_none,
                                  int axis, const mxio__tdesc *data, mxio__kernel **out,
                                  mxio_error *err);

/* Inputs indices (float, truncated then clipped to [0, input_dim-1]), weight. */
mxio_status mxio__k_embedding_create(const mxio__rt_ctx *ctx, int64_t input_dim,
                                     int64_t output_dim, const mxio__tdesc *in,
                                     mxio__kernel **out, mxio_error *err);

/* ---- linear algebra, reductions, more data movement (k_extra.c) -------------- */

/* dot: MXNet's DotShape (lhs contracted on its last axis, or its first when
 * transpose_a; rhs on its first, or its last when transpose_b). oneDNN sgemm. */
mxio_status mxio__k_dot_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);
/* batch_dot: (B..., M, K) x (B..., K, N) with the same leading dims. */
mxio_status mxio__k_batch_dot_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* _linalg_gemm2: alpha * op(A) . op(B) over the last two axes, batched over the
 * identical leading ones (MXNet's default axis=-3 only). */
mxio_status mxio__k_linalg_gemm2_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                        float alpha, const mxio__tdesc *in, mxio__kernel **out,
                                        mxio_error *err);

/* _contrib_interleaved_matmul_selfatt_qk / _valatt (GluonNLP BERT): qkv (T, N,
 * 3*H*d) interleaved per head as [q, k, v]. qk: output (N*H, T, T) =
 * q . k^T / sqrt(d). valatt (second input: attention (N*H, T, T)): output
 * (T, N, H*d). oneDNN sgemm per (sequence, head). */
mxio_status mxio__k_selfatt_create(const mxio__rt_ctx *ctx, bool valatt, int64_t heads,
                                   const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* _linalg_gemm: alpha * op(A) . op(B) + beta * C (inputs A, B, C; C shaped like
 * the product), batched like _linalg_gemm2. */
mxio_status mxio__k_linalg_gemm_create(const mxio__rt_ctx *ctx, bool transpose_a, bool transpose_b,
                                       float alpha, float beta, const mxio__tdesc *in,
                                       mxio__kernel **out, mxio_error *err);

/* _contrib_interleaved_matmul_encdec_qk / _valatt (Sockeye 2): queries (Tq, N,
 * H*d), keys_values (Tk, N, 2*H*d) interleaved per head as [k, v]. qk: output
 * (N*H, Tq, Tk) = q . k^T / sqrt(d). valatt (inputs keys_values, attention
 * (N*H, Tq, Tk)): output (Tq, N, H*d). */
mxio_status mxio__k_encdec_create(const mxio__rt_ctx *ctx, bool valatt, int64_t heads,
                                  const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

typedef enum mxio__reduce_op {
    MXIO__RED_SUM, MXIO__RED_MEAN, MXIO__RED_PROD, MXIO__RED_MAX, MXIO__RED_MIN, MXIO__RED_NORM,
    MXIO__RED_NANSUM, MXIO__RED_NANPROD /* NaN counts as 0 / 1 */
} mxio__reduce_op;
typedef struct mxio__reduce_params {
    mxio__reduce_op op; /* NORM: L2 (norm with ord=2) */
    int naxes;          /* 0: all axes (MXNet axis=None / ()) */
    int axes[MXIO__RT_MAX_DIMS];
    bool keepdims, exclude;
} mxio__reduce_params;
/* sum, mean, prod, max, min, norm; accumulates in double. */
mxio_status mxio__k_reduce_create(const mxio__rt_ctx *ctx, const mxio__reduce_params *p,
                                  const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* n inputs copied to n outputs of the same dtypes and shapes (amp_multicast
 * when every input already has the target dtype); in place allowed. */
mxio_status mxio__k_copies_create(const mxio__rt_ctx *ctx, const char *op, int n, const mxio__tdesc *in,
                                  mxio__kernel **out, mxio_error *err);

/* SliceChannel / split: num_outputs equal pieces along axis (k->nout outputs). */
mxio_status mxio__k_split_create(const mxio__rt_ctx *ctx, int num_outputs, int axis,
                                 bool squeeze_axis, const mxio__tdesc *data, mxio__kernel **out,
                                 mxio_error *err);

/* _split_v2 with explicit split points (starts of each piece, the first 0, as
 * the backend receives them); `sections` > 0 means that many equal pieces. */
mxio_status mxio__k_split_v2_create(const mxio__rt_ctx *ctx, int npoints, const int64_t *points,
                                    int sections, int axis, bool squeeze_axis,
                                    const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* broadcast_to (shape entries 0 keep the input size); broadcast_axis and
 * broadcast_like reduce to it once the caller has the target shape. `nin` = 2
 * when a second (shape-only) input is taken, as broadcast_like's. */
mxio_status mxio__k_broadcast_to_create(const mxio__rt_ctx *ctx, int ndim, const int64_t *shape,
                                        int nin, const mxio__tdesc *in, mxio__kernel **out,
                                        mxio_error *err);

/* hard_sigmoid: max(0, min(1, alpha * x + beta)). */
mxio_status mxio__k_hard_sigmoid_create(const mxio__rt_ctx *ctx, float alpha, float beta,
                                        const mxio__tdesc *data, mxio__kernel **out,
                                        mxio_error *err);

/* Reshape, Flatten, expand_dims, squeeze: a copy (or nothing, in place) with the
 * output dims the caller computed; counts must match. */
mxio_status mxio__k_reshape_create(const mxio__rt_ctx *ctx, int ndim, const int64_t *dims,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* argmax / argmin along one axis (axis_none: over the flattened data, MXNet
 * axis=None); float indices, first occurrence on ties. */
mxio_status mxio__k_argmax_create(const mxio__rt_ctx *ctx, bool is_min, bool axis_none, int axis,
                                  bool keepdims, const mxio__tdesc *data, mxio__kernel **out,
                                  mxio_error *err);
/* zeros_like / ones_like / _full-like fill with `value`, shape of in[0]. */
mxio_status mxio__k_fill_like_create(const mxio__rt_ctx *ctx, float value, const mxio__tdesc *data,
                                     mxio__kernel **out, mxio_error *err);
/* Source kernels (no inputs): _zeros / _ones / _full of a known shape, and
 * _arange (stop None: range(0, start); value i = start + (i / repeat) * step
 * in float, as MXNet's range_fwd). The executor may also fold them to constants. */
mxio_status mxio__k_full_create(const mxio__rt_ctx *ctx, int ndim, const int64_t *dims, float value,
                                mxio__kernel **out, mxio_error *err);
mxio_status mxio__k_arange_create(const mxio__rt_ctx *ctx, double start, bool has_stop, double stop,
                                  double step, int64_t repeat, mxio__kernel **out, mxio_error *err);
/* The same in any dtype MXNet's source ops take, over a given shape (the
 * shape rule's, which infer_range takes from the consumers). MXNet 1.9.1's
 * casts (init_op.h): a fill value is static_cast to the dtype; a range's start
 * and step too, except for the dtypes std::is_signed calls unsigned (uint8,
 * float16, bfloat16), which go through an int64 first (so their start and step
 * are truncated); values are start + (i / repeat) * step in the dtype's
 * arithmetic (integers wrap; float16 is rounded once, MXNet rounds the
 * product and the sum: equal while the values are exact; bfloat16 keeps the
 * float's high half, as mshadow's bf16_t). `range` false:
 * every value is `start`. */
mxio_status mxio__k_source_create(const mxio__rt_ctx *ctx, mxio_dtype dtype, int ndim,
                                  const int64_t *dims, bool range, double start, double step,
                                  int64_t repeat, mxio__kernel **out, mxio_error *err);
/* Element i of a plain buffer of dtype `t` set from `v` (float to integer
 * saturates; float16/bfloat16 round to nearest even). */
void mxio__rt_store_value(void *p, mxio_dtype t, int64_t i, double v);
/* _contrib_arange_like: _arange over data's shape (axis_none) or (data.shape[axis],). */
mxio_status mxio__k_arange_like_create(const mxio__rt_ctx *ctx, double start, double step,
                                       int64_t repeat, bool axis_none, int axis,
                                       const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);
/* stack: n inputs of one shape joined along a new axis (a Concat of the inputs
 * viewed with a unit axis inserted). */
mxio_status mxio__k_stack_create(const mxio__rt_ctx *ctx, int axis, int n, const mxio__tdesc *in,
                                 mxio__kernel **out, mxio_error *err);
/* topk / sort / argsort along one axis: k < 1 means all; values, float indices,
 * both (two outputs: values, indices) or a 0/1 mask of the input's shape. Ties
 * keep index order (MXNet's CPU sort is not documented as stable: avoid ties
 * when comparing). */
typedef enum mxio__topk_ret { MXIO__TOPK_VALUE, MXIO__TOPK_INDICES, MXIO__TOPK_BOTH, MXIO__TOPK_MASK } mxio__topk_ret;
mxio_status mxio__k_topk_create(const mxio__rt_ctx *ctx, int axis, bool axis_none, int64_t k,
                                mxio__topk_ret ret, bool ascend, const mxio__tdesc *data,
                                mxio__kernel **out, mxio_error *err);
/* gather_nd(data, indices): indices (M, Y...) address the first M axes of data
 * (negative values count from the end, as MXNet); output (Y..., rest of data).
 * An index outside [-dim, dim) is a run-time MXIO_E_SHAPE error, as in MXNet. */
mxio_status mxio__k_gather_nd_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                     mxio__kernel **out, mxio_error *err);
/* shape_array / size_array: the input's dims (or element count) as int64. */
mxio_status mxio__k_shape_array_create(const mxio__rt_ctx *ctx, bool size_only,
                                       const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);
/* one_hot: indices (float, truncated; out of [0, depth) gives an all-off row). */
mxio_status mxio__k_one_hot_create(const mxio__rt_ctx *ctx, int64_t depth, float on_value,
                                   float off_value, const mxio__tdesc *indices, mxio__kernel **out,
                                   mxio_error *err);
/* take(a, indices, axis, mode clip|wrap): indices float, truncated. */
mxio_status mxio__k_take_create(const mxio__rt_ctx *ctx, int axis, bool wrap, const mxio__tdesc *in,
                                mxio__kernel **out, mxio_error *err);
/* pick(data, index, axis, keepdims, mode clip|wrap). */
mxio_status mxio__k_pick_create(const mxio__rt_ctx *ctx, int axis, bool keepdims, bool wrap,
                                const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* SequenceMask / SequenceLast (axis 0: (T, N, ...), axis 1: (N, T, ...)).
 * Inputs data[, sequence_length (N,)] when use_sequence_length. Mask sets
 * steps t >= length[n] to `value`; Last returns step length[n]-1 (T-1 without
 * lengths), shape without the time axis. */
mxio_status mxio__k_sequence_create(const mxio__rt_ctx *ctx, bool last, bool use_length, int axis,
                                    float value, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err);
/* SequenceReverse (axis 0): step t < length[n] takes step length[n]-1-t; the
 * padding steps are copied as they are. */
mxio_status mxio__k_sequence_reverse_create(const mxio__rt_ctx *ctx, bool use_length,
                                            const mxio__tdesc *in, mxio__kernel **out,
                                            mxio_error *err);

/* depth_to_space (DCR) / space_to_depth with block_size, on (N, C, H, W). */
mxio_status mxio__k_depth_space_create(const mxio__rt_ctx *ctx, bool to_space, int64_t block,
                                       const mxio__tdesc *data, mxio__kernel **out,
                                       mxio_error *err);
/* _contrib_AdaptiveAvgPooling2D to (oh, ow): window [floor(i*H/oh), ceil((i+1)*H/oh)). */
mxio_status mxio__k_adaptive_avg_pool_create(const mxio__rt_ctx *ctx, int64_t oh, int64_t ow,
                                             const mxio__tdesc *data, mxio__kernel **out,
                                             mxio_error *err);
/* _contrib_BilinearResize2D to (oh, ow) (the caller resolves the mode); nin 2
 * when a `like` input is taken. */
mxio_status mxio__k_bilinear_resize_create(const mxio__rt_ctx *ctx, int64_t oh, int64_t ow,
                                           bool align_corners, int nin, const mxio__tdesc *in,
                                           mxio__kernel **out, mxio_error *err);

/* _contrib_MultiBoxPrior: anchors (1, H*W*A, 4) for data (N, C, H, W); the data
 * values are not read. Steps <= 0 mean 1/H and 1/W. */
#define MXIO__MAX_ANCHOR_PARAMS 32
typedef struct mxio__multibox_prior_params {
    int nsizes, nratios;
    float sizes[MXIO__MAX_ANCHOR_PARAMS], ratios[MXIO__MAX_ANCHOR_PARAMS];
    bool clip;
    float steps[2];   /* (y, x) */
    float offsets[2]; /* (y, x) */
} mxio__multibox_prior_params;
mxio_status mxio__k_multibox_prior_create(const mxio__rt_ctx *ctx,
                                          const mxio__multibox_prior_params *p,
                                          const mxio__tdesc *data, mxio__kernel **out,
                                          mxio_error *err);

/* _contrib_MultiBoxDetection (MXNet's CPU kernel: background is class 0,
 * background_id is not read there either). Inputs cls_prob (N, classes, A),
 * loc_pred (N, A*4), anchors (1, A, 4); output (N, A, 6) rows [id, score,
 * xmin, ymin, xmax, ymax], -1 rows after the valid ones and for suppressed ids. */
typedef struct mxio__multibox_detection_params {
    bool clip;
    float threshold, nms_threshold;
    bool force_suppress;
    float variances[4];
    int nms_topk;
} mxio__multibox_detection_params;
mxio_status mxio__k_multibox_detection_create(const mxio__rt_ctx *ctx,
                                              const mxio__multibox_detection_params *p,
                                              const mxio__tdesc *in, mxio__kernel **out,
                                              mxio_error *err);

/* _contrib_box_nms (box_non_maximum_suppression), MXNet's CPU algorithm: per
 * batch, boxes with score > valid_thresh (and id != background_id when id_index
 * >= 0) are stably sorted by score, the first topk are suppressed greedily
 * (IoU > overlap_thresh, same id unless force_suppress), survivors are packed
 * to the front, the rest of the rows are -1; coordinates converted when
 * in_format != out_format. Data (..., num_elem, width). The hidden index
 * output is not produced. */
typedef struct mxio__box_nms_params {
    float overlap_thresh, valid_thresh;
    int topk, coord_start, score_index, id_index;
    float background_id;
    bool force_suppress;
    bool in_center, out_center; /* false = corner */
} mxio__box_nms_params;
mxio_status mxio__k_box_nms_create(const mxio__rt_ctx *ctx, const mxio__box_nms_params *p,
                                   const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* _contrib_box_decode: data (B, N, 4) deltas, anchors (1, N, 4) in `corner` or
 * `center` format; output corners. clip > 0 caps the scaled log-sizes. */
typedef struct mxio__box_decode_params {
    float std[4];
    float clip;
    bool anchors_corner;
} mxio__box_decode_params;
mxio_status mxio__k_box_decode_create(const mxio__rt_ctx *ctx, const mxio__box_decode_params *p,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* _contrib_ROIAlign: data (N, C, H, W), rois (R, 5) [batch, x1, y1, x2, y2] (or
 * (R, 4), batch 0); output (R, C', ph, pw) with C' = C / (ph*pw) when
 * position_sensitive. MXNet's CPU algorithm (bilinear samples on a
 * sample_ratio grid, or ceil(roi/pooled) when <= 0; aligned = half-pixel). */
typedef struct mxio__roi_align_params {
    int64_t pooled[2];
    float spatial_scale;
    int sample_ratio;
    bool position_sensitive, aligned;
} mxio__roi_align_params;
mxio_status mxio__k_roi_align_create(const mxio__rt_ctx *ctx, const mxio__roi_align_params *p,
                                     const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* ROIPooling: data (N, C, H, W), rois (R, 5) [batch, x1, y1, x2, y2]; output
 * (R, C, ph, pw), max over each rounded bin (MXNet's CPU kernel; empty bins and
 * invalid batch indices give 0). */
mxio_status mxio__k_roi_pool_create(const mxio__rt_ctx *ctx, const int64_t pooled[2],
                                    float spatial_scale, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err);

/* _contrib_Proposal (batch 1, as MXNet's CPU kernel) and _contrib_MultiProposal
 * (`multi`: N images): inputs cls_prob (N, 2A, H, W), bbox_pred (N, 4A, H, W),
 * im_info (N, 3); output (N*post_nms_top_n, 5) [image, x1, y1, x2, y2] and,
 * when output_score, scores (N*post_nms_top_n, 1). */
typedef struct mxio__proposal_params {
    int pre_nms_top_n, post_nms_top_n;
    float threshold, min_size;
    int nscales, nratios;
    float scales[MXIO__MAX_ANCHOR_PARAMS], ratios[MXIO__MAX_ANCHOR_PARAMS];
    float feature_stride;
    bool output_score, iou_loss;
} mxio__proposal_params;
mxio_status mxio__k_proposal_create(const mxio__rt_ctx *ctx, const mxio__proposal_params *p,
                                    bool multi, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err);

/* _contrib_PSROIPooling: data (N, C, H, W), rois (R, 5) [batch, x1, y1, x2, y2];
 * output (R, output_dim, pooled, pooled); group_size 0 means pooled_size. */
mxio_status mxio__k_psroi_pool_create(const mxio__rt_ctx *ctx, float spatial_scale, int64_t output_dim,
                                      int64_t pooled_size, int64_t group_size, const mxio__tdesc *in,
                                      mxio__kernel **out, mxio_error *err);
/* _contrib_box_iou: lhs (..., 4) x rhs (..., 4) -> lhs.shape[:-1] + rhs.shape[:-1]
 * IoU, corner or center boxes (MXNet's Intersect / BoxArea: negative sizes give
 * area 0). */
mxio_status mxio__k_box_iou_create(const mxio__rt_ctx *ctx, bool center, const mxio__tdesc *in,
                                   mxio__kernel **out, mxio_error *err);
/* _contrib_box_encode: inputs samples (B, N), matches (B, N), anchors (B, N, 4),
 * refs (B, M, 4), means (4,), stds (4,); outputs targets and masks (B, N, 4).
 * A positive sample whose match is outside [0, M) is a run-time MXIO_E_SHAPE. */
mxio_status mxio__k_box_encode_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                      mxio__kernel **out, mxio_error *err);
/* _contrib_bipartite_matching: data (..., N, M) scores; outputs the matched
 * column per row (..., N) and row per column (..., M), -1 where unmatched. */
mxio_status mxio__k_bipartite_matching_create(const mxio__rt_ctx *ctx, bool is_ascend, float threshold,
                                              int64_t topk, const mxio__tdesc *data, mxio__kernel **out,
                                              mxio_error *err);
/* _contrib_MultiBoxTarget: inputs anchor (1, A, 4), label (B, L, W >= 5) rows
 * [class, x1, y1, x2, y2, ...] ended by a class of -1, cls_pred (B, classes, A);
 * outputs loc_target, loc_mask (B, 4A) and cls_target (B, A). */
typedef struct mxio__multibox_target_params {
    float overlap_threshold, ignore_label, negative_mining_ratio, negative_mining_thresh;
    float variances[4];
} mxio__multibox_target_params;
mxio_status mxio__k_multibox_target_create(const mxio__rt_ctx *ctx, const mxio__multibox_target_params *p,
                                           const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* ---- sampling grids (k_spatial.c) ------------------------------------------------------ */

/* GridGenerator: affine (data (N, 6) -> grid (N, 2, th, tw)) or warp (flow
 * (N, 2, H, W) -> grid of the same shape); values in [-1, 1] at the borders. */
mxio_status mxio__k_grid_generator_create(const mxio__rt_ctx *ctx, bool warp, int64_t th, int64_t tw,
                                          const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);
/* BilinearSampler: data (N, C, H, W), grid (N, 2, h, w) of (x, y) -> (N, C, h, w);
 * corners outside the input are 0. */
mxio_status mxio__k_bilinear_sampler_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                            mxio__kernel **out, mxio_error *err);
/* SpatialTransformer (affine, bilinear): data (N, C, H, W), loc (N, 6) -> (N, C, th, tw). */
mxio_status mxio__k_spatial_transformer_create(const mxio__rt_ctx *ctx, int64_t th, int64_t tw,
                                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);
/* Correlation (FlowNet): two (N, C, H, W) inputs -> (N, (2r+1)^2, th, tw) with
 * r = max_displacement / stride2. */
typedef struct mxio__correlation_params {
    int64_t kernel_size, max_displacement, stride1, stride2, pad_size;
    bool is_multiply;
} mxio__correlation_params;
mxio_status mxio__k_correlation_create(const mxio__rt_ctx *ctx, const mxio__correlation_params *p,
                                       const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* _contrib_DeformableConvolution, 2-D (MXNet's CPU im2col has no other rank):
 * inputs data (N, C, H, W), offset (N, 2*kh*kw*deformable_groups, oh, ow),
 * weight (num_filter, C/num_group, kh, kw)[, bias]. */
typedef struct mxio__deform_conv_params {
    int64_t kernel[2], stride[2], dilate[2], pad[2];
    int64_t num_filter, num_group, num_deformable_group;
    bool no_bias;
} mxio__deform_conv_params;
mxio_status mxio__k_deform_conv_create(const mxio__rt_ctx *ctx, const mxio__deform_conv_params *p,
                                       const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* ---- samplers (k_random.c) ----------------------------------------------------------- */

/* Values differ from MXNet's (another generator; a fresh OS seed per run); shapes,
 * dtypes, supports and distributions are MXNet's. */
typedef enum mxio__sampler {
    MXIO__SAMPLE_UNIFORM,  /* [a, b) */
    MXIO__SAMPLE_NORMAL,   /* mean a, standard deviation b */
    MXIO__SAMPLE_RANDINT,  /* integers in [a, b), int32 or int64 */
    MXIO__SAMPLE_MULTINOMIAL
} mxio__sampler;
/* _random_uniform / _random_normal (float32) and _random_randint: no inputs. */
mxio_status mxio__k_sampler_create(const mxio__rt_ctx *ctx, mxio__sampler kind, double a, double b,
                                   int ndim, const int64_t *dims, mxio_dtype dtype, mxio__kernel **out,
                                   mxio_error *err);
/* _sample_multinomial: data (..., k) probabilities; `shape` samples per row, as
 * int32, uint8 or float32 class indices; get_prob adds log p of each sample. */
mxio_status mxio__k_multinomial_create(const mxio__rt_ctx *ctx, int nshape, const int64_t *shape,
                                       bool get_prob, mxio_dtype dtype, const mxio__tdesc *data,
                                       mxio__kernel **out, mxio_error *err);

/* ---- RNN (k_rnn.c) -------------------------------------------------------------- */

typedef enum mxio__rnn_mode { MXIO__RNN_RELU, MXIO__RNN_TANH, MXIO__RNN_LSTM, MXIO__RNN_GRU } mxio__rnn_mode;
typedef struct mxio__rnn_params {
    mxio__rnn_mode mode;
    int64_t state_size;
    int num_layers;
    bool bidirectional;
    bool state_outputs; /* outputs 1 (and 2 for lstm): final hidden (and cell) states */
} mxio__rnn_params;
/* Fused RNN at inference. Inputs data (T, N, C), parameters (flat), state
 * (L*D, N, H)[, state_cell (L*D, N, H) for lstm]. Not supported (the caller
 * refuses them): projection_size, lstm_state_clip_*, use_sequence_length. */
mxio_status mxio__k_rnn_create(const mxio__rt_ctx *ctx, const mxio__rnn_params *p,
                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* ---- shared by the kernel files -------------------------------------------- */

mxio__kernel *mxio__kernel_new(const char *op, int nin, const mxio__tdesc *in, size_t impl_size);
void mxio__kernel_default_destroy(mxio__kernel *k);
/* A kernel with the default destroy, `run`, and output 0 shaped like input 0 (the
 * create function adjusts it); NULL (with err set) when out of memory. */
mxio__kernel *mxio__kernel_new_unary(const char *op, int nin, const mxio__tdesc *in, size_t impl,
                                     mxio__kernel_run_fn run, mxio_error *err);
/* Product of d[from..to) (sizes already checked when the kernel was created). */
int64_t mxio__rt_prod(const int64_t *d, int from, int to);
mxio_status mxio__rt_check_plain_f32(const char *op, int nin, const mxio__tdesc *in,
                                     mxio_error *err);
int mxio__rt_axis(int axis, int ndim);
/* End of every create: refuse outputs whose size overflows, then hand over k
 * (freed on failure). */
mxio_status mxio__rt_kernel_done(mxio__kernel *k, mxio__kernel **out, mxio_error *err);
/* int64 products and sums of untrusted values; false on overflow. */
bool mxio__rt_mul_i64(int64_t a, int64_t b, int64_t *out);
bool mxio__rt_add_i64(int64_t a, int64_t b, int64_t *out);
/* Inputs of an element-wise op: all plain fp32, or all in one oneDNN layout
 * (padded layouts only when keeps_zero: f(0) = 0). *count = elements to run. */
mxio_status mxio__rt_elementwise_count(const char *op, int nin, const mxio__tdesc *in,
                                       bool keeps_zero, int64_t *count, mxio_error *err);
/* Pooling through oneDNN with the geometry already resolved (k_dnnl.c). */
mxio_status mxio__k_pool_dnnl(const mxio__rt_ctx *ctx, const mxio__pool_params *p,
                              const int64_t *kernel, const int64_t *stride, const int64_t *pad,
                              const mxio__tdesc *data, const mxio__tdesc *outd,
                              mxio__kernel **out, mxio_error *err);

/* Run one oneDNN call inside a kernel constructor or run function: on failure set
 * `status_var` to MXIO_E_UNSUPPORTED with a message naming the kernel's `op` and the
 * step, and jump to the function's `fail` label (which frees what was made). */
#define MXIO__DNNL_TRY(status_var, call, what)                                                 \
    do {                                                                                       \
        dnnl_status_t dnnl_st_ = (call);                                                       \
        if (dnnl_st_ != dnnl_success) {                                                        \
            status_var = mxio__fail(err, MXIO_E_UNSUPPORTED,                                   \
                                    "runtime: %s: oneDNN %s failed (status %d)", op, what,      \
                                    (int)dnnl_st_);                                            \
            goto fail;                                                                         \
        }                                                                                      \
    } while (0)

#endif /* MXIO_RUNTIME_RUNTIME_H */
