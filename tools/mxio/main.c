/* main.c - the mxio command: a table of verbs, each in its own file.
 *
 * Exit status: 0 success; 2 command-line misuse; otherwise the mxio_status of
 * the failure (MXIO_STATUS_LIST in mxio.h), so scripts can tell "not found"
 * from "corrupt" without parsing messages. */
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"

static void help_help(FILE *out);
static int run_help(int argc, char **argv);

static const cli_verb verbs[] = {
    {"import", "show or convert an element of a .json symbol or .params file", cli_import,
     cli_import_help},
    {"params", "work on .params files (pack: .npz or .npy files -> .params)", cli_params,
     cli_params_help},
    {"run", "run a model on the CPU: inputs from .npy/.npz, outputs to .npz/.npy", cli_run, cli_run_help},
    {"summary", "inputs, outputs, per-layer shapes, parameters and MACs of a model", cli_summary, cli_summary_help},
    {"export", "write a Net (an MXNet model or the Net JSON form) as MXNet 1.9.1 files", cli_export, cli_export_help},
    {"upgrade", "rewrite a legacy MXNet model (JSON and params) as a 1.9.1 one", cli_upgrade, cli_upgrade_help},
    {"help", "show help for a command", run_help, help_help},
};
#define N_VERBS (sizeof verbs / sizeof verbs[0])

static const cli_verb *find_verb(const char *name) {
    for (size_t i = 0; i < N_VERBS; i++)
        if (strcmp(verbs[i].name, name) == 0) return &verbs[i];
    return NULL;
}

static void usage_short(FILE *out) { fprintf(out, "usage: mxio [--help] [--version] COMMAND [ARGS]\n"); }

static void help_full(FILE *out) {
    usage_short(out);
    fprintf(out,
            "\nRead, inspect and convert Apache MXNet models (prefix-symbol.json +\n"
            "prefix-NNNN.params) without MXNet.\n\ncommands:\n");
    for (size_t i = 0; i < N_VERBS; i++) fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(out,
            "\nRun 'mxio COMMAND --help' for a command's options.\n"
            "\nexit status: 0 ok, 2 misuse of the command line, otherwise the library status:\n");
#define CLI_X_STATUS(name, value, desc) \
    if (value != 0) fprintf(out, "  %2d %s\n", value, desc);
    MXIO_STATUS_LIST(CLI_X_STATUS)
#undef CLI_X_STATUS
}

static void help_help(FILE *out) { fprintf(out, "usage: mxio help [COMMAND]\n"); }

static int run_help(int argc, char **argv) {
    if (argc < 2) {
        help_full(stdout);
        return 0;
    }
    const cli_verb *v = find_verb(argv[1]);
    if (!v) return cli_usage_error("help", "mxio help [COMMAND]", "unknown command '%s'", argv[1]);
    v->help(stdout);
    return 0;
}

int cli_usage_error(const char *verb, const char *usage, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mxio%s%s: ", verb ? " " : "", verb ? verb : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (usage) fprintf(stderr, "usage: %s\n", usage);
    if (verb)
        fprintf(stderr, "try 'mxio %s --help'\n", verb);
    else
        fprintf(stderr, "try 'mxio --help'\n");
    return CLI_EXIT_USAGE;
}

int cli_fail(const mxio_error *err) {
    fprintf(stderr, "mxio: %s\n", err->message[0] ? err->message : mxio_status_str(err->code));
    int code = (int)err->code;
    /* 0 would claim success and 2 means misuse: neither may describe a failure */
    return code == 0 || code == CLI_EXIT_USAGE ? 1 : code;
}

int cli_fail_msg(mxio_status code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("mxio: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return (int)code;
}

void cli_note(bool quiet, const char *fmt, ...) {
    if (quiet) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("mxio: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

bool cli_option(int argc, char **argv, int *i, const char *name, const char **value) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return false;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        (*i)++;
        return true;
    }
    if (arg[n] != '\0') return false;
    *value = *i + 1 < argc ? argv[*i + 1] : NULL;
    *i += *value ? 2 : 1;
    return true;
}

bool cli_ends_with(const char *path, const char *suffix) {
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

bool cli_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage_short(stderr);
        fprintf(stderr, "try 'mxio --help'\n");
        return CLI_EXIT_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0) {
        help_full(stdout);
        return 0;
    }
    if (strcmp(first, "--version") == 0) {
        printf("mxio %s\nreads MXNet symbol JSON (0.8 'param', 0.9-0.12 'attr', 1.x 'attrs') and\n"
               ".params NDArray lists (legacy, V1, V2, V3 records); writes MXNet %d.%d.%d files\n",
               mxio_version(), MXIO_MXNET_VERSION / 10000, MXIO_MXNET_VERSION / 100 % 100,
               MXIO_MXNET_VERSION % 100);
        return 0;
    }
    if (first[0] == '-') return cli_usage_error(NULL, NULL, "unknown option '%s'", first);
    const cli_verb *v = find_verb(first);
    if (!v) return cli_usage_error(NULL, NULL, "unknown command '%s'", first);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            v->help(stdout);
            return 0;
        }
    }
    return v->run(argc - 1, argv + 1);
}
