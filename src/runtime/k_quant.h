/* k_quant.h - MXNet's oneDNN int8 ops (quantize_v2, requantize, dequantize,
 * quantized pooling / concat / flatten, the quantized _sg_mkldnn_conv and
 * _sg_mkldnn_fully_connected), as MXNet 1.9.1's oneDNN build runs them. Tensors between these kernels are real int8/uint8 (plain layout);
 * every range input/output is a float32 (1,) tensor. */
#ifndef MXIO_RUNTIME_K_QUANT_H
#define MXIO_RUNTIME_K_QUANT_H

#include "runtime.h"

/* MXNet's quantization ranges (quantization_utils.h): the scale of a tensor
 * whose real values lie in [min, max] is range / max(|min|, |max|). */
#define MXIO__Q_INT8_RANGE 127.5f
#define MXIO__Q_UINT8_RANGE 255.5f

/* _contrib_quantize_v2. out_dtype INT8 or UINT8 (the binder resolves
 * out_type auto); calib: use [calib_min, calib_max], else the data's own
 * min and max at every run. Inputs already int8/uint8 pass through. */
typedef struct mxio__quantize_params {
    mxio_dtype out_dtype;
    bool calib;
    float calib_min, calib_max;
} mxio__quantize_params;
mxio_status mxio__k_quantize_create(const mxio__rt_ctx *ctx, const mxio__quantize_params *p,
                                    const mxio__tdesc *data, mxio__kernel **out, mxio_error *err);

/* _contrib_dequantize: inputs data (int8/uint8), min, max; float32 out. */
mxio_status mxio__k_dequantize_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in,
                                      mxio__kernel **out, mxio_error *err);

/* _contrib_quantized_pooling (max, avg) on int8/uint8; geometry resolved by
 * the binder (global pooling: kernel = data, pad 0, stride 1); the output
 * dims come from the shape rule (pooling conventions). */
typedef struct mxio__qpool_params {
    bool avg;
    bool count_include_pad;
    int nspatial;
    int64_t kernel[3], stride[3], pad[3];
} mxio__qpool_params;
mxio_status mxio__k_qpool_create(const mxio__rt_ctx *ctx, const mxio__qpool_params *p,
                                 const mxio__tdesc *in, const int64_t *out_dims,
                                 mxio__kernel **out, mxio_error *err);

/* Quantized _sg_mkldnn_conv: oneDNN int8 convolution to int32, then MXNet's
 * requantisation in C (calibrated: out_dtype INT8/UINT8, per-filter weight
 * scales) or MXNet's int32 output (uncalibrated: out_dtype INT32, one weight
 * scale, out_min/out_max ignored: the range follows the data's). Weight and bias are fp32 with the
 * BatchNorm already folded (MXNet's formula); the kernel copies them. Input
 * indices: data 0, `sum` (int8/uint8 residual) when with_sum, then data_min,
 * data_max[, sum_min, sum_max] at `min_index`. */
typedef struct mxio__qconv_params {
    int nspatial;
    int64_t kernel[3], stride[3], pad[3], dilate[3];
    int64_t num_filter, num_group;
    bool with_sum, relu, postsum_relu;
    int sum_index, min_index;
    mxio_dtype out_dtype; /* INT8 or UINT8 (calibrated), INT32 (not) */
    float out_min, out_max;
    const float *weight; /* (num_filter, C/g, k...) */
    const float *bias;   /* (num_filter,) or NULL */
} mxio__qconv_params;
mxio_status mxio__k_qconv_create(const mxio__rt_ctx *ctx, const mxio__qconv_params *p, int nin,
                                 const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* _contrib_requantize: int32 data, min, max -> int8/uint8 (out_dtype resolved
 * by the binder); calib: the output range, else the data's own. */
mxio_status mxio__k_requantize_create(const mxio__rt_ctx *ctx, const mxio__quantize_params *p,
                                      const mxio__tdesc *in, mxio__kernel **out, mxio_error *err);

/* Quantized _sg_mkldnn_fully_connected (tensor-wise: int8-valued weight and bias
 * with their ranges as inputs; channel-wise: fp32 weight and bias). Inputs data, weight[, bias], min/max of data,
 * weight[, bias]. out_dtype: UINT8/INT8 (calibrated), INT32 (not), FLOAT32
 * (enable_float_output: one output). relu: the fused eltwise. */
typedef struct mxio__qfc_params {
    int64_t num_hidden;
    bool no_bias, flatten, relu;
    bool channel_wise; /* fp32 weight and bias, per-filter scales; ranges of data only */
    mxio_dtype out_dtype;
    float out_min, out_max;
} mxio__qfc_params;
mxio_status mxio__k_qfc_create(const mxio__rt_ctx *ctx, const mxio__qfc_params *p, int nin,
                               const mxio__tdesc *in, int out_ndim, const int64_t *out_dims, mxio__kernel **out,
                               mxio_error *err);

/* _contrib_quantized_concat: n int8/uint8 inputs, then min/max of each; axis >= 0. */
mxio_status mxio__k_qconcat_create(const mxio__rt_ctx *ctx, int axis, int n, const mxio__tdesc *in,
                                   mxio__kernel **out, mxio_error *err);
/* _contrib_quantized_flatten: (N, prod(rest)), ranges pass through. */
mxio_status mxio__k_qflatten_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in, mxio__kernel **out,
                                    mxio_error *err);

/* _contrib_quantized_elemwise_add: a, b (int8/uint8, same shape), then their
 * min/max; calib: the output range (the output type follows MXNet's rule). */
mxio_status mxio__k_qadd_create(const mxio__rt_ctx *ctx, const mxio__quantize_params *p, const mxio__tdesc *in,
                                mxio__kernel **out, mxio_error *err);
/* _contrib_quantized_act with act_type relu (the only one MXNet quantizes). */
mxio_status mxio__k_qrelu_create(const mxio__rt_ctx *ctx, const mxio__tdesc *in, mxio__kernel **out,
                                 mxio_error *err);

#endif /* MXIO_RUNTIME_K_QUANT_H */
