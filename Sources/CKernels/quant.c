#include "ckernels.h"
#include "lanes.h"
#include <math.h>
#include <string.h>

/* Blockwise int8 ("Q8", the layout of llama.cpp's Q8_0 with an f32 scale): every run of 32
   consecutive values along a row has one scale d = max|x| / 127 and values q = round(x / d) in
   [-127, 127], so x ~ d * q. Weights are quantized once; for a matrix-vector product the input
   vector is quantized the same way, and each block's dot product is an exact integer sum scaled
   by d_w * d_x. Decode streams 1.125 bytes per weight instead of 2 (bf16). */

void dk_quantize_q8(const float *x, size_t n, int8_t *q, float *scales) {
    for (size_t b = 0; b < n / DK_Q8_BLOCK; b++) {
        const float *xb = x + b * DK_Q8_BLOCK;
        float amax = 0;
        for (int i = 0; i < DK_Q8_BLOCK; i++) amax = fmaxf(amax, fabsf(xb[i]));
        float d = amax / 127.0f;
        float inv = d > 0 ? 1.0f / d : 0;
        scales[b] = d;
        for (int i = 0; i < DK_Q8_BLOCK; i++) q[b * DK_Q8_BLOCK + i] = (int8_t)lrintf(xb[i] * inv);
    }
}

void dk_dequantize_q8(const int8_t *q, const float *scales, size_t n, float *out) {
    for (size_t b = 0; b < n / DK_Q8_BLOCK; b++) {
        float d = scales[b];
        for (int i = 0; i < DK_Q8_BLOCK; i++) out[b * DK_Q8_BLOCK + i] = d * (float)q[b * DK_Q8_BLOCK + i];
    }
}

static void gemv_q8_scalar(const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs,
                           float *y, size_t rows, size_t cols) {
    size_t blocks = cols / DK_Q8_BLOCK;
    for (size_t r = 0; r < rows; r++) {
        const int8_t *row = w + r * ldw;
        const float *rs = ws + r * (ldw / DK_Q8_BLOCK);
        float s = 0;
        for (size_t b = 0; b < blocks; b++) {
            int32_t acc = 0;
            for (int i = 0; i < DK_Q8_BLOCK; i++) acc += (int32_t)row[b * DK_Q8_BLOCK + i] * xq[b * DK_Q8_BLOCK + i];
            s += rs[b] * xs[b] * (float)acc;
        }
        y[r] = s;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Eight int32 partial sums of one 32-value block: |w| (unsigned) times x with w's sign moved onto
   it (signed) through vpmaddubsw, then pairs summed through vpmaddwd. |w|, |x| <= 127, so the
   16-bit pair sums (at most 2 * 127 * 127) never saturate. */
__attribute__((target("avx2,fma"))) static inline __m256 block_dot(__m256i w, __m256i x) {
    __m256i ax = _mm256_sign_epi8(w, w);
    __m256i sx = _mm256_sign_epi8(x, w);
    __m256i pairs = _mm256_maddubs_epi16(ax, sx);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

/* The same sums in one instruction: vpdpbusd adds the four u8 x s8 products of each 32-bit lane
   (no saturation). AVX-VNNI (VEX) and AVX512-VNNI with VL give the same instruction on 256 bits. */
__attribute__((target("avx2,fma,avxvnni"))) static inline __m256 block_dot_avxvnni(__m256i w, __m256i x) {
    __m256i ax = _mm256_sign_epi8(w, w);
    __m256i sx = _mm256_sign_epi8(x, w);
    return _mm256_cvtepi32_ps(_mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), ax, sx));
}

__attribute__((target("avx2,fma,avx512vnni,avx512vl"))) static inline __m256 block_dot_avx512vnni(__m256i w, __m256i x) {
    __m256i ax = _mm256_sign_epi8(w, w);
    __m256i sx = _mm256_sign_epi8(x, w);
    return _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, sx));
}

/* Four rows at a time share each load of the quantized input block; the next four are prefetched.
   One body for every instruction set: NAME is the function, TARGET its target attribute, DOT the
   block product (eight int32 lane sums as floats). Each variant sums the same integers in the same
   lanes and order, so all give bitwise-equal results. */
