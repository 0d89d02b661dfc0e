/* test_plot.c - NodeGraphPlot pieces that need no layout: the key-attribute
 * label of each node, format names, argument checks and the DOT source. */
#include <stdlib.h>

#include "check.h"
#include "mxio.h"
#include "view/plot.h"

/* One op node fed by a data variable; extra inputs become weight variables. */
static mxio_symbol *one_node(const char *op, const char *attrs_json, int extra_inputs) {
    char json[2048];
    char vars[512] = "", inputs[256] = "[0, 0, 0]";
    for (int i = 0; i < extra_inputs; i++) {
        size_t vl = strlen(vars), il = strlen(inputs);
        snprintf(vars + vl, sizeof vars - vl, "{\"op\": \"null\", \"name\": \"node_w%d\", \"inputs\": []}, ", i);
        snprintf(inputs + il, sizeof inputs - il, ", [%d, 0, 0]", i + 1);
    }
    int op_index = extra_inputs + 1;
    snprintf(json, sizeof json,
             "{\"nodes\": [{\"op\": \"null\", \"name\": \"data\", \"inputs\": []}, %s"
             "{\"op\": \"%s\", \"name\": \"node\", \"attrs\": %s, \"inputs\": [%s]}],"
             " \"arg_nodes\": [0], \"heads\": [[%d, 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 10901]}}",
             vars, op, attrs_json, inputs, op_index);
    mxio_symbol *s = NULL;
    mxio_error err;
    if (mxio_symbol_read_buffer(json, strlen(json), "t.json", MXIO_SYMBOL_NO_UPGRADE, &s, &err) != MXIO_OK) {
        fprintf(stderr, "cannot read test graph: %s\n", err.message);
        return NULL;
    }
    return s;
}

/* Key-attribute text of the graph's last node. */
static char *keys_of(const char *op, const char *attrs_json, int extra_inputs) {
    mxio_symbol *s = one_node(op, attrs_json, extra_inputs);
    if (!s) return NULL;
    const mxio__node *n = &s->nodes[s->nnodes - 1];
    mxio__buf b;
    mxio__buf_init(&b);
    mxio__plot_key_attrs(n, mxio__op_find(n->op), &b);
    mxio__buf_putc(&b, '\0');
    char *text = mxio__strdup(b.data);
    mxio__buf_free(&b);
    mxio_symbol_free(s);
    return text;
}

#define CHECK_KEYS(op, attrs, extra, want)                                   \
    do {                                                                     \
        char *got_ = keys_of(op, attrs, extra);                              \
        CHECK_EQ_STR(got_, want);                                            \
        free(got_);                                                          \
    } while (0)

static void test_key_attrs(void) {
    /* kernel and stride glued, filters bare, defaults and tuning knobs left out */
    CHECK_KEYS("Convolution",
               "{\"kernel\": \"(3, 3)\", \"stride\": \"(2, 2)\", \"num_filter\": \"64\", \"pad\": \"(1, 1)\","
               " \"no_bias\": \"True\", \"workspace\": \"512\", \"cudnn_tune\": \"fastest\"}",
               1, "3x3/2 p1, 64");
    CHECK_KEYS("Convolution", "{\"kernel\": \"(1, 7)\", \"stride\": \"(1, 1)\", \"pad\": \"(0, 3)\", \"num_filter\": \"128\"}",
               2, "1x7 p0x3, 128");
    CHECK_KEYS("Convolution",
               "{\"kernel\": \"(3, 3)\", \"num_filter\": \"32\", \"num_group\": \"32\", \"dilate\": \"(2, 2)\"}", 2,
               "3x3 d2, 32, group 32");
    /* channel-first layout is what None means; another layout is shown */
    CHECK_KEYS("Convolution", "{\"kernel\": \"(3, 3)\", \"num_filter\": \"8\", \"layout\": \"NCHW\"}", 2, "3x3, 8");
    CHECK_KEYS("Convolution", "{\"kernel\": \"(3, 3)\", \"num_filter\": \"8\", \"layout\": \"NHWC\"}", 2,
               "3x3, 8, layout=NHWC");
    /* pool_type is shown even when it is the default */
    CHECK_KEYS("Pooling", "{\"kernel\": \"(3, 3)\", \"stride\": \"(2, 2)\", \"pool_type\": \"max\"}", 0, "3x3/2, max");
    CHECK_KEYS("Pooling", "{\"kernel\": \"(1, 1)\", \"global_pool\": \"True\", \"pool_type\": \"avg\"}", 0,
               "1x1, avg, global_pool");
    CHECK_KEYS("Activation", "{\"act_type\": \"relu\"}", 0, "relu");
    CHECK_KEYS("FullyConnected", "{\"num_hidden\": \"1000\"}", 2, "1000");
    CHECK_KEYS("FullyConnected", "{\"num_hidden\": \"10\", \"flatten\": \"False\"}", 2, "10, flatten=False");
    CHECK_KEYS("Reshape", "{\"shape\": \"(0, -1)\"}", 0, "shape=(0,-1)");
    CHECK_KEYS("LeakyReLU", "{\"act_type\": \"leaky\", \"slope\": \"0.1\"}", 0, "leaky, slope=0.1");
    /* BatchNorm: eps, momentum, fix_gamma are hyperparameters (tooltip only) */
    CHECK_KEYS("BatchNorm", "{\"eps\": \"2e-05\", \"fix_gamma\": \"False\", \"momentum\": \"0.9\"}", 4, "");
    /* equal to the default by value, not by spelling */
    CHECK_KEYS("Dropout", "{\"p\": \"0.50\"}", 0, "");
    /* an op the registry does not know: the attributes it sets, hidden ones
     * excepted, read by the same parameter-name rules */
    CHECK_KEYS("MyCustomOp", "{\"alpha\": \"1\", \"kernel\": \"(5, 5)\", \"__lr_mult__\": \"2\"}", 0,
               "alpha=1, 5x5");
}

