/* npz.c - NumPy .npz archives: a ZIP reader (stored and deflated members,
 * ZIP64 records) driven by the central directory, and a writer that stores
 * members uncompressed as numpy.savez does. Every ZIP field goes through the
 * bounded reader. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "format/npy.h"

#define SIG_LOCAL UINT32_C(0x04034b50)
#define SIG_CENTRAL UINT32_C(0x02014b50)
#define SIG_EOCD UINT32_C(0x06054b50)
#define SIG_EOCD64 UINT32_C(0x06064b50)
#define SIG_LOCATOR64 UINT32_C(0x07064b50)

int mxio__looks_like_zip(const uint8_t *buf, size_t len) {
    return len >= 4 && buf[0] == 'P' && buf[1] == 'K' &&
           ((buf[2] == 3 && buf[3] == 4) || (buf[2] == 5 && buf[3] == 6));
}

static bool read_u16(mxio__reader *r, uint16_t *v) {
    const uint8_t *p;
    if (!mxio__read_bytes(r, 2, &p)) return false;
    *v = mxio__load_u16le(p);
    return true;
}

static mxio_status zfail(mxio_params *p, mxio_error *err, mxio_status code, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static mxio_status zfail(mxio_params *p, mxio_error *err, mxio_status code, uint64_t off, const char *fmt, ...) {
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mxio__fail_at(err, code, (int64_t)off, -1, -1, "%s: %s at offset 0x%" PRIx64, p->label, what, off);
}

/* Fix up 0xFFFF.. fields from a ZIP64 extended-information extra field. */
static bool apply_zip64(const uint8_t *extra, size_t n, uint64_t *usize, uint64_t *csize, uint64_t *off) {
    mxio__reader r;
    mxio__reader_init(&r, extra, n);
    while (mxio__reader_remaining(&r) >= 4) {
        uint16_t id = 0, len = 0;
        const uint8_t *body;
        read_u16(&r, &id);
        read_u16(&r, &len);
        if (!mxio__read_bytes(&r, len, &body)) return false;
        if (id != 1) continue;
        mxio__reader b;
        mxio__reader_init(&b, body, len);
        if (*usize == 0xFFFFFFFFu && !mxio__read_u64(&b, usize)) return false;
        if (csize && *csize == 0xFFFFFFFFu && !mxio__read_u64(&b, csize)) return false;
        if (off && *off == 0xFFFFFFFFu && !mxio__read_u64(&b, off)) return false;
        return true;
    }
    return true;
}

static mxio_status inflate_member(mxio_params *p, mxio_error *err, const uint8_t *src, uint64_t csize,
                                  uint64_t usize, uint64_t at, uint8_t **out) {
    /* deflate cannot expand data more than ~1032:1; refuse sizes the input cannot justify */
    if (usize > SIZE_MAX || usize / 1032 > csize + 1)
        return zfail(p, err, MXIO_E_CORRUPT, at, "deflated member claims %" PRIu64 " bytes from %" PRIu64
                     " compressed bytes", usize, csize);
    uint8_t *dst = malloc(usize ? (size_t)usize : 1);
    if (!dst) return zfail(p, err, MXIO_E_NOMEM, at, "cannot allocate %" PRIu64 " bytes", usize);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
        free(dst);
        return zfail(p, err, MXIO_E_NOMEM, at, "zlib init failed");
    }
    uint64_t in_left = csize, out_done = 0;
    const uint8_t *in = src;
    int rc = Z_OK;
    while (rc == Z_OK) {
        uInt chunk_in = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
        uint64_t out_left = usize - out_done;
        uInt chunk_out = out_left > UINT32_MAX ? UINT32_MAX : (uInt)out_left;
        z.next_in = (Bytef *)(uintptr_t)in;
        z.avail_in = chunk_in;
        z.next_out = dst + out_done;
        z.avail_out = chunk_out;
        rc = inflate(&z, Z_NO_FLUSH);
        in += chunk_in - z.avail_in;
        in_left -= chunk_in - z.avail_in;
        out_done += chunk_out - z.avail_out;
        if (rc == Z_OK && chunk_in == z.avail_in && chunk_out == z.avail_out) rc = Z_BUF_ERROR; /* no progress */
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END || out_done != usize) {
        free(dst);
        return zfail(p, err, MXIO_E_CORRUPT, at, "deflated member does not inflate to its %" PRIu64 " bytes (%s)",
                     usize, z.msg ? z.msg : "size mismatch");
    }
    *out = dst;
    return MXIO_OK;
}

