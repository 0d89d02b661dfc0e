/* roles.c - data input, weight, aux state or label: the role of each variable.
 *
 * The symbol JSON does not say which variables are inputs. MXNet itself knows
 * only per op: each op lists its arguments (FListInputNames) and marks the
 * auxiliary ones (FMutateInputs). So a variable's role comes from the slot in
 * which each consuming op takes it, as the op record describes (weight_mask,
 * aux_mask, label_mask). No list of op names and no variable names are used,
 * except as a last resort for variables that only unknown ops consume. */
#include <stdlib.h>

#include "../ops/op.h"
#include "roles.h"

/* What the consumers of one variable say about it. */
enum {
    SEEN_DATA = 1,
    SEEN_WEIGHT = 2,
    SEEN_AUX = 4,
    SEEN_LABEL = 8,
    SEEN_UNKNOWN_OP = 16 /* consumed by an op the registry does not know */
};

const char *mxio_role_name(mxio_role r) {
    switch (r) {
    case MXIO_ROLE_OP: return "op";
    case MXIO_ROLE_DATA: return "data";
    case MXIO_ROLE_WEIGHT: return "weight";
    case MXIO_ROLE_AUX: return "aux";
    case MXIO_ROLE_LABEL: return "label";
    }
    return "?";
}

const char *mxio__role_source_name(mxio__role_source s) {
    switch (s) {
    case MXIO__ROLE_BY_OP: return "op";
    case MXIO__ROLE_BY_SLOT: return "slot";
    case MXIO__ROLE_BY_PARAMS: return "params";
    case MXIO__ROLE_BY_NAME: return "name";
    case MXIO__ROLE_UNUSED: return "unused";
    case MXIO__ROLE_BY_INIT: return "init";
    }
    return "?";
}

static bool is_variable(const mxio__node *n) { return n->op && strcmp(n->op, "null") == 0; }

static bool has_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Last resort for variables that only unknown ops consume: the naming
 * conventions of MXNet's symbol API and Gluon. Documented as a guess. */
static mxio_role role_from_name(const char *name) {
    static const char *const weights[] = {"_weight", "_bias", "_gamma", "_beta", "_alpha", NULL};
    static const char *const aux[] = {"_moving_mean", "_moving_var", "_running_mean",
                                      "_running_var", NULL};
    for (const char *const *p = aux; *p; p++)
        if (has_suffix(name, *p)) return MXIO_ROLE_AUX;
    for (const char *const *p = weights; *p; p++)
        if (has_suffix(name, *p)) return MXIO_ROLE_WEIGHT;
    if (has_suffix(name, "_label") || strcmp(name, "label") == 0) return MXIO_ROLE_LABEL;
    return MXIO_ROLE_DATA;
}

/* Mark what op node `n` says about each variable it consumes. */
static void note_consumer(const struct mxio_symbol *s, const mxio__node *n, uint8_t *seen) {
    const mxio__op *op = mxio__op_find(n->op);
    int nargs = -1;
    uint32_t weight = 0, aux = 0, label = 0;
    if (op) {
        const char *names[MXIO__MAX_OP_INPUTS];
        mxio__attrs a = {.kv = n->attrs, .n = n->nattrs, .op = op, .node = n};
        nargs = mxio__op_inputs(op, &a, names, MXIO__MAX_OP_INPUTS);
        mxio__op_masks(op, &a, &weight, &aux, &label);
    }
    /* Custom ops declare their arguments in Python: their slots say nothing. */
    bool slots_known = op && nargs != MXIO__INPUTS_FREE;
    for (size_t i = 0; i < n->ninputs; i++) {
        uint32_t src = n->inputs[i].node;
        if (src >= s->nnodes || !is_variable(&s->nodes[src])) continue;
        if (!slots_known) {
            seen[src] |= SEEN_UNKNOWN_OP;
            continue;
        }
        /* Inputs past the op's argument list (variadic ops, or a list the record
         * could not compute) are data: no record marks them otherwise. */
        uint32_t bit = (i < 32 && (nargs < 0 || i < (size_t)nargs)) ? (1u << i) : 0;
        if (aux & bit)
            seen[src] |= SEEN_AUX;
        else if (weight & bit)
            seen[src] |= SEEN_WEIGHT;
        else if (label & bit)
            seen[src] |= SEEN_LABEL;
        else
            seen[src] |= SEEN_DATA;
    }
}

