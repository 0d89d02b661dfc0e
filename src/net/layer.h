/* layer.h - high-level layers: the catalogue (types with typed options and named
 * arrays) and layer instances (internal).
 *
 * A layer instance is a type, one value per option of that type, its array slots
 * and the MXNet node it came from (op, name, raw attrs, argument wiring), kept so
 * that export can write the node back exactly. Ops with no natural layer become
 * the generic "MXNetOpLayer", which keeps the op name and raw attributes.
 *
 * Option values are held as compact JSON text ("64", "[3,3]", "true", "\"Max\"",
 * "null"): one representation for the table view, the Net JSON form and the way
 * back to attribute strings. */
#ifndef MXIO_NET_LAYER_H
#define MXIO_NET_LAYER_H

#include "../ops/op.h"

typedef enum mxio__lopt_type {
    MXIO__LOPT_INT,    /* integer or null */
    MXIO__LOPT_FLOAT,  /* number or null */
    MXIO__LOPT_BOOL,   /* true/false or null */
    MXIO__LOPT_INTS,   /* list of integers (entries may be null), or null */
    MXIO__LOPT_FLOATS, /* list of numbers, or null */
    MXIO__LOPT_STRING, /* string or null */
    MXIO__LOPT_OBJECT  /* object of strings (the generic layer's raw attributes) */
} mxio__lopt_type;

typedef struct mxio__lopt_spec {
    const char *name;
    mxio__lopt_type type;
    const char *dflt; /* JSON text of the value a new layer starts with */
} mxio__lopt_spec;

/* One entry of the catalogue. */
typedef struct mxio__layer_type {
    const char *name;                 /* "ConvolutionLayer" */
    const char *summary;              /* one line, for docs and listings */
    const mxio__lopt_spec *options;   /* terminated by {NULL} */
    const char *const *arrays;        /* array slot names, NULL-terminated; NULL = none */
} mxio__layer_type;

/* The catalogue. */
size_t mxio__layer_type_count(void);
const mxio__layer_type *mxio__layer_type_at(size_t i);
const mxio__layer_type *mxio__layer_type_find(const char *name);
/* Index of option `name` in `t`, or -1. */
int mxio__layer_type_option(const mxio__layer_type *t, const char *name);

/* ---- the mapping rules (used by the op records' to_layer/from_layer) ------- */

/* Option <- attribute. With `attr` NULL the option gets the constant `value`
 * (JSON text). With `values` ("relu=Ramp|tanh=Tanh") the attribute's string is
 * translated to the option's string, both ways. */
typedef struct mxio__opt_map {
    const char *option;
    const char *attr;
    const char *values;
} mxio__opt_map;

/* Array slot <- op argument name. */
typedef struct mxio__arg_map {
    const char *slot;
    const char *arg;
} mxio__arg_map;

typedef struct mxio__layer_rule {
    const char *type;
    const mxio__opt_map *options; /* terminated by {NULL} */
    const mxio__arg_map *arrays;  /* terminated by {NULL}; NULL = none */
} mxio__layer_rule;

/* ---- instances ----------------------------------------------------------- */

typedef enum mxio__array_state {
    MXIO__ARRAY_UNSET = 0, /* wired to a variable, no values attached (UninitializedNet) */
    MXIO__ARRAY_SET = 1,   /* values found in the params file */
    MXIO__ARRAY_NONE = 2   /* the op does not take this argument (no_bias) */
} mxio__array_state;

typedef struct mxio__layer_array {
    char *slot;        /* "Weights", "MovingMean", or the MXNet argument name */
    char *arg;         /* MXNet argument name ("weight"); NULL when NONE */
    char *var;         /* variable node name ("conv0_weight"); NULL when NONE */
    int64_t var_node;  /* its node index, -1 when NONE */
    mxio_role role;    /* WEIGHT or AUX (or DATA for a learned constant) */
    mxio__array_state state;
    char *param;       /* raw name in the params file ("arg:conv0_weight") when SET */
    int ndim;          /* -1 when unknown */
    int64_t shape[MXIO__MAX_DIMS];
    int dtype;         /* mxio_dtype, -1 when unknown */
    mxio__kv *attrs;   /* the variable's own attributes (__init__, __shape__, ...) */
    size_t nattrs;
} mxio__layer_array;

/* Free what an array slot owns and reset it to NONE. */
void mxio__layer_array_clear(mxio__layer_array *a);

/* Where one argument of the node comes from. */
typedef enum mxio__src_kind {
    MXIO__SRC_INPUT = 0, /* a net input: index into the net's inputs */
    MXIO__SRC_LAYER = 1, /* output `port` of layer `index` */
    MXIO__SRC_ARRAY = 2, /* array slot `index` of this layer */
    MXIO__SRC_LABEL = 3  /* a training label, dropped in the inference form: `index` into labels */
} mxio__src_kind;

typedef struct mxio__layer_src {
    mxio__src_kind kind;
    uint32_t index;
    uint32_t port;
} mxio__layer_src;

typedef struct mxio__layer {
    const mxio__layer_type *type; /* NULL for a failure entry */
    char *name;                   /* the MXNet node name (unique in the net) */
    char **values;                /* JSON text per option of type */
    mxio__layer_array *arrays;
    size_t narrays;
    mxio__layer_src *srcs; /* one per argument of the node, in argument order */
    char **arg_names;      /* argument names of the op (NULL entries for unknown ops) */
    size_t nsrcs;
    int nout, nvisible;    /* output counts of the node */
    mxio__shape *out_shapes; /* nvisible inferred output shapes (ndim -1: unknown), or NULL */
    /* provenance: the node as it was in the symbol */
    int64_t node;
    char *op;
    mxio__kv *attrs;
    size_t nattrs;
    char *failure; /* set when the node could not be translated: why */
    /* A node's first subgraph as symbol JSON, or NULL: the runtime binds the
     * fused ops (_sg_mkldnn_conv, _sg_mkldnn_fully_connected) from their inner nodes. */
    char *subgraph_json;
} mxio__layer;

