/* test_cli_graph.c - variable roles from op slots, and the node views built on them.
 * Graphs are built in memory so each rule is tested alone. */
#include <stdlib.h>

#include "check.h"
#include "format/symbol.h"
#include "graph/roles.h"

/* A tiny graph builder: nodes in order, inputs by index. */
typedef struct {
    struct mxio_symbol s;
    mxio__node nodes[16];
    mxio__entry inputs[16][6];
    mxio__kv attrs[16][2];
} graph;

static size_t add(graph *g, const char *op, const char *name, int n, const size_t *in) {
    size_t k = g->s.nnodes++;
    mxio__node *node = &g->nodes[k];
    memset(node, 0, sizeof *node);
    node->op = (char *)op;
    node->name = (char *)name;
    node->inputs = g->inputs[k];
    node->ninputs = (size_t)n;
    for (int i = 0; i < n; i++) g->inputs[k][i] = (mxio__entry){(uint32_t)in[i], 0, 0};
    node->attrs = g->attrs[k];
    return k;
}

static void set_attr(graph *g, size_t k, const char *key, const char *value) {
    g->attrs[k][g->nodes[k].nattrs++] = (mxio__kv){(char *)key, (char *)value};
}

static void init(graph *g) {
    memset(g, 0, sizeof *g);
    g->s.nodes = g->nodes;
    g->s.label = (char *)"test-symbol.json";
}

static void roles_of(graph *g, mxio__params_lookup lookup, void *ctx, uint8_t *roles,
                     uint8_t *how) {
    mxio_error err;
    CHECK_EQ_INT(mxio__symbol_roles(&g->s, lookup, ctx, roles, how, &err), MXIO_OK);
}

