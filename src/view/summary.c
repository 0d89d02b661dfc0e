/* summary.c - `mxio summary`: what a model is, in one page.
 *
 * The MXNet version that wrote the symbol, the params file, inputs and outputs,
 * one row per op node (output shapes, parameter count, multiply-accumulates) and
 * the totals. Shapes come from shape inference (src/graph/infer.c) seeded with
 * the caller's input shapes, the variables' __shape__ attributes and the params
 * file's array shapes; whatever stays unknown is shown as unknown and listed in
 * the notes, never an error. MACs come from each op record's `.macs` rule. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "../format/symbol.h"
#include "../graph/infer.h"
#include "../graph/roles.h"
#include "../ops/op.h"
#include "text.h"

/* What one variable contributes: its element count and where it came from. */
typedef struct var_info {
    int64_t numel; /* -1: unknown */
    int dtype;     /* -1: unknown */
    bool in_file;  /* the params file holds it */
    bool counted;  /* already attributed to a layer */
} var_info;

enum { MACS_NO_RULE = 0, MACS_KNOWN = 1, MACS_UNKNOWN = 2 };

typedef struct layer_row {
    size_t node;
    int64_t arg, aux;  /* parameters first consumed by this node */
    bool params_unknown;
    int64_t macs;
    int macs_state;
} layer_row;

typedef struct summary {
    const struct mxio_symbol *s;
    const mxio_params *p;
    const mxio_summary_options *opt;
    uint8_t *roles;
    var_info *vars;        /* per node; meaningful for variables */
    mxio__shapes shapes;   /* empty when inference failed */
    bool have_shapes;
    char infer_failure[MXIO_ERROR_MESSAGE_SIZE];
    const char *shape_source;
    layer_row *layers;
    size_t nlayers;
    /* totals */
    int64_t arg_total, aux_total, macs_total;
    size_t params_unknown, macs_unknown, macs_uncounted;
    size_t file_unused; /* params-file arrays no variable takes */
    int64_t file_numel;
    bool file_numel_known;
} summary;

/* ---- helpers ------------------------------------------------------------------ */

static bool is_var(const mxio__node *n) { return strcmp(n->op, "null") == 0; }

static mxio__attrs node_attrs(const mxio__node *n, const mxio__op *op) {
    mxio__attrs a = {n->attrs, n->nattrs, op, n};
    return a;
}

static const mxio__shape *entry_shape(const summary *S, size_t node, uint32_t index) {
    static const mxio__shape unknown = {.ndim = -1};
    if (!S->have_shapes) return &unknown;
    return &S->shapes.shape[S->shapes.row[node] + index];
}

static int entry_dtype(const summary *S, size_t node, uint32_t index) {
    if (!S->have_shapes) return -1;
    return S->shapes.dtype[S->shapes.row[node] + index];
}

static int output_count(const summary *S, size_t node, int *visible) {
    const mxio__node *n = &S->s->nodes[node];
    if (is_var(n)) {
        *visible = 1;
        return 1;
    }
    const mxio__op *op = mxio__op_find(n->op);
    if (!op) {
        /* an unknown op: the file's node_row_ptr said how many (infer laid them out) */
        int total = S->have_shapes ? (int)(S->shapes.row[node + 1] - S->shapes.row[node]) : 1;
        *visible = total;
        return total;
    }
    mxio__attrs a = node_attrs(n, op);
    int vis = 0;
    int total = mxio__op_outputs(op, &a, &vis);
    *visible = vis > 0 ? vis : total;
    return total;
}

/* "conv0_output", "bn0_mean", as get_internals().list_outputs() names them. */
static void output_name(const summary *S, size_t node, int i, mxio__buf *b) {
    const mxio__node *n = &S->s->nodes[node];
    if (is_var(n)) {
        mxio__buf_puts(b, n->name);
        return;
    }
    char buf[64];
    const mxio__op *op = mxio__op_find(n->op);
    int vis;
    if (op) {
        mxio__attrs a = node_attrs(n, op);
        mxio__op_output_name(op, &a, i, buf, sizeof buf);
    } else {
        snprintf(buf, sizeof buf, output_count(S, node, &vis) == 1 ? "output" : "output%d", i);
    }
    mxio__buf_printf(b, "%s_%s", n->name, buf);
}

/* The same, malloc'd; NULL when out of memory. */
static char *output_name_dup(const summary *S, size_t node, int i) {
    mxio__buf b;
    mxio__buf_init(&b);
    output_name(S, node, i, &b);
    return mxio__buf_take(&b, NULL);
}

static const char *dtype_name(int t) {
    const char *name = t >= 0 ? mxio_dtype_name((mxio_dtype)t) : NULL;
    return name ? name : "?";
}