static void note_all_consumers(const struct mxio_symbol *s, uint8_t *seen) {
    for (size_t k = 0; k < s->nnodes; k++)
        if (!is_variable(&s->nodes[k])) note_consumer(s, &s->nodes[k], seen);
}

mxio_status mxio__symbol_roles(const struct mxio_symbol *s, mxio__params_lookup lookup,
                               void *lookup_ctx, uint8_t *roles, uint8_t *sources,
                               mxio_error *err) {
    if (!s || !roles) return mxio__fail(err, MXIO_E_MISUSE, "mxio__symbol_roles: NULL argument");
    uint8_t *seen = mxio__calloc_array(s->nnodes ? s->nnodes : 1, 1);
    if (!seen)
        return mxio__fail(err, MXIO_E_NOMEM, "%s: out of memory for %zu node roles",
                          s->label ? s->label : "symbol", s->nnodes);
    note_all_consumers(s, seen);

    for (size_t k = 0; k < s->nnodes; k++) {
        const mxio__node *n = &s->nodes[k];
        mxio_role role;
        mxio__role_source how;
        if (!is_variable(n)) {
            role = MXIO_ROLE_OP;
            how = MXIO__ROLE_BY_OP;
        } else if (seen[k] & SEEN_AUX) {
            role = MXIO_ROLE_AUX;
            how = MXIO__ROLE_BY_SLOT;
        } else if (seen[k] & SEEN_WEIGHT) {
            role = MXIO_ROLE_WEIGHT;
            how = MXIO__ROLE_BY_SLOT;
        } else if (seen[k] & SEEN_LABEL) {
            role = MXIO_ROLE_LABEL;
            how = MXIO__ROLE_BY_SLOT;
        } else {
            /* Data slots, unknown consumers, or no consumer. A params file that
             * holds the variable settles it: a learned constant (a scale fed to
             * broadcast_mul, say) is a weight, not an input. */
            int held = (lookup && n->name) ? lookup(lookup_ctx, n->name) : 0;
            if (held == MXIO_ROLE_WEIGHT || held == MXIO_ROLE_AUX) {
                role = (mxio_role)held;
                how = MXIO__ROLE_BY_PARAMS;
            } else if (!lookup && mxio__node_attr(n, "__init__")) {
                /* No params file to ask, but only parameters carry an initializer:
                 * Gluon exports every Parameter and Constant with __init__ (SSD
                 * anchors, a normalisation scale), data variables never. */
                role = MXIO_ROLE_WEIGHT;
                how = MXIO__ROLE_BY_INIT;
            } else if (seen[k] & SEEN_DATA) {
                role = MXIO_ROLE_DATA;
                how = MXIO__ROLE_BY_SLOT;
            } else if (seen[k] & SEEN_UNKNOWN_OP) {
                /* With a params file, absence is evidence too: only labels are
                 * still guessed by name. */
                role = role_from_name(n->name ? n->name : "");
                if (lookup && role != MXIO_ROLE_LABEL) role = MXIO_ROLE_DATA;
                how = MXIO__ROLE_BY_NAME;
            } else {
                role = MXIO_ROLE_DATA;
                how = MXIO__ROLE_UNUSED;
            }
        }
        roles[k] = (uint8_t)role;
        if (sources) sources[k] = (uint8_t)how;
    }
    free(seen);
    return MXIO_OK;
}

mxio_role mxio_symbol_node_role(const mxio_symbol *s, size_t node) {
    if (!s || node >= s->nnodes) return MXIO_ROLE_OP;
    if (s->roles) return (mxio_role)s->roles[node];
    if (!is_variable(&s->nodes[node])) return MXIO_ROLE_OP;
    uint8_t *roles = malloc(s->nnodes);
    if (!roles) return MXIO_ROLE_DATA;
    mxio_role r = MXIO_ROLE_DATA;
    if (mxio__symbol_roles(s, NULL, NULL, roles, NULL, NULL) == MXIO_OK) r = (mxio_role)roles[node];
    free(roles);
    return r;
}
