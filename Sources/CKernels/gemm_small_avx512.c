#include "ckernels.h"
#include "kernels_avx512.h"

/* The small products of attention (gemm_small.c) for AVX-512 CPUs: the same contract and the same
   unpacked operands, with an output tile of up to 12 rows x 32 columns in 24 zmm registers. Per k, two
   16-wide loads of B's row, up to twelve broadcasts of A and twice as many FMAs: each broadcast feeds
   two FMAs, as in the bf16 panel kernel for AVX-512 (gemm_panels_avx512.c). Columns past n are masked
   on load and store, so nothing outside C's columns is read from B's last row or written. */

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 12

/* R rows (1..12) x NV 16-wide column vectors (1 or 2); `valid` counts the last vector's columns. */
__attribute__((target("avx512f"), always_inline)) static inline void
tile(const int R, const int NV, size_t k, float alpha, const float *a, size_t ars, size_t acs, const float *b, size_t ldb,
     float *c, size_t ldc, size_t valid, int accumulate) {
    __m512 acc[MR][2];
    for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    __mmask16 last = (__mmask16)((1u << valid) - 1);
    for (size_t p = 0; p < k; p++) {
        const float *row = b + p * ldb;
        __m512 b0 = NV == 2 ? _mm512_loadu_ps(row) : _mm512_maskz_loadu_ps(last, row);
        __m512 b1 = NV == 2 ? _mm512_maskz_loadu_ps(last, row + 16) : b0;
        for (int r = 0; r < R; r++) {
            __m512 x = _mm512_set1_ps(a[r * ars + p * acs]);
            acc[r][0] = _mm512_fmadd_ps(x, b0, acc[r][0]);
            if (NV == 2) acc[r][1] = _mm512_fmadd_ps(x, b1, acc[r][1]);
        }
    }
    __m512 scale = _mm512_set1_ps(alpha);
    for (int r = 0; r < R; r++) {
        float *out = c + r * ldc;
        for (int v = 0; v < NV; v++) {
            __mmask16 mask = v == NV - 1 ? last : (__mmask16)0xffff;
            __m512 value = _mm512_mul_ps(acc[r][v], scale);
            if (accumulate) value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(mask, out + 16 * v));
            _mm512_mask_storeu_ps(out + 16 * v, mask, value);
        }
    }
}

#define TILE_CASES(NV)                                                                                        \
    switch (r) {                                                                                              \
    case 12: tile(12, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                   \
    case 11: tile(11, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                   \
    case 10: tile(10, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                   \
    case 9: tile(9, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 8: tile(8, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 7: tile(7, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 6: tile(6, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 5: tile(5, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 4: tile(4, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 3: tile(3, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    case 2: tile(2, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                     \
    default: tile(1, NV, k, alpha, a, ars, acs, b, ldb, c, ldc, valid, accumulate); break;                    \
    }

__attribute__((target("avx512f"))) static void tile_rows(size_t r, int two, size_t k, float alpha, const float *a,
                                                         size_t ars, size_t acs, const float *b, size_t ldb, float *c,
                                                         size_t ldc, size_t valid, int accumulate) {
    if (two) {
        TILE_CASES(2)
    } else {
        TILE_CASES(1)
    }
}
#undef TILE_CASES

/* Column tiles outside, row tiles inside, as the AVX2 kernel: a 32-column slice of B (k x 128 bytes)
   stays in L1 while every row tile of A passes it. */
__attribute__((target("avx512f"))) void dk_gemm_small_f32_avx512(size_t m, size_t n, size_t k, float alpha, const float *a,
                                                                 size_t ars, size_t acs, const float *b, size_t ldb,
                                                                 float *c, size_t ldc, int accumulate) {
    for (size_t j = 0; j < n; j += 32) {
        size_t left = n - j;
        int two = left > 16;
        size_t valid = two ? (left < 32 ? left - 16 : 16) : left;
        for (size_t i = 0; i < m; i += MR) {
            size_t r = m - i < MR ? m - i : MR;
            tile_rows(r, two, k, alpha, a + i * ars, ars, acs, b + j, ldb, c + i * ldc + j, ldc, valid, accumulate);
        }
    }
}
#endif
