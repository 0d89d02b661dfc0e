/* net.h - the Net: layers wired into a NetChain or NetGraph (internal). */
#ifndef MXIO_NET_NET_H
#define MXIO_NET_NET_H

#include "layer.h"

typedef struct mxio__net_input {
    char *name;    /* the MXNet variable name ("data") */
    int64_t node;  /* its node index in the symbol, -1 if unknown */
    mxio__kv *attrs; /* the variable's attributes (__shape__, __dtype__, ...) */
    size_t nattrs;
} mxio__net_input;

typedef struct mxio__net_output {
    char *name;          /* MXNet's output name ("fc1_output") */
    mxio__layer_src src; /* INPUT or LAYER */
} mxio__net_output;

/* A variable the Net keeps as a record only: training labels (dropped in the
 * inference form) and arrays of the params file no layer uses. */
typedef struct mxio__net_name {
    char *name;
    int64_t node;
} mxio__net_name;

struct mxio_net {
    char *label;     /* source file for messages */
    int initialized; /* arrays were read from a params file */
    int is_chain;
    int file_version;
    mxio__layer *layers;
    size_t nlayers;
    mxio__net_input *inputs;
    size_t ninputs;
    mxio__net_output *outputs;
    size_t noutputs;
    mxio__net_name *labels;
    size_t nlabels;
    char **unused_arrays; /* params entries no layer takes (raw names) */
    size_t nunused;
    size_t nfailures;
};

struct mxio_net *mxio__net_new(void);
/* NetChain test: one input, one output, each layer fed by the one before. */
int mxio__net_compute_chain(const struct mxio_net *net);

/* Net JSON form (net_json.c). */
mxio_status mxio__net_write_json(const struct mxio_net *net, bool with_arrays, mxio__buf *out,
                                 mxio_error *err);
/* LayerAssociation as JSON: {node name: {type, options, arrays} or {op, failure}}. */
mxio_status mxio__net_write_association_json(const struct mxio_net *net, mxio__buf *out,
                                             mxio_error *err);
mxio_status mxio__net_read_json(const char *text, size_t len, const char *label,
                                struct mxio_net **out, mxio_error *err);
/* TABLE renderings (net_render.c). */
mxio_status mxio__net_write_table(const struct mxio_net *net, mxio_element element,
                                  mxio__buf *out, mxio_error *err);

#endif /* MXIO_NET_NET_H */
