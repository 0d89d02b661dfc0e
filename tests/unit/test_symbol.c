/* test_symbol.c - the symbol JSON codec, validation and legacy upgrades.
 * Byte-exact agreement with MXNet itself is checked by the pytest files in tests/symbol; these
 * tests pin the mechanics (layout rules, schema, upgrade steps, limits). */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "format/symbol.h"
#include "mxio.h"

static mxio_symbol *read_str(const char *json, uint32_t flags, mxio_status *st, mxio_error *err) {
    mxio_symbol *s = NULL;
    *st = mxio_symbol_read_buffer(json, strlen(json), "t.json", flags, &s, err);
    return s;
}

static char *write_str(const mxio_symbol *s) {
    char *out = NULL;
    size_t len = 0;
    mxio_error err;
    if (mxio_symbol_write_buffer(s, &out, &len, &err) != MXIO_OK) return NULL;
    return out;
}

static int64_t find_node(const mxio_symbol *s, const char *name) {
    for (size_t i = 0; i < mxio_symbol_node_count(s); i++)
        if (strcmp(mxio_symbol_node_name(s, i), name) == 0) return (int64_t)i;
    return -1;
}

/* The dmlc JSONWriter layout: trailing ", " before newlines, arrays of <= 10
 * numbers on one line, string maps with one key on one line, no final newline. */
static const char *layout =
    "{\n"
    "  \"nodes\": [\n"
    "    {\n"
    "      \"op\": \"null\", \n"
    "      \"name\": \"data\", \n"
    "      \"inputs\": []\n"
    "    }, \n"
    "    {\n"
    "      \"op\": \"Activation\", \n"
    "      \"name\": \"relu0\", \n"
    "      \"attrs\": {\"act_type\": \"relu\"}, \n"
    "      \"inputs\": [[0, 0, 0]]\n"
    "    }, \n"
    "    {\n"
    "      \"op\": \"Weird\", \n"
    "      \"name\": \"tab\\there \\\"q\\\" \\\\ \\n\", \n"
    "      \"attrs\": {\n"
    "        \"a\": \"1\", \n"
    "        \"b\": \"2\"\n"
    "      }, \n"
    "      \"inputs\": [[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], "
    "[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]]\n"
    "    }, \n"
    "    {\n"
    "      \"op\": \"Weird\", \n"
    "      \"name\": \"w2\", \n"
    "      \"inputs\": [\n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0], \n"
    "        [2, 0, 0]\n"
    "      ], \n"
    "      \"control_deps\": [1]\n"
    "    }\n"
    "  ], \n"
    "  \"arg_nodes\": [0], \n"
    "  \"node_row_ptr\": [0, 1, 2, 3, 4], \n"
    "  \"heads\": [[3, 0, 0]], \n"
    "  \"attrs\": {\"mxnet_version\": [\"int\", 10901]}\n"
    "}";

