/* exec_shapes.c - whole-net shape inference for the runner; see exec.h.
 *
 * The runner binds layer by layer from the inputs forward, which cannot know a
 * dim MXNet fills from the consumers (a `_zeros(shape=(0, H))` RNN begin state).
 * For those layers the runner asks this file: the Net is viewed as a symbol
 * graph (variables for the net inputs, the labels and every array slot, then
 * one node per layer) and handed to the graph layer's inference, which iterates
 * forward and backward to a fixpoint like MXNet's InferShape. The view borrows
 * every string from the Net; nothing in it is written. */
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "../format/symbol.h"
#include "../graph/infer.h"
#include "../net/net.h"

static mxio_status nomem(mxio_error *err) {
    return mxio__fail(err, MXIO_E_NOMEM, "out of memory for the net's shape inference");
}

mxio_status mxio__exec_infer_net(const struct mxio_net *net, const mxio__shape *input_shapes,
                                 mxio__exec_net_shapes *out, mxio_error *err) {
    memset(out, 0, sizeof *out);
    /* node order: inputs, labels, array slots (layer by layer), layers */
    size_t *array0 = mxio__calloc_array(net->nlayers + 1, sizeof *array0);
    if (!array0) return nomem(err);
    size_t n = net->ninputs + net->nlabels;
    for (size_t li = 0; li < net->nlayers; li++) {
        array0[li] = n;
        n += net->layers[li].narrays;
    }
    size_t layer0 = n;
    n += net->nlayers;
    if (n > UINT32_MAX) {
        free(array0);
        return mxio__fail(err, MXIO_E_LIMIT, "%zu nodes", n);
    }
    size_t nentries = 0;
    for (size_t li = 0; li < net->nlayers; li++) nentries += net->layers[li].nsrcs;
    mxio__node *nodes = mxio__calloc_array(n ? n : 1, sizeof *nodes);
    mxio__entry *entries = mxio__calloc_array(nentries ? nentries : 1, sizeof *entries);
    mxio__shape_hint *hints = mxio__calloc_array(n ? n : 1, sizeof *hints);
    mxio_status st = MXIO_OK;
    if (!nodes || !entries || !hints) {
        st = nomem(err);
        goto done;
    }
    size_t nh = 0;
    /* The view's nodes are read-only; the casts only fit the node struct. */
    for (size_t i = 0; i < net->ninputs; i++) {
        nodes[i].op = (char *)"null";
        nodes[i].name = net->inputs[i].name;
        hints[nh++] = (mxio__shape_hint){net->inputs[i].name, input_shapes[i], -1};
    }
    for (size_t i = 0; i < net->nlabels; i++) {
        nodes[net->ninputs + i].op = (char *)"null";
        nodes[net->ninputs + i].name = net->labels[i].name;
    }
    size_t ne = 0;
    for (size_t li = 0; li < net->nlayers; li++) {
        const mxio__layer *l = &net->layers[li];
        for (size_t a = 0; a < l->narrays; a++) {
            const mxio__layer_array *arr = &l->arrays[a];
            mxio__node *v = &nodes[array0[li] + a];
            v->op = (char *)"null";
            v->name = arr->var ? arr->var : arr->slot;
            if (arr->var && arr->ndim >= 0) {
                mxio__shape_hint *h = &hints[nh++];
                h->name = arr->var;
                h->dtype = -1;
                mxio__shape_make(&h->shape, arr->ndim, arr->shape);
            }
        }
        mxio__node *x = &nodes[layer0 + li];
        x->op = l->op;
        x->name = l->name;
        x->attrs = l->attrs;
        x->nattrs = l->nattrs;
        x->inputs = &entries[ne];
        x->ninputs = l->nsrcs;
        for (size_t k = 0; k < l->nsrcs; k++) {
            const mxio__layer_src *s = &l->srcs[k];
            mxio__entry *e = &entries[ne++];
            switch (s->kind) {
            case MXIO__SRC_INPUT: e->node = s->index; break;
            case MXIO__SRC_LABEL: e->node = (uint32_t)(net->ninputs + s->index); break;
            case MXIO__SRC_ARRAY: e->node = (uint32_t)(array0[li] + s->index); break;
            default:
                e->node = (uint32_t)(layer0 + s->index);
                e->index = s->port;
                break;
            }
        }
    }
    struct mxio_symbol view = {.label = net->label, .nodes = nodes, .nnodes = n};
    if ((st = mxio__infer_shapes(&view, hints, nh, &out->sh, err))) goto done;
    out->layer0 = layer0;
done:
    free(array0);
    free(nodes);
    free(entries);
    free(hints);
    return st;
}

const mxio__shape *mxio__exec_net_shape(const mxio__exec_net_shapes *s, size_t layer, int port) {
    size_t node = s->layer0 + layer;
    if (!s->sh.row || node >= s->sh.nnodes || port < 0 ||
        (uint32_t)port >= s->sh.row[node + 1] - s->sh.row[node])
        return NULL;
    return &s->sh.shape[s->sh.row[node] + (uint32_t)port];
}
