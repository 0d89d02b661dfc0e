/* arrays.c - the params elements as text: ArrayAssociation (short name, role,
 * dtype, shape, bytes), ArrayList (index, dtype, shape, bytes) and ArrayNames
 * (raw names), each as an aligned table, JSON or CSV. No values: those go to
 * .npz/.npy. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "format/params.h"
#include "view/text.h"

static const char *role_of(const mxio_array *a) {
    if (a->name && a->name_len >= 4 && memcmp(a->name, "arg:", 4) == 0) return "arg";
    if (a->name && a->name_len >= 4 && memcmp(a->name, "aux:", 4) == 0) return "aux";
    return "-";
}

static const char *storage_name(mxio_storage s) {
    return s == MXIO_STORAGE_ROW_SPARSE ? "row_sparse" : s == MXIO_STORAGE_CSR ? "csr" : "default";
}

static const char *record_name(mxio_record r) {
    static const char *names[] = {"legacy", "v1", "v2", "v3"};
    return (unsigned)r <= MXIO_RECORD_V3 ? names[r] : "?";
}

static size_t total_bytes(const mxio_array *a) {
    size_t t = a->nbytes;
    for (int i = 0; i < a->num_aux && i < MXIO_MAX_AUX; i++) t += a->aux_nbytes[i];
    return t;
}

/* The shape as text: "(64,3,7,7)", "()" for a scalar, "none" for a none record. */
static void shape_text(char *out, size_t cap, const mxio_array *a) {
    if (a->is_none) snprintf(out, cap, "none");
    else mxio__format_shape(out, cap, a->shape, a->ndim);
}

typedef struct row {
    char idx[24], name[200], role[8], dtype[16], shape[400], bytes[24];
} row;

