/* arraypath.c - ArrayPath Automatic: find the params file that belongs to a symbol.
 *
 * "prefix-symbol.json" -> the latest "prefix-NNNN.params" (what save_checkpoint
 * writes; the epoch is compared as a number, so 10000 beats 9999).
 * "name.json" -> the latest "name-NNNN.params", else "name.params", else another
 * "name*.params" (the spec's glob). Unlike the reference importer, which took the
 * first file listed (the lowest epoch), the latest epoch wins, and the caller is
 * told how many candidates there were so it can say which one it took. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#include "../base/base.h"

static bool ends_with_ci(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool is_regular_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* If `entry` is "<stem>-<digits>.params" with 4 or more digits, return the digits
 * (pointer into entry) and their count; else NULL. */
static const char *epoch_digits(const char *entry, const char *stem, size_t stem_len,
                                size_t *ndigits) {
    if (strncmp(entry, stem, stem_len) != 0 || entry[stem_len] != '-') return NULL;
    const char *d = entry + stem_len + 1;
    size_t n = 0;
    while (d[n] >= '0' && d[n] <= '9') n++;
    if (n < 4 || strcmp(d + n, ".params") != 0) return NULL;
    *ndigits = n;
    return d;
}

/* Numeric comparison of two digit strings of any length (no overflow). */
static int compare_epochs(const char *a, size_t na, const char *b, size_t nb) {
    while (na > 1 && *a == '0') a++, na--;
    while (nb > 1 && *b == '0') b++, nb--;
    if (na != nb) return na < nb ? -1 : 1;
    return memcmp(a, b, na);
}

static char *join_path(const char *dir, size_t dir_len, const char *entry) {
    size_t n = 0;
    if (!mxio__add_size(dir_len, strlen(entry), &n) || !mxio__add_size(n, 1, &n)) return NULL;
    char *out = malloc(n);
    if (!out) return NULL;
    memcpy(out, dir, dir_len);
    strcpy(out + dir_len, entry);
    return out;
}

mxio_status mxio_find_params(const char *symbol_path, char **out, int *candidates,
                             mxio_error *err) {
    mxio__error_clear(err);
    if (!symbol_path || !out)
        return mxio__fail(err, MXIO_E_MISUSE, "mxio_find_params: NULL argument");
    *out = NULL;
    if (candidates) *candidates = 0;

    bool checkpoint = ends_with_ci(symbol_path, "-symbol.json");
    if (!checkpoint && !ends_with_ci(symbol_path, ".json"))
        return mxio__fail(err, MXIO_E_MISUSE,
                          "%s: cannot derive a params file name: the symbol path must end in "
                          "\"-symbol.json\" or \".json\"",
                          symbol_path);

    const char *base = mxio__basename(symbol_path);
    size_t dir_len = (size_t)(base - symbol_path);
    size_t stem_len = strlen(base) - strlen(checkpoint ? "-symbol.json" : ".json");
    char *stem = mxio__strndup(base, stem_len);
    char *dir = dir_len ? mxio__strndup(symbol_path, dir_len) : mxio__strdup(".");
    if (!stem || !dir) {
        free(stem);
        free(dir);
        return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", symbol_path);
    }

    DIR *d = opendir(dir);
    if (!d) {
        mxio_status st = mxio__fail(err, MXIO_E_NOT_FOUND, "%s: cannot list directory %s",
                                    symbol_path, dir);
        free(stem);
        free(dir);
        return st;
    }

    /* Best epoch file, the exact "name.params", and the first other glob match
     * (by byte order, so the choice does not depend on directory order). */
    char *best_epoch = NULL, *other = NULL;
    const char *best_digits = NULL;
    size_t best_ndigits = 0;
    int n_epochs = 0, n_glob = 0;
    bool exact = false;
    mxio_status st = MXIO_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (!ends_with_ci(name, ".params") || strncmp(name, stem, stem_len) != 0) continue;
        char *full = join_path(symbol_path, dir_len, name);
        if (!full) {
            st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", symbol_path);
            break;
        }
        bool regular = is_regular_file(full);
        free(full);
        if (!regular) continue;
        size_t nd = 0;
        const char *digits = epoch_digits(name, stem, stem_len, &nd);
        if (digits) {
            n_epochs++;
            if (!best_epoch || compare_epochs(digits, nd, best_digits, best_ndigits) > 0) {
                char *copy = mxio__strdup(name);
                if (!copy) {
                    st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", symbol_path);
                    break;
                }
                free(best_epoch);
                best_epoch = copy;
                best_digits = copy + (digits - name);
                best_ndigits = nd;
            }
            continue;
        }
        if (checkpoint) continue; /* only epoch files belong to a checkpoint */
        n_glob++;
        if (strcmp(name + stem_len, ".params") == 0) {
            exact = true;
        } else if (!other || strcmp(name, other) < 0) {
            char *copy = mxio__strdup(name);
            if (!copy) {
                st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", symbol_path);
                break;
            }
            free(other);
            other = copy;
        }
    }
    closedir(d);

    if (st == MXIO_OK) {
        const char *pick = NULL;
        int count = 0;
        if (best_epoch) {
            pick = best_epoch;
            count = n_epochs;
        } else if (exact) {
            pick = NULL; /* built below from the stem */
            count = n_glob;
        } else if (other) {
            pick = other;
            count = n_glob;
        }
        if (!pick && !exact) {
            st = mxio__fail(err, MXIO_E_NOT_FOUND,
                            checkpoint ? "%s: no params file found (looked for %.*s%s-NNNN.params)"
                                       : "%s: no params file found (looked for %.*s%s-NNNN.params "
                                         "and %s*.params)",
                            symbol_path, (int)dir_len, symbol_path, stem, stem);
        } else {
            char exact_name[4096];
            if (!pick) {
                if (stem_len + sizeof ".params" > sizeof exact_name) {
                    st = mxio__fail(err, MXIO_E_LIMIT, "%s: file name too long", symbol_path);
                } else {
                    memcpy(exact_name, stem, stem_len);
                    strcpy(exact_name + stem_len, ".params");
                    pick = exact_name;
                }
            }
            if (st == MXIO_OK) {
                *out = join_path(symbol_path, dir_len, pick);
                if (!*out)
                    st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", symbol_path);
                else if (candidates)
                    *candidates = count;
            }
        }
    }
    free(best_epoch);
    free(other);
    free(stem);
    free(dir);
    return st;
}