/* "25,557,032" */
static void put_count(mxio__buf *b, int64_t v) {
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    if (v < 0) mxio__buf_putc(b, '-');
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) mxio__buf_putc(b, ',');
        mxio__buf_putc(b, digits[i]);
    }
}

/* "4.09 G" */
static void put_human(mxio__buf *b, int64_t v) {
    static const char *const unit[] = {"", " K", " M", " G", " T", " P"};
    double x = (double)v;
    int u = 0;
    while (x >= 1000.0 && u < 5) {
        x /= 1000.0;
        u++;
    }
    if (u == 0)
        mxio__buf_printf(b, "%lld", (long long)v);
    else
        mxio__buf_printf(b, "%.3g%s", x, unit[u]);
}

static void put_version(mxio__buf *b, int v) {
    mxio__buf_printf(b, "%d.%d.%d", v / 10000, v / 100 % 100, v % 100);
}

/* ---- analysis -------------------------------------------------------------------- */

static mxio_status find_input(const summary *S, const char *name, size_t *node) {
    for (size_t i = 0; i < S->s->nnodes; i++)
        if (is_var(&S->s->nodes[i]) && strcmp(S->s->nodes[i].name, name) == 0) {
            *node = i;
            return MXIO_OK;
        }
    return MXIO_E_NOT_FOUND;
}

/* Hints: the caller's input shapes first, then the params file's arrays. */
static mxio_status make_hints(summary *S, mxio__shape_hint **out, size_t *nout, mxio_error *err) {
    const struct mxio_symbol *s = S->s;
    const mxio_summary_options *o = S->opt;
    size_t cap = o->ninputs + s->nnodes + 1;
    mxio__shape_hint *h = mxio__calloc_array(cap, sizeof *h);
    if (!h) return mxio__fail(err, MXIO_E_NOMEM, "out of memory for %zu shape hints", cap);
    size_t n = 0;
    for (size_t i = 0; i < o->ninputs; i++) {
        const mxio_plot_input *in = &o->inputs[i];
        size_t node;
        char name[256];
        if (!in->name || find_input(S, in->name, &node) != MXIO_OK) {
            free(h);
            return mxio__fail(err, MXIO_E_NOT_FOUND, "%s: no input variable named '%s'", s->label,
                              in->name ? mxio__printable(name, sizeof name, in->name, strlen(in->name))
                                       : "(null)");
        }
        if (in->ndim < 0 || in->ndim > MXIO__MAX_DIMS || (in->ndim > 0 && !in->dims)) {
            free(h);
            return mxio__fail(err, MXIO_E_MISUSE, "%s: input '%s': bad shape (%d dims)", s->label,
                              s->nodes[node].name, in->ndim);
        }
        for (int d = 0; d < in->ndim; d++)
            if (in->dims[d] < 1) {
                free(h);
                return mxio__fail(err, MXIO_E_MISUSE, "%s: input '%s': dim %d is %lld, not positive",
                                  s->label, s->nodes[node].name, d, (long long)in->dims[d]);
            }
        h[n].name = s->nodes[node].name;
        mxio__shape_make(&h[n].shape, in->ndim, in->dims);
        h[n].dtype = -1;
        n++;
    }
    for (size_t i = 0; S->p && i < s->nnodes; i++) {
        const mxio__node *v = &s->nodes[i];
        if (!is_var(v) || (S->roles[i] != MXIO_ROLE_WEIGHT && S->roles[i] != MXIO_ROLE_AUX)) continue;
        int64_t k = mxio_params_find(S->p, v->name);
        mxio_array a;
        if (k < 0 || mxio_params_get(S->p, (size_t)k, &a) != MXIO_OK || a.is_none) continue;
        if (a.ndim > MXIO__MAX_DIMS) continue;
        h[n].name = v->name;
        mxio__shape_make(&h[n].shape, a.ndim, a.shape);
        h[n].dtype = (int)a.dtype;
        n++;
    }
    *out = h;
    *nout = n;
    return MXIO_OK;
}

static mxio_status infer(summary *S, mxio_error *err) {
    mxio__shape_hint *hints = NULL;
    size_t nhints = 0;
    mxio_status st = make_hints(S, &hints, &nhints, err);
    if (st) return st;
    mxio_error ierr;
    st = mxio__infer_shapes(S->s, hints, nhints, &S->shapes, &ierr);
    free(hints);
    if (st == MXIO_OK) {
        S->have_shapes = true;
        return MXIO_OK;
    }
    if (st == MXIO_E_NOMEM || S->opt->ninputs > 0) {
        /* the caller's shapes contradict the graph: that is worth an error */
        if (err) *err = ierr;
        return st;
    }
    snprintf(S->infer_failure, sizeof S->infer_failure, "%s", ierr.message);
    return MXIO_OK;
}

