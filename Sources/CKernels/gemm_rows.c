#include "ckernels.h"
#include "lanes.h"

/* Short prompts with 16-bit weights: y[i, r] = sum_c W[r, c] * x[i, c] for a few input rows i, reading
   W from memory once. OpenBLAS needs f32 weights, so the sgemm path widens every weight into a
   buffer on every call: for a 16-token prompt of Gemma 2 2B that costs more than the products.
   Here the weights are widened in registers: two weight rows at a time, each vector of 8 widened
   weights feeds four input rows (8 accumulators), and the inputs stay in L1/L2 while the weight
   rows stream. */

static void gemm_rows_bf16_scalar(const uint16_t *w, size_t ldw, const float *x, size_t ldx, float *y,
                                  size_t ldy, size_t rows, size_t cols, size_t m) {
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < m; i++) {
            float s = 0;
            for (size_t c = 0; c < cols; c++) s += dk_bf16_value(w[r * ldw + c]) * x[i * ldx + c];
            y[i * ldy + r] = s;
        }
}

#if defined(__x86_64__)
/* A tile: two weight rows (accumulators a*, b*) against up to four input rows x0..x3 (missing rows repeat
   the first; their sums are not stored). Macros rather than helpers over arrays, so that both kernels keep
   exactly the code they had: sixteen named registers. (A struct-of-arrays version measured slower once,
   on a machine too busy to tell by how much.) */
#define TILE_START                                                                                      \
    const float *x0 = x, *x1 = x + (xr > 1 ? ldx : 0), *x2 = x + (xr > 2 ? 2 * ldx : 0),                \
                *x3 = x + (xr > 3 ? 3 * ldx : 0);                                                       \
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps(); \
    __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps()

/* Eight widened weights of each row (U, V) against columns C..C+7 of every input row. */
#define TILE_FMA(U, V, C)                                                                               \
    do {                                                                                                \
        __m256 u = (U), v = (V);                                                                        \
        __m256 p0 = _mm256_loadu_ps(x0 + (C)), p1 = _mm256_loadu_ps(x1 + (C));                          \
        __m256 p2 = _mm256_loadu_ps(x2 + (C)), p3 = _mm256_loadu_ps(x3 + (C));                          \
        a0 = _mm256_fmadd_ps(u, p0, a0);                                                                \
        a1 = _mm256_fmadd_ps(u, p1, a1);                                                                \
        a2 = _mm256_fmadd_ps(u, p2, a2);                                                                \
        a3 = _mm256_fmadd_ps(u, p3, a3);                                                                \
        b0 = _mm256_fmadd_ps(v, p0, b0);                                                                \
        b1 = _mm256_fmadd_ps(v, p1, b1);                                                                \
        b2 = _mm256_fmadd_ps(v, p2, b2);                                                                \
        b3 = _mm256_fmadd_ps(v, p3, b3);                                                                \
    } while (0)

/* Two weight rows against up to four input rows; cols a multiple of 8 handled here, the tail in C. */
__attribute__((target("avx2,fma"))) static void tile_2x4(const uint16_t *w0, const uint16_t *w1, const float *x,
                                                         size_t ldx, size_t xr, float *y, size_t ldy,
                                                         size_t cols, int two) {
    TILE_START;
    size_t cv = cols & ~(size_t)7;
    for (size_t c = 0; c < cv; c += 8) {
        TILE_FMA(dk_load_bf16x8(w0 + c), dk_load_bf16x8(w1 + c), c);
    }
    float sa[4] = {dk_hsum256(a0), dk_hsum256(a1), dk_hsum256(a2), dk_hsum256(a3)};
    float sb[4] = {dk_hsum256(b0), dk_hsum256(b1), dk_hsum256(b2), dk_hsum256(b3)};
    const float *xs[4] = {x0, x1, x2, x3};
    for (size_t i = 0; i < xr; i++) {
        for (size_t c = cv; c < cols; c++) {
            sa[i] += dk_bf16_value(w0[c]) * xs[i][c];
            sb[i] += dk_bf16_value(w1[c]) * xs[i][c];
        }
        y[i * ldy] = sa[i];
        if (two) y[i * ldy + 1] = sb[i];
    }
}

