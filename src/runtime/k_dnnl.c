/* k_dnnl.c - Convolution, Deconvolution, FullyConnected and Pooling on oneDNN.
 *
 * Each kernel lets oneDNN choose the layouts it runs fastest in (format_tag
 * any), then adds reorders where the caller's layout differs: the input and
 * output at run time (into scratch), the weights once at creation when they are
 * constant. Scratch also holds oneDNN's own scratchpad (user mode), so a kernel
 * object stays read-only and several threads may run it at once. */
#include <stdlib.h>

#include "runtime.h"

#define DNNL_TRY(call, what) MXIO__DNNL_TRY(status, call, what)

typedef struct dnnl_impl {
    dnnl_primitive_t prim;
    dnnl_memory_desc_t src_md, wei_md, bias_md, dst_md, pad_md;
    dnnl_memory_desc_t user_src_md, user_wei_md, user_dst_md;
    dnnl_primitive_t src_reorder, wei_reorder, dst_reorder;
    dnnl_primitive_t dst_in_reorder; /* post_sum with a plain output: old out -> dst_md */
    void *packed_w;   /* constant weights in wei_md, or NULL */
    float *const_bias; /* copy of a constant bias, or NULL */
    bool has_weights, has_bias;
    size_t off_src, off_wei, off_dst, off_pad;
} dnnl_impl;

static void dnnl_destroy(mxio__kernel *k) {
    dnnl_impl *d = k->impl;
    if (!d) return;
    if (d->prim) dnnl_primitive_destroy(d->prim);
    if (d->src_reorder) dnnl_primitive_destroy(d->src_reorder);
    if (d->wei_reorder) dnnl_primitive_destroy(d->wei_reorder);
    if (d->dst_reorder) dnnl_primitive_destroy(d->dst_reorder);
    if (d->dst_in_reorder) dnnl_primitive_destroy(d->dst_in_reorder);
    mxio__rt_free(d->packed_w);
    free(d->const_bias);
    free(d);
    k->impl = NULL;
}

static dnnl_format_tag_t plain_tag(int ndim) {
    static const dnnl_format_tag_t tags[] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc,
                                             dnnl_abcd, dnnl_abcde, dnnl_abcdef};
    return ndim >= 1 && ndim <= 6 ? tags[ndim] : dnnl_format_tag_undef;
}

static dnnl_status_t md_plain(dnnl_memory_desc_t *md, int ndim, const int64_t *dims) {
    dnnl_dims_t d;
    for (int i = 0; i < ndim; i++) d[i] = dims[i];
    return dnnl_memory_desc_init_by_tag(md, ndim, d, dnnl_f32, plain_tag(ndim));
}

static dnnl_status_t md_any(dnnl_memory_desc_t *md, int ndim, const int64_t *dims) {
    dnnl_dims_t d;
    for (int i = 0; i < ndim; i++) d[i] = dims[i];
    return dnnl_memory_desc_init_by_tag(md, ndim, d, dnnl_f32, dnnl_format_tag_any);
}

/* Activations of a 2-D convolution: nChw16c when the channels fill whole blocks.
 * With `any`, oneDNN 2.6.3 on this AVX-512 machine picks channels-last (acdb)
 * brgconv kernels; its nChw16c jit kernels measured faster on every benchmark net
 * (26 Nov 2026, interleaved A/B, 1 and 2 threads: ResNet-50 batch 8 -5 %,
 * MobileNet-v2 batch 1 and 8 -7 to -12 %, ResNet-50 batch 1 the same). */
static dnnl_status_t md_conv_act(dnnl_memory_desc_t *md, int ndim, const int64_t *dims) {
    if (ndim != 4 || dims[1] % 16) return md_any(md, ndim, dims);
    dnnl_dims_t d;
    for (int i = 0; i < ndim; i++) d[i] = dims[i];
    return dnnl_memory_desc_init_by_tag(md, ndim, d, dnnl_f32, dnnl_nChw16c);
}

static size_t align_up(size_t n) { return (n + MXIO__RT_ALIGN - 1) & ~(size_t)(MXIO__RT_ALIGN - 1); }

static dnnl_status_t make_reorder(dnnl_primitive_t *out, const dnnl_memory_desc_t *from,
                                  const dnnl_memory_desc_t *to, dnnl_engine_t eng) {
    dnnl_primitive_desc_t pd;
    dnnl_status_t st = dnnl_reorder_primitive_desc_create(&pd, from, eng, to, eng, NULL);
    if (st != dnnl_success) return st;
    st = dnnl_primitive_create(out, pd);
    dnnl_primitive_desc_destroy(pd);
    return st;
}

/* One argument of a primitive: its oneDNN argument id, layout and buffer. */
typedef struct prim_arg {
    int id;
    const dnnl_memory_desc_t *md;
    const void *ptr;
} prim_arg;

/* Run `p` once over `n` buffers and wait for it: the memory objects wrapping the
 * buffers live only for this call, so a kernel stays read-only across threads. */
