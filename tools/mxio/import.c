/* import.c - mxio import PATH [ELEMENT] [-o OUT] [--format F] [--array-path PATH|none]
 *            [--array NAME] [--force] [-q]
 *
 * The spec's Import elements, shown as text or written to a file whose
 * extension picks the format. Writes are atomic, never replace an existing
 * file without --force and never the input. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define IMPORT_USAGE                                                                        \
    "mxio import PATH [ELEMENT] [-o OUT] [--format table|json|csv|dot|npz|npy|svg|png]\n"   \
    "                   [--array-path PATH|none] [--array NAME] [--shape NAME=D1,D2,...]\n"   \
    "                   [--output NODE_output] [--show-weights] [--force] [-q]"

typedef enum out_format {
    OUT_NONE = -1,
    OUT_TABLE = 0,
    OUT_JSON,
    OUT_CSV,
    OUT_DOT,
    OUT_NPZ,
    OUT_NPY,
    OUT_SVG,
    OUT_PNG
} out_format;

static const struct {
    const char *name;
    const char *ext;
    out_format format;
} formats[] = {
    {"table", ".txt", OUT_TABLE}, {"json", ".json", OUT_JSON}, {"csv", ".csv", OUT_CSV},
    {"dot", ".dot", OUT_DOT},     {"npz", ".npz", OUT_NPZ},    {"npy", ".npy", OUT_NPY},
    {"svg", ".svg", OUT_SVG},     {"png", ".png", OUT_PNG},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

static const char *format_name(out_format f) {
    for (size_t i = 0; i < N_FORMATS; i++)
        if (formats[i].format == f) return formats[i].name;
    return "?";
}

void cli_import_help(FILE *out) {
    fprintf(out,
            "usage: " IMPORT_USAGE "\n"
            "\n"
            "Show an element of an MXNet file, or write it to OUT.\n"
            "\n"
            "elements of a .json symbol (default Net):\n"
            "  Net               the high-level layers (NetChain or NetGraph) with the params\n"
            "                    file's arrays attached; table, or the Net JSON form\n"
            "  UninitializedNet  the same without reading any arrays\n"
            "  LayerAssociation  node name -> layer, options and arrays; nodes that cannot be\n"
            "                    translated are listed as failures instead of stopping\n"
            "  InputNames        the net's inputs: data inputs and labels, with their role\n"
            "  NodeDataset       one row per node: id, name, op, attrs, inputs\n"
            "  NodeGraph         nodes and edges (edges carry the output index); also DOT\n"
            "  NodeGraphPlot     the graph drawn by Graphviz: SVG (default), PNG, or DOT source\n"
            "  ArrayAssociation, ArrayList, ArrayNames  of the symbol's params file (ArrayPath)\n"
            "elements of a .params file (default ArrayAssociation):\n"
            "  ArrayAssociation  name -> array (raw names such as arg:conv0_weight in .npz)\n"
            "  ArrayList         the arrays in file order (arr_0, arr_1, ... in .npz)\n"
            "  ArrayNames        the names, arg:/aux: removed\n"
            "Element names are case-insensitive.\n"
            "\n"
            "options:\n"
            "  -o OUT               write to OUT; its extension picks the format:\n"
            "                       .txt table, .json, .csv, .dot, .npz, .npy, .svg, .png\n"
            "  --format F           table|json|csv|dot|npz|npy|svg|png (default: from OUT,\n"
            "                       else table; NodeGraphPlot: svg)\n"
            "  --array-path P       the params file of a .json symbol: a path, or 'none'.\n"
            "                       Default: prefix-symbol.json -> the latest prefix-NNNN.params;\n"
            "                       name.json -> latest name-NNNN.params, name.params, name*.params\n"
            "  --array NAME         the array to write as .npy (a name, or an index of ArrayList)\n"
            "  --shape NAME=D1,...  an input shape (repeatable): Net shows every layer's output\n"
            "                       shape, NodeGraphPlot labels its edges with shapes\n"
            "  --output NAME        Net: take this internal output as the net's output\n"
            "                       (e.g. fc1_output, like get_internals()['fc1_output'])\n"
            "  --show-weights       NodeGraphPlot: also draw weights and aux states\n"
            "  --force              replace OUT if it exists (never the input itself)\n"
            "  -q, --quiet          no notes on stderr (such as which params file was used)\n"
            "  -h, --help           this help\n"
            "\n"
            "examples:\n"
            "  mxio import model-symbol.json --shape data=1,3,224,224\n"
            "  mxio import model-symbol.json NodeGraphPlot -o graph.svg\n"
            "  mxio import model-symbol.json LayerAssociation --format json\n"
            "  mxio import model-symbol.json InputNames\n"
            "  mxio import model-symbol.json NodeGraph -o graph.dot\n"
            "  mxio import model-0000.params -o weights.npz\n"
            "  mxio import model-0000.params --array arg:fc1_weight -o fc1.npy\n");
}

typedef struct import_args {
    const char *path;
    const char *element_name;
    const char *out;
    const char *format_name;
    const char *array_path;
    const char *array;
    const char *net_output;
    cli_shapes shapes;
    bool show_weights;
    bool force;
    bool quiet;
} import_args;

static int usage(const char *fmt, const char *what) {
    return cli_usage_error("import", IMPORT_USAGE, fmt, what);
}

static int parse(int argc, char **argv, import_args *a) {
    memset(a, 0, sizeof *a);
    bool options_done = false;
    for (int i = 1; i < argc;) {
        const char *arg = argv[i];
        const char *v = NULL;
        if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if (strcmp(arg, "--") == 0) {
                options_done = true;
                i++;
            } else if (strcmp(arg, "--force") == 0) {
                a->force = true;
                i++;
            } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
                a->quiet = true;
                i++;
            } else if (strcmp(arg, "--show-weights") == 0) {
                a->show_weights = true;
                i++;
            } else if (cli_option(argc, argv, &i, "-o", &v)) {
                if (!v) return usage("option %s needs a file name", arg);
                a->out = v;
            } else if (cli_option(argc, argv, &i, "--output", &v)) {
                if (!v) return usage("option %s needs an output name such as fc1_output", arg);
                a->net_output = v;
            } else if (cli_option(argc, argv, &i, "--shape", &v)) {
                int rc = cli_shape_option(&a->shapes, v, "import", IMPORT_USAGE);
                if (rc) return rc;
            } else if (cli_option(argc, argv, &i, "--format", &v)) {
                if (!v) return usage("option %s needs a value", "--format");
                a->format_name = v;
            } else if (cli_option(argc, argv, &i, "--array-path", &v)) {
                if (!v) return usage("option %s needs a path or 'none'", "--array-path");
                a->array_path = v;
            } else if (cli_option(argc, argv, &i, "--array", &v)) {
                if (!v) return usage("option %s needs an array name", "--array");
                a->array = v;
            } else {
                return usage("unknown option '%s'", arg);
            }
            continue;
        }
        if (!a->path)
            a->path = arg;
        else if (!a->element_name)
            a->element_name = arg;
        else
            return usage("unexpected argument '%s'", arg);
        i++;
    }
    if (!a->path) return usage("%s", "missing PATH");
    return 0;
}

typedef enum input_kind { INPUT_SYMBOL, INPUT_PARAMS, INPUT_NPZ } input_kind;

/* By extension; otherwise by the first byte ('{' is JSON, a params file starts
 * with its binary magic). */
