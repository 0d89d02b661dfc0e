/* op.h - the op registry: every MXNet operator is one record, defined once.
 *
 * A record holds every fact about an op: canonical name and aliases, its
 * parameters with MXNet 1.9.1's defaults, its argument names and which of them
 * are auxiliary states or labels, its outputs, its legacy compose hook, and
 * (as the runtime grows) its shape rule, layer mapping and kernel.
 *
 * Records live in one file per op family (src/ops/conv.c, norm.c, ...), each
 * exporting a table `const mxio__op mxio__ops_<family>[]` terminated by
 * {0}; registry.c lists the families. Nothing above this layer switches on op
 * names: it asks the registry. */
#ifndef MXIO_OPS_OP_H
#define MXIO_OPS_OP_H

#include "../base/base.h"
#include "../format/symbol.h"

#define MXIO__MAX_DIMS 32
#define MXIO__MAX_OP_INPUTS 256
#define MXIO__INPUTS_FREE (-2)

/* ---- parameters ---------------------------------------------------------- */

typedef enum mxio__attr_type {
    MXIO__ATTR_INT,       /* int64 */
    MXIO__ATTR_FLOAT,     /* double */
    MXIO__ATTR_BOOL,      /* True/False/true/false/1/0 */
    MXIO__ATTR_SHAPE,     /* (3, 3) [3,3] (3,) 3 () with L suffixes; may be None */
    MXIO__ATTR_FLOATS,    /* tuple of floats */
    MXIO__ATTR_ENUM,      /* one of `choices` */
    MXIO__ATTR_STRING,    /* free text */
    MXIO__ATTR_DTYPE,     /* numpy dtype name */
    MXIO__ATTR_OPT_INT,   /* int or None */
    MXIO__ATTR_OPT_FLOAT, /* float or None */
    MXIO__ATTR_OPT_BOOL,  /* bool or None */
    MXIO__ATTR_OPT_SHAPE  /* tuple whose entries may be None (slice begin/end) */
} mxio__attr_type;

typedef struct mxio__attr_spec {
    const char *name;
    mxio__attr_type type;
    const char *dflt;    /* MXNet 1.9.1 default as a string; NULL = required */
    const char *choices; /* for ENUM: "a|b|c" */
} mxio__attr_spec;

/* The attributes of one node, seen through its op's parameter table. */
typedef struct mxio__attrs {
    const mxio__kv *kv;
    size_t n;
    const struct mxio__op *op;
    const mxio__node *node; /* the node itself, or NULL; fused ops read their subgraphs */
} mxio__attrs;

/* The string value of `key`: the node's own, else the op's default, else NULL. */
const char *mxio__attr_str(const mxio__attrs *a, const char *key);
/* Typed getters: parse the node's value or the default. Return false (and leave
 * *out untouched) when the value is missing with no default or does not parse. */
bool mxio__attr_int(const mxio__attrs *a, const char *key, int64_t *out);
bool mxio__attr_float(const mxio__attrs *a, const char *key, double *out);
bool mxio__attr_bool(const mxio__attrs *a, const char *key, bool *out);
/* A tuple; *n receives its length. `is_none` (may be NULL) is set for "None". */
bool mxio__attr_shape(const mxio__attrs *a, const char *key, int64_t *vals, int cap, int *n,
                      bool *is_none);

/* Parsers with MXNet's leniency. */
bool mxio__parse_int(const char *s, int64_t *out);
bool mxio__parse_float(const char *s, double *out);
bool mxio__parse_bool(const char *s, bool *out);
/* Tuple of ints: "(3, 3)", "[3,3]", "(3,)", "3", "()", "(3L, 3L)". Entries "None"
 * are stored as INT64_MIN when `allow_none`. "None" for the whole value sets
 * *is_none (may be NULL) and *n = 0. */
bool mxio__parse_tuple(const char *s, int64_t *vals, int cap, int *n, bool allow_none,
                       bool *is_none);
bool mxio__parse_float_tuple(const char *s, double *vals, int cap, int *n);

/* ---- shapes ------------------------------------------------------------- */

typedef struct mxio__shape {
    int ndim; /* -1: unknown */
    int64_t d[MXIO__MAX_DIMS]; /* 0 or -1 inside: unknown dim (legacy / numpy) */
} mxio__shape;

/* What a shape rule sees. Unknown input shapes (weights) may be filled in. */
typedef struct mxio__shape_ctx {
    const mxio__attrs *attrs;
    const char *node_name;
    int nin;
    mxio__shape *in;
    int *in_dtype; /* mxio_dtype per input, -1 unknown */
    int nout;
    mxio__shape *out;
    int *out_dtype;
    mxio_error *err;
    int64_t node_index; /* for messages; -1 if none */
} mxio__shape_ctx;

