/* summary.c - mxio summary MODEL-symbol.json [--shape NAME=D1,D2,...] [--format table|json]
 *
 * One page about a model: version, params file, inputs/outputs, per-layer output
 * shape, parameters and MACs, totals. The work is mxio_summary_render's; this file
 * parses the command line and finds the params file (ArrayPath). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define SUMMARY_USAGE                                                                        \
    "mxio summary PATH-symbol.json [--shape NAME=D1,D2,...]... [--format table|json]\n"    \
    "                    [--array-path PATH|none] [-o OUT] [--force] [-q]"

#define MAX_SHAPES 64
#define MAX_DIMS 32

void cli_summary_help(FILE *out) {
    fprintf(out,
            "usage: " SUMMARY_USAGE "\n"
            "\n"
            "Summarise a model: the MXNet version that wrote the symbol; the params file\n"
            "(found as 'mxio import' finds it), its size and dtypes; the inputs and outputs\n"
            "with shapes and dtypes; one row per op node with its output shape, parameter\n"
            "count and multiply-accumulates (MACs); the totals. Shapes not given with --shape\n"
            "come from __shape__ attributes and the params file's arrays; what stays unknown\n"
            "is shown as '?' and explained under 'notes'. See docs/summary.md.\n"
            "\n"
            "options:\n"
            "  --shape NAME=D1,D2,...  the shape of input NAME, e.g. data=1,3,224,224 (repeatable)\n"
            "  --format F              table (default) or json\n"
            "  --array-path P          the params file: a path (must exist), or 'none'.\n"
            "                          Default: the latest PREFIX-NNNN.params beside the symbol\n"
            "  -o, --output OUT        write to OUT instead of standard output (atomically)\n"
            "  --force                 replace OUT if it exists\n"
            "  -q, --quiet             no notes on standard error\n"
            "\n"
            "example:\n"
            "  mxio summary resnet50_v1-symbol.json --shape data=1,3,224,224\n");
}

static int usage(const char *fmt, const char *what) {
    return cli_usage_error("summary", SUMMARY_USAGE, fmt, what);
}

typedef struct shape_arg {
    char *name; /* points into the argv string copy */
    int ndim;
    int64_t dims[MAX_DIMS];
} shape_arg;

/* "data=1,3,224,224" (also "data:1,3,224,224" or "data=(1,3,224,224)"). */
static bool parse_shape(const char *text, shape_arg *out, char **copy) {
    *copy = strdup(text);
    if (!*copy) return false;
    char *eq = strchr(*copy, '=');
    if (!eq) eq = strrchr(*copy, ':');
    if (!eq || eq == *copy) return false;
    *eq = '\0';
    out->name = *copy;
    char *p = eq + 1;
    if (*p == '(' || *p == '[') p++;
    out->ndim = 0;
    while (*p && *p != ')' && *p != ']') {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 1 || out->ndim >= MAX_DIMS) return false;
        out->dims[out->ndim++] = v;
        p = end;
        while (*p == ' ') p++;
        if (*p == ',' || *p == 'x') p++;
        while (*p == ' ') p++;
    }
    if ((*p == ')' || *p == ']') && p[1] != '\0') return false;
    return out->ndim > 0;
}

static void note_params_choice(bool quiet, const char *path, int candidates) {
    if (candidates > 1)
        cli_note(quiet, "using %s (the latest of %d matching params files)", path, candidates);
    else
        cli_note(quiet, "using %s", path);
}