static dnnl_status_t run_primitive(dnnl_primitive_t p, int n, const prim_arg *a, dnnl_engine_t eng,
                                   dnnl_stream_t s) {
    dnnl_memory_t mem[MXIO__RT_MAX_IO + 2] = {0};
    dnnl_exec_arg_t args[MXIO__RT_MAX_IO + 2];
    dnnl_status_t st = n <= MXIO__RT_MAX_IO + 2 ? dnnl_success : dnnl_invalid_arguments;
    for (int i = 0; st == dnnl_success && i < n; i++) {
        st = dnnl_memory_create(&mem[i], a[i].md, eng, (void *)a[i].ptr);
        args[i] = (dnnl_exec_arg_t){a[i].id, mem[i]};
    }
    if (st == dnnl_success) st = dnnl_primitive_execute(p, s, n, args);
    if (st == dnnl_success) st = dnnl_stream_wait(s);
    for (int i = 0; i < n && i < MXIO__RT_MAX_IO + 2; i++)
        if (mem[i]) dnnl_memory_destroy(mem[i]);
    return st;
}

static dnnl_status_t run_reorder(dnnl_primitive_t r, const dnnl_memory_desc_t *from_md,
                                 const void *from, const dnnl_memory_desc_t *to_md, void *to,
                                 dnnl_engine_t eng, dnnl_stream_t s) {
    prim_arg a[2] = {{DNNL_ARG_FROM, from_md, from}, {DNNL_ARG_TO, to_md, to}};
    return run_primitive(r, 2, a, eng, s);
}

/* After the primitive descriptor exists: record the layouts it chose, build the
 * reorders the caller's layouts need, lay out scratch, pack constant weights. */
static mxio_status finish(mxio__kernel *k, dnnl_impl *d, const mxio__rt_ctx *ctx,
                          dnnl_primitive_desc_t pd, bool blocked_out, bool post_sum,
                          const float *const_weight, const float *const_bias, int64_t bias_len,
                          mxio_error *err) {
    const char *op = k->op;
    mxio_status status = MXIO_OK;
    d->src_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0);
    d->dst_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    d->pad_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    if (d->has_weights) d->wei_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    if (d->has_bias) d->bias_md = *dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 1);
    DNNL_TRY(dnnl_primitive_create(&d->prim, pd), "primitive creation");

    size_t at = 0;
    if (!dnnl_memory_desc_equal(&d->src_md, &d->user_src_md)) {
        DNNL_TRY(make_reorder(&d->src_reorder, &d->user_src_md, &d->src_md, ctx->engine),
                 "input reorder");
        d->off_src = at;
        at += align_up(dnnl_memory_desc_get_size(&d->src_md));
    }
    if (d->has_weights && !dnnl_memory_desc_equal(&d->wei_md, &d->user_wei_md)) {
        DNNL_TRY(make_reorder(&d->wei_reorder, &d->user_wei_md, &d->wei_md, ctx->engine),
                 "weight reorder");
        if (!const_weight) {
            d->off_wei = at;
            at += align_up(dnnl_memory_desc_get_size(&d->wei_md));
        }
    }
    if (blocked_out) {
        k->out[0].layout = MXIO__LAYOUT_DNNL;
        k->out[0].md = d->dst_md;
    } else if (!dnnl_memory_desc_equal(&d->dst_md, &d->user_dst_md)) {
        DNNL_TRY(make_reorder(&d->dst_reorder, &d->dst_md, &d->user_dst_md, ctx->engine),
                 "output reorder");
        if (post_sum)
            DNNL_TRY(make_reorder(&d->dst_in_reorder, &d->user_dst_md, &d->dst_md, ctx->engine),
                     "residual reorder");
        d->off_dst = at;
        at += align_up(dnnl_memory_desc_get_size(&d->dst_md));
    }
    d->off_pad = at;
    at += align_up(dnnl_memory_desc_get_size(&d->pad_md));
    k->scratch_bytes = at;

    if (d->has_weights && const_weight) {
        size_t wbytes = dnnl_memory_desc_get_size(&d->wei_md);
        d->packed_w = mxio__rt_alloc(wbytes);
        if (!d->packed_w) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: weights", op);
        if (d->wei_reorder) {
            dnnl_stream_t s;
            DNNL_TRY(dnnl_stream_create(&s, ctx->engine, dnnl_stream_default_flags), "stream");
            dnnl_status_t st = run_reorder(d->wei_reorder, &d->user_wei_md, const_weight,
                                           &d->wei_md, d->packed_w, ctx->engine, s);
            dnnl_stream_destroy(s);
            DNNL_TRY(st, "weight packing");
            dnnl_primitive_destroy(d->wei_reorder);
            d->wei_reorder = NULL;
        } else {
            memcpy(d->packed_w, const_weight, wbytes);
        }
    }
    if (d->has_bias && const_bias) {
        d->const_bias = mxio__calloc_array((size_t)bias_len, sizeof(float));
        if (!d->const_bias) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s: bias", op);
        memcpy(d->const_bias, const_bias, (size_t)bias_len * sizeof(float));
    }
fail:
    return status;
}

