/* common.c - option helpers that several verbs share: input shapes and the
 * ArrayPath rule for a symbol's params file. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* "data=1,3,224,224" (also "data:1,3,224,224", "data=(1,3,224,224)", "1x3x224x224"). */
int cli_shapes_add(cli_shapes *s, const char *text) {
    if (s->n >= CLI_MAX_SHAPES) return -2;
    char *copy = strdup(text);
    if (!copy) return -1;
    char *eq = strchr(copy, '=');
    if (!eq) eq = strrchr(copy, ':');
    if (!eq || eq == copy) goto bad;
    *eq = '\0';
    int k = s->n, ndim = 0;
    char *p = eq + 1;
    if (*p == '(' || *p == '[') p++;
    while (*p && *p != ')' && *p != ']') {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 1 || ndim >= CLI_MAX_SHAPE_DIMS) goto bad;
        s->dims[k][ndim++] = v;
        p = end;
        while (*p == ' ') p++;
        if (*p == ',' || *p == 'x') p++;
        while (*p == ' ') p++;
    }
    if ((*p == ')' || *p == ']') && p[1] != '\0') goto bad;
    if (ndim == 0) goto bad;
    s->names[k] = copy;
    s->in[k] = (mxio_plot_input){copy, ndim, s->dims[k]};
    s->n++;
    return 0;
bad:
    free(copy);
    return -1;
}

void cli_shapes_free(cli_shapes *s) {
    for (int k = 0; k < s->n; k++) free(s->names[k]);
    s->n = 0;
}

int cli_shape_option(cli_shapes *s, const char *value, const char *verb, const char *usage) {
    if (!value) return cli_usage_error(verb, usage, "option %s needs NAME=D1,D2,...", "--shape");
    int rc = cli_shapes_add(s, value);
    if (rc == -2) return cli_usage_error(verb, usage, "too many %s options", "--shape");
    if (rc != 0)
        return cli_usage_error(verb, usage,
                               "bad --shape '%s' (expected NAME=D1,D2,... with positive dims)", value);
    return 0;
}

int cli_find_symbol_params(const char *symbol_path, const char *array_path, bool required,
                           bool quiet, char **params_path, char *note, size_t note_cap) {
    *params_path = NULL;
    if (note && note_cap) note[0] = '\0';
    if (array_path && strcmp(array_path, "none") == 0) {
        if (required)
            return cli_fail_msg(MXIO_E_MISUSE, "%s: this needs a params file, but --array-path is none",
                                symbol_path);
        return 0;
    }
    if (array_path) {
        struct stat st;
        if (stat(array_path, &st) != 0 || !S_ISREG(st.st_mode))
            return cli_fail_msg(MXIO_E_NOT_FOUND, "%s: the params file given by --array-path does "
                                                  "not exist", array_path);
        *params_path = strdup(array_path);
        if (!*params_path) return cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        if (note) snprintf(note, note_cap, "given by --array-path");
        return 0;
    }
    mxio_error err;
    int candidates = 0;
    mxio_status st = mxio_find_params(symbol_path, params_path, &candidates, &err);
    if (st == MXIO_OK) {
        /* say which file was taken, and why, when there was a choice */
        const char *dash = strrchr(*params_path, '-');
        size_t digits = dash ? strspn(dash + 1, "0123456789") : 0;
        bool epoch = digits >= 4 && strcmp(dash + 1 + digits, ".params") == 0;
        if (candidates > 1) {
            cli_note(quiet, "using %s (%s of %d %s)", *params_path, epoch ? "latest" : "first",
                     candidates, epoch ? "epochs" : "matching files");
            if (note) snprintf(note, note_cap, "%s of %d", epoch ? "latest" : "first", candidates);
        } else {
            cli_note(quiet, "using %s", *params_path);
        }
        return 0;
    }
    if (st == MXIO_E_NOT_FOUND && !required) {
        cli_note(quiet, "no params file found for %s", symbol_path);
        return 0;
    }
    if (st == MXIO_E_NOT_FOUND)
        return cli_fail_msg(MXIO_E_NOT_FOUND, "%s (give one with --array-path)", err.message);
    return cli_fail(&err);
}