static input_kind input_kind_of(const char *path) {
    if (cli_ends_with(path, ".json")) return INPUT_SYMBOL;
    if (cli_ends_with(path, ".params")) return INPUT_PARAMS;
    if (cli_ends_with(path, ".npz") || cli_ends_with(path, ".npy")) return INPUT_NPZ;
    FILE *f = fopen(path, "rb");
    int c = EOF;
    if (f) {
        do c = fgetc(f);
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
        fclose(f);
    }
    return c == '{' ? INPUT_SYMBOL : INPUT_PARAMS;
}

static bool is_array_element(mxio_element e) {
    return e == MXIO_ELEMENT_ARRAY_ASSOCIATION || e == MXIO_ELEMENT_ARRAY_LIST ||
           e == MXIO_ELEMENT_ARRAY_NAMES;
}

static bool is_net_element(mxio_element e) {
    return e == MXIO_ELEMENT_NET || e == MXIO_ELEMENT_UNINITIALIZED_NET ||
           e == MXIO_ELEMENT_LAYER_ASSOCIATION;
}

/* Which formats each element has. */
static bool element_has_format(mxio_element e, out_format f) {
    if (e == MXIO_ELEMENT_NODE_GRAPH_PLOT) return f == OUT_SVG || f == OUT_PNG || f == OUT_DOT;
    if (is_net_element(e)) return f == OUT_TABLE || f == OUT_JSON;
    switch (f) {
    case OUT_TABLE:
    case OUT_JSON:
    case OUT_CSV: return true;
    case OUT_DOT: return e == MXIO_ELEMENT_NODE_GRAPH;
    case OUT_NPZ: return e == MXIO_ELEMENT_ARRAY_ASSOCIATION || e == MXIO_ELEMENT_ARRAY_LIST;
    case OUT_NPY: return e == MXIO_ELEMENT_ARRAY_ASSOCIATION || e == MXIO_ELEMENT_ARRAY_LIST;
    default: return false;
    }
}