mxio_status mxio_params_render(const mxio_params *p, mxio_element element, mxio_text_format format,
                               char **text, size_t *len, mxio_error *err) {
    mxio__error_clear(err);
    if (!p || !text) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_render: NULL argument");
    *text = NULL;
    if (len) *len = 0;
    if (element != MXIO_ELEMENT_ARRAY_ASSOCIATION && element != MXIO_ELEMENT_ARRAY_LIST &&
        element != MXIO_ELEMENT_ARRAY_NAMES)
        return mxio__fail(err, MXIO_E_MISUSE, "%s: element %d is not a params element", p->label, (int)element);
    if (format != MXIO_TEXT_TABLE && format != MXIO_TEXT_JSON && format != MXIO_TEXT_CSV)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "%s: params elements render as table, JSON or CSV", p->label);
    mxio__buf b;
    mxio__buf_init(&b);
    size_t n = p->count;

    if (element == MXIO_ELEMENT_ARRAY_NAMES) {
        if (format == MXIO_TEXT_JSON) mxio__buf_putc(&b, '[');
        if (format == MXIO_TEXT_CSV) mxio__buf_puts(&b, "name\n");
        for (size_t i = 0; i < n; i++) {
            const mxio_array *a = &p->items[i].a;
            /* the spec's ArrayNames: names with arg:/aux: removed (the role is in
             * ArrayAssociation) */
            const char *nm = a->name ? mxio_array_short_name(a) : "";
            size_t nl = a->name ? a->name_len - (size_t)(nm - a->name) : 0;
            if (format == MXIO_TEXT_JSON) {
                if (i) mxio__buf_puts(&b, ", ");
                mxio__json_quote_n(&b, nm, nl);
            } else if (format == MXIO_TEXT_CSV) {
                mxio__csv_field(&b, nm, nl);
                mxio__buf_putc(&b, '\n');
            } else {
                char q[400];
                mxio__buf_puts(&b, mxio__printable(q, sizeof q, nm, nl));
                mxio__buf_putc(&b, '\n');
            }
        }
        if (format == MXIO_TEXT_JSON) mxio__buf_puts(&b, "]\n");
    } else if (format == MXIO_TEXT_JSON) {
        bool assoc = element == MXIO_ELEMENT_ARRAY_ASSOCIATION;
        mxio__buf_puts(&b, "[");
        for (size_t i = 0; i < n; i++) {
            const mxio_array *a = &p->items[i].a;
            mxio__buf_puts(&b, i ? ",\n {" : "\n {");
            if (assoc) {
                const char *s = mxio_array_short_name(a);
                mxio__buf_puts(&b, "\"name\": ");
                if (s) mxio__json_quote_n(&b, s, a->name_len - (size_t)(s - a->name));
                else mxio__buf_puts(&b, "null");
                mxio__buf_printf(&b, ", \"role\": \"%s\", ", role_of(a));
            } else {
                mxio__buf_printf(&b, "\"index\": %zu, ", i);
            }
            mxio__buf_printf(&b, "\"dtype\": \"%s\", \"shape\": ", mxio_dtype_name(a->dtype));
            if (a->is_none) {
                mxio__buf_puts(&b, "null");
            } else {
                mxio__buf_putc(&b, '[');
                for (int k = 0; k < a->ndim; k++) mxio__buf_printf(&b, "%s%" PRId64, k ? ", " : "", a->shape[k]);
                mxio__buf_putc(&b, ']');
            }
            mxio__buf_printf(&b, ", \"storage\": \"%s\", \"record\": \"%s\", \"offset\": %" PRIu64
                             ", \"nbytes\": %zu}", storage_name(a->storage), record_name(a->record),
                             a->file_offset, total_bytes(a));
        }
        mxio__buf_puts(&b, n ? "\n]\n" : "]\n");
    } else {
        bool assoc = element == MXIO_ELEMENT_ARRAY_ASSOCIATION;
        row *rows = mxio__calloc_array(n + 1, sizeof *rows);
        if (!rows) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
        snprintf(rows[0].idx, sizeof rows[0].idx, "index");
        snprintf(rows[0].name, sizeof rows[0].name, "name");
        snprintf(rows[0].role, sizeof rows[0].role, "role");
        snprintf(rows[0].dtype, sizeof rows[0].dtype, "dtype");
        snprintf(rows[0].shape, sizeof rows[0].shape, "shape");
        snprintf(rows[0].bytes, sizeof rows[0].bytes, "bytes");
        size_t w[6] = {5, 4, 4, 5, 5, 5};
        for (size_t i = 0; i < n; i++) {
            const mxio_array *a = &p->items[i].a;
            row *r = &rows[i + 1];
            const char *s = mxio_array_short_name(a);
            snprintf(r->idx, sizeof r->idx, "%zu", i);
            if (s) mxio__printable(r->name, sizeof r->name, s, a->name_len - (size_t)(s - a->name));
            snprintf(r->role, sizeof r->role, "%s", role_of(a));
            snprintf(r->dtype, sizeof r->dtype, "%s", mxio_dtype_name(a->dtype));
            shape_text(r->shape, sizeof r->shape, a);
            snprintf(r->bytes, sizeof r->bytes, "%zu", total_bytes(a));
            size_t l[6] = {strlen(r->idx), strlen(r->name), strlen(r->role), strlen(r->dtype),
                           strlen(r->shape), strlen(r->bytes)};
            for (int k = 0; k < 6; k++)
                if (l[k] > w[k]) w[k] = l[k];
        }
        for (size_t i = 0; i <= n; i++) {
            const row *r = &rows[i];
            if (format == MXIO_TEXT_CSV) {
                if (assoc) {
                    mxio__csv_field(&b, r->name, strlen(r->name));
                    mxio__buf_printf(&b, ",%s,", r->role);
                } else {
                    mxio__buf_printf(&b, "%s,", r->idx);
                }
                mxio__buf_printf(&b, "%s,", r->dtype);
                mxio__csv_field(&b, r->shape, strlen(r->shape));
                mxio__buf_printf(&b, ",%s\n", r->bytes);
            } else {
                if (assoc) mxio__buf_printf(&b, "%-*s  %-*s  ", (int)w[1], r->name, (int)w[2], r->role);
                else mxio__buf_printf(&b, "%*s  ", (int)w[0], r->idx);
                mxio__buf_printf(&b, "%-*s  %-*s  %*s\n", (int)w[3], r->dtype, (int)w[4], r->shape, (int)w[5],
                                 r->bytes);
            }
        }
        free(rows);
    }
    size_t l = 0;
    char *t = mxio__buf_take(&b, &l);
    if (!t) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory while rendering", p->label);
    *text = t;
    if (len) *len = l;
    return MXIO_OK;
}
