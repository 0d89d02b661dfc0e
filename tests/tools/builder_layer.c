/* builder_layer - one built layer on a (2,3,4,4) input "data", exported:
 *
 *   builder_layer OUT-symbol.json TYPE [OPTION JSON]... [--twice] [--array SLOT D0,D1,...]...
 *
 * --twice connects the input twice (binary layers); --array attaches float32 values
 * 0.5 + 0.1 * (i % 7 - 3) to a slot (exported with the params). For tests/export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    mxio_error err;
    mxio_net_builder *b = mxio_net_builder_new();
    int arrays = 0;
    static const int64_t shape[] = {2, 3, 4, 4};
    int bad = mxio_net_builder_input(b, "data", 4, shape, &err) ||
              mxio_net_builder_layer(b, "layer", argv[2], &err);
    for (int i = 3; !bad && i < argc; i++) {
        if (strcmp(argv[i], "--twice") == 0) {
            bad = mxio_net_builder_connect(b, "data", "layer", &err) ||
                  mxio_net_builder_connect(b, "data", "layer", &err);
            continue;
        }
        if (strcmp(argv[i], "--array") == 0 && i + 2 < argc) {
            int64_t shape[8];
            int nd = 0;
            for (char *p = argv[i + 2]; *p && nd < 8;) {
                shape[nd++] = strtoll(p, &p, 10);
                if (*p == ',') p++;
            }
            int64_t n = 1;
            for (int k = 0; k < nd; k++) n *= shape[k];
            float *v = malloc((size_t)n * sizeof *v);
            if (!v) return 3;
            for (int64_t k = 0; k < n; k++) v[k] = 0.5f + 0.1f * (float)(k % 7 - 3);
            bad = mxio_net_builder_array(b, "layer", argv[i + 1], NULL, MXIO_DTYPE_FLOAT32, nd, shape,
                                         v, &err) != MXIO_OK;
            free(v);
            arrays = 1;
            i += 2;
            continue;
        }
        if (i + 1 >= argc) return 2;
        bad = mxio_net_builder_option(b, "layer", argv[i], argv[i + 1], &err);
        i++;
    }
    mxio_net *net = NULL;
    mxio_params *p = NULL;
    if (!bad) bad = mxio_net_builder_finish(b, &net, &p, &err) != MXIO_OK;
    if (!bad)
        bad = mxio_net_export(net, p, argv[1], NULL,
                              MXIO_WRITE_FORCE | (arrays ? 0 : MXIO_EXPORT_NO_ARRAYS), &err) != MXIO_OK;
    mxio_params_free(p);
    if (bad) fprintf(stderr, "builder_layer: %s\n", err.message);
    mxio_net_free(net);
    mxio_net_builder_free(b);
    return bad;
}
