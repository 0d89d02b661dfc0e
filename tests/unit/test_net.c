/* test_net.c - the layer catalogue, attribute <-> option conversion, and Nets
 * built from small symbols assembled in memory. */
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "net/net.h"

/* ---- a tiny symbol builder ------------------------------------------------ */

static struct mxio_symbol *sym_new(void) {
    struct mxio_symbol *s = calloc(1, sizeof *s);
    s->label = strdup("test-symbol.json");
    s->file_version = 10901;
    return s;
}

/* attrs: "k=v" strings, sorted by the caller; inputs: node ids (output index in the
 * high 16 bits). */
static uint32_t node(struct mxio_symbol *s, const char *op, const char *name, int nin,
                     const uint32_t *in, int nattr, const char *const *attrs) {
    s->nodes = realloc(s->nodes, (s->nnodes + 1) * sizeof *s->nodes);
    mxio__node *n = &s->nodes[s->nnodes];
    memset(n, 0, sizeof *n);
    n->op = strdup(op);
    n->name = strdup(name);
    n->ninputs = (size_t)nin;
    n->inputs = calloc((size_t)nin + 1, sizeof *n->inputs);
    for (int i = 0; i < nin; i++) n->inputs[i] = (mxio__entry){in[i] & 0xffff, in[i] >> 16, 0};
    n->nattrs = (size_t)nattr;
    n->attrs = calloc((size_t)nattr + 1, sizeof *n->attrs);
    for (int i = 0; i < nattr; i++) {
        const char *eq = strchr(attrs[i], '=');
        n->attrs[i].key = strndup(attrs[i], (size_t)(eq - attrs[i]));
        n->attrs[i].value = strdup(eq + 1);
    }
    return (uint32_t)s->nnodes++;
}

static uint32_t var(struct mxio_symbol *s, const char *name) {
    return node(s, "null", name, 0, NULL, 0, NULL);
}

static void head(struct mxio_symbol *s, uint32_t n, uint32_t index) {
    s->heads = realloc(s->heads, (s->nheads + 1) * sizeof *s->heads);
    s->heads[s->nheads++] = (mxio__entry){n, index, 0};
}

static void sym_free(struct mxio_symbol *s) {
    for (size_t i = 0; i < s->nnodes; i++) {
        mxio__node *n = &s->nodes[i];
        free(n->op);
        free(n->name);
        free(n->inputs);
        for (size_t k = 0; k < n->nattrs; k++) {
            free(n->attrs[k].key);
            free(n->attrs[k].value);
        }
        free(n->attrs);
    }
    free(s->nodes);
    free(s->heads);
    free(s->label);
    free(s);
}

/* data -> conv0 -> relu0 -> fc1 -> softmax (SoftmaxOutput with a label). */
static struct mxio_symbol *small_cnn(void) {
    struct mxio_symbol *s = sym_new();
    uint32_t data = var(s, "data");
    uint32_t w = var(s, "conv0_weight"), b = var(s, "conv0_bias");
    static const char *const conv_attrs[] = {"kernel=(3, 3)", "num_filter=4", "pad=(1,1)"};
    uint32_t conv = node(s, "Convolution", "conv0", 3, (uint32_t[]){data, w, b}, 3, conv_attrs);
    static const char *const relu_attrs[] = {"act_type=relu"};
    uint32_t relu = node(s, "Activation", "relu0", 1, (uint32_t[]){conv}, 1, relu_attrs);
    uint32_t fw = var(s, "fc1_weight"), fb = var(s, "fc1_bias");
    static const char *const fc_attrs[] = {"num_hidden=10"};
    uint32_t fc = node(s, "FullyConnected", "fc1", 3, (uint32_t[]){relu, fw, fb}, 1, fc_attrs);
    uint32_t label = var(s, "softmax_label");
    uint32_t sm = node(s, "SoftmaxOutput", "softmax", 2, (uint32_t[]){fc, label}, 0, NULL);
    head(s, sm, 0);
    return s;
}

