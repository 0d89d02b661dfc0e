/* symbol_read.c - parse a symbol .json of any MXNet generation into struct mxio_symbol.
 *
 * The schema is the one nnvm's JSONGraph/JSONNode readers accept (MXNet 1.9.1),
 * which is a superset of every older writer: `attrs` (1.0+), `attr` (0.9-0.12),
 * `param` + `backward_source_id` + two-element entries (<= 0.8), `subgraphs`
 * (1.3+). Unknown keys and wrong JSON types are errors, as in MXNet, but with a
 * message naming the file, line:column, the node and the key. Ranges of ids and
 * the graph's shape are checked afterwards by mxio__symbol_validate.
 *
 * The reader is a single pass over the bytes straight into the node structs: a
 * DOM parser (jansson) spends more time allocating than MXNet spends loading,
 * and this one knows the position of every error. Strings follow MXNet's
 * reader: any byte but '"', '\\' and control characters is taken as is (no
 * UTF-8 validation); all JSON escapes are decoded. Graph attribute values
 * (tiny, free-form) are handed to jansson to normalise. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "symbol.h"

#define MAX_NEST 2048 /* nesting of free-form JSON values (graph attributes) */

typedef struct rd {
    const char *p;
    size_t n, pos;
    size_t key_pos; /* where the last object key started, for "unknown key" messages */
    const char *label;
    mxio_error *err;
    mxio__buf scratch; /* decoded string, reused */
} rd;

/* Where in the graph an error is: the (sub)graph path plus the node. */
typedef struct where {
    const char *path; /* "" for the main graph, "node 4 ('x') subgraph 0: " inside one */
    int64_t node;     /* -1 for graph-level keys */
    const char *name; /* node name when already read */
} where;

