/*
 * mxio.h - read, inspect, run, convert and write Apache MXNet models without MXNet.
 *
 * This is the whole public API. Everything else under src/ may change.
 *
 * Conventions
 *   - Every fallible call returns an mxio_status (MXIO_OK == 0) and, when `err` is
 *     not NULL, fills it with the code, a message naming the file, node or array,
 *     and the byte offset where known. The library never prints and never exits.
 *   - Handles are opaque. Every *_free(NULL) is a no-op.
 *   - Strings, shapes and data pointers handed out by a handle are borrowed: valid
 *     until that handle is freed, unless a comment says otherwise.
 *   - A handle may be read from several threads at once; mutating calls need
 *     exclusive access.
 *   - No hidden global state: options and errors travel with the call.
 *
 * A tour:
 * @code
 *   mxio_error err;
 *   mxio_params *p = NULL;
 *   if (mxio_params_read_file("model-0000.params", 0, &p, &err) != MXIO_OK) {
 *       fprintf(stderr, "%s\n", err.message);
 *       return 1;
 *   }
 *   for (size_t i = 0; i < mxio_params_count(p); i++) {
 *       mxio_array a;
 *       mxio_params_get(p, i, &a);
 *       printf("%s: %d dims\n", a.name, a.ndim);
 *   }
 *   mxio_params_free(p);
 * @endcode
 */
#ifndef MXIO_H
#define MXIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(MXIO_BUILD_SHARED)
#define MXIO_API __declspec(dllexport)
#elif defined(__GNUC__)
#define MXIO_API __attribute__((visibility("default")))
#else
#define MXIO_API
#endif

/* ------------------------------------------------------------------------- */
/* Version                                                                    */
/* ------------------------------------------------------------------------- */

#define MXIO_VERSION_MAJOR 0
#define MXIO_VERSION_MINOR 1
#define MXIO_VERSION_PATCH 0
#define MXIO_VERSION_HEX \
    ((MXIO_VERSION_MAJOR << 16) | (MXIO_VERSION_MINOR << 8) | MXIO_VERSION_PATCH)

/* The MXNet version whose files mxio writes (major*10000 + minor*100 + patch). */
#define MXIO_MXNET_VERSION 10901

/* Library version string, e.g. "0.1.0". Compare with MXIO_VERSION_* to check that
 * header and library match. */
MXIO_API const char *mxio_version(void);

/* ------------------------------------------------------------------------- */
/* Status and errors                                                          */
/* ------------------------------------------------------------------------- */

/* X(name, value, description). Values are stable, new ones are only appended.
 * The CLI exits with the status value (2 is reserved for command-line misuse). */
#define MXIO_STATUS_LIST(X)                                                   \
    X(OK, 0, "ok")                                                           \
    X(E_MISUSE, 1, "API misuse")                                             \
    X(E_NOMEM, 3, "out of memory")                                           \
    X(E_IO, 4, "I/O error")                                                  \
    X(E_NOT_FOUND, 5, "not found")                                           \
    X(E_EXISTS, 6, "output exists")                                          \
    X(E_FORMAT, 7, "not a file of the expected format")                      \
    X(E_TRUNCATED, 8, "file truncated")                                      \
    X(E_CORRUPT, 9, "corrupt data")                                          \
    X(E_LIMIT, 10, "size limit or overflow")                                 \
    X(E_UNSUPPORTED, 11, "unsupported feature")                              \
    X(E_GRAPH, 12, "invalid graph")                                          \
    X(E_UNKNOWN_OP, 13, "unknown or unsupported operator")                   \
    X(E_SHAPE, 14, "shape or type mismatch")                                 \
    X(E_MISMATCH, 15, "arrays do not match the graph")

typedef enum mxio_status {
#define MXIO_X_ENUM(name, value, desc) MXIO_##name = value,
    MXIO_STATUS_LIST(MXIO_X_ENUM)
#undef MXIO_X_ENUM
} mxio_status;

/* "MXIO_E_TRUNCATED" style name of a status; "MXIO_E_?" for unknown values. */
MXIO_API const char *mxio_status_name(mxio_status s);
/* One-line description of a status. */
MXIO_API const char *mxio_status_str(mxio_status s);

#define MXIO_ERROR_MESSAGE_SIZE 1024

/* Filled by a failing call. Caller-owned; fields that do not apply are -1. */
typedef struct mxio_error {
    mxio_status code;
    int64_t offset; /* byte offset in the file, or -1 */
    int64_t node;   /* node index in the symbol, or -1 */
    int64_t array;  /* array index in the params file, or -1 */
    char message[MXIO_ERROR_MESSAGE_SIZE]; /* "FILE: what went wrong, where" */
} mxio_error;

/* Free memory that an mxio call handed over to the caller (strings, buffers). */
MXIO_API void mxio_free(void *p);

/* ------------------------------------------------------------------------- */
/* Arrays and .params files                                                   */
/* ------------------------------------------------------------------------- */

