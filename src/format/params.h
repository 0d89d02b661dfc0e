/* params.h - the in-memory array list behind mxio_params (internal).
 *
 * A list read from a file borrows its dense payloads from the file mapping (or
 * from the handle's own copy of a buffer); arrays built in memory, inflated npz
 * members and transposed Fortran-order npy arrays own their payloads. */
#ifndef MXIO_FORMAT_PARAMS_H
#define MXIO_FORMAT_PARAMS_H

#include "base/base.h"

/* Most dims a shape may have; MXNet itself has no cap (it allocates what the
 * file says), NumPy caps at 32. */
#define MXIO_MAX_DIMS 32

/* Most arrays a list may hold (real models have at most tens of thousands).
 * Each array costs ~250 bytes of bookkeeping whatever its record size, so this
 * caps what a file of tiny records can make the reader allocate. */
#define MXIO_MAX_ARRAYS ((uint64_t)1 << 20)

typedef struct mxio__param {
    mxio_array a;   /* the view handed out; pointers into the fields below or the file */
    char *name;     /* owned NUL-terminated copy of the raw name, or NULL */
    int64_t *dims;  /* owned: shape, storage shape, aux shapes (a.* point in here) */
    void *owned;    /* owned payload bytes (values then aux), or NULL when borrowed */
    /* For none records: the shape exactly as stored, so write-back reproduces it. */
    int32_t none_ndim;
    /* Sparse: the storage shape exactly as stored. MXNet writes a stale (0,...)
     * one for some arrays and derives the real one from the aux shapes; a.storage_shape
     * is the derived one. NULL when it equals a.storage_shape. */
    int32_t stored_sndim;
    const int64_t *stored_sshape;
} mxio__param;

/* int64 slots in mxio__param.dims: shape, storage shape, 2 aux shapes, stored storage shape */
#define MXIO__DIMS_SLOTS ((size_t)MXIO_MAX_DIMS * 5)

struct mxio_params {
    mxio__file file;   /* the mapped or copied input file (read_file) */
    uint8_t *bytes;    /* owned copy of the input (read_buffer) */
    char *label;       /* source name used in messages */
    int has_names;
    size_t count, cap;
    mxio__param *items;
    /* name -> index hash tables (open addressing, slot = index + 1, 0 = empty),
     * for raw names and for names without arg:/aux:; built once a named list is
     * read and kept current by append, so lookups need no writes (thread-safe reads) */
    size_t *by_name, *by_short;
    size_t index_cap;
};

/* Allocate an empty list labelled `label` (may be NULL). */
mxio_params *mxio__params_alloc(const char *label);
/* Append a slot; returns it zeroed or NULL when out of memory. */
mxio__param *mxio__params_push(mxio_params *p);
/* Free what one slot owns. */
void mxio__param_clear(mxio__param *e);

/* Parse a .params container held at buf (the handle keeps it alive). */
mxio_status mxio__params_parse(mxio_params *p, const uint8_t *buf, size_t len, mxio_error *err);

/* Build the name index; refuses two arrays with the same raw name
 * (MXIO_E_CORRUPT naming both indices). */
mxio_status mxio__params_index(mxio_params *p, mxio_error *err);

/* Drop this process's pages of array i's values when they are borrowed from the
 * file mapping (a runner that has its own copy calls it to keep the mapped
 * file out of its peak RSS); a later read faults them in again. Returns the
 * bytes released (0 for owned payloads and copied files). */
size_t mxio__params_release_values(const mxio_params *p, size_t i);

/* Quote a (possibly binary) name for a message: "'name'" or "" when NULL. */
const char *mxio__quote_name(char *out, size_t cap, const char *name, size_t len);

/* "(64,3,7,7)" into out. */
void mxio__format_shape(char *out, size_t cap, const int64_t *dims, int ndim);

/* 1 if the n bytes at s are valid UTF-8. */
int mxio__utf8_valid(const char *s, size_t n);

#endif