int cli_summary(int argc, char **argv) {
    const char *path = NULL, *format = "table", *array_path = NULL, *out = NULL;
    bool force = false, quiet = false;
    shape_arg shapes[MAX_SHAPES];
    char *copies[MAX_SHAPES];
    int nshapes = 0, rc = 0;
    for (int i = 1; i < argc && !rc;) {
        const char *v = NULL;
        if (strcmp(argv[i], "--") == 0) {
            if (i + 1 < argc && !path) path = argv[i + 1];
            if (i + 2 < argc) rc = usage("unexpected argument '%s'", argv[i + 2]);
            break;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
            i++;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
            i++;
        } else if (cli_option(argc, argv, &i, "--shape", &v)) {
            if (!v) rc = usage("option %s needs NAME=D1,D2,...", "--shape");
            else if (nshapes == MAX_SHAPES) rc = usage("too many %s options", "--shape");
            else if (!parse_shape(v, &shapes[nshapes], &copies[nshapes])) {
                rc = usage("bad --shape '%s' (expected NAME=D1,D2,... with positive dims)", v);
                free(copies[nshapes]);
            } else {
                nshapes++;
            }
        } else if (cli_option(argc, argv, &i, "--format", &v)) {
            if (!v) rc = usage("option %s needs table or json", "--format");
            format = v;
        } else if (cli_option(argc, argv, &i, "--array-path", &v)) {
            if (!v) rc = usage("option %s needs a path or 'none'", "--array-path");
            array_path = v;
        } else if (cli_option(argc, argv, &i, "-o", &v) || cli_option(argc, argv, &i, "--output", &v)) {
            if (!v) rc = usage("option %s needs a file name", "-o");
            out = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = usage("unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i++];
        } else {
            rc = usage("unexpected argument '%s'", argv[i]);
        }
    }
    mxio_text_format fmt = MXIO_TEXT_TABLE;
    if (!rc && !path) rc = usage("%s", "missing the symbol file (PREFIX-symbol.json)");
    if (!rc && strcmp(format, "json") == 0) fmt = MXIO_TEXT_JSON;
    else if (!rc && strcmp(format, "table") != 0) rc = usage("unknown format '%s' (table or json)", format);
    if (!rc && out && cli_same_file(path, out))
        rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the input file", out);

    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    char *params_path = NULL, *text = NULL;
    char note[64] = "";
    if (!rc && mxio_symbol_read_file(path, 0, &sym, &err) != MXIO_OK) rc = cli_fail(&err);
    if (!rc && array_path && strcmp(array_path, "none") != 0) {
        struct stat st;
        if (stat(array_path, &st) != 0 || !S_ISREG(st.st_mode))
            rc = cli_fail_msg(MXIO_E_NOT_FOUND, "%s: the params file given by --array-path does not "
                                                "exist", array_path);
        else if (!(params_path = strdup(array_path)))
            rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        else
            snprintf(note, sizeof note, "given by --array-path");
    } else if (!rc && !array_path) {
        int candidates = 0;
        mxio_status st = mxio_find_params(path, &params_path, &candidates, &err);
        if (st == MXIO_OK) {
            note_params_choice(quiet, params_path, candidates);
            if (candidates > 1) snprintf(note, sizeof note, "latest of %d", candidates);
        } else if (st == MXIO_E_NOT_FOUND || st == MXIO_E_MISUSE) {
            /* no params file: counts come from the shapes */
            cli_note(quiet, "no params file found for %s; parameter counts come from inferred shapes",
                     path);
            params_path = NULL;
        } else {
            rc = cli_fail(&err);
        }
    }
    if (!rc && params_path && out && cli_same_file(params_path, out))
        rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the params file", out);
    if (!rc && params_path && mxio_params_read_file(params_path, 0, &params, &err) != MXIO_OK)
        rc = cli_fail(&err);

    mxio_plot_input inputs[MAX_SHAPES];
    for (int k = 0; k < nshapes; k++)
        inputs[k] = (mxio_plot_input){shapes[k].name, shapes[k].ndim, shapes[k].dims};
    size_t len = 0;
    if (!rc) {
        mxio_summary_options opt = {.format = fmt, .inputs = inputs, .ninputs = (size_t)nshapes,
                                    .symbol_path = path, .params_path = params_path,
                                    .params_note = note[0] ? note : NULL};
        if (mxio_summary_render(sym, params, &opt, &text, &len, &err) != MXIO_OK) rc = cli_fail(&err);
    }
    if (!rc && out) {
        if (mxio_write_text_file(out, text, len, force ? MXIO_WRITE_FORCE : 0, &err) != MXIO_OK)
            rc = cli_fail(&err);
    } else if (!rc) {
        fwrite(text, 1, len, stdout);
    }
    mxio_free(text);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    free(params_path);
    for (int k = 0; k < nshapes; k++) free(copies[k]);
    return rc;
}