static void count_vars(summary *S) {
    const struct mxio_symbol *s = S->s;
    for (size_t i = 0; i < s->nnodes; i++) {
        var_info *v = &S->vars[i];
        v->numel = -1;
        v->dtype = -1;
        if (!is_var(&s->nodes[i])) continue;
        int64_t k = S->p ? mxio_params_find(S->p, s->nodes[i].name) : -1;
        mxio_array a;
        if (k >= 0 && mxio_params_get(S->p, (size_t)k, &a) == MXIO_OK && !a.is_none) {
            v->in_file = true;
            v->numel = mxio_array_numel(&a);
            v->dtype = (int)a.dtype;
            continue;
        }
        const mxio__shape *sh = entry_shape(S, i, 0);
        int64_t n;
        if (mxio__shape_known(sh) && mxio__shape_numel(sh->d, sh->ndim, &n)) v->numel = n;
        v->dtype = entry_dtype(S, i, 0);
    }
}

/* Arrays of the params file that no variable of the graph takes. */
static void count_file(summary *S) {
    if (!S->p) return;
    size_t n = mxio_params_count(S->p);
    S->file_numel_known = true;
    for (size_t k = 0; k < n; k++) {
        mxio_array a;
        if (mxio_params_get(S->p, k, &a) != MXIO_OK) continue;
        int64_t e = a.is_none ? 0 : mxio_array_numel(&a);
        if (e < 0 || __builtin_add_overflow(S->file_numel, e, &S->file_numel))
            S->file_numel_known = false;
        const char *shortname = mxio_array_short_name(&a);
        size_t node;
        if (!shortname || find_input(S, shortname, &node) != MXIO_OK) S->file_unused++;
    }
}

static void add_checked(int64_t *acc, int64_t v) {
    if (*acc >= 0 && __builtin_add_overflow(*acc, v, acc)) *acc = -1;
}

static mxio_status build_layers(summary *S, mxio_error *err) {
    const struct mxio_symbol *s = S->s;
    size_t width = 1;
    for (size_t i = 0; i < s->nnodes; i++) {
        if (s->nodes[i].ninputs > width) width = s->nodes[i].ninputs;
        int vis, total = output_count(S, i, &vis);
        if ((size_t)total > width) width = (size_t)total;
    }
    S->layers = mxio__calloc_array(s->nnodes ? s->nnodes : 1, sizeof *S->layers);
    mxio__shape *in = mxio__calloc_array(width, sizeof *in);
    mxio__shape *out = mxio__calloc_array(width, sizeof *out);
    if (!S->layers || !in || !out) {
        free(in);
        free(out);
        return mxio__fail(err, MXIO_E_NOMEM, "out of memory for %zu layers", s->nnodes);
    }
    for (size_t i = 0; i < s->nnodes; i++) {
        const mxio__node *n = &s->nodes[i];
        if (is_var(n)) continue;
        layer_row *L = &S->layers[S->nlayers++];
        L->node = i;
        for (size_t k = 0; k < n->ninputs; k++) {
            uint32_t src = n->inputs[k].node;
            uint8_t role = S->roles[src];
            var_info *v = &S->vars[src];
            in[k] = *entry_shape(S, src, n->inputs[k].index);
            if (!is_var(&s->nodes[src]) || v->counted) continue;
            if (role != MXIO_ROLE_WEIGHT && role != MXIO_ROLE_AUX) continue;
            v->counted = true; /* a shared weight counts once, at its first consumer */
            if (v->numel < 0) {
                L->params_unknown = true;
                S->params_unknown++;
                continue;
            }
            add_checked(role == MXIO_ROLE_AUX ? &L->aux : &L->arg, v->numel);
            add_checked(role == MXIO_ROLE_AUX ? &S->aux_total : &S->arg_total, v->numel);
        }
        int vis, nout = output_count(S, i, &vis);
        for (int k = 0; k < nout; k++) out[k] = *entry_shape(S, i, (uint32_t)k);
        const mxio__op *op = mxio__op_find(n->op);
        if (!op || !op->macs) {
            L->macs_state = MACS_NO_RULE;
            S->macs_uncounted++;
            continue;
        }
        mxio__attrs a = node_attrs(n, op);
        L->macs = op->macs(&a, in, (int)n->ninputs, out, nout);
        if (L->macs < 0) {
            L->macs_state = MACS_UNKNOWN;
            S->macs_unknown++;
        } else {
            L->macs_state = MACS_KNOWN;
            add_checked(&S->macs_total, L->macs);
        }
    }
    free(in);
    free(out);
    return MXIO_OK;
}

