#include "ckernels.h"
#include <string.h>

/* Matrix-vector products with 16-bit weights. The weights are widened to f32 inside registers,
   never written back to memory: decode is bound by how fast the weights stream from RAM, so the
   bf16 matrix is read exactly once. Four rows are processed together so that each load of x
   feeds four FMAs. */

static inline float bf16f(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static void gemv_bf16_scalar(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                             size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = w + r * ldw;
        float acc[8] = {0};
        size_t c = 0;
        for (; c + 8 <= cols; c += 8)
            for (int j = 0; j < 8; j++) acc[j] += bf16f(row[c + j]) * x[c + j];
        float s = 0;
        for (int j = 0; j < 8; j++) s += acc[j];
        for (; c < cols; c++) s += bf16f(row[c]) * x[c];
        y[r] = s;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma"))) static inline __m256 load_bf16x8(const uint16_t *p) {
    __m128i h = _mm_loadu_si128((const __m128i *)p);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

__attribute__((target("avx2,fma"))) static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

__attribute__((target("avx2,fma"))) static void gemv_bf16_avx2(const uint16_t *w, size_t ldw,
                                                               const float *x, float *y,
                                                               size_t rows, size_t cols) {
    size_t r = 0;
    size_t cv = cols & ~(size_t)15;
    for (; r + 4 <= rows; r += 4) {
        const uint16_t *w0 = w + r * ldw, *w1 = w0 + ldw, *w2 = w1 + ldw, *w3 = w2 + ldw;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
               a3 = _mm256_setzero_ps();
        __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps(), b2 = _mm256_setzero_ps(),
               b3 = _mm256_setzero_ps();
        for (size_t c = 0; c < cv; c += 16) {
            __m256 xa = _mm256_loadu_ps(x + c), xb = _mm256_loadu_ps(x + c + 8);
            a0 = _mm256_fmadd_ps(load_bf16x8(w0 + c), xa, a0);
            b0 = _mm256_fmadd_ps(load_bf16x8(w0 + c + 8), xb, b0);
            a1 = _mm256_fmadd_ps(load_bf16x8(w1 + c), xa, a1);
            b1 = _mm256_fmadd_ps(load_bf16x8(w1 + c + 8), xb, b1);
            a2 = _mm256_fmadd_ps(load_bf16x8(w2 + c), xa, a2);
            b2 = _mm256_fmadd_ps(load_bf16x8(w2 + c + 8), xb, b2);
            a3 = _mm256_fmadd_ps(load_bf16x8(w3 + c), xa, a3);
            b3 = _mm256_fmadd_ps(load_bf16x8(w3 + c + 8), xb, b3);
        }
        float s0 = hsum256(_mm256_add_ps(a0, b0)), s1 = hsum256(_mm256_add_ps(a1, b1));
        float s2 = hsum256(_mm256_add_ps(a2, b2)), s3 = hsum256(_mm256_add_ps(a3, b3));
        for (size_t c = cv; c < cols; c++) {
            s0 += bf16f(w0[c]) * x[c];
            s1 += bf16f(w1[c]) * x[c];
            s2 += bf16f(w2[c]) * x[c];
            s3 += bf16f(w3[c]) * x[c];
        }
        y[r] = s0;
        y[r + 1] = s1;
        y[r + 2] = s2;
        y[r + 3] = s3;
    }
    for (; r < rows; r++) {
        const uint16_t *w0 = w + r * ldw;
        __m256 a0 = _mm256_setzero_ps(), b0 = _mm256_setzero_ps();
        for (size_t c = 0; c < cv; c += 16) {
            a0 = _mm256_fmadd_ps(load_bf16x8(w0 + c), _mm256_loadu_ps(x + c), a0);
            b0 = _mm256_fmadd_ps(load_bf16x8(w0 + c + 8), _mm256_loadu_ps(x + c + 8), b0);
        }
        float s0 = hsum256(_mm256_add_ps(a0, b0));
        for (size_t c = cv; c < cols; c++) s0 += bf16f(w0[c]) * x[c];
        y[r] = s0;
    }
}

__attribute__((target("avx2,fma,f16c"))) static void gemv_f16_avx2(const uint16_t *w, size_t ldw,
                                                                   const float *x, float *y,
                                                                   size_t rows, size_t cols) {
    size_t cv = cols & ~(size_t)7;
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *w0 = w + r * ldw;
        __m256 a0 = _mm256_setzero_ps();
        for (size_t c = 0; c < cv; c += 8) {
            __m256 wv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w0 + c)));
            a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + c), a0);
        }
        float s0 = hsum256(a0);
        for (size_t c = cv; c < cols; c++) {
            float f;
            dk_f16_to_f32(w0 + c, &f, 1);
            s0 += f * x[c];
        }
        y[r] = s0;
    }
}
#endif

static void gemv_f16_scalar(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                            size_t cols) {
    float buf[256];
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = w + r * ldw;
        float s = 0;
        for (size_t c = 0; c < cols; c += 256) {
            size_t n = cols - c < 256 ? cols - c : 256;
            dk_f16_to_f32(row + c, buf, n);
            for (size_t j = 0; j < n; j++) s += buf[j] * x[c + j];
        }
        y[r] = s;
    }
}

void dk_gemv_bf16(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows, size_t cols) {
#if defined(__x86_64__)
    int f = dk_cpu_features();
    if ((f & DK_CPU_AVX2) && (f & DK_CPU_FMA)) {
        gemv_bf16_avx2(w, ldw, x, y, rows, cols);
        return;
    }
#endif
    gemv_bf16_scalar(w, ldw, x, y, rows, cols);
}

void dk_gemv_f16(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows, size_t cols) {
#if defined(__x86_64__)
    int f = dk_cpu_features();
    if ((f & DK_CPU_AVX2) && (f & DK_CPU_FMA) && (f & DK_CPU_F16C)) {
        gemv_f16_avx2(w, ldw, x, y, rows, cols);
        return;
    }
#endif
    gemv_f16_scalar(w, ldw, x, y, rows, cols);
}
