/* builder_graph - builds a small NetGraph with the builder API and exports it,
 * for tests/export/test_export_builder.py:
 *
 *   builder_graph OUT-symbol.json
 *
 * data -> conv (4 ch, 3x3, pad 1) -> relu --+--> add (Plus) -> concat(add, data) -> bn -> out
 *     \-> conv_side (4 ch, 1x1, no bias) ---/
 * plus a second output: relu. Weights 0.01 * (i % 17 - 8); bn statistics fixed. */
#include <stdio.h>
#include <stdlib.h>

#include "mxio.h"

static int put(mxio_net_builder *b, const char *layer, const char *slot, int ndim,
               const int64_t *shape, float offset, mxio_error *err) {
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    float *w = malloc((size_t)n * sizeof *w);
    if (!w) return 1;
    for (int64_t i = 0; i < n; i++) w[i] = offset + 0.01f * (float)(i % 17 - 8);
    int bad = mxio_net_builder_array(b, layer, slot, NULL, MXIO_DTYPE_FLOAT32, ndim, shape, w,
                                     err) != MXIO_OK;
    free(w);
    return bad;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    mxio_error err;
    mxio_net_builder *b = mxio_net_builder_new();
    static const int64_t shp[] = {1, 3, 6, 6}, cw[] = {4, 3, 3, 3}, c1[] = {4}, sw[] = {4, 3, 1, 1},
                         bn[] = {7};
    int bad = mxio_net_builder_input(b, "data", 4, shp, &err) ||
              mxio_net_builder_layer(b, "conv", "ConvolutionLayer", &err) ||
              mxio_net_builder_option(b, "conv", "OutputChannels", "4", &err) ||
              mxio_net_builder_option(b, "conv", "KernelSize", "[3,3]", &err) ||
              mxio_net_builder_option(b, "conv", "PaddingSize", "[1,1]", &err) ||
              mxio_net_builder_layer(b, "relu", "ElementwiseLayer", &err) ||
              mxio_net_builder_option(b, "relu", "Function", "\"Ramp\"", &err) ||
              mxio_net_builder_layer(b, "conv_side", "ConvolutionLayer", &err) ||
              mxio_net_builder_option(b, "conv_side", "OutputChannels", "4", &err) ||
              mxio_net_builder_option(b, "conv_side", "KernelSize", "[1,1]", &err) ||
              mxio_net_builder_option(b, "conv_side", "NoBias", "true", &err) ||
              mxio_net_builder_connect(b, "data", "conv_side", &err) ||
              mxio_net_builder_layer(b, "add", "ThreadingLayer", &err) ||
              mxio_net_builder_option(b, "add", "Function", "\"Plus\"", &err) ||
              mxio_net_builder_connect(b, "relu", "add", &err) ||
              mxio_net_builder_connect(b, "conv_side", "add", &err) ||
              mxio_net_builder_layer(b, "cat", "CatenateLayer", &err) ||
              mxio_net_builder_connect(b, "add", "cat", &err) ||
              mxio_net_builder_connect(b, "data", "cat", &err) ||
              mxio_net_builder_layer(b, "bn", "BatchNormalizationLayer", &err) ||
              mxio_net_builder_option(b, "bn", "FixGamma", "false", &err) ||
              put(b, "conv", "Weights", 4, cw, 0.0f, &err) || put(b, "conv", "Biases", 1, c1, 0.1f, &err) ||
              put(b, "conv_side", "Weights", 4, sw, 0.05f, &err) ||
              put(b, "bn", "Scaling", 1, bn, 1.0f, &err) || put(b, "bn", "Biases", 1, bn, 0.0f, &err) ||
              put(b, "bn", "MovingMean", 1, bn, 0.02f, &err) ||
              put(b, "bn", "MovingVariance", 1, bn, 1.0f, &err) ||
              mxio_net_builder_output(b, "bn", &err) || mxio_net_builder_output(b, "relu", &err);
    mxio_net *net = NULL;
    mxio_params *arrays = NULL;
    if (!bad) bad = mxio_net_builder_finish(b, &net, &arrays, &err) != MXIO_OK;
    if (!bad && mxio_net_is_chain(net)) {
        fprintf(stderr, "builder_graph: a chain?\n");
        bad = 1;
    }
    if (!bad) bad = mxio_net_export(net, arrays, argv[1], NULL, MXIO_WRITE_FORCE, &err) != MXIO_OK;
    if (bad) fprintf(stderr, "builder_graph: %s\n", err.message);
    mxio_net_builder_free(b);
    mxio_net_free(net);
    mxio_params_free(arrays);
    return bad;
}