static void test_catalogue(void) {
    CHECK(mxio__layer_type_count() >= 25);
    for (size_t i = 0; i < mxio__layer_type_count(); i++) {
        const mxio__layer_type *t = mxio__layer_type_at(i);
        CHECK(mxio__layer_type_find(t->name) == t);
        for (size_t k = 0; t->options[k].name; k++) {
            json_error_t je;
            json_t *v = json_loads(t->options[k].dflt, JSON_DECODE_ANY, &je);
            CHECK(v != NULL);
            json_decref(v);
        }
    }
    CHECK(mxio__layer_type_find("NoSuchLayer") == NULL);
    const mxio__layer_type *bn = mxio__layer_type_find("BatchNormalizationLayer");
    CHECK_EQ_STR(bn->arrays[0], "Scaling");
    CHECK_EQ_STR(bn->arrays[3], "MovingVariance");
}

static void conv_eq(mxio__lopt_type t, const char *attr, const char *json) {
    char *out = NULL;
    CHECK(mxio__lopt_from_attr(t, attr, &out));
    CHECK_EQ_STR(out, json);
    free(out);
}

static void back_eq(mxio__lopt_type t, const char *json, const char *attr) {
    char *out = NULL;
    CHECK(mxio__lopt_to_attr(t, json, &out));
    CHECK_EQ_STR(out, attr);
    free(out);
}

static void test_conversions(void) {
    conv_eq(MXIO__LOPT_INTS, "(3, 3)", "[3,3]");
    conv_eq(MXIO__LOPT_INTS, "(3L,)", "[3]");
    conv_eq(MXIO__LOPT_INTS, "()", "[]");
    conv_eq(MXIO__LOPT_INTS, "(None, 2)", "[null,2]");
    conv_eq(MXIO__LOPT_INTS, "None", "null");
    conv_eq(MXIO__LOPT_BOOL, "True", "true");
    conv_eq(MXIO__LOPT_BOOL, "0", "false");
    conv_eq(MXIO__LOPT_FLOAT, "1e-05", "1e-05");
    conv_eq(MXIO__LOPT_FLOAT, "0.0078125", "0.0078125");
    conv_eq(MXIO__LOPT_INT, "64", "64");
    conv_eq(MXIO__LOPT_STRING, "relu", "\"relu\"");
    char *out = NULL;
    CHECK(!mxio__lopt_from_attr(MXIO__LOPT_INT, "abc", &out));
    back_eq(MXIO__LOPT_INTS, "[3,3]", "(3, 3)");
    back_eq(MXIO__LOPT_INTS, "[3]", "(3,)");
    back_eq(MXIO__LOPT_INTS, "[]", "()");
    back_eq(MXIO__LOPT_BOOL, "true", "True");
    back_eq(MXIO__LOPT_FLOAT, "0.001", "0.001");
    back_eq(MXIO__LOPT_STRING, "\"max\"", "max");
    back_eq(MXIO__LOPT_INT, "null", "None");
}

