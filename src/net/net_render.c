/* net_render.c - the Net for people: a layer list like a model summary. */
#include <stdio.h>
#include <stdlib.h>

#include "net.h"

static void put_shape(mxio__buf *b, const mxio__layer_array *a) {
    mxio__buf_putc(b, '(');
    for (int d = 0; d < a->ndim; d++) mxio__buf_printf(b, "%s%lld", d ? "," : "", (long long)a->shape[d]);
    mxio__buf_putc(b, ')');
}

/* Options that differ from the layer type's defaults, "Name=value" separated by spaces. */
static void put_options(mxio__buf *b, const mxio__layer *l) {
    bool first = true;
    for (size_t k = 0; l->type && l->type->options[k].name; k++) {
        const char *v = l->values[k];
        if (strcmp(v, l->type->options[k].dflt) == 0) continue;
        mxio__buf_printf(b, "%s%s=%s", first ? "" : " ", l->type->options[k].name, v);
        first = false;
    }
}

static void put_arrays(mxio__buf *b, const mxio__layer *l, bool with_arrays) {
    bool first = true;
    for (size_t j = 0; j < l->narrays; j++) {
        const mxio__layer_array *a = &l->arrays[j];
        if (a->state == MXIO__ARRAY_NONE) continue;
        mxio__buf_printf(b, "%s%s", first ? "" : ", ", a->slot);
        first = false;
        if (with_arrays && a->state == MXIO__ARRAY_SET) {
            mxio__buf_putc(b, ' ');
            put_shape(b, a);
            const char *dt = a->dtype >= 0 ? mxio_dtype_name((mxio_dtype)a->dtype) : NULL;
            if (dt) mxio__buf_printf(b, " %s", dt);
        } else {
            mxio__buf_printf(b, " <%s>", a->var ? a->var : "?");
            if (a->ndim >= 0) {
                mxio__buf_putc(b, ' ');
                put_shape(b, a);
            }
        }
    }
}

/* "(1,64,112,112)" per visible output ("?" for an unknown dim), "" when unknown. */
static void output_text(const mxio__layer *l, char *buf, size_t cap) {
    size_t o = 0;
    buf[0] = '\0';
    for (int k = 0; l->out_shapes && k < l->nvisible && o + 2 < cap; k++) {
        const mxio__shape *x = &l->out_shapes[k];
        if (x->ndim < 0) continue;
        o += (size_t)snprintf(buf + o, cap - o, "%s(", o ? " " : "");
        for (int d = 0; d < x->ndim && o < cap; d++) {
            if (x->d[d] < 0)
                o += (size_t)snprintf(buf + o, cap - o, "%s?", d ? "," : "");
            else
                o += (size_t)snprintf(buf + o, cap - o, "%s%lld", d ? "," : "", (long long)x->d[d]);
        }
        if (o < cap) o += (size_t)snprintf(buf + o, cap - o, ")");
    }
}

static size_t width(const struct mxio_net *net, int col) {
    size_t w = col == 0 ? 5 : col == 1 ? 4 : 2;
    for (size_t i = 0; i < net->nlayers; i++) {
        const mxio__layer *l = &net->layers[i];
        const char *s = col == 0 ? l->name : col == 1 ? (l->type ? l->type->name : "Failure") : l->op;
        size_t n = s ? strlen(s) : 0;
        if (n > w) w = n;
    }
    return w > 40 ? 40 : w;
}

