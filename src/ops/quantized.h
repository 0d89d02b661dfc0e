/* quantized.h - kernel bindings of MXNet's oneDNN int8 ops (src/ops/quantized.c).
 * The records of these ops live in their families (misc.c: _contrib_quantize_v2,
 * _contrib_requantize, _contrib_dequantize; pool.c: _contrib_quantized_pooling; shape.c: _contrib_quantized_concat,
 * _contrib_quantized_flatten; elementwise.c: _contrib_quantized_elemwise_add; activation.c:
 * _contrib_quantized_act; conv.c: _sg_mkldnn_conv, _sg_mkldnn_fully_connected)
 * and point their `.kernel` here. */
#ifndef MXIO_OPS_QUANTIZED_H
#define MXIO_OPS_QUANTIZED_H

#include "op.h"

mxio_status mxio__bind_quantize_v2(const mxio__kernel_req *r, struct mxio__kernel **k, mxio_error *err);
mxio_status mxio__bind_requantize(const mxio__kernel_req *r, struct mxio__kernel **k, mxio_error *err);
mxio_status mxio__bind_dequantize(const mxio__kernel_req *r, struct mxio__kernel **k, mxio_error *err);
mxio_status mxio__bind_quantized_pooling(const mxio__kernel_req *r, struct mxio__kernel **k,
                                         mxio_error *err);
mxio_status mxio__bind_sg_mkldnn_conv(const mxio__kernel_req *r, struct mxio__kernel **k,
                                      mxio_error *err);

mxio_status mxio__bind_quantized_concat(const mxio__kernel_req *r, struct mxio__kernel **k,
                                        mxio_error *err);
mxio_status mxio__bind_quantized_flatten(const mxio__kernel_req *r, struct mxio__kernel **k,
                                         mxio_error *err);
mxio_status mxio__bind_quantized_elemwise_add(const mxio__kernel_req *r, struct mxio__kernel **k,
                                              mxio_error *err);
mxio_status mxio__bind_quantized_act(const mxio__kernel_req *r, struct mxio__kernel **k, mxio_error *err);
mxio_status mxio__bind_sg_mkldnn_fc(const mxio__kernel_req *r, struct mxio__kernel **k, mxio_error *err);

#endif /* MXIO_OPS_QUANTIZED_H */
