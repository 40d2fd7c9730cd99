#include "ckernels.h"
#include "lanes.h"

/* Matrix-vector products with 16-bit weights. The weights are widened to f32 inside registers,
   never written back to memory: decode is bound by how fast the weights stream from RAM, so the
   bf16 matrix is read exactly once. Four rows are processed together so that each load of x
   feeds four FMAs. */

static void gemv_bf16_scalar(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows,
                             size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *row = w + r * ldw;
        float acc[8] = {0};
        size_t c = 0;
        for (; c + 8 <= cols; c += 8)
            for (int j = 0; j < 8; j++) acc[j] += dk_bf16_value(row[c + j]) * x[c + j];
        float s = 0;
        for (int j = 0; j < 8; j++) s += acc[j];
        for (; c < cols; c++) s += dk_bf16_value(row[c]) * x[c];
        y[r] = s;
    }
}

#if defined(__x86_64__)
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
            a0 = _mm256_fmadd_ps(dk_load_bf16x8(w0 + c), xa, a0);
            b0 = _mm256_fmadd_ps(dk_load_bf16x8(w0 + c + 8), xb, b0);
            a1 = _mm256_fmadd_ps(dk_load_bf16x8(w1 + c), xa, a1);
            b1 = _mm256_fmadd_ps(dk_load_bf16x8(w1 + c + 8), xb, b1);
            a2 = _mm256_fmadd_ps(dk_load_bf16x8(w2 + c), xa, a2);
            b2 = _mm256_fmadd_ps(dk_load_bf16x8(w2 + c + 8), xb, b2);
            a3 = _mm256_fmadd_ps(dk_load_bf16x8(w3 + c), xa, a3);
            b3 = _mm256_fmadd_ps(dk_load_bf16x8(w3 + c + 8), xb, b3);
        }
        float s0 = dk_hsum256(_mm256_add_ps(a0, b0)), s1 = dk_hsum256(_mm256_add_ps(a1, b1));
        float s2 = dk_hsum256(_mm256_add_ps(a2, b2)), s3 = dk_hsum256(_mm256_add_ps(a3, b3));
        for (size_t c = cv; c < cols; c++) {
            s0 += dk_bf16_value(w0[c]) * x[c];
            s1 += dk_bf16_value(w1[c]) * x[c];
            s2 += dk_bf16_value(w2[c]) * x[c];
            s3 += dk_bf16_value(w3[c]) * x[c];
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
            a0 = _mm256_fmadd_ps(dk_load_bf16x8(w0 + c), _mm256_loadu_ps(x + c), a0);
            b0 = _mm256_fmadd_ps(dk_load_bf16x8(w0 + c + 8), _mm256_loadu_ps(x + c + 8), b0);
        }
        float s0 = dk_hsum256(_mm256_add_ps(a0, b0));
        for (size_t c = cv; c < cols; c++) s0 += dk_bf16_value(w0[c]) * x[c];
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
        float s0 = dk_hsum256(a0);
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