static const char *role_word(uint8_t r) {
    return r == MXIO_ROLE_LABEL ? "label" : "data";
}

static bool is_input(const summary *S, size_t i) {
    return is_var(&S->s->nodes[i]) &&
           (S->roles[i] == MXIO_ROLE_DATA || S->roles[i] == MXIO_ROLE_LABEL);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_shape(mxio__buf *b, const mxio__shape *sh) {
    if (sh->ndim < 0) {
        mxio__buf_puts(b, "null");
        return;
    }
    mxio__buf_putc(b, '[');
    for (int d = 0; d < sh->ndim; d++) {
        if (d) mxio__buf_putc(b, ',');
        if (sh->d[d] > 0)
            mxio__buf_printf(b, "%lld", (long long)sh->d[d]);
        else
            mxio__buf_puts(b, "null");
    }
    mxio__buf_putc(b, ']');
}

static void json_dtype(mxio__buf *b, int t) {
    const char *name = t >= 0 ? mxio_dtype_name((mxio_dtype)t) : NULL;
    if (name)
        mxio__json_quote(b, name);
    else
        mxio__buf_puts(b, "null");
}

static void json_int_or_null(mxio__buf *b, int64_t v, bool known) {
    if (known)
        mxio__buf_printf(b, "%lld", (long long)v);
    else
        mxio__buf_puts(b, "null");
}

/* {"name": ..., "shape": ..., "dtype": ...} for output `index` of `node`. */
static void json_entry(const summary *S, mxio__buf *b, size_t node, uint32_t index) {
    char *name = output_name_dup(S, node, (int)index);
    mxio__buf_puts(b, "{\"name\": ");
    mxio__json_quote(b, name ? name : "");
    if (!name) b->oom = true;
    free(name);
    mxio__buf_puts(b, ", \"shape\": ");
    json_shape(b, entry_shape(S, node, index));
    mxio__buf_puts(b, ", \"dtype\": ");
    json_dtype(b, entry_dtype(S, node, index));
    mxio__buf_putc(b, '}');
}

static void notes(const summary *S, void (*emit)(void *ctx, const char *note), void *ctx) {
    char line[MXIO_ERROR_MESSAGE_SIZE + 128];
    const struct mxio_symbol *s = S->s;
    if (S->infer_failure[0]) {
        snprintf(line, sizeof line, "shape inference stopped, so shapes, MACs and inferred "
                                    "parameter counts are unknown: %s", S->infer_failure);
        emit(ctx, line);
    }
    for (size_t i = 0; i < s->nnodes; i++)
        if (is_input(S, i) && S->roles[i] == MXIO_ROLE_DATA &&
            !mxio__shape_known(entry_shape(S, i, 0))) {
            snprintf(line, sizeof line, "the shape of input '%.200s' is unknown: give it with "
                                        "--shape %.200s=N,C,H,W (or the option's inputs) to know "
                                        "the output shapes and MACs", s->nodes[i].name,
                     s->nodes[i].name);
            emit(ctx, line);
        }
    if (S->have_shapes && S->shapes.unknown > 0) {
        snprintf(line, sizeof line, "%zu node outputs have shapes that could not be inferred",
                 S->shapes.unknown);
        emit(ctx, line);
    }
    if (S->params_unknown) {
        snprintf(line, sizeof line, "%zu parameter arrays have unknown sizes: the parameter totals "
                                    "leave them out", S->params_unknown);
        emit(ctx, line);
    }
    if (S->macs_unknown) {
        snprintf(line, sizeof line, "%zu layers have unknown MACs (shapes unknown): the MAC total "
                                    "leaves them out", S->macs_unknown);
        emit(ctx, line);
    }
    if (S->p && S->file_unused) {
        snprintf(line, sizeof line, "%zu arrays of the params file are not used by the graph",
                 S->file_unused);
        emit(ctx, line);
    }
    if (!S->p) emit(ctx, "no params file: parameter counts come from inferred weight shapes");
}

static void json_note(void *ctx, const char *note) {
    mxio__buf *b = ctx;
    if (b->len && b->data[b->len - 1] != '[') mxio__buf_puts(b, ", ");
    mxio__json_quote(b, note);
}

static void render_json(const summary *S, mxio__buf *b) {
    const struct mxio_symbol *s = S->s;
    const mxio_summary_options *o = S->opt;
    mxio__buf_puts(b, "{\n  \"symbol\": ");
    mxio__json_quote(b, o->symbol_path ? o->symbol_path : s->label);
    mxio__buf_printf(b, ",\n  \"mxnet_version\": %d,\n  \"mxnet_version_string\": \"",
                     s->file_version);
    put_version(b, s->file_version);
    mxio__buf_puts(b, "\",\n  \"params_file\": ");
    if (!S->p) {
        mxio__buf_puts(b, "null");
    } else {
        struct stat st;
        bool sized = o->params_path && stat(o->params_path, &st) == 0;
        mxio__buf_puts(b, "{\"path\": ");
        mxio__json_quote(b, o->params_path);
        mxio__buf_puts(b, ", \"bytes\": ");
        json_int_or_null(b, sized ? (int64_t)st.st_size : 0, sized);
        mxio__buf_puts(b, ", \"note\": ");
        mxio__json_quote(b, o->params_note);
        mxio__buf_printf(b, ", \"arrays\": %zu, \"elements\": ", mxio_params_count(S->p));
        json_int_or_null(b, S->file_numel, S->file_numel_known);
        mxio__buf_printf(b, ", \"unused_arrays\": %zu, \"dtypes\": {", S->file_unused);
        size_t per[MXIO_DTYPE_COUNT + 1] = {0};
        for (size_t k = 0; k < mxio_params_count(S->p); k++) {
            mxio_array a;
            if (mxio_params_get(S->p, k, &a) == MXIO_OK)
                per[(unsigned)a.dtype < MXIO_DTYPE_COUNT ? a.dtype : MXIO_DTYPE_COUNT]++;
        }
        bool first = true;
        for (int t = 0; t <= MXIO_DTYPE_COUNT; t++)
            if (per[t]) {
                mxio__buf_puts(b, first ? "" : ", ");
                mxio__json_quote(b, t < MXIO_DTYPE_COUNT ? mxio_dtype_name((mxio_dtype)t) : "?");
                mxio__buf_printf(b, ": %zu", per[t]);
                first = false;
            }
        mxio__buf_puts(b, "}}");
    }
    mxio__buf_puts(b, ",\n  \"shape_source\": ");
    mxio__json_quote(b, S->shape_source);
    mxio__buf_puts(b, ",\n  \"inputs\": [");
    bool first = true;
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!is_input(S, i)) continue;
        mxio__buf_puts(b, first ? "\n    " : ",\n    ");
        first = false;
        mxio__buf_puts(b, "{\"name\": ");
        mxio__json_quote(b, s->nodes[i].name);
        mxio__buf_printf(b, ", \"role\": \"%s\", \"node\": %zu, \"shape\": ", role_word(S->roles[i]), i);
        json_shape(b, entry_shape(S, i, 0));
        mxio__buf_puts(b, ", \"dtype\": ");
        json_dtype(b, entry_dtype(S, i, 0));
        mxio__buf_putc(b, '}');
    }
    mxio__buf_puts(b, first ? "]" : "\n  ]");
    mxio__buf_puts(b, ",\n  \"outputs\": [");
    for (size_t h = 0; h < s->nheads; h++) {
        mxio__buf_puts(b, h ? ",\n    " : "\n    ");
        json_entry(S, b, s->heads[h].node, s->heads[h].index);
    }
    mxio__buf_puts(b, s->nheads ? "\n  ]" : "]");
    mxio__buf_puts(b, ",\n  \"layers\": [");
    for (size_t l = 0; l < S->nlayers; l++) {
        const layer_row *L = &S->layers[l];
        const mxio__node *n = &s->nodes[L->node];
        mxio__buf_puts(b, l ? ",\n    " : "\n    ");
        mxio__buf_printf(b, "{\"node\": %zu, \"name\": ", L->node);
        mxio__json_quote(b, n->name);
        mxio__buf_puts(b, ", \"op\": ");
        mxio__json_quote(b, n->op);
        mxio__buf_puts(b, ", \"outputs\": [");
        int vis;
        output_count(S, L->node, &vis);
        for (int k = 0; k < vis; k++) {
            if (k) mxio__buf_puts(b, ", ");
            json_entry(S, b, L->node, (uint32_t)k);
        }
        int64_t total = -1;
        if (L->arg >= 0 && L->aux >= 0) __builtin_add_overflow(L->arg, L->aux, &total);
        mxio__buf_puts(b, "], \"params\": ");
        json_int_or_null(b, total, !L->params_unknown && total >= 0);
        mxio__buf_puts(b, ", \"arg_params\": ");
        json_int_or_null(b, L->arg, !L->params_unknown && L->arg >= 0);
        mxio__buf_puts(b, ", \"aux_params\": ");
        json_int_or_null(b, L->aux, !L->params_unknown && L->aux >= 0);
        mxio__buf_puts(b, ", \"macs\": ");
        json_int_or_null(b, L->macs, L->macs_state == MACS_KNOWN);
        mxio__buf_printf(b, ", \"macs_counted\": %s}", L->macs_state == MACS_NO_RULE ? "false" : "true");
    }
    mxio__buf_puts(b, S->nlayers ? "\n  ]" : "]");
    int64_t params = -1;
    if (S->arg_total >= 0 && S->aux_total >= 0)
        __builtin_add_overflow(S->arg_total, S->aux_total, &params);
    mxio__buf_puts(b, ",\n  \"totals\": {\"params\": ");
    json_int_or_null(b, params, params >= 0);
    mxio__buf_puts(b, ", \"arg_params\": ");
    json_int_or_null(b, S->arg_total, S->arg_total >= 0);
    mxio__buf_puts(b, ", \"aux_params\": ");
    json_int_or_null(b, S->aux_total, S->aux_total >= 0);
    mxio__buf_printf(b, ", \"params_complete\": %s, \"macs\": ", S->params_unknown ? "false" : "true");
    json_int_or_null(b, S->macs_total, S->macs_total >= 0);
    mxio__buf_printf(b, ", \"macs_complete\": %s, \"layers\": %zu, \"layers_not_counted_for_macs\": %zu}",
                     S->macs_unknown ? "false" : "true", S->nlayers, S->macs_uncounted);
    mxio__buf_puts(b, ",\n  \"notes\": [");
    notes(S, json_note, b);
    mxio__buf_puts(b, "]\n}\n");
}

