#include "ckernels.h"
#include <math.h>
#include <string.h>

/* Element-wise and reduction kernels of the transformer layers.

   Every function is written once with clang vector types (16 lanes) and compiled three times via
   `target_clones` (AVX-512, AVX2+FMA, baseline); the loader picks the widest clone the CPU runs
   (glibc ifunc), so there are no global -m flags and the binary still runs on any x86-64. The
   vector code is explicit (not auto-vectorised) so that in-place calls (y == x) stay vectorised:
   each 16-float block is loaded before it is stored.

   exp: Cephes-style range reduction + degree-6 polynomial, <= 2 ulp for x in [-87.3, 88]; 0 below,
   +inf above (so softmax/sigmoid saturate correctly). tanh: odd minimax polynomial for |x| < 0.625
   (1.3 ulp), (1 - e)/(1 + e) with e = exp(-2|x|) above (no cancellation there); ~2 ulp overall.
   NaN inputs give NaN outputs. */

#if defined(__x86_64__) && defined(__linux__)
#define DK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DK_CLONES
#endif

/* 16-float vectors are never passed by value between functions: a clone compiled for AVX2 calling
   a helper compiled for the baseline would change the calling convention (clang rejects it). So
   loads, stores and selects are macros and the math helpers work in place through pointers (and
   are always inlined). */
#define DK_INLINE static inline __attribute__((always_inline))

typedef float v16f __attribute__((ext_vector_type(16)));
typedef float v16f_u __attribute__((ext_vector_type(16), aligned(4)));
typedef int v16i __attribute__((ext_vector_type(16)));

#define ld(p) ((v16f)(*(const v16f_u *)(p)))
#define st(p, v) (*(v16f_u *)(p) = (v))
#define ld_part(p, n) ({ v16f _v = 0; memcpy(&_v, (p), (n) * sizeof(float)); _v; })
#define st_part(p, v, n) do { v16f _v = (v); memcpy((p), &_v, (n) * sizeof(float)); } while (0)
#define vsel(m, a, b) ((v16f)(((m) & (v16i)(a)) | (~(m) & (v16i)(b))))
#define vmin(a, b) __builtin_elementwise_min((a), (b))
#define vmax(a, b) __builtin_elementwise_max((a), (b))
#define vabs(a) ((v16f)((v16i)(a) & 0x7fffffff))
typedef float v8f __attribute__((ext_vector_type(8)));
typedef float v4f __attribute__((ext_vector_type(4)));
/* Sum of the 16 lanes as a tree (4 dependent adds, not 16). */
#define hsum(v)                                                                                             \
    ({                                                                                                      \
        v16f _h = (v);                                                                                      \
        v8f _a = __builtin_shufflevector(_h, _h, 0, 1, 2, 3, 4, 5, 6, 7) +                                 \
                 __builtin_shufflevector(_h, _h, 8, 9, 10, 11, 12, 13, 14, 15);                            \
        v4f _b = __builtin_shufflevector(_a, _a, 0, 1, 2, 3) + __builtin_shufflevector(_a, _a, 4, 5, 6, 7); \
        (_b[0] + _b[2]) + (_b[1] + _b[3]);                                                                  \
    })

DK_INLINE float hmax_p(const v16f *v) {
    float m = (*v)[0];
    for (int j = 1; j < 16; j++) m = (*v)[j] > m ? (*v)[j] : m;
    return m;
}

