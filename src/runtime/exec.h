/* exec.h - the executor: a Net compiled into kernels (mxio_runner) and run
 * through per-thread contexts (mxio_run_context). Internal helpers shared with
 * the op records' kernel bindings. */
#ifndef MXIO_RUNTIME_EXEC_H
#define MXIO_RUNTIME_EXEC_H

#include "../ops/op.h"
#include "runtime.h"

/* `n` values of `dtype` at `src` (any alignment) into fp32 `dst`.
 * False for a dtype with no numeric meaning here. */
bool mxio__exec_to_f32(mxio_dtype dtype, const void *src, size_t n, float *dst);

/* Binding helpers for the op records. */
/* A copy of input 0 to the output shape (Reshape family, identity heads). */
mxio_status mxio__bind_reshape(const mxio__kernel_req *r, mxio__kernel **out, mxio_error *err);
/* MXIO_E_UNSUPPORTED naming the node and what is not supported. */
mxio_status mxio__bind_unsupported(const mxio__kernel_req *r, mxio_error *err, const char *what);
/* Name-to-value lookup in a NULL-terminated table of names; -1 if absent. */
int mxio__bind_pick(const char *s, const char *const *names);

#endif /* MXIO_RUNTIME_EXEC_H */
