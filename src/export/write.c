/* write.c - the export's two files: made in memory, then written atomically,
 * JSON first; a failed params write takes the JSON this export wrote with it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../format/symbol.h"

char *mxio_export_array_path(const char *json_path) {
    if (!json_path) return NULL;
    size_t n = strlen(json_path);
    static const char sym_suffix[] = "-symbol.json", json_suffix[] = ".json";
    size_t ls = sizeof sym_suffix - 1, lj = sizeof json_suffix - 1;
    size_t stem = n;
    const char *tail = ".params";
    if (n > ls && strcmp(json_path + n - ls, sym_suffix) == 0) {
        stem = n - ls;
        tail = "-0000.params";
    } else if (n > lj && strcmp(json_path + n - lj, json_suffix) == 0) {
        stem = n - lj;
    }
    size_t len = stem + strlen(tail) + 1;
    char *out = malloc(len);
    if (!out) return NULL;
    memcpy(out, json_path, stem);
    strcpy(out + stem, tail);
    return out;
}

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

mxio_status mxio_net_export(const mxio_net *net, const mxio_params *arrays, const char *json_path,
                            const char *array_path, uint32_t flags, mxio_error *err) {
    mxio__error_clear(err);
    if (!net || !json_path) return mxio__fail(err, MXIO_E_MISUSE, "export: no net or no path");
    bool save = !(flags & MXIO_EXPORT_NO_ARRAYS), force = flags & MXIO_WRITE_FORCE;
    char *auto_path = NULL;
    if (save && !array_path) {
        auto_path = mxio_export_array_path(json_path);
        if (!auto_path) return mxio__fail(err, MXIO_E_NOMEM, "out of memory");
        array_path = auto_path;
    }
    mxio_symbol *sym = NULL;
    mxio_params *params = NULL;
    mxio__buf text;
    mxio__buf_init(&text);
    void *pbuf = NULL;
    size_t plen = 0;
    mxio_status st = MXIO_OK;
    if (save && strcmp(array_path, json_path) == 0) {
        st = mxio__fail(err, MXIO_E_MISUSE, "%s: the JSON and the params file cannot be one file",
                        json_path);
        goto done;
    }
    /* Nothing is written unless both files can be. */
    if (!force && exists(json_path)) {
        st = mxio__fail(err, MXIO_E_EXISTS, "%s exists (replace it with force)", json_path);
        goto done;
    }
    if (!force && save && exists(array_path)) {
        st = mxio__fail(err, MXIO_E_EXISTS, "%s exists (replace it with force)", array_path);
        goto done;
    }
    st = mxio_net_to_mxnet(net, arrays, flags, &sym, save ? &params : NULL, err);
    if (!st) st = mxio__symbol_print(sym, &text, err);
    if (!st && text.oom) st = mxio__fail(err, MXIO_E_NOMEM, "out of memory");
    if (!st && save) st = mxio_params_write_buffer(params, MXIO_WRITE_V2, &pbuf, &plen, err);
    if (st) goto done;
    st = mxio__write_atomic(json_path, text.data, text.len, force, err);
    if (st) goto done;
    if (save) {
        st = mxio__write_atomic(array_path, pbuf, plen, force, err);
        if (st) unlink(json_path); /* what this export wrote; the temp files are gone already */
    }

done:
    mxio__buf_free(&text);
    mxio_free(pbuf);
    mxio_params_free(params);
    mxio_symbol_free(sym);
    free(auto_path);
    return st;
}