/* MXNet's mshadow type flags, same numbers. Only appended to. */
typedef enum mxio_dtype {
    MXIO_DTYPE_FLOAT32 = 0,
    MXIO_DTYPE_FLOAT64 = 1,
    MXIO_DTYPE_FLOAT16 = 2,
    MXIO_DTYPE_UINT8 = 3,
    MXIO_DTYPE_INT32 = 4,
    MXIO_DTYPE_INT8 = 5,
    MXIO_DTYPE_INT64 = 6,
    MXIO_DTYPE_BOOL = 7,
    MXIO_DTYPE_INT16 = 8,
    MXIO_DTYPE_UINT16 = 9,
    MXIO_DTYPE_UINT32 = 10,
    MXIO_DTYPE_UINT64 = 11,
    MXIO_DTYPE_BFLOAT16 = 12,
    MXIO_DTYPE_COUNT
} mxio_dtype;

/* Bytes per element, 0 for an unknown dtype. */
MXIO_API size_t mxio_dtype_size(mxio_dtype t);
/* NumPy name ("float32", "bfloat16", ...), NULL for an unknown dtype. */
MXIO_API const char *mxio_dtype_name(mxio_dtype t);
/* Parse a NumPy name; returns 0 and sets *out, or -1. */
MXIO_API int mxio_dtype_from_name(const char *name, mxio_dtype *out);

typedef enum mxio_storage {
    MXIO_STORAGE_DENSE = 0,
    MXIO_STORAGE_ROW_SPARSE = 1,
    MXIO_STORAGE_CSR = 2
} mxio_storage;

/* Which record layout an array was read from (and will be written as). */
typedef enum mxio_record {
    MXIO_RECORD_LEGACY = 0, /* no magic, u32 dims: MXNet <= 0.10 */
    MXIO_RECORD_V1 = 1,     /* 0xF993FAC8: 0.11 */
    MXIO_RECORD_V2 = 2,     /* 0xF993FAC9: 0.12 .. 1.9.1 default */
    MXIO_RECORD_V3 = 3      /* 0xF993FACA: NumPy-shape semantics, 1.5+ */
} mxio_record;

#define MXIO_MAX_AUX 2

/* A borrowed view of one array. Payload bytes are little-endian and may be
 * unaligned (params files are mapped, not copied): read them with memcpy. */
typedef struct mxio_array {
    const char *name;       /* raw name as stored ("arg:conv0_weight"), NUL-terminated; NULL if unnamed */
    size_t name_len;        /* bytes in name (names may hold NUL in theory) */
    mxio_dtype dtype;
    mxio_storage storage;
    int ndim;               /* number of dims; 0 is a scalar (V3) */
    const int64_t *shape;   /* logical shape, ndim entries */
    const void *data;       /* values: prod(shape) elements, or prod(storage_shape) when sparse */
    size_t nbytes;          /* bytes at data */
    int is_none;            /* 1 for an uninitialised "none" record (old files); no data */
    /* sparse only */
    int storage_ndim;
    const int64_t *storage_shape;
    int num_aux;            /* 1 row_sparse (indices), 2 csr (indptr, indices) */
    mxio_dtype aux_dtype[MXIO_MAX_AUX];
    int aux_ndim[MXIO_MAX_AUX];
    const int64_t *aux_shape[MXIO_MAX_AUX];
    const void *aux_data[MXIO_MAX_AUX];
    size_t aux_nbytes[MXIO_MAX_AUX];
    /* provenance */
    int32_t dev_type, dev_id; /* stored context, normally (1, 0) */
    mxio_record record;       /* record layout */
    uint64_t file_offset;     /* where the record starts in the file */
} mxio_array;

/* A list of arrays, read from a file or built in memory. */
typedef struct mxio_params mxio_params;

/* Flags for the readers. */
#define MXIO_READ_COPY 0x1u /* copy payloads instead of mapping the file */

/* Read a .params file (every record layout, sparse, all dtypes). MXNet 2.x
 * .params that are really .npz/.npy are recognised and read too. */
MXIO_API mxio_status mxio_params_read_file(const char *path, uint32_t flags, mxio_params **out,
                                           mxio_error *err);
/* Read from memory; `label` names the source in messages (may be NULL). The
 * buffer is copied unless flags has... (always copied: the handle owns its bytes). */
MXIO_API mxio_status mxio_params_read_buffer(const void *buf, size_t len, const char *label,
                                             uint32_t flags, mxio_params **out, mxio_error *err);
/* Read a NumPy .npz archive (member "x.npy" becomes array "x") or one .npy file. */
MXIO_API mxio_status mxio_params_read_npz(const char *path, uint32_t flags, mxio_params **out,
                                          mxio_error *err);
MXIO_API void mxio_params_free(mxio_params *p);