static mxio_status dnnl_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                            void *const *out, void *scratch, mxio_error *err) {
    const dnnl_impl *d = k->impl;
    const char *op = k->op;
    mxio_status status = MXIO_OK;
    dnnl_engine_t eng = ex->ctx->engine;
    uint8_t *sc = scratch;
    prim_arg a[5];
    int n = 0;

    const void *src = in[0];
    if (d->src_reorder) {
        DNNL_TRY(run_reorder(d->src_reorder, &d->user_src_md, in[0], &d->src_md, sc + d->off_src,
                             eng, ex->stream), "input reorder");
        src = sc + d->off_src;
    }
    void *dst = d->dst_reorder ? (void *)(sc + d->off_dst) : out[0];
    if (d->dst_in_reorder)
        DNNL_TRY(run_reorder(d->dst_in_reorder, &d->user_dst_md, out[0], &d->dst_md, dst, eng,
                             ex->stream), "residual reorder");

    a[n++] = (prim_arg){DNNL_ARG_SRC, &d->src_md, src};
    if (d->has_weights) {
        const void *w = d->packed_w ? d->packed_w : in[1];
        if (!d->packed_w && d->wei_reorder) {
            DNNL_TRY(run_reorder(d->wei_reorder, &d->user_wei_md, in[1], &d->wei_md,
                                 sc + d->off_wei, eng, ex->stream), "weight reorder");
            w = sc + d->off_wei;
        }
        a[n++] = (prim_arg){DNNL_ARG_WEIGHTS, &d->wei_md, w};
    }
    if (d->has_bias)
        a[n++] = (prim_arg){DNNL_ARG_BIAS, &d->bias_md, d->const_bias ? (const void *)d->const_bias : in[2]};
    a[n++] = (prim_arg){DNNL_ARG_DST, &d->dst_md, dst};
    a[n++] = (prim_arg){DNNL_ARG_SCRATCHPAD, &d->pad_md, sc + d->off_pad};
    DNNL_TRY(run_primitive(d->prim, n, a, eng, ex->stream), "execution");
    if (d->dst_reorder)
        DNNL_TRY(run_reorder(d->dst_reorder, &d->dst_md, dst, &d->user_dst_md, out[0], eng,
                             ex->stream), "output reorder");
fail:
    return status;
}

/* A kernel with data, weight and optional bias inputs run by a oneDNN primitive
 * (convolution, deconvolution, inner product); the weight and bias descriptors
 * are set by the caller. */