/* *v = exp(*v) */
DK_INLINE void vexp(v16f *v) {
    v16f x = *v;
    v16i nan = x != x;
    v16i under = x < -87.336544f, over = x > 88.0f;
    v16f c = vmin(vmax(x, (v16f)-87.336544f), (v16f)88.0f);
    v16f n = (c * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round to nearest integer */
    v16f r = c - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    v16f p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    v16f y = p * (r * r) + r + 1.0f;
    v16i bits = (__builtin_convertvector(n, v16i) + 127) << 23;
    y = y * (v16f)bits;
    y = vsel(under, (v16f)0.0f, y);
    y = vsel(over, (v16f)INFINITY, y);
    *v = vsel(nan, x, y);
}

/* *v = tanh(*v) */
DK_INLINE void vtanh(v16f *v) {
    v16f x = *v;
    v16f ax = vabs(x);
    v16f z = x * x;
    v16f p = 0.0021303085539122165f;
    p = p * z - 0.00816123069739693f;
    p = p * z + 0.021692755064343604f;
    p = p * z - 0.05394488784392542f;
    p = p * z + 0.13333184541017168f;
    p = p * z - 0.33333329757197394f;
    v16f small = x + x * (p * z);
    v16f e = -2.0f * ax;
    vexp(&e);
    v16f big = (1.0f - e) / (1.0f + e);
    big = (v16f)((v16i)big | ((v16i)x & (int)0x80000000));
    v16f y = vsel(ax < 0.625f, small, big);
    *v = vsel(x != x, x, y);
}

/* gelu_tanh(x) = 0.5 x (1 + tanh(u)) = x * sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3).
   The sigmoid form avoids the cancellation of 1 + tanh(u) for negative x. */
#define GELU_K0 0.7978845608028654f
#define GELU_K1 0.044715f

/* *v = gelu(*v) */
DK_INLINE void vgelu(v16f *v) {
    v16f x = *v;
    v16f e = -2.0f * (GELU_K0 * x * (1.0f + GELU_K1 * x * x));
    vexp(&e);
    *v = x / (1.0f + e);
}

/* *v = gelu'(*v) */
DK_INLINE void vgelu_grad(v16f *v) {
    v16f x = *v;
    v16f x2 = x * x;
    v16f e = -2.0f * (GELU_K0 * x * (1.0f + GELU_K1 * x2));
    vexp(&e);
    v16f s = 1.0f / (1.0f + e);                          /* sigmoid(2u) */
    v16f sm = vsel(e == INFINITY, (v16f)0.0f, e * s);   /* 1 - s without cancellation */
    v16f du = GELU_K0 * (1.0f + 3.0f * GELU_K1 * x2);
    *v = s + x * s * sm * 2.0f * du;
}

/* Value-style wrappers for the in-place helpers. */
#define EXP(x) ({ v16f _e = (x); vexp(&_e); _e; })
#define TANH(x) ({ v16f _t = (x); vtanh(&_t); _t; })
#define GELU(x) ({ v16f _g = (x); vgelu(&_g); _g; })
#define GELU_GRAD(x) ({ v16f _d = (x); vgelu_grad(&_d); _d; })

/* ---------- element-wise maps ---------- */

#define MAP1(expr)                                                                                \
    size_t i = 0;                                                                                 \
    for (; i + 16 <= n; i += 16) { v16f a = ld(x + i); st(y + i, (expr)); }                      \
    if (i < n) { v16f a = ld_part(x + i, n - i); st_part(y + i, (expr), n - i); }

DK_CLONES void dk_exp_f32(const float *x, float *y, size_t n) { MAP1(EXP(a)) }
DK_CLONES void dk_tanh_f32(const float *x, float *y, size_t n) { MAP1(TANH(a)) }
DK_CLONES void dk_softcap_f32(const float *x, float *y, size_t n, float cap) { MAP1(TANH(a / cap) * cap) }
DK_CLONES void dk_gelu_tanh_f32(const float *x, float *y, size_t n) { MAP1(GELU(a)) }
DK_CLONES void dk_scale_f32(float *x, size_t n, float s) {
    float *y = x;
    MAP1(a * s)
}

DK_CLONES void dk_softcap_backward_f32(const float *dy, const float *yv, float *dx, size_t n, float cap) {
    float inv = 1.0f / cap;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        v16f t = ld(yv + i) * inv;
        st(dx + i, ld(dy + i) * (1.0f - t * t));
    }
    if (i < n) {
        size_t m = n - i;
        v16f t = ld_part(yv + i, m) * inv;
        st_part(dx + i, ld_part(dy + i, m) * (1.0f - t * t), m);
    }
}

DK_CLONES void dk_gelu_tanh_backward_f32(const float *dy, const float *x, float *dx, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) st(dx + i, ld(dy + i) * GELU_GRAD(ld(x + i)));
    if (i < n) st_part(dx + i, ld_part(dy + i, n - i) * GELU_GRAD(ld_part(x + i, n - i)), n - i);
}

DK_CLONES void dk_geglu_f32(const float *gate, const float *up, float *h, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) st(h + i, GELU(ld(gate + i)) * ld(up + i));
    if (i < n) st_part(h + i, GELU(ld_part(gate + i, n - i)) * ld_part(up + i, n - i), n - i);
}

