/* infer_dump - reads a symbol file with the public API and prints every node
 * output's inferred shape and dtype as JSON, named like MXNet's
 * get_internals().list_outputs() (variables by name, op outputs as
 * <node>_<output>), hidden outputs included with "visible": false.
 *   infer_dump FILE [name=(d0,d1,...)[@dtype] ...] */
#include <stdio.h>
#include <stdlib.h>

#include "format/symbol.h"
#include "graph/infer.h"
#include "mxio.h"

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

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: infer_dump FILE [name=SHAPE[@dtype] ...]\n");
        return 2;
    }
    mxio_error err;
    mxio_symbol *s = NULL;
    if (mxio_symbol_read_file(argv[1], 0, &s, &err) != MXIO_OK) {
        printf("{\"error\":");
        put_str(err.message);
        printf("}\n");
        return 0;
    }
    int nh = argc - 2;
    mxio__shape_hint *hints = calloc((size_t)(nh > 0 ? nh : 1), sizeof *hints);
    if (!hints) return 3;
    for (int i = 0; i < nh; i++) {
        char *eq = strchr(argv[i + 2], '=');
        if (!eq) {
            fprintf(stderr, "expected name=shape: %s\n", argv[i + 2]);
            return 2;
        }
        *eq = '\0';
        char *at = strchr(eq + 1, '@');
        hints[i].dtype = -1;
        if (at) {
            *at = '\0';
            hints[i].dtype = atoi(at + 1);
        }
        int n = 0;
        hints[i].name = argv[i + 2];
        if (!mxio__parse_tuple(eq + 1, hints[i].shape.d, MXIO__MAX_DIMS, &n, false, NULL)) {
            fprintf(stderr, "bad shape %s\n", eq + 1);
            return 2;
        }
        hints[i].shape.ndim = n;
    }
    mxio__shapes sh;
    if (mxio__infer_shapes(s, hints, (size_t)nh, &sh, &err) != MXIO_OK) {
        printf("{\"error\":");
        put_str(err.message);
        printf(",\"node\":%lld}\n", (long long)err.node);
        mxio_symbol_free(s);
        free(hints);
        return 0;
    }
    printf("{\"unknown\":%zu,\"entries\":[\n", sh.unknown);
    bool first = true;
    for (size_t i = 0; i < s->nnodes; i++) {
        const mxio__node *n = &s->nodes[i];
        const mxio__op *op = strcmp(n->op, "null") ? mxio__op_find(n->op) : NULL;
        mxio__attrs a = {n->attrs, n->nattrs, op, n};
        int visible = 1;
        if (op) mxio__op_outputs(op, &a, &visible);
        for (uint32_t k = 0; k < sh.row[i + 1] - sh.row[i]; k++) {
            const mxio__shape *e = &sh.shape[sh.row[i] + k];
            char out[64], name[512];
            if (op)
                snprintf(name, sizeof name, "%s_%s", n->name,
                         mxio__op_output_name(op, &a, (int)k, out, sizeof out));
            else
                snprintf(name, sizeof name, "%s", n->name);
            printf("%s{\"node\":%zu,\"name\":", first ? "" : ",\n", i);
            put_str(name);
            printf(",\"op\":");
            put_str(n->op);
            printf(",\"visible\":%s,\"shape\":", (int)k < visible ? "true" : "false");
            if (e->ndim < 0) {
                printf("null");
            } else {
                putchar('[');
                for (int d = 0; d < e->ndim; d++) printf("%s%lld", d ? "," : "", (long long)e->d[d]);
                putchar(']');
            }
            printf(",\"dtype\":%d}", sh.dtype[sh.row[i] + k]);
            first = false;
        }
    }
    printf("\n]}\n");
    mxio__shapes_free(&sh);
    mxio_symbol_free(s);
    free(hints);
    return 0;
}
