/* params.c - mxio params pack IN.npz|IN.npy|DIR -o OUT.params [--force]
 *
 * The way back from NumPy: arrays saved with numpy.savez (or `mxio import
 * ... -o x.npz`, which keeps raw names such as arg:conv0_weight) become an MXNet
 * .params file that mx.nd.load and Module.load read. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define PARAMS_USAGE "mxio params pack IN.npz|IN.npy|DIR_OF_NPY -o OUT.params [--force] [-q]"

void cli_params_help(FILE *out) {
    fprintf(out,
            "usage: " PARAMS_USAGE "\n"
            "\n"
            "pack: write the arrays of a NumPy .npz archive, one .npy file, or a directory\n"
            "of .npy files (taken in byte order of their names) as an MXNet .params file.\n"
            "An array's name is its member or file name without .npy, kept as is: use\n"
            "arg:NAME and aux:NAME names for a file that MXNet's load_checkpoint splits.\n"
            "\n"
            "options:\n"
            "  -o, --output OUT   the .params file to write (atomically)\n"
            "  --force            replace OUT if it exists (never the input itself)\n"
            "  -q, --quiet        no summary line on stderr\n"
            "\n"
            "example:\n"
            "  mxio import model-0000.params -o w.npz   # edit w.npz with numpy, then:\n"
            "  mxio params pack w.npz -o model-0001.params\n");
}

static int usage(const char *fmt, const char *what) {
    return cli_usage_error("params", PARAMS_USAGE, fmt, what);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append the one array of the .npy file `path` to `out`, named `name`. */
static int append_npy(mxio_params *out, const char *path, const char *name) {
    mxio_error err;
    mxio_params *one = NULL;
    if (mxio_params_read_npz(path, 0, &one, &err) != MXIO_OK) return cli_fail(&err);
    int rc = 0;
    mxio_array a;
    if (mxio_params_count(one) != 1 || mxio_params_get(one, 0, &a) != MXIO_OK) {
        rc = cli_fail_msg(MXIO_E_FORMAT, "%s: expected one array in a .npy file", path);
    } else {
        a.name = name;
        a.name_len = strlen(name);
        if (mxio_params_append(out, &a, &err) != MXIO_OK) rc = cli_fail(&err);
    }
    mxio_params_free(one);
    return rc;
}

static char *stem_of(const char *file) {
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (cli_ends_with(base, ".npy")) n -= 4;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, base, n);
        s[n] = '\0';
    }
    return s;
}

static int pack_dir(mxio_params *out, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return cli_fail_msg(MXIO_E_IO, "%s: cannot list the directory", dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (!cli_ends_with(ent->d_name, ".npy")) continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **grown = realloc(names, ncap * sizeof *names);
            if (!grown) {
                rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
                break;
            }
            names = grown;
            cap = ncap;
        }
        names[n] = strdup(ent->d_name);
        if (!names[n]) {
            rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    closedir(d);
    if (!rc && n == 0) rc = cli_fail_msg(MXIO_E_NOT_FOUND, "%s: no .npy files in the directory", dir);
    if (!rc) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        char *stem = stem_of(names[i]);
        if (!path || !stem) {
            rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        } else {
            snprintf(path, len, "%s/%s", dir, names[i]);
            rc = append_npy(out, path, stem);
        }
        free(path);
        free(stem);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

static int pack(int argc, char **argv) {
    const char *in = NULL, *out = NULL;
    bool force = false, quiet = false;
    for (int i = 1; i < argc;) {
        const char *v = NULL;
        if (strcmp(argv[i], "--force") == 0) {
            force = true;
            i++;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
            i++;
        } else if (cli_option(argc, argv, &i, "-o", &v) || cli_option(argc, argv, &i, "--output", &v)) {
            if (!v) return usage("option %s needs a file name", "-o");
            out = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage("unknown option '%s'", argv[i]);
        } else if (!in) {
            in = argv[i++];
        } else {
            return usage("unexpected argument '%s'", argv[i]);
        }
    }
    if (!in) return usage("%s", "missing the input (.npz, .npy or a directory)");
    if (!out) return usage("%s", "missing -o OUT.params");
    if (cli_same_file(in, out))
        return cli_fail_msg(MXIO_E_EXISTS, "%s: refusing to write over the input file", out);

    struct stat st;
    if (stat(in, &st) != 0) return cli_fail_msg(MXIO_E_NOT_FOUND, "%s: no such file or directory", in);
    mxio_error err;
    mxio_params *p = NULL;
    int rc = 0;
    if (S_ISDIR(st.st_mode)) {
        p = mxio_params_new();
        if (!p) return cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        rc = pack_dir(p, in);
    } else if (cli_ends_with(in, ".npy")) {
        p = mxio_params_new();
        char *stem = stem_of(in);
        if (!p || !stem)
            rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        else
            rc = append_npy(p, in, stem);
        free(stem);
    } else if (mxio_params_read_npz(in, 0, &p, &err) != MXIO_OK) {
        rc = cli_fail(&err);
    }
    if (!rc && mxio_params_write_file(p, out, force ? MXIO_WRITE_FORCE : 0, &err) != MXIO_OK)
        rc = cli_fail(&err);
    if (!rc) cli_note(quiet, "wrote %zu arrays to %s", mxio_params_count(p), out);
    mxio_params_free(p);
    return rc;
}

int cli_params(int argc, char **argv) {
    if (argc < 2) return usage("%s", "missing a subcommand (pack)");
    if (strcmp(argv[1], "pack") == 0) return pack(argc - 1, argv + 1);
    return usage("unknown subcommand '%s' (pack)", argv[1]);
}
