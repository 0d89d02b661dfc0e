/* export.c - mxio export SRC -o OUT-symbol.json [--array-path P] [--no-save-arrays]
 *            [--output NAME] [--dtype float16|float32] [--params P] [--force] [-q]
 *
 * Export[OUT, net, "MXNet"]: SRC is an MXNet model (its params found as import
 * finds them) or the Net JSON form (`mxio import M Net -o net.json`, edited or
 * not; its arrays come from the params file of the model named in its "source"). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define EXPORT_USAGE                                                                         \
    "mxio export SRC -o OUT-symbol.json [--array-path P] [--no-save-arrays]\n"               \
    "                   [--output NAME] [--dtype float16|float32] [--params P] [--force] [-q]"

void cli_export_help(FILE *out) {
    fprintf(out,
            "usage: " EXPORT_USAGE "\n"
            "\n"
            "Write a Net as MXNet 1.9.1 files: OUT (symbol JSON) and its .params, which\n"
            "mx.model.load_checkpoint and gluon.SymbolBlock.imports load.\n"
            "SRC is an MXNet model (prefix-symbol.json; its params file is found as\n"
            "'mxio import' finds it) or the Net JSON form written by\n"
            "'mxio import M-symbol.json Net -o net.json' (edit it, then export it back).\n"
            "\n"
            "options:\n"
            "  -o, --out OUT        the symbol JSON to write\n"
            "  --array-path P       where the params go (default: OUT prefix-symbol.json ->\n"
            "                       prefix-0000.params; name.json -> name.params)\n"
            "  --no-save-arrays     write the JSON alone (SaveArrays -> False)\n"
            "  --output NAME        export the net cut at this internal output (fc1_output)\n"
            "  --dtype T            float16: float32 arrays written as half precision;\n"
            "                       float32: float16 arrays written as single precision\n"
            "  --params P           the params file SRC's arrays come from (default: found\n"
            "                       beside the model, or the Net JSON's source model)\n"
            "  --force              replace existing output files\n"
            "  -q, --quiet          no notes on stderr\n"
            "\n"
            "examples:\n"
            "  mxio export resnet-symbol.json -o out/resnet-symbol.json\n"
            "  mxio import m-symbol.json Net -o net.json; $EDITOR net.json;\n"
            "  mxio export net.json -o edited-symbol.json\n"
            "  mxio export m-symbol.json -o half-symbol.json --dtype float16\n");
}

typedef struct export_args {
    const char *src, *out, *array_path, *output, *dtype, *params;
    bool no_arrays, force, quiet;
} export_args;

static int usage(const char *fmt, const char *what) {
    return cli_usage_error("export", EXPORT_USAGE, fmt, what);
}

static int parse(int argc, char **argv, export_args *a) {
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc;) {
        const char *arg = argv[i], *v = NULL;
        if (arg[0] == '-' && arg[1]) {
            if (strcmp(arg, "--force") == 0) {
                a->force = true;
                i++;
            } else if (strcmp(arg, "--no-save-arrays") == 0) {
                a->no_arrays = true;
                i++;
            } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
                a->quiet = true;
                i++;
            } else if (cli_option(argc, argv, &i, "-o", &v) ||
                       cli_option(argc, argv, &i, "--out", &v)) {
                if (!v) return usage("option %s needs a file name", arg);
                a->out = v;
            } else if (cli_option(argc, argv, &i, "--array-path", &v)) {
                if (!v) return usage("option %s needs a path", arg);
                a->array_path = v;
            } else if (cli_option(argc, argv, &i, "--output", &v)) {
                if (!v) return usage("option %s needs an output name", arg);
                a->output = v;
            } else if (cli_option(argc, argv, &i, "--dtype", &v)) {
                if (!v || (strcmp(v, "float16") != 0 && strcmp(v, "float32") != 0))
                    return usage("option %s takes float16 or float32", "--dtype");
                a->dtype = v;
            } else if (cli_option(argc, argv, &i, "--params", &v)) {
                if (!v) return usage("option %s needs a path", arg);
                a->params = v;
            } else {
                return usage("unknown option '%s'", arg);
            }
            continue;
        }
        if (a->src) return usage("unexpected argument '%s'", arg);
        a->src = arg;
        i++;
    }
    if (!a->src) return usage("%s", "missing SRC");
    if (!a->out) return usage("%s", "missing -o OUT-symbol.json");
    if (a->no_arrays && a->array_path)
        return usage("%s", "--array-path and --no-save-arrays exclude each other");
    return 0;
}

static char *read_text(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = (n + 65536 + 1) * 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, 65536, f);
        n += r;
        if (r < 65536) break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The Net JSON's source model, as written, or beside the Net JSON. malloc'd. */