/* ---- table ------------------------------------------------------------------------ */

/* Rows of cells, printed with each column as wide as its widest cell. */
typedef struct table {
    size_t ncols;
    char **cells;
    size_t ncells, cap;
    uint32_t right; /* bit c: column c is right-aligned (numbers) */
    bool oom;
} table;

static void cell(table *t, mxio__buf *text) {
    if (t->ncells == t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        char **grown = mxio__realloc_array(t->cells, ncap, sizeof *grown);
        if (!grown) {
            t->oom = true;
            mxio__buf_free(text);
            return;
        }
        t->cells = grown;
        t->cap = ncap;
    }
    if (text->oom) t->oom = true;
    char *s = text->oom ? NULL : mxio__buf_take(text, NULL);
    if (!s) s = mxio__strdup("");
    if (!s) t->oom = true;
    t->cells[t->ncells++] = s;
    mxio__buf_free(text);
}

static void cell_str(table *t, const char *s) {
    mxio__buf b;
    mxio__buf_init(&b);
    char safe[512];
    mxio__buf_puts(&b, mxio__printable(safe, sizeof safe, s, strlen(s)));
    cell(t, &b);
}

static void table_print(const table *t, mxio__buf *b, const char *indent) {
    size_t w[16] = {0};
    for (size_t i = 0; i < t->ncells; i++) {
        size_t c = i % t->ncols, n = strlen(t->cells[i]);
        if (n > w[c]) w[c] = n;
    }
    for (size_t i = 0; i < t->ncells; i++) {
        size_t c = i % t->ncols;
        if (c == 0) mxio__buf_puts(b, indent);
        bool last = c + 1 == t->ncols;
        int width = (int)w[c];
        if (t->right & (1u << c))
            mxio__buf_printf(b, "%*s", width, t->cells[i]);
        else if (last)
            mxio__buf_puts(b, t->cells[i]); /* no trailing blanks */
        else
            mxio__buf_printf(b, "%-*s", width, t->cells[i]);
        mxio__buf_puts(b, last ? "\n" : "  ");
    }
}