/* ---- shape-rule helpers (src/ops/infer_util.c) ---------------------------- */

/* Rank known and every dim > 0 (0 and -1 mean unknown, as in MXNet 1.x). */
bool mxio__shape_known(const mxio__shape *s);
bool mxio__shape_rank_known(const mxio__shape *s);
void mxio__shape_make(mxio__shape *s, int ndim, const int64_t *d);
/* "(1,3,224,224)", "?" for an unknown shape. */
char *mxio__shape_str(const mxio__shape *s, char *buf, size_t cap);
/* Fail with MXIO_E_SHAPE: "node 7 'conv0' (Convolution): <message>; inputs (..), (..)". */
mxio_status mxio__shape_fail(mxio__shape_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Merge `src` into *dst: unknown dims (and an unknown rank) take src's values;
 * known dims must agree, else an error naming `what` (e.g. "weight"). */
mxio_status mxio__shape_assign(mxio__shape_ctx *c, mxio__shape *dst, const mxio__shape *src,
                               const char *what);
/* Same, for an input by index (its argument name in messages). */
mxio_status mxio__shape_assign_in(mxio__shape_ctx *c, int i, int ndim, const int64_t *d);
mxio_status mxio__shape_assign_out(mxio__shape_ctx *c, int i, const mxio__shape *s);
/* Dtypes: every unknown input and output dtype takes the first known input
 * dtype (MXNet's ElemwiseType); float32 when none is known. */
void mxio__dtype_same(mxio__shape_ctx *c);
/* mxio_dtype of a NumPy dtype name ("float32", "int8", ...), -1 if unknown. */
int mxio__dtype_of_name(const char *name);
/* A tuple attribute with defaults for an empty value: n entries of `fill`. */
bool mxio__attr_dims(const mxio__attrs *a, const char *key, int n, int64_t fill, int64_t *out);
/* Normalise a possibly negative axis against ndim; false if out of range. */
bool mxio__axis(int64_t axis, int ndim, int *out);

/* MAC rules shared by several records (src/ops/infer_util.c). */
/* Each output element is a dot product over one weight row: numel(out) * numel(weight) /
 * weight.d[0] (Convolution, FullyConnected). Input 1 is the weight. */
int64_t mxio__macs_weight_rows(const mxio__attrs *a, const mxio__shape *in, int nin,
                               const mxio__shape *out, int nout);
/* Deconvolution: numel(data) * numel(weight) / weight.d[0]. */
int64_t mxio__macs_deconv(const mxio__attrs *a, const mxio__shape *in, int nin,
                          const mxio__shape *out, int nout);
/* Counted, but no multiply-accumulates (pooling, inference BatchNorm): 0. */
int64_t mxio__macs_zero(const mxio__attrs *a, const mxio__shape *in, int nin,
                        const mxio__shape *out, int nout);

/* Generic rules shared by many records. */
mxio_status mxio__infer_same(mxio__shape_ctx *c);      /* all inputs and outputs one shape */
mxio_status mxio__infer_first(mxio__shape_ctx *c);     /* every output = input 0 */
mxio_status mxio__infer_broadcast(mxio__shape_ctx *c); /* NumPy broadcasting of 2 inputs */
mxio_status mxio__infer_label_like(mxio__shape_ctx *c); /* output = data, label = data */
/* Quantized ops: `rule` sees the first `ndata` inputs and output 0; every other
 * input and outputs 1, 2 (min/max ranges) are float32 (1,). `out_dtype` is the
 * dtype of output 0 (-1: leave it to the rule). */
mxio_status mxio__infer_quantized(mxio__shape_ctx *c, mxio_status (*rule)(mxio__shape_ctx *),
                                  int ndata, int out_dtype);

/* ---- the record --------------------------------------------------------- */

/* Broad family, for plots, summaries and legends. Only appended to. */
typedef enum mxio__op_kind {
    MXIO__KIND_OTHER = 0,
    MXIO__KIND_CONV,        /* Convolution, Deconvolution, FullyConnected, Embedding */
    MXIO__KIND_NORM,        /* BatchNorm, LayerNorm, InstanceNorm, L2Normalization, LRN */
    MXIO__KIND_ACTIVATION,  /* Activation, LeakyReLU, clip, sigmoid, ... */
    MXIO__KIND_POOL,        /* Pooling, adaptive pooling, ROI pooling */
    MXIO__KIND_SHAPE,       /* Reshape, Flatten, Concat, slice, transpose, ... */
    MXIO__KIND_ELEMENTWISE, /* arithmetic, broadcast, scalar ops, math functions */
    MXIO__KIND_OUTPUT,      /* softmax, SoftmaxOutput, regression and loss heads */
    MXIO__KIND_DETECTION,   /* MultiBox*, box_nms, Proposal, ROIAlign, ... */
    MXIO__KIND_COUNT
} mxio__op_kind;

struct mxio__layer;      /* src/net/layer.h */
struct mxio__kernel;     /* src/runtime/tensor.h */
struct mxio__rt_ctx;
struct mxio__tdesc;
struct mxio__fusion;

/* What an op's kernel binding gets from the executor: the node's attributes,
 * its inputs (training labels left out) as runtime descriptors, the fp32
 * values of inputs known at load (weights, aux states, learned constants;
 * NULL entries for activations) and the output shapes from the shape rule. */
typedef struct mxio__kernel_req {
    const struct mxio__rt_ctx *ctx;
    const struct mxio__attrs *attrs;
    const char *node_name;
    int nin;
    const struct mxio__tdesc *in;
    const float *const *constant;
    int nout;
    const mxio__shape *out;
    bool blocked_out; /* the output may stay in a oneDNN layout (consumers take it) */
    const struct mxio__fusion *fusion; /* NULL, or what the executor fused in (exec.h) */
    /* Set by the binding: bit i when the kernel packed constant input i at
     * creation and never reads its run-time pointer (the executor frees it). */
    uint32_t *packed;
} mxio__kernel_req;
struct mxio__layer_rule;

typedef struct mxio__op {
    const char *name;               /* canonical MXNet name */
    mxio__op_kind kind;
    /* The high-level layer the op becomes (src/net/layer.h): a rule mapping layer
     * options to attributes and array slots to arguments, or a pair of functions
     * when the layer type depends on the attributes (LeakyReLU). All NULL: the
     * generic MXNetOpLayer. */
    const struct mxio__layer_rule *layer;
    mxio_status (*to_layer)(const struct mxio__attrs *a, struct mxio__layer *l, mxio_error *err);
    mxio_status (*from_layer)(const struct mxio__layer *l, const struct mxio__op *op,
                              mxio__kv **kv, size_t *n, mxio_error *err);
    const char *const *aliases;     /* NULL-terminated, or NULL */
    const mxio__attr_spec *params;  /* terminated by {NULL}; NULL = none */

    /* Argument names in order (FListInputNames), data first. Static list, or a
     * function when the list depends on attrs (Concat num_args, no_bias,
     * LeakyReLU prelu, ...). The function returns the count, <= cap, or -1;
     * MXIO__INPUTS_FREE means the op takes whatever the node gives it (Custom). */
    const char *const *inputs;
    int (*list_inputs)(const mxio__attrs *a, const char **names, int cap);
    uint32_t weight_mask; /* bit i: argument i is a learnable weight (saved as arg:) */
    uint32_t aux_mask;    /* bit i: argument i is an auxiliary state (FMutateInputs, aux:) */
    uint32_t label_mask;  /* bit i: argument i is a training label */
    /* When the roles move with the attrs (fused ops, UpSampling): fills all three
     * masks and the static ones are ignored. */
    void (*input_masks)(const mxio__attrs *a, uint32_t *weight, uint32_t *aux, uint32_t *label);
    /* Arguments in none of the masks are data: real inputs of the net unless a
     * params file holds a variable of that name (a learned constant). */

    /* Outputs: total count (node_row_ptr) and visible count (get_internals),
     * static or by function; names for `<node>_<name>` output naming. */
    int num_outputs;     /* 0 means 1 */
    int num_visible;     /* 0 means num_outputs */
    int (*count_outputs)(const mxio__attrs *a, int *visible);
    const char *const *output_names; /* NULL: "output" / "output<i>" */

    /* Legacy (< 0.9.4) compose hook: attributes it sets on argument variables
     * (e.g. BatchNorm moving_mean __init__ ["zero", {}]). Pairs per argument
     * index: {index, key, value}, terminated by {-1}. */
    const struct mxio__var_attr {
        int input;
        const char *key;
        const char *value;
    } *compose_attrs;

    /* Shape and dtype rule: fill unknown outputs (and weight inputs) from what
     * is known. NULL until implemented. */
    mxio_status (*infer_shape)(mxio__shape_ctx *c);

    /* The CPU kernel of one node (src/runtime), created once when a net is
     * compiled (src/runtime/exec.c) and run many times. NULL: no kernel yet
     * (the executor names the op as unsupported). */
    mxio_status (*kernel)(const struct mxio__kernel_req *r, struct mxio__kernel **out,
                          mxio_error *err);
    /* Multiply-accumulates of one forward run at these (inferred) shapes, batch
     * included; -1 when a shape it needs is unknown. NULL: the op is not counted
     * (docs/summary.md says which ops are and how). */
    int64_t (*macs)(const mxio__attrs *a, const mxio__shape *in, int nin, const mxio__shape *out,
                    int nout);
} mxio__op;

typedef struct mxio__var_attr mxio__var_attr;

/* Find a record by canonical name or alias; NULL if unknown. */
const mxio__op *mxio__op_find(const char *name);
/* Number of records, and record i (for listings and tests). */
size_t mxio__op_count(void);
const mxio__op *mxio__op_at(size_t i);

/* Argument names of `op` given its attrs; returns count or -1. */
int mxio__op_inputs(const mxio__op *op, const mxio__attrs *a, const char **names, int cap);
/* Weight, aux and label masks of `op` given its attrs. */
void mxio__op_masks(const mxio__op *op, const mxio__attrs *a, uint32_t *weight, uint32_t *aux,
                    uint32_t *label);
/* Total and visible output counts. */
int mxio__op_outputs(const mxio__op *op, const mxio__attrs *a, int *visible);
/* Name of output i ("output", "mean", "output0", ...) into buf. */
const char *mxio__op_output_name(const mxio__op *op, const mxio__attrs *a, int i, char *buf,
                                 size_t cap);

/* ---- shared pieces of records (src/ops/common.c) ------------------------ */

/* Ten numbered items m(h0) .. m(h9), for tables of numbered names
 * (MXIO__NUMBERED_256(A) with A(i) "arg" #i gives "arg0" .. "arg255"). */
#define MXIO__NUMBERED_10(m, h) \
    m(h##0), m(h##1), m(h##2), m(h##3), m(h##4), m(h##5), m(h##6), m(h##7), m(h##8), m(h##9)
#define MXIO__NUMBERED_256(m)                                                                   \
    MXIO__NUMBERED_10(m, ), MXIO__NUMBERED_10(m, 1), MXIO__NUMBERED_10(m, 2),                   \
        MXIO__NUMBERED_10(m, 3), MXIO__NUMBERED_10(m, 4), MXIO__NUMBERED_10(m, 5),              \
        MXIO__NUMBERED_10(m, 6), MXIO__NUMBERED_10(m, 7), MXIO__NUMBERED_10(m, 8),              \
        MXIO__NUMBERED_10(m, 9), MXIO__NUMBERED_10(m, 10), MXIO__NUMBERED_10(m, 11),            \
        MXIO__NUMBERED_10(m, 12), MXIO__NUMBERED_10(m, 13), MXIO__NUMBERED_10(m, 14),           \
        MXIO__NUMBERED_10(m, 15), MXIO__NUMBERED_10(m, 16), MXIO__NUMBERED_10(m, 17),           \
        MXIO__NUMBERED_10(m, 18), MXIO__NUMBERED_10(m, 19), MXIO__NUMBERED_10(m, 20),           \
        MXIO__NUMBERED_10(m, 21), MXIO__NUMBERED_10(m, 22), MXIO__NUMBERED_10(m, 23),           \
        MXIO__NUMBERED_10(m, 24), m(250), m(251), m(252), m(253), m(254), m(255)

/* "arg0", "arg1", ...: the names MXNet gives variadic inputs. */
extern const char *const mxio__arg_names[MXIO__MAX_OP_INPUTS];
/* data, weight[, bias] by no_bias. */
int mxio__inputs_no_bias(const mxio__attrs *a, const char **names, int cap);
/* arg0 .. arg<num_args-1>. */
int mxio__inputs_num_args(const mxio__attrs *a, const char **names, int cap);
/* data[, sequence_length] by use_sequence_length. */
int mxio__inputs_sequence_length(const mxio__attrs *a, const char **names, int cap);
/* data[, length] by use_length (softmax family). */
int mxio__inputs_softmax_length(const mxio__attrs *a, const char **names, int cap);
/* Custom: defined by Python code, so whatever the node has. */
int mxio__inputs_custom(const mxio__attrs *a, const char **names, int cap);
/* Three outputs (output, mean, var|std); visible 3 when output_mean_var. */
int mxio__outputs_mean_var(const mxio__attrs *a, int *visible);
/* "output0", "output1", ... even for a single output (SliceChannel). */
extern const char *const mxio__indexed_output_names[MXIO__MAX_OP_INPUTS + 1];
/* output, min_output, max_output of quantized ops. */
extern const char *const mxio__quantized_output_names[];

#endif /* MXIO_OPS_OP_H */