MXIO_API size_t mxio_params_count(const mxio_params *p);
/* 1 if the file stores names (a dict), 0 for an unnamed list. */
MXIO_API int mxio_params_has_names(const mxio_params *p);
/* Fill *out with a view of array i. Returns MXIO_E_MISUSE if i is out of range. */
MXIO_API mxio_status mxio_params_get(const mxio_params *p, size_t i, mxio_array *out);
/* Index of the array named `name`, matching the raw name first, then the name
 * without its "arg:"/"aux:" prefix. -1 if absent. */
MXIO_API int64_t mxio_params_find(const mxio_params *p, const char *name);
/* The name without "arg:"/"aux:" (borrowed, points into the raw name). */
MXIO_API const char *mxio_array_short_name(const mxio_array *a);
/* Number of elements (product of shape; 1 for a scalar). -1 on overflow. */
MXIO_API int64_t mxio_array_numel(const mxio_array *a);

/* An empty, named (dict) list to build with mxio_params_append. */
MXIO_API mxio_params *mxio_params_new(void);
/* Append a copy of `a` (its name, shape, payload, sparse parts). The record
 * layout to write is taken from a->record (V2 unless the array needs V3). */
MXIO_API mxio_status mxio_params_append(mxio_params *p, const mxio_array *a, mxio_error *err);

/* Flags for writers. */
#define MXIO_WRITE_FORCE 0x1u   /* replace an existing output file */
#define MXIO_WRITE_V2 0x2u      /* write every record as V2 (MXNet 1.x default) where possible */

/* Write a .params file as MXNet 1.9.1's mx.nd.save does: byte-identical for the
 * same arrays and names. Atomic (temp file + rename); refuses to replace an
 * existing file unless MXIO_WRITE_FORCE. */
MXIO_API mxio_status mxio_params_write_file(const mxio_params *p, const char *path, uint32_t flags,
                                            mxio_error *err);
/* Same bytes into a malloc'd buffer (free with mxio_free). */
MXIO_API mxio_status mxio_params_write_buffer(const mxio_params *p, uint32_t flags, void **buf,
                                              size_t *len, mxio_error *err);
/* Write a NumPy .npz (raw names kept, "arg:w" -> member "arg:w.npy"), atomically. */
MXIO_API mxio_status mxio_params_write_npz(const mxio_params *p, const char *path, uint32_t flags,
                                           mxio_error *err);
/* Write one dense array as a .npy file, atomically. */
MXIO_API mxio_status mxio_array_write_npy(const mxio_array *a, const char *path, uint32_t flags,
                                          mxio_error *err);

/* ------------------------------------------------------------------------- */
/* Symbols (.json graphs)                                                     */
/* ------------------------------------------------------------------------- */

typedef struct mxio_symbol mxio_symbol;

#define MXIO_SYMBOL_NO_UPGRADE 0x1u /* keep the graph exactly as written (no legacy upgrade) */

/* Read a symbol file of any generation (0.8 `param`, 0.9-0.12 `attr`, 1.x `attrs`),
 * resolve op aliases to MXNet's canonical names and apply MXNet's legacy upgrades,
 * so the graph is the one MXNet 1.9.1 holds after loading the file. */
MXIO_API mxio_status mxio_symbol_read_file(const char *path, uint32_t flags, mxio_symbol **out,
                                           mxio_error *err);
MXIO_API mxio_status mxio_symbol_read_buffer(const char *json, size_t len, const char *label,
                                             uint32_t flags, mxio_symbol **out, mxio_error *err);
MXIO_API void mxio_symbol_free(mxio_symbol *s);

/* Write in MXNet 1.9.1's exact text layout (what mx.sym.save writes). */
MXIO_API mxio_status mxio_symbol_write_file(const mxio_symbol *s, const char *path, uint32_t flags,
                                            mxio_error *err);
/* Same text into a malloc'd NUL-terminated buffer (free with mxio_free). */
MXIO_API mxio_status mxio_symbol_write_buffer(const mxio_symbol *s, char **json, size_t *len,
                                              mxio_error *err);

/* mxnet_version found in the file (800 when absent, as MXNet assumes). */
MXIO_API int mxio_symbol_file_version(const mxio_symbol *s);

MXIO_API size_t mxio_symbol_node_count(const mxio_symbol *s);
MXIO_API const char *mxio_symbol_node_op(const mxio_symbol *s, size_t node);   /* "null" for variables */
MXIO_API const char *mxio_symbol_node_name(const mxio_symbol *s, size_t node);
MXIO_API size_t mxio_symbol_node_attr_count(const mxio_symbol *s, size_t node);
MXIO_API const char *mxio_symbol_node_attr_key(const mxio_symbol *s, size_t node, size_t i);
MXIO_API const char *mxio_symbol_node_attr_value(const mxio_symbol *s, size_t node, size_t i);
/* Value of attribute `key`, or NULL. */
MXIO_API const char *mxio_symbol_node_attr(const mxio_symbol *s, size_t node, const char *key);
MXIO_API size_t mxio_symbol_node_input_count(const mxio_symbol *s, size_t node);
/* Input i of `node` as (source node, output index, version). */
MXIO_API mxio_status mxio_symbol_node_input(const mxio_symbol *s, size_t node, size_t i,
                                            uint32_t *src, uint32_t *index, uint32_t *version);
