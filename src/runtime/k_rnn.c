/* k_rnn.c - MXNet's fused RNN operator at inference (rnn_relu, rnn_tanh, lstm,
 * gru; several layers; bidirectional), following apache/mxnet rnn_impl.h:
 * the flat parameter vector holds every (layer, direction)'s Wx (G*H x in) and
 * Wh (G*H x H) in that order, then every (layer, direction)'s bx and bh (G*H
 * each). Gates: LSTM i, f, g, o; GRU r, z, n with n = tanh(Wx x + bx +
 * r * (Wh h + bh)). The input projections of a whole layer are one oneDNN
 * sgemm; each time step adds one sgemm on the hidden state. */
#include <math.h>
#include <stdlib.h>

#include "runtime.h"

typedef struct rnn_impl {
    mxio__rnn_params p;
    int G, D;
    int64_t T, N, I, H;
    size_t off_xproj, off_hproj, off_buf[2], off_h, off_c;
} rnn_impl;

static inline float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

static mxio_status sgemm_nt(int64_t M, int64_t N, int64_t K, const float *A, const float *B,
                            float *C, mxio_error *err) {
    /* C (M x N) = A (M x K) . B (N x K)^T */
    if (dnnl_sgemm('N', 'T', M, N, K, 1.0f, A, K, B, K, 0.0f, C, N) != dnnl_success)
        return mxio__fail(err, MXIO_E_UNSUPPORTED, "runtime: RNN: oneDNN sgemm failed");
    return MXIO_OK;
}

static mxio_status rnn_run(const mxio__kernel *k, mxio__rt_exec *ex, const void *const *in,
                           void *const *out, void *scratch, mxio_error *err) {
    const rnn_impl *q = k->impl;
    const int G = q->G, D = q->D, L = q->p.num_layers;
    const int64_t T = q->T, N = q->N, H = q->H, GH = G * H;
    const float *params = in[1], *hx = in[2], *cx = q->p.mode == MXIO__RNN_LSTM ? in[3] : NULL;
    uint8_t *sc = scratch;
    float *xproj = (float *)(sc + q->off_xproj), *hproj = (float *)(sc + q->off_hproj);
    float *h = (float *)(sc + q->off_h), *c = (float *)(sc + q->off_c);
    float *hy = q->p.state_outputs ? out[1] : NULL;
    float *cy = q->p.state_outputs && cx ? out[2] : NULL;
    int64_t total_w = 0;
    for (int l = 0; l < L; l++) total_w += (int64_t)D * GH * ((l ? D * H : q->I) + H);
    const float *w = params, *b = params + total_w;
    const float *layer_in = in[0];
    for (int l = 0; l < L; l++) {
        int64_t isz = l ? D * H : q->I;
        float *layer_out = l == L - 1 ? (float *)out[0] : (float *)(sc + q->off_buf[l % 2]);
        for (int d = 0; d < D; d++) {
            const float *wx = w, *wh = w + GH * isz, *bx = b, *bh = b + GH;
            w += GH * (isz + H);
            b += 2 * GH;
            mxio_status st = sgemm_nt(T * N, GH, isz, layer_in, wx, xproj, err);
            if (st != MXIO_OK) return st;
            int64_t sidx = (int64_t)(l * D + d) * N * H;
            memcpy(h, hx + sidx, (size_t)(N * H) * sizeof(float));
            if (cx) memcpy(c, cx + sidx, (size_t)(N * H) * sizeof(float));
            for (int64_t s = 0; s < T; s++) {
                int64_t t = d ? T - 1 - s : s;
                st = sgemm_nt(N, GH, H, h, wh, hproj, err);
                if (st != MXIO_OK) return st;
                for (int64_t n = 0; n < N; n++) {
                    const float *xp = xproj + (t * N + n) * GH, *hp = hproj + n * GH;
                    float *hn = h + n * H, *cn = c + n * H;
                    float *y = layer_out + (t * N + n) * D * H + d * H;
                    for (int64_t j = 0; j < H; j++) {
                        float v;
                        switch (q->p.mode) {
                        case MXIO__RNN_LSTM: {
                            float gi = sigm(xp[j] + bx[j] + hp[j] + bh[j]);
                            float gf = sigm(xp[H + j] + bx[H + j] + hp[H + j] + bh[H + j]);
                            float gg = tanhf(xp[2 * H + j] + bx[2 * H + j] + hp[2 * H + j] + bh[2 * H + j]);
                            float go = sigm(xp[3 * H + j] + bx[3 * H + j] + hp[3 * H + j] + bh[3 * H + j]);
                            cn[j] = gf * cn[j] + gi * gg;
                            v = go * tanhf(cn[j]);
                            break;
                        }
                        case MXIO__RNN_GRU: {
                            float r = sigm(xp[j] + hp[j] + bx[j] + bh[j]);
                            float z = sigm(xp[H + j] + hp[H + j] + bx[H + j] + bh[H + j]);
                            float nn = tanhf(xp[2 * H + j] + bx[2 * H + j] + r * (hp[2 * H + j] + bh[2 * H + j]));
                            v = (1.0f - z) * nn + z * hn[j];
                            break;
                        }
                        case MXIO__RNN_RELU:
                            v = xp[j] + bx[j] + hp[j] + bh[j];
                            v = v > 0.0f ? v : 0.0f;
                            break;
                        default:
                            v = tanhf(xp[j] + bx[j] + hp[j] + bh[j]);
                        }
                        hn[j] = v;
                        y[j] = v;
                    }
                }
            }
            if (hy) memcpy(hy + sidx, h, (size_t)(N * H) * sizeof(float));
            if (cy) memcpy(cy + sidx, c, (size_t)(N * H) * sizeof(float));
        }
        layer_in = layer_out;
    }
    return MXIO_OK;
}

