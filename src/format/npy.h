/* npy.h - NumPy .npy headers and .npz (ZIP) archives (internal). */
#ifndef MXIO_FORMAT_NPY_H
#define MXIO_FORMAT_NPY_H

#include "format/params.h"

/* Parse one .npy image at buf (len bytes) into *e: dtype, shape and a payload
 * borrowed from buf (or owned, when a Fortran-order array is transposed).
 * `label` and `member` name the source in messages; `base` is buf's offset in
 * the file, for offsets in messages. */
mxio_status mxio__npy_parse(mxio__param *e, const uint8_t *buf, size_t len, const char *label,
                            const char *member, uint64_t base, mxio_error *err);

/* Append the .npy header (magic, version, dict, padding) numpy 1.23 writes for
 * a C-order array of this dtype and shape. */
mxio_status mxio__npy_header(mxio__buf *b, mxio_dtype dtype, const int64_t *shape, int ndim,
                             mxio_error *err);

/* Read a ZIP (.npz) archive at buf into p: one array per "*.npy" member. */
mxio_status mxio__npz_parse(mxio_params *p, const uint8_t *buf, size_t len, mxio_error *err);

/* True if buf starts like a ZIP archive / a .npy file. */
int mxio__looks_like_zip(const uint8_t *buf, size_t len);
int mxio__looks_like_npy(const uint8_t *buf, size_t len);

#endif
