/* plot.c - NodeGraphPlot: the symbol graph drawn by Graphviz (cgraph + gvc).
 *
 * Every op node becomes one box, coloured by its family from the op registry and
 * labelled with the op, its key attributes and (smaller) its name; data inputs are
 * ovals; weights and auxiliary states are hidden unless asked for. Edges run from
 * producer to consumer and carry the output index of multi-output producers and,
 * when the caller supplies them, the shapes. A legend lists the families drawn.
 * Nothing here switches on op names: labels come from the op's parameter table. */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "../graph/infer.h"
#include "../graph/roles.h"
#include "plot.h"

/* ---- families ----------------------------------------------------------- */

static const struct family {
    const char *name;
    const char *color;
} families[] = {
    [MXIO__KIND_OTHER] = {"other", "#d9d9d9"},
    [MXIO__KIND_CONV] = {"convolution / dense", "#fb8072"},
    [MXIO__KIND_NORM] = {"normalization", "#bebada"},
    [MXIO__KIND_ACTIVATION] = {"activation", "#ffffb3"},
    [MXIO__KIND_POOL] = {"pooling", "#80b1d3"},
    [MXIO__KIND_SHAPE] = {"shape", "#fdb462"},
    [MXIO__KIND_ELEMENTWISE] = {"elementwise", "#b3de69"},
    [MXIO__KIND_OUTPUT] = {"output", "#fccde5"},
    [MXIO__KIND_DETECTION] = {"detection", "#bc80bd"},
};
_Static_assert(sizeof families / sizeof families[0] == MXIO__KIND_COUNT,
               "one legend entry per op family");

#define INPUT_COLOR "#8dd3c7"
#define PARAM_COLOR "#eeeeee"

const char *mxio__plot_kind_name(mxio__op_kind kind) {
    return (unsigned)kind < MXIO__KIND_COUNT ? families[kind].name : families[0].name;
}

const char *mxio__plot_kind_color(mxio__op_kind kind) {
    return (unsigned)kind < MXIO__KIND_COUNT ? families[kind].color : families[0].color;
}

/* CSS class of a family: its legend name up to the first space ("convolution"). */
static void kind_class(mxio__op_kind kind, char *buf, size_t cap) {
    const char *name = mxio__plot_kind_name(kind);
    size_t n = strcspn(name, " ");
    snprintf(buf, cap, "%.*s", (int)n, name);
}

/* ---- key attributes ------------------------------------------------------ */

/* How a parameter reads in a label. These rules are about parameter names, which
 * many ops share (kernel, stride, num_filter ...), never about op names. */
typedef enum key_style {
    KEY_NAMED,  /* "name=value" (the default for parameters without a rule) */
    KEY_BARE,   /* just the value: "3x3", "64" */
    KEY_ALWAYS, /* just the value, shown even when it is the default: "max", "relu" */
    KEY_ATTACH, /* glued to the kernel item: "3x3" + "/2"; value `unit` means unset */
    KEY_QUIET   /* implementation detail: tooltip only */
} key_style;

static const struct key_rule {
    const char *param;
    key_style style;
    const char *prefix; /* BARE: before the value; ATTACH: before the value */
    int64_t unit;       /* ATTACH: a tuple of only this value (or empty) is not shown */
    const char *also_default; /* "a|b": values that mean what the default means */
} key_rules[] = {
    {"kernel", KEY_BARE, "", 0, NULL},
    {"stride", KEY_ATTACH, "/", 1, NULL},
    {"dilate", KEY_ATTACH, " d", 1, NULL},
    {"pad", KEY_ATTACH, " p", 0, NULL},
    {"num_filter", KEY_BARE, "", 0, NULL},
    {"num_hidden", KEY_BARE, "", 0, NULL},
    {"num_group", KEY_BARE, "group ", 0, NULL},
    {"act_type", KEY_ALWAYS, "", 0, NULL},
    {"pool_type", KEY_ALWAYS, "", 0, NULL},
    {"op_type", KEY_BARE, "", 0, NULL},
    /* structure the edges already show, hyperparameters and tuning knobs */
    {"no_bias", KEY_QUIET, "", 0, NULL},
    {"num_args", KEY_QUIET, "", 0, NULL},
    {"eps", KEY_QUIET, "", 0, NULL},
    {"momentum", KEY_QUIET, "", 0, NULL},
    {"fix_gamma", KEY_QUIET, "", 0, NULL},
    {"use_global_stats", KEY_QUIET, "", 0, NULL},
    {"workspace", KEY_QUIET, "", 0, NULL},
    {"cudnn_tune", KEY_QUIET, "", 0, NULL},
    {"cudnn_off", KEY_QUIET, "", 0, NULL},
    /* layout None is channel-first: Gluon spells it out on every conv and pool */
    {"layout", KEY_NAMED, "", 0, "NCW|NCHW|NCDHW"},
};