static void test_layout_roundtrip(void) {
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str(layout, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    if (!s) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK_EQ_INT(mxio_symbol_node_count(s), 4);
    CHECK_EQ_INT(mxio_symbol_file_version(s), 10901);
    CHECK_EQ_STR(mxio_symbol_node_name(s, 2), "tab\there \"q\" \\ \n");
    CHECK_EQ_STR(mxio_symbol_node_attr(s, 1, "act_type"), "relu");
    CHECK(mxio_symbol_node_attr(s, 1, "nope") == NULL);
    CHECK_EQ_INT(mxio_symbol_node_input_count(s, 3), 11);
    char *out = write_str(s);
    CHECK_EQ_STR(out, layout);
    mxio_free(out);
    mxio_symbol_free(s);

    /* A trailing newline (added by editors, not MXNet) is accepted and dropped. */
    char *nl = malloc(strlen(layout) + 2);
    strcpy(nl, layout);
    strcat(nl, "\n");
    s = read_str(nl, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    out = s ? write_str(s) : NULL;
    CHECK_EQ_STR(out, layout);
    mxio_free(out);
    mxio_symbol_free(s);
    free(nl);
}

/* <= 0.8: param + attr, two-element entries, backward_source_id, no version. */
static const char *v08 =
    "{\"nodes\": ["
    "{\"op\": \"null\", \"param\": {}, \"name\": \"data\", \"inputs\": [], "
    "\"backward_source_id\": -1},"
    "{\"op\": \"null\", \"param\": {}, \"name\": \"c_weight\", \"inputs\": [], "
    "\"backward_source_id\": -1, \"attr\": {\"lr_mult\": \"2\"}},"
    "{\"op\": \"Convolution\", \"param\": {\"kernel\": \"(3, 3)\", \"num_filter\": \"4\", "
    "\"no_bias\": \"True\", \"wd_mult\": \"x\"}, \"attr\": {\"weight_lr_mult\": \"0.5\", "
    "\"ctx_group\": \"g1\", \"no_bias\": \"True\"}, \"name\": \"c\", \"inputs\": [[0, 0], [1, 0]], "
    "\"backward_source_id\": -1},"
    "{\"op\": \"null\", \"param\": {}, \"name\": \"b_gamma\", \"inputs\": [], \"backward_source_id\": -1},"
    "{\"op\": \"null\", \"param\": {}, \"name\": \"b_beta\", \"inputs\": [], \"backward_source_id\": -1},"
    "{\"op\": \"BatchNorm\", \"param\": {\"eps\": \"0.001\"}, \"name\": \"b\", "
    "\"inputs\": [[2, 0], [3, 0], [4, 0]], \"backward_source_id\": -1},"
    "{\"op\": \"null\", \"param\": {}, \"name\": \"orphan\", \"inputs\": [], \"backward_source_id\": -1}"
    "], \"arg_nodes\": [0, 1, 3, 4, 6], \"heads\": [[5, 0]]}";

static void test_legacy_upgrade(void) {
    mxio_error err;
    mxio_status st;
    mxio_symbol *raw = read_str(v08, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_EQ_INT(mxio_symbol_file_version(raw), 800);
    CHECK_EQ_INT(mxio_symbol_node_count(raw), 7);
    /* attr wins over param; param fills what attr lacks */
    CHECK_EQ_STR(mxio_symbol_node_attr(raw, 2, "kernel"), "(3, 3)");
    CHECK_EQ_STR(mxio_symbol_node_attr(raw, 2, "weight_lr_mult"), "0.5");
    mxio_symbol_free(raw);

    mxio_symbol *s = read_str(v08, 0, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    if (!s) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    CHECK_EQ_INT(mxio_symbol_file_version(s), 800);
    /* orphan dropped, moving_mean/var appended before b */
    CHECK_EQ_INT(mxio_symbol_node_count(s), 8);
    CHECK(find_node(s, "orphan") < 0);
    int64_t mm = find_node(s, "b_moving_mean"), mv = find_node(s, "b_moving_var");
    int64_t b = find_node(s, "b"), c = find_node(s, "c"), w = find_node(s, "c_weight");
    CHECK(mm >= 0 && mv == mm + 1 && b == mv + 1);
    CHECK_EQ_STR(mxio_symbol_node_op(s, (size_t)mm), "null");
    CHECK_EQ_STR(mxio_symbol_node_attr(s, (size_t)mm, "__init__"), "[\"zero\", {}]");
    CHECK_EQ_STR(mxio_symbol_node_attr(s, (size_t)mv, "__init__"), "[\"one\", {}]");
    CHECK_EQ_STR(mxio_symbol_node_attr(s, (size_t)mm, "eps"), "0.001"); /* node attrs copied */
    CHECK_EQ_INT(mxio_symbol_node_input_count(s, (size_t)b), 5);
    /* hidden keys: bare -> __key__, <arg>_<key> moves to the variable */
    CHECK_EQ_STR(mxio_symbol_node_attr(s, (size_t)c, "__ctx_group__"), "g1");
    CHECK(mxio_symbol_node_attr(s, (size_t)c, "ctx_group") == NULL);
    CHECK(mxio_symbol_node_attr(s, (size_t)c, "weight_lr_mult") == NULL);
    CHECK_EQ_STR(mxio_symbol_node_attr(s, (size_t)w, "__lr_mult__"), "0.5");
    CHECK_EQ_STR(mxio_symbol_node_attr(s, (size_t)c, "__wd_mult__"), "x");
    char *out = write_str(s);
    CHECK_CONTAINS(out, "\"attrs\": {\"mxnet_version\": [\"int\", 10901]}");
    CHECK_CONTAINS(out, "\"heads\": [[7, 0, 0]]");
    CHECK_CONTAINS(out, "\"arg_nodes\": [0, 1, 3, 4, 5, 6]");
    mxio_free(out);
    mxio_symbol_free(s);
}

static void test_argmax_axis(void) {
    const char *j = "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []},"
                    "{\"op\": \"argmax\", \"name\": \"a\", \"attr\": {\"axis\": \"-1\"}, "
                    "\"inputs\": [[0, 0, 0]]}], \"arg_nodes\": [0], \"heads\": [[1, 0, 0]], "
                    "\"attrs\": {\"mxnet_version\": [\"int\", %d]}}";
    char buf[512];
    mxio_error err;
    mxio_status st;
    snprintf(buf, sizeof buf, j, 904);
    mxio_symbol *s = read_str(buf, 0, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK(s && mxio_symbol_node_attr(s, 1, "axis") == NULL);
    mxio_symbol_free(s);
    snprintf(buf, sizeof buf, j, 905);
    s = read_str(buf, 0, &st, &err);
    CHECK(s && mxio_symbol_node_attr(s, 1, "axis") != NULL);
    mxio_symbol_free(s);
}

static void expect_fail(const char *json, mxio_status code, const char *needle) {
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str(json, 0, &st, &err);
    CHECK(s == NULL);
    CHECK_EQ_INT(st, code);
    if (st != MXIO_OK) {
        CHECK_CONTAINS(err.message, needle);
        CHECK_CONTAINS(err.message, "t.json");
    }
    mxio_symbol_free(s);
}

static void test_error_fields(void) {
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str("{\"nodes\": [{\"op\": \"null\", \"name\": \"v\", \"inputs\": []},\n"
                              " {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0, 0]], \"bad\": 1}],\n"
                              " \"arg_nodes\": [0], \"heads\": [[1, 0, 0]]}",
                              0, &st, &err);
    CHECK(s == NULL);
    CHECK_EQ_INT(st, MXIO_E_CORRUPT);
    CHECK_EQ_INT(err.code, MXIO_E_CORRUPT);
    CHECK_EQ_INT(err.node, 1);
    CHECK_EQ_INT(err.offset, 106);
    CHECK_CONTAINS(err.message, "t.json:2:53: node 1 ('r'): unknown key \"bad\"");
    s = read_str("{\"nodes\": [{\"op\": \"null\", \"name\": \"v\", \"inputs\": []}], "
                 "\"arg_nodes\": [0], \"heads\": [[0, 0, 0]]}",
                 0, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_EQ_INT(err.code, MXIO_OK); /* a successful call clears the error */
    mxio_symbol_free(s);
}

static void test_errors(void) {
    expect_fail("", MXIO_E_FORMAT, "not valid JSON");
    expect_fail("{\"nodes\": [}", MXIO_E_FORMAT, "t.json:1:");
    expect_fail("[1, 2]", MXIO_E_FORMAT, "top level is an array");
    expect_fail("{\"nodes\": [], \"arg_nodes\": [], \"heads\": []} x", MXIO_E_FORMAT,
                "text after the end");
    expect_fail("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"a\": [\"str\", \"\\u0000\"]}}",
                MXIO_E_CORRUPT, "NUL");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\\q\", \"inputs\": []}], \"arg_nodes\": [], \"heads\": []}",
                MXIO_E_FORMAT, "t.json:1:37: node 0: not valid JSON: bad escape in a string (byte 36)");
    expect_fail("{\"arg_nodes\": [], \"heads\": []}", MXIO_E_FORMAT, "missing \"nodes\"");
    expect_fail("{\"nodes\": [], \"heads\": []}", MXIO_E_CORRUPT, "missing \"arg_nodes\"");
    expect_fail("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"x\": 1}", MXIO_E_CORRUPT,
                "unknown top-level key \"x\"");
    expect_fail("{\"nodes\": [{\"op\": null, \"name\": \"a\", \"inputs\": []}], \"arg_nodes\": [], "
                "\"heads\": []}",
                MXIO_E_CORRUPT, "must be the string \"null\"");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": [], \"foo\": 1}], "
                "\"arg_nodes\": [], \"heads\": []}",
                MXIO_E_CORRUPT, "node 0 ('a'): unknown key \"foo\"");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": []}], \"arg_nodes\": [0], "
                "\"heads\": [[0, 0, 0, 0]]}",
                MXIO_E_CORRUPT, "4 elements");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": [], \"attrs\": {\"k\": 1}}], "
                "\"arg_nodes\": [0], \"heads\": [[0, 0, 0]]}",
                MXIO_E_CORRUPT, "attribute \"k\"");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": []}], \"arg_nodes\": [0], "
                "\"heads\": [[3, 0, 0]]}",
                MXIO_E_GRAPH, "heads[0] refers to node 3");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": []},"
                "{\"op\": \"Relu\", \"name\": \"r\", \"inputs\": [[5, 0, 0]]}], \"arg_nodes\": [0], "
                "\"heads\": [[1, 0, 0]]}",
                MXIO_E_GRAPH, "node 1 ('r'): input 0 refers to node 5");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": []},"
                "{\"op\": \"Relu\", \"name\": \"r\", \"inputs\": [[0, 0, 0]]}], \"arg_nodes\": [1], "
                "\"heads\": [[1, 0, 0]]}",
                MXIO_E_GRAPH, "not a variable");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": []},"
                "{\"op\": \"null\", \"name\": \"a\", \"inputs\": []},"
                "{\"op\": \"add\", \"name\": \"s\", \"inputs\": [[0, 0, 0], [1, 0, 0]]}], "
                "\"arg_nodes\": [0, 1], \"heads\": [[2, 0, 0]]}",
                MXIO_E_GRAPH, "nodes 0 and 1 are both variables named 'a'");
    expect_fail("{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"inputs\": []},"
                "{\"op\": \"f\", \"name\": \"p\", \"inputs\": [[0, 0, 0], [2, 0, 0]]},"
                "{\"op\": \"g\", \"name\": \"q\", \"inputs\": [[1, 0, 0]]}], "
                "\"arg_nodes\": [0], \"heads\": [[2, 0, 0]]}",
                MXIO_E_GRAPH, "cycle");
    expect_fail("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"mxnet_version\": "
                "[\"str\", \"1\"]}}",
                MXIO_E_CORRUPT, "mxnet_version");
    expect_fail("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"v\": [\"float\", 1]}}",
                MXIO_E_CORRUPT, "\"float\"");
}

