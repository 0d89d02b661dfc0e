/* test_ops_infer.c - the graph shape driver on small hand-made graphs:
 * __shape__ / __dtype__ seeding, hints, a weight shared by two consumers,
 * ops without a rule, and the error messages. */
#include "check.h"
#include "format/symbol.h"
#include "graph/infer.h"

static const char *const NET =
    "{\"nodes\": ["
    "{\"op\": \"null\", \"name\": \"data\", \"attrs\": {\"__shape__\": \"(1L, 3L, 8L, 8L)\", "
    "\"__dtype__\": \"2\"}, \"inputs\": []},"
    "{\"op\": \"null\", \"name\": \"w\", \"inputs\": []},"
    "{\"op\": \"Convolution\", \"name\": \"c1\", \"attrs\": {\"kernel\": \"(3, 3)\", "
    "\"num_filter\": \"3\", \"pad\": \"(1, 1)\", \"no_bias\": \"True\"}, \"inputs\": [[0, 0, 0], [1, 0, 0]]},"
    "{\"op\": \"Convolution\", \"name\": \"c2\", \"attrs\": {\"kernel\": \"(3, 3)\", "
    "\"num_filter\": \"3\", \"no_bias\": \"True\"}, \"inputs\": [[2, 0, 0], [1, 0, 0]]},"
    "{\"op\": \"Custom\", \"name\": \"cu\", \"attrs\": {\"op_type\": \"x\"}, \"inputs\": [[3, 0, 0]]}"
    "], \"arg_nodes\": [0, 1], \"heads\": [[4, 0, 0]], "
    "\"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";

static struct mxio_symbol *load(const char *json) {
    mxio_symbol *s = NULL;
    mxio_error err;
    if (mxio_symbol_read_buffer(json, strlen(json), "test", 0, &s, &err) != MXIO_OK) {
        fprintf(stderr, "load: %s\n", err.message);
        return NULL;
    }
    return s;
}

static void test_seed_and_share(void) {
    struct mxio_symbol *s = load(NET);
    CHECK(s != NULL);
    if (!s) return;
    mxio__shapes sh;
    mxio_error err;
    CHECK_EQ_INT(mxio__infer_shapes(s, NULL, 0, &sh, &err), MXIO_OK);
    CHECK_EQ_INT(sh.row[5], 5);
    const mxio__shape *w = &sh.shape[sh.row[1]], *c2 = &sh.shape[sh.row[3]];
    CHECK_EQ_INT(w->ndim, 4);
    CHECK_EQ_INT(w->d[0], 3);
    CHECK_EQ_INT(w->d[1], 3);
    CHECK_EQ_INT(c2->ndim, 4);
    CHECK_EQ_INT(c2->d[2], 6); /* 8 -> 8 (padded) -> 6 */
    CHECK_EQ_INT(sh.dtype[sh.row[3]], MXIO_DTYPE_FLOAT16); /* from __dtype__ */
    CHECK_EQ_INT(sh.dtype[sh.row[1]], MXIO_DTYPE_FLOAT16); /* the weight follows */
    CHECK_EQ_INT(sh.shape[sh.row[4]].ndim, -1);            /* Custom has no rule */
    CHECK_EQ_INT(sh.unknown, 1);
    mxio__shapes_free(&sh);

    /* A hint wins over __shape__. */
    mxio__shape_hint hint = {.name = "data", .shape = {.ndim = 4, .d = {2, 3, 10, 10}}, .dtype = 0};
    CHECK_EQ_INT(mxio__infer_shapes(s, &hint, 1, &sh, &err), MXIO_OK);
    CHECK_EQ_INT(sh.shape[sh.row[3]].d[0], 2);
    CHECK_EQ_INT(sh.shape[sh.row[3]].d[2], 8);
    CHECK_EQ_INT(sh.dtype[sh.row[3]], MXIO_DTYPE_FLOAT32);
    mxio__shapes_free(&sh);

    /* A conflicting weight names the node, the op and the shapes. */
    mxio__shape_hint bad[2] = {hint, {.name = "w", .shape = {.ndim = 4, .d = {3, 2, 3, 3}}, .dtype = -1}};
    CHECK_EQ_INT(mxio__infer_shapes(s, bad, 2, &sh, &err), MXIO_E_SHAPE);
    CHECK_CONTAINS(err.message, "node 2 'c1' (Convolution)");
    CHECK_CONTAINS(err.message, "(3,2,3,3)");
    CHECK_CONTAINS(err.message, "(3,3,3,3)");
    CHECK_EQ_INT(err.node, 2);
    mxio_symbol_free(s);
}

static void test_bad_shape_attr(void) {
    const char *json =
        "{\"nodes\": [{\"op\": \"null\", \"name\": \"data\", \"attrs\": {\"__shape__\": \"(1, x)\"}, "
        "\"inputs\": []}, {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0, 0]]}], "
        "\"arg_nodes\": [0], \"heads\": [[1, 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";
    struct mxio_symbol *s = load(json);
    CHECK(s != NULL);
    if (!s) return;
    mxio__shapes sh;
    mxio_error err;
    CHECK_EQ_INT(mxio__infer_shapes(s, NULL, 0, &sh, &err), MXIO_E_SHAPE);
    CHECK_CONTAINS(err.message, "bad __shape__");
    CHECK_CONTAINS(err.message, "'data'");
    CHECK(sh.row == NULL); /* nothing left allocated */
    mxio_symbol_free(s);
}

