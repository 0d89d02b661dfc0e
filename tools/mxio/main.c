/* main.c - the mxio command: a table of verbs, each in its own file. */
#include <stdio.h>
#include <string.h>

#include "mxio.h"

int main(int argc, char **argv) {
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0)) {
        printf("mxio %s (writes MXNet %d files)\n", mxio_version(), MXIO_MXNET_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: mxio COMMAND ...\n");
    return 2;
}