static void test_format_names(void) {
    mxio_plot_format f = MXIO_PLOT_DOT;
    CHECK_EQ_INT(mxio_plot_format_from_name("graph.svg", &f), 0);
    CHECK_EQ_INT(f, MXIO_PLOT_SVG);
    CHECK_EQ_INT(mxio_plot_format_from_name("dir.v1/Graph.PNG", &f), 0);
    CHECK_EQ_INT(f, MXIO_PLOT_PNG);
    CHECK_EQ_INT(mxio_plot_format_from_name("x.gv", &f), 0);
    CHECK_EQ_INT(f, MXIO_PLOT_DOT);
    CHECK_EQ_INT(mxio_plot_format_from_name("dot", &f), 0);
    CHECK_EQ_INT(f, MXIO_PLOT_DOT);
    CHECK_EQ_INT(mxio_plot_format_from_name("graph.pdf", &f), -1);
    CHECK_EQ_INT(mxio_plot_format_from_name(NULL, &f), -1);
    CHECK(mxio__plot_kind_name((mxio__op_kind)99) != NULL);
    CHECK_EQ_STR(mxio__plot_kind_name(MXIO__KIND_POOL), "pooling");
}

static void test_dot_and_misuse(void) {
    mxio_symbol *s = one_node("Convolution", "{\"kernel\": \"(3, 3)\", \"num_filter\": \"4\"}", 2);
    CHECK(s != NULL);
    if (!s) return;
    mxio_error err;
    void *out = (void *)1;
    size_t len = 7;
    CHECK_EQ_INT(mxio_symbol_plot(NULL, NULL, &out, &len, &err), MXIO_E_MISUSE);
    CHECK_EQ_INT(mxio_symbol_plot(s, NULL, NULL, &len, &err), MXIO_E_MISUSE);
    mxio_plot_options bad = {.format = (mxio_plot_format)7};
    CHECK_EQ_INT(mxio_symbol_plot(s, &bad, &out, &len, &err), MXIO_E_MISUSE);
    CHECK(out == NULL && len == 0);
    int64_t dims[2] = {1, 3};
    mxio_plot_input in = {"data", 2, dims};
    mxio_plot_options wrong = {.format = MXIO_PLOT_DOT, .inputs = &in, .ninputs = 1};
    CHECK_EQ_INT(mxio_symbol_plot(s, &wrong, &out, &len, &err), MXIO_E_SHAPE);
    CHECK_CONTAINS(err.message, "node");

    mxio_plot_options dot = {.format = MXIO_PLOT_DOT, .title = "a \\ title"};
    CHECK_EQ_INT(mxio_symbol_plot(s, &dot, &out, &len, &err), MXIO_OK);
    const char *text = out;
    CHECK(len == strlen(text));
    CHECK(strncmp(text, "digraph", 7) == 0);
    CHECK_CONTAINS(text, "<B>Convolution</B><BR/>3x3, 4");
    CHECK_CONTAINS(text, "cluster_legend");
    CHECK_CONTAINS(text, "legend_convolution");
    CHECK_CONTAINS(text, "legend_input");
    CHECK_CONTAINS(text, "rankdir=TB");
    CHECK_CONTAINS(text, "a \\\\ title");
    CHECK_CONTAINS(text, "\tn0\t[");       /* the data input */
    CHECK(strstr(text, "\tn1\t[") == NULL); /* weights hidden */
    mxio_free(out);

    /* Control bytes cannot reach XML: shown as '?'. (The reader refuses them,
     * but a graph built in memory may hold them.) */
    free(s->nodes[0].name);
    s->nodes[0].name = mxio__strdup("da\x01ta\x7f");
    CHECK_EQ_INT(mxio_symbol_plot(s, &dot, &out, &len, &err), MXIO_OK);
    CHECK_CONTAINS((const char *)out, "label=<da?ta?>");
    CHECK(strchr((const char *)out, '\x01') == NULL);
    mxio_free(out);

    dot.show_weights = 1;
    CHECK_EQ_INT(mxio_symbol_plot(s, &dot, &out, &len, &err), MXIO_OK);
    CHECK_CONTAINS((const char *)out, "\tn1\t[");
    CHECK_CONTAINS((const char *)out, "legend_param");
    mxio_free(out);
    mxio_symbol_free(s);
}

int main(void) {
    test_key_attrs();
    test_format_names();
    test_dot_and_misuse();
    CHECK_DONE();
}
