/* test_summary.c - mxio_summary_render on small in-memory graphs: argument checks,
 * shared weights counted once, ops without a MAC rule, unknown shapes, hostile names,
 * and the MAC rules of the op records on their own. The numbers against MXNet are in
 * tests/summary/test_summary.py. */
#include <stdlib.h>

#include "check.h"
#include "mxio.h"
#include "ops/op.h"

static mxio_symbol *read_json(const char *json) {
    mxio_symbol *s = NULL;
    mxio_error err;
    if (mxio_symbol_read_buffer(json, strlen(json), "t.json", 0, &s, &err) != MXIO_OK) {
        fprintf(stderr, "cannot read test graph: %s\n", err.message);
        return NULL;
    }
    return s;
}

static char *render(const mxio_symbol *s, const mxio_summary_options *o, mxio_status *st) {
    char *text = NULL;
    size_t len = 0;
    mxio_error err;
    *st = mxio_summary_render(s, NULL, o, &text, &len, &err);
    if (*st != MXIO_OK) fprintf(stderr, "(expected?) %s\n", err.message);
    if (text) CHECK_EQ_INT(strlen(text), len);
    return text;
}

/* Two FullyConnected nodes sharing one weight (no bias), then an op mxio has no
 * MAC rule for. */
static const char *shared_json =
    "{\"nodes\": ["
    "{\"op\": \"null\", \"name\": \"data\", \"inputs\": []},"
    "{\"op\": \"null\", \"name\": \"w\", \"inputs\": []},"
    "{\"op\": \"FullyConnected\", \"name\": \"fc_a\", \"attrs\": {\"num_hidden\": \"4\", "
    "\"no_bias\": \"True\"}, \"inputs\": [[0, 0, 0], [1, 0, 0]]},"
    "{\"op\": \"FullyConnected\", \"name\": \"fc_b\", \"attrs\": {\"num_hidden\": \"4\", "
    "\"no_bias\": \"True\"}, \"inputs\": [[2, 0, 0], [1, 0, 0]]},"
    "{\"op\": \"tanh\", \"name\": \"act\", \"inputs\": [[3, 0, 0]]}],"
    " \"arg_nodes\": [0, 1], \"heads\": [[4, 0, 0]], "
    "\"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";

static void test_shared_weight_and_rules(void) {
    mxio_symbol *s = read_json(shared_json);
    CHECK(s != NULL);
    if (!s) return;
    int64_t dims[2] = {3, 4};
    mxio_plot_input in = {"data", 2, dims};
    mxio_summary_options o = {.format = MXIO_TEXT_JSON, .inputs = &in, .ninputs = 1};
    mxio_status st;
    char *t = render(s, &o, &st);
    CHECK_EQ_INT(st, MXIO_OK);
    /* w is (4, 4): 16 elements, counted at fc_a only */
    CHECK_CONTAINS(t, "\"name\": \"fc_a\", \"op\": \"FullyConnected\", \"outputs\": "
                      "[{\"name\": \"fc_a_output\", \"shape\": [3,4], \"dtype\": \"float32\"}], "
                      "\"params\": 16, \"arg_params\": 16, \"aux_params\": 0, \"macs\": 48");
    CHECK_CONTAINS(t, "\"name\": \"fc_b\", \"op\": \"FullyConnected\", \"outputs\": "
                      "[{\"name\": \"fc_b_output\", \"shape\": [3,4], \"dtype\": \"float32\"}], "
                      "\"params\": 0, \"arg_params\": 0, \"aux_params\": 0, \"macs\": 48");
    CHECK_CONTAINS(t, "\"macs\": null, \"macs_counted\": false}");
    CHECK_CONTAINS(t, "\"totals\": {\"params\": 16, \"arg_params\": 16, \"aux_params\": 0, "
                      "\"params_complete\": true, \"macs\": 96, \"macs_complete\": true, "
                      "\"layers\": 3, \"layers_not_counted_for_macs\": 1}");
    CHECK_CONTAINS(t, "\"outputs\": [\n    {\"name\": \"act_output\", \"shape\": [3,4]");
    mxio_free(t);

    o.format = MXIO_TEXT_TABLE;
    t = render(s, &o, &st);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_CONTAINS(t, "written  by MXNet 1.9.1 (mxnet_version 10901)");
    CHECK_CONTAINS(t, "params   none");
    CHECK_CONTAINS(t, "(3,4)");
    CHECK_CONTAINS(t, "  params   16 (16): arg (learnable) 16, aux (running statistics) 0");
    CHECK_CONTAINS(t, "  MACs     96 (96)");
    mxio_free(t);

    /* no shapes at all: still a summary, with the unknowns said */
    o.ninputs = 0;
    o.inputs = NULL;
    t = render(s, &o, &st);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_CONTAINS(t, "the shape of input 'data' is unknown");
    CHECK_CONTAINS(t, "1 parameter arrays have unknown sizes");
    CHECK_CONTAINS(t, "?");
    mxio_free(t);
    mxio_symbol_free(s);
}