/* Is `value` one of the '|'-separated `list`? */
static bool in_list(const char *list, const char *value) {
    size_t n = strlen(value);
    for (const char *p = list; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0) return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

static const struct key_rule *key_rule_for(const char *param) {
    for (size_t i = 0; i < sizeof key_rules / sizeof key_rules[0]; i++)
        if (strcmp(key_rules[i].param, param) == 0) return &key_rules[i];
    return NULL;
}

#define KEY_MAX_ITEMS 6
#define KEY_ITEM_CAP 72
#define KEY_VALUE_CAP 28

/* A tuple value "(3, 3)" as "3x3"; with `collapse` (stride, pad: zeros are
 * sizes too), "(2, 2)" as "2" and "(0, 3)" as "0x3". Other tuples with zero,
 * negative or None entries are not sizes (Reshape's "(0, -1)"): those keep their
 * brackets, compactly, "(0,-1)". */
static bool tuple_text(const char *value, bool collapse, char *buf, size_t cap) {
    int64_t v[MXIO__MAX_DIMS];
    int n = 0;
    bool none = false;
    if (!mxio__parse_tuple(value, v, MXIO__MAX_DIMS, &n, true, &none)) return false;
    if (none) {
        snprintf(buf, cap, "None");
        return true;
    }
    bool same = n > 0, sizes = true;
    for (int i = 0; i < n; i++) {
        same = same && v[i] == v[0];
        sizes = sizes && (v[i] > 0 || (collapse && v[i] == 0));
    }
    if (collapse && same) n = 1;
    const char *sep = sizes ? "x" : ",";
    size_t len = 0;
    buf[0] = '\0';
    if (!sizes) len = (size_t)snprintf(buf, cap, "(");
    for (int i = 0; i < n && len + 1 < cap; i++) {
        int w = v[i] == INT64_MIN ? snprintf(buf + len, cap - len, "%sNone", i ? sep : "")
                                  : snprintf(buf + len, cap - len, "%s%" PRId64, i ? sep : "", v[i]);
        if (w < 0) return false;
        len += (size_t)w;
    }
    if (!sizes && len + 1 < cap) snprintf(buf + len, cap - len, ")");
    return true;
}

/* True when `value` is a tuple holding only `unit` (or nothing). */
static bool tuple_is_unit(const char *value, int64_t unit) {
    int64_t v[MXIO__MAX_DIMS];
    int n = 0;
    bool none = false;
    if (!mxio__parse_tuple(value, v, MXIO__MAX_DIMS, &n, true, &none)) return false;
    if (none) return true;
    for (int i = 0; i < n; i++)
        if (v[i] != unit) return false;
    return true;
}

/* Does `value` mean the same as the spec's default? Compared by type, so "1" and
 * "1.0" or "True" and "true" agree. A required parameter never equals it. */
static bool equals_default(const mxio__attr_spec *spec, const char *value) {
    const char *d = spec->dflt;
    if (!d) return false;
    if (strcmp(d, value) == 0) return true;
    bool dnone = strcmp(d, "None") == 0, vnone = strcmp(value, "None") == 0;
    switch (spec->type) {
    case MXIO__ATTR_INT:
    case MXIO__ATTR_OPT_INT: {
        int64_t a, b;
        if (dnone || vnone) return dnone == vnone;
        return mxio__parse_int(d, &a) && mxio__parse_int(value, &b) && a == b;
    }
    case MXIO__ATTR_FLOAT:
    case MXIO__ATTR_OPT_FLOAT: {
        double a, b;
        if (dnone || vnone) return dnone == vnone;
        return mxio__parse_float(d, &a) && mxio__parse_float(value, &b) && a == b;
    }
    case MXIO__ATTR_BOOL:
    case MXIO__ATTR_OPT_BOOL: {
        bool a, b;
        if (dnone || vnone) return dnone == vnone;
        return mxio__parse_bool(d, &a) && mxio__parse_bool(value, &b) && a == b;
    }
    case MXIO__ATTR_SHAPE:
    case MXIO__ATTR_OPT_SHAPE: {
        int64_t a[MXIO__MAX_DIMS], b[MXIO__MAX_DIMS];
        int na = 0, nb = 0;
        bool an = false, bn = false;
        if (!mxio__parse_tuple(d, a, MXIO__MAX_DIMS, &na, true, &an) ||
            !mxio__parse_tuple(value, b, MXIO__MAX_DIMS, &nb, true, &bn))
            return false;
        if (an || bn) return an == bn;
        return na == nb && memcmp(a, b, (size_t)na * sizeof a[0]) == 0;
    }
    case MXIO__ATTR_FLOATS: {
        double a[MXIO__MAX_DIMS], b[MXIO__MAX_DIMS];
        int na = 0, nb = 0;
        if (!mxio__parse_float_tuple(d, a, MXIO__MAX_DIMS, &na) ||
            !mxio__parse_float_tuple(value, b, MXIO__MAX_DIMS, &nb))
            return false;
        if (na != nb) return false;
        for (int i = 0; i < na; i++)
            if (a[i] != b[i]) return false;
        return true;
    }
    default:
        return false; /* strings, enums, dtypes: only the exact spelling is the default */
    }
}

/* The value as a label shows it: tuples as "3x3", floats short, long text cut. */
static void value_text(const mxio__attr_spec *spec, const char *value, char *buf, size_t cap) {
    double f;
    if (spec && (spec->type == MXIO__ATTR_FLOAT || spec->type == MXIO__ATTR_OPT_FLOAT) &&
        mxio__parse_float(value, &f)) {
        snprintf(buf, cap, "%g", f);
        return;
    }
    size_t n = strlen(value);
    if (n > KEY_VALUE_CAP)
        snprintf(buf, cap, "%.*s...", KEY_VALUE_CAP - 3, value);
    else
        snprintf(buf, cap, "%s", value);
}

/* The items of one label, built attribute by attribute. */
typedef struct key_items {
    char item[KEY_MAX_ITEMS][KEY_ITEM_CAP];
    int n;
    int kernel; /* index of the kernel item, or -1 */
    bool more;  /* items were dropped */
} key_items;

/* Add attribute `name` = `value` (spec may be NULL: unregistered op). */
static void key_add(key_items *k, const char *name, const char *value, const mxio__attr_spec *spec) {
    const struct key_rule *rule = key_rule_for(name);
    key_style style = rule ? rule->style : KEY_NAMED;
    if (style == KEY_QUIET) return;
    if (style != KEY_ALWAYS && spec && equals_default(spec, value)) return;
    if (rule && in_list(rule->also_default, value)) return;
    bool tuple = spec ? spec->type == MXIO__ATTR_SHAPE || spec->type == MXIO__ATTR_OPT_SHAPE
                      : value[0] == '(' || value[0] == '[';
    char val[40];
    if (style == KEY_ATTACH) {
        if (tuple_is_unit(value, rule->unit)) return;
        if (k->kernel >= 0 && tuple_text(value, true, val, sizeof val)) {
            char *item = k->item[k->kernel];
            size_t len = strlen(item);
            snprintf(item + len, KEY_ITEM_CAP - len, "%s%s", rule->prefix, val);
            return;
        }
        style = KEY_NAMED; /* no kernel to attach to: say what it is */
    }
    if (k->n == KEY_MAX_ITEMS) {
        k->more = true;
        return;
    }
    char *item = k->item[k->n];
    bool b;
    bool is_bool = spec ? spec->type == MXIO__ATTR_BOOL || spec->type == MXIO__ATTR_OPT_BOOL
                        : strcmp(value, "True") == 0 || strcmp(value, "False") == 0;
    if (style == KEY_NAMED && is_bool && mxio__parse_bool(value, &b) && b) {
        snprintf(item, KEY_ITEM_CAP, "%.60s", name); /* a switch that is on: its name */
        k->n++;
        return;
    }
    if (!(tuple && tuple_text(value, false, val, sizeof val))) value_text(spec, value, val, sizeof val);
    if (style == KEY_NAMED) {
        snprintf(item, KEY_ITEM_CAP, "%.30s=%s", name, val);
    } else {
        if (strcmp(name, "kernel") == 0) k->kernel = k->n;
        snprintf(item, KEY_ITEM_CAP, "%s%s", rule->prefix, val);
    }
    k->n++;
}

void mxio__plot_key_attrs(const mxio__node *n, const mxio__op *op, mxio__buf *out) {
    key_items k = {.kernel = -1};
    if (op && op->params) {
        for (const mxio__attr_spec *spec = op->params; spec->name; spec++) {
            const char *value = mxio__node_attr(n, spec->name);
            if (value) key_add(&k, spec->name, value, spec);
        }
    } else {
        /* No parameter table: nothing tells a default from a choice, so every
         * attribute the node sets counts (hidden "__x__" ones excepted). */
        for (size_t i = 0; i < n->nattrs; i++)
            if (strncmp(n->attrs[i].key, "__", 2) != 0) key_add(&k, n->attrs[i].key, n->attrs[i].value, NULL);
    }
    for (int i = 0; i < k.n; i++) {
        if (i) mxio__buf_puts(out, ", ");
        mxio__buf_puts(out, k.item[i]);
    }
    if (k.more) mxio__buf_puts(out, ", ...");
}

/* ---- text escaping -------------------------------------------------------- */

/* Append `s` escaped for a Graphviz HTML-like label. Graphviz expands \N, \G ...
 * in HTML labels too (entities are decoded first), so a backslash is doubled.
 * Control bytes, which XML cannot hold, become '?'. */
static void put_html(mxio__buf *b, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': mxio__buf_puts(b, "&amp;"); break;
        case '<': mxio__buf_puts(b, "&lt;"); break;
        case '>': mxio__buf_puts(b, "&gt;"); break;
        case '"': mxio__buf_puts(b, "&quot;"); break;
        case '\\': mxio__buf_puts(b, "\\\\"); break;
        default: mxio__buf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
        }
    }
}

