/* net_tool - drives the Net layer for the pytest oracle tests (until the CLI
 * routes to it).
 *
 *   net_tool build SYMBOL [-p PARAMS] [-o OUTPUT] [-k] [-s NAME=D1,D2,...]...
 *                 [-e net|uninit|assoc] [-f json|table]
 *       build the Net (params optional, -o takes an internal output, -k keeps
 *       failure entries, -s gives an input's shape) and print the element
 *   net_tool reread NETJSON      read a Net JSON form and write it again
 *   net_tool attrs SYMBOL        the way back: for each layer, the attributes its options
 *                                give its op (mxio__layer_to_attrs) and the attributes
 *                                the op's rule maps
 *
 * On an error it prints "STATUS_NAME: message" to stderr and exits with the status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"
#include "net/net.h"

static int fail(const mxio_error *e) {
    fprintf(stderr, "%s: %s\n", mxio_status_name(e->code), e->message);
    return (int)e->code;
}

static int usage(void) {
    fprintf(stderr, "usage: net_tool build SYMBOL [-p PARAMS] [-o OUTPUT] [-k] [-s NAME=D1,D2...] "
                    "[-e net|uninit|assoc] [-f json|table]\n       net_tool reread NETJSON\n"
                    "       net_tool attrs SYMBOL\n");
    return 2;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

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

static int attrs_back(const char *path) {
    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_net *net = NULL;
    if (mxio_symbol_read_file(path, 0, &sym, &err)) return fail(&err);
    mxio_status st = mxio_net_from_symbol(sym, NULL, NULL, &net, &err);
    mxio_symbol_free(sym);
    if (st) return fail(&err);
    printf("{");
    for (size_t i = 0; i < net->nlayers; i++) {
        const mxio__layer *l = &net->layers[i];
        const mxio__op *op = mxio__op_find(l->op);
        mxio__kv *kv = NULL;
        size_t n = 0;
        if (mxio__layer_to_attrs(op, l, &kv, &n, &err)) {
            mxio_net_free(net);
            return fail(&err);
        }
        printf("%s\n", i ? "," : "");
        put_str(l->name);
        printf(": {\"attrs\": {");
        for (size_t k = 0; k < n; k++) {
            printf("%s", k ? ", " : "");
            put_str(kv[k].key);
            printf(": ");
            put_str(kv[k].value);
        }
        mxio__kvs_free(kv, n);
        printf("}, \"mapped\": [");
        int m = 0;
        for (const mxio__opt_map *om = op && op->layer ? op->layer->options : NULL; om && om->option;
             om++)
            if (om->attr) {
                printf("%s", m++ ? ", " : "");
                put_str(om->attr);
            }
        printf("], \"type\": ");
        put_str(l->type->name);
        printf("}");
    }
    printf("}\n");
    mxio_net_free(net);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) return usage();
    if (strcmp(argv[1], "attrs") == 0) return attrs_back(argv[2]);
    mxio_error err;
    mxio_net *net = NULL;
    mxio_element element = MXIO_ELEMENT_NET;
    mxio_text_format format = MXIO_TEXT_JSON;
    if (strcmp(argv[1], "reread") == 0) {
        size_t len = 0;
        char *text = slurp(argv[2], &len);
        if (!text) {
            fprintf(stderr, "cannot read %s\n", argv[2]);
            return 4;
        }
        mxio_status st = mxio_net_read_json(text, len, argv[2], &net, &err);
        free(text);
        if (st) return fail(&err);
    } else if (strcmp(argv[1], "build") == 0) {
        const char *params_path = NULL;
        mxio_net_options opts = {0};
        static mxio_plot_input shapes[8];
        static int64_t dims[8][32];
        static char names[8][256];
        for (int i = 3; i < argc; i++) {
            if (strcmp(argv[i], "-s") == 0 && i + 1 < argc && opts.ninputs < 8) {
                size_t k = opts.ninputs++;
                const char *spec = argv[++i], *eq = strchr(spec, '=');
                if (!eq || (size_t)(eq - spec) >= sizeof names[k]) return usage();
                memcpy(names[k], spec, (size_t)(eq - spec));
                names[k][eq - spec] = '\0';
                int n = 0;
                for (const char *p = eq + 1; *p && n < 32;) {
                    char *end;
                    dims[k][n++] = strtoll(p, &end, 10);
                    if (end == p) return usage();
                    p = *end == ',' ? end + 1 : end;
                }
                shapes[k] = (mxio_plot_input){names[k], n, dims[k]};
                opts.inputs = shapes;
            } else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
                params_path = argv[++i];
            else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
                opts.output = argv[++i];
            else if (strcmp(argv[i], "-k") == 0)
                opts.flags |= MXIO_NET_KEEP_FAILURES;
            else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) {
                const char *e = argv[++i];
                element = strcmp(e, "uninit") == 0  ? MXIO_ELEMENT_UNINITIALIZED_NET
                          : strcmp(e, "assoc") == 0 ? MXIO_ELEMENT_LAYER_ASSOCIATION
                                                    : MXIO_ELEMENT_NET;
            } else if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
                format = strcmp(argv[++i], "table") == 0 ? MXIO_TEXT_TABLE : MXIO_TEXT_JSON;
            else
                return usage();
        }
        mxio_symbol *sym = NULL;
        mxio_params *params = NULL;
        if (mxio_symbol_read_file(argv[2], 0, &sym, &err)) return fail(&err);
        if (params_path && mxio_params_read_file(params_path, 0, &params, &err)) {
            mxio_symbol_free(sym);
            return fail(&err);
        }
        mxio_status st = mxio_net_from_symbol(sym, params, &opts, &net, &err);
        mxio_symbol_free(sym);
        mxio_params_free(params);
        if (st) return fail(&err);
    } else {
        return usage();
    }
    char *text = NULL;
    size_t len = 0;
    mxio_status st = mxio_net_render(net, element, format, &text, &len, &err);
    mxio_net_free(net);
    if (st) return fail(&err);
    fwrite(text, 1, len, stdout);
    mxio_free(text);
    return 0;
}