/* Whole 16-float blocks with plain loads, the tail through ld_part (a memcpy: slow for every block). */
#define GEGLU_BACKWARD_BLOCK(LD, ST, i, ...)                                                 \
    do {                                                                                     \
        v16f g = LD(gate + i, ##__VA_ARGS__), u = LD(up + i, ##__VA_ARGS__), d = LD(dh + i, ##__VA_ARGS__); \
        ST(dup + i, d * GELU(g), ##__VA_ARGS__);                                             \
        ST(dgate + i, d * u * GELU_GRAD(g), ##__VA_ARGS__);                                  \
    } while (0)
DK_CLONES void dk_geglu_backward_f32(const float *dh, const float *gate, const float *up, float *dgate,
                                     float *dup, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) GEGLU_BACKWARD_BLOCK(ld, st, i);
    if (i < n) GEGLU_BACKWARD_BLOCK(ld_part, st_part, i, n - i);
}

DK_CLONES void dk_add_f32(const float *a, const float *b, float *y, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) st(y + i, ld(a + i) + ld(b + i));
    if (i < n) st_part(y + i, ld_part(a + i, n - i) + ld_part(b + i, n - i), n - i);
}

DK_CLONES void dk_axpy_f32(float alpha, const float *x, float *y, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) st(y + i, ld(y + i) + alpha * ld(x + i));
    if (i < n) st_part(y + i, ld_part(y + i, n - i) + alpha * ld_part(x + i, n - i), n - i);
}

DK_CLONES void dk_mul_acc_f32(float alpha, const float *a, const float *b, float *y, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) st(y + i, ld(y + i) + alpha * (ld(a + i) * ld(b + i)));
    if (i < n) {
        size_t m = n - i;
        st_part(y + i, ld_part(y + i, m) + alpha * (ld_part(a + i, m) * ld_part(b + i, m)), m);
    }
}

/* ---------- reductions ---------- */

DK_CLONES float dk_dot_f32(const float *a, const float *b, size_t n) {
    v16f s0 = 0, s1 = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 += ld(a + i) * ld(b + i);
        s1 += ld(a + i + 16) * ld(b + i + 16);
    }
    for (; i + 16 <= n; i += 16) s0 += ld(a + i) * ld(b + i);
    if (i < n) s1 += ld_part(a + i, n - i) * ld_part(b + i, n - i);
    return hsum(s0 + s1);
}

/* Long sums: 16-lane f32 partial sums over blocks of 1024 elements, blocks added in double. */
DK_CLONES double dk_sumsq_f32(const float *x, size_t n) {
    double total = 0;
    for (size_t b = 0; b < n; b += 1024) {
        size_t e = n - b < 1024 ? n : b + 1024;
        v16f s = 0;
        size_t i = b;
        for (; i + 16 <= e; i += 16) { v16f v = ld(x + i); s += v * v; }
        if (i < e) { v16f v = ld_part(x + i, e - i); s += v * v; }
        total += hsum(s);
    }
    return total;
}

DK_CLONES float dk_max_f32(const float *x, size_t n) {
    if (n == 0) return -INFINITY;
    v16f m = -INFINITY;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) m = vmax(m, ld(x + i));
    float r = hmax_p(&m);
    for (; i < n; i++) r = x[i] > r ? x[i] : r;
    return r;
}

