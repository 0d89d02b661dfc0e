/* run.c - mxio run MODEL-symbol.json --input NAME=FILE [--shape NAME=DIMS] [--output NAME]
 *                  [-o OUT.npz|OUT.npy] [--array-path P] [--threads N] [--repeat N] [--stats]
 *
 * Loads the symbol and its params, compiles a runner for the input shapes, runs
 * it and writes the outputs. Public API only. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define RUN_USAGE                                                                          \
    "mxio run MODEL-symbol.json --input NAME=FILE.npy|FILE.npz [--input ...]\n"            \
    "                [--shape NAME=D0,D1,...] [--output NAME] [-o OUT.npz|OUT.npy]\n"      \
    "                [--array-path P] [--threads N] [--repeat N] [--stats] [--force] [-q]"
#define MAX_ITEMS 64

void cli_run_help(FILE *out) {
    fprintf(out,
            "usage: " RUN_USAGE "\n\n"
            "Run an MXNet model on the CPU (fp32) and write its outputs.\n\n"
            "  --input NAME=FILE   input NAME from a .npy file, or from the member NAME (or the\n"
            "                      only member) of a .npz; --input FILE.npz takes every member\n"
            "                      whose name is a net input. Any dtype (converted to fp32).\n"
            "  --shape NAME=DIMS   compile for this shape (default: the input file's shape, else\n"
            "                      the variable's __shape__); inputs without a file are zeros\n"
            "  --output NAME       run up to this internal output (e.g. fc1_output)\n"
            "  -o OUT              write the outputs: .npz (every output by name) or .npy (one)\n"
            "                      (default: print name, shape and the first values)\n"
            "  --array-path P      the params file (default: the latest PREFIX-NNNN.params);\n"
            "                      'none' checks which ops can run without any arrays\n"
            "  --threads N         threads per run (default 1)\n"
            "  --repeat N          run N times (timing; outputs of the last run)\n"
            "  --stats             print load time, run time and planned activation memory\n"
            "  --force             replace an existing OUT\n"
            "  -q                  no notes on stderr\n\n"
            "Exit status: 0 ok, 2 usage, else the mxio status (13: an op has no kernel; the\n"
            "message names every unsupported op with its count and first nodes).\n");
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

typedef struct input_file {
    const char *name; /* NULL: every matching member of an .npz */
    const char *path;
    mxio_params *p;
} input_file;

static int usage(const char *fmt, const char *arg) {
    return cli_usage_error("run", RUN_USAGE, fmt, arg);
}

/* The array for input `name` among the input files, or -1. */
static int64_t find_input(input_file *f, int nf, const char *name, int *which) {
    for (int i = 0; i < nf; i++) {
        size_t n = mxio_params_count(f[i].p);
        if (f[i].name) {
            if (strcmp(f[i].name, name) != 0) continue;
            int64_t j = mxio_params_find(f[i].p, name);
            if (j < 0 && n == 1) j = 0;
            *which = i;
            return j;
        }
        int64_t j = mxio_params_find(f[i].p, name);
        if (j >= 0) {
            *which = i;
            return j;
        }
    }
    return -1;
}