static void test_chain(void) {
    struct mxio_symbol *s = small_cnn();
    mxio_net *net = NULL;
    mxio_error err;
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, NULL, &net, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_layer_count(net), 4);
    CHECK(mxio_net_is_chain(net));
    CHECK_EQ_INT(mxio_net_input_count(net), 1);
    CHECK_EQ_STR(mxio_net_input_name(net, 0), "data");
    CHECK_EQ_INT(mxio_net_output_count(net), 1);
    CHECK_EQ_STR(mxio_net_output_name(net, 0), "softmax_output");
    CHECK_EQ_STR(mxio_net_layer_type(net, 0), "ConvolutionLayer");
    CHECK_EQ_STR(mxio_net_layer_option(net, 0, "KernelSize"), "[3,3]");
    CHECK_EQ_STR(mxio_net_layer_option(net, 0, "PaddingSize"), "[1,1]");
    CHECK_EQ_STR(mxio_net_layer_option(net, 0, "OutputChannels"), "4");
    CHECK_EQ_STR(mxio_net_layer_option(net, 0, "NoBias"), "false");
    CHECK_EQ_STR(mxio_net_layer_type(net, 1), "ElementwiseLayer");
    CHECK_EQ_STR(mxio_net_layer_option(net, 1, "Function"), "\"Ramp\"");
    CHECK_EQ_STR(mxio_net_layer_type(net, 2), "LinearLayer");
    CHECK_EQ_STR(mxio_net_layer_option(net, 2, "Flatten"), "true");
    CHECK_EQ_STR(mxio_net_layer_type(net, 3), "SoftmaxLayer");
    CHECK_EQ_STR(mxio_net_layer_option(net, 3, "Mode"), "\"flatten\"");
    CHECK_EQ_INT(mxio_net_layer_array_count(net, 0), 2);
    CHECK_EQ_STR(mxio_net_layer_array_name(net, 0, 0), "Weights");
    CHECK_EQ_STR(mxio_net_layer_array_variable(net, 0, 0), "conv0_weight");
    CHECK_EQ_STR(mxio_net_layer_array_variable(net, 2, 1), "fc1_bias");
    int nd = 0;
    CHECK(mxio_net_layer_array_shape(net, 0, 0, &nd) == NULL && nd == -1);
    CHECK_EQ_INT(net->nlabels, 1);
    CHECK_EQ_STR(net->labels[0].name, "softmax_label");

    /* The way back: options -> the node's attributes (defaults left out). */
    mxio__kv *kv = NULL;
    size_t n = 0;
    CHECK_EQ_INT(mxio__layer_to_attrs(mxio__op_find("Convolution"), &net->layers[0], &kv, &n, &err),
                 MXIO_OK);
    CHECK_EQ_INT(n, 3);
    if (n == 3) {
        CHECK_EQ_STR(kv[0].key, "kernel");
        CHECK_EQ_STR(kv[0].value, "(3, 3)");
        CHECK_EQ_STR(kv[1].key, "num_filter");
        CHECK_EQ_STR(kv[1].value, "4");
        CHECK_EQ_STR(kv[2].key, "pad");
        CHECK_EQ_STR(kv[2].value, "(1, 1)");
    }
    mxio__kvs_free(kv, n);

    /* Renderings, and the JSON form reads back to the same text. */
    char *table = NULL, *json = NULL, *json2 = NULL, *assoc = NULL;
    size_t len = 0;
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_TABLE, &table, &len, &err),
                 MXIO_OK);
    CHECK_CONTAINS(table, "NetChain");
    CHECK_CONTAINS(table, "conv0");
    CHECK_CONTAINS(table, "OutputChannels=4");
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_LAYER_ASSOCIATION, MXIO_TEXT_TABLE, &assoc,
                                 &len, &err),
                 MXIO_OK);
    CHECK_CONTAINS(assoc, "relu0   -> ElementwiseLayer[Function=\"Ramp\"]");
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &json, &len, &err),
                 MXIO_OK);
    CHECK_CONTAINS(json, "\"kind\": \"NetChain\"");
    mxio_net *back = NULL;
    CHECK_EQ_INT(mxio_net_read_json(json, len, "t.json", &back, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_render(back, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &json2, &len, &err),
                 MXIO_OK);
    CHECK_EQ_STR(json, json2);
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_CSV, &json2, &len, &err),
                 MXIO_E_UNSUPPORTED);
    mxio_free(table);
    mxio_free(assoc);
    mxio_free(json);
    mxio_free(json2);
    mxio_net_free(back);
    mxio_net_free(net);

    /* An internal output: the net is cut there. */
    mxio_net_options opts = {.output = "relu0_output"};
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, &opts, &net, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_layer_count(net), 2);
    CHECK_EQ_STR(mxio_net_output_name(net, 0), "relu0_output");
    CHECK_EQ_INT(net->nlabels, 0);
    CHECK(mxio_net_is_chain(net));
    mxio_net_free(net);
    /* Input shapes: every output and array shape follows. */
    static const int64_t dims[] = {2, 3, 8, 8};
    const mxio_plot_input in = {"data", 4, dims};
    mxio_net_options shaped = {.inputs = &in, .ninputs = 1};
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, &shaped, &net, &err), MXIO_OK);
    nd = 0;
    const int64_t *o = mxio_net_layer_output_shape(net, 0, 0, &nd);
    CHECK(o && nd == 4 && o[0] == 2 && o[1] == 4 && o[2] == 8 && o[3] == 8);
    o = mxio_net_layer_array_shape(net, 2, 0, &nd); /* fc1 weight: (10, 4*8*8) */
    CHECK(o && nd == 2 && o[0] == 10 && o[1] == 256);
    CHECK(mxio_net_layer_output_shape(net, 0, 1, &nd) == NULL && nd == -1);
    mxio_net_free(net);
    opts.output = "relu0";
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, &opts, &net, &err), MXIO_E_NOT_FOUND);
    CHECK_CONTAINS(err.message, "relu0");
    CHECK(net == NULL);
    sym_free(s);
}