__attribute__((format(printf, 5, 6))) static mxio_status fail(rd *r, size_t pos, mxio_status code,
                                                              const where *w, const char *fmt,
                                                              ...) {
    char msg[600], node[128] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos && i < r->n; i++) {
        if (r->p[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    if (w && w->node >= 0) {
        char q[80];
        mxio__printable(q, sizeof q, w->name ? w->name : "", w->name ? strlen(w->name) : 0);
        if (w->name)
            snprintf(node, sizeof node, "node %lld ('%s'): ", (long long)w->node, q);
        else
            snprintf(node, sizeof node, "node %lld: ", (long long)w->node);
    }
    return mxio__fail_at(r->err, code, (int64_t)pos, w && !w->path[0] ? w->node : -1, -1,
                         "%s:%zu:%zu: %s%s%s", r->label, line, col, w ? w->path : "", node, msg);
}

static void ws(rd *r) {
    while (r->pos < r->n) {
        char c = r->p[r->pos];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
        r->pos++;
    }
}

static int peek(rd *r) {
    ws(r);
    return r->pos < r->n ? (unsigned char)r->p[r->pos] : -1;
}

static const char *token_name(int c) {
    switch (c) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    case -1: return "the end of the file";
    default: return (c == '-' || (c >= '0' && c <= '9')) ? "a number" : "an invalid token";
    }
}

static mxio_status syntax(rd *r, const where *w, const char *expected) {
    int c = peek(r);
    char found[32];
    if (c < 0)
        snprintf(found, sizeof found, "the end of the file");
    else if (c >= 0x20 && c < 0x7f)
        snprintf(found, sizeof found, "'%c'", c);
    else
        snprintf(found, sizeof found, "byte 0x%02x", c);
    return fail(r, r->pos, MXIO_E_FORMAT, w, "not valid JSON: expected %s, found %s (byte %zu)",
                expected, found, r->pos);
}

static mxio_status expect(rd *r, const where *w, char c, const char *expected) {
    if (peek(r) != (unsigned char)c) return syntax(r, w, expected);
    r->pos++;
    return MXIO_OK;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex4(rd *r, uint32_t *out) {
    if (r->n - r->pos < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(r->p[r->pos + (size_t)i]);
        if (h < 0) return false;
        v = v * 16 + (uint32_t)h;
    }
    r->pos += 4;
    *out = v;
    return true;
}

static void put_utf8(mxio__buf *b, uint32_t cp) {
    char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    }
    mxio__buf_append(b, u, k);
}

/* Decode the string at the cursor into r->scratch (NUL-terminated). `what`
 * names it in messages. */
static mxio_status read_string(rd *r, const where *w, const char *what) {
    if (peek(r) != '"') {
        if (peek(r) < 0 || peek(r) == '}' || peek(r) == ']' || peek(r) == ',' || peek(r) == ':')
            return syntax(r, w, "a value");
        return fail(r, r->pos, MXIO_E_CORRUPT, w, "%s must be a string, found %s", what,
                    token_name(peek(r)));
    }
    size_t start = r->pos++;
    r->scratch.len = 0;
    for (;;) {
        size_t run = r->pos;
        while (r->pos < r->n) {
            unsigned char c = (unsigned char)r->p[r->pos];
            if (c == '"' || c == '\\' || c < 0x20) break;
            r->pos++;
        }
        mxio__buf_append(&r->scratch, r->p + run, r->pos - run);
        if (r->scratch.len > MXIO__SYMBOL_MAX_STRING)
            return fail(r, start, MXIO_E_LIMIT, w, "%s is longer than %zu bytes", what,
                        MXIO__SYMBOL_MAX_STRING);
        if (r->pos >= r->n)
            return fail(r, start, MXIO_E_FORMAT, w, "not valid JSON: string never ends (byte %zu)",
                        start);
        char c = r->p[r->pos];
        if (c == '"') {
            r->pos++;
            break;
        }
        if (c != '\\')
            return fail(r, r->pos, MXIO_E_FORMAT, w,
                        "not valid JSON: raw control character 0x%02x in a string (byte %zu)",
                        (unsigned char)c, r->pos);
        size_t esc = r->pos++;
        char e = r->pos < r->n ? r->p[r->pos++] : 0;
        const char *rep = NULL;
        switch (e) {
        case '"': rep = "\""; break;
        case '\\': rep = "\\"; break;
        case '/': rep = "/"; break;
        case 'b': rep = "\b"; break;
        case 'f': rep = "\f"; break;
        case 'n': rep = "\n"; break;
        case 'r': rep = "\r"; break;
        case 't': rep = "\t"; break;
        case 'u': {
            uint32_t cp;
            if (!read_hex4(r, &cp)) break;
            if (cp >= 0xdc00 && cp <= 0xdfff) break;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                uint32_t lo;
                if (r->n - r->pos < 2 || r->p[r->pos] != '\\' || r->p[r->pos + 1] != 'u') break;
                r->pos += 2;
                if (!read_hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff) break;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            if (cp == 0)
                return fail(r, esc, MXIO_E_CORRUPT, w, "%s contains a NUL character (\\u0000)",
                            what);
            put_utf8(&r->scratch, cp);
            continue;
        }
        default: break;
        }
        if (!rep)
            return fail(r, esc, MXIO_E_FORMAT, w, "not valid JSON: bad escape in a string (byte %zu)",
                        esc);
        mxio__buf_putc(&r->scratch, rep[0]);
    }
    mxio__buf_putc(&r->scratch, '\0');
    r->scratch.len--;
    if (r->scratch.oom) return fail(r, start, MXIO_E_NOMEM, w, "out of memory");
    return MXIO_OK;
}

static mxio_status read_string_dup(rd *r, const where *w, const char *what, char **out) {
    mxio_status st = read_string(r, w, what);
    if (st) return st;
    char *s = mxio__strndup(r->scratch.data, r->scratch.len);
    if (!s) return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
    free(*out);
    *out = s;
    return MXIO_OK;
}

/* Scan a JSON number; *integer tells whether it had no fraction or exponent. */
static mxio_status scan_number(rd *r, const where *w, bool *integer) {
    size_t i = r->pos;
    if (i < r->n && r->p[i] == '-') i++;
    size_t digits = i;
    while (i < r->n && r->p[i] >= '0' && r->p[i] <= '9') i++;
    if (i == digits) return syntax(r, w, "a value");
    *integer = true;
    if (i < r->n && r->p[i] == '.') {
        *integer = false;
        size_t d = ++i;
        while (i < r->n && r->p[i] >= '0' && r->p[i] <= '9') i++;
        if (i == d) return syntax(r, w, "a digit after '.'");
    }
    if (i < r->n && (r->p[i] == 'e' || r->p[i] == 'E')) {
        *integer = false;
        i++;
        if (i < r->n && (r->p[i] == '+' || r->p[i] == '-')) i++;
        size_t d = i;
        while (i < r->n && r->p[i] >= '0' && r->p[i] <= '9') i++;
        if (i == d) {
            r->pos = i;
            return syntax(r, w, "an exponent");
        }
    }
    r->pos = i;
    return MXIO_OK;
}

/* Skip any JSON value (iteratively), checking its grammar. */
static mxio_status skip_value(rd *r, const where *w) {
    char stack[MAX_NEST];
    size_t sp = 0;
    mxio_status st;
    for (;;) {
        int c = peek(r);
        if (c == '{' || c == '[') {
            if (sp == MAX_NEST)
                return fail(r, r->pos, MXIO_E_LIMIT, w, "JSON nested too deeply (over %d levels)",
                            MAX_NEST);
            r->pos++;
            int close = c == '{' ? '}' : ']';
            if (peek(r) == close) {
                r->pos++;
            } else {
                stack[sp++] = (char)c;
                if (c == '{') {
                    if ((st = read_string(r, w, "an object key"))) return st;
                    if ((st = expect(r, w, ':', "':'"))) return st;
                }
                continue;
            }
        } else if (c == '"') {
            if ((st = read_string(r, w, "a string"))) return st;
        } else if (c == 't' || c == 'f' || c == 'n') {
            const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
            size_t k = strlen(lit);
            if (r->n - r->pos < k || memcmp(r->p + r->pos, lit, k) != 0)
                return syntax(r, w, "a value");
            r->pos += k;
        } else {
            bool integer;
            if ((st = scan_number(r, w, &integer))) return st;
        }
        /* after a value: close containers or move to the next item */
        for (;;) {
            if (sp == 0) return MXIO_OK;
            c = peek(r);
            char top = stack[sp - 1];
            if (c == ',') {
                r->pos++;
                if (top == '{') {
                    if ((st = read_string(r, w, "an object key"))) return st;
                    if ((st = expect(r, w, ':', "':'"))) return st;
                }
                break;
            }
            if ((top == '{' && c == '}') || (top == '[' && c == ']')) {
                r->pos++;
                sp--;
                continue;
            }
            return syntax(r, w, top == '{' ? "',' or '}'" : "',' or ']'");
        }
    }
}

/* Object and array iteration. `*first` starts true; returns 1 when a member
 * follows (for objects its key is decoded into r->scratch and ':' consumed),
 * 0 at the closing bracket, -1 on error (already recorded). */
static int next_member(rd *r, const where *w, bool *first, mxio_status *st) {
    int c = peek(r);
    if (c == '}') {
        r->pos++;
        return 0;
    }
    if (!*first) {
        if (c != ',') {
            *st = syntax(r, w, "',' or '}'");
            return -1;
        }
        r->pos++;
    }
    *first = false;
    if (peek(r) != '"') {
        *st = syntax(r, w, "a quoted key");
        return -1;
    }
    r->key_pos = r->pos;
    if ((*st = read_string(r, w, "an object key"))) return -1;
    if ((*st = expect(r, w, ':', "':'"))) return -1;
    return 1;
}

static int next_item(rd *r, const where *w, bool *first, mxio_status *st) {
    int c = peek(r);
    if (c == ']') {
        r->pos++;
        return 0;
    }
    if (!*first) {
        if (c != ',') {
            *st = syntax(r, w, "',' or ']'");
            return -1;
        }
        r->pos++;
    }
    *first = false;
    return 1;
}

static mxio_status begin(rd *r, const where *w, char open, const char *what) {
    int c = peek(r);
    if (c == open) {
        r->pos++;
        return MXIO_OK;
    }
    if (c < 0 || c == '}' || c == ']' || c == ',' || c == ':') return syntax(r, w, "a value");
    return fail(r, r->pos, MXIO_E_CORRUPT, w, "%s must be %s, found %s", what,
                open == '{' ? "an object" : "an array", token_name(c));
}

/* `what`[i][j] names the number in messages (i, j < 0: not used); the name is
 * only formatted when something is wrong. */
static mxio_status read_u32(rd *r, const where *w, const char *what, long i, long j,
                            uint32_t *out) {
    int c = peek(r);
    size_t start = r->pos;
    char name[96];
    if (c != '-' && (c < '0' || c > '9')) {
        if (c < 0 || c == '}' || c == ']' || c == ',') return syntax(r, w, "a value");
        goto bad;
    }
    bool integer;
    mxio_status st = scan_number(r, w, &integer);
    if (st) return st;
    uint64_t v = 0;
    bool ok = integer && r->p[start] != '-' && r->pos - start <= 10;
    for (size_t k = start; ok && k < r->pos; k++) v = v * 10 + (uint64_t)(r->p[k] - '0');
    if (ok && v <= UINT32_MAX) {
        *out = (uint32_t)v;
        return MXIO_OK;
    }
bad:
    if (i < 0)
        snprintf(name, sizeof name, "%s", what);
    else if (j < 0)
        snprintf(name, sizeof name, "%s[%ld]", what, i);
    else
        snprintf(name, sizeof name, "%s[%ld][%ld]", what, i, j);
    if (r->pos == start)
        return fail(r, start, MXIO_E_CORRUPT, w, "%s must be an unsigned 32-bit integer, found %s",
                    name, token_name(c));
    return fail(r, start, MXIO_E_CORRUPT, w, "%s must be an unsigned 32-bit integer, found %.*s",
                name, (int)(r->pos - start > 24 ? 24 : r->pos - start), r->p + start);
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return true;
    size_t c = *cap ? *cap * 2 : 8;
    while (c < need) c *= 2;
    void *p = mxio__realloc_array(*arr, c, elem);
    if (!p) return false;
    *arr = p;
    *cap = c;
    return true;
}

static mxio_status read_uints(rd *r, const where *w, const char *what, uint32_t **out, size_t *n,
                              size_t limit) {
    mxio_status st = begin(r, w, '[', what);
    if (st) return st;
    free(*out);
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    bool first = true;
    int more;
    while ((more = next_item(r, w, &first, &st)) == 1) {
        if (*n == limit)
            return fail(r, r->pos, MXIO_E_LIMIT, w, "%s has more than %zu elements", what, limit);
        if (!grow((void **)out, &cap, *n + 1, sizeof **out))
            return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
        if ((st = read_u32(r, w, what, (long)*n, -1, &(*out)[*n]))) return st;
        (*n)++;
    }
    return more < 0 ? st : MXIO_OK;
}

/* Entries are [node, output, version]; <= 0.8 wrote [node, output]. */
static mxio_status read_entries(rd *r, const where *w, const char *what, mxio__entry **out,
                                size_t *n, size_t limit) {
    mxio_status st = begin(r, w, '[', what);
    if (st) return st;
    free(*out);
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    bool first = true;
    int more;
    while ((more = next_item(r, w, &first, &st)) == 1) {
        if (*n == limit)
            return fail(r, r->pos, MXIO_E_LIMIT, w, "%s has more than %zu entries", what, limit);
        if (!grow((void **)out, &cap, *n + 1, sizeof **out))
            return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
        size_t at = r->pos;
        if (peek(r) != '[') {
            char item[96];
            snprintf(item, sizeof item, "%s[%zu]", what, *n);
            return begin(r, w, '[', item);
        }
        r->pos++;
        uint32_t f[3] = {0, 0, 0};
        size_t k = 0;
        bool efirst = true;
        int emore;
        while ((emore = next_item(r, w, &efirst, &st)) == 1) {
            if (k < 3) {
                if ((st = read_u32(r, w, what, (long)*n, (long)k, &f[k]))) return st;
            } else if ((st = skip_value(r, w))) {
                return st;
            }
            k++;
        }
        if (emore < 0) return st;
        if (k < 2 || k > 3)
            return fail(r, at, MXIO_E_CORRUPT, w,
                        "%s[%zu] has %zu elements; an entry is [node, output, version] "
                        "(or [node, output] before 0.9)",
                        what, *n, k);
        mxio__entry e = {f[0], f[1], f[2]};
        (*out)[(*n)++] = e;
    }
    return more < 0 ? st : MXIO_OK;
}

typedef struct kvlist {
    mxio__kv *kv;
    size_t n, cap;
} kvlist;

static void kvlist_clear(kvlist *l) {
    for (size_t i = 0; i < l->n; i++) {
        free(l->kv[i].key);
        free(l->kv[i].value);
    }
    free(l->kv);
    memset(l, 0, sizeof *l);
}

/* An object of string values ("attrs", "attr", "param"). */
static mxio_status read_string_map(rd *r, const where *w, const char *what, kvlist *l) {
    mxio_status st = begin(r, w, '{', what);
    if (st) return st;
    kvlist_clear(l);
    bool first = true;
    int more;
    while ((more = next_member(r, w, &first, &st)) == 1) {
        if (l->n == MXIO__SYMBOL_MAX_ATTRS)
            return fail(r, r->pos, MXIO_E_LIMIT, w, "\"%s\" has more than %zu attributes", what,
                        MXIO__SYMBOL_MAX_ATTRS);
        if (!grow((void **)&l->kv, &l->cap, l->n + 1, sizeof *l->kv))
            return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
        mxio__kv *kv = &l->kv[l->n];
        kv->key = mxio__strndup(r->scratch.data, r->scratch.len);
        kv->value = NULL;
        if (!kv->key) return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
        l->n++;
        ws(r);
        size_t at_value = r->pos;
        if (peek(r) == '"' && (st = read_string_dup(r, w, "an attribute", &kv->value)) == MXIO_OK)
            continue;
        char desc[160], q[64];
        mxio__printable(q, sizeof q, kv->key, strlen(kv->key));
        snprintf(desc, sizeof desc, "attribute \"%s\" in \"%s\"", q, what);
        if (peek(r) != '"' && peek(r) >= 0 && !strchr("}],:", peek(r)))
            return fail(r, r->pos, MXIO_E_CORRUPT, w,
                        "%s must be a string, found %s (MXNet stores every attribute value as a "
                        "string)",
                        desc, token_name(peek(r)));
        if (peek(r) != '"') return read_string_dup(r, w, desc, &kv->value);
        /* re-read to name the attribute in the message */
        r->pos = at_value;
        return read_string_dup(r, w, desc, &kv->value);
    }
    return more < 0 ? st : MXIO_OK;
}

/* Sort by key bytes (std::map order); of keys repeated in the file the last
 * one wins, as with dmlc's map reader. */
typedef struct kv_at {
    mxio__kv kv;
    size_t at; /* position in the file */
} kv_at;

static int kv_at_cmp(const void *a, const void *b) {
    const kv_at *x = a, *y = b;
    int c = strcmp(x->kv.key, y->kv.key);
    return c ? c : (x->at < y->at ? -1 : 1);
}

static bool sort_unique(kvlist *l) {
    if (l->n < 2) return true;
    kv_at *t = mxio__calloc_array(l->n, sizeof *t);
    if (!t) return false;
    for (size_t i = 0; i < l->n; i++) {
        t[i].kv = l->kv[i];
        t[i].at = i;
    }
    qsort(t, l->n, sizeof *t, kv_at_cmp);
    size_t out = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (i + 1 < l->n && strcmp(t[i].kv.key, t[i + 1].kv.key) == 0) {
            free(t[i].kv.key);
            free(t[i].kv.value);
            continue;
        }
        l->kv[out++] = t[i].kv;
    }
    l->n = out;
    free(t);
    return true;
}