/* Append `s` for a plain (non-HTML) Graphviz string: `backslash` stands for
 * each backslash, control bytes become '?'. Graphviz 2.42 unescapes a label
 * once (an escString: \N and friends) and a tooltip twice (again while writing
 * the SVG), so a backslash takes two or four. */
#define ESC_LABEL "\\\\"
#define ESC_TOOLTIP "\\\\\\\\"
static void put_esc(mxio__buf *b, const char *s, const char *backslash) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\')
            mxio__buf_puts(b, backslash);
        else
            mxio__buf_putc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
}

/* Append `text` (one line of ", "-separated items) as HTML label lines of at most
 * about `width` characters, breaking only between items. */
static void put_wrapped(mxio__buf *b, const char *text, size_t width) {
    size_t line = 0;
    const char *p = text;
    while (*p) {
        const char *sep = strstr(p, ", ");
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        if (line > 0 && line + 2 + n > width) {
            mxio__buf_puts(b, ",<BR/>");
            line = 0;
        } else if (line > 0) {
            mxio__buf_puts(b, ", ");
            line += 2;
        }
        char *item = mxio__strndup(p, n);
        if (!item) {
            b->oom = true;
            return;
        }
        put_html(b, item);
        free(item);
        line += n;
        p += n;
        if (sep) p += 2;
    }
}

/* ---- Graphviz session ------------------------------------------------------- */

/* Graphviz keeps global state (error level and handler, string pools per
 * library): one plot at a time. This lock is the only global in the library's
 * plot path, and holds no data. */
