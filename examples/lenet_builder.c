/* lenet_builder.c - build LeNet in C with the builder API and export it as MXNet
 * files that mx.model.load_checkpoint and gluon.SymbolBlock.imports load.
 *
 *   lenet_builder OUT-symbol.json      (writes OUT-symbol.json and OUT-0000.params)
 *
 * The weights are a fixed pseudo-random sequence scaled by fan-in, so the test
 * suite can rebuild the same net with MXNet's symbol API and compare outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "mxio.h"

/* The weights: x_{k+1} = (1103515245 x_k + 12345) mod 2^31 mapped to [-1, 1),
 * one sequence for the whole net, divided by sqrt(fan-in). */
static uint32_t seed = 42;
static float next_uniform(void) {
    seed = (1103515245u * seed + 12345u) & 0x7fffffffu;
    return (float)seed / 1073741824.0f - 1.0f;
}

static int attach(mxio_net_builder *b, const char *layer, const char *slot, int ndim,
                  const int64_t *shape, mxio_error *err) {
    int64_t n = 1, fan_in = 1;
    for (int i = 0; i < ndim; i++) n *= shape[i];
    for (int i = 1; i < ndim; i++) fan_in *= shape[i];
    float *w = malloc((size_t)n * sizeof *w);
    if (!w) return 1;
    for (int64_t i = 0; i < n; i++) w[i] = next_uniform() / sqrtf((float)fan_in);
    mxio_status st = mxio_net_builder_array(b, layer, slot, NULL, MXIO_DTYPE_FLOAT32, ndim, shape,
                                            w, err);
    free(w);
    return st != MXIO_OK;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: lenet_builder OUT-symbol.json\n");
        return 2;
    }
    mxio_error err;
    mxio_net_builder *b = mxio_net_builder_new();
    if (!b) return 3;
    static const int64_t in_shape[] = {1, 1, 28, 28};
    static const int64_t c1w[] = {20, 1, 5, 5}, c1b[] = {20}, c2w[] = {50, 20, 5, 5}, c2b[] = {50};
    static const int64_t f1w[] = {500, 800}, f1b[] = {500}, f2w[] = {10, 500}, f2b[] = {10};
    /* A chain: each layer takes the one added before it. */
    int bad = mxio_net_builder_input(b, "data", 4, in_shape, &err) ||
              mxio_net_builder_layer(b, "conv1", "ConvolutionLayer", &err) ||
              mxio_net_builder_option(b, "conv1", "OutputChannels", "20", &err) ||
              mxio_net_builder_option(b, "conv1", "KernelSize", "[5,5]", &err) ||
              mxio_net_builder_layer(b, "tanh1", "ElementwiseLayer", &err) ||
              mxio_net_builder_option(b, "tanh1", "Function", "\"Tanh\"", &err) ||
              mxio_net_builder_layer(b, "pool1", "PoolingLayer", &err) ||
              mxio_net_builder_option(b, "pool1", "KernelSize", "[2,2]", &err) ||
              mxio_net_builder_option(b, "pool1", "Stride", "[2,2]", &err) ||
              mxio_net_builder_layer(b, "conv2", "ConvolutionLayer", &err) ||
              mxio_net_builder_option(b, "conv2", "OutputChannels", "50", &err) ||
              mxio_net_builder_option(b, "conv2", "KernelSize", "[5,5]", &err) ||
              mxio_net_builder_layer(b, "tanh2", "ElementwiseLayer", &err) ||
              mxio_net_builder_option(b, "tanh2", "Function", "\"Tanh\"", &err) ||
              mxio_net_builder_layer(b, "pool2", "PoolingLayer", &err) ||
              mxio_net_builder_option(b, "pool2", "KernelSize", "[2,2]", &err) ||
              mxio_net_builder_option(b, "pool2", "Stride", "[2,2]", &err) ||
              mxio_net_builder_layer(b, "flatten", "FlattenLayer", &err) ||
              mxio_net_builder_layer(b, "fc1", "LinearLayer", &err) ||
              mxio_net_builder_option(b, "fc1", "OutputSize", "500", &err) ||
              mxio_net_builder_layer(b, "tanh3", "ElementwiseLayer", &err) ||
              mxio_net_builder_option(b, "tanh3", "Function", "\"Tanh\"", &err) ||
              mxio_net_builder_layer(b, "fc2", "LinearLayer", &err) ||
              mxio_net_builder_option(b, "fc2", "OutputSize", "10", &err) ||
              mxio_net_builder_layer(b, "softmax", "SoftmaxLayer", &err) ||
              attach(b, "conv1", "Weights", 4, c1w, &err) || attach(b, "conv1", "Biases", 1, c1b, &err) ||
              attach(b, "conv2", "Weights", 4, c2w, &err) || attach(b, "conv2", "Biases", 1, c2b, &err) ||
              attach(b, "fc1", "Weights", 2, f1w, &err) || attach(b, "fc1", "Biases", 1, f1b, &err) ||
              attach(b, "fc2", "Weights", 2, f2w, &err) || attach(b, "fc2", "Biases", 1, f2b, &err);
    mxio_net *net = NULL;
    mxio_params *arrays = NULL;
    if (!bad) bad = mxio_net_builder_finish(b, &net, &arrays, &err) != MXIO_OK;
    mxio_net_builder_free(b);
    if (!bad) bad = mxio_net_export(net, arrays, argv[1], NULL, MXIO_WRITE_FORCE, &err) != MXIO_OK;
    mxio_net_free(net);
    mxio_params_free(arrays);
    if (bad) {
        fprintf(stderr, "lenet_builder: %s\n", err.message);
        return 1;
    }
    return 0;
}
