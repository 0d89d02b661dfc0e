/* fuzz_symbol.c - libFuzzer target: parse, validate, upgrade and print symbol JSON.
 *
 * Besides "no crash, no leak, no UB", it checks the writer is a fixed point:
 * whatever mxio prints, it reads back and prints identically (both with and
 * without the legacy upgrade). Strings holding raw control characters are the
 * one exception: MXNet's layout writes them unescaped and strict JSON readers
 * (jansson) refuse them, so such outputs are not re-read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

static int has_raw_control(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 && s[i] != '\n') return 1;
    return 0;
}

static void check_fixed_point(const char *data, size_t size, uint32_t flags) {
    mxio_symbol *s = NULL;
    mxio_error err;
    if (mxio_symbol_read_buffer(data, size, "fuzz", flags, &s, &err) != MXIO_OK) return;
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    if (mxio_symbol_write_buffer(s, &a, &alen, &err) != MXIO_OK) abort();
    mxio_symbol_free(s);
    s = NULL;
    if (!has_raw_control(a, alen)) {
        if (mxio_symbol_read_buffer(a, alen, "again", flags, &s, &err) != MXIO_OK) {
            fprintf(stderr, "re-read failed: %s\n", err.message);
            abort();
        }
        if (mxio_symbol_write_buffer(s, &b, &blen, &err) != MXIO_OK) abort();
        if (alen != blen || memcmp(a, b, alen) != 0) {
            fprintf(stderr, "writer is not a fixed point:\n%s\n----\n%s\n", a, b);
            abort();
        }
    }
    mxio_symbol_free(s);
    mxio_free(a);
    mxio_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_fixed_point((const char *)data, size, MXIO_SYMBOL_NO_UPGRADE);
    check_fixed_point((const char *)data, size, 0);
    return 0;
}
