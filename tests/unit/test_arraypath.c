/* test_arraypath.c - ArrayPath Automatic: which params file belongs to a symbol. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "check.h"

static char dir[256];

static void touch(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f) fclose(f);
}

static void rm(const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

/* Run the rule on dir/symbol; return the chosen file's base name (static) or NULL. */
static const char *find(const char *symbol, int *candidates, mxio_status *st) {
    static char picked[512];
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, symbol);
    char *out = NULL;
    mxio_error err;
    *st = mxio_find_params(path, &out, candidates, &err);
    if (*st != MXIO_OK) return NULL;
    snprintf(picked, sizeof picked, "%s", mxio__basename(out));
    /* the result lives in the same directory as the symbol */
    CHECK(strncmp(out, dir, strlen(dir)) == 0);
    mxio_free(out);
    return picked;
}

static void test_checkpoint_latest_epoch(void) {
    int n = -1;
    mxio_status st;
    touch("model-symbol.json");
    CHECK(find("model-symbol.json", &n, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_NOT_FOUND);

    touch("model-0000.params");
    CHECK_EQ_STR(find("model-symbol.json", &n, &st), "model-0000.params");
    CHECK_EQ_INT(n, 1);

    touch("model-0010.params");
    touch("model-0002.params");
    touch("model-9999.params");
    touch("model-10000.params"); /* five digits: numerically the latest */
    touch("model-000x.params");  /* not an epoch */
    touch("model-001.params");   /* fewer than four digits: not save_checkpoint's */
    touch("modelx-0099.params"); /* another prefix */
    touch("model.params");       /* a checkpoint takes only epoch files */
    CHECK_EQ_STR(find("model-symbol.json", &n, &st), "model-10000.params");
    CHECK_EQ_INT(n, 5);
    rm("model-10000.params");
    CHECK_EQ_STR(find("model-symbol.json", &n, &st), "model-9999.params");
    CHECK_EQ_INT(n, 4);
}

static void test_plain_json(void) {
    int n = -1;
    mxio_status st;
    touch("net.json");
    CHECK(find("net.json", &n, &st) == NULL);
    CHECK_EQ_INT(st, MXIO_E_NOT_FOUND);
    touch("net_b.params");
    touch("net_a.params");
    CHECK_EQ_STR(find("net.json", &n, &st), "net_a.params"); /* first by byte order */
    CHECK_EQ_INT(n, 2);
    touch("net.params");
    CHECK_EQ_STR(find("net.json", &n, &st), "net.params");
    CHECK_EQ_INT(n, 3);
    touch("net-0003.params");
    touch("net-0012.params");
    CHECK_EQ_STR(find("net.json", &n, &st), "net-0012.params");
    CHECK_EQ_INT(n, 2);
    /* a directory that looks like a params file is not one */
    char path[512];
    snprintf(path, sizeof path, "%s/net-0099.params", dir);
    CHECK(mkdir(path, 0700) == 0);
    CHECK_EQ_STR(find("net.json", &n, &st), "net-0012.params");
    rmdir(path);
}

static void test_bad_names(void) {
    char *out = (char *)"untouched";
    mxio_error err;
    CHECK_EQ_INT(mxio_find_params("model.txt", &out, NULL, &err), MXIO_E_MISUSE);
    CHECK(out == NULL);
    CHECK_CONTAINS(err.message, "-symbol.json");
    CHECK_EQ_INT(mxio_find_params(NULL, &out, NULL, &err), MXIO_E_MISUSE);
    CHECK_EQ_INT(mxio_find_params("/nonexistent-dir-mxio/x-symbol.json", &out, NULL, &err),
                 MXIO_E_NOT_FOUND);
    /* upper-case suffixes are accepted like the reference importer does */
    int n = 0;
    mxio_status st;
    touch("UP-SYMBOL.JSON");
    touch("UP-0001.params");
    CHECK_EQ_STR(find("UP-SYMBOL.JSON", &n, &st), "UP-0001.params");
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/mxio-arraypath-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_checkpoint_latest_epoch();
    test_plain_json();
    test_bad_names();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    CHECK_DONE();
}
