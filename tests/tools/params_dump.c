/* params_dump - drives the params codec for the pytest oracle tests.
 *
 *   params_dump json IN [PAYLOADS]   JSON of every array; payloads inline as hex,
 *                                    or appended to PAYLOADS with offsets in the JSON
 *   params_dump npzjson IN [PAYLOADS] same, reading IN with mxio_params_read_npz
 *   params_dump rewrite IN OUT [v2]  read IN, write it back as .params (OUT replaced)
 *   params_dump tonpz IN OUT         read IN, write an .npz
 *   params_dump tonpy IN INDEX OUT   read IN, write array INDEX as .npy
 *   params_dump render IN ELEMENT FORMAT   mxio_params_render (element 4/5/6, format 0/1/2)
 *   params_dump copy IN OUT          rebuild IN through mxio_params_new/append, write OUT
 *
 * On an error it prints "STATUS_NAME offset array: message" to stderr and exits
 * with the status value. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxio.h"

static int fail(const mxio_error *e) {
    fprintf(stderr, "%s %" PRId64 " %" PRId64 ": %s\n", mxio_status_name(e->code), e->offset, e->array, e->message);
    return (int)e->code;
}

static void put_str(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void put_shape(const int64_t *d, int n) {
    putchar('[');
    for (int i = 0; i < n; i++) printf("%s%" PRId64, i ? "," : "", d[i]);
    putchar(']');
}

static FILE *payloads;
static uint64_t payload_at;

static void put_data(const void *data, size_t n) {
    if (payloads) {
        if (n && fwrite(data, 1, n, payloads) != n) exit(99);
        printf("{\"at\":%" PRIu64 ",\"len\":%zu}", payload_at, n);
        payload_at += n;
        return;
    }
    putchar('"');
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    putchar('"');
}

static int dump(mxio_params *p) {
    printf("{\"has_names\":%d,\"arrays\":[", mxio_params_has_names(p));
    for (size_t i = 0; i < mxio_params_count(p); i++) {
        mxio_array a;
        mxio_params_get(p, i, &a);
        printf("%s\n{\"name\":", i ? "," : "");
        if (a.name) put_str(a.name, a.name_len);
        else printf("null");
        printf(",\"short\":");
        if (a.name) put_str(mxio_array_short_name(&a), strlen(mxio_array_short_name(&a)));
        else printf("null");
        printf(",\"dtype\":\"%s\",\"storage\":%d,\"record\":%d,\"is_none\":%d,\"ctx\":[%d,%d],\"offset\":%" PRIu64
               ",\"numel\":%" PRId64 ",\"shape\":",
               mxio_dtype_name(a.dtype), (int)a.storage, (int)a.record, a.is_none, a.dev_type, a.dev_id,
               a.file_offset, mxio_array_numel(&a));
        put_shape(a.shape, a.ndim);
        printf(",\"data\":");
        put_data(a.data, a.nbytes);
        if (a.storage != MXIO_STORAGE_DENSE && !a.is_none) {
            printf(",\"storage_shape\":");
            put_shape(a.storage_shape, a.storage_ndim);
            printf(",\"aux\":[");
            for (int k = 0; k < a.num_aux; k++) {
                printf("%s{\"dtype\":\"%s\",\"shape\":", k ? "," : "", mxio_dtype_name(a.aux_dtype[k]));
                put_shape(a.aux_shape[k], a.aux_ndim[k]);
                printf(",\"data\":");
                put_data(a.aux_data[k], a.aux_nbytes[k]);
                printf("}");
            }
            printf("]");
        }
        printf("}");
    }
    printf("]}\n");
    return 0;
}

int main(int argc, char **argv) {
    mxio_error err;
    mxio_params *p = NULL;
    if (argc < 3) {
        fprintf(stderr, "usage: params_dump json|npzjson|rewrite|tonpz|tonpy|render|copy IN ...\n");
        return 2;
    }
    const char *cmd = argv[1];
    mxio_status st = strcmp(cmd, "npzjson") == 0 ? mxio_params_read_npz(argv[2], 0, &p, &err)
                                                  : mxio_params_read_file(argv[2], 0, &p, &err);
    if (st) return fail(&err);
    int rc = 0;
    if (strcmp(cmd, "json") == 0 || strcmp(cmd, "npzjson") == 0) {
        if (argc > 3) {
            payloads = fopen(argv[3], "wb");
            if (!payloads) return 98;
        }
        rc = dump(p);
        if (payloads) fclose(payloads);
    } else if (strcmp(cmd, "rewrite") == 0 && argc >= 4) {
        uint32_t flags = MXIO_WRITE_FORCE | (argc > 4 && strcmp(argv[4], "v2") == 0 ? MXIO_WRITE_V2 : 0);
        if (mxio_params_write_file(p, argv[3], flags, &err)) rc = fail(&err);
    } else if (strcmp(cmd, "tonpz") == 0 && argc >= 4) {
        if (mxio_params_write_npz(p, argv[3], MXIO_WRITE_FORCE, &err)) rc = fail(&err);
    } else if (strcmp(cmd, "tonpy") == 0 && argc >= 5) {
        mxio_array a;
        if (mxio_params_get(p, (size_t)atoi(argv[3]), &a)) rc = 2;
        else if (mxio_array_write_npy(&a, argv[4], MXIO_WRITE_FORCE, &err)) rc = fail(&err);
    } else if (strcmp(cmd, "render") == 0 && argc >= 5) {
        char *text;
        size_t len;
        if (mxio_params_render(p, (mxio_element)atoi(argv[3]), (mxio_text_format)atoi(argv[4]), &text, &len, &err)) {
            rc = fail(&err);
        } else {
            fwrite(text, 1, len, stdout);
            mxio_free(text);
        }
    } else if (strcmp(cmd, "copy") == 0 && argc >= 4) {
        mxio_params *q = mxio_params_new();
        for (size_t i = 0; q && rc == 0 && i < mxio_params_count(p); i++) {
            mxio_array a;
            mxio_params_get(p, i, &a);
            if (mxio_params_append(q, &a, &err)) rc = fail(&err);
        }
        if (rc == 0 && mxio_params_write_file(q, argv[3], MXIO_WRITE_FORCE, &err)) rc = fail(&err);
        mxio_params_free(q);
    } else {
        rc = 2;
    }
    mxio_params_free(p);
    return rc;
}
