/* infer.h - shape and dtype inference over a whole symbol graph (internal).
 *
 * Passes over the nodes, alternately in node order (MXNet's JSON lists nodes
 * topologically) and in reverse, ask each op's record for its shape rule;
 * rules fill outputs, unknown weight shapes and unknown dims of their inputs
 * (from the outputs or the other inputs), and the passes repeat until nothing
 * changes, like MXNet's InferShape: a weight filled by one consumer reaches the
 * others, and a 0 (unknown) dim of a source op's `shape` is filled from its
 * consumers. */
#ifndef MXIO_GRAPH_INFER_H
#define MXIO_GRAPH_INFER_H

#include "../ops/op.h"

/* A known input: variable name, shape, dtype (-1 = unknown). */
typedef struct mxio__shape_hint {
    const char *name;
    mxio__shape shape;
    int dtype;
} mxio__shape_hint;

/* Every node output's shape and dtype. Output j of node i is entry row[i] + j;
 * row has nnodes + 1 entries (MXNet's node_row_ptr). */
typedef struct mxio__shapes {
    size_t nnodes;
    uint32_t *row;
    mxio__shape *shape;
    int *dtype;
    size_t unknown; /* entries whose shape is still not fully known */
} mxio__shapes;

/* Infer. Variables take hints by name, else their __shape__ / __dtype__ attrs.
 * Errors (MXIO_E_SHAPE) name the node, its op and the shapes involved; an op
 * without a shape rule leaves its outputs unknown (counted in `unknown`). */
mxio_status mxio__infer_shapes(const struct mxio_symbol *s, const mxio__shape_hint *hints,
                               size_t nhints, mxio__shapes *out, mxio_error *err);
void mxio__shapes_free(mxio__shapes *sh);

#endif /* MXIO_GRAPH_INFER_H */