#define DEFINE_GEMV_Q8(NAME, TARGET, DOT) \
__attribute__((target(TARGET))) static void NAME(const int8_t *w, const float *ws, size_t ldw, \
                                                 const int8_t *xq, const float *xs, float *y, \
                                                 size_t rows, size_t cols) { \
 \
    size_t blocks = cols / DK_Q8_BLOCK, sld = ldw / DK_Q8_BLOCK; \
    size_t r = 0; \
    for (; r + 4 <= rows; r += 4) { \
        const int8_t *w0 = w + r * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw; \
        const float *s0 = ws + r * sld, *s1 = s0 + sld, *s2 = s1 + sld, *s3 = s2 + sld; \
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), \
               a3 = _mm256_setzero_ps(); \
        for (size_t b = 0; b < blocks; b++) { \
            size_t o = b * DK_Q8_BLOCK; \
            __m256i x = _mm256_loadu_si256((const __m256i *)(xq + o)); \
            float dx = xs[b]; \
            /* The next four rows (contiguous, 4 * ldw bytes) are fetched while these are summed, two \
               cache lines per block: the hardware prefetcher alone lets short rows (2304 values of \
               Gemma 2 2B's gate/up) run at 0.75 of the read bandwidth, with this at about 1.0. Into L2 \
               (T1), not L1: four long rows (9216 values of the down projection: 36 KB) do not fit a \
               32 KB L1 beside the rows being summed, and prefetching them there ran that shape at 13 \
               GB/s on one Zen 4 core against 21-22 GB/s into L2 (the short rows: the same). \
               Prefetching past the end of the matrix is harmless (prefetches never fault). */ \
            _mm_prefetch((const char *)(w0 + 4 * ldw + 4 * o), _MM_HINT_T1); \
            _mm_prefetch((const char *)(w0 + 4 * ldw + 4 * o + 64), _MM_HINT_T1); \
            a0 = _mm256_fmadd_ps(_mm256_set1_ps(s0[b] * dx), DOT(_mm256_loadu_si256((const __m256i *)(w0 + o)), x), a0); \
            a1 = _mm256_fmadd_ps(_mm256_set1_ps(s1[b] * dx), DOT(_mm256_loadu_si256((const __m256i *)(w1 + o)), x), a1); \
            a2 = _mm256_fmadd_ps(_mm256_set1_ps(s2[b] * dx), DOT(_mm256_loadu_si256((const __m256i *)(w2 + o)), x), a2); \
            a3 = _mm256_fmadd_ps(_mm256_set1_ps(s3[b] * dx), DOT(_mm256_loadu_si256((const __m256i *)(w3 + o)), x), a3); \
        } \
        y[r] = dk_hsum256(a0); \
        y[r + 1] = dk_hsum256(a1); \
        y[r + 2] = dk_hsum256(a2); \
        y[r + 3] = dk_hsum256(a3); \
    } \
    for (; r < rows; r++) { \
        const int8_t *w0 = w + r * ldw; \
        const float *s0 = ws + r * sld; \
        __m256 a0 = _mm256_setzero_ps(); \
        for (size_t b = 0; b < blocks; b++) { \
            size_t o = b * DK_Q8_BLOCK; \
            __m256i x = _mm256_loadu_si256((const __m256i *)(xq + o)); \
            a0 = _mm256_fmadd_ps(_mm256_set1_ps(s0[b] * xs[b]), DOT(_mm256_loadu_si256((const __m256i *)(w0 + o)), x), a0); \
        } \
        y[r] = dk_hsum256(a0); \
    } \
}

DEFINE_GEMV_Q8(gemv_q8_avx2, "avx2,fma", block_dot)
DEFINE_GEMV_Q8(gemv_q8_avxvnni, "avx2,fma,avxvnni", block_dot_avxvnni)
DEFINE_GEMV_Q8(gemv_q8_avx512vnni, "avx2,fma,avx512vnni,avx512vl", block_dot_avx512vnni)
#endif

void dk_gemv_q8_variant(int variant, const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs,
                        float *y, size_t rows, size_t cols) {
#if defined(__x86_64__)
    switch (variant) {
    case DK_Q8_AVX512VNNI: gemv_q8_avx512vnni(w, ws, ldw, xq, xs, y, rows, cols); return;
    case DK_Q8_AVXVNNI: gemv_q8_avxvnni(w, ws, ldw, xq, xs, y, rows, cols); return;
    case DK_Q8_AVX2: gemv_q8_avx2(w, ws, ldw, xq, xs, y, rows, cols); return;
    default: break;
    }
#endif
    gemv_q8_scalar(w, ws, ldw, xq, xs, y, rows, cols);
}

int dk_q8_best_variant(void) {
    int f = dk_cpu_features();
    if (!(f & DK_CPU_AVX2) || !(f & DK_CPU_FMA)) return DK_Q8_SCALAR;
    if ((f & DK_CPU_AVX512VNNI) && (f & DK_CPU_AVX512VL)) return DK_Q8_AVX512VNNI;
    if (f & DK_CPU_AVXVNNI) return DK_Q8_AVXVNNI;
    return DK_Q8_AVX2;
}

void dk_gemv_q8(const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs, float *y,
                size_t rows, size_t cols) {
    dk_gemv_q8_variant(dk_q8_best_variant(), w, ws, ldw, xq, xs, y, rows, cols);
}

void dk_gemv_q8_reference(const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs,
                          float *y, size_t rows, size_t cols) {
    gemv_q8_scalar(w, ws, ldw, xq, xs, y, rows, cols);
}
