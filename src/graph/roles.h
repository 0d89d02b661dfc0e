/* roles.h - what each variable of a symbol is to the ops that consume it (internal). */
#ifndef MXIO_GRAPH_ROLES_H
#define MXIO_GRAPH_ROLES_H

#include "../format/symbol.h"

/* How a variable's role was decided, strongest evidence first. */
typedef enum mxio__role_source {
    MXIO__ROLE_BY_OP = 0,     /* an op node, not a variable */
    MXIO__ROLE_BY_SLOT = 1,   /* the argument slot of known consuming ops */
    MXIO__ROLE_BY_PARAMS = 2, /* consumed as data, but the params file holds it: a learned constant */
    MXIO__ROLE_BY_NAME = 3,   /* only unknown ops consume it: guessed from the name (last resort) */
    MXIO__ROLE_UNUSED = 4,    /* consumed by nothing (e.g. a head that is a variable) */
    MXIO__ROLE_BY_INIT = 5    /* consumed as data, no params file, but it declares an
                                 initializer (__init__): a Gluon Parameter or Constant */
} mxio__role_source;

/* Does the params file hold an array for variable `name`? Returns 0 (no),
 * MXIO_ROLE_WEIGHT (as "arg:name" or plain "name") or MXIO_ROLE_AUX ("aux:name"). */
typedef int (*mxio__params_lookup)(void *ctx, const char *name);

/* Roles of every node into roles[nnodes] (mxio_role values) and, if `sources`
 * is not NULL, how each was decided (mxio__role_source). `lookup` may be NULL
 * (no params file). Fails only on allocation failure. */
mxio_status mxio__symbol_roles(const struct mxio_symbol *s, mxio__params_lookup lookup,
                               void *lookup_ctx, uint8_t *roles, uint8_t *sources,
                               mxio_error *err);

/* The lookup for a params handle (ctx is a const mxio_params *). */
int mxio__params_role_lookup(void *ctx, const char *name);

/* Name of a role source ("slot", "params", "name", "unused", "op"). */
const char *mxio__role_source_name(mxio__role_source s);

#endif /* MXIO_GRAPH_ROLES_H */
