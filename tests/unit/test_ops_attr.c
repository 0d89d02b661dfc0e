/* test_ops_attr.c - attribute parsers with MXNet's leniency, typed getters with
 * defaults, and registry lookups by name and alias. */
#include <math.h>

#include "check.h"
#include "ops/op.h"

static void test_bool(void) {
    const char *yes[] = {"True", "true", "TRUE", "tRuE", "1"};
    const char *no[] = {"False", "false", "FALSE", "0"};
    const char *bad[] = {"", " True", "1 ", "2", "yes", "None", "-1", NULL};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        bool b = false;
        CHECK(mxio__parse_bool(yes[i], &b));
        CHECK(b);
    }
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
        bool b = true;
        CHECK(mxio__parse_bool(no[i], &b));
        CHECK(!b);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bool b = true;
        CHECK(!mxio__parse_bool(bad[i], &b));
        CHECK(b); /* untouched on failure */
    }
}

static void test_numbers(void) {
    int64_t v = 0;
    CHECK(mxio__parse_int("-3", &v));
    CHECK_EQ_INT(v, -3);
    CHECK(mxio__parse_int(" 128L", &v));
    CHECK_EQ_INT(v, 128);
    CHECK(!mxio__parse_int("1.5", &v));
    CHECK(!mxio__parse_int("", &v));
    CHECK(!mxio__parse_int("None", &v));
    CHECK(!mxio__parse_int("99999999999999999999999", &v));
    double f = 0;
    CHECK(mxio__parse_float("0.0078125", &f));
    CHECK(f == 0.0078125);
    CHECK(mxio__parse_float("-127.5", &f));
    CHECK(f == -127.5);
    CHECK(mxio__parse_float("1e-05", &f));
    CHECK(fabs(f - 1e-5) < 1e-20);
    CHECK(mxio__parse_float("6", &f));
    CHECK(f == 6);
    CHECK(!mxio__parse_float("abc", &f));
    CHECK(!mxio__parse_float("1.0x", &f));
}

static void test_tuples(void) {
    struct {
        const char *text;
        int n;
        int64_t v[4];
    } ok[] = {
        {"(3, 3)", 2, {3, 3}},     {"(3,3)", 2, {3, 3}},       {"[3,3]", 2, {3, 3}},
        {"[3, 3]", 2, {3, 3}},     {"(3,)", 1, {3}},           {"3", 1, {3}},
        {"()", 0, {0}},            {"[]", 0, {0}},             {"(128L,)", 1, {128}},
        {"(1L, 3L, 112L, 112L)", 4, {1, 3, 112, 112}},         {" ( 2 , 2 , ) ", 2, {2, 2}},
        {"(-1, 0, -2)", 3, {-1, 0, -2}},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int64_t v[8];
        int n = -1;
        bool none = true;
        CHECK(mxio__parse_tuple(ok[i].text, v, 8, &n, false, &none));
        CHECK(!none);
        CHECK_EQ_INT(n, ok[i].n);
        for (int k = 0; k < ok[i].n && k < n; k++) CHECK_EQ_INT(v[k], ok[i].v[k]);
    }
    const char *bad[] = {"(3, 3", "(3 3)", "(3,,3)", "(a)", "((3))", "(3)x", "", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t v[8];
        int n;
        CHECK(!mxio__parse_tuple(bad[i], v, 8, &n, false, NULL));
    }
    /* None as the whole value, and None entries when allowed (slice begin/end). */
    int64_t v[8];
    int n = -1;
    bool none = false;
    CHECK(mxio__parse_tuple("None", v, 8, &n, false, &none));
    CHECK(none);
    CHECK_EQ_INT(n, 0);
    CHECK(mxio__parse_tuple("(None, 1, -1)", v, 8, &n, true, &none));
    CHECK(!none);
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(v[0], INT64_MIN);
    CHECK_EQ_INT(v[2], -1);
    CHECK(!mxio__parse_tuple("(None, 1)", v, 8, &n, false, NULL));
    CHECK(!mxio__parse_tuple("(1, 2, 3)", v, 2, &n, false, NULL)); /* over capacity */
    double f[4];
    CHECK(mxio__parse_float_tuple("(0.1, 0.1, 0.2, 0.2)", f, 4, &n));
    CHECK_EQ_INT(n, 4);
    CHECK(f[2] == 0.2);
    CHECK(mxio__parse_float_tuple("[1]", f, 4, &n));
    CHECK_EQ_INT(n, 1);
    CHECK(mxio__parse_float_tuple("0.5", f, 4, &n));
    CHECK(f[0] == 0.5);
}

static void test_getters(void) {
    const mxio__op *bn = mxio__op_find("BatchNorm");
    CHECK(bn != NULL);
    mxio__kv kv[] = {{"eps", "2e-05"}, {"fix_gamma", "false"}};
    mxio__attrs a = {kv, 2, bn, NULL};
    double eps = 0;
    bool fix = true, global = true;
    CHECK(mxio__attr_float(&a, "eps", &eps));
    CHECK(eps == 2e-5);
    CHECK(mxio__attr_bool(&a, "fix_gamma", &fix));
    CHECK(!fix);
    CHECK(mxio__attr_bool(&a, "use_global_stats", &global)); /* default */
    CHECK(!global);
    double mom = 0;
    CHECK(mxio__attr_float(&a, "momentum", &mom));
    CHECK((float)mom == 0.9f); /* a float field: MXNet prints 0.899999976 */
    int64_t dummy = 7;
    CHECK(!mxio__attr_int(&a, "no_such_key", &dummy));
    CHECK_EQ_INT(dummy, 7);

    /* Required attribute absent: no value. */
    const mxio__op *conv = mxio__op_find("Convolution");
    mxio__attrs c = {NULL, 0, conv, NULL};
    int64_t k[4];
    int n;
    CHECK(!mxio__attr_shape(&c, "kernel", k, 4, &n, NULL));
    CHECK(mxio__attr_shape(&c, "stride", k, 4, &n, NULL));
    CHECK_EQ_INT(n, 0);
    const char *names[4];
    CHECK_EQ_INT(mxio__op_inputs(conv, &c, names, 4), 3);
    mxio__kv nb[] = {{"no_bias", "True"}};
    c.kv = nb;
    c.n = 1;
    CHECK_EQ_INT(mxio__op_inputs(conv, &c, names, 4), 2);
    CHECK_EQ_INT(mxio__op_inputs(conv, &c, names, 1), -1);
}

static void test_lookup(void) {
    CHECK(mxio__op_find("_Plus") == mxio__op_find("elemwise_add"));
    CHECK(mxio__op_find("ElementWiseSum") == mxio__op_find("add_n"));
    CHECK(mxio__op_find("Softmax") == mxio__op_find("SoftmaxOutput"));
    CHECK(mxio__op_find("crop") == mxio__op_find("slice"));
    CHECK(mxio__op_find("crop") != mxio__op_find("Crop"));
    CHECK(mxio__op_find("no_such_op") == NULL);
    CHECK(mxio__op_find(NULL) == NULL);
    /* Every record is found by its own name and every name is unique. */
    size_t n = mxio__op_count();
    CHECK(n > 150);
    for (size_t i = 0; i < n; i++) {
        const mxio__op *op = mxio__op_at(i);
        CHECK(mxio__op_find(op->name) == op);
        if (op->aliases)
            for (const char *const *al = op->aliases; *al; al++) CHECK(mxio__op_find(*al) == op);
    }
    CHECK(mxio__op_at(n) == NULL);
}

int main(void) {
    test_bool();
    test_numbers();
    test_tuples();
    test_getters();
    test_lookup();
    CHECK_DONE();
}