static pthread_mutex_t graphviz_lock = PTHREAD_MUTEX_INITIALIZER;
/* Messages Graphviz reports while we hold the lock (its handler takes no context). */
static char graphviz_message[512];

static int keep_graphviz_message(char *msg) {
    size_t len = strlen(graphviz_message);
    if (len + 1 < sizeof graphviz_message)
        snprintf(graphviz_message + len, sizeof graphviz_message - len, "%s", msg);
    return 0;
}

/* Collect the DOT text that agwrite produces. */
static int dot_putstr(void *chan, const char *str) {
    return mxio__buf_puts((mxio__buf *)chan, str) ? 0 : EOF;
}
static int dot_flush(void *chan) { return 0; }
static Agiodisc_t dot_io = {NULL, dot_putstr, dot_flush};

typedef struct plot {
    const struct mxio_symbol *s;
    const mxio_plot_options *opt;
    Agraph_t *g;
    Agnode_t **gnode;       /* per symbol node; NULL when not drawn */
    const mxio__op **ops;   /* registry record per node; NULL for variables, unknown ops */
    uint8_t *roles;
    bool *is_head;
    bool kind_used[MXIO__KIND_COUNT];
    bool input_used, param_used;
    size_t drawn;           /* nodes drawn (layout tuning) */
    mxio_plot_shape_fn shape; /* edge shapes: the caller's, or from inference */
    void *shape_ctx;
    mxio__shapes inferred;
    mxio__buf text;         /* scratch for one attribute value */
    mxio_error *err;
} plot;

/* Set attribute `name` of a node, edge or graph; declares it with default `dflt`
 * on first use. `html` makes `value` an HTML-like label. */
static bool set_attr(plot *p, void *obj, int kind, const char *name, const char *value, bool html) {
    Agsym_t *sym = agattr(p->g, kind, (char *)name, NULL);
    if (!sym) sym = agattr(p->g, kind, (char *)name, "");
    if (!sym) return false;
    if (!html) return agxset(obj, sym, (char *)value) == 0;
    char *h = agstrdup_html(p->g, (char *)value);
    if (!h) return false;
    int rc = agxset(obj, sym, h);
    agstrfree(p->g, h);
    return rc == 0;
}

/* Take the scratch text as a C string (empty on allocation failure; oom is kept). */
static const char *scratch(plot *p) {
    if (!mxio__buf_putc(&p->text, '\0')) return "";
    p->text.len--;
    return p->text.data;
}

static bool is_variable(const mxio__node *n) { return strcmp(n->op, "null") == 0; }


static bool variable_drawn(const plot *p, size_t i) {
    mxio_role r = (mxio_role)p->roles[i];
    return r == MXIO_ROLE_DATA || r == MXIO_ROLE_LABEL || p->opt->show_weights;
}

/* Shape of entry (node, index) as "1x64x56x56", or false when unknown. */
static bool entry_shape_text(plot *p, size_t node, uint32_t index, char *buf, size_t cap) {
    if (!p->shape) return false;
    int64_t dims[MXIO__MAX_DIMS];
    int nd = p->shape(p->shape_ctx, node, index, dims, MXIO__MAX_DIMS);
    if (nd < 0 || nd > MXIO__MAX_DIMS) return false;
    size_t len = 0;
    buf[0] = '\0';
    if (nd == 0) snprintf(buf, cap, "()");
    for (int i = 0; i < nd && len + 1 < cap; i++) {
        int w = dims[i] < 0 ? snprintf(buf + len, cap - len, "%s?", i ? "x" : "")
                            : snprintf(buf + len, cap - len, "%s%" PRId64, i ? "x" : "", dims[i]);
        if (w < 0) return false;
        len += (size_t)w;
    }
    return true;
}

/* Every attribute of node i, defaults of unset parameters marked, for the tooltip. */
static void put_tooltip(plot *p, size_t i) {
    const mxio__node *n = &p->s->nodes[i];
    const mxio__op *op = p->ops[i];
    mxio__buf *b = &p->text;
    put_esc(b, n->name, ESC_TOOLTIP);
    mxio__buf_puts(b, "\n");
    if (is_variable(n)) {
        mxio__buf_printf(b, "variable (%s)", mxio_role_name((mxio_role)p->roles[i]));
    } else {
        mxio__buf_puts(b, "op ");
        put_esc(b, n->op, ESC_TOOLTIP);
        mxio__buf_printf(b, " (%s)", mxio__plot_kind_name(op ? op->kind : MXIO__KIND_OTHER));
    }
    for (size_t k = 0; k < n->nattrs; k++) {
        mxio__buf_puts(b, "\n");
        put_esc(b, n->attrs[k].key, ESC_TOOLTIP);
        mxio__buf_puts(b, " = ");
        put_esc(b, n->attrs[k].value, ESC_TOOLTIP);
    }
    if (op && op->params)
        for (const mxio__attr_spec *spec = op->params; spec->name; spec++) {
            if (!spec->dflt || mxio__node_attr(n, spec->name)) continue;
            mxio__buf_printf(b, "\n%s = ", spec->name);
            put_esc(b, spec->dflt, ESC_TOOLTIP);
            mxio__buf_puts(b, " (default)");
        }
    if (n->ninputs) {
        mxio__buf_puts(b, "\ninputs:");
        for (size_t k = 0; k < n->ninputs; k++) {
            const mxio__entry *e = &n->inputs[k];
            mxio__buf_puts(b, k ? ", " : " ");
            put_esc(b, e->node < p->s->nnodes ? p->s->nodes[e->node].name : "?", ESC_TOOLTIP);
            if (e->index) mxio__buf_printf(b, "[%" PRIu32 "]", e->index);
        }
    }
    char shape[256];
    if (entry_shape_text(p, i, 0, shape, sizeof shape)) mxio__buf_printf(b, "\nshape: %s", shape);
}