/* Forward references are legal (MXNet re-sorts on load); unknown ops are kept. */
static void test_forward_refs_and_unknown_ops(void) {
    const char *j = "{\"nodes\": [{\"op\": \"NoSuchOp\", \"name\": \"z\", \"inputs\": [[1, 0, 0]]},"
                    "{\"op\": \"null\", \"name\": \"x\", \"inputs\": []}], \"arg_nodes\": [1], "
                    "\"heads\": [[0, 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str(j, 0, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK(s && strcmp(mxio_symbol_node_name(s, 0), "x") == 0);
    CHECK(s && strcmp(mxio_symbol_node_op(s, 1), "NoSuchOp") == 0);
    uint32_t src = 9, idx = 9, ver = 9;
    CHECK_EQ_INT(mxio_symbol_node_input(s, 1, 0, &src, &idx, &ver), MXIO_OK);
    CHECK_EQ_INT(src, 0);
    CHECK_EQ_INT(mxio_symbol_node_input(s, 1, 1, &src, &idx, &ver), MXIO_E_MISUSE);
    CHECK_EQ_INT(mxio_symbol_head_count(s), 1);
    CHECK_EQ_INT(mxio_symbol_head(s, 0, &src, &idx, &ver), MXIO_OK);
    CHECK_EQ_INT(src, 1);
    mxio_symbol_free(s);
}