/* data -> Convolution(w, b) -> BatchNorm(gamma, beta, mean, var) -> SoftmaxOutput(label) */
static void test_slots(void) {
    graph g;
    init(&g);
    size_t data = add(&g, "null", "data", 0, NULL);
    size_t w = add(&g, "null", "c_weight", 0, NULL);
    size_t b = add(&g, "null", "anything", 0, NULL); /* names do not matter */
    size_t conv = add(&g, "Convolution", "c", 3, (size_t[]){data, w, b});
    set_attr(&g, conv, "kernel", "(3, 3)");
    set_attr(&g, conv, "num_filter", "4");
    size_t gamma = add(&g, "null", "x1", 0, NULL);
    size_t beta = add(&g, "null", "x2", 0, NULL);
    size_t mean = add(&g, "null", "x3", 0, NULL);
    size_t var = add(&g, "null", "x4", 0, NULL);
    size_t bn = add(&g, "BatchNorm", "bn", 5, (size_t[]){conv, gamma, beta, mean, var});
    size_t label = add(&g, "null", "y", 0, NULL);
    size_t head = add(&g, "SoftmaxOutput", "out", 2, (size_t[]){bn, label});
    uint8_t roles[16], how[16];
    roles_of(&g, NULL, NULL, roles, how);
    CHECK_EQ_INT(roles[data], MXIO_ROLE_DATA);
    CHECK_EQ_INT(how[data], MXIO__ROLE_BY_SLOT);
    CHECK_EQ_INT(roles[w], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(roles[b], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(roles[gamma], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(roles[beta], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(roles[mean], MXIO_ROLE_AUX);
    CHECK_EQ_INT(roles[var], MXIO_ROLE_AUX);
    CHECK_EQ_INT(roles[label], MXIO_ROLE_LABEL);
    CHECK_EQ_INT(roles[conv], MXIO_ROLE_OP);
    CHECK_EQ_INT(roles[head], MXIO_ROLE_OP);
    /* the public accessor agrees */
    CHECK_EQ_INT(mxio_symbol_node_role(&g.s, label), MXIO_ROLE_LABEL);
    CHECK_EQ_INT(mxio_symbol_node_role(&g.s, mean), MXIO_ROLE_AUX);
    CHECK_EQ_INT(mxio_symbol_node_role(&g.s, 999), MXIO_ROLE_OP);
    CHECK_EQ_STR(mxio_role_name(MXIO_ROLE_LABEL), "label");
}

/* A variable a params file holds is a learned constant, even in a data slot. */
static int lookup_scale(void *ctx, const char *name) {
    (void)ctx;
    if (strcmp(name, "scale") == 0) return MXIO_ROLE_WEIGHT;
    if (strcmp(name, "stat") == 0) return MXIO_ROLE_AUX;
    return 0;
}

static void test_learned_constant_and_unknown_ops(void) {
    graph g;
    init(&g);
    size_t data = add(&g, "null", "data", 0, NULL);
    size_t scale = add(&g, "null", "scale", 0, NULL);
    size_t mul = add(&g, "broadcast_mul", "mul", 2, (size_t[]){data, scale});
    size_t cw = add(&g, "null", "custom_weight", 0, NULL);
    size_t cl = add(&g, "null", "custom_label", 0, NULL);
    size_t other = add(&g, "null", "stat", 0, NULL);
    add(&g, "NoSuchOpAnywhere", "custom", 4, (size_t[]){mul, cw, cl, other});
    size_t lonely = add(&g, "null", "lonely", 0, NULL);
    uint8_t roles[16], how[16];

    /* no params: the slot decides, unknown ops fall back to names */
    roles_of(&g, NULL, NULL, roles, how);
    CHECK_EQ_INT(roles[scale], MXIO_ROLE_DATA);
    CHECK_EQ_INT(how[scale], MXIO__ROLE_BY_SLOT);
    CHECK_EQ_INT(roles[cw], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(how[cw], MXIO__ROLE_BY_NAME);
    CHECK_EQ_INT(roles[cl], MXIO_ROLE_LABEL);
    CHECK_EQ_INT(roles[other], MXIO_ROLE_DATA);
    CHECK_EQ_INT(roles[lonely], MXIO_ROLE_DATA);
    CHECK_EQ_INT(how[lonely], MXIO__ROLE_UNUSED);

    /* with params: presence decides data slots and unknown consumers */
    roles_of(&g, lookup_scale, NULL, roles, how);
    CHECK_EQ_INT(roles[data], MXIO_ROLE_DATA);
    CHECK_EQ_INT(roles[scale], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(how[scale], MXIO__ROLE_BY_PARAMS);
    CHECK_EQ_INT(roles[other], MXIO_ROLE_AUX);
    CHECK_EQ_INT(roles[cw], MXIO_ROLE_DATA); /* absent from the params: not a weight */
    CHECK_EQ_INT(roles[cl], MXIO_ROLE_LABEL);
}

/* Without a params file, an initializer marks a parameter (Gluon's Constant). */
static void test_initializer(void) {
    graph g;
    init(&g);
    size_t data = add(&g, "null", "data", 0, NULL);
    size_t anchors = add(&g, "null", "anchors", 0, NULL);
    set_attr(&g, anchors, "__init__", "Constant_anchors_1");
    set_attr(&g, anchors, "__shape__", "(1, 4)");
    add(&g, "elemwise_add", "add", 2, (size_t[]){data, anchors});
    uint8_t roles[16], how[16];
    roles_of(&g, NULL, NULL, roles, how);
    CHECK_EQ_INT(roles[data], MXIO_ROLE_DATA);
    CHECK_EQ_INT(roles[anchors], MXIO_ROLE_WEIGHT);
    CHECK_EQ_INT(how[anchors], MXIO__ROLE_BY_INIT);
    CHECK_EQ_STR(mxio__role_source_name(MXIO__ROLE_BY_INIT), "init");
    /* a params file is the better witness: absent there, it is an input */
    roles_of(&g, lookup_scale, NULL, roles, how);
    CHECK_EQ_INT(roles[anchors], MXIO_ROLE_DATA);
}

/* A shared weight taken as a weight by one op and as data by another is a weight. */
static void test_shared_variable(void) {
    graph g;
    init(&g);
    size_t data = add(&g, "null", "data", 0, NULL);
    size_t w = add(&g, "null", "w", 0, NULL);
    size_t conv = add(&g, "Convolution", "c", 2, (size_t[]){data, w});
    set_attr(&g, conv, "no_bias", "True");
    set_attr(&g, conv, "kernel", "(1, 1)");
    add(&g, "elemwise_add", "add", 2, (size_t[]){conv, w});
    uint8_t roles[16];
    roles_of(&g, NULL, NULL, roles, NULL);
    CHECK_EQ_INT(roles[w], MXIO_ROLE_WEIGHT);
}

static void test_views(void) {
    graph g;
    init(&g);
    size_t data = add(&g, "null", "da,\"ta\"", 0, NULL); /* needs CSV and JSON quoting */
    size_t w = add(&g, "null", "w", 0, NULL);
    size_t conv = add(&g, "Convolution", "c", 2, (size_t[]){data, w});
    set_attr(&g, conv, "kernel", "(3, 3)");
    set_attr(&g, conv, "no_bias", "True");
    char *text = NULL;
    size_t len = 0;
    mxio_error err;
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_INPUT_NAMES, MXIO_TEXT_CSV, &text, &len,
                                    &err), MXIO_OK);
    CHECK_EQ_STR(text, "name,node,role,label,decided_by,consumed_as\r\n"
                       "\"da,\"\"ta\"\"\",0,data,false,slot,c.data\r\n");
    CHECK_EQ_INT(len, strlen(text));
    mxio_free(text);
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_NODE_DATASET, MXIO_TEXT_JSON, &text, &len,
                                    &err), MXIO_OK);
    CHECK_CONTAINS(text, "\"name\":\"da,\\\"ta\\\"\"");
    CHECK_CONTAINS(text, "\"attrs\":{\"kernel\":\"(3, 3)\",\"no_bias\":\"True\"},\"inputs\":[[0,0,0],[1,0,0]]");
    mxio_free(text);
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_NODE_GRAPH, MXIO_TEXT_DOT, &text, &len,
                                    &err), MXIO_OK);
    CHECK_CONTAINS(text, "n0 -> n2 [output=0, input=0];");
    CHECK_CONTAINS(text, "label=\"da,\\\"ta\\\"\", shape=ellipse");
    mxio_free(text);
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_NODE_DATASET, MXIO_TEXT_DOT, &text, &len,
                                    &err), MXIO_E_MISUSE);
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &text, &len, &err),
                 MXIO_E_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "not available yet");
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_ARRAY_LIST, MXIO_TEXT_JSON, &text, &len,
                                    &err), MXIO_E_MISUSE);
    /* a name that is not UTF-8 still gives valid JSON */
    g.nodes[1].name = (char *)"w\xff";
    CHECK_EQ_INT(mxio_symbol_render(&g.s, MXIO_ELEMENT_NODE_GRAPH, MXIO_TEXT_JSON, &text, &len,
                                    &err), MXIO_OK);
    CHECK_CONTAINS(text, "\"name\":\"w\\ufffd\"");
    mxio_free(text);
}

static void test_element_names(void) {
    mxio_element e;
    CHECK_EQ_INT(mxio_element_from_name("inputnames", &e), 0);
    CHECK_EQ_INT(e, MXIO_ELEMENT_INPUT_NAMES);
    CHECK_EQ_INT(mxio_element_from_name("ARRAYASSOCIATION", &e), 0);
    CHECK_EQ_INT(e, MXIO_ELEMENT_ARRAY_ASSOCIATION);
    CHECK_EQ_INT(mxio_element_from_name("Nets", &e), -1);
    for (int i = 0; i <= MXIO_ELEMENT_LAYER_ASSOCIATION; i++) {
        const char *n = mxio_element_name((mxio_element)i);
        CHECK(n != NULL);
        CHECK_EQ_INT(mxio_element_from_name(n, &e), 0);
        CHECK_EQ_INT(e, i);
    }
    CHECK(mxio_element_name((mxio_element)99) == NULL);
}

int main(void) {
    test_slots();
    test_learned_constant_and_unknown_ops();
    test_shared_variable();
    test_initializer();
    test_views();
    test_element_names();
    CHECK_DONE();
}