static mxio_status weighted_kernel_new(const char *op, const mxio__tdesc *data, bool no_bias,
                                       mxio__kernel **out_k, dnnl_impl **out_d, mxio_error *err) {
    mxio__kernel *k = mxio__kernel_new(op, 1, data, 0);
    dnnl_impl *d = calloc(1, sizeof *d);
    if (!k || !d) {
        mxio__kernel_free(k);
        free(d);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->impl = d;
    k->destroy = dnnl_destroy;
    k->run = dnnl_run;
    k->nin = no_bias ? 2 : 3;
    d->has_weights = true;
    d->has_bias = !no_bias;
    *out_k = k;
    *out_d = d;
    return MXIO_OK;
}

/* oneDNN's eltwise for an activation, when it computes MXNet's function. */
static bool eltwise_of(const mxio__act_params *a, dnnl_alg_kind_t *alg, float *alpha, float *beta) {
    *alpha = *beta = 0.0f;
    switch (a->type) {
    case MXIO__ACT_RELU: *alg = dnnl_eltwise_relu; return true;
    case MXIO__ACT_LEAKY: *alg = dnnl_eltwise_relu; *alpha = a->slope; return true;
    case MXIO__ACT_RRELU:
        *alg = dnnl_eltwise_relu;
        *alpha = (a->lower_bound + a->upper_bound) / 2.0f;
        return true;
    case MXIO__ACT_CLIP: *alg = dnnl_eltwise_clip; *alpha = a->a_min; *beta = a->a_max; return true;
    case MXIO__ACT_SIGMOID: *alg = dnnl_eltwise_logistic; return true;
    case MXIO__ACT_TANH: *alg = dnnl_eltwise_tanh; return true;
    case MXIO__ACT_ELU: *alg = dnnl_eltwise_elu; *alpha = a->slope; return true;
    case MXIO__ACT_GELU: *alg = dnnl_eltwise_gelu_erf; return true;
    default: return false;
    }
}

static dnnl_status_t user_attr(dnnl_primitive_attr_t *attr, const mxio__conv_params *p) {
    dnnl_status_t st = dnnl_primitive_attr_create(attr);
    if (st != dnnl_success) return st;
    st = dnnl_primitive_attr_set_scratchpad_mode(*attr, dnnl_scratchpad_mode_user);
    if (st == dnnl_success && p && (p->post_sum || p->post_act)) {
        dnnl_post_ops_t po;
        st = dnnl_post_ops_create(&po);
        if (st != dnnl_success) return st;
        if (p->post_sum) st = dnnl_post_ops_append_sum(po, 1.0f);
        dnnl_alg_kind_t alg;
        float alpha, beta;
        if (st == dnnl_success && p->post_act) {
            st = eltwise_of(&p->act, &alg, &alpha, &beta)
                     ? dnnl_post_ops_append_eltwise(po, 1.0f, alg, alpha, beta)
                     : dnnl_unimplemented;
        }
        if (st == dnnl_success) st = dnnl_primitive_attr_set_post_ops(*attr, po);
        dnnl_post_ops_destroy(po);
    }
    return st;
}

/* The caller's input layout: a plain tensor, or the oneDNN layout it already is in. */
static dnnl_status_t user_src(dnnl_memory_desc_t *md, const mxio__tdesc *t) {
    if (t->layout == MXIO__LAYOUT_DNNL) {
        *md = t->md;
        return dnnl_success;
    }
    return md_plain(md, t->ndim, t->dims);
}

/* ---- Convolution / Deconvolution ------------------------------------------------ */

static mxio_status conv_like(const mxio__rt_ctx *ctx, const mxio__conv_params *p,
                             const mxio__tdesc *data, const float *const_weight,
                             const float *const_bias, bool deconv, mxio__kernel **out,
                             mxio_error *err) {
    const char *op = deconv ? "Deconvolution" : "Convolution";
    mxio_status status = MXIO_OK;
    int ns = p->nspatial, nd = ns + 2;
    if (ns < 1 || ns > 3 || data->ndim != nd)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d-D kernel needs %d-D data, got %d-D",
                          op, ns, nd, data->ndim);
    if (data->dtype != MXIO_DTYPE_FLOAT32)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: %s: data must be float32", op);
    int64_t g = p->num_group, C = data->dims[1], O = p->num_filter;
    if (g < 1 || C % g != 0 || O % g != 0 || O < 1 || O > (INT64_C(1) << 31))
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: channels %lld and num_filter %lld must divide by num_group %lld",
                          op, (long long)C, (long long)O, (long long)g);
    int64_t odims[5] = {data->dims[0], O};
    dnnl_dims_t strides, dil, pad_l, pad_r;
    const int64_t big = INT64_C(1) << 31; /* attrs beyond this are nonsense, and keep the math below in range */
    for (int i = 0; i < ns; i++) {
        int64_t x = data->dims[2 + i], k = p->kernel[i], s = p->stride[i], dl = p->dilate[i];
        if (k < 1 || s < 1 || dl < 1 || p->pad[i] < 0 || p->adj[i] < 0 || k > big || s > big ||
            dl > big || p->pad[i] > big || p->adj[i] > big || x > big)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad kernel/stride/dilate/pad/adj", op);
        int64_t ke = dl * (k - 1) + 1;
        int64_t o;
        if (deconv) {
            o = s * (x - 1) + ke - 2 * p->pad[i] + p->adj[i];
            pad_r[i] = p->pad[i] - p->adj[i];
        } else {
            o = (x + 2 * p->pad[i] - ke) / s + 1;
            if (x + 2 * p->pad[i] < ke) o = 0;
            pad_r[i] = (o - 1) * s + ke - x - p->pad[i];
        }
        if (o < 1)
            return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: output size %lld on spatial axis %d",
                              op, (long long)o, i);
        odims[2 + i] = o;
        strides[i] = s;
        dil[i] = dl - 1;
        pad_l[i] = p->pad[i];
    }

    mxio__kernel *k = NULL;
    dnnl_impl *d = NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    mxio_status made = weighted_kernel_new(op, data, p->no_bias, &k, &d, err);
    if (made != MXIO_OK) return made;

    /* Weights: oneDNN's logical order is (G, O/G, I/G, k...), and MXNet stores
     * Convolution as exactly that and Deconvolution as (G, I/G, O/G, k...). */
    int wnd = nd + 1;
    dnnl_dims_t wdims, wstr;
    wdims[0] = g;
    wdims[1] = O / g;
    wdims[2] = C / g;
    for (int i = 0; i < ns; i++) wdims[3 + i] = p->kernel[i];
    int64_t ksz = 1, wn;
    for (int i = 0; i < ns; i++)
        if (!mxio__rt_mul_i64(ksz, p->kernel[i], &ksz)) ksz = -1;
    if (ksz < 0 || !mxio__rt_mul_i64(ksz, (O / g) * (C / g), &wn) || !mxio__rt_mul_i64(wn, g, &wn)) {
        mxio__kernel_free(k);
        return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: weight size overflows", op);
    }
    if (!deconv) {
        wstr[2] = ksz;
        wstr[1] = (C / g) * ksz;
        wstr[0] = (O / g) * wstr[1];
    } else {
        wstr[1] = ksz;
        wstr[2] = (O / g) * ksz;
        wstr[0] = (C / g) * wstr[2];
    }
    for (int i = ns - 1, acc = 1; i >= 0; acc *= (int)p->kernel[i], i--) wstr[3 + i] = acc;
    if (g == 1) {
        /* Ungrouped: describe the weight without the G axis, as MXNet's oneDNN
         * backend does; oneDNN then picks its plain-convolution weight layouts. */
        wnd = nd;
        memmove(wdims, wdims + 1, (size_t)nd * sizeof wdims[0]);
        memmove(wstr, wstr + 1, (size_t)nd * sizeof wstr[0]);
    }
    k->in[1].ndim = nd;
    k->in[1].dtype = MXIO_DTYPE_FLOAT32;
    if (!deconv) {
        k->in[1].dims[0] = O;
        k->in[1].dims[1] = C / g;
    } else {
        k->in[1].dims[0] = C;
        k->in[1].dims[1] = O / g;
    }
    for (int i = 0; i < ns; i++) k->in[1].dims[2 + i] = p->kernel[i];
    if (!p->no_bias) {
        k->in[2].ndim = 1;
        k->in[2].dims[0] = O;
        k->in[2].dtype = MXIO_DTYPE_FLOAT32;
    }
    mxio__tdesc_plain(&k->out[0], nd, odims);

    dnnl_memory_desc_t src_any, wei_any, bias_md, dst_any;
    DNNL_TRY(user_src(&d->user_src_md, data), "input descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_strides(&d->user_wei_md, wnd, wdims, dnnl_f32, wstr),
             "weight descriptor");
    DNNL_TRY(md_plain(&d->user_dst_md, nd, odims), "output descriptor");
    DNNL_TRY(md_any(&src_any, nd, data->dims), "input descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&wei_any, wnd, wdims, dnnl_f32, dnnl_format_tag_any),
             "weight descriptor");
    dnnl_dims_t bdims = {O};
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&bias_md, 1, bdims, dnnl_f32, dnnl_a), "bias descriptor");
    DNNL_TRY(md_any(&dst_any, nd, odims), "output descriptor");
    DNNL_TRY(user_attr(&attr, p), "attributes (post-ops)");
    if (!deconv) {
        /* channel-blocked activations first (md_conv_act), oneDNN's own choice if
         * no implementation takes them */
        dnnl_memory_desc_t src_blk, dst_blk;
        dnnl_convolution_desc_t cd;
        if (md_conv_act(&src_blk, nd, data->dims) == dnnl_success &&
            md_conv_act(&dst_blk, nd, odims) == dnnl_success &&
            dnnl_dilated_convolution_forward_desc_init(
                &cd, dnnl_forward_inference, dnnl_convolution_direct, &src_blk, &wei_any,
                p->no_bias ? NULL : &bias_md, &dst_blk, strides, dil, pad_l, pad_r) == dnnl_success &&
            dnnl_primitive_desc_create(&pd, &cd, attr, ctx->engine, NULL) != dnnl_success)
            pd = NULL;
        if (!pd) {
            DNNL_TRY(dnnl_dilated_convolution_forward_desc_init(
                         &cd, dnnl_forward_inference, dnnl_convolution_direct, &src_any, &wei_any,
                         p->no_bias ? NULL : &bias_md, &dst_any, strides, dil, pad_l, pad_r),
                     "convolution descriptor");
            DNNL_TRY(dnnl_primitive_desc_create(&pd, &cd, attr, ctx->engine, NULL), "convolution");
        }
    } else {
        dnnl_deconvolution_desc_t dd;
        DNNL_TRY(dnnl_dilated_deconvolution_forward_desc_init(
                     &dd, dnnl_forward_inference, dnnl_deconvolution_direct, &src_any, &wei_any,
                     p->no_bias ? NULL : &bias_md, &dst_any, strides, dil, pad_l, pad_r),
                 "deconvolution descriptor");
        DNNL_TRY(dnnl_primitive_desc_create(&pd, &dd, attr, ctx->engine, NULL), "deconvolution");
    }
    status = finish(k, d, ctx, pd, p->blocked_out, p->post_sum, const_weight, const_bias, O, err);
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (status != MXIO_OK) {
        mxio__kernel_free(k);
        return status;
    }
    return mxio__rt_kernel_done(k, out, err);
}