static mxio_status read_graph(rd *r, struct mxio_symbol *s, int depth, const char *path);

static mxio_status read_node(rd *r, mxio__node *n, size_t id, int depth, const char *path) {
    where w = {path, (int64_t)id, NULL};
    mxio_status st = begin(r, &w, '{', "a node");
    if (st) return st;
    size_t at = r->pos - 1;
    kvlist dict = {0}, param = {0};
    bool have_op = false, have_name = false, have_inputs = false;
    bool first = true;
    int more;
    while ((more = next_member(r, &w, &first, &st)) == 1) {
        /* the key lives in r->scratch until the value is read; keep a copy */
        char key[24] = "";
        if (r->scratch.len < sizeof key) memcpy(key, r->scratch.data, r->scratch.len + 1);
        if (strcmp(key, "op") == 0) {
            if (peek(r) == 'n') {
                st = fail(r, r->pos, MXIO_E_CORRUPT, &w,
                          "\"op\" is JSON null; a variable's op must be the string \"null\"");
                break;
            }
            if ((st = read_string_dup(r, &w, "\"op\"", &n->op))) break;
            have_op = true;
        } else if (strcmp(key, "name") == 0) {
            if ((st = read_string_dup(r, &w, "\"name\"", &n->name))) break;
            w.name = n->name;
            have_name = true;
        } else if (strcmp(key, "inputs") == 0) {
            if ((st = read_entries(r, &w, "\"inputs\"", &n->inputs, &n->ninputs,
                                   MXIO__SYMBOL_MAX_INPUTS)))
                break;
            have_inputs = true;
        } else if (strcmp(key, "attrs") == 0 || strcmp(key, "attr") == 0) {
            n->spelling |= key[4] == 's' ? MXIO__SPELL_ATTRS : MXIO__SPELL_ATTR;
            if ((st = read_string_map(r, &w, key[4] == 's' ? "attrs" : "attr", &dict))) break;
        } else if (strcmp(key, "param") == 0) {
            n->spelling |= MXIO__SPELL_PARAM;
            if ((st = read_string_map(r, &w, "param", &param))) break;
        } else if (strcmp(key, "control_deps") == 0) {
            if ((st = read_uints(r, &w, "\"control_deps\"", &n->control_deps, &n->ncontrol_deps,
                                 MXIO__SYMBOL_MAX_INPUTS)))
                break;
        } else if (strcmp(key, "subgraphs") == 0) {
            if ((st = begin(r, &w, '[', "\"subgraphs\""))) break;
            if (depth + 1 > MXIO__SYMBOL_MAX_DEPTH) {
                st = fail(r, r->pos, MXIO_E_LIMIT, &w, "subgraphs nested deeper than %d levels",
                          MXIO__SYMBOL_MAX_DEPTH);
                break;
            }
            for (size_t i = 0; i < n->nsubgraphs; i++) mxio__symbol_destroy(n->subgraphs[i]);
            n->nsubgraphs = 0;
            size_t cap = 0;
            bool sfirst = true;
            int smore;
            while ((smore = next_item(r, &w, &sfirst, &st)) == 1) {
                if (n->nsubgraphs == MXIO__SYMBOL_MAX_INPUTS) {
                    st = fail(r, r->pos, MXIO_E_LIMIT, &w, "more than %zu subgraphs",
                              MXIO__SYMBOL_MAX_INPUTS);
                    break;
                }
                struct mxio_symbol *sub = calloc(1, sizeof *sub);
                if (!sub || !grow((void **)&n->subgraphs, &cap, n->nsubgraphs + 1,
                                  sizeof *n->subgraphs)) {
                    free(sub);
                    st = fail(r, r->pos, MXIO_E_NOMEM, &w, "out of memory");
                    break;
                }
                n->subgraphs[n->nsubgraphs++] = sub;
                char q[80], subpath[400];
                mxio__printable(q, sizeof q, w.name ? w.name : "", w.name ? strlen(w.name) : 0);
                snprintf(subpath, sizeof subpath, "%snode %zu ('%s') subgraph %zu: ", path, id, q,
                         n->nsubgraphs - 1);
                if ((st = read_graph(r, sub, depth + 1, subpath))) break;
            }
            if (st) break;
        } else if (strcmp(key, "backward_source_id") == 0) {
            int c = peek(r);
            bool integer = false;
            if (c != '-' && (c < '0' || c > '9')) {
                st = fail(r, r->pos, MXIO_E_CORRUPT, &w,
                          "\"backward_source_id\" must be an integer, found %s", token_name(c));
                break;
            }
            if ((st = scan_number(r, &w, &integer))) break;
            if (!integer) {
                st = fail(r, r->pos, MXIO_E_CORRUPT, &w, "\"backward_source_id\" must be an integer");
                break;
            }
            n->has_backward_source_id = 1;
        } else {
            char q[80];
            mxio__printable(q, sizeof q, r->scratch.data, r->scratch.len);
            st = fail(r, r->key_pos, MXIO_E_CORRUPT, &w,
                      "unknown key \"%s\" (a node has op, name, inputs, attrs/attr/param, "
                      "control_deps, subgraphs, backward_source_id)",
                      q);
            break;
        }
    }
    if (more < 0 || st) goto done;
    if (!have_op) {
        st = fail(r, at, MXIO_E_CORRUPT, &w, "missing \"op\"");
    } else if (!have_name) {
        st = fail(r, at, MXIO_E_CORRUPT, &w, "missing \"name\"");
    } else if (!have_inputs) {
        st = fail(r, at, MXIO_E_CORRUPT, &w, "missing \"inputs\"");
    } else {
        /* nnvm reads attrs/attr into one dict (a later key replaces it), then
         * inserts param entries without overwriting */
        if (!sort_unique(&dict) || !sort_unique(&param)) {
            st = fail(r, at, MXIO_E_NOMEM, &w, "out of memory");
            goto done;
        }
        size_t keep = dict.n;
        for (size_t i = 0; i < param.n; i++) {
            bool found = false;
            for (size_t lo = 0, hi = keep; lo < hi;) {
                size_t mid = lo + (hi - lo) / 2;
                int c = strcmp(dict.kv[mid].key, param.kv[i].key);
                if (c == 0) {
                    found = true;
                    break;
                }
                if (c < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (found) continue;
            if (!grow((void **)&dict.kv, &dict.cap, dict.n + 1, sizeof *dict.kv)) {
                st = fail(r, at, MXIO_E_NOMEM, &w, "out of memory");
                goto done;
            }
            dict.kv[dict.n++] = param.kv[i];
            param.kv[i].key = param.kv[i].value = NULL;
        }
        if (dict.n > keep && !sort_unique(&dict)) {
            st = fail(r, at, MXIO_E_NOMEM, &w, "out of memory");
            goto done;
        }
        n->attrs = dict.kv;
        n->nattrs = dict.n;
        memset(&dict, 0, sizeof dict);
    }
done:
    kvlist_clear(&dict);
    kvlist_clear(&param);
    return more < 0 && !st ? MXIO_E_FORMAT : st;
}

/* Graph attribute types a stock MXNet 1.9.1 registers for its `any` reader;
 * anything else makes MXNet abort, so it is refused here too. */
static bool known_any_type(const char *t) {
    static const char *const names[] = {"int",         "str",          "list_int",
                                        "list_str",    "list_shape",   "size_t",
                                        "list_layout", "dict_str_int", NULL};
    for (const char *const *p = names; *p; p++)
        if (strcmp(*p, t) == 0) return true;
    return false;
}

static mxio_status read_graph_attrs(rd *r, const where *w, struct mxio_symbol *s) {
    mxio_status st = begin(r, w, '{', "graph \"attrs\"");
    if (st) return st;
    /* a repeated "attrs" replaces the earlier one, a repeated key its value */
    for (size_t i = 0; i < s->ngraph_attrs; i++) {
        free(s->graph_attrs[i].key);
        free(s->graph_attrs[i].type);
        free(s->graph_attrs[i].value_json);
    }
    free(s->graph_attrs);
    s->graph_attrs = NULL;
    s->ngraph_attrs = 0;
    s->file_version = 800;
    size_t cap = 0;
    bool first = true;
    int more;
    while ((more = next_member(r, w, &first, &st)) == 1) {
        mxio__graph_attr *g = NULL;
        for (size_t i = 0; i < s->ngraph_attrs && !g; i++)
            if (strcmp(s->graph_attrs[i].key, r->scratch.data) == 0) g = &s->graph_attrs[i];
        if (g) {
            free(g->type);
            free(g->value_json);
            g->type = g->value_json = NULL;
        } else {
            if (s->ngraph_attrs == MXIO__SYMBOL_MAX_ATTRS)
                return fail(r, r->pos, MXIO_E_LIMIT, w, "graph \"attrs\" has more than %zu keys",
                            MXIO__SYMBOL_MAX_ATTRS);
            if (!grow((void **)&s->graph_attrs, &cap, s->ngraph_attrs + 1, sizeof *s->graph_attrs))
                return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
            g = &s->graph_attrs[s->ngraph_attrs];
            memset(g, 0, sizeof *g);
            g->key = mxio__strndup(r->scratch.data, r->scratch.len);
            if (!g->key) return fail(r, r->pos, MXIO_E_NOMEM, w, "out of memory");
            s->ngraph_attrs++;
        }
        char q[64];
        mxio__printable(q, sizeof q, g->key, strlen(g->key));
        size_t at = r->pos;
        char desc[128];
        snprintf(desc, sizeof desc, "graph attribute \"%s\"", q);
        if (peek(r) != '[')
            return fail(r, at, MXIO_E_CORRUPT, w, "%s must be a pair [\"<type>\", value]", desc);
        r->pos++;
        if (peek(r) != '"')
            return fail(r, at, MXIO_E_CORRUPT, w, "%s must be a pair [\"<type>\", value]", desc);
        if ((st = read_string_dup(r, w, desc, &g->type))) return st;
        if (!known_any_type(g->type)) {
            char t[64];
            mxio__printable(t, sizeof t, g->type, strlen(g->type));
            return fail(r, at, MXIO_E_CORRUPT, w, "%s has type \"%s\", which MXNet does not know",
                        desc, t);
        }
        if (peek(r) != ',')
            return fail(r, at, MXIO_E_CORRUPT, w, "%s must be a pair [\"<type>\", value]", desc);
        r->pos++;
        ws(r);
        size_t vstart = r->pos;
        if ((st = skip_value(r, w))) return st;
        size_t vend = r->pos;
        if (peek(r) != ']')
            return fail(r, at, MXIO_E_CORRUPT, w, "%s must be a pair [\"<type>\", value]", desc);
        r->pos++;
        json_error_t je;
        json_t *v = json_loadb(r->p + vstart, vend - vstart, JSON_DECODE_ANY, &je);
        g->value_json = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        bool is_int = v && json_is_integer(v);
        json_int_t iv = is_int ? json_integer_value(v) : -1;
        json_decref(v);
        if (!g->value_json)
            return fail(r, vstart, MXIO_E_CORRUPT, w, "%s: value not readable (%s)", desc,
                        v ? "out of memory" : je.text);
        if (strcmp(g->key, "mxnet_version") == 0) {
            if (strcmp(g->type, "int") != 0 || !is_int || iv < 0 || iv > INT32_MAX)
                return fail(r, at, MXIO_E_CORRUPT, w,
                            "graph attribute \"mxnet_version\" must be [\"int\", <version>]");
            s->file_version = (int)iv;
        }
    }
    return more < 0 ? st : MXIO_OK;
}

static mxio_status read_graph(rd *r, struct mxio_symbol *s, int depth, const char *path) {
    where w = {path, -1, NULL};
    s->file_version = 800;
    int c = peek(r);
    if (c != '{') {
        if (depth == 0 && (c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' ||
                           (c >= '0' && c <= '9')))
            return fail(r, r->pos, MXIO_E_FORMAT, &w,
                        "the top level is %s, not an object with \"nodes\", \"arg_nodes\" and "
                        "\"heads\"",
                        token_name(c));
        if (depth == 0) return syntax(r, &w, "'{'");
        return begin(r, &w, '{', "a subgraph");
    }
    size_t at = r->pos++;
    bool have_nodes = false, have_args = false, have_heads = false;
    size_t cap = 0;
    mxio_status st;
    bool first = true;
    int more;
    while ((more = next_member(r, &w, &first, &st)) == 1) {
        char key[16] = "";
        if (r->scratch.len < sizeof key) memcpy(key, r->scratch.data, r->scratch.len + 1);
        if (strcmp(key, "nodes") == 0) {
            if ((st = begin(r, &w, '[', "\"nodes\""))) return st;
            for (size_t i = 0; i < s->nnodes; i++) mxio__node_clear(&s->nodes[i]);
            s->nnodes = 0;
            bool nfirst = true;
            int nmore;
            while ((nmore = next_item(r, &w, &nfirst, &st)) == 1) {
                if (s->nnodes == MXIO__SYMBOL_MAX_NODES)
                    return fail(r, r->pos, MXIO_E_LIMIT, &w, "more than %zu nodes",
                                MXIO__SYMBOL_MAX_NODES);
                if (!grow((void **)&s->nodes, &cap, s->nnodes + 1, sizeof *s->nodes))
                    return fail(r, r->pos, MXIO_E_NOMEM, &w, "out of memory");
                memset(&s->nodes[s->nnodes], 0, sizeof *s->nodes);
                s->nnodes++; /* so a failure frees what this node holds */
                if ((st = read_node(r, &s->nodes[s->nnodes - 1], s->nnodes - 1, depth, path)))
                    return st;
            }
            if (nmore < 0) return st;
            have_nodes = true;
        } else if (strcmp(key, "arg_nodes") == 0) {
            if ((st = read_uints(r, &w, "\"arg_nodes\"", &s->arg_nodes, &s->narg_nodes,
                                 MXIO__SYMBOL_MAX_NODES)))
                return st;
            have_args = true;
        } else if (strcmp(key, "heads") == 0) {
            if ((st = read_entries(r, &w, "\"heads\"", &s->heads, &s->nheads, MXIO__SYMBOL_MAX_NODES)))
                return st;
            have_heads = true;
        } else if (strcmp(key, "node_row_ptr") == 0) {
            if ((st = read_uints(r, &w, "\"node_row_ptr\"", &s->file_row_ptr, &s->nfile_row_ptr,
                                 MXIO__SYMBOL_MAX_NODES + 1)))
                return st;
            s->has_row_ptr_key = 1;
        } else if (strcmp(key, "attrs") == 0) {
            s->has_graph_attrs_key = 1;
            if ((st = read_graph_attrs(r, &w, s))) return st;
        } else {
            char q[80];
            mxio__printable(q, sizeof q, r->scratch.data, r->scratch.len);
            return fail(r, r->key_pos, MXIO_E_CORRUPT, &w,
                        "unknown top-level key \"%s\" (a symbol has nodes, arg_nodes, "
                        "node_row_ptr, heads, attrs)",
                        q);
        }
    }
    if (more < 0) return st;
    mxio_status missing = depth == 0 && !have_nodes ? MXIO_E_FORMAT : MXIO_E_CORRUPT;
    if (!have_nodes) return fail(r, at, missing, &w, "missing \"nodes\"");
    if (!have_args) return fail(r, at, MXIO_E_CORRUPT, &w, "missing \"arg_nodes\"");
    if (!have_heads) return fail(r, at, MXIO_E_CORRUPT, &w, "missing \"heads\"");
    if (s->nfile_row_ptr) {
        s->node_row_ptr = mxio__calloc_array(s->nfile_row_ptr, sizeof *s->node_row_ptr);
        if (!s->node_row_ptr) return fail(r, at, MXIO_E_NOMEM, &w, "out of memory");
        memcpy(s->node_row_ptr, s->file_row_ptr, s->nfile_row_ptr * sizeof *s->node_row_ptr);
    }
    s->nnode_row_ptr = s->nfile_row_ptr;
    return MXIO_OK;
}

mxio_status mxio__symbol_parse(const char *json, size_t len, const char *label,
                               struct mxio_symbol **out, mxio_error *err) {
    *out = NULL;
    rd r = {json, len, 0, 0, label ? label : "<buffer>", err, {0}};
    if (len > MXIO__SYMBOL_MAX_TEXT)
        return mxio__fail(err, MXIO_E_LIMIT, "%s: %zu bytes of JSON (limit %zu)", r.label, len,
                          MXIO__SYMBOL_MAX_TEXT);
    struct mxio_symbol *s = calloc(1, sizeof *s);
    mxio_status st;
    if (!s || !(s->label = mxio__strdup(r.label))) {
        st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", r.label);
    } else if (peek(&r) < 0) {
        st = mxio__fail_at(err, MXIO_E_FORMAT, 0, -1, -1, "%s: not valid JSON: the file is empty",
                           r.label);
    } else {
        st = read_graph(&r, s, 0, "");
        if (!st && peek(&r) >= 0)
            st = fail(&r, r.pos, MXIO_E_FORMAT, NULL,
                      "not valid JSON: text after the end of the symbol (byte %zu)", r.pos);
    }
    mxio__buf_free(&r.scratch);
    if (st != MXIO_OK) {
        mxio__symbol_destroy(s);
        return st;
    }
    *out = s;
    return MXIO_OK;
}