static mxio_status oom(plot *p) {
    return mxio__fail(p->err, MXIO_E_NOMEM, "%s: out of memory while drawing the graph",
                      p->s->label ? p->s->label : "symbol");
}

static mxio_status add_node(plot *p, size_t i) {
    const mxio__node *n = &p->s->nodes[i];
    char id[32], cls[64];
    snprintf(id, sizeof id, "n%zu", i);
    Agnode_t *gn = agnode(p->g, id, 1);
    if (!gn) return oom(p);
    p->gnode[i] = gn;
    p->drawn++;
    bool ok = set_attr(p, gn, AGNODE, "id", id, false);

    p->text.len = 0;
    if (is_variable(n)) {
        mxio_role role = (mxio_role)p->roles[i];
        bool param = role == MXIO_ROLE_WEIGHT || role == MXIO_ROLE_AUX;
        put_html(&p->text, n->name);
        ok = ok && set_attr(p, gn, AGNODE, "label", scratch(p), true);
        if (param) {
            p->param_used = true;
            ok = ok && set_attr(p, gn, AGNODE, "shape", "box", false) &&
                 set_attr(p, gn, AGNODE, "style", "filled", false) &&
                 set_attr(p, gn, AGNODE, "fillcolor", PARAM_COLOR, false) &&
                 set_attr(p, gn, AGNODE, "fontsize", "8", false) &&
                 set_attr(p, gn, AGNODE, "height", "0.2", false);
        } else {
            p->input_used = true;
            ok = ok && set_attr(p, gn, AGNODE, "shape", "ellipse", false) &&
                 set_attr(p, gn, AGNODE, "fillcolor", INPUT_COLOR, false);
            if (role == MXIO_ROLE_LABEL) ok = ok && set_attr(p, gn, AGNODE, "style", "filled,dashed", false);
        }
        snprintf(cls, sizeof cls, "var %s", mxio_role_name(role));
    } else {
        const mxio__op *op = p->ops[i];
        mxio__op_kind kind = op ? op->kind : MXIO__KIND_OTHER;
        if ((unsigned)kind >= MXIO__KIND_COUNT) kind = MXIO__KIND_OTHER;
        p->kind_used[kind] = true;
        mxio__buf_puts(&p->text, "<B>");
        put_html(&p->text, n->op);
        mxio__buf_puts(&p->text, "</B>");
        mxio__buf keys;
        mxio__buf_init(&keys);
        mxio__plot_key_attrs(n, op, &keys);
        if (keys.oom) {
            mxio__buf_free(&keys);
            return oom(p);
        }
        if (keys.len) {
            mxio__buf_puts(&p->text, "<BR/>");
            mxio__buf_putc(&keys, '\0');
            put_wrapped(&p->text, keys.data, 26);
        }
        mxio__buf_free(&keys);
        mxio__buf_puts(&p->text, "<BR/><FONT POINT-SIZE=\"8\" COLOR=\"#505050\">");
        put_html(&p->text, n->name);
        mxio__buf_puts(&p->text, "</FONT>");
        ok = ok && set_attr(p, gn, AGNODE, "label", scratch(p), true) &&
             set_attr(p, gn, AGNODE, "fillcolor", mxio__plot_kind_color(kind), false);
        char fam[32];
        kind_class(kind, fam, sizeof fam);
        snprintf(cls, sizeof cls, "op %s", fam);
        if (p->is_head[i]) ok = ok && set_attr(p, gn, AGNODE, "penwidth", "2.5", false);
    }
    ok = ok && set_attr(p, gn, AGNODE, "class", cls, false);
    p->text.len = 0;
    put_tooltip(p, i);
    ok = ok && set_attr(p, gn, AGNODE, "tooltip", scratch(p), false);
    if (!ok || p->text.oom) return oom(p);
    return MXIO_OK;
}

static mxio_status add_edges(plot *p, size_t i) {
    const mxio__node *n = &p->s->nodes[i];
    for (size_t k = 0; k < n->ninputs; k++) {
        const mxio__entry *e = &n->inputs[k];
        if (e->node >= p->s->nnodes) continue; /* the reader refuses these; stay safe */
        Agnode_t *tail = p->gnode[e->node];
        if (!tail) continue;
        Agedge_t *ge = agedge(p->g, tail, p->gnode[i], NULL, 1);
        if (!ge) return oom(p);
        /* The output index matters when the producer has several outputs. */
        const mxio__op *src = p->ops[e->node];
        bool multi = e->index > 0;
        if (!multi && src) {
            const mxio__node *sn = &p->s->nodes[e->node];
            mxio__attrs a = {sn->attrs, sn->nattrs, src, sn};
            int visible = 1;
            mxio__op_outputs(src, &a, &visible);
            multi = visible > 1;
        }
        char label[300], shape[256];
        label[0] = '\0';
        bool has_shape = entry_shape_text(p, e->node, e->index, shape, sizeof shape);
        if (multi && has_shape)
            snprintf(label, sizeof label, "[%" PRIu32 "] %s", e->index, shape);
        else if (multi)
            snprintf(label, sizeof label, "[%" PRIu32 "]", e->index);
        else if (has_shape)
            snprintf(label, sizeof label, "%s", shape);
        bool ok = true;
        if (label[0]) ok = set_attr(p, ge, AGEDGE, "label", label, false);
        if (!is_variable(&p->s->nodes[e->node]) || !variable_drawn(p, e->node)) {
            /* op-to-op edge */
        } else if (p->roles[e->node] == MXIO_ROLE_WEIGHT || p->roles[e->node] == MXIO_ROLE_AUX) {
            ok = ok && set_attr(p, ge, AGEDGE, "color", "#b0b0b0", false) &&
                 set_attr(p, ge, AGEDGE, "class", "param", false);
        }
        if (!ok) return oom(p);
    }
    return MXIO_OK;
}