mxio_status mxio__k_conv_create(const mxio__rt_ctx *ctx, const mxio__conv_params *p,
                                const mxio__tdesc *data, const float *const_weight,
                                const float *const_bias, mxio__kernel **out, mxio_error *err) {
    return conv_like(ctx, p, data, const_weight, const_bias, false, out, err);
}

mxio_status mxio__k_deconv_create(const mxio__rt_ctx *ctx, const mxio__conv_params *p,
                                  const mxio__tdesc *data, const float *const_weight,
                                  const float *const_bias, mxio__kernel **out, mxio_error *err) {
    return conv_like(ctx, p, data, const_weight, const_bias, true, out, err);
}

mxio_status mxio__deconv_apply_target_shape(mxio__conv_params *p, const mxio__tdesc *data,
                                            const int64_t *target, mxio_error *err) {
    bool used = false;
    for (int i = 0; i < p->nspatial; i++) used |= target[i] != 0;
    if (!used) return MXIO_OK;
    if (data->ndim != p->nspatial + 2)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: Deconvolution: %d-D data for a %d-D kernel",
                          data->ndim, p->nspatial);
    for (int i = 0; i < p->nspatial; i++) {
        int64_t full = p->stride[i] * (data->dims[2 + i] - 1) + p->dilate[i] * (p->kernel[i] - 1) + 1;
        if (full < target[i])
            return mxio__fail(err, MXIO_E_SHAPE,
                              "runtime: Deconvolution: target_shape %lld exceeds the output %lld on axis %d",
                              (long long)target[i], (long long)full, i);
        int64_t total = full - target[i];
        p->adj[i] = total % 2;
        p->pad[i] = (total + 1) / 2;
    }
    return MXIO_OK;
}

void mxio__upsampling_bilinear_params(int scale, int64_t num_filter, mxio__conv_params *p) {
    memset(p, 0, sizeof *p);
    p->nspatial = 2;
    for (int i = 0; i < 2; i++) {
        p->kernel[i] = 2 * scale - scale % 2;
        p->stride[i] = scale;
        p->pad[i] = scale / 2; /* ceil((s - 1) / 2) */
        p->dilate[i] = 1;
    }
    p->num_filter = p->num_group = num_filter;
    p->no_bias = true;
}

/* ---- FullyConnected ---------------------------------------------------------------- */