MXIO_API size_t mxio_symbol_head_count(const mxio_symbol *s);
MXIO_API mxio_status mxio_symbol_head(const mxio_symbol *s, size_t i, uint32_t *src,
                                      uint32_t *index, uint32_t *version);

/* What a variable node is to the ops that consume it. */
typedef enum mxio_role {
    MXIO_ROLE_OP = 0,     /* not a variable */
    MXIO_ROLE_DATA = 1,   /* a real data input of the net */
    MXIO_ROLE_WEIGHT = 2, /* a learnable argument (saved as arg:) */
    MXIO_ROLE_AUX = 3,    /* an auxiliary state (saved as aux:) */
    MXIO_ROLE_LABEL = 4   /* the label input of a training head */
} mxio_role;

/* Role of a node, worked out from the argument each consuming op takes it as. */
MXIO_API mxio_role mxio_symbol_node_role(const mxio_symbol *s, size_t node);
MXIO_API const char *mxio_role_name(mxio_role r);

/* ------------------------------------------------------------------------- */
/* Views of a symbol: NodeDataset, NodeGraph, InputNames                      */
/* ------------------------------------------------------------------------- */

typedef enum mxio_element {
    MXIO_ELEMENT_INPUT_NAMES = 0,
    MXIO_ELEMENT_NODE_DATASET = 1,
    MXIO_ELEMENT_NODE_GRAPH = 2,
    MXIO_ELEMENT_NODE_GRAPH_PLOT = 3,
    MXIO_ELEMENT_ARRAY_ASSOCIATION = 4,
    MXIO_ELEMENT_ARRAY_LIST = 5,
    MXIO_ELEMENT_ARRAY_NAMES = 6,
    MXIO_ELEMENT_NET = 7,
    MXIO_ELEMENT_UNINITIALIZED_NET = 8,
    MXIO_ELEMENT_LAYER_ASSOCIATION = 9
} mxio_element;

/* Spec name ("NodeDataset") of an element, NULL if unknown. */
MXIO_API const char *mxio_element_name(mxio_element e);
/* Parse a spec name (case-insensitive); 0 on success, -1 if unknown. */
MXIO_API int mxio_element_from_name(const char *name, mxio_element *out);

typedef enum mxio_text_format {
    MXIO_TEXT_TABLE = 0, /* aligned text for people */
    MXIO_TEXT_JSON = 1,
    MXIO_TEXT_CSV = 2,
    MXIO_TEXT_DOT = 3
} mxio_text_format;

/* Render a symbol element (InputNames, NodeDataset, NodeGraph) as text into a
 * malloc'd NUL-terminated buffer (free with mxio_free). */
MXIO_API mxio_status mxio_symbol_render(const mxio_symbol *s, mxio_element element,
                                        mxio_text_format format, char **text, size_t *len,
                                        mxio_error *err);
/* Same as mxio_symbol_render, given the params file that goes with the symbol
 * (`p` may be NULL). Roles then use it: a variable that ops take in a data slot
 * but that the params file holds is a learned constant (a weight), not an input. */
MXIO_API mxio_status mxio_symbol_render_with_params(const mxio_symbol *s, const mxio_params *p,
                                                    mxio_element element,
                                                    mxio_text_format format, char **text,
                                                    size_t *len, mxio_error *err);
/* Write `len` bytes of rendered text to `path` atomically (temp file + rename);
 * refuses to replace an existing file unless flags has MXIO_WRITE_FORCE. */
MXIO_API mxio_status mxio_write_text_file(const char *path, const char *text, size_t len,
                                          uint32_t flags, mxio_error *err);
/* Render a params element (ArrayAssociation, ArrayList, ArrayNames) as text. */
MXIO_API mxio_status mxio_params_render(const mxio_params *p, mxio_element element,
                                        mxio_text_format format, char **text, size_t *len,
                                        mxio_error *err);

/* ------------------------------------------------------------------------- */
/* ArrayPath: finding the params file of a symbol                             */
/* ------------------------------------------------------------------------- */

/* Apply the spec's Automatic rule: "prefix-symbol.json" -> the latest
 * "prefix-NNNN.params"; "name.json" -> "name*.params" (latest epoch first,
 * then "name.params"). On success *out is a malloc'd path (free with
 * mxio_free) and, if `candidates` is not NULL, it receives how many params files
 * matched (so callers can say which of several epochs was taken).
 * MXIO_E_NOT_FOUND if none exists. */
MXIO_API mxio_status mxio_find_params(const char *symbol_path, char **out, int *candidates,
                                      mxio_error *err);

/* ------------------------------------------------------------------------- */
/* NodeGraphPlot                                                              */
/* ------------------------------------------------------------------------- */

typedef enum mxio_plot_format {
    MXIO_PLOT_SVG = 0, /* laid out, with tooltips holding every attribute */
    MXIO_PLOT_PNG = 1, /* laid out, rendered by cairo */
    MXIO_PLOT_DOT = 2  /* the Graphviz source, not laid out (run `dot` on it yourself) */
} mxio_plot_format;

