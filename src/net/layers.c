/* layers.c - the layer catalogue as data, and layer instances.
 * Which op becomes which layer lives with each op (its record's to_layer, or
 * src/net/op_layers.c until the record has one); this file only knows layers. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "layer.h"

#define I MXIO__LOPT_INT
#define F MXIO__LOPT_FLOAT
#define B MXIO__LOPT_BOOL
#define IS MXIO__LOPT_INTS
#define FS MXIO__LOPT_FLOATS
#define S MXIO__LOPT_STRING

static const mxio__lopt_spec conv_opts[] = {
    {"OutputChannels", I, "null"}, {"KernelSize", IS, "null"},  {"Stride", IS, "[]"},
    {"Dilation", IS, "[]"},        {"PaddingSize", IS, "[]"},   {"ChannelGroups", I, "1"},
    {"NoBias", B, "false"},        {"Layout", S, "null"},       {NULL, 0, NULL},
};
static const mxio__lopt_spec deconv_opts[] = {
    {"OutputChannels", I, "null"}, {"KernelSize", IS, "null"}, {"Stride", IS, "[]"},
    {"Dilation", IS, "[]"},        {"PaddingSize", IS, "[]"},  {"Adjustment", IS, "[]"},
    {"TargetShape", IS, "[]"},     {"ChannelGroups", I, "1"},  {"NoBias", B, "true"},
    {"Layout", S, "null"},         {NULL, 0, NULL},
};
static const mxio__lopt_spec linear_opts[] = {
    {"OutputSize", I, "null"}, {"NoBias", B, "false"}, {"Flatten", B, "true"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec bn_opts[] = {
    {"Epsilon", F, "0.001"},          {"Momentum", F, "0.9"},      {"FixGamma", B, "true"},
    {"UseGlobalStats", B, "false"},   {"Axis", I, "1"},            {"OutputMeanVar", B, "false"},
    {NULL, 0, NULL},
};
static const mxio__lopt_spec elementwise_opts[] = {
    {"Function", S, "null"}, {"Scalar", F, "null"}, {"Slope", F, "null"},
    {"Min", F, "null"},      {"Max", F, "null"},    {NULL, 0, NULL},
};
static const mxio__lopt_spec pooling_opts[] = {
    {"Function", S, "\"Max\""},   {"KernelSize", IS, "[]"},       {"Stride", IS, "[]"},
    {"PaddingSize", IS, "[]"},    {"GlobalPooling", B, "false"},  {"Convention", S, "\"valid\""},
    {"CountIncludePad", B, "null"}, {"PValue", I, "null"},        {"Layout", S, "null"},
    {NULL, 0, NULL},
};
static const mxio__lopt_spec softmax_opts[] = {
    {"Axis", I, "-1"},      {"Mode", S, "\"axis\""}, {"Temperature", F, "null"},
    {"Log", B, "false"},    {"UseLength", B, "false"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec reshape_opts[] = {
    {"Shape", IS, "[]"}, {"Reverse", B, "false"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec axis1_opts[] = {{"Axis", I, "1"}, {NULL, 0, NULL}};
static const mxio__lopt_spec axis_req_opts[] = {{"Axis", I, "null"}, {NULL, 0, NULL}};
static const mxio__lopt_spec threading_opts[] = {
    {"Function", S, "null"}, {"Broadcasting", B, "false"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec dropout_opts[] = {
    {"DropoutProbability", F, "0.5"}, {"Mode", S, "\"training\""}, {"Axes", IS, "[]"},
    {NULL, 0, NULL},
};
static const mxio__lopt_spec embedding_opts[] = {
    {"InputDimension", I, "null"}, {"OutputDimension", I, "null"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec resize_opts[] = {
    {"Method", S, "\"Nearest\""}, {"Scale", I, "null"},         {"Height", I, "null"},
    {"Width", I, "null"},         {"ScaleHeight", F, "null"},   {"ScaleWidth", F, "null"},
    {"Mode", S, "null"},          {"AlignCorners", B, "null"},  {NULL, 0, NULL},
};
static const mxio__lopt_spec padding_opts[] = {
    {"Mode", S, "\"constant\""}, {"PaddingSize", IS, "null"}, {"Value", F, "0"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec norm_opts[] = {
    {"Kind", S, "\"Instance\""}, {"Axis", I, "null"}, {"Epsilon", F, "null"},
    {"Groups", I, "null"},       {NULL, 0, NULL},
};
static const mxio__lopt_spec lrn_opts[] = {
    {"Alpha", F, "0.0001"}, {"Beta", F, "0.75"}, {"Bias", F, "2"}, {"Size", I, "null"},
    {NULL, 0, NULL},
};
static const mxio__lopt_spec l2_opts[] = {
    {"Mode", S, "\"instance\""}, {"Epsilon", F, "1e-10"}, {NULL, 0, NULL},
};
/* Axes: a permutation (transpose); Swap: two axes exchanged (SwapAxis). */
static const mxio__lopt_spec transpose_opts[] = {
    {"Axes", IS, "[]"}, {"Swap", IS, "null"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec part_opts[] = {
    {"Axis", I, "null"}, {"Begin", IS, "null"}, {"End", IS, "null"}, {"Step", IS, "[]"},
    {NULL, 0, NULL},
};
static const mxio__lopt_spec aggregation_opts[] = {
    {"Function", S, "null"}, {"Axes", IS, "null"}, {"KeepDims", B, "false"},
    {"Exclude", B, "false"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec dot_opts[] = {
    {"TransposeA", B, "false"}, {"TransposeB", B, "false"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec generic_opts[] = {
    {"Operator", S, "null"}, {"Attributes", MXIO__LOPT_OBJECT, "{}"}, {NULL, 0, NULL},
};
static const mxio__lopt_spec no_opts[] = {{NULL, 0, NULL}};

#undef I
#undef F
#undef B
#undef IS
#undef FS
#undef S

static const char *const w_b[] = {"Weights", "Biases", NULL};
static const char *const w_only[] = {"Weights", NULL};
static const char *const bn_arrays[] = {"Scaling", "Biases", "MovingMean", "MovingVariance", NULL};
static const char *const s_b[] = {"Scaling", "Biases", NULL};
static const char *const slope[] = {"Slope", NULL};

static const mxio__layer_type catalogue[] = {
    {"ConvolutionLayer", "N-d convolution (Convolution)", conv_opts, w_b},
    {"DeconvolutionLayer", "transposed convolution (Deconvolution)", deconv_opts, w_b},
    {"LinearLayer", "fully connected (FullyConnected)", linear_opts, w_b},
    {"BatchNormalizationLayer", "batch normalisation with moving statistics (BatchNorm)", bn_opts,
     bn_arrays},
    {"ElementwiseLayer", "a function applied to every element (activations, scalar arithmetic)",
     elementwise_opts, NULL},
    {"ParametricRampLayer", "PReLU with a learned slope (LeakyReLU prelu)", no_opts, slope},
    {"PoolingLayer", "max/mean/total/Lp pooling (Pooling)", pooling_opts, NULL},
    {"SoftmaxLayer", "softmax or log-softmax (softmax, SoftmaxActivation, SoftmaxOutput)",
     softmax_opts, NULL},
    {"FlattenLayer", "collapse all axes after the batch axis (Flatten)", no_opts, NULL},
    {"ReshapeLayer", "reshape with MXNet's special codes (Reshape)", reshape_opts, NULL},
    {"CatenateLayer", "concatenate along an axis (Concat)", axis1_opts, NULL},
    {"TotalLayer", "sum of any number of inputs (add_n)", no_opts, NULL},
    {"ThreadingLayer", "element-by-element binary function (elemwise_*, broadcast_*)",
     threading_opts, NULL},
    {"DropoutLayer", "dropout; identity at inference unless Mode is always (Dropout)",
     dropout_opts, NULL},
    {"EmbeddingLayer", "index -> vector lookup (Embedding)", embedding_opts, w_only},
    {"ResizeLayer", "spatial resize (UpSampling, BilinearResize2D)", resize_opts, NULL},
    {"PaddingLayer", "pad with a constant, edge or reflection (Pad)", padding_opts, NULL},
    {"NormalizationLayer", "instance, layer or group normalisation", norm_opts, s_b},
    {"LocalResponseNormalizationLayer", "across-channel LRN (LRN)", lrn_opts, NULL},
    {"L2NormalizationLayer", "divide by the L2 norm (L2Normalization)", l2_opts, NULL},
    {"TransposeLayer", "permute axes (transpose, SwapAxis)", transpose_opts, NULL},
    {"PartLayer", "take a slice (slice, slice_axis)", part_opts, NULL},
    {"AggregationLayer", "reduce over axes (mean, sum, max, min, prod)", aggregation_opts, NULL},
    {"ReplicateLayer", "insert a unit axis (expand_dims)", axis_req_opts, NULL},
    {"DotLayer", "(batched) matrix product (dot, batch_dot)", dot_opts, NULL},
    {"MXNetOpLayer", "any other op, kept as MXNet op name and raw attributes", generic_opts, NULL},
};

size_t mxio__layer_type_count(void) { return sizeof catalogue / sizeof catalogue[0]; }

const mxio__layer_type *mxio__layer_type_at(size_t i) {
    return i < mxio__layer_type_count() ? &catalogue[i] : NULL;
}

const mxio__layer_type *mxio__layer_type_find(const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < mxio__layer_type_count(); i++)
        if (strcmp(catalogue[i].name, name) == 0) return &catalogue[i];
    return NULL;
}

int mxio__layer_type_option(const mxio__layer_type *t, const char *name) {
    if (!t || !name) return -1;
    for (int i = 0; t->options[i].name; i++)
        if (strcmp(t->options[i].name, name) == 0) return i;
    return -1;
}

static size_t option_count(const mxio__layer_type *t) {
    size_t n = 0;
    while (t->options[n].name) n++;
    return n;
}

/* ---- instances ----------------------------------------------------------- */

void mxio__layer_clear(mxio__layer *l) {
    if (!l) return;
    if (l->type && l->values)
        for (size_t i = 0; i < option_count(l->type); i++) free(l->values[i]);
    free(l->values);
    for (size_t i = 0; i < l->narrays; i++) mxio__layer_array_clear(&l->arrays[i]);
    free(l->arrays);
    for (size_t i = 0; i < l->nsrcs; i++) free(l->arg_names ? l->arg_names[i] : NULL);
    free(l->arg_names);
    free(l->srcs);
    free(l->out_shapes);
    free(l->name);
    free(l->op);
    mxio__kvs_free(l->attrs, l->nattrs);
    free(l->failure);
    free(l->subgraph_json);
    memset(l, 0, sizeof *l);
    l->node = -1;
}

void mxio__layer_array_clear(mxio__layer_array *a) {
    free(a->slot);
    free(a->arg);
    free(a->var);
    free(a->param);
    mxio__kvs_free(a->attrs, a->nattrs);
    memset(a, 0, sizeof *a);
}

static void array_reset(mxio__layer_array *a) {
    memset(a, 0, sizeof *a);
    a->var_node = -1;
    a->ndim = -1;
    a->dtype = -1;
    a->state = MXIO__ARRAY_NONE;
    a->role = MXIO_ROLE_WEIGHT;
}

mxio_status mxio__layer_add_array(mxio__layer *l, const char *slot, mxio_error *err) {
    mxio__layer_array *arr = mxio__realloc_array(l->arrays, l->narrays + 1, sizeof *arr);
    if (!arr) return mxio__fail(err, MXIO_E_NOMEM, "out of memory adding array %s", slot);
    l->arrays = arr;
    array_reset(&arr[l->narrays]);
    arr[l->narrays].slot = mxio__strdup(slot);
    if (!arr[l->narrays].slot) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    l->narrays++;
    return MXIO_OK;
}

/* Drop type, options and arrays (keep name, wiring and provenance). */
static void layer_reset_type(mxio__layer *l) {
    if (l->type && l->values)
        for (size_t i = 0; i < option_count(l->type); i++) free(l->values[i]);
    free(l->values);
    l->values = NULL;
    for (size_t i = 0; i < l->narrays; i++) mxio__layer_array_clear(&l->arrays[i]);
    free(l->arrays);
    l->arrays = NULL;
    l->narrays = 0;
    l->type = NULL;
}

mxio_status mxio__layer_init(mxio__layer *l, const char *type, mxio_error *err) {
    const mxio__layer_type *t = mxio__layer_type_find(type);
    if (!t) return mxio__fail(err, MXIO_E_MISUSE, "unknown layer type %s", type ? type : "(null)");
    layer_reset_type(l);
    size_t n = option_count(t);
    l->values = mxio__calloc_array(n ? n : 1, sizeof *l->values);
    if (!l->values) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    l->type = t;
    for (size_t i = 0; i < n; i++) {
        l->values[i] = mxio__strdup(t->options[i].dflt);
        if (!l->values[i]) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    }
    if (t->arrays)
        for (const char *const *s = t->arrays; *s; s++) {
            mxio_status st = mxio__layer_add_array(l, *s, err);
            if (st) return st;
        }
    return MXIO_OK;
}

mxio_status mxio__layer_set(mxio__layer *l, const char *name, const char *json, mxio_error *err) {
    int i = mxio__layer_type_option(l->type, name);
    if (i < 0)
        return mxio__fail(err, MXIO_E_MISUSE, "layer type %s has no option %s",
                          l->type ? l->type->name : "(none)", name);
    char *v = mxio__strdup(json ? json : "null");
    if (!v) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    free(l->values[i]);
    l->values[i] = v;
    return MXIO_OK;
}

const char *mxio__layer_get(const mxio__layer *l, const char *name) {
    int i = mxio__layer_type_option(l->type, name);
    return i < 0 ? NULL : l->values[i];
}

int mxio__layer_array_find(const mxio__layer *l, const char *slot) {
    for (size_t i = 0; i < l->narrays; i++)
        if (strcmp(l->arrays[i].slot, slot) == 0) return (int)i;
    return -1;
}

void mxio__kvs_free(mxio__kv *kv, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

/* ---- JSON text from model files ------------------------------------------ */

/* A copy with '?' for every non-ASCII byte, when `s` is not valid UTF-8. */
static char *ascii_copy(const char *s) {
    char *t = mxio__strdup(s ? s : "");
    for (char *p = t; p && *p; p++)
        if ((unsigned char)*p >= 0x80) *p = '?';
    return t;
}

json_t *mxio__json_str(const char *s) {
    json_t *v = json_string(s ? s : "");
    if (v) return v;
    char *t = ascii_copy(s);
    v = t ? json_string(t) : NULL;
    free(t);
    return v;
}

int mxio__json_set(json_t *obj, const char *key, json_t *value) {
    if (!value) return -1;
    if (json_object_set(obj, key ? key : "", value) == 0) {
        json_decref(value);
        return 0;
    }
    char *t = ascii_copy(key);
    int r = t ? json_object_set_new(obj, t, value) : -1;
    if (!t) json_decref(value);
    free(t);
    return r;
}

/* ---- attribute strings <-> option JSON ----------------------------------- */

/* Shortest "%.*g" text that reads back as the same double. */
static void print_double(mxio__buf *b, double v) {
    if (!isfinite(v)) {
        /* JSON has no inf/nan: keep them as strings MXNet's parser reads. */
        mxio__buf_printf(b, "\"%s\"", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    mxio__buf_puts(b, tmp);
}

static bool is_none(const char *s) { return strcmp(s, "None") == 0 || strcmp(s, "none") == 0; }

bool mxio__lopt_from_attr(mxio__lopt_type t, const char *s, char **json) {
    mxio__buf b;
    mxio__buf_init(&b);
    bool ok = true;
    if (!s || is_none(s)) {
        mxio__buf_puts(&b, "null");
    } else {
        switch (t) {
        case MXIO__LOPT_INT: {
            int64_t v;
            ok = mxio__parse_int(s, &v);
            if (ok) mxio__buf_printf(&b, "%lld", (long long)v);
            break;
        }
        case MXIO__LOPT_FLOAT: {
            double v;
            ok = mxio__parse_float(s, &v);
            if (ok) print_double(&b, v);
            break;
        }
        case MXIO__LOPT_BOOL: {
            bool v;
            ok = mxio__parse_bool(s, &v);
            if (ok) mxio__buf_puts(&b, v ? "true" : "false");
            break;
        }
        case MXIO__LOPT_INTS: {
            int64_t v[MXIO__MAX_DIMS];
            int n = 0;
            bool none = false;
            ok = mxio__parse_tuple(s, v, MXIO__MAX_DIMS, &n, true, &none);
            if (!ok) break;
            if (none) {
                mxio__buf_puts(&b, "null");
                break;
            }
            mxio__buf_putc(&b, '[');
            for (int i = 0; i < n; i++) {
                if (i) mxio__buf_putc(&b, ',');
                if (v[i] == INT64_MIN)
                    mxio__buf_puts(&b, "null");
                else
                    mxio__buf_printf(&b, "%lld", (long long)v[i]);
            }
            mxio__buf_putc(&b, ']');
            break;
        }
        case MXIO__LOPT_FLOATS: {
            double v[MXIO__MAX_DIMS * 4];
            int n = 0;
            ok = mxio__parse_float_tuple(s, v, (int)(sizeof v / sizeof v[0]), &n);
            if (!ok) break;
            mxio__buf_putc(&b, '[');
            for (int i = 0; i < n; i++) {
                if (i) mxio__buf_putc(&b, ',');
                print_double(&b, v[i]);
            }
            mxio__buf_putc(&b, ']');
            break;
        }
        case MXIO__LOPT_STRING:
        case MXIO__LOPT_OBJECT: {
            json_t *str = json_string(s);
            char *txt = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
            json_decref(str);
            ok = txt != NULL;
            if (ok) mxio__buf_puts(&b, txt);
            free(txt);
            break;
        }
        }
    }
    if (!ok || b.oom) {
        mxio__buf_free(&b);
        *json = NULL;
        return false;
    }
    *json = mxio__buf_take(&b, NULL);
    return *json != NULL;
}

static void print_attr_number(mxio__buf *b, json_t *v) {
    if (json_is_integer(v))
        mxio__buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        print_double(b, json_real_value(v));
    else if (json_is_string(v))
        mxio__buf_puts(b, json_string_value(v));
    else
        mxio__buf_puts(b, "None");
}

bool mxio__lopt_to_attr(mxio__lopt_type t, const char *json, char **s) {
    *s = NULL;
    json_error_t je;
    json_t *v = json_loads(json ? json : "null", JSON_DECODE_ANY, &je);
    if (!v) return false;
    mxio__buf b;
    mxio__buf_init(&b);
    bool ok = true;
    if (json_is_null(v)) {
        mxio__buf_puts(&b, "None");
    } else if (json_is_boolean(v)) {
        mxio__buf_puts(&b, json_is_true(v) ? "True" : "False");
    } else if (json_is_array(v)) {
        /* MXNet's tuple spelling: "(3, 3)", "(3,)", "()". */
        size_t n = json_array_size(v);
        mxio__buf_putc(&b, '(');
        for (size_t i = 0; i < n; i++) {
            if (i) mxio__buf_puts(&b, ", ");
            print_attr_number(&b, json_array_get(v, i));
        }
        if (n == 1 && t != MXIO__LOPT_FLOATS) mxio__buf_putc(&b, ',');
        mxio__buf_putc(&b, ')');
    } else if (json_is_string(v)) {
        mxio__buf_puts(&b, json_string_value(v));
    } else if (json_is_number(v)) {
        print_attr_number(&b, v);
    } else {
        ok = false;
    }
    json_decref(v);
    if (!ok || b.oom) {
        mxio__buf_free(&b);
        return false;
    }
    *s = mxio__buf_take(&b, NULL);
    return *s != NULL;
}

/* "relu=Ramp|tanh=Tanh": the right side for `from` (forward) or the left side
 * (backward). Returns a malloc'd string or NULL if absent. */
static char *value_map(const char *values, const char *from, bool forward) {
    const char *p = values;
    size_t fl = strlen(from);
    while (*p) {
        const char *eq = strchr(p, '=');
        if (!eq) return NULL;
        const char *end = strchr(eq, '|');
        if (!end) end = eq + strlen(eq);
        const char *k = forward ? p : eq + 1;
        size_t kl = forward ? (size_t)(eq - p) : (size_t)(end - eq - 1);
        const char *o = forward ? eq + 1 : p;
        size_t ol = forward ? (size_t)(end - eq - 1) : (size_t)(eq - p);
        if (kl == fl && memcmp(k, from, fl) == 0) return mxio__strndup(o, ol);
        p = *end ? end + 1 : end;
    }
    return NULL;
}

static bool op_lists_param(const mxio__op *op, const char *key) {
    if (!op || !op->params) return false;
    for (const mxio__attr_spec *p = op->params; p->name; p++)
        if (strcmp(p->name, key) == 0) return true;
    return false;
}

mxio_status mxio__layer_apply(const mxio__layer_rule *rule, const mxio__attrs *a, mxio__layer *l,
                              mxio_error *err) {
    mxio_status st = mxio__layer_init(l, rule->type, err);
    if (st) return st;
    for (const mxio__opt_map *m = rule->options; m && m->option; m++) {
        int oi = mxio__layer_type_option(l->type, m->option);
        if (oi < 0)
            return mxio__fail(err, MXIO_E_MISUSE, "layer type %s has no option %s", rule->type,
                              m->option);
        if (!m->attr) {
            st = mxio__layer_set(l, m->option, m->values, err);
            if (st) return st;
            continue;
        }
        const char *s = mxio__attr_str(a, m->attr);
        /* An attribute the op's table does not list and the node does not set:
         * keep the layer's own default rather than call it missing. */
        if (!s && !op_lists_param(a->op, m->attr)) continue;
        char *mapped = NULL;
        if (s && m->values && !is_none(s)) {
            mapped = value_map(m->values, s, true);
            if (!mapped)
                return mxio__fail(err, MXIO_E_UNSUPPORTED, "%s='%s' has no %s translation",
                                  m->attr, s, rule->type);
            s = mapped;
        }
        char *json = NULL;
        bool ok = mxio__lopt_from_attr(l->type->options[oi].type, s, &json);
        if (!ok) {
            mxio_status code = s ? MXIO_E_CORRUPT : MXIO_E_GRAPH;
            mxio__fail(err, code, s ? "attribute %s='%s' does not parse"
                                     : "required attribute %s%s is missing",
                       m->attr, s ? s : "");
            free(mapped);
            return code;
        }
        free(mapped);
        free(l->values[oi]);
        l->values[oi] = json;
    }
    for (const mxio__arg_map *m = rule->arrays; m && m->slot; m++) {
        int ai = mxio__layer_array_find(l, m->slot);
        if (ai < 0) {
            st = mxio__layer_add_array(l, m->slot, err);
            if (st) return st;
            ai = (int)l->narrays - 1;
        }
        l->arrays[ai].arg = mxio__strdup(m->arg);
        if (!l->arrays[ai].arg) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    }
    return MXIO_OK;
}

static int kv_cmp(const void *x, const void *y) {
    return strcmp(((const mxio__kv *)x)->key, ((const mxio__kv *)y)->key);
}

mxio_status mxio__layer_unapply(const mxio__layer_rule *rule, const mxio__layer *l,
                                const mxio__op *op, mxio__kv **out, size_t *nout,
                                mxio_error *err) {
    *out = NULL;
    *nout = 0;
    if (!l->type || strcmp(l->type->name, rule->type) != 0)
        return mxio__fail(err, MXIO_E_MISUSE, "layer %s is not a %s", l->name ? l->name : "?",
                          rule->type);
    mxio__kv *kv = NULL;
    size_t n = 0;
    for (const mxio__opt_map *m = rule->options; m && m->option; m++) {
        if (!m->attr) continue;
        int oi = mxio__layer_type_option(l->type, m->option);
        if (oi < 0) continue;
        /* Leave out what MXNet would take as its default anyway (compared as
         * values: "[]" and "()" are the same default). */
        const mxio__attrs none = {.kv = NULL, .n = 0, .op = op, .node = NULL};
        const char *dflt = op ? mxio__attr_str(&none, m->attr) : NULL;
        if (dflt) {
            char *mapped = m->values && !is_none(dflt) ? value_map(m->values, dflt, true) : NULL;
            char *dj = NULL;
            bool same = mxio__lopt_from_attr(l->type->options[oi].type, mapped ? mapped : dflt, &dj) &&
                        strcmp(dj, l->values[oi]) == 0;
            free(mapped);
            free(dj);
            if (same) continue;
        }
        char *s = NULL;
        if (!mxio__lopt_to_attr(l->type->options[oi].type, l->values[oi], &s)) goto bad;
        if (m->values && strcmp(s, "None") != 0) {
            char *back = value_map(m->values, s, false);
            free(s);
            if (!back) goto bad;
            s = back;
        }
        mxio__kv *nkv = mxio__realloc_array(kv, n + 1, sizeof *kv);
        char *k = mxio__strdup(m->attr);
        if (!nkv || !k) {
            free(k);
            free(s);
            if (nkv) kv = nkv;
            mxio__kvs_free(kv, n);
            return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
        }
        kv = nkv;
        kv[n].key = k;
        kv[n].value = s;
        n++;
        continue;
    bad:
        mxio__kvs_free(kv, n);
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "layer %s: option %s=%s has no %s spelling",
                          l->name ? l->name : "?", m->option, l->values[oi], m->attr);
    }
    if (n) qsort(kv, n, sizeof *kv, kv_cmp);
    *out = kv;
    *nout = n;
    return MXIO_OK;
}

mxio_status mxio__layer_generic(const mxio__attrs *a, const char *op, mxio__layer *l,
                                mxio_error *err) {
    mxio_status st = mxio__layer_init(l, "MXNetOpLayer", err);
    if (st) return st;
    char *opname = NULL;
    if (!mxio__lopt_from_attr(MXIO__LOPT_STRING, op, &opname))
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    free(l->values[0]);
    l->values[0] = opname;
    json_t *obj = json_object();
    for (size_t i = 0; obj && i < a->n; i++)
        mxio__json_set(obj, a->kv[i].key, mxio__json_str(a->kv[i].value));
    char *txt = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(obj);
    if (!txt) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    free(l->values[1]);
    l->values[1] = txt;
    return MXIO_OK;
}

mxio_status mxio__kvs_set(mxio__kv **kv, size_t *n, const char *key, const char *value,
                          mxio_error *err) {
    char *v = mxio__strdup(value);
    if (!v) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    size_t i = 0;
    while (i < *n && strcmp((*kv)[i].key, key) < 0) i++;
    if (i < *n && strcmp((*kv)[i].key, key) == 0) {
        free((*kv)[i].value);
        (*kv)[i].value = v;
        return MXIO_OK;
    }
    char *k = mxio__strdup(key);
    mxio__kv *nkv = k ? mxio__realloc_array(*kv, *n + 1, sizeof **kv) : NULL;
    if (!nkv) {
        free(k);
        free(v);
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    }
    memmove(&nkv[i + 1], &nkv[i], (*n - i) * sizeof *nkv);
    nkv[i].key = k;
    nkv[i].value = v;
    *kv = nkv;
    (*n)++;
    return MXIO_OK;
}

mxio_status mxio__layer_from_node(const mxio__attrs *a, mxio__layer *l, mxio_error *err) {
    const mxio__op *op = a->op;
    if (op && op->to_layer) return op->to_layer(a, l, err);
    if (op && op->layer) return mxio__layer_apply(op->layer, a, l, err);
    return mxio__layer_generic(a, op ? op->name : "?", l, err);
}

mxio_status mxio__layer_to_attrs(const mxio__op *op, const mxio__layer *l, mxio__kv **kv,
                                 size_t *n, mxio_error *err) {
    *kv = NULL;
    *n = 0;
    if (l->type && strcmp(l->type->name, "MXNetOpLayer") == 0) {
        json_error_t je;
        json_t *o = json_loads(l->values[1], 0, &je);
        if (!json_is_object(o)) {
            json_decref(o);
            return mxio__fail(err, MXIO_E_CORRUPT, "layer %s: Attributes is not an object",
                              l->name ? l->name : "?");
        }
        const char *k;
        json_t *v;
        mxio_status st = MXIO_OK;
        json_object_foreach(o, k, v) {
            if (!json_is_string(v)) {
                st = mxio__fail(err, MXIO_E_CORRUPT, "layer %s: attribute %s is not a string",
                                l->name ? l->name : "?", k);
                break;
            }
            st = mxio__kvs_set(kv, n, k, json_string_value(v), err);
            if (st) break;
        }
        json_decref(o);
        if (st) {
            mxio__kvs_free(*kv, *n);
            *kv = NULL;
            *n = 0;
        }
        return st;
    }
    if (op && op->from_layer) return op->from_layer(l, op, kv, n, err);
    if (op && op->layer) return mxio__layer_unapply(op->layer, l, op, kv, n, err);
    return mxio__fail(err, MXIO_E_UNSUPPORTED, "layer %s: op %s has no way back from %s",
                      l->name ? l->name : "?", op ? op->name : "?",
                      l->type ? l->type->name : "a failure entry");
}
