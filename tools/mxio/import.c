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
    "mxio import PATH [ELEMENT] [-o OUT] [--format table|json|csv|dot|npz|npy]\n"           \
    "                   [--array-path PATH|none] [--array NAME] [--force] [-q]"

typedef enum out_format {
    OUT_NONE = -1,
    OUT_TABLE = 0,
    OUT_JSON,
    OUT_CSV,
    OUT_DOT,
    OUT_NPZ,
    OUT_NPY
} out_format;

static const struct {
    const char *name;
    const char *ext;
    out_format format;
} formats[] = {
    {"table", ".txt", OUT_TABLE}, {"json", ".json", OUT_JSON}, {"csv", ".csv", OUT_CSV},
    {"dot", ".dot", OUT_DOT},     {"npz", ".npz", OUT_NPZ},    {"npy", ".npy", OUT_NPY},
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
            "elements of a .json symbol (default NodeDataset):\n"
            "  InputNames        the net's inputs: data inputs and labels, with their role\n"
            "  NodeDataset       one row per node: id, name, op, attrs, inputs\n"
            "  NodeGraph         nodes and edges (edges carry the output index); also DOT\n"
            "  ArrayAssociation, ArrayList, ArrayNames  of the symbol's params file (ArrayPath)\n"
            "  NodeGraphPlot, Net, UninitializedNet, LayerAssociation  not available yet (exit 11)\n"
            "elements of a .params file (default ArrayAssociation):\n"
            "  ArrayAssociation  name -> array (raw names such as arg:conv0_weight in .npz)\n"
            "  ArrayList         the arrays in file order (arr_0, arr_1, ... in .npz)\n"
            "  ArrayNames        the names, arg:/aux: removed\n"
            "Element names are case-insensitive.\n"
            "\n"
            "options:\n"
            "  -o, --output OUT     write to OUT; its extension picks the format:\n"
            "                       .txt table, .json, .csv, .dot, .npz, .npy\n"
            "  --format F           table|json|csv|dot|npz|npy (default: from OUT, else table)\n"
            "  --array-path P       the params file of a .json symbol: a path, or 'none'.\n"
            "                       Default: prefix-symbol.json -> the latest prefix-NNNN.params;\n"
            "                       name.json -> latest name-NNNN.params, name.params, name*.params\n"
            "  --array NAME         the array to write as .npy (a name, or an index of ArrayList)\n"
            "  --force              replace OUT if it exists (never the input itself)\n"
            "  -q, --quiet          no notes on stderr (such as which params file was used)\n"
            "  -h, --help           this help\n"
            "\n"
            "examples:\n"
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
            } else if (cli_option(argc, argv, &i, "-o", &v) ||
                       cli_option(argc, argv, &i, "--output", &v)) {
                if (!v) return usage("option %s needs a file name", arg);
                a->out = v;
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

static bool is_later_element(mxio_element e) {
    return e == MXIO_ELEMENT_NODE_GRAPH_PLOT || e == MXIO_ELEMENT_NET ||
           e == MXIO_ELEMENT_UNINITIALIZED_NET || e == MXIO_ELEMENT_LAYER_ASSOCIATION;
}

/* Which formats each element has. */
static bool element_has_format(mxio_element e, out_format f) {
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

/* "using m-0010.params (latest of 3 epochs)": say which file was taken and why. */
static void note_params_choice(bool quiet, const char *path, int candidates) {
    const char *dash = strrchr(path, '-');
    bool epoch = dash && strspn(dash + 1, "0123456789") >= 4 &&
                 strcmp(dash + 1 + strspn(dash + 1, "0123456789"), ".params") == 0;
    if (candidates > 1)
        cli_note(quiet, "using %s (%s of %d %s)", path, epoch ? "latest" : "first",
                 candidates, epoch ? "epochs" : "matching files");
    else
        cli_note(quiet, "using %s", path);
}

/* Resolve --array-path for a symbol. *params_path is malloc'd or NULL (none).
 * `required`: the element cannot do without arrays. Returns an exit status. */
static int resolve_array_path(const import_args *a, bool required, mxio_element e,
                              char **params_path) {
    *params_path = NULL;
    if (a->array_path && strcmp(a->array_path, "none") == 0) {
        if (required)
            return cli_fail_msg(MXIO_E_MISUSE, "%s: element %s needs a params file, but "
                                               "--array-path is none", a->path, mxio_element_name(e));
        return 0;
    }
    if (a->array_path) {
        struct stat st;
        if (stat(a->array_path, &st) != 0 || !S_ISREG(st.st_mode))
            return cli_fail_msg(MXIO_E_NOT_FOUND, "%s: the params file given by --array-path does "
                                                  "not exist", a->array_path);
        *params_path = strdup(a->array_path);
        if (!*params_path) return cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        return 0;
    }
    mxio_error err;
    int candidates = 0;
    mxio_status st = mxio_find_params(a->path, params_path, &candidates, &err);
    if (st == MXIO_OK) {
        note_params_choice(a->quiet, *params_path, candidates);
        return 0;
    }
    if (st == MXIO_E_NOT_FOUND && !required) {
        cli_note(a->quiet, "no params file found for %s; roles come from the graph alone", a->path);
        return 0;
    }
    if (st == MXIO_E_NOT_FOUND)
        return cli_fail_msg(MXIO_E_NOT_FOUND, "%s (element %s needs one; give it with --array-path)",
                            err.message, mxio_element_name(e));
    return cli_fail(&err);
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

int cli_import(int argc, char **argv) {
    import_args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;

    /* Element */
    input_kind kind = input_kind_of(a.path);
    mxio_element e = kind == INPUT_SYMBOL ? MXIO_ELEMENT_NODE_DATASET : MXIO_ELEMENT_ARRAY_ASSOCIATION;
    if (a.element_name && mxio_element_from_name(a.element_name, &e) != 0)
        return usage("unknown element '%s' (elements: InputNames, NodeDataset, NodeGraph, "
                     "ArrayAssociation, ArrayList, ArrayNames)",
                     a.element_name);
    if (kind != INPUT_SYMBOL && !is_array_element(e))
        return usage("element %s needs a .json symbol file; a params file has ArrayAssociation, "
                     "ArrayList and ArrayNames",
                     mxio_element_name(e));
    if (is_later_element(e))
        return cli_fail_msg(MXIO_E_UNSUPPORTED, "element %s is not available yet in mxio %s",
                            mxio_element_name(e), mxio_version());

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
    if (f == OUT_NONE) f = OUT_TABLE;
    if (from_ext != OUT_NONE && from_ext != f)
        return usage("--format disagrees with the extension of '%s'", a.out);
    if (!element_has_format(e, f)) {
        char msg[128];
        snprintf(msg, sizeof msg, "element %s cannot be written as %s", mxio_element_name(e),
                 format_name(f));
        return usage("%s", msg);
    }
    if ((f == OUT_NPZ || f == OUT_NPY) && !a.out)
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
        /* Only InputNames, NodeGraph (roles) and the array elements use the params. */
        bool wants = e != MXIO_ELEMENT_NODE_DATASET;
        if (wants || a.array_path) {
            rc = resolve_array_path(&a, is_array_element(e), e, &params_path);
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
