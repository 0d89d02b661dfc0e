/* fuzz_params - libFuzzer target: the .params reader (with its npz/npy sniffing),
 * write-back of whatever it accepts (which must read again to the same bytes),
 * and the three params renderers. */
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mxio_error err;
    mxio_params *p = NULL;
    if (mxio_params_read_buffer(data, size, "fuzz.params", 0, &p, &err) != MXIO_OK) return 0;
    void *buf = NULL;
    size_t len = 0;
    if (mxio_params_write_buffer(p, 0, &buf, &len, &err) == MXIO_OK) {
        mxio_params *q = NULL;
        /* what we write we must read, and it must write itself identically */
        if (mxio_params_read_buffer(buf, len, "fuzz-again.params", 0, &q, &err) != MXIO_OK) abort();
        void *buf2 = NULL;
        size_t len2 = 0;
        if (mxio_params_write_buffer(q, 0, &buf2, &len2, &err) != MXIO_OK) abort();
        if (len2 != len || memcmp(buf, buf2, len) != 0) abort();
        mxio_free(buf2);
        mxio_params_free(q);
    }
    mxio_free(buf);
    for (int e = MXIO_ELEMENT_ARRAY_ASSOCIATION; e <= MXIO_ELEMENT_ARRAY_NAMES; e++) {
        for (int f = MXIO_TEXT_TABLE; f <= MXIO_TEXT_CSV; f++) {
            char *t = NULL;
            size_t n;
            if (mxio_params_render(p, (mxio_element)e, (mxio_text_format)f, &t, &n, &err) == MXIO_OK) mxio_free(t);
        }
    }
    for (size_t i = 0; i < mxio_params_count(p); i++) {
        mxio_array a;
        mxio_params_get(p, i, &a);
        (void)mxio_array_numel(&a);
        if (a.name) (void)mxio_params_find(p, a.name);
    }
    mxio_params_free(p);
    return 0;
}
