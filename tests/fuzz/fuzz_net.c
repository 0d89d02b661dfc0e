/* fuzz_net - libFuzzer target: the Net. The input is tried as a symbol (built into
 * a Net keeping failure entries, rendered every way, its JSON form read back and
 * written again identically) and as a Net JSON form. */
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

static void render_all(const mxio_net *net) {
    static const mxio_element elements[] = {MXIO_ELEMENT_NET, MXIO_ELEMENT_UNINITIALIZED_NET,
                                            MXIO_ELEMENT_LAYER_ASSOCIATION};
    for (size_t e = 0; e < sizeof elements / sizeof elements[0]; e++)
        for (int f = MXIO_TEXT_TABLE; f <= MXIO_TEXT_JSON; f++) {
            char *t = NULL;
            size_t n;
            mxio_error err;
            if (mxio_net_render(net, elements[e], (mxio_text_format)f, &t, &n, &err) == MXIO_OK)
                mxio_free(t);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mxio_error err;
    mxio_symbol *sym = NULL;
    if (mxio_symbol_read_buffer((const char *)data, size, "fuzz.json", 0, &sym, &err) == MXIO_OK) {
        mxio_net_options opts = {.flags = MXIO_NET_KEEP_FAILURES};
        mxio_net *net = NULL;
        if (mxio_net_from_symbol(sym, NULL, &opts, &net, &err) == MXIO_OK) {
            render_all(net);
            char *a = NULL, *b = NULL;
            size_t na, nb;
            if (mxio_net_render(net, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &a, &na, &err) != MXIO_OK)
                abort();
            mxio_net *back = NULL;
            /* what we write we must read, and it must write itself identically */
            if (mxio_net_read_json(a, na, "fuzz.net.json", &back, &err) != MXIO_OK) abort();
            if (mxio_net_render(back, MXIO_ELEMENT_NET, MXIO_TEXT_JSON, &b, &nb, &err) != MXIO_OK)
                abort();
            if (na != nb || memcmp(a, b, na) != 0) abort();
            mxio_free(a);
            mxio_free(b);
            mxio_net_free(back);
            mxio_net_free(net);
        }
        mxio_symbol_free(sym);
    }
    mxio_net *net = NULL;
    if (mxio_net_read_json((const char *)data, size, "fuzz.net.json", &net, &err) == MXIO_OK) {
        render_all(net);
        mxio_net_free(net);
    }
    return 0;
}