mxio_status mxio__k_fc_create(const mxio__rt_ctx *ctx, const mxio__fc_params *p,
                              const mxio__tdesc *data, const float *const_weight,
                              const float *const_bias, mxio__kernel **out, mxio_error *err) {
    const char *op = "FullyConnected";
    mxio_status status = mxio__rt_check_plain_f32(op, 1, data, err);
    if (status != MXIO_OK) return status;
    if (data->ndim < 1 || p->num_hidden < 1)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: bad data rank or num_hidden", op);
    /* MXNet views the data as (M, K): flatten keeps axis 0, otherwise the last axis is K. */
    int64_t M = 1, K = 1;
    int lead = p->flatten ? 1 : data->ndim - 1;
    for (int i = 0; i < data->ndim; i++) {
        if (i < lead) M *= data->dims[i];
        else K *= data->dims[i];
    }
    if (data->ndim == 1) { /* MXNet treats a 1-D input as one row */
        M = 1;
        K = data->dims[0];
    }
    mxio__kernel *k = NULL;
    dnnl_impl *d = NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    mxio_status made = weighted_kernel_new(op, data, p->no_bias, &k, &d, err);
    if (made != MXIO_OK) return made;
    int64_t wd[2] = {p->num_hidden, K};
    mxio__tdesc_plain(&k->in[1], 2, wd);
    if (!p->no_bias) mxio__tdesc_plain(&k->in[2], 1, &p->num_hidden);
    if (p->flatten || data->ndim == 1) {
        int64_t od[2] = {data->ndim == 1 ? 1 : data->dims[0], p->num_hidden};
        mxio__tdesc_plain(&k->out[0], 2, od);
    } else {
        int64_t od[MXIO__RT_MAX_DIMS];
        for (int i = 0; i < data->ndim - 1; i++) od[i] = data->dims[i];
        od[data->ndim - 1] = p->num_hidden;
        mxio__tdesc_plain(&k->out[0], data->ndim, od);
    }
    int64_t sd[2] = {M, K}, dd[2] = {M, p->num_hidden};
    dnnl_memory_desc_t wei_any, bias_md;
    DNNL_TRY(md_plain(&d->user_src_md, 2, sd), "input descriptor");
    DNNL_TRY(md_plain(&d->user_wei_md, 2, wd), "weight descriptor");
    DNNL_TRY(md_plain(&d->user_dst_md, 2, dd), "output descriptor");
    DNNL_TRY(md_any(&wei_any, 2, wd), "weight descriptor");
    DNNL_TRY(md_plain(&bias_md, 1, &p->num_hidden), "bias descriptor");
    DNNL_TRY(user_attr(&attr, NULL), "attributes");
    dnnl_inner_product_desc_t ipd;
    DNNL_TRY(dnnl_inner_product_forward_desc_init(&ipd, dnnl_forward_inference, &d->user_src_md,
                                                  &wei_any, p->no_bias ? NULL : &bias_md,
                                                  &d->user_dst_md),
             "inner product descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &ipd, attr, ctx->engine, NULL), "inner product");
    status = finish(k, d, ctx, pd, false, false, const_weight, const_bias, p->num_hidden, err);
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (status != MXIO_OK) {
        mxio__kernel_free(k);
        return status;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Pooling on oneDNN (the cases where it computes exactly MXNet's function) ---- */

mxio_status mxio__k_pool_dnnl(const mxio__rt_ctx *ctx, const mxio__pool_params *p,
                              const int64_t *kernel, const int64_t *stride, const int64_t *pad,
                              const mxio__tdesc *data, const mxio__tdesc *outd,
                              mxio__kernel **out, mxio_error *err) {
    const char *op = "Pooling";
    mxio_status status = MXIO_OK;
    int ns = data->ndim - 2;
    mxio__kernel *k = mxio__kernel_new(op, 1, data, 0);
    dnnl_impl *d = calloc(1, sizeof *d);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    if (!k || !d) {
        mxio__kernel_free(k);
        free(d);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->impl = d;
    k->destroy = dnnl_destroy;
    k->run = dnnl_run;
    k->out[0] = *outd;
    dnnl_dims_t st, kk, dl, pl, pr;
    for (int i = 0; i < ns; i++) {
        st[i] = stride[i];
        kk[i] = kernel[i];
        dl[i] = 0;
        pl[i] = pad[i];
        /* The extra right padding makes `full` windows fit; only used where it
         * cannot change the result (max, or averages excluding padding). */
        pr[i] = (outd->dims[2 + i] - 1) * stride[i] + kernel[i] - data->dims[2 + i] - pad[i];
    }
    dnnl_alg_kind_t alg = p->type == MXIO__POOL_MAX ? dnnl_pooling_max
                          : p->count_include_pad    ? dnnl_pooling_avg_include_padding
                                                    : dnnl_pooling_avg_exclude_padding;
    dnnl_memory_desc_t src_any, dst_any;
    DNNL_TRY(user_src(&d->user_src_md, data), "input descriptor");
    DNNL_TRY(md_plain(&d->user_dst_md, outd->ndim, outd->dims), "output descriptor");
    /* Pooling runs in whatever layout its input has; plain input stays plain. */
    src_any = d->user_src_md;
    DNNL_TRY(md_any(&dst_any, outd->ndim, outd->dims), "output descriptor");
    DNNL_TRY(user_attr(&attr, NULL), "attributes");
    dnnl_pooling_v2_desc_t pdsc;
    DNNL_TRY(dnnl_pooling_v2_forward_desc_init(&pdsc, dnnl_forward_inference, alg, &src_any,
                                               &dst_any, st, kk, dl, pl, pr),
             "pooling descriptor");
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &pdsc, attr, ctx->engine, NULL), "pooling");
    status = finish(k, d, ctx, pd, p->blocked_out, false, NULL, NULL, 0, err);
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (status != MXIO_OK) {
        mxio__kernel_free(k);
        return status;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- reorder --------------------------------------------------------------------- */

typedef struct reorder_impl {
    dnnl_primitive_t prim;
    dnnl_memory_desc_t from, to;
} reorder_impl;

static void reorder_destroy(mxio__kernel *k) {
    reorder_impl *r = k->impl;
    if (r && r->prim) dnnl_primitive_destroy(r->prim);
    free(r);
    k->impl = NULL;
}

static mxio_status reorder_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                               void *const *out, void *scratch, mxio_error *err) {
    const reorder_impl *r = k->impl;
    if (!r->prim) {
        memcpy(out[0], in[0], mxio__tdesc_bytes(&k->out[0]));
        return MXIO_OK;
    }
    dnnl_status_t st = run_reorder(r->prim, &r->from, in[0], &r->to, out[0], ex->ctx->engine, ex->stream);
    if (st != dnnl_success)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: reorder: oneDNN execution failed (status %d)",
                          (int)st);
    return MXIO_OK;
}

mxio_status mxio__k_reorder_create(const mxio__rt_ctx *ctx, const mxio__tdesc *from,
                                   const mxio__tdesc *to, mxio__kernel **out, mxio_error *err) {
    const char *op = "reorder";
    mxio_status status = MXIO_OK;
    if (from->dtype != MXIO_DTYPE_FLOAT32 || from->ndim < 1 || from->ndim > 6 ||
        (to && (to->ndim != from->ndim || memcmp(to->dims, from->dims, sizeof(int64_t) * (size_t)from->ndim))))
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: needs fp32 tensors of one shape, rank 1-6", op);
    mxio__kernel *k = mxio__kernel_new(op, 1, from, 0);
    reorder_impl *r = calloc(1, sizeof *r);
    if (!k || !r) {
        mxio__kernel_free(k);
        free(r);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->impl = r;
    k->destroy = reorder_destroy;
    k->run = reorder_run;
    if (to) {
        k->out[0] = *to;
    } else {
        mxio__tdesc_plain(&k->out[0], from->ndim, from->dims);
    }
    DNNL_TRY(user_src(&r->from, from), "input descriptor");
    DNNL_TRY(user_src(&r->to, &k->out[0]), "output descriptor");
    if (!dnnl_memory_desc_equal(&r->from, &r->to))
        DNNL_TRY(make_reorder(&r->prim, &r->from, &r->to, ctx->engine), "reorder");
fail:
    if (status != MXIO_OK) {
        mxio__kernel_free(k);
        return status;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- Concat of oneDNN-layout tensors ------------------------------------------------- */

typedef struct cat_impl {
    dnnl_primitive_t prim;
    int n;
    dnnl_memory_desc_t *src; /* n descriptors */
    dnnl_memory_desc_t dst, pad;
} cat_impl;

static void cat_destroy(mxio__kernel *k) {
    cat_impl *c = k->impl;
    if (!c) return;
    if (c->prim) dnnl_primitive_destroy(c->prim);
    free(c->src);
    free(c);
    k->impl = NULL;
}

static mxio_status cat_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const cat_impl *c = k->impl;
    const char *op = k->op;
    mxio_status status = MXIO_OK;
    prim_arg a[MXIO__RT_MAX_IO + 2];
    int n = 0;
    for (int i = 0; i < c->n; i++) a[n++] = (prim_arg){DNNL_ARG_MULTIPLE_SRC + i, &c->src[i], in[i]};
    a[n++] = (prim_arg){DNNL_ARG_DST, &c->dst, out[0]};
    a[n++] = (prim_arg){DNNL_ARG_SCRATCHPAD, &c->pad, scratch};
    DNNL_TRY(run_primitive(c->prim, n, a, ex->ctx->engine, ex->stream), "execution");
fail:
    return status;
}

mxio_status mxio__k_concat_dnnl_create(const mxio__rt_ctx *ctx, int axis, int n,
                                       const mxio__tdesc *in, bool blocked_out, mxio__kernel **out,
                                       mxio_error *err) {
    const char *op = "Concat";
    mxio_status status = MXIO_OK;
    int nd = in[0].ndim;
    if (n < 1 || n > MXIO__RT_MAX_IO || nd < 1 || nd > 6 || axis < 0 || axis >= nd)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: %d inputs of rank %d, axis %d", op, n, nd, axis);
    mxio__kernel *k = mxio__kernel_new(op, n, in, 0);
    cat_impl *c = calloc(1, sizeof *c);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    if (!k || !c || !(c->src = calloc((size_t)n, sizeof *c->src))) {
        mxio__kernel_free(k);
        if (c) free(c->src);
        free(c);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->impl = c;
    k->destroy = cat_destroy;
    k->run = cat_run;
    c->n = n;
    int64_t total = 0;
    for (int i = 0; i < n; i++) {
        bool ok = in[i].ndim == nd && in[i].dtype == MXIO_DTYPE_FLOAT32;
        for (int d = 0; ok && d < nd; d++) ok = d == axis || in[i].dims[d] == in[0].dims[d];
        if (!ok) {
            status = mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: input %d does not match input 0", op, i);
            goto fail;
        }
        total += in[i].dims[axis];
        DNNL_TRY(user_src(&c->src[i], &in[i]), "input descriptor");
    }
    mxio__tdesc o = in[0];
    o.layout = MXIO__LAYOUT_PLAIN;
    o.dims[axis] = total;
    dnnl_memory_desc_t dst;
    if (blocked_out) DNNL_TRY(md_any(&dst, nd, o.dims), "output descriptor");
    else DNNL_TRY(md_plain(&dst, nd, o.dims), "output descriptor");
    DNNL_TRY(user_attr(&attr, NULL), "attributes");
    DNNL_TRY(dnnl_concat_primitive_desc_create(&pd, &dst, n, axis, c->src, attr, ctx->engine), "concat");
    c->dst = *dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0);
    c->pad = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    DNNL_TRY(dnnl_primitive_create(&c->prim, pd), "primitive creation");
    k->scratch_bytes = align_up(dnnl_memory_desc_get_size(&c->pad));
    mxio__tdesc_plain(&k->out[0], nd, o.dims);
    if (blocked_out) {
        k->out[0].layout = MXIO__LAYOUT_DNNL;
        k->out[0].md = c->dst;
    }
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (status != MXIO_OK) {
        mxio__kernel_free(k);
        return status;
    }
    return mxio__rt_kernel_done(k, out, err);
}

/* ---- BatchNorm on oneDNN (inference: global statistics) ------------------------------ */

typedef struct bnorm_impl {
    dnnl_primitive_t prim;
    dnnl_memory_desc_t data, stat, pad;
    bool use_scale;
    float *consts; /* gamma, beta, mean, var (C each) when they were constant, else NULL */
    int64_t c;
} bnorm_impl;

static void bnorm_destroy(mxio__kernel *k) {
    bnorm_impl *b = k->impl;
    if (!b) return;
    if (b->prim) dnnl_primitive_destroy(b->prim);
    mxio__rt_free(b->consts);
    free(b);
    k->impl = NULL;
}

static mxio_status bnorm_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                             void *const *out, void *scratch, mxio_error *err) {
    const bnorm_impl *b = k->impl;
    const char *op = k->op;
    mxio_status status = MXIO_OK;
    static const int stat_args[4] = {DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE};
    prim_arg a[7];
    int n = 0;
    a[n++] = (prim_arg){DNNL_ARG_SRC, &b->data, in[0]};
    /* inputs 1..4: gamma, beta, mean, var (gamma unused with fix_gamma) */
    for (int i = b->use_scale ? 0 : 1; i < 4; i++)
        a[n++] = (prim_arg){stat_args[i], &b->stat,
                            b->consts ? (const void *)(b->consts + i * b->c) : in[i + 1]};
    a[n++] = (prim_arg){DNNL_ARG_DST, &b->data, out[0]};
    a[n++] = (prim_arg){DNNL_ARG_SCRATCHPAD, &b->pad, scratch};
    DNNL_TRY(run_primitive(b->prim, n, a, ex->ctx->engine, ex->stream), "execution");
fail:
    return status;
}

mxio_status mxio__k_batchnorm_dnnl_create(const mxio__rt_ctx *ctx, const mxio__bn_params *p,
                                          const mxio__tdesc *in, const float *const *constant,
                                          bool fuse_relu, mxio__kernel **out, mxio_error *err) {
    const char *op = "BatchNorm";
    mxio_status status = MXIO_OK;
    int nd = in[0].ndim;
    if (nd < 2 || nd > 5 || mxio__rt_axis(p->axis, nd) != 1 || in[0].dtype != MXIO_DTYPE_FLOAT32)
        return mxio__fail(err, MXIO_E_UNSUPPORTED,
                          "runtime: %s on oneDNN: needs float32 data of rank 2-5 normalised over axis 1", op);
    int64_t c = in[0].dims[1];
    mxio__tdesc all[5];
    all[0] = in[0];
    for (int i = 1; i < 5; i++) mxio__tdesc_plain(&all[i], 1, &c);
    mxio__kernel *k = mxio__kernel_new(op, 5, all, 0);
    bnorm_impl *b = calloc(1, sizeof *b);
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd = NULL;
    bool consts = constant && constant[1] && constant[2] && constant[3] && constant[4];
    size_t cbytes;
    if (!k || !b || !mxio__mul_size((size_t)c, 4 * sizeof(float), &cbytes) ||
        (consts && !(b->consts = mxio__rt_alloc(cbytes)))) {
        mxio__kernel_free(k);
        free(b);
        return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    }
    k->impl = b;
    k->destroy = bnorm_destroy;
    k->run = bnorm_run;
    k->in_place_ok = true; /* oneDNN normalises in place */
    k->out[0] = in[0];
    b->c = c;
    /* fix_gamma: MXNet uses gamma = 1 whatever the array holds, i.e. no scale */
    b->use_scale = !p->fix_gamma;
    if (consts)
        for (int i = 0; i < 4; i++) memcpy(b->consts + i * c, constant[i + 1], (size_t)c * sizeof(float));
    dnnl_dims_t cd = {c};
    DNNL_TRY(user_src(&b->data, &in[0]), "input descriptor");
    DNNL_TRY(dnnl_memory_desc_init_by_tag(&b->stat, 1, cd, dnnl_f32, dnnl_a), "statistics descriptor");
    unsigned flags = dnnl_use_global_stats | dnnl_use_shift | (b->use_scale ? dnnl_use_scale : 0) |
                     (fuse_relu ? dnnl_fuse_norm_relu : 0);
    dnnl_batch_normalization_desc_t bd;
    DNNL_TRY(dnnl_batch_normalization_forward_desc_init(&bd, dnnl_forward_inference, &b->data,
                                                        p->eps, flags),
             "batch normalization descriptor");
    DNNL_TRY(user_attr(&attr, NULL), "attributes");
    DNNL_TRY(dnnl_primitive_desc_create(&pd, &bd, attr, ctx->engine, NULL), "batch normalization");
    b->pad = *dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    DNNL_TRY(dnnl_primitive_create(&b->prim, pd), "primitive creation");
    k->scratch_bytes = align_up(dnnl_memory_desc_get_size(&b->pad));
fail:
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (status != MXIO_OK) {
        mxio__kernel_free(k);
        return status;
    }
    return mxio__rt_kernel_done(k, out, err);
}
