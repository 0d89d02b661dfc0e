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

int cli_import(int argc, char **argv);
void cli_import_help(FILE *out);
int cli_params(int argc, char **argv);
void cli_params_help(FILE *out);
int cli_run(int argc, char **argv);
void cli_run_help(FILE *out);
int cli_summary(int argc, char **argv);
void cli_summary_help(FILE *out);

#endif