static void table_free(table *t) {
    for (size_t i = 0; i < t->ncells; i++) free(t->cells[i]);
    free(t->cells);
}

static void shape_cell(table *t, const summary *S, size_t node, uint32_t index) {
    char buf[MXIO__MAX_DIMS * 22 + 8];
    cell_str(t, mxio__shape_str(entry_shape(S, node, index), buf, sizeof buf));
}

static void text_note(void *ctx, const char *note) {
    mxio__buf *b = ctx;
    char safe[MXIO_ERROR_MESSAGE_SIZE + 128];
    mxio__buf_printf(b, "  - %s\n", mxio__printable(safe, sizeof safe, note, strlen(note)));
}

static void count_cell(table *t, int64_t v, bool known) {
    mxio__buf b;
    mxio__buf_init(&b);
    if (known)
        put_count(&b, v);
    else
        mxio__buf_puts(&b, "?");
    cell(t, &b);
}

static void render_table(const summary *S, mxio__buf *b) {
    const struct mxio_symbol *s = S->s;
    const mxio_summary_options *o = S->opt;
    char safe[1024];
    const char *sym = o->symbol_path ? o->symbol_path : s->label ? s->label : "symbol";
    mxio__buf_printf(b, "symbol   %s\n", mxio__printable(safe, sizeof safe, sym, strlen(sym)));
    mxio__buf_puts(b, "written  by MXNet ");
    put_version(b, s->file_version);
    mxio__buf_printf(b, " (mxnet_version %d)\n", s->file_version);
    if (!S->p) {
        mxio__buf_puts(b, "params   none\n");
    } else {
        const char *pp = o->params_path ? o->params_path : "(in memory)";
        mxio__buf_printf(b, "params   %s", mxio__printable(safe, sizeof safe, pp, strlen(pp)));
        if (o->params_note) mxio__buf_printf(b, " (%s)", o->params_note);
        struct stat st;
        mxio__buf_puts(b, "\n         ");
        if (o->params_path && stat(o->params_path, &st) == 0) {
            put_count(b, (int64_t)st.st_size);
            mxio__buf_puts(b, " bytes (");
            put_human(b, (int64_t)st.st_size);
            mxio__buf_puts(b, "B), ");
        }
        mxio__buf_printf(b, "%zu arrays", mxio_params_count(S->p));
        size_t per[MXIO_DTYPE_COUNT + 1] = {0};
        for (size_t k = 0; k < mxio_params_count(S->p); k++) {
            mxio_array a;
            if (mxio_params_get(S->p, k, &a) == MXIO_OK)
                per[(unsigned)a.dtype < MXIO_DTYPE_COUNT ? a.dtype : MXIO_DTYPE_COUNT]++;
        }
        const char *sep = ": ";
        for (int t = 0; t <= MXIO_DTYPE_COUNT; t++)
            if (per[t]) {
                mxio__buf_printf(b, "%s%s x%zu", sep, t < MXIO_DTYPE_COUNT ? dtype_name(t) : "?", per[t]);
                sep = ", ";
            }
        mxio__buf_putc(b, '\n');
    }
    mxio__buf_printf(b, "shapes   %s\n", S->shape_source);

    table t = {.ncols = 4};
    cell_str(&t, "name");
    cell_str(&t, "role");
    cell_str(&t, "shape");
    cell_str(&t, "dtype");
    for (size_t i = 0; i < s->nnodes; i++) {
        if (!is_input(S, i)) continue;
        cell_str(&t, s->nodes[i].name);
        cell_str(&t, role_word(S->roles[i]));
        shape_cell(&t, S, i, 0);
        cell_str(&t, dtype_name(entry_dtype(S, i, 0)));
    }
    mxio__buf_puts(b, "\ninputs\n");
    table_print(&t, b, "  ");
    bool oom = t.oom;
    table_free(&t);

    t = (table){.ncols = 3};
    cell_str(&t, "name");
    cell_str(&t, "shape");
    cell_str(&t, "dtype");
    for (size_t h = 0; h < s->nheads; h++) {
        char *name = output_name_dup(S, s->heads[h].node, (int)s->heads[h].index);
        cell_str(&t, name ? name : "");
        if (!name) t.oom = true;
        free(name);
        shape_cell(&t, S, s->heads[h].node, s->heads[h].index);
        cell_str(&t, dtype_name(entry_dtype(S, s->heads[h].node, s->heads[h].index)));
    }
    mxio__buf_puts(b, "\noutputs\n");
    table_print(&t, b, "  ");
    oom |= t.oom;
    table_free(&t);

    t = (table){.ncols = 6, .right = (1u << 0) | (1u << 4) | (1u << 5)};
    cell_str(&t, "#");
    cell_str(&t, "name");
    cell_str(&t, "op");
    cell_str(&t, "output shape");
    cell_str(&t, "params");
    cell_str(&t, "MACs");
    for (size_t l = 0; l < S->nlayers; l++) {
        const layer_row *L = &S->layers[l];
        mxio__buf nb;
        mxio__buf_init(&nb);
        mxio__buf_printf(&nb, "%zu", L->node);
        cell(&t, &nb);
        cell_str(&t, s->nodes[L->node].name);
        cell_str(&t, s->nodes[L->node].op);
        shape_cell(&t, S, L->node, 0);
        int64_t total = -1;
        if (L->arg >= 0 && L->aux >= 0) __builtin_add_overflow(L->arg, L->aux, &total);
        if (!L->params_unknown && total == 0)
            cell_str(&t, "");
        else
            count_cell(&t, total, !L->params_unknown && total >= 0);
        if (L->macs_state == MACS_NO_RULE)
            cell_str(&t, "-");
        else
            count_cell(&t, L->macs, L->macs_state == MACS_KNOWN);
    }
    mxio__buf_puts(b, "\nlayers (params: arrays first used by the layer; MACs: - = not counted for this op)\n");
    table_print(&t, b, "  ");
    oom |= t.oom;
    table_free(&t);

    mxio__buf_puts(b, "\ntotals\n  params   ");
    int64_t params = -1;
    if (S->arg_total >= 0 && S->aux_total >= 0)
        __builtin_add_overflow(S->arg_total, S->aux_total, &params);
    put_count(b, params);
    mxio__buf_puts(b, " (");
    put_human(b, params);
    mxio__buf_puts(b, "): arg (learnable) ");
    put_count(b, S->arg_total);
    mxio__buf_puts(b, ", aux (running statistics) ");
    put_count(b, S->aux_total);
    if (S->params_unknown) mxio__buf_printf(b, "; %zu arrays of unknown size left out", S->params_unknown);
    mxio__buf_puts(b, "\n  MACs     ");
    put_count(b, S->macs_total);
    mxio__buf_puts(b, " (");
    put_human(b, S->macs_total);
    mxio__buf_puts(b, ")");
    if (S->macs_unknown) mxio__buf_printf(b, "; %zu layers of unknown MACs left out", S->macs_unknown);
    mxio__buf_printf(b, "\n  layers   %zu (%zu not counted for MACs)\n", S->nlayers, S->macs_uncounted);
    size_t before = b->len;
    mxio__buf_puts(b, "\nnotes\n");
    size_t header = b->len;
    notes(S, text_note, b);
    if (b->len == header) b->len = before; /* no notes: no heading */
    if (oom) b->oom = true;
}

