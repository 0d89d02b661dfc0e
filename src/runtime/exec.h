/* exec.h - the executor: a Net compiled into kernels (mxio_runner) and run
 * through per-thread contexts (mxio_run_context). Internal helpers shared with
 * the op records' kernel bindings. */
#ifndef MXIO_RUNTIME_EXEC_H
#define MXIO_RUNTIME_EXEC_H

#include "../graph/infer.h"
#include "../ops/op.h"
#include "runtime.h"

/* `n` values of `dtype` at `src` (any alignment) into fp32 `dst`.
 * False for a dtype with no numeric meaning here. */
bool mxio__exec_to_f32(mxio_dtype dtype, const void *src, size_t n, float *dst);

/* What the executor fuses into a Convolution: a following BatchNorm folded into
 * the weights and bias (always given: fp32, owned by the runner), then the
 * kernel's post-ops: a residual sum and an activation. */
typedef struct mxio__fusion {
    const float *weight, *bias;
    bool post_sum, post_act;
    mxio__act_params act;
} mxio__fusion;

/* Parameters of the activation ops (Activation, LeakyReLU, clip, relu, ...) and
 * of BatchNorm from a node's attrs; false for other ops or attrs that do not
 * parse. Defined next to the records (activation.c, norm.c). */
bool mxio__act_params_of(const mxio__attrs *a, mxio__act_params *p);
bool mxio__bn_params_of(const mxio__attrs *a, mxio__bn_params *p);

/* Binding helpers for the op records. */
/* A copy of input 0 to the output shape (Reshape family, identity heads). */
mxio_status mxio__bind_reshape(const mxio__kernel_req *r, mxio__kernel **out, mxio_error *err);
/* MXIO_E_UNSUPPORTED naming the node and what is not supported. */
mxio_status mxio__bind_unsupported(const mxio__kernel_req *r, mxio_error *err, const char *what);
/* Name-to-value lookup in a NULL-terminated table of names; -1 if absent. */
int mxio__bind_pick(const char *s, const char *const *names);

/* Whole-net shape inference (exec_shapes.c): the Net's layers with the runner's
 * input shapes and the arrays' shapes, iterated forward and backward to a
 * fixpoint (mxio__infer_shapes). The runner asks for it only when a layer's own
 * rule leaves an output dim unknown (a source op's 0 dims). */
struct mxio_net;
typedef struct mxio__exec_net_shapes {
    mxio__shapes sh;
    size_t layer0; /* node of layer 0 in sh */
} mxio__exec_net_shapes;
/* `input_shapes` has one entry per net input. */
mxio_status mxio__exec_infer_net(const struct mxio_net *net, const mxio__shape *input_shapes,
                                 mxio__exec_net_shapes *out, mxio_error *err);
/* Output `port` of layer `layer`, or NULL. */
const mxio__shape *mxio__exec_net_shape(const mxio__exec_net_shapes *s, size_t layer, int port);

#endif /* MXIO_RUNTIME_EXEC_H */