/* Shape of output `index` of node `node`, for edge labels: write at most `cap`
 * dims into `dims` and return the number of dims (0 for a scalar), or -1 when
 * unknown (the edge is then drawn without a shape). */
typedef int (*mxio_plot_shape_fn)(void *ctx, size_t node, uint32_t index, int64_t *dims, int cap);

/* The shape of one input variable, by name (e.g. {"data", 4, {1, 3, 224, 224}}). */
typedef struct mxio_plot_input {
    const char *name;
    int ndim;
    const int64_t *dims;
} mxio_plot_input;

/* Options for mxio_symbol_plot. All-zero is the default: SVG, weights hidden,
 * no edge shapes, no title. Edge shapes come from `shape` when set, else are
 * inferred by mxio from `inputs` when ninputs > 0 (other variables may carry
 * __shape__ attributes); an inconsistent shape then fails with MXIO_E_SHAPE. */
typedef struct mxio_plot_options {
    mxio_plot_format format;
    int show_weights;              /* also draw weights and aux states (one box per op) */
    const char *title;             /* caption under the graph; NULL: none */
    mxio_plot_shape_fn shape;      /* edge shapes from this callback; NULL: see inputs */
    void *shape_ctx;               /* passed to `shape` */
    const mxio_plot_input *inputs; /* input shapes to infer edge shapes from */
    size_t ninputs;
    int dpi;                       /* PNG resolution; 0: 96 */
} mxio_plot_options;

/* Draw the graph of `s` top to bottom with Graphviz's dot layout: op nodes
 * coloured by family with a legend, labelled with the op, its key attributes and
 * the node name; data inputs as ovals; every attribute in each node's SVG tooltip.
 * `opt` may be NULL (defaults). On success *out is a malloc'd buffer of *len bytes
 * (free with mxio_free); SVG and DOT are also NUL-terminated. Graphviz is not
 * thread-safe: concurrent calls are serialised inside.
 * @code
 *   void *svg; size_t n;
 *   if (mxio_symbol_plot(sym, NULL, &svg, &n, &err) == MXIO_OK) fwrite(svg, 1, n, f);
 *   mxio_free(svg);
 * @endcode */
MXIO_API mxio_status mxio_symbol_plot(const mxio_symbol *s, const mxio_plot_options *opt,
                                      void **out, size_t *len, mxio_error *err);
/* Same, written atomically to `path`; refuses to replace an existing file unless
 * flags has MXIO_WRITE_FORCE. */
MXIO_API mxio_status mxio_symbol_plot_file(const mxio_symbol *s, const mxio_plot_options *opt,
                                           const char *path, uint32_t flags, mxio_error *err);
/* The format a file name asks for, by its extension (".svg", ".png", ".dot" or
 * ".gv", any case); also accepts the bare names "svg", "png", "dot".
 * Returns 0 and sets *out, or -1 if it names none of them. */
MXIO_API int mxio_plot_format_from_name(const char *path_or_name, mxio_plot_format *out);
/* Net: high-level layers (NetChain / NetGraph, LayerAssociation)             */
/* ------------------------------------------------------------------------- */

/* A symbol translated into high-level layers: one layer per op node (ConvolutionLayer,
 * LinearLayer, BatchNormalizationLayer, ...; ops without a natural layer keep their
 * MXNet identity as "MXNetOpLayer"), wired as a NetChain (one straight path) or a
 * NetGraph. Inputs keep their MXNet variable names, outputs MXNet's output names
 * ("fc1_output"); training heads (SoftmaxOutput, *RegressionOutput, ...) take their
 * inference form and their label inputs are dropped. See docs/layers.md. */
typedef struct mxio_net mxio_net;

/* Flags for mxio_net_options. */
#define MXIO_NET_KEEP_FAILURES 0x1u /* return a net with failure entries instead of failing */

/* Zero-initialise ({0}) and set what you need: fields may be appended. */
typedef struct mxio_net_options {
    const char *output; /* take this internal output as the net's output ("fc1_output"); NULL: the heads */
    uint32_t flags;     /* MXIO_NET_* */
    /* Input shapes by variable name (may be NULL; the same type the plot and summary
     * take): the graph's shape rules then give every layer's output shapes and every
     * array's shape (also in an UninitializedNet), and check the params file's arrays
     * against each other. Inputs that declare __shape__ need none. */
    const mxio_plot_input *inputs;
    size_t ninputs;
} mxio_net_options;

/* Build a Net from a symbol; `params` (may be NULL: an UninitializedNet) supplies the
 * arrays, checked against the layers (MXIO_E_MISMATCH names the array and both shapes;
 * arrays the graph needs but the file lacks are an error too). `opts` may be NULL.
 * Ops mxio does not know fail with MXIO_E_UNKNOWN_OP and one message naming every
 * such op with its count and first node ("unsupported ops: _contrib_box_nms x2
 * (first: ssd0_nms)"); other untranslatable nodes are listed the same way. With
 * MXIO_NET_KEEP_FAILURES the net is returned instead, those nodes as failure entries.
 * The net copies what it needs: `sym` and `params` may be freed afterwards. */