static char *source_model(const char *net_path, const json_t *root) {
    const char *src = json_string_value(json_object_get(root, "source"));
    if (!src || !src[0]) return NULL;
    struct stat st;
    if (src[0] == '/' || stat(src, &st) == 0) return strdup(src);
    const char *slash = strrchr(net_path, '/');
    if (!slash) return strdup(src);
    size_t dir = (size_t)(slash - net_path) + 1, len = dir + strlen(src) + 1;
    char *p = malloc(len);
    if (!p) return NULL;
    memcpy(p, net_path, dir);
    strcpy(p + dir, src);
    return p;
}

int cli_export(int argc, char **argv) {
    export_args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
    if (cli_same_file(a.out, a.src))
        return cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the input file", a.out);

    size_t len = 0;
    char *text = read_text(a.src, &len);
    if (!text) return cli_fail_msg(MXIO_E_NOT_FOUND, "%s: cannot read the file", a.src);
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    const char *fmt = json_string_value(json_object_get(root, "format"));
    bool is_net = fmt && strcmp(fmt, "mxio.net") == 0;

    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    mxio_net *net = NULL;
    char *params_path = NULL, *model = NULL;
    bool want_arrays = !a.no_arrays;

    if (is_net && a.output) {
        rc = usage("%s", "--output applies to an MXNet model, not to the Net JSON form");
        goto done;
    }
    if (is_net) {
        if (mxio_net_read_json(text, len, a.src, &net, &err) != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        model = source_model(a.src, root);
    } else if (mxio_symbol_read_buffer(text, len, a.src, 0, &sym, &err) != MXIO_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    /* The arrays: --params, else the model's params file. */
    if (a.params) {
        params_path = strdup(a.params);
    } else if (want_arrays || !is_net) {
        const char *m = is_net ? model : a.src;
        int candidates = 0;
        mxio_status st = m ? mxio_find_params(m, &params_path, &candidates, &err) : MXIO_E_NOT_FOUND;
        if (st == MXIO_OK)
            cli_note(a.quiet, "arrays from %s", params_path);
        else if (st != MXIO_E_NOT_FOUND) {
            rc = cli_fail(&err);
            goto done;
        } else if (want_arrays) {
            rc = cli_fail_msg(MXIO_E_NOT_FOUND,
                              "%s: no params file found for %s (give one with --params, or "
                              "export the JSON alone with --no-save-arrays)",
                              a.src, m ? m : "the net");
            goto done;
        }
    }
    if (params_path) {
        if (a.array_path ? cli_same_file(a.array_path, params_path) : false) {
            rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the params file being "
                                             "read", a.array_path);
            goto done;
        }
        if (mxio_params_read_file(params_path, 0, &params, &err) != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if (!is_net) {
        mxio_net_options o = {.output = a.output, .flags = 0};
        if (mxio_net_from_symbol(sym, params, &o, &net, &err) != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    uint32_t flags = a.force ? MXIO_WRITE_FORCE : 0;
    if (a.no_arrays) flags |= MXIO_EXPORT_NO_ARRAYS;
    if (a.dtype && strcmp(a.dtype, "float16") == 0) flags |= MXIO_EXPORT_FLOAT16;
    if (a.dtype && strcmp(a.dtype, "float32") == 0) flags |= MXIO_EXPORT_FLOAT32;
    char *auto_path = a.array_path || a.no_arrays ? NULL : mxio_export_array_path(a.out);
    const char *ap = a.array_path ? a.array_path : auto_path;
    if (ap && params_path && cli_same_file(ap, params_path) && !a.force) {
        free(auto_path);
        rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the params file being read",
                          ap);
        goto done;
    }
    if (mxio_net_export(net, params, a.out, ap, flags, &err) != MXIO_OK)
        rc = cli_fail(&err);
    else
        cli_note(a.quiet, "wrote %s%s%s", a.out, ap ? " and " : "", ap ? ap : "");
    free(auto_path);

done:
    json_decref(root);
    free(text);
    free(params_path);
    free(model);
    mxio_net_free(net);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    return rc;
}