static void test_graph_and_failures(void) {
    struct mxio_symbol *s = sym_new();
    uint32_t data = var(s, "data");
    static const char *const split_attrs[] = {"num_outputs=2"};
    uint32_t split = node(s, "SliceChannel", "split", 1, (uint32_t[]){data}, 1, split_attrs);
    uint32_t add = node(s, "elemwise_add", "add", 2, (uint32_t[]){split, split | (1u << 16)}, 0,
                        NULL);
    uint32_t n1 = node(s, "_fake_nms", "nms_a", 1, (uint32_t[]){add}, 0, NULL);
    uint32_t n2 = node(s, "_fake_nms", "nms_b", 1, (uint32_t[]){n1}, 0, NULL);
    uint32_t f = node(s, "_fake2", "f2", 1, (uint32_t[]){n2}, 0, NULL);
    static const char *const bad_attrs[] = {"kernel=(3,x)", "num_filter=2"};
    uint32_t c = node(s, "Convolution", "badconv", 1, (uint32_t[]){f}, 2, bad_attrs);
    uint32_t dup = node(s, "Flatten", "add", 1, (uint32_t[]){c}, 0, NULL);
    head(s, dup, 0);
    head(s, split, 1);
    mxio_net *net = NULL;
    mxio_error err;
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, NULL, &net, &err), MXIO_E_UNKNOWN_OP);
    CHECK_CONTAINS(err.message, "unsupported ops: _fake_nms x2 (first: nms_a), _fake2 x1 (first: f2)");
    CHECK_CONTAINS(err.message, "badconv (Convolution): attribute kernel='(3,x)' does not parse");
    CHECK(net == NULL);
    mxio_net_options opts = {.flags = MXIO_NET_KEEP_FAILURES};
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, &opts, &net, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_layer_count(net), 7);
    CHECK_EQ_INT(mxio_net_failure_count(net), 4);
    CHECK(!mxio_net_is_chain(net));
    CHECK_EQ_STR(mxio_net_layer_type(net, 0), "MXNetOpLayer");
    CHECK_EQ_STR(mxio_net_layer_option(net, 0, "Operator"), "\"SliceChannel\"");
    CHECK_EQ_STR(mxio_net_layer_option(net, 0, "Attributes"), "{\"num_outputs\":\"2\"}");
    CHECK_EQ_STR(mxio_net_layer_type(net, 1), "ThreadingLayer");
    CHECK(mxio_net_layer_type(net, 2) == NULL);
    CHECK_EQ_STR(mxio_net_layer_failure(net, 2), "op _fake_nms is not supported");
    /* A repeated node name gets "_<node index>". */
    CHECK_EQ_STR(mxio_net_layer_name(net, 6), "add_7");
    CHECK_EQ_INT(mxio_net_output_count(net), 2);
    CHECK_EQ_STR(mxio_net_output_name(net, 0), "add_output");
    CHECK_EQ_STR(mxio_net_output_name(net, 1), "split_output1");
    char *text = NULL, *json = NULL, *json2 = NULL;
    size_t len;
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_LAYER_ASSOCIATION, MXIO_TEXT_TABLE, &text, &len,
                                 &err),
                 MXIO_OK);
    CHECK_CONTAINS(text, "nms_b   -> Failure[_fake_nms: op _fake_nms is not supported]");
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &json, &len, &err), MXIO_OK);
    mxio_net *back = NULL;
    CHECK_EQ_INT(mxio_net_read_json(json, len, NULL, &back, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_render(back, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &json2, &len, &err),
                 MXIO_OK);
    CHECK_EQ_STR(json, json2);
    mxio_free(text);
    mxio_free(json);
    mxio_free(json2);
    mxio_net_free(back);
    mxio_net_free(net);
    sym_free(s);
}

