/* symbol.h - the node graph as the symbol JSON holds it (internal).
 *
 * This is the in-memory form of a `-symbol.json` file: nodes in file order,
 * entries [node, index, version], heads, arg_nodes, node_row_ptr and graph attrs.
 * The codec (symbol_read.c / symbol_write.c) fills and prints it; the graph layer
 * validates, upgrades and analyses it; everything above reads it. */
#ifndef MXIO_FORMAT_SYMBOL_H
#define MXIO_FORMAT_SYMBOL_H

#include "../base/base.h"

/* Limits on untrusted symbol files, all in one place. A file past any of them is
 * refused with MXIO_E_LIMIT before anything is allocated for it. */
#define MXIO__SYMBOL_MAX_TEXT ((size_t)1 << 30)   /* bytes of JSON text */
#define MXIO__SYMBOL_MAX_NODES ((size_t)1 << 24)  /* nodes per graph */
#define MXIO__SYMBOL_MAX_INPUTS ((size_t)1 << 16) /* inputs or control deps per node */
#define MXIO__SYMBOL_MAX_ATTRS ((size_t)1 << 12)  /* attributes per node */
#define MXIO__SYMBOL_MAX_STRING ((size_t)1 << 20) /* bytes in a name, key or value */
#define MXIO__SYMBOL_MAX_DEPTH 16                 /* nesting of subgraphs */

typedef struct mxio__kv {
    char *key;
    char *value;
} mxio__kv;

typedef struct mxio__entry {
    uint32_t node;
    uint32_t index;
    uint32_t version;
} mxio__entry;

/* Which attribute spellings a node used in its source file (bit set). */
enum {
    MXIO__SPELL_ATTRS = 1, /* "attrs" (1.0+) */
    MXIO__SPELL_ATTR = 2,  /* "attr" (0.9-0.12, or user attrs in <= 0.8) */
    MXIO__SPELL_PARAM = 4  /* "param" (<= 0.8) */
};

typedef struct mxio__node {
    char *op;   /* canonical op name after alias resolution; "null" for variables */
    char *name;
    char *source_op; /* op name as spelled in the file (alias), or NULL if same as op */
    mxio__kv *attrs; /* merged attrs/attr/param, sorted by key bytes like std::map */
    size_t nattrs;
    mxio__entry *inputs;
    size_t ninputs;
    uint32_t *control_deps;
    size_t ncontrol_deps;
    struct mxio_symbol **subgraphs;
    size_t nsubgraphs;
    unsigned spelling;          /* MXIO__SPELL_* bits seen in the file */
    int has_backward_source_id; /* pre-nnvm key seen */
} mxio__node;

/* A graph attribute: ["type", value]; value kept as compact JSON text. */
typedef struct mxio__graph_attr {
    char *key;
    char *type;       /* "int", "str", "list_int", ... */
    char *value_json; /* the value as JSON text, e.g. "10901" */
} mxio__graph_attr;

struct mxio_symbol {
    char *label; /* file name for messages */
    mxio__node *nodes;
    size_t nnodes;
    uint32_t *arg_nodes;
    size_t narg_nodes;
    uint32_t *node_row_ptr; /* NULL when absent or no longer valid (graph changed) */
    size_t nnode_row_ptr;
    mxio__entry *heads;
    size_t nheads;
    mxio__graph_attr *graph_attrs; /* in file order */
    size_t ngraph_attrs;
    uint32_t *file_row_ptr; /* node_row_ptr as read (kept for unknown ops' output counts) */
    size_t nfile_row_ptr;
    int file_version; /* mxnet_version in the file; 800 if absent */
    int has_graph_attrs_key; /* top-level "attrs" key present */
    int has_row_ptr_key;     /* top-level "node_row_ptr" key present */
    uint8_t *roles;   /* mxio_role per node, computed by the graph layer; NULL until then */
};

/* Lifetime. */
void mxio__symbol_destroy(struct mxio_symbol *s);
void mxio__node_clear(mxio__node *n);

/* Attribute lookup on a node (NULL if absent). */
const char *mxio__node_attr(const mxio__node *n, const char *key);
/* Insert or replace an attribute, keeping the sorted order. */
bool mxio__node_set_attr(mxio__node *n, const char *key, const char *value);
/* Remove an attribute; returns true if it was there. */
bool mxio__node_remove_attr(mxio__node *n, const char *key);

/* Parse JSON text into a symbol (no upgrade, no alias resolution beyond
 * recording the spelling). Strict like MXNet's loader: unknown keys, bad entries,
 * out-of-range ids are errors naming the node and position. */
mxio_status mxio__symbol_parse(const char *json, size_t len, const char *label,
                               struct mxio_symbol **out, mxio_error *err);

/* Print in MXNet 1.9.1's exact text layout (dmlc JSONWriter), no trailing newline. */
mxio_status mxio__symbol_print(const struct mxio_symbol *s, mxio__buf *out, mxio_error *err);

/* ---- graph layer (src/graph/) ------------------------------------------- */

/* Structural checks MXNet's loader makes, plus mxio's own (see docs/formats.md):
 * ids in range, no cycles, unique variable names, arg_nodes are variables,
 * limits. Recurses into subgraphs. MXIO_E_GRAPH / MXIO_E_LIMIT. */
mxio_status mxio__symbol_validate(const struct mxio_symbol *s, mxio_error *err);

/* Turn a validated graph into the one MXNet 1.9.1 holds after loading it:
 * canonical op names, the legacy upgrades in MXNet's order, nodes re-ordered by
 * the post-order DFS from the heads (unreachable nodes dropped), arg_nodes and
 * node_row_ptr recomputed, graph attrs = {mxnet_version: 10901}. */
mxio_status mxio__symbol_upgrade(struct mxio_symbol *s, mxio_error *err);

/* Post-order DFS from the heads over inputs then control deps, exactly as
 * nnvm's DFSVisit: fills order[] with node ids, returns how many were reached.
 * `order` must hold s->nnodes ids. false on allocation failure. */
bool mxio__symbol_post_order(const struct mxio_symbol *s, uint32_t *order, size_t *count);

#endif /* MXIO_FORMAT_SYMBOL_H */