mxio_status mxio__net_write_table(const struct mxio_net *net, mxio_element element,
                                  mxio__buf *b, mxio_error *err) {
    (void)err;
    if (element == MXIO_ELEMENT_LAYER_ASSOCIATION) {
        size_t w = width(net, 0);
        for (size_t i = 0; i < net->nlayers; i++) {
            const mxio__layer *l = &net->layers[i];
            mxio__buf_printf(b, "%-*s -> ", (int)w, l->name);
            if (l->failure) {
                mxio__buf_printf(b, "Failure[%s: %s]\n", l->op, l->failure);
                continue;
            }
            mxio__buf_printf(b, "%s[", l->type->name);
            put_options(b, l);
            mxio__buf_puts(b, "]");
            if (l->narrays) {
                mxio__buf_puts(b, " {");
                put_arrays(b, l, net->initialized);
                mxio__buf_puts(b, "}");
            }
            mxio__buf_putc(b, '\n');
        }
        return MXIO_OK;
    }
    bool with_arrays = element == MXIO_ELEMENT_NET && net->initialized;
    size_t nparams = 0;
    int64_t nvalues = 0;
    for (size_t i = 0; i < net->nlayers; i++)
        for (size_t j = 0; j < net->layers[i].narrays; j++) {
            const mxio__layer_array *a = &net->layers[i].arrays[j];
            if (a->state != MXIO__ARRAY_SET) continue;
            int64_t n = 1;
            for (int d = 0; d < a->ndim; d++) n = a->shape[d] && n > INT64_MAX / a->shape[d] ? INT64_MAX : n * a->shape[d];
            nparams++;
            nvalues = nvalues > INT64_MAX - n ? INT64_MAX : nvalues + n;
        }
    mxio__buf_printf(b, "%s%s  %s  (%zu layers", with_arrays || element == MXIO_ELEMENT_NET ? "" : "Uninitialized ",
                     net->is_chain ? "NetChain" : "NetGraph", net->label ? net->label : "", net->nlayers);
    if (with_arrays) mxio__buf_printf(b, ", %zu arrays, %lld values", nparams, (long long)nvalues);
    if (net->nfailures) mxio__buf_printf(b, ", %zu failures", net->nfailures);
    mxio__buf_puts(b, ")\ninputs: ");
    for (size_t i = 0; i < net->ninputs; i++)
        mxio__buf_printf(b, "%s%s", i ? ", " : "", net->inputs[i].name);
    mxio__buf_puts(b, "\noutputs: ");
    for (size_t i = 0; i < net->noutputs; i++) {
        const mxio__layer_src *s = &net->outputs[i].src;
        mxio__buf_printf(b, "%s%s <- %s", i ? ", " : "", net->outputs[i].name,
                         s->kind == MXIO__SRC_INPUT ? net->inputs[s->index].name
                                                    : net->layers[s->index].name);
    }
    if (net->nlabels) {
        mxio__buf_puts(b, "\ndropped labels: ");
        for (size_t i = 0; i < net->nlabels; i++)
            mxio__buf_printf(b, "%s%s", i ? ", " : "", net->labels[i].name);
    }
    mxio__buf_putc(b, '\n');
    size_t w0 = width(net, 0), w1 = width(net, 1), w2 = width(net, 2), w3 = 0;
    char shape[512];
    for (size_t i = 0; i < net->nlayers; i++) {
        output_text(&net->layers[i], shape, sizeof shape);
        if (strlen(shape) > w3) w3 = strlen(shape);
    }
    if (w3 && w3 < 6) w3 = 6;
    if (w3)
        mxio__buf_printf(b, "\n%5s  %-*s  %-*s  %-*s  %-*s  %s\n", "#", (int)w0, "layer", (int)w1,
                         "type", (int)w2, "op", (int)w3, "output", "inputs; options; arrays");
    else
        mxio__buf_printf(b, "\n%5s  %-*s  %-*s  %-*s  %s\n", "#", (int)w0, "layer", (int)w1, "type",
                         (int)w2, "op", "inputs; options; arrays");
    for (size_t i = 0; i < net->nlayers; i++) {
        const mxio__layer *l = &net->layers[i];
        mxio__buf_printf(b, "%5zu  %-*s  %-*s  %-*s  ", i + 1, (int)w0, l->name, (int)w1,
                         l->type ? l->type->name : "Failure", (int)w2, l->op);
        if (w3) {
            output_text(l, shape, sizeof shape);
            mxio__buf_printf(b, "%-*s  ", (int)w3, shape);
        }
        bool first = true;
        for (size_t k = 0; k < l->nsrcs; k++) {
            const mxio__layer_src *s = &l->srcs[k];
            if (s->kind == MXIO__SRC_INPUT)
                mxio__buf_printf(b, "%s%s", first ? "" : ",", net->inputs[s->index].name);
            else if (s->kind == MXIO__SRC_LAYER)
                mxio__buf_printf(b, s->port ? "%s%s:%u" : "%s%s", first ? "" : ",",
                                 net->layers[s->index].name, s->port);
            else
                continue;
            first = false;
        }
        if (l->failure) {
            mxio__buf_printf(b, "; %s\n", l->failure);
            continue;
        }
        mxio__buf_puts(b, "; ");
        put_options(b, l);
        if (l->narrays) {
            mxio__buf_puts(b, "; ");
            put_arrays(b, l, with_arrays);
        }
        /* No trailing separators for layers without options or arrays. */
        while (b->len >= 2 && b->data[b->len - 1] == ' ' && b->data[b->len - 2] == ';') b->len -= 2;
        mxio__buf_putc(b, '\n');
    }
    if (with_arrays && net->nunused) {
        mxio__buf_printf(b, "\n%zu arrays of the params file are not used: ", net->nunused);
        for (size_t i = 0; i < net->nunused && i < 20; i++)
            mxio__buf_printf(b, "%s%s", i ? ", " : "", net->unused_arrays[i]);
        if (net->nunused > 20) mxio__buf_puts(b, ", ...");
        mxio__buf_putc(b, '\n');
    }
    return MXIO_OK;
}