DK_CLONES double dk_exp_sum_f32(const float *x, float shift, float *y, size_t n) {
    double total = 0;
    for (size_t b = 0; b < n; b += 1024) {
        size_t e = n - b < 1024 ? n : b + 1024;
        v16f s = 0;
        size_t i = b;
        for (; i + 16 <= e; i += 16) {
            v16f v = EXP(ld(x + i) - shift);
            if (y) st(y + i, v);
            s += v;
        }
        if (i < e) {
            v16f v = EXP(ld_part(x + i, e - i) - shift);
            v16i lane = (v16i){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
            v = vsel(lane < (int)(e - i), v, (v16f)0.0f);
            if (y) st_part(y + i, v, e - i);
            s += v;
        }
        total += hsum(s);
    }
    return total;
}

DK_CLONES void dk_exp_shift_scale_f32(const float *x, float shift, float scale, float *y, size_t n) {
    MAP1(EXP(a - shift) * scale)
}

/* ---------- rows ---------- */

DK_CLONES void dk_softmax_row_f32(const float *x, float *y, size_t n) {
    float m = dk_max_f32(x, n);
    double s = dk_exp_sum_f32(x, m, y, n);
    float inv = (float)(1.0 / s);
    dk_scale_f32(y, n, inv);
}

DK_CLONES float dk_rmsnorm_f32(const float *x, const float *w, float *y, size_t dim, float eps) {
    float ms = (float)(dk_sumsq_f32(x, dim) / (double)dim);
    float r = 1.0f / sqrtf(ms + eps);
    size_t i = 0;
    for (; i + 16 <= dim; i += 16) st(y + i, (ld(x + i) * r) * (1.0f + ld(w + i)));
    if (i < dim) {
        size_t m = dim - i;
        st_part(y + i, (ld_part(x + i, m) * r) * (1.0f + ld_part(w + i, m)), m);
    }
    return r;
}

/* y = residual + x r (1 + w): a post-norm and the residual add after it, in one pass. The normed row is
   rounded before the add (two statements, so no fused multiply-add), as the separate norm and add did.
   Whole 16-float blocks use plain loads; only the tail goes through ld_part's memcpy. */
#define RMSNORM_ADD_BLOCK(LD, ST, i, ...)                                \
    do {                                                                 \
        v16f normed = (LD(x + i, ##__VA_ARGS__) * r) * (1.0f + LD(w + i, ##__VA_ARGS__)); \
        ST(y + i, LD(residual + i, ##__VA_ARGS__) + normed, ##__VA_ARGS__);               \
    } while (0)
DK_CLONES float dk_rmsnorm_add_f32(const float *x, const float *w, const float *residual, float *y, size_t dim,
                                   float eps) {
    float ms = (float)(dk_sumsq_f32(x, dim) / (double)dim);
    float r = 1.0f / sqrtf(ms + eps);
    size_t i = 0;
    for (; i + 16 <= dim; i += 16) RMSNORM_ADD_BLOCK(ld, st, i);
    if (i < dim) RMSNORM_ADD_BLOCK(ld_part, st_part, i, dim - i);
    return r;
}

/* y = x r (1 + w), r = (mean(x^2) + eps)^-1/2:
   dx = r g - (r^3 / dim) (g . x) x   with g = dy (1 + w);
   dw += r dy x when dw is non-null, in the same pass (the row is in registers already). */
#define RMSNORM_BACKWARD_BLOCK(LD, ST, i, ...)                                                      \
    do {                                                                                            \
        v16f g0 = LD(dy + i, ##__VA_ARGS__), xi = LD(x + i, ##__VA_ARGS__);                         \
        v16f d = r * (g0 * (1.0f + LD(w + i, ##__VA_ARGS__))) - c * xi;                             \
        if (accumulate) d += LD(dx + i, ##__VA_ARGS__);                                             \
        ST(dx + i, d, ##__VA_ARGS__);                                                               \
        if (dw) ST(dw + i, LD(dw + i, ##__VA_ARGS__) + r * (g0 * xi), ##__VA_ARGS__);               \
    } while (0)
DK_CLONES void dk_rmsnorm_backward_f32(const float *dy, const float *x, const float *w, float r, float *dx,
                                       size_t dim, int accumulate, float *dw) {
    v16f acc = 0;
    size_t i = 0;
    for (; i + 16 <= dim; i += 16) acc += ld(dy + i) * (1.0f + ld(w + i)) * ld(x + i);
    if (i < dim) acc += ld_part(dy + i, dim - i) * (1.0f + ld_part(w + i, dim - i)) * ld_part(x + i, dim - i);
    float c = hsum(acc) * r * r * r / (float)dim;
    for (i = 0; i + 16 <= dim; i += 16) RMSNORM_BACKWARD_BLOCK(ld, st, i);
    if (i < dim) RMSNORM_BACKWARD_BLOCK(ld_part, st_part, i, dim - i);
}

/* Softmax backward of one row: dx = y (dy - y.dy); dx may alias dy. */
DK_CLONES void dk_softmax_backward_row_f32(const float *dy, const float *y, float *dx, size_t n) {
    float d = dk_dot_f32(y, dy, n);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) st(dx + i, ld(y + i) * (ld(dy + i) - d));
    if (i < n) st_part(dx + i, ld_part(y + i, n - i) * (ld_part(dy + i, n - i) - d), n - i);
}
