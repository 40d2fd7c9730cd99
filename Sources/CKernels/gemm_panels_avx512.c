#include "panel_layout.h"
#include "kernels_avx512.h"

/* The bf16 panel kernel for AVX-512 CPUs (gemm_panels.c has the layout and the AVX2 kernel).

   Why a kernel of its own: where OpenBLAS runs its AVX-512 sgemm (Duet selects SkylakeX/Cooperlake
   kernels on such CPUs), the AVX2 panel kernel reaches only 0.3-0.5 of it on 2B prompt shapes, since
   each instruction does half the work. Here one zmm holds a panel column's 16 features, and a tile is
   two adjacent panels (32 features) by up to 12 input rows: 24 accumulators, and each broadcast input
   value feeds two FMAs, as in OpenBLAS's own 32 x 12 SkylakeX sgemm tile.

   Widening: a column's 16 bf16 are stored in slot order (feature i at slot 2i, feature 8 + i at
   2i + 1; see gemm_panels.c). Zero-extending the slots to 32 bits and shifting left by 16 gives exact
   f32 values in slot order; the tile accumulates in that order and one permute per output row puts
   the features back in order at the store. Each sum runs over k ascending, as in the AVX2
   kernel; the two differ by rounding only where they block k or cut the rows into tiles differently. */

#if defined(__x86_64__)
#include <immintrin.h>

#define MR 12

__attribute__((target("avx512f"), always_inline)) static inline __m512 widen(const uint16_t *column) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)column)), 16));
}

/* Stores one output row of a panel (slot order in v): the first `valid` features, written or added. */
__attribute__((target("avx512f"), always_inline)) static inline void store16(float *y, __m512 v, size_t valid, int add) {
    const __m512i order = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    __mmask16 mask = (__mmask16)((1u << valid) - 1);
    v = _mm512_permutexvar_ps(order, v);
    if (add) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, y));
    _mm512_mask_storeu_ps(y, mask, v);
}

/* R input rows (1..12) against NP adjacent panels (1 or 2) over kc columns. Inlined with constants, so
   each instance keeps exactly its R x NP accumulators in registers. `valid` counts the last panel's
   features (the others are full). */
__attribute__((target("avx512f"), always_inline)) static inline void
tile(const int R, const int NP, const float *x, size_t ldx, const uint16_t *pw0, const uint16_t *pw1, size_t kc,
     float *y, size_t ldy, size_t valid, int add) {
    __m512 c[MR][2], d[3][2];
    for (int i = 0; i < R; i++) c[i][0] = c[i][1] = _mm512_setzero_ps();
    size_t k = 0;
    if (R < 4) {
        /* Too few independent FMA chains to hide their latency: odd k go to a second set. */
        for (int i = 0; i < R; i++) d[i][0] = d[i][1] = _mm512_setzero_ps();
        for (; k + 2 <= kc; k += 2) {
            __m512 w0 = widen(pw0 + k * PANEL), w1 = NP == 2 ? widen(pw1 + k * PANEL) : w0;
            __m512 v0 = widen(pw0 + (k + 1) * PANEL), v1 = NP == 2 ? widen(pw1 + (k + 1) * PANEL) : v0;
            for (int i = 0; i < R; i++) {
                __m512 a = _mm512_set1_ps(x[i * ldx + k]), b = _mm512_set1_ps(x[i * ldx + k + 1]);
                c[i][0] = _mm512_fmadd_ps(w0, a, c[i][0]);
                d[i][0] = _mm512_fmadd_ps(v0, b, d[i][0]);
                if (NP == 2) {
                    c[i][1] = _mm512_fmadd_ps(w1, a, c[i][1]);
                    d[i][1] = _mm512_fmadd_ps(v1, b, d[i][1]);
                }
            }
        }
        for (int i = 0; i < R; i++) {
            c[i][0] = _mm512_add_ps(c[i][0], d[i][0]);
            c[i][1] = _mm512_add_ps(c[i][1], d[i][1]);
        }
    }
    for (; k < kc; k++) {
        __m512 w0 = widen(pw0 + k * PANEL), w1 = NP == 2 ? widen(pw1 + k * PANEL) : w0;
        for (int i = 0; i < R; i++) {
            __m512 a = _mm512_set1_ps(x[i * ldx + k]);
            c[i][0] = _mm512_fmadd_ps(w0, a, c[i][0]);
            if (NP == 2) c[i][1] = _mm512_fmadd_ps(w1, a, c[i][1]);
        }
    }
    for (int i = 0; i < R; i++) {
        if (NP == 2) {
            store16(y + i * ldy, c[i][0], PANEL, add);
            store16(y + i * ldy + PANEL, c[i][1], valid, add);
        } else {
            store16(y + i * ldy, c[i][0], valid, add);
        }
    }
}

#define TILE_CASES(NP)                                                                                        \
    switch (r) {                                                                                              \
    case 12: tile(12, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                   \
    case 11: tile(11, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                   \
    case 10: tile(10, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                   \
    case 9: tile(9, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 8: tile(8, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 7: tile(7, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 6: tile(6, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 5: tile(5, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 4: tile(4, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 3: tile(3, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    case 2: tile(2, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                     \
    default: tile(1, NP, x, ldx, pw0, pw1, kc, y, ldy, valid, add); break;                                    \
    }

/* r rows (1..12) against panels p (and p + 1 when two): the tile instance for r. */
__attribute__((target("avx512f"))) static void tile_rows(size_t r, int two, const float *x, size_t ldx, const uint16_t *pw0,
                                                         const uint16_t *pw1, size_t kc, float *y, size_t ldy,
                                                         size_t valid, int add) {
    if (two) {
        TILE_CASES(2)
    } else {
        TILE_CASES(1)
    }
}
#undef TILE_CASES

/* Blocked as gemm_panels.c's AVX2 kernel: an M-block of inputs (in L2) meets every panel pair's slice of
   a k-block (in L1), twelve rows at a time. Decode and prompts of up to 12 rows stream each panel pair
   once, start to end. */
__attribute__((target("avx512f"))) void dk_gemm_bf16_panels_avx512(const float *x, size_t ldx, size_t m,
                                                                   const uint16_t *panels, size_t rows, size_t cols,
                                                                   size_t first, size_t count, float *y, size_t ldy,
                                                                   int accumulate) {
    size_t mc = m <= MR ? m : MC, kb = m <= MR ? cols : KC;
    for (size_t i0 = 0; i0 < m; i0 += mc) {
        size_t mb = m - i0 < mc ? m - i0 : mc;
        for (size_t k0 = 0; k0 < cols; k0 += kb) {
            size_t kc = cols - k0 < kb ? cols - k0 : kb;
            int add = accumulate || k0 > 0;
            for (size_t p = first; p < first + count;) {
                int two = p + 1 < first + count;
                size_t last = p + (size_t)two;
                size_t valid = rows - last * PANEL < PANEL ? rows - last * PANEL : PANEL;
                const uint16_t *pw0 = panels + (p * cols + k0) * PANEL, *pw1 = panels + (last * cols + k0) * PANEL;
                for (size_t i = 0; i < mb; i += MR) {
                    size_t r = mb - i < MR ? mb - i : MR;
                    tile_rows(r, two, x + (i0 + i) * ldx + k0, ldx, pw0, pw1, kc, y + (i0 + i) * ldy + p * PANEL, ldy,
                              valid, add);
                }
                p += 1 + (size_t)two;
            }
        }
    }
}
#endif
