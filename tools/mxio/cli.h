/* cli.h - what the verbs of the mxio command share. The command uses only the
 * public API (mxio.h): it is the library's first user, not a second implementation. */
#ifndef MXIO_CLI_H
#define MXIO_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "mxio.h"

/* Exit status for command-line misuse; every other non-zero status is an mxio_status. */
#define CLI_EXIT_USAGE 2

typedef struct cli_verb {
    const char *name;
    const char *summary;                /* one line for `mxio --help` */
    int (*run)(int argc, char **argv);  /* argv[0] is the verb */
    void (*help)(FILE *out);            /* full help for `mxio VERB --help` */
} cli_verb;

/* "mxio VERB: message", the verb's usage line and "try 'mxio VERB --help'" on
 * stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *verb, const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "mxio: message" from a failed call; returns the status as exit code. */
int cli_fail(const mxio_error *err);
/* A runtime failure the command itself detects; returns `code`. */
int cli_fail_msg(mxio_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "mxio: note" on stderr unless quiet. */
void cli_note(bool quiet, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Is `arg` the option `name`, as "--name VALUE" or "--name=VALUE"? On a match
 * *value is set (NULL if VALUE is missing) and *i advanced past what was used. */
bool cli_option(int argc, char **argv, int *i, const char *name, const char **value);
/* Case-insensitive "does path end with suffix". */
bool cli_ends_with(const char *path, const char *suffix);
/* Do two paths name the same existing file? */
bool cli_same_file(const char *a, const char *b);

/* Input shapes given as repeated --shape NAME=D1,D2,... options. */
#define CLI_MAX_SHAPES 64
#define CLI_MAX_SHAPE_DIMS 32
typedef struct cli_shapes {
    int n;
    mxio_plot_input in[CLI_MAX_SHAPES]; /* what the API takes */
    char *names[CLI_MAX_SHAPES];
    int64_t dims[CLI_MAX_SHAPES][CLI_MAX_SHAPE_DIMS];
} cli_shapes;
/* Parse one "NAME=D1,D2,..." into s: 0, -1 if malformed, -2 if too many. */
int cli_shapes_add(cli_shapes *s, const char *text);
/* The --shape option of `verb`: 0, or the usage exit status after saying why. */
int cli_shape_option(cli_shapes *s, const char *value, const char *verb, const char *usage);
void cli_shapes_free(cli_shapes *s);

/* The params file of a symbol by the ArrayPath rule: --array-path P, 'none', or
 * Automatic (mxio_find_params, noting on stderr which file was taken). *params_path
 * is malloc'd, or NULL when there is none and none is `required`. `note` (may be
 * NULL) receives how the file was chosen ("latest of 3"). Returns an exit status. */
int cli_find_symbol_params(const char *symbol_path, const char *array_path, bool required,
                           bool quiet, char **params_path, char *note, size_t note_cap);

int cli_import(int argc, char **argv);
void cli_import_help(FILE *out);
int cli_params(int argc, char **argv);
void cli_params_help(FILE *out);
int cli_run(int argc, char **argv);
void cli_run_help(FILE *out);
int cli_summary(int argc, char **argv);
void cli_summary_help(FILE *out);

int cli_export(int argc, char **argv);
void cli_export_help(FILE *out);
int cli_upgrade(int argc, char **argv);
void cli_upgrade_help(FILE *out);

#endif
