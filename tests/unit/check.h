/* check.h - a tiny assertion kit for the unit test executables.
 * Each failed check prints both operands and the line; main returns the
 * number of failures so the driver sees a non-zero exit. */
#ifndef MXIO_TEST_CHECK_H
#define MXIO_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        check_count++;                                                       \
        if (!(cond)) {                                                       \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                    \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
    do {                                                                     \
        long long va_ = (long long)(a), vb_ = (long long)(b);                \
        check_count++;                                                       \
        if (va_ != vb_) {                                                    \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, \
                    #b, va_, vb_);                                           \
        }                                                                    \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                   \
    do {                                                                     \
        const char *sa_ = (a), *sb_ = (b);                                   \
        check_count++;                                                       \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                         \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                    #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");      \
        }                                                                    \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                          \
    do {                                                                     \
        const char *h_ = (hay), *n_ = (needle);                              \
        check_count++;                                                       \
        if (!h_ || !strstr(h_, n_)) {                                        \
            check_failures++;                                                \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
                    h_ ? h_ : "(null)", n_);                                 \
        }                                                                    \
    } while (0)

#define CHECK_DONE()                                                         \
    do {                                                                     \
        printf("%d checks, %d failed\n", check_count, check_failures);       \
        return check_failures ? 1 : 0;                                       \
    } while (0)

#endif
