/* symbol_roundtrip - read a symbol with the public API and write it back.
 *
 *   symbol_roundtrip [--no-upgrade] [--force] IN.json OUT.json   read IN, write OUT
 *   symbol_roundtrip [--no-upgrade] --dump IN.json               print what mxio sees as JSON
 *
 * On failure prints "STATUS_NAME: message" to stderr and exits with the status. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

static int dump(const mxio_symbol *s) {
    json_t *root = json_object(), *nodes = json_array(), *heads = json_array();
    json_object_set_new(root, "file_version", json_integer(mxio_symbol_file_version(s)));
    for (size_t i = 0; i < mxio_symbol_node_count(s); i++) {
        json_t *n = json_object(), *attrs = json_object(), *inputs = json_array();
        json_object_set_new(n, "op", json_string(mxio_symbol_node_op(s, i)));
        json_object_set_new(n, "name", json_string(mxio_symbol_node_name(s, i)));
        for (size_t k = 0; k < mxio_symbol_node_attr_count(s, i); k++)
            json_object_set_new(attrs, mxio_symbol_node_attr_key(s, i, k),
                                json_string(mxio_symbol_node_attr_value(s, i, k)));
        for (size_t k = 0; k < mxio_symbol_node_input_count(s, i); k++) {
            uint32_t src, idx, ver;
            mxio_symbol_node_input(s, i, k, &src, &idx, &ver);
            json_array_append_new(inputs, json_pack("[iii]", (int)src, (int)idx, (int)ver));
        }
        json_object_set_new(n, "attrs", attrs);
        json_object_set_new(n, "inputs", inputs);
        json_array_append_new(nodes, n);
    }
    for (size_t h = 0; h < mxio_symbol_head_count(s); h++) {
        uint32_t src, idx, ver;
        mxio_symbol_head(s, h, &src, &idx, &ver);
        json_array_append_new(heads, json_pack("[iii]", (int)src, (int)idx, (int)ver));
    }
    json_object_set_new(root, "nodes", nodes);
    json_object_set_new(root, "heads", heads);
    char *text = json_dumps(root, JSON_COMPACT);
    puts(text);
    free(text);
    json_decref(root);
    return 0;
}

int main(int argc, char **argv) {
    uint32_t rflags = 0, wflags = 0;
    int do_dump = 0, i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--no-upgrade") == 0) rflags |= MXIO_SYMBOL_NO_UPGRADE;
        else if (strcmp(argv[i], "--force") == 0) wflags |= MXIO_WRITE_FORCE;
        else if (strcmp(argv[i], "--dump") == 0) do_dump = 1;
        else break;
    }
    if (argc - i != (do_dump ? 1 : 2)) {
        fprintf(stderr, "usage: symbol_roundtrip [--no-upgrade] [--force] IN OUT | --dump IN\n");
        return 2;
    }
    mxio_error err;
    mxio_symbol *s = NULL;
    mxio_status st = mxio_symbol_read_file(argv[i], rflags, &s, &err);
    if (st == MXIO_OK) {
        if (do_dump)
            dump(s);
        else
            st = mxio_symbol_write_file(s, argv[i + 1], wflags, &err);
    }
    mxio_symbol_free(s);
    if (st != MXIO_OK) {
        fprintf(stderr, "%s: %s\n", mxio_status_name(st), err.message);
        return (int)st;
    }
    return 0;
}