static uint32_t crc_of(const uint8_t *d, uint64_t n) {
    uLong c = crc32(0, Z_NULL, 0);
    while (n > 0) {
        uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        c = crc32(c, d, k);
        d += k;
        n -= k;
    }
    return (uint32_t)c;
}

mxio_status mxio__npz_parse(mxio_params *p, const uint8_t *buf, size_t len, mxio_error *err) {
    if (len < 22) return zfail(p, err, MXIO_E_TRUNCATED, len, "too short for a ZIP archive (%zu bytes)", len);
    /* the end-of-central-directory record sits in the last 22 + 65535 bytes */
    size_t eocd = SIZE_MAX;
    size_t lowest = len - 22 > 65535 ? len - 22 - 65535 : 0;
    for (size_t i = len - 22 + 1; i-- > lowest;) {
        if (mxio__load_u32le(buf + i) == SIG_EOCD) {
            eocd = i;
            break;
        }
    }
    if (eocd == SIZE_MAX)
        return zfail(p, err, MXIO_E_TRUNCATED, len, "ZIP end-of-central-directory record not found (truncated?)");
    mxio__reader r;
    mxio__reader_init(&r, buf, len);
    r.pos = eocd + 4;
    uint16_t disk = 0, cd_disk = 0, n_disk = 0, n_total = 0, clen = 0;
    uint32_t cd_size32 = 0, cd_off32 = 0;
    read_u16(&r, &disk);
    read_u16(&r, &cd_disk);
    read_u16(&r, &n_disk);
    read_u16(&r, &n_total);
    mxio__read_u32(&r, &cd_size32);
    mxio__read_u32(&r, &cd_off32);
    read_u16(&r, &clen);
    uint64_t n_entries = n_total, cd_size = cd_size32, cd_off = cd_off32;
    if (disk != 0 || cd_disk != 0 || n_disk != n_total)
        return zfail(p, err, MXIO_E_UNSUPPORTED, eocd, "multi-volume ZIP archives are not supported");
    if (n_total == 0xFFFF || cd_size32 == 0xFFFFFFFFu || cd_off32 == 0xFFFFFFFFu) {
        /* ZIP64: locator (20 bytes) right before the EOCD points at the ZIP64 EOCD */
        uint32_t sig = 0;
        uint64_t z64 = 0;
        if (eocd < 20) return zfail(p, err, MXIO_E_CORRUPT, eocd, "ZIP64 locator missing");
        r.pos = eocd - 20;
        mxio__read_u32(&r, &sig);
        r.pos += 4;
        mxio__read_u64(&r, &z64);
        if (sig != SIG_LOCATOR64 || z64 > len - 56)
            return zfail(p, err, MXIO_E_CORRUPT, eocd - 20, "ZIP64 locator missing or out of range");
        r.pos = (size_t)z64;
        mxio__read_u32(&r, &sig);
        if (sig != SIG_EOCD64) return zfail(p, err, MXIO_E_CORRUPT, z64, "bad ZIP64 end-of-central-directory");
        r.pos += 8 + 2 + 2 + 4 + 4 + 8;
        mxio__read_u64(&r, &n_entries);
        mxio__read_u64(&r, &cd_size);
        mxio__read_u64(&r, &cd_off);
    }
    if (cd_off > len || cd_size > len - cd_off)
        return zfail(p, err, MXIO_E_TRUNCATED, eocd, "central directory (%" PRIu64 " bytes at 0x%" PRIx64
                     ") lies outside the file", cd_size, cd_off);
    if (n_entries > cd_size / 46)
        return zfail(p, err, MXIO_E_CORRUPT, eocd, "%" PRIu64 " entries cannot fit in a central directory of %"
                     PRIu64 " bytes", n_entries, cd_size);
    if (n_entries > MXIO_MAX_ARRAYS)
        return zfail(p, err, MXIO_E_LIMIT, eocd, "%" PRIu64 " members is over the limit of %" PRIu64 " arrays",
                     n_entries, MXIO_MAX_ARRAYS);
    mxio__reader cd;
    mxio__reader_init(&cd, buf + cd_off, (size_t)cd_size);
    p->has_names = 1;
    for (uint64_t i = 0; i < n_entries; i++) {
        uint64_t at = cd_off + cd.pos;
        uint32_t sig, crc, csize32, usize32, loff32, eattr;
        uint16_t made, need, flags, method, tm, dt, nlen, xlen, cmlen, dstart, iattr;
        const uint8_t *name, *extra, *comment;
        if (!mxio__read_u32(&cd, &sig) || sig != SIG_CENTRAL)
            return zfail(p, err, MXIO_E_CORRUPT, at, "central directory entry %" PRIu64 " has no signature", i);
        bool ok = read_u16(&cd, &made) && read_u16(&cd, &need) && read_u16(&cd, &flags) && read_u16(&cd, &method) &&
                  read_u16(&cd, &tm) && read_u16(&cd, &dt) && mxio__read_u32(&cd, &crc) &&
                  mxio__read_u32(&cd, &csize32) && mxio__read_u32(&cd, &usize32) && read_u16(&cd, &nlen) &&
                  read_u16(&cd, &xlen) && read_u16(&cd, &cmlen) && read_u16(&cd, &dstart) &&
                  read_u16(&cd, &iattr) && mxio__read_u32(&cd, &eattr) && mxio__read_u32(&cd, &loff32) &&
                  mxio__read_bytes(&cd, nlen, &name) && mxio__read_bytes(&cd, xlen, &extra) &&
                  mxio__read_bytes(&cd, cmlen, &comment);
        if (!ok) return zfail(p, err, MXIO_E_TRUNCATED, at, "central directory entry %" PRIu64 " is truncated", i);
        uint64_t usize = usize32, csize = csize32, loff = loff32;
        if (!apply_zip64(extra, xlen, &usize, &csize, &loff))
            return zfail(p, err, MXIO_E_CORRUPT, at, "bad ZIP64 extra field in entry %" PRIu64, i);
        char q[200];
        mxio__printable(q, sizeof q, (const char *)name, nlen);
        if (nlen > 0 && name[nlen - 1] == '/') continue; /* a directory */
        if (flags & 1) return zfail(p, err, MXIO_E_UNSUPPORTED, at, "member '%s' is encrypted", q);
        if (method != 0 && method != 8)
            return zfail(p, err, MXIO_E_UNSUPPORTED, at, "member '%s' uses compression method %u (only stored and "
                         "deflate are supported)", q, method);
        if (nlen < 4 || memcmp(name + nlen - 4, ".npy", 4) != 0)
            return zfail(p, err, MXIO_E_UNSUPPORTED, at, "member '%s' is not a .npy array", q);
        if (nlen >= 11 && memcmp(name + nlen - 11, "/format.npy", 11) == 0)
            return zfail(p, err, MXIO_E_UNSUPPORTED, at, "member '%s' belongs to an MXNet 2.x sparse array, "
                         "which is not supported", q);
        if (!mxio__utf8_valid((const char *)name, nlen))
            return zfail(p, err, MXIO_E_CORRUPT, at, "member name '%s' is not UTF-8", q);
        /* the local header: only its name and extra lengths matter, the sizes are the central ones */
        mxio__reader lh;
        mxio__reader_init(&lh, buf, len);
        uint32_t lsig = 0;
        uint16_t lnlen = 0, lxlen = 0;
        if (loff > len - 30 || len < 30)
            return zfail(p, err, MXIO_E_TRUNCATED, loff, "local header of member '%s' lies outside the file", q);
        lh.pos = (size_t)loff;
        mxio__read_u32(&lh, &lsig);
        if (lsig != SIG_LOCAL) return zfail(p, err, MXIO_E_CORRUPT, loff, "member '%s' has no local header", q);
        lh.pos += 22;
        read_u16(&lh, &lnlen);
        read_u16(&lh, &lxlen);
        size_t data_at = lh.pos;
        if ((size_t)lnlen + lxlen > len - data_at || csize > len - data_at - lnlen - lxlen)
            return zfail(p, err, MXIO_E_TRUNCATED, loff, "member '%s' (%" PRIu64 " bytes) runs past the end of "
                         "the file", q, csize);
        data_at += (size_t)lnlen + lxlen;
        const uint8_t *data = buf + data_at;
        uint8_t *inflated = NULL;
        uint64_t dlen = csize;
        if (method == 8) {
            mxio_status st = inflate_member(p, err, data, csize, usize, data_at, &inflated);
            if (st) return st;
            data = inflated;
            dlen = usize;
        } else if (usize != csize) {
            return zfail(p, err, MXIO_E_CORRUPT, at, "stored member '%s' has sizes %" PRIu64 " != %" PRIu64, q,
                         usize, csize);
        }
        if (crc_of(data, dlen) != crc) {
            free(inflated);
            return zfail(p, err, MXIO_E_CORRUPT, data_at, "member '%s' fails its CRC-32 check", q);
        }
        mxio__param *e = mxio__params_push(p);
        if (!e) {
            free(inflated);
            return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
        }
        e->name = mxio__strndup((const char *)name, nlen - 4u);
        char member[300];
        snprintf(member, sizeof member, "%s", q);
        mxio_status st = e->name ? mxio__npy_parse(e, data, (size_t)dlen, p->label, member,
                                                   inflated ? data_at : data_at, err)
                                 : mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", p->label);
        if (st) {
            free(inflated);
            return st;
        }
        if (inflated) {
            if (e->owned) {
                free(inflated); /* the transposed copy is what the array uses */
            } else {
                e->owned = inflated;
            }
        }
        e->a.name = e->name;
        e->a.name_len = nlen - 4u;
        e->a.file_offset = loff;
    }
    /* names must be unique, as in any params list */
    return mxio__params_index(p, err);
}

