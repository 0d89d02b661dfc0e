/* test_exec_shapes.c - the runner's whole-net shape inference
 * (mxio__exec_infer_net): a Net viewed as a graph again, the runner's input
 * shapes as hints, a source op's 0 dims filled from its consumers. */
#include "check.h"
#include "format/symbol.h"
#include "net/net.h"
#include "runtime/exec.h"

static const char *const GRAPH =
    "{\"nodes\": ["
    "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []},"
    "{\"op\": \"_zeros\", \"name\": \"zz\", \"attrs\": {\"shape\": \"(0, 4)\"}, \"inputs\": []},"
    "{\"op\": \"null\", \"name\": \"fh_weight\", \"inputs\": []},"
    "{\"op\": \"FullyConnected\", \"name\": \"fh\", \"attrs\": {\"num_hidden\": \"2\", \"no_bias\": \"True\"}, "
    "\"inputs\": [[1, 0, 0], [2, 0, 0]]},"
    "{\"op\": \"null\", \"name\": \"fx_weight\", \"inputs\": []},"
    "{\"op\": \"FullyConnected\", \"name\": \"fx\", \"attrs\": {\"num_hidden\": \"2\", \"no_bias\": \"True\"}, "
    "\"inputs\": [[0, 0, 0], [4, 0, 0]]},"
    "{\"op\": \"elemwise_add\", \"name\": \"add\", \"inputs\": [[3, 0, 0], [5, 0, 0]]}"
    "], \"arg_nodes\": [0, 2, 4], \"heads\": [[6, 0, 0]], "
    "\"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";

static void test_zeros_from_consumers(void) {
    mxio_symbol *s = NULL;
    mxio_net *net = NULL;
    mxio_error err;
    CHECK_EQ_INT(mxio_symbol_read_buffer(GRAPH, strlen(GRAPH), "test", 0, &s, &err), MXIO_OK);
    if (!s) return;
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, NULL, &net, &err), MXIO_OK);
    if (!net) {
        mxio_symbol_free(s);
        return;
    }
    size_t zz = net->nlayers, add = net->nlayers;
    for (size_t i = 0; i < net->nlayers; i++) {
        if (strcmp(net->layers[i].name, "zz") == 0) zz = i;
        if (strcmp(net->layers[i].name, "add") == 0) add = i;
    }
    CHECK(zz < net->nlayers && add < net->nlayers && net->ninputs == 1);
    mxio__shape in = {.ndim = 2, .d = {6, 3}};
    mxio__exec_net_shapes ns;
    CHECK_EQ_INT(mxio__exec_infer_net(net, &in, &ns, &err), MXIO_OK);
    const mxio__shape *z = mxio__exec_net_shape(&ns, zz, 0), *o = mxio__exec_net_shape(&ns, add, 0);
    CHECK(z && o);
    if (z && o) {
        CHECK_EQ_INT(z->ndim, 2);
        CHECK_EQ_INT(z->d[0], 6);
        CHECK_EQ_INT(z->d[1], 4);
        CHECK_EQ_INT(o->d[0], 6);
        CHECK_EQ_INT(o->d[1], 2);
    }
    CHECK(mxio__exec_net_shape(&ns, zz, 1) == NULL);
    CHECK(mxio__exec_net_shape(&ns, net->nlayers, 0) == NULL);
    mxio__shapes_free(&ns.sh);

    /* without an input shape nothing tells the zeros their batch */
    mxio__shape unknown = {.ndim = -1};
    CHECK_EQ_INT(mxio__exec_infer_net(net, &unknown, &ns, &err), MXIO_OK);
    z = mxio__exec_net_shape(&ns, zz, 0);
    CHECK(z && z->ndim == 2 && z->d[0] <= 0 && z->d[1] == 4);
    mxio__shapes_free(&ns.sh);
    mxio_net_free(net);
    mxio_symbol_free(s);
}

int main(void) {
    test_zeros_from_consumers();
    CHECK_DONE();
}