static int read_params(const char *path, input_kind kind, mxio_params **p) {
    mxio_error err;
    mxio_status st = kind == INPUT_NPZ ? mxio_params_read_npz(path, 0, p, &err)
                                       : mxio_params_read_file(path, 0, p, &err);
    return st == MXIO_OK ? 0 : cli_fail(&err);
}

/* ArrayList as .npz: the arrays under NumPy's savez names arr_0, arr_1, ... */
static int write_list_npz(const mxio_params *p, const char *out, uint32_t flags) {
    mxio_error err;
    mxio_params *list = mxio_params_new();
    if (!list) return cli_fail_msg(MXIO_E_NOMEM, "out of memory");
    mxio_status st = MXIO_OK;
    for (size_t i = 0; i < mxio_params_count(p) && st == MXIO_OK; i++) {
        mxio_array a;
        char name[32];
        if (mxio_params_get(p, i, &a) != MXIO_OK) {
            mxio_params_free(list);
            return cli_fail_msg(MXIO_E_MISUSE, "array %zu vanished", i);
        }
        snprintf(name, sizeof name, "arr_%zu", i);
        a.name = name;
        a.name_len = strlen(name);
        st = mxio_params_append(list, &a, &err);
    }
    if (st == MXIO_OK) st = mxio_params_write_npz(list, out, flags, &err);
    mxio_params_free(list);
    return st == MXIO_OK ? 0 : cli_fail(&err);
}

static int write_npy(const mxio_params *p, mxio_element e, const char *selector, const char *out,
                     uint32_t flags) {
    int64_t idx = mxio_params_find(p, selector);
    if (idx < 0 && e == MXIO_ELEMENT_ARRAY_LIST && selector[0] &&
        strspn(selector, "0123456789") == strlen(selector)) {
        unsigned long long k = strtoull(selector, NULL, 10);
        if (k < mxio_params_count(p)) idx = (int64_t)k;
    }
    if (idx < 0)
        return cli_fail_msg(MXIO_E_NOT_FOUND, "no array '%s' (list them with: mxio import FILE "
                                              "ArrayNames)", selector);
    mxio_array a;
    mxio_error err;
    if (mxio_params_get(p, (size_t)idx, &a) != MXIO_OK)
        return cli_fail_msg(MXIO_E_NOT_FOUND, "no array %lld", (long long)idx);
    if (mxio_array_write_npy(&a, out, flags, &err) != MXIO_OK) return cli_fail(&err);
    return 0;
}

