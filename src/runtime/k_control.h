/* k_control.h - MXNet's control-flow ops (_foreach, _while_loop, _cond): their
 * bodies are node subgraphs, compiled into inner runners when the outer net is
 * compiled and run by the outer kernel (see docs/runtime.md, k_control.c). */
#ifndef MXIO_RUNTIME_K_CONTROL_H
#define MXIO_RUNTIME_K_CONTROL_H

#include "../ops/op.h"
#include "tensor.h"

typedef enum mxio__control_kind {
    MXIO__CONTROL_FOREACH = 0,
    MXIO__CONTROL_WHILE = 1,
    MXIO__CONTROL_COND = 2
} mxio__control_kind;

/* Bind one control-flow node: its subgraphs come from r->attrs->node. */
mxio_status mxio__k_control_create(const mxio__kernel_req *r, mxio__control_kind kind,
                                   mxio__kernel **out, mxio_error *err);

#endif /* MXIO_RUNTIME_K_CONTROL_H */