int cli_run(int argc, char **argv) {
    const char *model = NULL, *output = NULL, *out_path = NULL, *array_path = NULL;
    input_file files[MAX_ITEMS];
    cli_shapes shapes = {0};
    int nfiles = 0, threads = 1, repeat = 1;
    bool stats = false, force = false, quiet = false;
    int rc = 0;
    memset(files, 0, sizeof files);
    for (int i = 1; i < argc;) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_run_help(stdout);
            return 0;
        } else if (cli_option(argc, argv, &i, "--input", &v)) {
            if (!v) return usage("option %s needs NAME=FILE or FILE.npz", "--input");
            if (nfiles >= MAX_ITEMS) return usage("too many %s options", "--input");
            const char *eq = strchr(v, '=');
            files[nfiles].path = eq ? eq + 1 : v;
            if (eq) {
                char *nm = malloc((size_t)(eq - v) + 1);
                if (!nm) return cli_fail_msg(MXIO_E_NOMEM, "out of memory");
                memcpy(nm, v, (size_t)(eq - v));
                nm[eq - v] = 0;
                files[nfiles].name = nm;
            }
            nfiles++;
        } else if (cli_option(argc, argv, &i, "--shape", &v)) {
            int src = cli_shape_option(&shapes, v, "run", RUN_USAGE);
            if (src) {
                cli_shapes_free(&shapes);
                return src;
            }
        } else if (cli_option(argc, argv, &i, "--output", &v)) {
            if (!v) return usage("option %s needs an output name", "--output");
            output = v;
        } else if (cli_option(argc, argv, &i, "-o", &v)) {
            if (!v) return usage("option %s needs a path", "-o");
            out_path = v;
        } else if (cli_option(argc, argv, &i, "--array-path", &v)) {
            if (!v) return usage("option %s needs a path", "--array-path");
            array_path = v;
        } else if (cli_option(argc, argv, &i, "--threads", &v)) {
            if (!v || (threads = atoi(v)) < 1 || threads > 256)
                return usage("option --threads needs a count 1..256 (got '%s')", v ? v : "");
        } else if (cli_option(argc, argv, &i, "--repeat", &v)) {
            if (!v || (repeat = atoi(v)) < 1)
                return usage("option --repeat needs a positive count (got '%s')", v ? v : "");
        } else if (strcmp(argv[i], "--stats") == 0) {
            stats = true;
            i++;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
            i++;
        } else if (strcmp(argv[i], "-q") == 0) {
            quiet = true;
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage("unknown option '%s'", argv[i]);
        } else {
            if (model) return usage("unexpected argument '%s'", argv[i]);
            model = argv[i++];
        }
    }
    if (!model) return usage("%s", "a MODEL-symbol.json is needed");
    if (out_path && !cli_ends_with(out_path, ".npz") && !cli_ends_with(out_path, ".npy"))
        return usage("-o must name a .npz or .npy file (got '%s')", out_path);

    mxio_error err;
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    mxio_net *net = NULL;
    mxio_runner *runner = NULL;
    mxio_run_context *ctx = NULL;
    char *found = NULL;
    double *times = NULL;
    mxio_plot_input ishapes[MAX_ITEMS];
    int nis = 0;
    double t0 = now_ms();
    if (mxio_symbol_read_file(model, 0, &sym, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    /* The arrays are required unless --array-path none says to run without them
     * (the runner then reports what it cannot run, then the missing arrays). */
    rc = cli_find_symbol_params(model, array_path, !array_path, quiet, &found, NULL, 0);
    if (rc) goto done;
    if (!found) {
        /* --array-path none */
    } else if (mxio_params_read_file(found, 0, &params, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    mxio_net_options nopts = {.output = output, .flags = 0};
    if (mxio_net_from_symbol(sym, params, &nopts, &net, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    for (int i = 0; i < nfiles; i++) {
        if (mxio_params_read_npz(files[i].path, 0, &files[i].p, &err)) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    /* shapes: --shape first, then the input files */
    for (size_t i = 0; i < mxio_net_input_count(net); i++) {
        const char *name = mxio_net_input_name(net, i);
        bool given = false;
        for (int s = 0; s < shapes.n; s++)
            if (strcmp(shapes.in[s].name, name) == 0) {
                ishapes[nis++] = (mxio_plot_input){name, shapes.in[s].ndim, shapes.in[s].dims};
                given = true;
            }
        int w;
        int64_t j = given ? -1 : find_input(files, nfiles, name, &w);
        if (j >= 0 && nis < MAX_ITEMS) {
            mxio_array a;
            mxio_params_get(files[w].p, (size_t)j, &a);
            ishapes[nis++] = (mxio_plot_input){name, a.ndim, a.shape};
        }
    }
    for (int i = 0; i < nfiles; i++) {
        if (!files[i].name) continue;
        bool known = false;
        for (size_t q = 0; q < mxio_net_input_count(net); q++)
            known |= strcmp(files[i].name, mxio_net_input_name(net, q)) == 0;
        if (!known) {
            rc = cli_fail_msg(MXIO_E_NOT_FOUND, "%s: the net has no input named '%s'", model,
                              files[i].name);
            goto done;
        }
    }
    mxio_runner_options ropts = {.threads = threads};
    if (mxio_runner_create(net, params, ishapes, (size_t)nis, &ropts, &runner, &err) ||
        mxio_run_context_create(runner, &ctx, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    double t_load = now_ms() - t0;
    /* the runner holds what it needs: drop the mapped params file and the graph */
    mxio_net_free(net);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    net = NULL;
    params = NULL;
    sym = NULL;
    for (size_t i = 0; i < mxio_runner_input_count(runner); i++) {
        const char *name = mxio_runner_input_name(runner, i);
        int w;
        int64_t j = find_input(files, nfiles, name, &w);
        if (j < 0) {
            cli_note(quiet, "input '%s' not given: zeros", name);
            continue;
        }
        mxio_array a;
        mxio_params_get(files[w].p, (size_t)j, &a);
        int64_t n = mxio_array_numel(&a);
        if (a.storage != MXIO_STORAGE_DENSE || n < 0 ||
            mxio_run_set_input(ctx, name, a.dtype, a.data, (size_t)n, &err)) {
            rc = a.storage != MXIO_STORAGE_DENSE
                     ? cli_fail_msg(MXIO_E_UNSUPPORTED, "input '%s' is sparse", name)
                     : cli_fail(&err);
            goto done;
        }
    }
    double best = 0, total = 0;
    times = malloc((size_t)repeat * sizeof *times);
    if (!times) {
        rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
        goto done;
    }
    for (int r = 0; r < repeat; r++) {
        double s = now_ms();
        if (mxio_run(ctx, &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        double d = now_ms() - s;
        times[r] = d;
        total += d;
        if (r == 0 || d < best) best = d;
    }
    qsort(times, (size_t)repeat, sizeof *times, cmp_double);
    size_t nout = mxio_runner_output_count(runner);
    if (out_path) {
        if (cli_ends_with(out_path, ".npy")) {
            if (nout != 1) {
                rc = cli_fail_msg(MXIO_E_MISUSE, "the net has %zu outputs; write them to a .npz", nout);
                goto done;
            }
            mxio_run_output o;
            mxio_run_get_output(ctx, 0, &o);
            mxio_array a = {.name = o.name, .name_len = strlen(o.name), .dtype = o.dtype,
                            .ndim = o.ndim, .shape = o.shape, .data = o.data, .nbytes = o.nbytes,
                            .record = MXIO_RECORD_V2};
            if (mxio_array_write_npy(&a, out_path, force ? MXIO_WRITE_FORCE : 0, &err)) {
                rc = cli_fail(&err);
                goto done;
            }
        } else {
            mxio_params *op = mxio_params_new();
            if (!op) {
                rc = cli_fail_msg(MXIO_E_NOMEM, "out of memory");
                goto done;
            }
            for (size_t i = 0; i < nout && !rc; i++) {
                mxio_run_output o;
                mxio_run_get_output(ctx, i, &o);
                mxio_array a = {.name = o.name, .name_len = strlen(o.name), .dtype = o.dtype,
                                .ndim = o.ndim, .shape = o.shape, .data = o.data,
                                .nbytes = o.nbytes, .record = MXIO_RECORD_V2};
                if (mxio_params_append(op, &a, &err)) rc = cli_fail(&err);
            }
            if (!rc && mxio_params_write_npz(op, out_path, force ? MXIO_WRITE_FORCE : 0, &err))
                rc = cli_fail(&err);
            mxio_params_free(op);
            if (rc) goto done;
        }
    } else {
        for (size_t i = 0; i < nout; i++) {
            mxio_run_output o;
            mxio_run_get_output(ctx, i, &o);
            printf("%s %s (", o.name, mxio_dtype_name(o.dtype));
            for (int d = 0; d < o.ndim; d++) printf("%s%lld", d ? "," : "", (long long)o.shape[d]);
            printf(")");
            if (o.dtype == MXIO_DTYPE_FLOAT32) {
                size_t n = o.nbytes / 4;
                for (size_t q = 0; q < n && q < 8; q++) printf(" %.6g", (double)((const float *)o.data)[q]);
                if (n > 8) printf(" ...");
            }
            printf("\n");
        }
    }
    if (stats) {
        mxio_run_stats s;
        mxio_runner_stats(runner, &s);
        fprintf(stdout,
                "load_ms %.1f\nrun_ms_best %.3f\nrun_ms_median %.3f\nrun_ms_mean %.3f\nruns %d\n"
                "threads %d\n"
                "activation_peak_bytes %zu\nactivation_no_reuse_bytes %zu\nweight_bytes %zu\n"
                "scratch_bytes %zu\nkernels %zu\nreorders %zu\n",
                t_load, best, times[repeat / 2], total / repeat, repeat, threads, s.activation_peak_bytes,
                s.activation_total_bytes, s.weight_bytes, s.scratch_bytes, s.steps, s.reorders);
    }
done:
    free(times);
    mxio_run_context_free(ctx);
    mxio_runner_free(runner);
    mxio_net_free(net);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    mxio_free(found);
    for (int i = 0; i < nfiles; i++) {
        mxio_params_free(files[i].p);
        free((char *)files[i].name);
    }
    cli_shapes_free(&shapes);
    return rc;
}