static int emit_text(const char *text, size_t len, const char *out, uint32_t flags) {
    if (!out) {
        /* a terminal line ends with a newline even if the rendered text does not */
        bool newline = len > 0 && text[len - 1] != '\n';
        if (fwrite(text, 1, len, stdout) != len || (newline && putchar('\n') == EOF) ||
            fflush(stdout) != 0)
            return cli_fail_msg(MXIO_E_IO, "cannot write to standard output");
        return 0;
    }
    mxio_error err;
    if (mxio_write_text_file(out, text, len, flags, &err) != MXIO_OK) return cli_fail(&err);
    return 0;
}

static int import_element(import_args *ap, input_kind kind, mxio_element e);

int cli_import(int argc, char **argv) {
    import_args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;

    /* Element */
    input_kind kind = input_kind_of(a.path);
    mxio_element e = kind == INPUT_SYMBOL ? MXIO_ELEMENT_NET : MXIO_ELEMENT_ARRAY_ASSOCIATION;
    if (a.element_name && mxio_element_from_name(a.element_name, &e) != 0) {
        cli_shapes_free(&a.shapes);
        return usage("unknown element '%s' (elements: Net, UninitializedNet, LayerAssociation, "
                     "InputNames, NodeDataset, NodeGraph, NodeGraphPlot, ArrayAssociation, "
                     "ArrayList, ArrayNames)",
                     a.element_name);
    }
    rc = import_element(&a, kind, e);
    cli_shapes_free(&a.shapes);
    return rc;
}