/* ---- writer ------------------------------------------------------------- */

mxio_status mxio_params_write_npz(const mxio_params *p, const char *path, uint32_t flags, mxio_error *err) {
    mxio__error_clear(err);
    if (!p || !path) return mxio__fail(err, MXIO_E_MISUSE, "mxio_params_write_npz: NULL argument");
    size_t n = p->count;
    mxio__buf meta;     /* local headers + npy headers, one after another */
    mxio__buf central;
    mxio__buf_init(&meta);
    mxio__buf_init(&central);
    size_t *meta_off = mxio__calloc_array(n + 1, sizeof *meta_off);
    mxio__piece *ps = mxio__calloc_array(2 * n + 2, sizeof *ps);
    mxio_status st = MXIO_OK;
    if (!meta_off || !ps) {
        st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
        goto done;
    }
    uint64_t offset = 0;
    for (size_t i = 0; i < n; i++) {
        const mxio_array *a = &p->items[i].a;
        char q[128];
        if (a->is_none || a->storage != MXIO_STORAGE_DENSE) {
            st = mxio__fail_at(err, MXIO_E_UNSUPPORTED, -1, -1, (int64_t)i,
                               "%s: array %zu%s: only dense, initialised arrays can go into an .npz", path, i,
                               mxio__quote_name(q, sizeof q, a->name, a->name_len));
            goto done;
        }
        char gen[32];
        const char *nm = a->name;
        size_t nl = a->name_len;
        if (!nm || !p->has_names) { /* numpy.savez's names for positional arrays */
            snprintf(gen, sizeof gen, "arr_%zu", i);
            nm = gen;
            nl = strlen(gen);
        }
        if (nl + 4 > 0xFFFF) {
            st = mxio__fail(err, MXIO_E_LIMIT, "%s: array %zu: name too long for ZIP", path, i);
            goto done;
        }
        mxio__buf h;
        mxio__buf_init(&h);
        st = mxio__npy_header(&h, a->dtype, a->shape, a->ndim, err);
        if (st) {
            mxio__buf_free(&h);
            goto done;
        }
        uint64_t size = (uint64_t)h.len + a->nbytes;
        uLong crc = crc32(0, Z_NULL, 0);
        crc = crc32(crc, (const Bytef *)h.data, (uInt)h.len);
        const uint8_t *d = a->data;
        for (size_t left = a->nbytes; left > 0;) {
            uInt k = left > (1u << 30) ? (1u << 30) : (uInt)left;
            crc = crc32(crc, d, k);
            d += k;
            left -= k;
        }
        if (size >= 0xFFFFFFFFu || offset >= 0xFFFFFFFFu) {
            mxio__buf_free(&h);
            st = mxio__fail(err, MXIO_E_LIMIT, "%s: array %zu: members or archives past 4 GiB need ZIP64, "
                            "which the writer does not produce", path, i);
            goto done;
        }
        /* local header: stored, DOS date 1980-01-01 00:00 */
        meta_off[i] = meta.len;
        mxio__buf_u32le(&meta, SIG_LOCAL);
        uint8_t f[26];
        mxio__store_u16le(f, 20);      /* version needed */
        mxio__store_u16le(f + 2, 0);   /* flags */
        mxio__store_u16le(f + 4, 0);   /* stored */
        mxio__store_u16le(f + 6, 0);   /* time */
        mxio__store_u16le(f + 8, 0x21); /* date */
        mxio__store_u32le(f + 10, (uint32_t)crc);
        mxio__store_u32le(f + 14, (uint32_t)size);
        mxio__store_u32le(f + 18, (uint32_t)size);
        mxio__store_u16le(f + 22, (uint16_t)(nl + 4));
        mxio__store_u16le(f + 24, 0);
        mxio__buf_append(&meta, f, 26);
        mxio__buf_append(&meta, nm, nl);
        mxio__buf_append(&meta, ".npy", 4);
        mxio__buf_append(&meta, h.data, h.len);
        mxio__buf_free(&h);
        /* central entry */
        mxio__buf_u32le(&central, SIG_CENTRAL);
        uint8_t c[42];
        mxio__store_u16le(c, 20);
        memcpy(c + 2, f, 26);
        mxio__store_u16le(c + 28, 0); /* comment */
        mxio__store_u16le(c + 30, 0); /* disk */
        mxio__store_u16le(c + 32, 0); /* internal attrs */
        mxio__store_u32le(c + 34, 0); /* external attrs */
        mxio__store_u32le(c + 38, (uint32_t)offset);
        mxio__buf_append(&central, c, 42);
        mxio__buf_append(&central, nm, nl);
        mxio__buf_append(&central, ".npy", 4);
        offset += 30 + nl + 4 + size;
    }
    meta_off[n] = meta.len;
    if (offset >= 0xFFFFFFFFu || n > 0xFFFE) {
        st = mxio__fail(err, MXIO_E_LIMIT, "%s: archive needs ZIP64, which the writer does not produce", path);
        goto done;
    }
    uint8_t e[18];
    mxio__store_u16le(e, 0);
    mxio__store_u16le(e + 2, 0);
    mxio__store_u16le(e + 4, (uint16_t)n);
    mxio__store_u16le(e + 6, (uint16_t)n);
    mxio__store_u32le(e + 8, (uint32_t)central.len);
    mxio__store_u32le(e + 12, (uint32_t)offset);
    mxio__store_u16le(e + 16, 0);
    mxio__buf_u32le(&central, SIG_EOCD);
    mxio__buf_append(&central, e, 18);
    if (meta.oom || central.oom) {
        st = mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        ps[k++] = (mxio__piece){meta.data + meta_off[i], meta_off[i + 1] - meta_off[i]};
        ps[k++] = (mxio__piece){p->items[i].a.data, p->items[i].a.nbytes};
    }
    ps[k++] = (mxio__piece){central.data, central.len};
    st = mxio__write_atomic_pieces(path, ps, k, (flags & MXIO_WRITE_FORCE) != 0, err);
done:
    mxio__buf_free(&meta);
    mxio__buf_free(&central);
    free(meta_off);
    free(ps);
    return st;
}
