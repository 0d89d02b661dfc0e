/* attr.c - attribute values as MXNet writes them, read as leniently as MXNet's
 * own parameter parser (dmlc FieldEntry) reads them: bools true/false/1/0 in any
 * case, tuples in () or [] with optional spaces, trailing comma, Python 2
 * `L` suffixes, a bare integer, and "None". */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "op.h"

static const char *skip_space(const char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    return s;
}

/* True when only whitespace remains. */
static bool at_end(const char *s) { return *skip_space(s) == '\0'; }

/* One integer at *ps (after optional spaces), with an optional L/l suffix.
 * Advances *ps past it. */
static bool scan_int(const char **ps, int64_t *out) {
    const char *s = skip_space(*ps);
    if (!*s) return false;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno == ERANGE) return false;
    if (*end == 'L' || *end == 'l') end++;
    *out = (int64_t)v;
    *ps = end;
    return true;
}

static bool scan_float(const char **ps, double *out) {
    const char *s = skip_space(*ps);
    if (!*s) return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s) return false;
    if (errno == ERANGE && fabs(v) > 1.0) return false; /* overflow; underflow to 0 is fine */
    if (*end == 'f' || *end == 'F' || *end == 'L' || *end == 'l') end++;
    *out = v;
    *ps = end;
    return true;
}

/* "None" (any case) as a whole word at *ps. */
static bool scan_none(const char **ps) {
    const char *s = skip_space(*ps);
    if (strncasecmp(s, "none", 4) != 0 || isalnum((unsigned char)s[4]) || s[4] == '_') return false;
    *ps = s + 4;
    return true;
}

bool mxio__parse_int(const char *s, int64_t *out) {
    int64_t v;
    if (!s || !scan_int(&s, &v) || !at_end(s)) return false;
    *out = v;
    return true;
}

bool mxio__parse_float(const char *s, double *out) {
    double v;
    if (!s || !scan_float(&s, &v) || !at_end(s)) return false;
    *out = v;
    return true;
}

bool mxio__parse_bool(const char *s, bool *out) {
    /* dmlc's FieldEntry<bool> lower-cases the whole value and accepts exactly
     * these four words: no spaces, no other integers. */
    if (!s) return false;
    if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0) {
        *out = true;
        return true;
    }
    if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0) {
        *out = false;
        return true;
    }
    return false;
}

/* Shared tuple walker: `scan` reads one entry into slot i. */
typedef bool (*entry_fn)(const char **ps, void *vals, int i, bool allow_none);

static bool int_entry(const char **ps, void *vals, int i, bool allow_none) {
    int64_t v;
    if (allow_none && scan_none(ps)) {
        ((int64_t *)vals)[i] = INT64_MIN;
        return true;
    }
    if (!scan_int(ps, &v)) return false;
    ((int64_t *)vals)[i] = v;
    return true;
}

static bool float_entry(const char **ps, void *vals, int i, bool allow_none) {
    double v;
    if (!scan_float(ps, &v)) return false;
    ((double *)vals)[i] = v;
    return true;
}

static bool parse_tuple_with(const char *s, void *vals, int cap, int *n, bool allow_none,
                             bool *is_none, entry_fn entry) {
    if (!s) return false;
    if (is_none) *is_none = false;
    const char *p = s;
    if (scan_none(&p) && at_end(p)) {
        if (is_none) *is_none = true;
        *n = 0;
        return true;
    }
    p = skip_space(s);
    char close = 0;
    if (*p == '(') close = ')';
    else if (*p == '[') close = ']';
    if (!close) { /* a bare scalar is a 1-tuple */
        if (cap < 1 || !entry(&p, vals, 0, allow_none) || !at_end(p)) return false;
        *n = 1;
        return true;
    }
    p++;
    int count = 0;
    for (;;) {
        p = skip_space(p);
        if (*p == close) break;
        if (count >= cap || !entry(&p, vals, count, allow_none)) return false;
        count++;
        p = skip_space(p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p != close) return false;
    }
    if (!at_end(p + 1)) return false;
    *n = count;
    return true;
}

bool mxio__parse_tuple(const char *s, int64_t *vals, int cap, int *n, bool allow_none,
                       bool *is_none) {
    return parse_tuple_with(s, vals, cap, n, allow_none, is_none, int_entry);
}

bool mxio__parse_float_tuple(const char *s, double *vals, int cap, int *n) {
    return parse_tuple_with(s, vals, cap, n, false, NULL, float_entry);
}

/* ---- getters -------------------------------------------------------------- */

static const mxio__attr_spec *find_spec(const mxio__op *op, const char *key) {
    if (!op || !op->params) return NULL;
    for (const mxio__attr_spec *p = op->params; p->name; p++)
        if (strcmp(p->name, key) == 0) return p;
    return NULL;
}

const char *mxio__attr_str(const mxio__attrs *a, const char *key) {
    if (!a || !key) return NULL;
    for (size_t i = 0; i < a->n; i++)
        if (a->kv[i].key && strcmp(a->kv[i].key, key) == 0) return a->kv[i].value;
    const mxio__attr_spec *spec = find_spec(a->op, key);
    return spec ? spec->dflt : NULL;
}

bool mxio__attr_int(const mxio__attrs *a, const char *key, int64_t *out) {
    return mxio__parse_int(mxio__attr_str(a, key), out);
}

bool mxio__attr_float(const mxio__attrs *a, const char *key, double *out) {
    return mxio__parse_float(mxio__attr_str(a, key), out);
}

bool mxio__attr_bool(const mxio__attrs *a, const char *key, bool *out) {
    return mxio__parse_bool(mxio__attr_str(a, key), out);
}

bool mxio__attr_shape(const mxio__attrs *a, const char *key, int64_t *vals, int cap, int *n,
                      bool *is_none) {
    const mxio__attr_spec *spec = a ? find_spec(a->op, key) : NULL;
    bool allow_none = spec && spec->type == MXIO__ATTR_OPT_SHAPE;
    return mxio__parse_tuple(mxio__attr_str(a, key), vals, cap, n, allow_none, is_none);
}
