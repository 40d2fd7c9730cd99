#include "ckernels.h"
#include "lanes.h"
#include "kernels_avx512.h"

/* The small products of attention in training and prompts: per (batch, head), Q·Kᵀ, P·V and the four
   products of the backward, with a few hundred rows and columns and k = head dim or key count.

   Why not OpenBLAS: at these sizes its sgemm spends much of each call packing and handing work to its
   threads (one call per head and block, thousands per step), and the engine already runs one task per
   (batch, head) on its workers. Why not dot products (dk_qk_scores_f32): they need a horizontal sum per
   output and load two operands per FMA. Here an output tile of 6 rows x 16 columns stays in 12 registers
   while k runs: per k, one 16-wide row of B (two loads), six broadcasts of A and twelve FMAs, as in the
   BLIS micro-kernel, without packing either operand. A is read through strides (row and column), so Aᵀ
   costs nothing (dK = dSᵀ·Q reads dS by columns); B is read by rows, so Bᵀ needs a transposed copy
   (dk_transpose_f32, cheap next to the product: one pass over S x d floats against S x S x d FMAs).
   CPUs with AVX-512 run gemm_small_avx512.c's 12 x 32 tiles instead. */

#define NR 16

/* Portable loop (CPUs without AVX2/FMA, and the reference the tests compare against). */
static void gemm_small_scalar(size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars, size_t acs,
                              const float *b, size_t ldb, float *c, size_t ldc, int accumulate) {
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < n; j++) {
            float sum = 0;
            for (size_t p = 0; p < k; p++) sum += a[i * ars + p * acs] * b[p * ldb + j];
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + alpha * sum : alpha * sum;
        }
    }
}

#if defined(__x86_64__)
/* MR rows (1..6) x 16 columns, of which `valid` (1..16) are stored; B's row is read with a mask when
   valid < 16, so no read passes the matrix's last column. Inlined with a constant MR so each instance
   keeps exactly its 2 x MR accumulators in registers. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
small_tile(const int MR, size_t k, float alpha, const float *a, size_t ars, size_t acs, const float *b, size_t ldb,
           float *c, size_t ldc, size_t valid, int accumulate) {
    __m256 acc[6][2];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    if (valid == NR) {
        for (size_t p = 0; p < k; p++) {
            __m256 b0 = _mm256_loadu_ps(b + p * ldb), b1 = _mm256_loadu_ps(b + p * ldb + 8);
            for (int r = 0; r < MR; r++) {
                __m256 x = _mm256_broadcast_ss(a + r * ars + p * acs);
                acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    } else {
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)valid), lane);
        __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)valid - 8), lane);
        for (size_t p = 0; p < k; p++) {
            __m256 b0 = _mm256_maskload_ps(b + p * ldb, m0), b1 = _mm256_maskload_ps(b + p * ldb + 8, m1);
            for (int r = 0; r < MR; r++) {
                __m256 x = _mm256_broadcast_ss(a + r * ars + p * acs);
                acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
                acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
            }
        }
    }
    __m256 scale = _mm256_set1_ps(alpha);
    for (int r = 0; r < MR; r++) {
        dk_store_row16(c + r * ldc, _mm256_mul_ps(acc[r][0], scale), _mm256_mul_ps(acc[r][1], scale), valid, accumulate);
    }
}

__attribute__((target("avx2,fma"))) static void small_rows(size_t mr, size_t k, float alpha, const float *a, size_t ars,
                                                           size_t acs, const float *b, size_t ldb, float *c, size_t ldc,
                                                           size_t valid, int accumulate) {
    switch (mr) {
    case 6: small_tile(6, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;
    case 5: small_tile(5, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;
    case 4: small_tile(4, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;
    case 3: small_tile(3, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;
    case 2: small_tile(2, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;
    default: small_tile(1, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;
    }
}

/* Column tiles outside, row tiles inside: a 16-column slice of B (k x 64 bytes) stays in L1 while every
   row tile of A passes it. */
__attribute__((target("avx2,fma"))) static void gemm_small_avx2(size_t m, size_t n, size_t k, float alpha, const float *a,
                                                                size_t ars, size_t acs, const float *b, size_t ldb, float *c,
                                                                size_t ldc, int accumulate) {
    for (size_t j = 0; j < n; j += NR) {
        size_t valid = n - j < NR ? n - j : NR;
        for (size_t i = 0; i < m; i += 6) {
            size_t mr = m - i < 6 ? m - i : 6;
            small_rows(mr, k, alpha, a + i * ars, ars, acs, b + j, ldb, c + i * ldc + j, ldc, valid, accumulate);
        }
    }
}
#endif

void dk_gemm_small_f32_variant(int variant, size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars,
                               size_t acs, const float *b, size_t ldb, float *c, size_t ldc, int accumulate) {
    if (m == 0 || n == 0) return;
#if defined(__x86_64__)
    switch (variant) {
    case DK_KERNEL_AVX512: dk_gemm_small_f32_avx512(m, n, k, alpha, a, ars, acs, b, ldb, c, ldc, accumulate); return;
    case DK_KERNEL_AVX2: gemm_small_avx2(m, n, k, alpha, a, ars, acs, b, ldb, c, ldc, accumulate); return;
    default: break;
    }
#endif
    gemm_small_scalar(m, n, k, alpha, a, ars, acs, b, ldb, c, ldc, accumulate);
}

void dk_gemm_small_f32(size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars, size_t acs, const float *b,
                       size_t ldb, float *c, size_t ldc, int accumulate) {
    dk_gemm_small_f32_variant(dk_best_kernel_variant(), m, n, k, alpha, a, ars, acs, b, ldb, c, ldc, accumulate);
}

void dk_gemm_small_f32_reference(size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars, size_t acs,
                                 const float *b, size_t ldb, float *c, size_t ldc, int accumulate) {
    gemm_small_scalar(m, n, k, alpha, a, ars, acs, b, ldb, c, ldc, accumulate);
}

void dk_transpose_f32(const float *src, size_t rows, size_t cols, size_t lds, float *dst, size_t ldd) {
    /* 8 x 8 blocks keep both sides' cache lines in use. */
    for (size_t i0 = 0; i0 < rows; i0 += 8) {
        size_t i1 = i0 + 8 < rows ? i0 + 8 : rows;
        for (size_t j0 = 0; j0 < cols; j0 += 8) {
            size_t j1 = j0 + 8 < cols ? j0 + 8 : cols;
            for (size_t i = i0; i < i1; i++)
                for (size_t j = j0; j < j1; j++) dst[j * ldd + i] = src[i * lds + j];
        }
    }
}