MXIO_API mxio_status mxio_net_from_symbol(const mxio_symbol *sym, const mxio_params *params,
                                          const mxio_net_options *opts, mxio_net **out,
                                          mxio_error *err);
/* Read the Net JSON form written by mxio_net_render(..., MXIO_TEXT_JSON, ...). */
MXIO_API mxio_status mxio_net_read_json(const char *json, size_t len, const char *label,
                                        mxio_net **out, mxio_error *err);
MXIO_API void mxio_net_free(mxio_net *net);

/* 1 for a NetChain, 0 for a NetGraph. */
MXIO_API int mxio_net_is_chain(const mxio_net *net);
/* Number of nodes that could not be translated (only with MXIO_NET_KEEP_FAILURES). */
MXIO_API size_t mxio_net_failure_count(const mxio_net *net);
MXIO_API size_t mxio_net_input_count(const mxio_net *net);
MXIO_API const char *mxio_net_input_name(const mxio_net *net, size_t i);
MXIO_API size_t mxio_net_output_count(const mxio_net *net);
MXIO_API const char *mxio_net_output_name(const mxio_net *net, size_t i);

MXIO_API size_t mxio_net_layer_count(const mxio_net *net);
/* Layer name: the MXNet node name (made unique with "_<node index>" if repeated). */
MXIO_API const char *mxio_net_layer_name(const mxio_net *net, size_t i);
/* Layer type ("ConvolutionLayer", "MXNetOpLayer"), NULL for a failure entry. */
MXIO_API const char *mxio_net_layer_type(const mxio_net *net, size_t i);
/* The MXNet op the layer came from ("Convolution"). */
MXIO_API const char *mxio_net_layer_op(const mxio_net *net, size_t i);
/* Why the node could not be translated, NULL for a layer. */
MXIO_API const char *mxio_net_layer_failure(const mxio_net *net, size_t i);
/* Option value as compact JSON text ("[3,3]", "true", "\"Max\"", "null"); NULL if the
 * layer type has no option of that name. */
MXIO_API const char *mxio_net_layer_option(const mxio_net *net, size_t i, const char *name);
MXIO_API size_t mxio_net_layer_array_count(const mxio_net *net, size_t i);
/* Array slot j of layer i: slot name ("Weights"), the MXNet variable it is wired to
 * (NULL if the op does not take it), and its shape: the attached array's, else the
 * inferred one (ndim -1 and NULL when neither is known, or for no_bias). */
MXIO_API const char *mxio_net_layer_array_name(const mxio_net *net, size_t i, size_t j);
MXIO_API const char *mxio_net_layer_array_variable(const mxio_net *net, size_t i, size_t j);
MXIO_API const int64_t *mxio_net_layer_array_shape(const mxio_net *net, size_t i, size_t j,
                                                   int *ndim);
/* Shape of output k of layer i as inferred from the input shapes (-1 for a dim not
 * known); NULL and *ndim -1 when unknown. */
MXIO_API const int64_t *mxio_net_layer_output_shape(const mxio_net *net, size_t i, size_t k,
                                                    int *ndim);

/* Render MXIO_ELEMENT_NET, MXIO_ELEMENT_UNINITIALIZED_NET (arrays left out) or
 * MXIO_ELEMENT_LAYER_ASSOCIATION as MXIO_TEXT_TABLE (a layer list for people) or
 * MXIO_TEXT_JSON (Net/UninitializedNet: the Net JSON form, docs/layers.md;
 * LayerAssociation: {node name: {op, type, options, arrays} or {op, failure}}) into a
 * malloc'd NUL-terminated buffer (free with mxio_free). */
MXIO_API mxio_status mxio_net_render(const mxio_net *net, mxio_element element,
                                     mxio_text_format format, char **text, size_t *len,
                                     mxio_error *err);

/* ------------------------------------------------------------------------- */
/* Summary                                                                    */
/* ------------------------------------------------------------------------- */

/* Options for mxio_summary_render. All-zero is the default: a table, shapes from
 * the symbol's __shape__ attributes and the params file's array shapes. */
typedef struct mxio_summary_options {
    mxio_text_format format;       /* MXIO_TEXT_TABLE or MXIO_TEXT_JSON */
    const mxio_plot_input *inputs; /* input shapes by variable name (take precedence over __shape__) */
    size_t ninputs;
    const char *symbol_path;       /* shown as the symbol's file; NULL: the name it was read under */
    const char *params_path;       /* the file `params` was read from: shown, and its size taken */
    const char *params_note;       /* how that file was chosen ("latest of 3 epochs"); may be NULL */
} mxio_summary_options;