static size_t align_up(size_t n) { return (n + MXIO__RT_ALIGN - 1) & ~(size_t)(MXIO__RT_ALIGN - 1); }

mxio_status mxio__k_rnn_create(const mxio__rt_ctx *ctx, const mxio__rnn_params *p,
                               const mxio__tdesc *in, mxio__kernel **out, mxio_error *err) {
    const char *op = "RNN";
    bool lstm = p->mode == MXIO__RNN_LSTM;
    int nin = lstm ? 4 : 3;
    mxio_status st = mxio__rt_check_plain_f32(op, nin, in, err);
    if (st != MXIO_OK) return st;
    int G = lstm ? 4 : p->mode == MXIO__RNN_GRU ? 3 : 1, D = p->bidirectional ? 2 : 1;
    int64_t H = p->state_size, L = p->num_layers;
    if (in[0].ndim != 3 || H < 1 || L < 1 || H > (INT64_C(1) << 24) || L > 1024)
        return mxio__fail(err, MXIO_E_SHAPE, "runtime: %s: data must be (T, N, C); state_size, num_layers >= 1",
                          op);
    int64_t T = in[0].dims[0], N = in[0].dims[1], I = in[0].dims[2];
    /* Parameter count, as MXNet's GetRnnParamSize (no projection). */
    int64_t size = 0, v;
    for (int64_t l = 0; l < L; l++) {
        int64_t isz = l ? D * H : I;
        if (!mxio__rt_mul_i64(G * H, isz + H + 2, &v) || !mxio__rt_mul_i64(v, D, &v) ||
            !mxio__rt_add_i64(size, v, &size))
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: parameter count overflows", op);
    }
    int64_t sdims[3] = {L * D, N, H};
    bool ok = mxio__tdesc_numel(&in[1]) == size && in[2].ndim == 3 && !memcmp(in[2].dims, sdims, sizeof sdims);
    if (lstm) ok = ok && in[3].ndim == 3 && !memcmp(in[3].dims, sdims, sizeof sdims);
    if (!ok)
        return mxio__fail(err, MXIO_E_SHAPE,
                          "runtime: %s: parameters must have %lld values and states shape (%lld, %lld, %lld)",
                          op, (long long)size, (long long)(L * D), (long long)N, (long long)H);
    mxio__kernel *k = mxio__kernel_new(op, nin, in, sizeof(rnn_impl));
    if (!k) return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
    k->run = rnn_run;
    k->destroy = mxio__kernel_default_destroy;
    rnn_impl *q = k->impl;
    q->p = *p;
    q->G = G, q->D = D, q->T = T, q->N = N, q->I = I, q->H = H;
    int64_t od[3] = {T, N, D * H};
    mxio__tdesc_plain(&k->out[0], 3, od);
    if (p->state_outputs) {
        if (!mxio__kernel_set_nout(k, lstm ? 3 : 2)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_NOMEM, "runtime: %s", op);
        }
        mxio__tdesc_plain(&k->out[1], 3, sdims);
        if (lstm) mxio__tdesc_plain(&k->out[2], 3, sdims);
    }
    /* Scratch: input projections of one direction, one step's hidden projection,
     * two layer outputs (ping-pong), h and c. */
    int64_t tn = T * N, parts[6] = {tn * G * H, N * G * H, tn * D * H, tn * D * H, N * H, N * H};
    size_t at = 0, *offs[6] = {&q->off_xproj, &q->off_hproj, &q->off_buf[0], &q->off_buf[1], &q->off_h, &q->off_c};
    for (int i = 0; i < 6; i++) {
        size_t bytes;
        if (parts[i] < 0 || !mxio__mul_size((size_t)parts[i], sizeof(float), &bytes) ||
            !mxio__add_size(at, align_up(bytes), &at)) {
            mxio__kernel_free(k);
            return mxio__fail(err, MXIO_E_LIMIT, "runtime: %s: scratch size overflows", op);
        }
        *offs[i] = at - align_up(bytes);
    }
    k->scratch_bytes = at;
    return mxio__rt_kernel_done(k, out, err);
}
