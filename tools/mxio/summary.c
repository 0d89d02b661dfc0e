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

int cli_summary(int argc, char **argv) {
    const char *path = NULL, *format = "table", *array_path = NULL, *out = NULL;
    bool force = false, quiet = false;
    cli_shapes shapes = {0};
    int rc = 0;
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
            rc = cli_shape_option(&shapes, v, "summary", SUMMARY_USAGE);
        } else if (cli_option(argc, argv, &i, "--format", &v)) {
            if (!v) rc = usage("option %s needs table or json", "--format");
            format = v;
        } else if (cli_option(argc, argv, &i, "--array-path", &v)) {
            if (!v) rc = usage("option %s needs a path or 'none'", "--array-path");
            array_path = v;
        } else if (cli_option(argc, argv, &i, "-o", &v)) {
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
    if (!rc) rc = cli_find_symbol_params(path, array_path, false, quiet, &params_path, note, sizeof note);
    if (!rc && params_path && out && cli_same_file(params_path, out))
        rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the params file", out);
    if (!rc && params_path && mxio_params_read_file(params_path, 0, &params, &err) != MXIO_OK)
        rc = cli_fail(&err);

    size_t len = 0;
    if (!rc) {
        mxio_summary_options opt = {.format = fmt, .inputs = shapes.in, .ninputs = (size_t)shapes.n,
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
    cli_shapes_free(&shapes);
    return rc;
}