/* Summarise a model as text into a malloc'd NUL-terminated buffer (free with
 * mxio_free): the MXNet version that wrote the symbol; the params file (size,
 * array count, dtypes); the inputs and outputs with shapes and dtypes; one row per
 * op node with its output shapes, its parameter count (arg and aux) and its
 * multiply-accumulates; the totals; and notes saying what could not be known.
 * `params` may be NULL (counts then come from inferred weight shapes). Unknown
 * shapes are never an error: they are shown as unknown. An input given in `opt`
 * that names no variable is MXIO_E_NOT_FOUND; shapes that contradict the graph,
 * MXIO_E_SHAPE. The JSON form is described in docs/summary.md. */
MXIO_API mxio_status mxio_summary_render(const mxio_symbol *s, const mxio_params *params,
                                         const mxio_summary_options *opt, char **text,
                                         size_t *len, mxio_error *err);

/* ------------------------------------------------------------------------- */
/* Export and builder                                                         */
/* ------------------------------------------------------------------------- */

/* Export[file.json, net, "MXNet"]: a Net, imported or built, written as a symbol
 * JSON (MXNet 1.9.1's text layout, mxnet_version 10901) and a .params file with
 * arg:/aux: keys, which MXNet loads with mx.model.load_checkpoint and
 * gluon.SymbolBlock.imports. Imported layers whose options were not changed are
 * written back with their node's op and raw attributes; edited and built layers go
 * through the op <-> layer table (docs/export.md lists what is not invertible).
 * The arrays come from `arrays`: the params the net was made from (looked up by
 * each slot's raw name, then arg:/aux:<variable>, then <variable>) or the ones a
 * builder attached. */

/* Flags for export (MXIO_WRITE_FORCE may be combined with them). */
#define MXIO_EXPORT_NO_ARRAYS 0x100u /* SaveArrays -> False: the JSON alone */
#define MXIO_EXPORT_FLOAT16 0x200u   /* float32 arrays written as float16 */
#define MXIO_EXPORT_FLOAT32 0x400u   /* float16 arrays written as float32 */

/* The symbol and params (NULL with MXIO_EXPORT_NO_ARRAYS, or when `params` is
 * NULL) in memory. Write them with mxio_symbol_write_file / mxio_params_write_file. */
MXIO_API mxio_status mxio_net_to_mxnet(const mxio_net *net, const mxio_params *arrays,
                                       uint32_t flags, mxio_symbol **sym, mxio_params **params,
                                       mxio_error *err);
/* ArrayPath -> Automatic: prefix-symbol.json -> prefix-0000.params, name.json ->
 * name.params (anything else: path + ".params"). malloc'd (free with mxio_free). */
MXIO_API char *mxio_export_array_path(const char *json_path);
/* Write `json_path` and its params file (`array_path`, NULL: Automatic). Both are
 * made in memory first, then written atomically (temp file + rename), the JSON
 * first; if the params write fails the JSON this call wrote is removed. An
 * existing file is never replaced without MXIO_WRITE_FORCE (MXIO_E_EXISTS, nothing
 * written). */
MXIO_API mxio_status mxio_net_export(const mxio_net *net, const mxio_params *arrays,
                                     const char *json_path, const char *array_path,
                                     uint32_t flags, mxio_error *err);

/* Building a Net in C. Layers are the catalogue's types (docs/layers.md) with
 * options given as JSON text. A layer not connected explicitly takes the layer
 * added before it (the first layer: the first input), so a chain needs no
 * connect calls; mxio_net_builder_connect gives a layer its data sources in
 * order (a NetGraph). Arrays are copied in and named <layer>_<argument>
 * ("conv1_weight") unless a name is given. The last layer is the output unless
 * mxio_net_builder_output names others. */
typedef struct mxio_net_builder mxio_net_builder;

MXIO_API mxio_net_builder *mxio_net_builder_new(void);
MXIO_API void mxio_net_builder_free(mxio_net_builder *b);
/* A data input; `shape` (may be NULL) becomes its __shape__ attribute. */
MXIO_API mxio_status mxio_net_builder_input(mxio_net_builder *b, const char *name, int ndim,
                                            const int64_t *shape, mxio_error *err);
/* A layer of catalogue type `type` ("ConvolutionLayer"), options at their defaults. */
MXIO_API mxio_status mxio_net_builder_layer(mxio_net_builder *b, const char *name,
                                            const char *type, mxio_error *err);
/* Option of a layer as JSON text: "20", "[5,5]", "\"Tanh\"", "true", "null". */
MXIO_API mxio_status mxio_net_builder_option(mxio_net_builder *b, const char *layer,
                                             const char *option, const char *json,
                                             mxio_error *err);
/* Add a data source to layer `to`: an input name or a layer name ("split" takes
 * output 0; "split:1" output 1). */
MXIO_API mxio_status mxio_net_builder_connect(mxio_net_builder *b, const char *from,
                                              const char *to, mxio_error *err);
/* Attach values to array slot `slot` ("Weights", "Biases", "MovingMean", or an
 * argument name for MXNetOpLayer). `data` holds prod(shape) elements of `dtype`,
 * little-endian. `variable` may be NULL (<layer>_<argument>). */
