/* plot_tool - draw a symbol with mxio_symbol_plot (test driver for tests/plot).
 *
 *   plot_tool SYMBOL.json OUT [--format svg|png|dot] [--show-weights] [--force]
 *             [--title TEXT] [--shapes FILE] [--input NAME=D0,D1,...]... [--time]
 *
 * The format defaults to OUT's extension. --shapes reads edge shapes for the
 * callback, one entry per line: "NODE INDEX D0 D1 ..." (no dims: a scalar);
 * --input gives an input shape for mxio's own inference instead. --time prints
 * the wall and CPU seconds the plot took to stderr. Exit status: the
 * mxio_status of the failing call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mxio.h"

typedef struct shape_entry {
    size_t node;
    uint32_t index;
    int ndim;
    int64_t dims[32];
} shape_entry;

typedef struct shape_table {
    shape_entry *v;
    size_t n;
} shape_table;

static int lookup_shape(void *ctx, size_t node, uint32_t index, int64_t *dims, int cap) {
    const shape_table *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].node == node && t->v[i].index == index) {
            if (t->v[i].ndim > cap) return -1;
            memcpy(dims, t->v[i].dims, (size_t)t->v[i].ndim * sizeof *dims);
            return t->v[i].ndim;
        }
    return -1;
}

static int read_shapes(const char *path, shape_table *t) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        shape_entry e = {0};
        char *p = line, *end;
        e.node = strtoull(p, &end, 10);
        if (end == p) continue;
        p = end;
        e.index = (uint32_t)strtoul(p, &end, 10);
        p = end;
        for (;;) {
            long long d = strtoll(p, &end, 10);
            if (end == p || e.ndim == 32) break;
            e.dims[e.ndim++] = d;
            p = end;
        }
        shape_entry *grown = realloc(t->v, (t->n + 1) * sizeof *t->v);
        if (!grown) {
            fclose(f);
            return -1;
        }
        t->v = grown;
        t->v[t->n++] = e;
    }
    fclose(f);
    return 0;
}

/* Graphviz 2.42 (its HTML-label parser, ~10 KB a call) and the pango, fontconfig
 * and glib caches it loads leak; LeakSanitizer in ASan builds is told to ignore
 * leaks allocated inside those libraries only, never in mxio's own frames. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
    return "leak:libgvc.so\nleak:libcgraph.so\nleak:libgvplugin_\nleak:libpango\n"
           "leak:libfontconfig.so\nleak:libglib-2.0.so\nleak:libcairo.so\n";
}

#define MAX_INPUTS 16

/* "data=1,3,224,224" into in (name points into arg, which is modified). */
static int parse_input(char *arg, mxio_plot_input *in, int64_t *dims) {
    char *eq = strchr(arg, '=');
    if (!eq) return -1;
    *eq = '\0';
    in->name = arg;
    in->ndim = 0;
    in->dims = dims;
    for (char *p = eq + 1; *p && in->ndim < 32;) {
        char *end;
        dims[in->ndim++] = strtoll(p, &end, 10);
        if (end == p) return -1;
        p = *end == ',' ? end + 1 : end;
    }
    return 0;
}

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: plot_tool SYMBOL.json OUT [--format F] [--show-weights] [--force] "
                        "[--title T] [--shapes FILE] [--time]\n");
        return 2;
    }
    mxio_plot_options opt = {0};
    shape_table shapes = {0};
    uint32_t flags = 0;
    mxio_plot_input inputs[MAX_INPUTS];
    int64_t input_dims[MAX_INPUTS][32];
    int timed = 0;
    if (mxio_plot_format_from_name(argv[2], &opt.format) != 0) opt.format = MXIO_PLOT_SVG;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--show-weights") == 0) {
            opt.show_weights = 1;
        } else if (strcmp(argv[i], "--force") == 0) {
            flags |= MXIO_WRITE_FORCE;
        } else if (strcmp(argv[i], "--time") == 0) {
            timed = 1;
        } else if (i + 1 < argc && strcmp(argv[i], "--format") == 0) {
            if (mxio_plot_format_from_name(argv[++i], &opt.format) != 0) {
                fprintf(stderr, "plot_tool: unknown format %s\n", argv[i]);
                return 2;
            }
        } else if (i + 1 < argc && strcmp(argv[i], "--title") == 0) {
            opt.title = argv[++i];
        } else if (i + 1 < argc && strcmp(argv[i], "--input") == 0 && opt.ninputs < MAX_INPUTS) {
            if (parse_input(argv[++i], &inputs[opt.ninputs], input_dims[opt.ninputs]) != 0) {
                fprintf(stderr, "plot_tool: bad --input %s\n", argv[i]);
                return 2;
            }
            opt.inputs = inputs;
            opt.ninputs++;
        } else if (i + 1 < argc && strcmp(argv[i], "--shapes") == 0) {
            if (read_shapes(argv[++i], &shapes) != 0) {
                fprintf(stderr, "plot_tool: cannot read %s\n", argv[i]);
                return 2;
            }
            opt.shape = lookup_shape;
            opt.shape_ctx = &shapes;
        } else {
            fprintf(stderr, "plot_tool: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_status st = mxio_symbol_read_file(argv[1], 0, &sym, &err);
    if (st == MXIO_OK) {
        double wall = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
        st = mxio_symbol_plot_file(sym, &opt, argv[2], flags, &err);
        if (timed)
            fprintf(stderr, "plot seconds: %.3f wall, %.3f cpu\n", seconds(CLOCK_MONOTONIC) - wall,
                    seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu);
    }
    if (st != MXIO_OK) fprintf(stderr, "plot_tool: %s\n", err.message);
    mxio_symbol_free(sym);
    free(shapes.v);
    return (int)st;
}