/* ---- entry point ------------------------------------------------------------------ */

static const char *shape_source(const summary *S) {
    if (S->opt->ninputs > 0) return "from the given input shapes";
    bool any_attr = false;
    for (size_t i = 0; i < S->s->nnodes; i++)
        if (is_input(S, i) && mxio__node_attr(&S->s->nodes[i], "__shape__")) any_attr = true;
    if (any_attr) return "from the inputs' __shape__ attributes";
    if (S->p) return "from the params file's arrays only (input shapes unknown)";
    return "none known (no input shapes, no params file)";
}

mxio_status mxio_summary_render(const mxio_symbol *s, const mxio_params *params,
                                const mxio_summary_options *opt, char **text, size_t *len,
                                mxio_error *err) {
    mxio__error_clear(err);
    if (!s || !text) return mxio__fail(err, MXIO_E_MISUSE, "mxio_summary_render: NULL argument");
    *text = NULL;
    if (len) *len = 0;
    mxio_summary_options defaults = {0};
    if (!opt) opt = &defaults;
    if (opt->format != MXIO_TEXT_TABLE && opt->format != MXIO_TEXT_JSON)
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_summary_render: format must be table or json");
    if (opt->ninputs > 0 && !opt->inputs)
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_summary_render: ninputs without inputs");

    summary S = {.s = s, .p = params, .opt = opt};
    mxio_status st = MXIO_OK;
    size_t n = s->nnodes ? s->nnodes : 1;
    S.roles = mxio__calloc_array(n, sizeof *S.roles);
    S.vars = mxio__calloc_array(n, sizeof *S.vars);
    if (!S.roles || !S.vars) st = mxio__fail(err, MXIO_E_NOMEM, "out of memory for %zu nodes", n);
    if (!st)
        st = mxio__symbol_roles(s, params ? mxio__params_role_lookup : NULL, (void *)params, S.roles,
                                NULL, err);
    if (!st) st = infer(&S, err);
    if (!st) {
        S.shape_source = shape_source(&S);
        count_vars(&S);
        count_file(&S);
        st = build_layers(&S, err);
    }
    if (!st) {
        mxio__buf b;
        mxio__buf_init(&b);
        if (opt->format == MXIO_TEXT_JSON)
            render_json(&S, &b);
        else
            render_table(&S, &b);
        if (b.oom) {
            mxio__buf_free(&b);
            st = mxio__fail(err, MXIO_E_NOMEM, "out of memory for the summary text");
        } else {
            size_t n_out = 0;
            *text = mxio__buf_take(&b, &n_out);
            if (!*text) st = mxio__fail(err, MXIO_E_NOMEM, "out of memory for the summary text");
            else if (len) *len = n_out;
        }
    }
    mxio__shapes_free(&S.shapes);
    free(S.layers);
    free(S.vars);
    free(S.roles);
    return st;
}
