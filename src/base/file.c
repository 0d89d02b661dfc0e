/* file.c - mapping input files and writing outputs atomically. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base.h"

const char *mxio__basename(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

mxio_status mxio__file_open(mxio__file *f, const char *path, bool copy, mxio_error *err) {
    memset(f, 0, sizeof *f);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return mxio__fail(err, errno == ENOENT ? MXIO_E_NOT_FOUND : MXIO_E_IO, "%s: cannot open: %s",
                          path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return mxio__fail(err, MXIO_E_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return mxio__fail(err, MXIO_E_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > SIZE_MAX) {
        close(fd);
        return mxio__fail(err, MXIO_E_LIMIT, "%s: file too large for this platform", path);
    }
    size_t size = (size_t)st.st_size;
    f->size = size;
    if (size == 0) {
        close(fd);
        f->data = (const uint8_t *)"";
        return MXIO_OK;
    }
    if (!copy) {
        void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            close(fd);
            f->mapped = m;
            f->data = m;
            return MXIO_OK;
        }
    }
    uint8_t *buf = malloc(size);
    if (!buf) {
        close(fd);
        return mxio__fail(err, MXIO_E_NOMEM, "%s: cannot allocate %zu bytes", path, size);
    }
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            free(buf);
            close(fd);
            return mxio__fail(err, MXIO_E_IO, "%s: read failed at offset %zu: %s", path, got,
                              n == 0 ? "file shrank while reading" : strerror(e));
        }
        got += (size_t)n;
    }
    close(fd);
    f->owned = buf;
    f->data = buf;
    return MXIO_OK;
}

void mxio__file_close(mxio__file *f) {
    if (!f) return;
    if (f->mapped) munmap(f->mapped, f->size);
    free(f->owned);
    memset(f, 0, sizeof *f);
}

size_t mxio__file_release(const mxio__file *f, const void *p, size_t len) {
    if (!f || !f->mapped || !p || len == 0) return 0;
    uintptr_t base = (uintptr_t)f->mapped, lo = (uintptr_t)p, hi;
    if (lo < base || __builtin_add_overflow(lo, len, &hi) || hi > base + f->size) return 0;
    /* whole pages only: the neighbours of the range may still be read */
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t first = (lo + page - 1) / page * page, last = hi / page * page;
    if (hi == base + f->size) last = (hi + page - 1) / page * page; /* the file's tail page */
    if (first >= last) return 0;
    /* A private read-only file mapping has no modified pages, so MADV_DONTNEED
     * only unmaps page-cache pages: the next read maps them back. */
    if (madvise((void *)first, last - first, MADV_DONTNEED) != 0) return 0;
    return last - first;
}

mxio_status mxio__write_atomic_pieces(const char *path, const mxio__piece *pieces, size_t n,
                                      bool force, mxio_error *err) {
    struct stat st;
    if (!force && lstat(path, &st) == 0) {
        return mxio__fail(err, MXIO_E_EXISTS, "%s: exists; not replaced (use --force)", path);
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory", path);
    snprintf(tmp, plen + 32, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        mxio_status s = mxio__fail(err, MXIO_E_IO, "%s: cannot create temporary file: %s", path,
                                   strerror(errno));
        free(tmp);
        return s;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = pieces[i].data;
        size_t left = pieces[i].len;
        while (left > 0) {
            ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                int e = errno;
                close(fd);
                unlink(tmp);
                free(tmp);
                return mxio__fail(err, MXIO_E_IO, "%s: write failed: %s", path, strerror(e));
            }
            p += w;
            left -= (size_t)w;
        }
    }
    /* mkstemp creates 0600; give the file the usual permissions */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return mxio__fail(err, MXIO_E_IO, "%s: cannot flush: %s", path, strerror(e));
    }
    int rc;
    if (force) {
        rc = rename(tmp, path);
    } else {
        /* no-replace even against a racing writer */
        rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
            rc = link(tmp, path);
            if (rc == 0) unlink(tmp);
        }
    }
    if (rc != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return mxio__fail(err, e == EEXIST ? MXIO_E_EXISTS : MXIO_E_IO, "%s: cannot rename into place: %s",
                          path, strerror(e));
    }
    free(tmp);
    return MXIO_OK;
}

mxio_status mxio__write_atomic(const char *path, const void *data, size_t len, bool force,
                               mxio_error *err) {
    mxio__piece p = {data, len};
    return mxio__write_atomic_pieces(path, &p, 1, force, err);
}
