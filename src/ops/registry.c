/* registry.c - the list of op families and lookup by name or alias. */
#include <stdio.h>

#include "op.h"

/* Each family file defines one table. Add a family here and nowhere else. */
#define MXIO__FAMILIES(X)                                                                  \
    X(conv) X(norm) X(activation) X(pool) X(elementwise) X(shape) X(output) X(detection) X(misc) \
        X(nlp) X(random) X(control)

#define MXIO__DECLARE(f) extern const mxio__op mxio__ops_##f[];
MXIO__FAMILIES(MXIO__DECLARE)
#undef MXIO__DECLARE

static const mxio__op *const families[] = {
#define MXIO__LIST(f) mxio__ops_##f,
    MXIO__FAMILIES(MXIO__LIST)
#undef MXIO__LIST
};

size_t mxio__op_count(void) {
    size_t n = 0;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
        for (const mxio__op *op = families[f]; op->name; op++) n++;
    return n;
}

const mxio__op *mxio__op_at(size_t i) {
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
        for (const mxio__op *op = families[f]; op->name; op++)
            if (i-- == 0) return op;
    return NULL;
}

const mxio__op *mxio__op_find(const char *name) {
    if (!name) return NULL;
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        for (const mxio__op *op = families[f]; op->name; op++) {
            if (strcmp(op->name, name) == 0) return op;
            if (op->aliases)
                for (const char *const *a = op->aliases; *a; a++)
                    if (strcmp(*a, name) == 0) return op;
        }
    }
    return NULL;
}

int mxio__op_inputs(const mxio__op *op, const mxio__attrs *a, const char **names, int cap) {
    if (op->list_inputs) return op->list_inputs(a, names, cap);
    int n = 0;
    if (op->inputs)
        for (const char *const *p = op->inputs; *p; p++) {
            if (n >= cap) return -1;
            names[n++] = *p;
        }
    return n;
}

void mxio__op_masks(const mxio__op *op, const mxio__attrs *a, uint32_t *weight, uint32_t *aux,
                    uint32_t *label) {
    if (op->input_masks) {
        op->input_masks(a, weight, aux, label);
        return;
    }
    *weight = op->weight_mask;
    *aux = op->aux_mask;
    *label = op->label_mask;
}

int mxio__op_outputs(const mxio__op *op, const mxio__attrs *a, int *visible) {
    if (op->count_outputs) return op->count_outputs(a, visible);
    int total = op->num_outputs ? op->num_outputs : 1;
    if (visible) *visible = op->num_visible ? op->num_visible : total;
    return total;
}

const char *mxio__op_output_name(const mxio__op *op, const mxio__attrs *a, int i, char *buf,
                                 size_t cap) {
    if (op->output_names) {
        int k = 0;
        for (const char *const *p = op->output_names; *p; p++, k++)
            if (k == i) {
                snprintf(buf, cap, "%s", *p);
                return buf;
            }
    }
    int total = mxio__op_outputs(op, a, NULL);
    if (total == 1)
        snprintf(buf, cap, "output");
    else
        snprintf(buf, cap, "output%d", i);
    return buf;
}
