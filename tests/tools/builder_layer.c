/* builder_layer - one built layer on a (2,3,4,4) input "data", exported:
 *
 *   builder_layer OUT-symbol.json TYPE [OPTION JSON]... [--twice]
 *
 * --twice connects the input twice (binary layers). For tests/export. */
#include <stdio.h>
#include <string.h>

#include "mxio.h"

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    mxio_error err;
    mxio_net_builder *b = mxio_net_builder_new();
    static const int64_t shape[] = {2, 3, 4, 4};
    int bad = mxio_net_builder_input(b, "data", 4, shape, &err) ||
              mxio_net_builder_layer(b, "layer", argv[2], &err);
    for (int i = 3; !bad && i < argc; i++) {
        if (strcmp(argv[i], "--twice") == 0) {
            bad = mxio_net_builder_connect(b, "data", "layer", &err) ||
                  mxio_net_builder_connect(b, "data", "layer", &err);
            continue;
        }
        if (i + 1 >= argc) return 2;
        bad = mxio_net_builder_option(b, "layer", argv[i], argv[i + 1], &err);
        i++;
    }
    mxio_net *net = NULL;
    if (!bad) bad = mxio_net_builder_finish(b, &net, NULL, &err) != MXIO_OK;
    if (!bad)
        bad = mxio_net_export(net, NULL, argv[1], NULL, MXIO_WRITE_FORCE | MXIO_EXPORT_NO_ARRAYS,
                              &err) != MXIO_OK;
    if (bad) fprintf(stderr, "builder_layer: %s\n", err.message);
    mxio_net_free(net);
    mxio_net_builder_free(b);
    return bad;
}
