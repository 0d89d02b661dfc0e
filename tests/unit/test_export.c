/* test_export.c - the export API and the builder without MXNet: array path
 * naming, misuse errors, refusal to overwrite, and what export chooses for
 * built layers (MXNet's own runs of these files are in tests/export). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "mxio.h"

static void test_array_path(void) {
    char *p = mxio_export_array_path("dir/model-symbol.json");
    CHECK_EQ_STR(p, "dir/model-0000.params");
    mxio_free(p);
    p = mxio_export_array_path("net.json");
    CHECK_EQ_STR(p, "net.params");
    mxio_free(p);
    p = mxio_export_array_path("graph");
    CHECK_EQ_STR(p, "graph.params");
    mxio_free(p);
    p = mxio_export_array_path("-symbol.json"); /* no prefix: only the .json goes */
    CHECK_EQ_STR(p, "-symbol.params");
    mxio_free(p);
    CHECK(mxio_export_array_path(NULL) == NULL);
}

static mxio_net_builder *small(mxio_error *err) {
    mxio_net_builder *b = mxio_net_builder_new();
    static const int64_t shape[] = {2, 3};
    static const int64_t w[] = {4, 3};
    static const float vals[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    CHECK_EQ_INT(mxio_net_builder_input(b, "data", 2, shape, err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_layer(b, "fc", "LinearLayer", err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_option(b, "fc", "OutputSize", "4", err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_option(b, "fc", "NoBias", "true", err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_array(b, "fc", "Weights", NULL, MXIO_DTYPE_FLOAT32, 2, w, vals,
                                        err),
                 MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_layer(b, "act", "ElementwiseLayer", err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_option(b, "act", "Function", "\"LogisticSigmoid\"", err), MXIO_OK);
    return b;
}

static void test_builder_misuse(void) {
    mxio_error err;
    mxio_net_builder *b = small(&err);
    CHECK_EQ_INT(mxio_net_builder_layer(b, "fc", "LinearLayer", &err), MXIO_E_MISUSE);
    CHECK_CONTAINS(err.message, "taken");
    CHECK_EQ_INT(mxio_net_builder_layer(b, "x", "NoSuchLayer", &err), MXIO_E_MISUSE);
    CHECK_CONTAINS(err.message, "NoSuchLayer");
    CHECK_EQ_INT(mxio_net_builder_option(b, "fc", "Colour", "1", &err), MXIO_E_MISUSE);
    CHECK_CONTAINS(err.message, "Colour");
    CHECK_EQ_INT(mxio_net_builder_option(b, "nope", "OutputSize", "1", &err), MXIO_E_NOT_FOUND);
    CHECK_EQ_INT(mxio_net_builder_connect(b, "ghost", "act", &err), MXIO_E_NOT_FOUND);
    CHECK_EQ_INT(mxio_net_builder_connect(b, "fc:x", "act", &err), MXIO_E_MISUSE);
    static const int64_t w[] = {4, 3};
    static const float vals[12] = {0};
    CHECK_EQ_INT(mxio_net_builder_array(b, "fc", "Weights", NULL, MXIO_DTYPE_FLOAT32, 2, w, vals,
                                        &err),
                 MXIO_E_EXISTS);
    CHECK_EQ_INT(mxio_net_builder_array(b, "fc", "Gamma", NULL, MXIO_DTYPE_FLOAT32, 2, w, vals,
                                        &err),
                 MXIO_E_NOT_FOUND);
    mxio_net_builder_free(b);
    mxio_net_builder_free(NULL);
    /* no layers; a first layer without an input */
    b = mxio_net_builder_new();
    mxio_net *net = NULL;
    CHECK_EQ_INT(mxio_net_builder_finish(b, &net, NULL, &err), MXIO_E_MISUSE);
    CHECK_EQ_INT(mxio_net_builder_layer(b, "a", "FlattenLayer", &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_builder_finish(b, &net, NULL, &err), MXIO_E_MISUSE);
    CHECK_CONTAINS(err.message, "no input");
    CHECK(net == NULL);
    mxio_net_builder_free(b);
}

static void test_builder_to_mxnet(void) {
    mxio_error err;
    mxio_net_builder *b = small(&err);
    mxio_net *net = NULL;
    mxio_params *arrays = NULL;
    CHECK_EQ_INT(mxio_net_builder_finish(b, &net, &arrays, &err), MXIO_OK);
    mxio_net_builder_free(b);
    CHECK(mxio_net_is_chain(net));
    CHECK_EQ_STR(mxio_net_output_name(net, 0), "act_output");
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    CHECK_EQ_INT(mxio_net_to_mxnet(net, arrays, 0, &sym, &params, &err), MXIO_OK);
    /* data, fc_weight, fc, act: FullyConnected with no bias; sigmoid as Activation */
    CHECK_EQ_INT(mxio_symbol_node_count(sym), 4);
    CHECK_EQ_STR(mxio_symbol_node_name(sym, 1), "fc_weight");
    CHECK_EQ_STR(mxio_symbol_node_op(sym, 2), "FullyConnected");
    CHECK_EQ_STR(mxio_symbol_node_attr(sym, 2, "no_bias"), "True");
    CHECK_EQ_STR(mxio_symbol_node_attr(sym, 2, "num_hidden"), "4");
    CHECK_EQ_STR(mxio_symbol_node_op(sym, 3), "Activation");
    CHECK_EQ_STR(mxio_symbol_node_attr(sym, 3, "act_type"), "sigmoid");
    CHECK_EQ_STR(mxio_symbol_node_attr(sym, 0, "__shape__"), "(2, 3)");
    CHECK_EQ_INT(mxio_symbol_file_version(sym), MXIO_MXNET_VERSION);
    CHECK_EQ_INT(mxio_params_count(params), 1);
    mxio_array a;
    CHECK_EQ_INT(mxio_params_get(params, 0, &a), MXIO_OK);
    CHECK_EQ_STR(a.name, "arg:fc_weight");
    /* through the Net JSON form and back: the same graph */
    char *text = NULL;
    size_t len = 0;
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &text, &len, &err), MXIO_OK);
    mxio_net *again = NULL;
    if (text) CHECK_EQ_INT(mxio_net_read_json(text, len, "built.json", &again, &err), MXIO_OK);
    if (again) {
        mxio_symbol *sym3 = NULL;
        CHECK_EQ_INT(mxio_net_to_mxnet(again, arrays, MXIO_EXPORT_NO_ARRAYS, &sym3, NULL, &err),
                     MXIO_OK);
        char *j1 = NULL, *j2 = NULL;
        size_t l1 = 0, l2 = 0;
        CHECK_EQ_INT(mxio_symbol_write_buffer(sym, &j1, &l1, &err), MXIO_OK);
        if (sym3) CHECK_EQ_INT(mxio_symbol_write_buffer(sym3, &j2, &l2, &err), MXIO_OK);
        CHECK_EQ_STR(j1, j2);
        mxio_free(j1);
        mxio_free(j2);
        mxio_symbol_free(sym3);
        mxio_net_free(again);
    }
    mxio_free(text);
    /* float16 */
    mxio_params *half = NULL;
    mxio_symbol *sym2 = NULL;
    CHECK_EQ_INT(mxio_net_to_mxnet(net, arrays, MXIO_EXPORT_FLOAT16, &sym2, &half, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_params_get(half, 0, &a), MXIO_OK);
    CHECK_EQ_INT(a.dtype, MXIO_DTYPE_FLOAT16);
    uint16_t h;
    memcpy(&h, (const uint8_t *)a.data + 2 * 11, 2);
    CHECK_EQ_INT(h, 0x4a00); /* 12.0 */
    mxio_params_free(half);
    mxio_symbol_free(sym2);
    /* without arrays the values cannot be written */
    CHECK_EQ_INT(mxio_net_to_mxnet(net, NULL, 0, &sym2, &half, &err), MXIO_E_NOT_FOUND);
    CHECK_CONTAINS(err.message, "fc_weight");
    CHECK(sym2 == NULL && half == NULL);
    CHECK_EQ_INT(mxio_net_to_mxnet(net, NULL, MXIO_EXPORT_NO_ARRAYS, &sym2, &half, &err), MXIO_OK);
    CHECK(sym2 != NULL && half == NULL);
    mxio_symbol_free(sym2);

    /* files: never over an existing one without force; nothing half-written */
    char dir[] = "/tmp/mxio_export_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char json[256], par[256];
    snprintf(json, sizeof json, "%s/m-symbol.json", dir);
    snprintf(par, sizeof par, "%s/m-0000.params", dir);
    FILE *f = fopen(par, "wb");
    CHECK(f != NULL);
    if (f) fclose(f);
    CHECK_EQ_INT(mxio_net_export(net, arrays, json, NULL, 0, &err), MXIO_E_EXISTS);
    CHECK(access(json, F_OK) != 0);
    CHECK_EQ_INT(mxio_net_export(net, arrays, json, NULL, MXIO_WRITE_FORCE, &err), MXIO_OK);
    struct stat st;
    CHECK(stat(par, &st) == 0 && st.st_size > 0);
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing/dir.params", dir);
    CHECK(mxio_net_export(net, arrays, json, bad, MXIO_WRITE_FORCE, &err) != MXIO_OK);
    CHECK(access(json, F_OK) != 0); /* the JSON this export wrote is gone again */
    CHECK_EQ_INT(mxio_net_export(net, arrays, json, json, 0, &err), MXIO_E_MISUSE);
    unlink(par);
    rmdir(dir);

    mxio_params_free(params);
    mxio_symbol_free(sym);
    mxio_params_free(arrays);
    mxio_net_free(net);
}

int main(void) {
    test_array_path();
    test_builder_misuse();
    test_builder_to_mxnet();
    CHECK_DONE();
}
