/* upgrade.c - mxio upgrade OLD-symbol.json -o NEW-symbol.json [--array-path P]
 *             [--params P] [--no-save-arrays] [--force] [-q]
 *
 * A legacy model (0.8 `param` / 0.9-0.12 `attr` JSON, legacy or V1 params
 * records, keys without arg:/aux:) rewritten as MXNet 1.9.1 writes it: the graph
 * as MXNet holds it after its own upgrade (mxnet_version 10901, `attrs`), every
 * record V2, every key arg:/aux: by the variable's role. MXNet then loads the
 * result without taking any upgrade path. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define UPGRADE_USAGE                                                                     \
    "mxio upgrade OLD-symbol.json -o NEW-symbol.json [--array-path P] [--params P]\n"     \
    "                    [--no-save-arrays] [--force] [-q]"

void cli_upgrade_help(FILE *out) {
    fprintf(out,
            "usage: " UPGRADE_USAGE "\n"
            "\n"
            "Rewrite a legacy MXNet model as a 1.9.1 one: the JSON in 1.9.1's layout with\n"
            "MXNet's legacy upgrades applied, the params as V2 records with arg:/aux: keys.\n"
            "\n"
            "options:\n"
            "  -o, --out NEW        the symbol JSON to write\n"
            "  --array-path P       where the params go (default: NEW prefix-symbol.json ->\n"
            "                       prefix-0000.params; name.json -> name.params)\n"
            "  --params P           the old params file (default: found beside OLD)\n"
            "  --no-save-arrays     upgrade the JSON alone\n"
            "  --force              replace existing output files\n"
            "  -q, --quiet          no notes on stderr\n");
}

static int usage(const char *fmt, const char *what) {
    return cli_usage_error("upgrade", UPGRADE_USAGE, fmt, what);
}

/* Role of the variable named `name`, -1 if the graph has none. */
static int var_role(const mxio_symbol *s, const char *name) {
    for (size_t i = 0; i < mxio_symbol_node_count(s); i++)
        if (strcmp(mxio_symbol_node_op(s, i), "null") == 0 &&
            strcmp(mxio_symbol_node_name(s, i), name) == 0)
            return (int)mxio_symbol_node_role(s, i);
    return -1;
}

static mxio_status rekey(const mxio_symbol *s, const mxio_params *in, mxio_params **out,
                         mxio_error *err) {
    *out = mxio_params_new();
    if (!*out) return MXIO_E_NOMEM;
    mxio_status st = MXIO_OK;
    for (size_t i = 0; i < mxio_params_count(in) && !st; i++) {
        mxio_array a;
        if ((st = mxio_params_get(in, i, &a))) break;
        if (!a.name) {
            st = cli_fail_msg(MXIO_E_FORMAT, "array %zu has no name: not a model's params file", i);
            break;
        }
        const char *shortname = mxio_array_short_name(&a);
        int role = var_role(s, shortname);
        bool prefixed = shortname != a.name;
        char *key = malloc(strlen(shortname) + 5);
        if (!key) return MXIO_E_NOMEM;
        if (prefixed || role < 0)
            strcpy(key, a.name);
        else
            sprintf(key, "%s:%s", role == MXIO_ROLE_AUX ? "aux" : "arg", shortname);
        a.name = key;
        a.name_len = strlen(key);
        if (a.record == MXIO_RECORD_LEGACY || a.record == MXIO_RECORD_V1) a.record = MXIO_RECORD_V2;
        st = mxio_params_append(*out, &a, err);
        free(key);
    }
    return st;
}

int cli_upgrade(int argc, char **argv) {
    const char *src = NULL, *out = NULL, *array_path = NULL, *params_in = NULL;
    bool force = false, quiet = false, no_arrays = false;
    for (int i = 1; i < argc;) {
        const char *arg = argv[i], *v = NULL;
        if (arg[0] == '-' && arg[1]) {
            if (strcmp(arg, "--force") == 0) {
                force = true;
                i++;
            } else if (strcmp(arg, "--no-save-arrays") == 0) {
                no_arrays = true;
                i++;
            } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
                quiet = true;
                i++;
            } else if (cli_option(argc, argv, &i, "-o", &v) || cli_option(argc, argv, &i, "--out", &v)) {
                if (!v) return usage("option %s needs a file name", arg);
                out = v;
            } else if (cli_option(argc, argv, &i, "--array-path", &v)) {
                if (!v) return usage("option %s needs a path", arg);
                array_path = v;
            } else if (cli_option(argc, argv, &i, "--params", &v)) {
                if (!v) return usage("option %s needs a path", arg);
                params_in = v;
            } else {
                return usage("unknown option '%s'", arg);
            }
            continue;
        }
        if (src) return usage("unexpected argument '%s'", arg);
        src = arg;
        i++;
    }
    if (!src) return usage("%s", "missing OLD-symbol.json");
    if (!out) return usage("%s", "missing -o NEW-symbol.json");
    if (cli_same_file(out, src))
        return cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the input file", out);

    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_params *old = NULL, *fresh = NULL;
    char *found = NULL, *auto_path = NULL, *text = NULL;
    size_t len = 0;
    int rc = 0;
    if (mxio_symbol_read_file(src, 0, &sym, &err) != MXIO_OK) return cli_fail(&err);
    if (!no_arrays) {
        if (!params_in) {
            int candidates = 0;
            if (mxio_find_params(src, &found, &candidates, &err) != MXIO_OK) {
                rc = cli_fail(&err);
                goto done;
            }
            params_in = found;
            cli_note(quiet, "arrays from %s", params_in);
        }
        if (!array_path) array_path = auto_path = mxio_export_array_path(out);
        if (!array_path) {
            rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
            goto done;
        }
        if (cli_same_file(array_path, params_in)) {
            rc = cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the params file being "
                                             "read", array_path);
            goto done;
        }
        if (mxio_params_read_file(params_in, 0, &old, &err) != MXIO_OK ||
            rekey(sym, old, &fresh, &err) != MXIO_OK) {
            rc = err.code ? cli_fail(&err) : (rc ? rc : 1);
            goto done;
        }
        if (!force && access(array_path, F_OK) == 0) {
            rc = cli_fail_msg(MXIO_E_EXISTS, "%s exists (replace it with --force)", array_path);
            goto done;
        }
    }
    uint32_t flags = force ? MXIO_WRITE_FORCE : 0;
    if (mxio_symbol_write_buffer(sym, &text, &len, &err) != MXIO_OK ||
        mxio_write_text_file(out, text, len, flags, &err) != MXIO_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (fresh && mxio_params_write_file(fresh, array_path, flags | MXIO_WRITE_V2, &err) != MXIO_OK) {
        unlink(out); /* what this upgrade wrote */
        rc = cli_fail(&err);
        goto done;
    }
    cli_note(quiet, "wrote %s%s%s", out, fresh ? " and " : "", fresh ? array_path : "");

done:
    mxio_free(text);
    free(found);
    free(auto_path);
    mxio_params_free(old);
    mxio_params_free(fresh);
    mxio_symbol_free(sym);
    return rc;
}