/* One legend node per family drawn, stacked in a cluster by invisible edges. */
static mxio_status add_legend(plot *p) {
    Agraph_t *lg = agsubg(p->g, "cluster_legend", 1);
    if (!lg) return oom(p);
    if (!set_attr(p, lg, AGRAPH, "label", "legend", false) ||
        !set_attr(p, lg, AGRAPH, "style", "rounded,dashed", false) ||
        !set_attr(p, lg, AGRAPH, "color", "#909090", false) ||
        !set_attr(p, lg, AGRAPH, "fontsize", "9", false))
        return oom(p);
    Agnode_t *prev = NULL;
    for (int k = 0; k < MXIO__KIND_COUNT + 2; k++) {
        const char *name, *color, *cls;
        char fam[32], id[48];
        if (k < MXIO__KIND_COUNT) {
            if (!p->kind_used[k]) continue;
            name = families[k].name;
            color = families[k].color;
            kind_class((mxio__op_kind)k, fam, sizeof fam);
            cls = fam;
        } else if (k == MXIO__KIND_COUNT) {
            if (!p->input_used) continue;
            name = "input";
            color = INPUT_COLOR;
            cls = "input";
        } else {
            if (!p->param_used) continue;
            name = "weight / aux";
            color = PARAM_COLOR;
            cls = "param";
        }
        snprintf(id, sizeof id, "legend_%s", cls);
        Agnode_t *ln = agnode(lg, id, 1);
        if (!ln) return oom(p);
        char full[64];
        snprintf(full, sizeof full, "legend %s", cls);
        bool ok = set_attr(p, ln, AGNODE, "id", id, false) &&
                  set_attr(p, ln, AGNODE, "label", name, false) &&
                  set_attr(p, ln, AGNODE, "fillcolor", color, false) &&
                  set_attr(p, ln, AGNODE, "class", full, false) &&
                  set_attr(p, ln, AGNODE, "tooltip", name, false) &&
                  set_attr(p, ln, AGNODE, "fontsize", "9", false);
        if (k == MXIO__KIND_COUNT) ok = ok && set_attr(p, ln, AGNODE, "shape", "ellipse", false);
        if (prev) {
            Agedge_t *ie = agedge(lg, prev, ln, NULL, 1);
            ok = ok && ie && set_attr(p, ie, AGEDGE, "style", "invis", false);
        }
        if (!ok) return oom(p);
        prev = ln;
    }
    return MXIO_OK;
}

/* Graph-wide looks. Declared before any node exists: cgraph gives objects that
 * already exist the default of an attribute only when it is first declared. */
static bool set_graph_defaults(plot *p) {
    Agraph_t *g = p->g;
    bool ok = set_attr(p, g, AGRAPH, "rankdir", "TB", false) &&
              set_attr(p, g, AGRAPH, "nodesep", "0.2", false) &&
              set_attr(p, g, AGRAPH, "ranksep", "0.3", false) &&
              set_attr(p, g, AGRAPH, "fontname", "Helvetica", false) &&
              set_attr(p, g, AGRAPH, "bgcolor", "white", false) &&
              agattr(g, AGNODE, "shape", "box") && agattr(g, AGNODE, "style", "rounded,filled") &&
              agattr(g, AGNODE, "fontname", "Helvetica") && agattr(g, AGNODE, "fontsize", "10") &&
              agattr(g, AGNODE, "height", "0.3") && agattr(g, AGNODE, "width", "0.5") &&
              agattr(g, AGNODE, "margin", "0.08,0.03") && agattr(g, AGNODE, "penwidth", "0.8") &&
              agattr(g, AGEDGE, "fontname", "Helvetica") && agattr(g, AGEDGE, "fontsize", "7") &&
              agattr(g, AGEDGE, "fontcolor", "#404040") && agattr(g, AGEDGE, "color", "#505050") &&
              agattr(g, AGEDGE, "arrowsize", "0.5") && agattr(g, AGEDGE, "penwidth", "0.8");
    if (p->opt->title) {
        p->text.len = 0;
        put_esc(&p->text, p->opt->title, ESC_LABEL);
        ok = ok && set_attr(p, g, AGRAPH, "label", scratch(p), false) &&
             set_attr(p, g, AGRAPH, "labelloc", "b", false) &&
             set_attr(p, g, AGRAPH, "fontsize", "14", false);
    }
    if (p->opt->format == MXIO_PLOT_PNG) {
        char dpi[16];
        snprintf(dpi, sizeof dpi, "%d", p->opt->dpi > 0 ? p->opt->dpi : 96);
        ok = ok && set_attr(p, g, AGRAPH, "dpi", dpi, false);
    }
    return ok && !p->text.oom;
}