static int import_element(import_args *ap, input_kind kind, mxio_element e) {
    import_args a = *ap;
    int rc;
    if (kind != INPUT_SYMBOL && !is_array_element(e))
        return usage("element %s needs a .json symbol file; a params file has ArrayAssociation, "
                     "ArrayList and ArrayNames",
                     mxio_element_name(e));
    if (a.shapes.n && !is_net_element(e) && e != MXIO_ELEMENT_NODE_GRAPH_PLOT)
        return usage("%s", "--shape applies to Net, UninitializedNet, LayerAssociation and "
                           "NodeGraphPlot");
    if (a.net_output && !is_net_element(e))
        return usage("%s", "--output applies to Net, UninitializedNet and LayerAssociation");
    if (a.show_weights && e != MXIO_ELEMENT_NODE_GRAPH_PLOT)
        return usage("%s", "--show-weights applies to NodeGraphPlot");

    /* Format: --format, else OUT's extension, else a table on stdout */
    out_format f = OUT_NONE, from_ext = OUT_NONE;
    if (a.format_name) {
        for (size_t i = 0; i < N_FORMATS; i++)
            if (strcmp(a.format_name, formats[i].name) == 0) f = formats[i].format;
        if (f == OUT_NONE) return usage("unknown format '%s' (table, json, csv, dot, npz, npy)",
                                        a.format_name);
    }
    if (a.out)
        for (size_t i = 0; i < N_FORMATS; i++)
            if (cli_ends_with(a.out, formats[i].ext)) from_ext = formats[i].format;
    if (f == OUT_NONE) f = from_ext;
    if (f == OUT_NONE && a.out)
        return usage("cannot tell the format of '%s' from its extension; use --format", a.out);
    if (f == OUT_NONE) f = e == MXIO_ELEMENT_NODE_GRAPH_PLOT ? OUT_SVG : OUT_TABLE;
    if (from_ext != OUT_NONE && from_ext != f)
        return usage("--format disagrees with the extension of '%s'", a.out);
    if (!element_has_format(e, f)) {
        char msg[128];
        snprintf(msg, sizeof msg, "element %s cannot be written as %s", mxio_element_name(e),
                 format_name(f));
        return usage("%s", msg);
    }
    if ((f == OUT_NPZ || f == OUT_NPY || f == OUT_PNG) && !a.out)
        return usage("%s output is binary: give a file with -o", format_name(f));
    if (f == OUT_NPY && !a.array)
        return usage("%s", ".npy holds one array: choose it with --array NAME");
    if (a.array && f != OUT_NPY) return usage("%s", "--array selects the array of a .npy output");
    if (a.array_path && kind != INPUT_SYMBOL)
        return usage("%s", "--array-path applies to a .json symbol only");

    /* Never write over the input */
    if (a.out && cli_same_file(a.out, a.path))
        return cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the input file", a.out);
    uint32_t flags = a.force ? MXIO_WRITE_FORCE : 0;

    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    char *params_path = NULL;
    char *text = NULL;
    size_t len = 0;
    rc = 0;

    if (kind == INPUT_SYMBOL) {
        if (mxio_symbol_read_file(a.path, 0, &sym, &err) != MXIO_OK) return cli_fail(&err);
        /* NodeDataset and UninitializedNet never read arrays; the rest use the params
         * (roles of learned constants, attached arrays). */
        bool wants = e != MXIO_ELEMENT_NODE_DATASET && e != MXIO_ELEMENT_UNINITIALIZED_NET &&
                     e != MXIO_ELEMENT_NODE_GRAPH_PLOT;
        if (wants || a.array_path) {
            rc = cli_find_symbol_params(a.path, a.array_path, is_array_element(e), a.quiet,
                                        &params_path, NULL, 0);
            if (!rc && params_path && wants) {
                if (a.out && cli_same_file(a.out, params_path))
                    rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the params "
                                                     "file being read", a.out);
                else
                    rc = read_params(params_path, INPUT_PARAMS, &params);
            }
        }
    } else {
        rc = read_params(a.path, kind, &params);
    }
    if (rc) goto done;

    if (is_array_element(e)) {
        if (f == OUT_NPZ) {
            if (e == MXIO_ELEMENT_ARRAY_LIST)
                rc = write_list_npz(params, a.out, flags);
            else if (mxio_params_write_npz(params, a.out, flags, &err) != MXIO_OK)
                rc = cli_fail(&err);
            goto done;
        }
        if (f == OUT_NPY) {
            rc = write_npy(params, e, a.array, a.out, flags);
            goto done;
        }
        if (mxio_params_render(params, e, (mxio_text_format)f, &text, &len, &err) != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    } else if (e == MXIO_ELEMENT_NODE_GRAPH_PLOT) {
        mxio_plot_options po = {.format = f == OUT_PNG   ? MXIO_PLOT_PNG
                                          : f == OUT_DOT ? MXIO_PLOT_DOT
                                                         : MXIO_PLOT_SVG,
                                .show_weights = a.show_weights,
                                .inputs = a.shapes.in,
                                .ninputs = (size_t)a.shapes.n};
        if (a.out) {
            if (mxio_symbol_plot_file(sym, &po, a.out, flags, &err) != MXIO_OK) rc = cli_fail(&err);
            goto done;
        }
        void *img = NULL;
        if (mxio_symbol_plot(sym, &po, &img, &len, &err) != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        text = img;
    } else if (is_net_element(e)) {
        mxio_net_options no = {.output = a.net_output,
                               .flags = e == MXIO_ELEMENT_LAYER_ASSOCIATION ? MXIO_NET_KEEP_FAILURES : 0,
                               .inputs = a.shapes.in,
                               .ninputs = (size_t)a.shapes.n};
        mxio_net *net = NULL;
        if (mxio_net_from_symbol(sym, e == MXIO_ELEMENT_UNINITIALIZED_NET ? NULL : params, &no, &net,
                                 &err) != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        mxio_status st = mxio_net_render(net, e, (mxio_text_format)f, &text, &len, &err);
        mxio_net_free(net);
        if (st != MXIO_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    } else if (mxio_symbol_render_with_params(sym, params, e, (mxio_text_format)f, &text, &len,
                                              &err) != MXIO_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = emit_text(text, len, a.out, flags);

done:
    mxio_free(text);
    free(params_path);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    return rc;
}
