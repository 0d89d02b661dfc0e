/* ops_dump - prints the op registry as JSON for the oracle tests.
 *   ops_dump registry            every record: names, kind, params with defaults
 *                                (as written and as mxio parses them)
 *   ops_dump io OP [key=value]   arguments, roles and outputs of OP for those attrs
 *   ops_dump infer OP [key=value] -- SHAPE...
 *                                run OP's shape rule: SHAPE is "(1,3,224,224)", "?" for
 *                                unknown, with an optional "@<type flag>"; prints every
 *                                input and output shape and dtype, or the error */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ops/op.h"

static void put_str(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void put_float(double v) {
    if (v != v) printf("\"nan\"");
    else if (v > 1e308 || v < -1e308) printf(v > 0 ? "\"inf\"" : "\"-inf\"");
    else printf("%.17g", v);
}

static const char *type_name(mxio__attr_type t) {
    static const char *const names[] = {"int",   "float",   "bool",      "shape",
                                        "floats", "enum",   "string",    "dtype",
                                        "opt_int", "opt_float", "opt_bool", "opt_shape"};
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

/* The value mxio parses from `s` for a parameter of type t, as JSON; false if it
 * does not parse. */
static bool put_parsed(mxio__attr_type t, const char *s) {
    int64_t iv;
    double fv;
    bool bv;
    int64_t tv[MXIO__MAX_DIMS * 2];
    double ftv[MXIO__MAX_DIMS * 2];
    int n;
    bool none = false;
    bool is_opt = t == MXIO__ATTR_OPT_INT || t == MXIO__ATTR_OPT_FLOAT || t == MXIO__ATTR_OPT_BOOL;
    if (is_opt && strcmp(s, "None") == 0) {
        printf("null");
        return true;
    }
    switch (t) {
    case MXIO__ATTR_INT:
    case MXIO__ATTR_OPT_INT:
        if (!mxio__parse_int(s, &iv)) return false;
        printf("%" PRId64, iv);
        return true;
    case MXIO__ATTR_FLOAT:
    case MXIO__ATTR_OPT_FLOAT:
        if (!mxio__parse_float(s, &fv)) return false;
        put_float(fv);
        return true;
    case MXIO__ATTR_BOOL:
    case MXIO__ATTR_OPT_BOOL:
        if (!mxio__parse_bool(s, &bv)) return false;
        printf(bv ? "true" : "false");
        return true;
    case MXIO__ATTR_SHAPE:
    case MXIO__ATTR_OPT_SHAPE:
        if (!mxio__parse_tuple(s, tv, MXIO__MAX_DIMS * 2, &n, t == MXIO__ATTR_OPT_SHAPE, &none))
            return false;
        if (none) {
            printf("null");
            return true;
        }
        putchar('[');
        for (int i = 0; i < n; i++) {
            if (i) putchar(',');
            if (tv[i] == INT64_MIN) printf("null");
            else printf("%" PRId64, tv[i]);
        }
        putchar(']');
        return true;
    case MXIO__ATTR_FLOATS:
        if (!mxio__parse_float_tuple(s, ftv, MXIO__MAX_DIMS * 2, &n)) return false;
        putchar('[');
        for (int i = 0; i < n; i++) {
            if (i) putchar(',');
            put_float(ftv[i]);
        }
        putchar(']');
        return true;
    default:
        put_str(s);
        return true;
    }
}

static const char *kind_name(mxio__op_kind k) {
    static const char *const names[] = {"other",   "conv",        "norm",   "activation", "pool",
                                        "shape", "elementwise", "output", "detection"};
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

static int dump_registry(void) {
    printf("[\n");
    for (size_t i = 0; i < mxio__op_count(); i++) {
        const mxio__op *op = mxio__op_at(i);
        printf("%s{\"name\":", i ? ",\n" : "");
        put_str(op->name);
        printf(",\"kind\":\"%s\",\"aliases\":[", kind_name(op->kind));
        if (op->aliases)
            for (const char *const *a = op->aliases; *a; a++) {
                if (a != op->aliases) putchar(',');
                put_str(*a);
            }
        printf("],\"params\":[");
        if (op->params)
            for (const mxio__attr_spec *p = op->params; p->name; p++) {
                if (p != op->params) putchar(',');
                printf("{\"name\":");
                put_str(p->name);
                printf(",\"type\":\"%s\",\"default\":", type_name(p->type));
                if (p->dflt) put_str(p->dflt);
                else printf("null");
                printf(",\"required\":%s,\"parsed\":", p->dflt ? "false" : "true");
                if (!p->dflt) printf("null");
                else if (!put_parsed(p->type, p->dflt)) printf("\"<unparsed>\"");
                printf(",\"choices\":");
                if (p->choices) put_str(p->choices);
                else printf("null");
                putchar('}');
            }
        printf("],\"has_infer_shape\":%s,\"compose_attrs\":[", op->infer_shape ? "true" : "false");
        if (op->compose_attrs)
            for (const mxio__var_attr *v = op->compose_attrs; v->input >= 0; v++) {
                if (v != op->compose_attrs) putchar(',');
                printf("[%d,", v->input);
                put_str(v->key);
                putchar(',');
                put_str(v->value);
                putchar(']');
            }
        printf("]}");
    }
    printf("\n]\n");
    return 0;
}

static void put_shape(const mxio__shape *sh) {
    if (sh->ndim < 0) {
        printf("null");
        return;
    }
    putchar('[');
    for (int i = 0; i < sh->ndim; i++) printf("%s%lld", i ? "," : "", (long long)sh->d[i]);
    putchar(']');
}

static bool parse_shape_arg(const char *arg, mxio__shape *sh, int *dtype) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", arg);
    char *at = strchr(buf, '@');
    *dtype = -1;
    if (at) {
        *at = '\0';
        *dtype = atoi(at + 1);
    }
    if (strcmp(buf, "?") == 0) {
        sh->ndim = -1;
        return true;
    }
    int n = 0;
    if (!mxio__parse_tuple(buf, sh->d, MXIO__MAX_DIMS, &n, false, NULL)) return false;
    sh->ndim = n;
    return true;
}

static int dump_infer(const mxio__op *op, mxio__attrs *a, int argc, char **argv) {
    mxio__shape in[MXIO__MAX_OP_INPUTS], out[MXIO__MAX_OP_INPUTS];
    int in_dt[MXIO__MAX_OP_INPUTS], out_dt[MXIO__MAX_OP_INPUTS];
    const char *names[MXIO__MAX_OP_INPUTS];
    int nin = mxio__op_inputs(op, a, names, MXIO__MAX_OP_INPUTS);
    if (nin < argc) nin = argc;
    for (int i = 0; i < nin; i++) {
        in[i].ndim = -1;
        in_dt[i] = -1;
        if (i < argc && !parse_shape_arg(argv[i], &in[i], &in_dt[i])) {
            fprintf(stderr, "bad shape %s\n", argv[i]);
            return 2;
        }
    }
    int nout = mxio__op_outputs(op, a, NULL);
    for (int i = 0; i < nout; i++) {
        out[i].ndim = -1;
        out_dt[i] = -1;
    }
    mxio_error err;
    mxio__error_clear(&err);
    mxio__shape_ctx c = {.attrs = a, .node_name = "x", .nin = nin, .in = in, .in_dtype = in_dt,
                         .nout = nout, .out = out, .out_dtype = out_dt, .err = &err,
                         .node_index = 0};
    if (!op->infer_shape) {
        printf("{\"error\":\"no shape rule\"}\n");
        return 0;
    }
    if (op->infer_shape(&c) != MXIO_OK) {
        printf("{\"error\":");
        put_str(err.message);
        printf("}\n");
        return 0;
    }
    printf("{\"inputs\":[");
    for (int i = 0; i < nin; i++) {
        if (i) putchar(',');
        put_shape(&in[i]);
    }
    printf("],\"outputs\":[");
    for (int i = 0; i < nout; i++) {
        if (i) putchar(',');
        put_shape(&out[i]);
    }
    printf("],\"in_dtypes\":[");
    for (int i = 0; i < nin; i++) printf("%s%d", i ? "," : "", in_dt[i]);
    printf("],\"out_dtypes\":[");
    for (int i = 0; i < nout; i++) printf("%s%d", i ? "," : "", out_dt[i]);
    printf("]}\n");
    return 0;
}

static int dump_io(const char *name, int argc, char **argv) {
    const mxio__op *op = mxio__op_find(name);
    if (!op) {
        fprintf(stderr, "unknown op %s\n", name);
        return 2;
    }
    mxio__kv kv[64];
    int nkv = 0;
    int nshapes = 0;
    char **shapes = NULL;
    for (int i = 0; i < argc && nkv < 64; i++) {
        if (strcmp(argv[i], "--") == 0) {
            shapes = argv + i + 1;
            nshapes = argc - i - 1;
            break;
        }
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "expected key=value: %s\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        kv[nkv].key = argv[i];
        kv[nkv].value = eq + 1;
        nkv++;
    }
    mxio__attrs a = {kv, (size_t)nkv, op, NULL};
    if (shapes) return dump_infer(op, &a, nshapes, shapes);
    const char *names[MXIO__MAX_OP_INPUTS];
    int n = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
    uint32_t w, aux, label;
    mxio__op_masks(op, &a, &w, &aux, &label);
    int visible = 0;
    int total = mxio__op_outputs(op, &a, &visible);
    printf("{\"op\":");
    put_str(op->name);
    printf(",\"ninputs\":%d,\"inputs\":[", n);
    for (int i = 0; i < n; i++) {
        if (i) putchar(',');
        put_str(names[i]);
    }
    printf("],\"weight_mask\":%" PRIu32 ",\"aux_mask\":%" PRIu32 ",\"label_mask\":%" PRIu32,
           w, aux, label);
    printf(",\"outputs\":%d,\"visible\":%d,\"output_names\":[", total, visible);
    for (int i = 0; i < total; i++) {
        char buf[64];
        if (i) putchar(',');
        put_str(mxio__op_output_name(op, &a, i, buf, sizeof buf));
    }
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "registry") == 0) return dump_registry();
    if (argc >= 3 && (strcmp(argv[1], "io") == 0 || strcmp(argv[1], "infer") == 0))
        return dump_io(argv[2], argc - 3, argv + 3);
    fprintf(stderr, "usage: ops_dump registry | ops_dump io OP [key=value ...] [-- SHAPE ...]\n");
    return 2;
}