void mxio__layer_clear(mxio__layer *l);

/* Make `l` a fresh layer of type `type` (all options at their defaults, one
 * NONE array per slot). */
mxio_status mxio__layer_init(mxio__layer *l, const char *type, mxio_error *err);
/* Set option `name` to JSON text `json`. */
mxio_status mxio__layer_set(mxio__layer *l, const char *name, const char *json, mxio_error *err);
/* Option value (JSON text), or NULL if the type has no such option. */
const char *mxio__layer_get(const mxio__layer *l, const char *name);
/* Array slot index by name, or -1. */
int mxio__layer_array_find(const mxio__layer *l, const char *slot);
/* Append an array slot named `slot` (for arguments no rule names). */
mxio_status mxio__layer_add_array(mxio__layer *l, const char *slot, mxio_error *err);

/* Apply a rule: init `l` as rule->type and fill its options from the node's
 * attributes (the node's own value, else the op's MXNet default). */
mxio_status mxio__layer_apply(const mxio__layer_rule *rule, const mxio__attrs *a, mxio__layer *l,
                              mxio_error *err);
/* The way back: the attributes that give `l` under `rule`, as a sorted kv list
 * (caller frees with mxio__kvs_free). Options equal to the op's default are left out. */
mxio_status mxio__layer_unapply(const mxio__layer_rule *rule, const mxio__layer *l,
                                const mxio__op *op, mxio__kv **kv, size_t *n, mxio_error *err);
void mxio__kvs_free(mxio__kv *kv, size_t n);

/* The generic layer for an op with no natural layer (or any op at all). */
mxio_status mxio__layer_generic(const mxio__attrs *a, const char *op, mxio__layer *l,
                                mxio_error *err);

/* Convert an attribute string to the JSON text of an option of type `t`.
 * Returns false if it does not parse. *json is malloc'd. */
bool mxio__lopt_from_attr(mxio__lopt_type t, const char *s, char **json);
/* And back: the MXNet spelling of a JSON option value ("(3, 3)", "True").
 * *s is malloc'd; NULL value text means None. */
bool mxio__lopt_to_attr(mxio__lopt_type t, const char *json, char **s);

/* JSON text from model files: names and attribute values may hold bytes that are
 * not UTF-8 (MXNet's reader does not check); those get '?' for every non-ASCII
 * byte so the JSON stays valid. _set takes `value` over (also on failure). */
struct json_t;
struct json_t *mxio__json_str(const char *s);
int mxio__json_set(struct json_t *obj, const char *key, struct json_t *value);

/* Insert or replace key=value in a kv list kept sorted by key. */
mxio_status mxio__kvs_set(mxio__kv **kv, size_t *n, const char *key, const char *value,
                          mxio_error *err);

/* Translate one node by its op record: the record's to_layer, else its rule,
 * else the generic layer. */
mxio_status mxio__layer_from_node(const mxio__attrs *a, mxio__layer *l, mxio_error *err);
/* The way back for a layer and the op it is to become: the record's from_layer,
 * else its rule; a generic layer gives back its raw attributes. */
mxio_status mxio__layer_to_attrs(const mxio__op *op, const mxio__layer *l, mxio__kv **kv,
                                 size_t *n, mxio_error *err);

/* ---- writing rules in op records ----------------------------------------- */

#define MXIO__OPTS(...) (const mxio__opt_map[]){__VA_ARGS__, {NULL, NULL, NULL}}
#define MXIO__ARGS(...) (const mxio__arg_map[]){__VA_ARGS__, {NULL, NULL}}
/* An op that is one function of a layer type: relu -> ElementwiseLayer[Ramp]. */
#define MXIO__FN_RULE(var, layer, fn) \
    static const mxio__layer_rule var = {layer, MXIO__OPTS({"Function", NULL, "\"" fn "\""}), NULL}
/* broadcast_* -> ThreadingLayer[fn] with broadcasting. */
#define MXIO__BCAST_RULE(var, fn)                                                            \
    static const mxio__layer_rule var = {                                                    \
        "ThreadingLayer",                                                                    \
        MXIO__OPTS({"Function", NULL, "\"" fn "\""}, {"Broadcasting", NULL, "true"}), NULL}
/* _*_scalar -> ElementwiseLayer[fn] with the scalar. */
#define MXIO__SCALAR_RULE(var, fn)                                                           \
    static const mxio__layer_rule var = {                                                    \
        "ElementwiseLayer",                                                                  \
        MXIO__OPTS({"Function", NULL, "\"" fn "\""}, {"Scalar", "scalar", NULL}), NULL}
/* Reductions -> AggregationLayer[fn]. */
#define MXIO__AGG_RULE(var, fn)                                                              \
    static const mxio__layer_rule var = {                                                    \
        "AggregationLayer",                                                                  \
        MXIO__OPTS({"Function", NULL, "\"" fn "\""}, {"Axes", "axis", NULL},                  \
                   {"KeepDims", "keepdims", NULL}, {"Exclude", "exclude", NULL}),            \
        NULL}

#endif /* MXIO_NET_LAYER_H */