__attribute__((target("avx2,fma"))) static void gemm_rows_bf16_avx2(const uint16_t *w, size_t ldw, const float *x,
                                                                    size_t ldx, float *y, size_t ldy, size_t rows,
                                                                    size_t cols, size_t m) {
    for (size_t r = 0; r < rows; r += 2) {
        int two = r + 1 < rows;
        const uint16_t *w0 = w + r * ldw, *w1 = two ? w0 + ldw : w0;
        for (size_t i = 0; i < m; i += 4) {
            size_t xr = m - i < 4 ? m - i : 4;
            tile_2x4(w0, w1, x + i * ldx, ldx, xr, y + i * ldy + r, ldy, cols, two);
        }
    }
}
#endif

void dk_gemm_rows_bf16(const uint16_t *w, size_t ldw, const float *x, size_t ldx, float *y, size_t ldy,
                       size_t rows, size_t cols, size_t m) {
#if defined(__x86_64__)
    int f = dk_cpu_features();
    if ((f & DK_CPU_AVX2) && (f & DK_CPU_FMA)) {
        gemm_rows_bf16_avx2(w, ldw, x, ldx, y, ldy, rows, cols, m);
        return;
    }
#endif
    gemm_rows_bf16_scalar(w, ldw, x, ldx, y, ldy, rows, cols, m);
}

/* The same for int8 weights (Q8: blocks of 32 values with an f32 scale each, `[rows, cols/32]` scales):
   each vector of 8 weights is widened and scaled in registers, then feeds four input rows. cols is a
   multiple of 32 (every Q8 matrix is). */
static void gemm_rows_q8_scalar(const int8_t *w, const float *ws, size_t ldw, const float *x, size_t ldx, float *y,
                                size_t ldy, size_t rows, size_t cols, size_t m) {
    size_t blocks = ldw / 32;
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < m; i++) {
            float s = 0;
            for (size_t c = 0; c < cols; c++) s += (float)w[r * ldw + c] * ws[r * blocks + c / 32] * x[i * ldx + c];
            y[i * ldy + r] = s;
        }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static inline __m256 load_q8x8(const int8_t *p, __m256 scale) {
    __m128i bytes = _mm_loadl_epi64((const __m128i *)p);
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes)), scale);
}

__attribute__((target("avx2,fma"))) static void tile_q8_2x4(const int8_t *w0, const int8_t *w1, const float *s0,
                                                            const float *s1, const float *x, size_t ldx, size_t xr,
                                                            float *y, size_t ldy, size_t cols, int two) {
    TILE_START;
    for (size_t c = 0; c < cols; c += 32) {
        __m256 su = _mm256_set1_ps(s0[c / 32]), sv = _mm256_set1_ps(s1[c / 32]);
        for (size_t k = c; k < c + 32; k += 8) {
            TILE_FMA(load_q8x8(w0 + k, su), load_q8x8(w1 + k, sv), k);
        }
    }
    float sa[4] = {dk_hsum256(a0), dk_hsum256(a1), dk_hsum256(a2), dk_hsum256(a3)};
    float sb[4] = {dk_hsum256(b0), dk_hsum256(b1), dk_hsum256(b2), dk_hsum256(b3)};
    for (size_t i = 0; i < xr; i++) {
        y[i * ldy] = sa[i];
        if (two) y[i * ldy + 1] = sb[i];
    }
}

__attribute__((target("avx2,fma"))) static void gemm_rows_q8_avx2(const int8_t *w, const float *ws, size_t ldw,
                                                                  const float *x, size_t ldx, float *y, size_t ldy,
                                                                  size_t rows, size_t cols, size_t m) {
    size_t blocks = ldw / 32;
    for (size_t r = 0; r < rows; r += 2) {
        int two = r + 1 < rows;
        const int8_t *w0 = w + r * ldw, *w1 = two ? w0 + ldw : w0;
        const float *s0 = ws + r * blocks, *s1 = two ? s0 + blocks : s0;
        for (size_t i = 0; i < m; i += 4) {
            size_t xr = m - i < 4 ? m - i : 4;
            tile_q8_2x4(w0, w1, s0, s1, x + i * ldx, ldx, xr, y + i * ldy + r, ldy, cols, two);
        }
    }
}
#endif

void dk_gemm_rows_q8(const int8_t *w, const float *ws, size_t ldw, const float *x, size_t ldx, float *y, size_t ldy,
                     size_t rows, size_t cols, size_t m) {
#if defined(__x86_64__)
    int f = dk_cpu_features();
    if ((f & DK_CPU_AVX2) && (f & DK_CPU_FMA) && cols % 32 == 0) {
        gemm_rows_q8_avx2(w, ws, ldw, x, ldx, y, ldy, rows, cols, m);
        return;
    }
#endif
    gemm_rows_q8_scalar(w, ws, ldw, x, ldx, y, ldy, rows, cols, m);
}
