/* net_tool - drives the Net layer for the pytest oracle tests (until the CLI
 * routes to it).
 *
 *   net_tool build SYMBOL [-p PARAMS] [-o OUTPUT] [-k] [-e net|uninit|assoc] [-f json|table]
 *       build the Net (params optional, -o takes an internal output, -k keeps
 *       failure entries) and print the element
 *   net_tool reread NETJSON      read a Net JSON form and write it again
 *
 * On an error it prints "STATUS_NAME: message" to stderr and exits with the status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

static int fail(const mxio_error *e) {
    fprintf(stderr, "%s: %s\n", mxio_status_name(e->code), e->message);
    return (int)e->code;
}

static int usage(void) {
    fprintf(stderr, "usage: net_tool build SYMBOL [-p PARAMS] [-o OUTPUT] [-k] [-e net|uninit|assoc] "
                    "[-f json|table]\n       net_tool reread NETJSON\n");
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

int main(int argc, char **argv) {
    if (argc < 3) return usage();
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
        mxio_net_options opts = {NULL, 0};
        for (int i = 3; i < argc; i++) {
            if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
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