/* A 100k-node chain and a 100k-node cycle: no recursion, no stack overflow. */
static void test_big_chain(void) {
    const size_t n = 100000;
    mxio__buf b;
    mxio__buf_init(&b);
    mxio__buf_puts(&b, "{\"nodes\": [{\"op\": \"null\", \"name\": \"x\", \"inputs\": []}");
    for (size_t i = 1; i < n; i++)
        mxio__buf_printf(&b, ",{\"op\": \"relu\", \"name\": \"r%zu\", \"inputs\": [[%zu, 0, 0]]}", i,
                         i - 1);
    mxio__buf_printf(&b, "], \"arg_nodes\": [0], \"heads\": [[%zu, 0, 0]]}", n - 1);
    mxio_symbol *s = NULL;
    mxio_error err;
    CHECK_EQ_INT(mxio_symbol_read_buffer(b.data, b.len, "chain", 0, &s, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_symbol_node_count(s), n);
    mxio_symbol_free(s);
    /* close the loop: x's consumer r1 now reads from the last node */
    char *p = strstr(b.data, "\"r1\", \"inputs\": [[0, 0, 0]]");
    CHECK(p != NULL);
    if (p) {
        mxio__buf c;
        mxio__buf_init(&c);
        mxio__buf_append(&c, b.data, (size_t)(p - b.data));
        mxio__buf_printf(&c, "\"r1\", \"inputs\": [[%zu, 0, 0]]", n - 1);
        mxio__buf_puts(&c, p + strlen("\"r1\", \"inputs\": [[0, 0, 0]]"));
        s = NULL;
        CHECK_EQ_INT(mxio_symbol_read_buffer(c.data, c.len, "loop", 0, &s, &err), MXIO_E_GRAPH);
        CHECK_CONTAINS(err.message, "cycle");
        mxio__buf_free(&c);
    }
    mxio__buf_free(&b);
}

static void test_limits(void) {
    /* subgraphs nested past the limit */
    mxio__buf b;
    mxio__buf_init(&b);
    int depth = MXIO__SYMBOL_MAX_DEPTH + 2;
    for (int i = 0; i < depth; i++)
        mxio__buf_puts(&b, "{\"nodes\": [{\"op\": \"_foreach\", \"name\": \"f\", \"inputs\": [], "
                           "\"subgraphs\": [");
    mxio__buf_puts(&b, "{\"nodes\": [], \"arg_nodes\": [], \"heads\": []}");
    for (int i = 0; i < depth; i++) mxio__buf_puts(&b, "]}], \"arg_nodes\": [], \"heads\": [[0, 0, 0]]}");
    mxio_symbol *s = NULL;
    mxio_error err;
    CHECK_EQ_INT(mxio_symbol_read_buffer(b.data, b.len, "deep", 0, &s, &err), MXIO_E_LIMIT);
    CHECK_CONTAINS(err.message, "nested deeper");
    mxio__buf_free(&b);
    /* free-form JSON (a graph attribute's value) nested past 2048 levels */
    mxio__buf_init(&b);
    mxio__buf_puts(&b, "{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"x\": [\"list_int\", ");
    for (int i = 0; i < 5000; i++) mxio__buf_putc(&b, '[');
    CHECK_EQ_INT(mxio_symbol_read_buffer(b.data, b.len, "brackets", 0, &s, &err), MXIO_E_LIMIT);
    mxio__buf_free(&b);
}

/* Escapes MXNet never writes are still decoded; repeated keys: the last wins. */
static void test_strings_and_duplicates(void) {
    const char *j = "{\"nodes\": [{\"op\": \"null\", \"name\": \"\\u00e9\\/\\ud83d\\ude00\", "
                    "\"attrs\": {\"k\": \"1\", \"k\": \"2\"}, \"attr\": {\"z\": \"9\", \"y\": \"8\"}, "
                    "\"param\": {\"y\": \"p\", \"x\": \"p\"}, \"inputs\": []}], \"arg_nodes\": [0], "
                    "\"heads\": [[0, 0]]}";
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str(j, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    if (!s) return;
    CHECK_EQ_STR(mxio_symbol_node_name(s, 0), "\xc3\xa9/\xf0\x9f\x98\x80");
    /* "attr" came later and replaced "attrs"; param fills only x */
    CHECK(mxio_symbol_node_attr(s, 0, "k") == NULL);
    CHECK_EQ_STR(mxio_symbol_node_attr(s, 0, "y"), "8");
    CHECK_EQ_STR(mxio_symbol_node_attr(s, 0, "x"), "p");
    CHECK_EQ_INT(mxio_symbol_node_attr_count(s, 0), 3);
    CHECK_EQ_STR(mxio_symbol_node_attr_key(s, 0, 0), "x");
    mxio_symbol_free(s);
    const char *dup = "{\"nodes\": [{\"op\": \"null\", \"name\": \"a\", \"attrs\": {\"k\": \"1\", "
                      "\"k\": \"2\"}, \"inputs\": []}], \"arg_nodes\": [0], \"heads\": [[0, 0]]}";
    s = read_str(dup, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK(s && strcmp(mxio_symbol_node_attr(s, 0, "k"), "2") == 0);
    CHECK_EQ_INT(mxio_symbol_node_attr_count(s, 0), 1);
    mxio_symbol_free(s);
}

static void test_repeated_graph_attrs(void) {
    const char *j = "{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"mxnet_version\": "
                    "[\"int\", 900], \"a\": [\"str\", \"x\"], \"mxnet_version\": [\"int\", 10500]}}";
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str(j, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(st, MXIO_OK);
    CHECK_EQ_INT(mxio_symbol_file_version(s), 10500);
    char *out = s ? write_str(s) : NULL;
    CHECK_CONTAINS(out, "\"mxnet_version\": [\"int\", 10500], \n    \"a\": [\"str\", \"x\"]");
    mxio_free(out);
    mxio_symbol_free(s);
    const char *k = "{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"mxnet_version\": "
                    "[\"int\", 900]}, \"attrs\": {}}";
    s = read_str(k, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(mxio_symbol_file_version(s), 800);
    mxio_symbol_free(s);
}

static void test_node_attr_helpers(void) {
    mxio__node n;
    memset(&n, 0, sizeof n);
    CHECK(mxio__node_set_attr(&n, "b", "2"));
    CHECK(mxio__node_set_attr(&n, "a", "1"));
    CHECK(mxio__node_set_attr(&n, "__init__", "x"));
    CHECK(mxio__node_set_attr(&n, "b", "3"));
    CHECK_EQ_INT(n.nattrs, 3);
    CHECK_EQ_STR(n.attrs[0].key, "__init__"); /* '_' (0x5f) sorts before 'a' */
    CHECK_EQ_STR(n.attrs[2].value, "3");
    CHECK(mxio__node_remove_attr(&n, "a"));
    CHECK(!mxio__node_remove_attr(&n, "a"));
    CHECK(mxio__node_attr(&n, "a") == NULL);
    CHECK_EQ_STR(mxio__node_attr(&n, "b"), "3");
    mxio__node_clear(&n);
}

static void test_write_file(void) {
    char dir[] = "/tmp/mxio_symXXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/s.json", dir);
    mxio_error err;
    mxio_status st;
    mxio_symbol *s = read_str(layout, MXIO_SYMBOL_NO_UPGRADE, &st, &err);
    CHECK_EQ_INT(mxio_symbol_write_file(s, path, 0, &err), MXIO_OK);
    CHECK_EQ_INT(mxio_symbol_write_file(s, path, 0, &err), MXIO_E_EXISTS);
    CHECK_EQ_INT(mxio_symbol_write_file(s, path, MXIO_WRITE_FORCE, &err), MXIO_OK);
    mxio_symbol *t = NULL;
    CHECK_EQ_INT(mxio_symbol_read_file(path, MXIO_SYMBOL_NO_UPGRADE, &t, &err), MXIO_OK);
    char *a = write_str(s), *b = t ? write_str(t) : NULL;
    CHECK_EQ_STR(a, b);
    mxio_free(a);
    mxio_free(b);
    mxio_symbol_free(t);
    mxio_symbol_free(s);
    CHECK_EQ_INT(mxio_symbol_read_file("/nonexistent/x.json", 0, &t, &err), MXIO_E_NOT_FOUND);
    unlink(path);
    rmdir(dir);
    mxio_symbol_free(NULL);
    CHECK_EQ_INT(mxio_symbol_node_count(NULL), 0);
    CHECK(mxio_symbol_node_name(NULL, 0) == NULL);
}

int main(void) {
    test_layout_roundtrip();
    test_legacy_upgrade();
    test_argmax_axis();
    test_errors();
    test_error_fields();
    test_forward_refs_and_unknown_ops();
    test_big_chain();
    test_limits();
    test_node_attr_helpers();
    test_strings_and_duplicates();
    test_repeated_graph_attrs();
    test_write_file();
    CHECK_DONE();
}