/* The layout budget. dot's time goes to network simplex: ranking (nslimit1) and
 * above all x positioning (nslimit). Measured on a 5,000-op chain: 28 s of CPU
 * with the defaults, 10 s with any positive nslimit, 3.5 s with nslimit=0 (x
 * positions from the first feasible tree: nodes lean left, still readable).
 * Real models up to 2,250 drawn nodes lay out in about a second with the
 * defaults, so only graphs above LARGE_GRAPH pay the lower quality. */
#define LARGE_GRAPH 2500

static bool set_layout_budget(plot *p) {
    if (p->drawn <= LARGE_GRAPH) return true;
    return set_attr(p, p->g, AGRAPH, "nslimit", "0", false);
}

/* Cairo cannot make a bitmap wider or taller than 32767 pixels (Graphviz then
 * shrinks it and prints a warning on stderr), and a big graph's bitmap can take
 * gigabytes: lower the resolution instead so the PNG stays within both limits. */
#define PNG_MAX_SIDE 32000.0
#define PNG_MAX_PIXELS 64e6

static void fit_png(Agraph_t *g) {
    double dpi = GD_drawing(g)->dpi > 0 ? GD_drawing(g)->dpi : 96.0;
    double pad = 8.0; /* Graphviz's default 4-point pad on each side */
    double w = (GD_bb(g).UR.x - GD_bb(g).LL.x + pad) * dpi / 72.0;
    double h = (GD_bb(g).UR.y - GD_bb(g).LL.y + pad) * dpi / 72.0;
    double scale = 1.0;
    if (w > PNG_MAX_SIDE) scale = PNG_MAX_SIDE / w;
    if (h * scale > PNG_MAX_SIDE) scale = PNG_MAX_SIDE / h;
    if (w * h * scale * scale > PNG_MAX_PIXELS) scale = sqrt(PNG_MAX_PIXELS / (w * h));
    if (scale < 1.0) GD_drawing(g)->dpi = dpi * scale * 0.99;
}

/* Edge shapes from mxio's own inference (mxio_plot_shape_fn over mxio__shapes). */
static int inferred_shape(void *ctx, size_t node, uint32_t index, int64_t *dims, int cap) {
    const mxio__shapes *sh = ctx;
    if (node >= sh->nnodes || (uint64_t)sh->row[node] + index >= sh->row[node + 1]) return -1;
    const mxio__shape *e = &sh->shape[sh->row[node] + index];
    if (e->ndim < 0 || e->ndim > cap) return -1;
    for (int i = 0; i < e->ndim; i++) dims[i] = e->d[i] > 0 ? e->d[i] : -1; /* 0: unknown dim */
    return e->ndim;
}

/* Infer every entry's shape from the caller's input shapes. */
static mxio_status infer(plot *p) {
    const mxio_plot_options *o = p->opt;
    mxio__shape_hint *hints = mxio__calloc_array(o->ninputs, sizeof *hints);
    if (!hints) return oom(p);
    mxio_status st = MXIO_OK;
    for (size_t i = 0; i < o->ninputs && st == MXIO_OK; i++) {
        const mxio_plot_input *in = &o->inputs[i];
        if (!in->name || in->ndim < 0 || in->ndim > MXIO__MAX_DIMS || (in->ndim && !in->dims))
            st = mxio__fail(p->err, MXIO_E_MISUSE, "mxio_symbol_plot: input %zu: bad name or shape", i);
        else {
            hints[i].name = in->name;
            hints[i].dtype = -1;
            mxio__shape_make(&hints[i].shape, in->ndim, in->dims);
        }
    }
    if (st == MXIO_OK) st = mxio__infer_shapes(p->s, hints, o->ninputs, &p->inferred, p->err);
    free(hints);
    if (st == MXIO_OK) {
        p->shape = inferred_shape;
        p->shape_ctx = &p->inferred;
    }
    return st;
}

static mxio_status build(plot *p) {
    const struct mxio_symbol *s = p->s;
    for (size_t i = 0; i < s->nnodes; i++) {
        const mxio__node *n = &s->nodes[i];
        if (!is_variable(n)) p->ops[i] = mxio__op_find(n->op);
    }
    mxio_status rst = mxio__symbol_roles(s, NULL, NULL, p->roles, NULL, p->err);
    if (rst != MXIO_OK) return rst;
    for (size_t h = 0; h < s->nheads; h++)
        if (s->heads[h].node < s->nnodes) p->is_head[s->heads[h].node] = true;
    if (!set_graph_defaults(p)) return oom(p);
    for (size_t i = 0; i < s->nnodes; i++) {
        if (is_variable(&s->nodes[i]) && !variable_drawn(p, i)) continue;
        mxio_status st = add_node(p, i);
        if (st != MXIO_OK) return st;
    }
    for (size_t i = 0; i < s->nnodes; i++) {
        if (is_variable(&s->nodes[i])) continue;
        mxio_status st = add_edges(p, i);
        if (st != MXIO_OK) return st;
    }
    mxio_status st = add_legend(p);
    if (st != MXIO_OK) return st;
    return set_layout_budget(p) ? MXIO_OK : oom(p);
}