static void test_misuse(void) {
    mxio_symbol *s = read_json(shared_json);
    CHECK(s != NULL);
    if (!s) return;
    mxio_status st;
    char *t = NULL;
    size_t len;
    mxio_error err;
    CHECK_EQ_INT(mxio_summary_render(NULL, NULL, NULL, &t, &len, &err), MXIO_E_MISUSE);
    CHECK_EQ_INT(mxio_summary_render(s, NULL, NULL, NULL, &len, &err), MXIO_E_MISUSE);
    mxio_summary_options o = {.format = MXIO_TEXT_CSV};
    CHECK(render(s, &o, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_MISUSE);
    o = (mxio_summary_options){.ninputs = 1};
    CHECK(render(s, &o, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_MISUSE);
    int64_t dims[2] = {3, 4}, zero[2] = {3, 0}, wrong[2] = {3, 5};
    mxio_plot_input in = {"nosuch", 2, dims};
    o = (mxio_summary_options){.inputs = &in, .ninputs = 1};
    CHECK(render(s, &o, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_NOT_FOUND);
    in = (mxio_plot_input){"data", 2, zero};
    CHECK(render(s, &o, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_MISUSE);
    /* fc_b takes fc_a's (3,4) output with the shared (4,4) weight: fine; but a
     * (3,5) input makes w (4,5), which fc_b's 4 inputs contradict */
    in = (mxio_plot_input){"data", 2, wrong};
    CHECK(render(s, &o, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_SHAPE);
    /* NULL options: a table */
    t = render(s, NULL, &st);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_CONTAINS(t, "symbol   t.json");
    mxio_free(t);
    mxio_symbol_free(s);
}

/* Names with quotes, control and non-UTF-8 bytes stay valid JSON / printable text. */
static void test_hostile_names(void) {
    const char *json =
        "{\"nodes\": [{\"op\": \"null\", \"name\": \"da\\\"ta\\u0001\", \"inputs\": []},"
        "{\"op\": \"relu\", \"name\": \"r\\u00e9\\n\", \"inputs\": [[0, 0, 0]]}],"
        " \"arg_nodes\": [0], \"heads\": [[1, 0, 0]]}";
    mxio_symbol *s = read_json(json);
    CHECK(s != NULL);
    if (!s) return;
    mxio_summary_options o = {.format = MXIO_TEXT_JSON};
    mxio_status st;
    char *t = render(s, &o, &st);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_CONTAINS(t, "\"name\": \"da\\\"ta\\u0001\"");
    CHECK_CONTAINS(t, "\"mxnet_version\": 800");
    mxio_free(t);
    o.format = MXIO_TEXT_TABLE;
    t = render(s, &o, &st);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK(t && !strchr(t, '\001'));
    CHECK_CONTAINS(t, "by MXNet 0.8.0");
    mxio_free(t);
    mxio_symbol_free(s);
}

static mxio__shape shp(int n, int64_t a, int64_t b, int64_t c, int64_t d) {
    int64_t v[4] = {a, b, c, d};
    mxio__shape s;
    mxio__shape_make(&s, n, v);
    return s;
}

static void test_mac_rules(void) {
    const mxio__op *conv = mxio__op_find("Convolution");
    const mxio__op *deconv = mxio__op_find("Deconvolution");
    const mxio__op *fc = mxio__op_find("FullyConnected");
    const mxio__op *dot = mxio__op_find("batch_dot");
    CHECK(conv && conv->macs && deconv && deconv->macs && fc && fc->macs && dot && dot->macs);
    if (!conv || !deconv || !fc || !dot) return;
    mxio__attrs none = {NULL, 0, conv, NULL};
    /* grouped 3x3 conv: 2x8x5x5 out, weight (8, 2, 3, 3): each output 2*3*3 MACs */
    mxio__shape in[3] = {shp(4, 2, 4, 7, 7), shp(4, 8, 2, 3, 3), shp(1, 8, 0, 0, 0)};
    mxio__shape out[1] = {shp(4, 2, 8, 5, 5)};
    CHECK_EQ_INT(conv->macs(&none, in, 3, out, 1), 2 * 8 * 5 * 5 * 2 * 3 * 3);
    /* unknown weight -> unknown */
    in[1].ndim = -1;
    CHECK_EQ_INT(conv->macs(&none, in, 3, out, 1), -1);
    /* deconvolution: every input element through a (C_out/g, k, k) slice */
    mxio__shape din[2] = {shp(4, 1, 3, 4, 4), shp(4, 3, 6, 2, 2)};
    mxio__shape dout[1] = {shp(4, 1, 6, 8, 8)};
    CHECK_EQ_INT(deconv->macs(&none, din, 2, dout, 1), 3 * 4 * 4 * 6 * 2 * 2);
    mxio__shape fin[2] = {shp(2, 5, 7, 0, 0), shp(2, 3, 7, 0, 0)};
    mxio__shape fout[1] = {shp(2, 5, 3, 0, 0)};
    CHECK_EQ_INT(fc->macs(&none, fin, 2, fout, 1), 5 * 3 * 7);
    /* batch_dot (B, M, K) x (B, K, N); transpose_a takes K from axis 1 */
    mxio__kv ta = {"transpose_a", "True"};
    mxio__attrs plain = {NULL, 0, dot, NULL}, trans = {&ta, 1, dot, NULL};
    mxio__shape bin[2] = {shp(3, 2, 4, 6, 0), shp(3, 2, 6, 5, 0)};
    mxio__shape bout[1] = {shp(3, 2, 4, 5, 0)};
    CHECK_EQ_INT(dot->macs(&plain, bin, 2, bout, 1), 2 * 4 * 5 * 6);
    mxio__shape tin[2] = {shp(3, 2, 6, 4, 0), shp(3, 2, 6, 5, 0)};
    CHECK_EQ_INT(dot->macs(&trans, tin, 2, bout, 1), 2 * 4 * 5 * 6);
    CHECK_EQ_INT(mxio__op_find("BatchNorm")->macs(&none, in, 1, out, 1), 0);
    CHECK(mxio__op_find("Activation")->macs == NULL);
}

int main(void) {
    test_shared_weight_and_rules();
    test_misuse();
    test_hostile_names();
    test_mac_rules();
    CHECK_DONE();
}
