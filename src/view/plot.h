/* plot.h - NodeGraphPlot internals: the pieces of a node's drawing that tests
 * check on their own (label text, family names). Internal: names are mxio__*. */
#ifndef MXIO_VIEW_PLOT_H
#define MXIO_VIEW_PLOT_H

#include "../ops/op.h"

/* Legend name of an op family ("convolution", "pooling", ...); "other" for
 * values outside the enum. */
const char *mxio__plot_kind_name(mxio__op_kind kind);
/* Fill colour of an op family, "#rrggbb". */
const char *mxio__plot_kind_color(mxio__op_kind kind);

/* The key attributes of a node as one compact line ("3x3/2, 64"): the
 * parameters of `op` (may be NULL for an unregistered op) that the node sets to
 * something other than their default, in the parameter table's order. Appends
 * to `out`, without escaping; the caller escapes for its output. */
void mxio__plot_key_attrs(const mxio__node *n, const mxio__op *op, mxio__buf *out);

#endif /* MXIO_VIEW_PLOT_H */