/* Lay out and render (or just print, for DOT) under the Graphviz lock. */
static mxio_status render(plot *p, Agdisc_t *disc, void **out, size_t *len) {
    const char *label = p->s->label ? p->s->label : "symbol";
    mxio_status st = MXIO_OK;
    GVC_t *gvc = NULL;
    p->g = agopen((char *)"mxnet", Agdirected, disc);
    if (!p->g) return oom(p);
    st = build(p);
    if (st != MXIO_OK) goto done;

    if (p->opt->format == MXIO_PLOT_DOT) {
        mxio__buf dot;
        mxio__buf_init(&dot);
        if (agwrite(p->g, &dot) == EOF || dot.oom) {
            mxio__buf_free(&dot);
            st = oom(p);
            goto done;
        }
        *out = mxio__buf_take(&dot, len);
        if (!*out) st = oom(p);
        goto done;
    }
    gvc = gvContext();
    if (!gvc) {
        st = mxio__fail(p->err, MXIO_E_UNSUPPORTED, "%s: cannot start Graphviz", label);
        goto done;
    }
    if (gvLayout(gvc, p->g, "dot") != 0) {
        st = mxio__fail(p->err, MXIO_E_UNSUPPORTED, "%s: Graphviz dot layout failed: %s", label,
                        graphviz_message[0] ? graphviz_message : "no message");
        goto done;
    }
    if (p->opt->format == MXIO_PLOT_PNG) fit_png(p->g);
    const char *fmt = p->opt->format == MXIO_PLOT_PNG ? "png:cairo" : "svg";
    char *data = NULL;
    unsigned int n = 0;
    int rc = gvRenderData(gvc, p->g, fmt, &data, &n);
    gvFreeLayout(gvc, p->g);
    if (rc != 0 || !data) {
        if (data) gvFreeRenderData(data);
        st = mxio__fail(p->err, MXIO_E_UNSUPPORTED, "%s: Graphviz could not render %s: %s", label,
                        fmt, graphviz_message[0] ? graphviz_message : "renderer missing?");
        goto done;
    }
    char *copy = malloc((size_t)n + 1);
    if (!copy) {
        gvFreeRenderData(data);
        st = oom(p);
        goto done;
    }
    memcpy(copy, data, n);
    copy[n] = '\0';
    gvFreeRenderData(data);
    *out = copy;
    *len = n;
done:
    if (gvc) gvFreeContext(gvc);
    agclose(p->g);
    p->g = NULL;
    return st;
}

mxio_status mxio_symbol_plot(const mxio_symbol *s, const mxio_plot_options *opt, void **out,
                             size_t *len, mxio_error *err) {
    mxio__error_clear(err);
    static const mxio_plot_options defaults;
    if (!opt) opt = &defaults;
    if (!s || !out || !len)
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_plot: NULL symbol or output pointer");
    *out = NULL;
    *len = 0;
    if ((unsigned)opt->format > MXIO_PLOT_DOT)
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_plot: unknown format %d", (int)opt->format);

    plot p = {.s = s, .opt = opt, .err = err, .shape = opt->shape, .shape_ctx = opt->shape_ctx};
    mxio__buf_init(&p.text);
    size_t n = s->nnodes ? s->nnodes : 1;
    p.gnode = mxio__calloc_array(n, sizeof *p.gnode);
    p.ops = mxio__calloc_array(n, sizeof *p.ops);
    p.roles = mxio__calloc_array(n, 1);
    p.is_head = mxio__calloc_array(n, sizeof *p.is_head);
    mxio_status st = MXIO_OK;
    if (!p.gnode || !p.ops || !p.roles || !p.is_head) st = oom(&p);
    /* Inference runs outside the Graphviz lock: it touches no Graphviz state. */
    if (st == MXIO_OK && !opt->shape && opt->ninputs > 0) st = infer(&p);
    if (st == MXIO_OK) {
        Agdisc_t disc = {&AgMemDisc, &AgIdDisc, &dot_io};
        pthread_mutex_lock(&graphviz_lock);
        graphviz_message[0] = '\0';
        agusererrf old_handler = agseterrf(keep_graphviz_message);
        agerrlevel_t old_level = agseterr(AGERR); /* warnings (font fallbacks) are not failures */
        st = render(&p, &disc, out, len);
        agseterr(old_level);
        agseterrf(old_handler);
        pthread_mutex_unlock(&graphviz_lock);
    }
    mxio__buf_free(&p.text);
    mxio__shapes_free(&p.inferred);
    free(p.gnode);
    free(p.ops);
    free(p.roles);
    free(p.is_head);
    return st;
}

mxio_status mxio_symbol_plot_file(const mxio_symbol *s, const mxio_plot_options *opt,
                                  const char *path, uint32_t flags, mxio_error *err) {
    if (!path) return mxio__fail(err, MXIO_E_MISUSE, "mxio_symbol_plot_file: NULL path");
    void *data = NULL;
    size_t len = 0;
    mxio_status st = mxio_symbol_plot(s, opt, &data, &len, err);
    if (st == MXIO_OK) st = mxio__write_atomic(path, data, len, (flags & MXIO_WRITE_FORCE) != 0, err);
    free(data);
    return st;
}

int mxio_plot_format_from_name(const char *path_or_name, mxio_plot_format *out) {
    if (!path_or_name || !out) return -1;
    const char *dot = strrchr(path_or_name, '.');
    const char *ext = dot ? dot + 1 : path_or_name;
    static const struct {
        const char *ext;
        mxio_plot_format format;
    } names[] = {{"svg", MXIO_PLOT_SVG}, {"png", MXIO_PLOT_PNG}, {"dot", MXIO_PLOT_DOT}, {"gv", MXIO_PLOT_DOT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(ext, names[i].ext) == 0) {
            *out = names[i].format;
            return 0;
        }
    return -1;
}