MXIO_API mxio_status mxio_net_builder_array(mxio_net_builder *b, const char *layer,
                                            const char *slot, const char *variable,
                                            mxio_dtype dtype, int ndim, const int64_t *shape,
                                            const void *data, mxio_error *err);
/* Make `from` (as for connect) an output of the net; call once per output. */
MXIO_API mxio_status mxio_net_builder_output(mxio_net_builder *b, const char *from,
                                             mxio_error *err);
/* The Net and the arrays attached (for mxio_net_export). The builder may be freed
 * afterwards; *arrays may be NULL if none were attached. */
MXIO_API mxio_status mxio_net_builder_finish(mxio_net_builder *b, mxio_net **net,
                                             mxio_params **arrays, mxio_error *err);

/* ------------------------------------------------------------------------- */
/* Runtime                                                                    */
/* ------------------------------------------------------------------------- */

/* A net compiled for given input shapes: one CPU kernel per layer (oneDNN for
 * convolution, deconvolution, FC, pooling, element-wise; C for the rest), the
 * weights converted to fp32 and packed, the activation memory planned. A runner
 * is immutable once created: several threads may run it at once, each through
 * its own mxio_run_context. Another batch size or input shape is another runner.
 * See docs/run.md. */
typedef struct mxio_runner mxio_runner;
/* Per-thread state of a runner: activation arena, input and output buffers. */
typedef struct mxio_run_context mxio_run_context;

/* Input shapes are mxio_plot_input ({"data", 4, {1, 3, 224, 224}}), as plot and summary take. */
typedef struct mxio_runner_options {
    int threads; /* threads each run may use (oneDNN's OpenMP team); 0: 1 */
} mxio_runner_options;

/* Compile `net` with the arrays of `params` (the file the net was built from).
 * Inputs without an entry in `shapes` take their variable's __shape__ attribute.
 * float16, bfloat16, float64 and integer arrays are converted to fp32 here.
 * Ops without a kernel fail with MXIO_E_UNKNOWN_OP and one message naming every
 * such op with its count and first nodes. `opts` may be NULL. The runner copies
 * what it needs: net and params may be freed afterwards. */
MXIO_API mxio_status mxio_runner_create(const mxio_net *net, const mxio_params *params,
                                        const mxio_plot_input *shapes, size_t nshapes,
                                        const mxio_runner_options *opts, mxio_runner **out,
                                        mxio_error *err);
MXIO_API void mxio_runner_free(mxio_runner *r);

MXIO_API size_t mxio_runner_input_count(const mxio_runner *r);
MXIO_API const char *mxio_runner_input_name(const mxio_runner *r, size_t i);
MXIO_API const int64_t *mxio_runner_input_shape(const mxio_runner *r, size_t i, int *ndim);
MXIO_API size_t mxio_runner_output_count(const mxio_runner *r);
MXIO_API const char *mxio_runner_output_name(const mxio_runner *r, size_t i);
MXIO_API const int64_t *mxio_runner_output_shape(const mxio_runner *r, size_t i, int *ndim);

typedef struct mxio_run_stats {
    size_t activation_peak_bytes; /* the planned arena: peak of live activations */
    size_t activation_total_bytes; /* every activation in its own buffer (no reuse) */
    size_t weight_bytes;          /* fp32 arrays the runner holds (kernels may keep packed copies too) */
    size_t scratch_bytes;         /* per context: the largest kernel scratch */
    size_t steps;                 /* kernels run per mxio_run (reorders included) */
    size_t reorders;              /* of which layout changes */
} mxio_run_stats;
MXIO_API void mxio_runner_stats(const mxio_runner *r, mxio_run_stats *out);

MXIO_API mxio_status mxio_run_context_create(const mxio_runner *r, mxio_run_context **out,
                                             mxio_error *err);
MXIO_API void mxio_run_context_free(mxio_run_context *c);

/* Copy input `name` from `data` (`count` elements of `dtype`, row-major, any
 * dtype: converted to fp32). `count` must equal the input's element count. */
MXIO_API mxio_status mxio_run_set_input(mxio_run_context *c, const char *name, mxio_dtype dtype,
                                        const void *data, size_t count, mxio_error *err);
/* Run the net once on the inputs set. */
MXIO_API mxio_status mxio_run(mxio_run_context *c, mxio_error *err);

/* Output i after a run: borrowed, valid until the next mxio_run on `c` or its free. */
typedef struct mxio_run_output {
    const char *name; /* "fc1_output" */
    mxio_dtype dtype; /* float32 unless the net casts */
    int ndim;
    const int64_t *shape;
    const void *data; /* row-major */
    size_t nbytes;
} mxio_run_output;
MXIO_API mxio_status mxio_run_get_output(const mxio_run_context *c, size_t i,
                                         mxio_run_output *out);

#ifdef __cplusplus
}
#endif

#endif /* MXIO_H */