static void test_unknown_dims_stay_unknown(void) {
    /* (0, 3) from a legacy __shape__: batch unknown, channels known. */
    const char *ok =
        "{\"nodes\": [{\"op\": \"null\", \"name\": \"data\", \"attrs\": {\"__shape__\": \"(0, 3)\"}, "
        "\"inputs\": []}, {\"op\": \"null\", \"name\": \"fc_weight\", \"inputs\": []},"
        "{\"op\": \"null\", \"name\": \"fc_bias\", \"inputs\": []},"
        "{\"op\": \"FullyConnected\", \"name\": \"fc\", \"attrs\": {\"num_hidden\": \"4\"}, "
        "\"inputs\": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}], \"arg_nodes\": [0, 1, 2], "
        "\"heads\": [[3, 0, 0]], \"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";
    struct mxio_symbol *s = load(ok);
    CHECK(s != NULL);
    if (!s) return;
    mxio__shapes sh;
    mxio_error err;
    CHECK_EQ_INT(mxio__infer_shapes(s, NULL, 0, &sh, &err), MXIO_OK);
    const mxio__shape *w = &sh.shape[sh.row[1]], *o = &sh.shape[sh.row[3]];
    CHECK_EQ_INT(w->ndim, 2);
    CHECK_EQ_INT(w->d[0], 4);
    CHECK_EQ_INT(w->d[1], 3);
    CHECK_EQ_INT(o->ndim, 2);
    CHECK_EQ_INT(o->d[0], 0); /* unknown batch */
    CHECK_EQ_INT(o->d[1], 4);
    CHECK_EQ_INT(sh.unknown, 2); /* data and fc output have an unknown dim */
    mxio__shapes_free(&sh);
    mxio_symbol_free(s);
}

/* A 0 dim of a source op is filled from its consumers (MXNet's InferShape
 * iterates forward and backward): _zeros (0, 4) -> +1 -> FullyConnected, added
 * to FullyConnected(data): the add hands the batch back to the FC, the FC to its
 * data, the scalar op to the zeros. */
static const char *const BACKFILL =
    "{\"nodes\": ["
    "{\"op\": \"null\", \"name\": \"data\", \"attrs\": {\"__shape__\": \"(3, 5)\"}, \"inputs\": []},"
    "{\"op\": \"_zeros\", \"name\": \"zz\", \"attrs\": {\"shape\": \"(0, 4)\"}, \"inputs\": []},"
    "{\"op\": \"_plus_scalar\", \"name\": \"p\", \"attrs\": {\"scalar\": \"1\"}, \"inputs\": [[1, 0, 0]]},"
    "{\"op\": \"null\", \"name\": \"wh\", \"inputs\": []},"
    "{\"op\": \"FullyConnected\", \"name\": \"fh\", \"attrs\": {\"num_hidden\": \"2\", \"no_bias\": \"True\"}, "
    "\"inputs\": [[2, 0, 0], [3, 0, 0]]},"
    "{\"op\": \"null\", \"name\": \"wx\", \"inputs\": []},"
    "{\"op\": \"FullyConnected\", \"name\": \"fx\", \"attrs\": {\"num_hidden\": \"2\", \"no_bias\": \"True\"}, "
    "\"inputs\": [[0, 0, 0], [5, 0, 0]]},"
    "{\"op\": \"elemwise_add\", \"name\": \"add\", \"inputs\": [[4, 0, 0], [6, 0, 0]]}"
    "], \"arg_nodes\": [0, 3, 5], \"heads\": [[7, 0, 0]], "
    "\"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";

static const mxio__shape *shape_of_node(const struct mxio_symbol *s, const mxio__shapes *sh,
                                        const char *name) {
    for (size_t i = 0; i < s->nnodes; i++)
        if (strcmp(s->nodes[i].name, name) == 0) return &sh->shape[sh->row[i]];
    return NULL;
}

static void test_backward_fill(void) {
    struct mxio_symbol *s = load(BACKFILL);
    CHECK(s != NULL);
    if (!s) return;
    mxio__shapes sh;
    mxio_error err;
    CHECK_EQ_INT(mxio__infer_shapes(s, NULL, 0, &sh, &err), MXIO_OK);
    const mxio__shape *z = shape_of_node(s, &sh, "zz"), *p = shape_of_node(s, &sh, "p"),
                      *wh = shape_of_node(s, &sh, "wh");
    CHECK(z && p && wh);
    if (!z || !p || !wh) return;
    CHECK_EQ_INT(z->ndim, 2);
    CHECK_EQ_INT(z->d[0], 3);
    CHECK_EQ_INT(z->d[1], 4);
    CHECK_EQ_INT(p->d[0], 3);
    CHECK_EQ_INT(wh->d[0], 2);
    CHECK_EQ_INT(wh->d[1], 4);
    CHECK_EQ_INT(sh.unknown, 0);
    mxio__shapes_free(&sh);
    /* a batch hint reaches the zeros too */
    mxio__shape_hint hint = {.name = "data", .shape = {.ndim = 2, .d = {7, 5}}, .dtype = -1};
    CHECK_EQ_INT(mxio__infer_shapes(s, &hint, 1, &sh, &err), MXIO_OK);
    CHECK_EQ_INT(shape_of_node(s, &sh, "zz")->d[0], 7);
    mxio__shapes_free(&sh);
    mxio_symbol_free(s);
}

int main(void) {
    test_seed_and_share();
    test_bad_shape_attr();
    test_unknown_dims_stay_unknown();
    test_backward_fill();
    CHECK_DONE();
}
