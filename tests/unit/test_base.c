/* test_base.c - the bounded reader, checked size math, buffers, atomic writes. */
#include <stdlib.h>
#include <unistd.h>

#include "base/base.h"
#include "check.h"

static void test_reader(void) {
    const uint8_t bytes[] = {0x12, 0x01, 0, 0, 0, 0, 0, 0, 0xc9, 0xfa, 0x93, 0xf9, 0xff};
    mxio__reader r;
    mxio__reader_init(&r, bytes, sizeof bytes);
    uint64_t magic = 0;
    uint32_t m = 0;
    CHECK(mxio__read_u64(&r, &magic));
    CHECK_EQ_INT(magic, 0x112);
    CHECK(mxio__read_u32(&r, &m));
    CHECK_EQ_INT(m, 0xF993FAC9u);
    CHECK_EQ_INT(mxio__reader_remaining(&r), 1);
    CHECK(!mxio__read_u32(&r, &m)); /* only one byte left */
    CHECK_EQ_INT(r.pos, 12);        /* a failed read does not move the cursor */
}

static void test_sizes(void) {
    int64_t n = 0;
    int64_t ok[] = {64, 3, 7, 7};
    CHECK(mxio__shape_numel(ok, 4, &n));
    CHECK_EQ_INT(n, 9408);
    int64_t big[] = {INT64_MAX / 2, 3};
    CHECK(!mxio__shape_numel(big, 2, &n));
    int64_t neg[] = {4, -1};
    CHECK(!mxio__shape_numel(neg, 2, &n));
    size_t s;
    CHECK(!mxio__mul_size(SIZE_MAX / 2 + 1, 2, &s));
    CHECK(mxio__calloc_array(SIZE_MAX / 4, 8) == NULL);
}

static void test_status(void) {
    CHECK_EQ_STR(mxio_status_name(MXIO_E_TRUNCATED), "MXIO_E_TRUNCATED");
    CHECK_EQ_STR(mxio_status_name((mxio_status)99), "MXIO_E_?");
    mxio_error e;
    memset(&e, 0xff, sizeof e);
    mxio__fail_at(&e, MXIO_E_CORRUPT, 24, -1, 3, "array %d bad", 3);
    CHECK_EQ_INT(e.code, MXIO_E_CORRUPT);
    CHECK_EQ_INT(e.offset, 24);
    CHECK_EQ_INT(e.node, -1);
    CHECK_EQ_STR(e.message, "array 3 bad");
    mxio__error_prefix(&e, "x.params");
    CHECK_EQ_STR(e.message, "x.params: array 3 bad");
    char p[16];
    CHECK_EQ_STR(mxio__printable(p, sizeof p, "a\x01" "b\n", 4), "a?b?");
}

static void test_buf(void) {
    mxio__buf b;
    mxio__buf_init(&b);
    for (int i = 0; i < 1000; i++) CHECK(mxio__buf_printf(&b, "%d,", i));
    CHECK(mxio__buf_u32le(&b, 0x01020304));
    size_t len = 0;
    char *s = mxio__buf_take(&b, &len);
    CHECK(s != NULL);
    CHECK(len > 3890);
    CHECK(memcmp(s + len - 4, "\x04\x03\x02\x01", 4) == 0);
    free(s);
}

static void test_atomic(void) {
    char dir[] = "/tmp/mxio_test_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/out.bin", dir);
    mxio_error e;
    CHECK_EQ_INT(mxio__write_atomic(path, "abc", 3, false, &e), MXIO_OK);
    /* never clobber without force */
    CHECK_EQ_INT(mxio__write_atomic(path, "xyz!", 4, false, &e), MXIO_E_EXISTS);
    CHECK_CONTAINS(e.message, "exists");
    mxio__file f;
    CHECK_EQ_INT(mxio__file_open(&f, path, false, &e), MXIO_OK);
    CHECK_EQ_INT(f.size, 3);
    CHECK(memcmp(f.data, "abc", 3) == 0);
    mxio__file_close(&f);
    CHECK_EQ_INT(mxio__write_atomic(path, "xyz!", 4, true, &e), MXIO_OK);
    CHECK_EQ_INT(mxio__file_open(&f, path, true, &e), MXIO_OK);
    CHECK_EQ_INT(f.size, 4);
    mxio__file_close(&f);
    CHECK_EQ_INT(mxio__file_open(&f, "/nonexistent/x", false, &e), MXIO_E_NOT_FOUND);
    unlink(path);
    rmdir(dir);
}

/* Releasing a mapped range drops whole pages only, and the file's bytes read
 * back unchanged afterwards (re-faulted from the file). */
static void test_release(void) {
    char dir[] = "/tmp/mxio_test_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/pages.bin", dir);
    size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 5 * page + 100;
    uint8_t *want = malloc(n);
    CHECK(want != NULL);
    for (size_t i = 0; i < n; i++) want[i] = (uint8_t)(i * 131 + i / 7);
    mxio_error e;
    CHECK_EQ_INT(mxio__write_atomic(path, want, n, false, &e), MXIO_OK);
    mxio__file f;
    CHECK_EQ_INT(mxio__file_open(&f, path, false, &e), MXIO_OK);
    CHECK(f.mapped != NULL);
    CHECK(memcmp(f.data, want, n) == 0); /* every page resident */
    /* from mid page 0 to mid page 3: pages 1 and 2 are whole inside */
    CHECK_EQ_INT(mxio__file_release(&f, f.data + page / 2, 3 * page), 2 * page);
    CHECK(memcmp(f.data, want, n) == 0);
    /* a range inside one page releases nothing */
    CHECK_EQ_INT(mxio__file_release(&f, f.data + 10, 100), 0);
    /* the tail: pages 4 and the partial page 5 */
    CHECK_EQ_INT(mxio__file_release(&f, f.data + 4 * page, n - 4 * page), 2 * page);
    CHECK(memcmp(f.data, want, n) == 0);
    /* outside the mapping, or past its end: nothing */
    CHECK_EQ_INT(mxio__file_release(&f, want, n), 0);
    CHECK_EQ_INT(mxio__file_release(&f, f.data + page, n), 0);
    mxio__file_release(&f, f.data, n);
    CHECK(memcmp(f.data, want, n) == 0);
    mxio__file_close(&f);
    /* a file read into memory is never released */
    CHECK_EQ_INT(mxio__file_open(&f, path, true, &e), MXIO_OK);
    CHECK_EQ_INT(mxio__file_release(&f, f.data, n), 0);
    CHECK(memcmp(f.data, want, n) == 0);
    mxio__file_close(&f);
    free(want);
    unlink(path);
    rmdir(dir);
}

int main(void) {
    test_reader();
    test_sizes();
    test_status();
    test_buf();
    test_atomic();
    test_release();
    CHECK_DONE();
}