/* Names that are not UTF-8 (MXNet's reader lets them through) still give a JSON
 * form that reads back to the same text. */
static void test_non_utf8_names(void) {
    struct mxio_symbol *s = sym_new();
    uint32_t data = var(s, "data\xff");
    static const char *const attrs[] = {"act_type=relu", "x\xfe=v\xfd"};
    uint32_t r = node(s, "Activation", "relu\xc3", 1, (uint32_t[]){data}, 2, attrs);
    head(s, r, 0);
    mxio_net *net = NULL, *back = NULL;
    mxio_error err;
    char *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    CHECK_EQ_INT(mxio_net_from_symbol(s, NULL, NULL, &net, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &a, &na, &err), MXIO_OK);
    CHECK_CONTAINS(a, "\"relu?\"");
    CHECK_CONTAINS(a, "\"x?\": \"v?\"");
    CHECK_EQ_INT(mxio_net_read_json(a, na, NULL, &back, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_net_render(back, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &b, &nb, &err), MXIO_OK);
    CHECK_EQ_STR(a, b);
    mxio_free(a);
    mxio_free(b);
    CHECK_EQ_INT(mxio_net_render(net, MXIO_ELEMENT_LAYER_ASSOCIATION, MXIO_TEXT_JSON, &a, &na, &err),
                 MXIO_OK);
    CHECK_CONTAINS(a, "\"relu?\": {");
    mxio_free(a);
    mxio_net_free(back);
    mxio_net_free(net);
    sym_free(s);
}

static void test_bad_json(void) {
    mxio_net *net = NULL;
    mxio_error err;
    const char *cases[] = {
        "", "[]", "{\"format\": \"other\"}",
        "{\"format\": \"mxio.net\", \"version\": 1}",
        "{\"format\": \"mxio.net\", \"version\": 1, \"inputs\": [], \"layers\": [{\"name\": \"a\", "
        "\"type\": \"NoSuchLayer\", \"inputs\": []}], \"outputs\": []}",
        "{\"format\": \"mxio.net\", \"version\": 1, \"inputs\": [], \"layers\": [{\"name\": \"a\", "
        "\"type\": \"FlattenLayer\", \"inputs\": [{\"layer\": \"b\", \"port\": 0}], \"mxnet\": "
        "{\"op\": \"Flatten\"}}], \"outputs\": []}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mxio_status st = mxio_net_read_json(cases[i], strlen(cases[i]), "bad.json", &net, &err);
        CHECK(st == MXIO_E_FORMAT);
        CHECK(net == NULL);
        CHECK_CONTAINS(err.message, "bad.json");
    }
}

/* Every rule in an op record names a real layer type and option, and attributes
 * the op really has (a typo would silently keep a default). */
static void test_rules(void) {
    size_t with_layer = 0;
    for (size_t i = 0; i < mxio__op_count(); i++) {
        const mxio__op *op = mxio__op_at(i);
        if (op->to_layer || op->layer) with_layer++;
        CHECK((op->to_layer == NULL) == (op->from_layer == NULL));
        const mxio__layer_rule *r = op->layer;
        if (!r) continue;
        const mxio__layer_type *t = mxio__layer_type_find(r->type);
        CHECK(t != NULL);
        if (!t) continue;
        for (const mxio__opt_map *m = r->options; m && m->option; m++) {
            if (mxio__layer_type_option(t, m->option) < 0)
                fprintf(stderr, "%s: %s has no option %s\n", op->name, t->name, m->option);
            CHECK(mxio__layer_type_option(t, m->option) >= 0);
            if (!m->attr) continue;
            bool found = false;
            for (const mxio__attr_spec *p = op->params; p && p->name; p++)
                found = found || strcmp(p->name, m->attr) == 0;
            if (!found) fprintf(stderr, "%s has no attribute %s\n", op->name, m->attr);
            CHECK(found);
        }
    }
    CHECK(with_layer >= 120);
}

int main(void) {
    test_rules();
    test_catalogue();
    test_conversions();
    test_chain();
    test_graph_and_failures();
    test_bad_json();
    test_non_utf8_names();
    CHECK_DONE();
}
