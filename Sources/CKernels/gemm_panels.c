#include "ckernels.h"
#include "lanes.h"
#include "panel_layout.h"
#include "kernels_avx512.h"

/* bf16 weights packed once, at load, into panels of 16 output features, and one kernel for every
   number of input rows (decode, short prompts, long prompts, encoders).

   Why: a weight W[N, K] stored row-major (PyTorch's layout) suits a dot product per output feature,
   which needs a horizontal sum per feature and, for many input rows, either few accumulators or
   widening W into an f32 buffer for OpenBLAS (which then packs it again: two passes over every weight
   on every call). A panel holds 16 features side by side for every k, so the product is an outer
   product as in BLIS: per k, one 32-byte load gives 16 weights, two integer ops widen them to two
   f32 registers, and every input row contributes one broadcast and two FMAs into 2 x 6 accumulators.
   No horizontal sums, no f32 copy of W, and the packing happens once per model load.

   Panel layout: panel p, column k occupies 16 uint16 at ((p * K) + k) * 16. Within them the bf16 of
   feature p*16 + i sits at 2i and that of feature p*16 + 8 + i at 2i + 1, so that in a 32-bit lane
   `lane << 16` is feature i and `lane & 0xffff0000` is feature 8 + i: bf16 is the upper half of an
   f32, so both are exact widenings. Features past N are zero. */


size_t dk_bf16_panel_count(size_t rows) { return (rows + PANEL - 1) / PANEL; }

void dk_pack_bf16_panels(const uint16_t *w, size_t ldw, size_t rows, size_t cols, uint16_t *out) {
    size_t panels = dk_bf16_panel_count(rows);
    for (size_t p = 0; p < panels; p++) {
        uint16_t *dst = out + p * cols * PANEL;
        for (size_t i = 0; i < PANEL; i++) {
            size_t feature = p * PANEL + i;
            size_t slot = i < 8 ? 2 * i : 2 * (i - 8) + 1;
            if (feature >= rows) {
                for (size_t k = 0; k < cols; k++) dst[k * PANEL + slot] = 0;
            } else {
                const uint16_t *src = w + feature * ldw;
                for (size_t k = 0; k < cols; k++) dst[k * PANEL + slot] = src[k];
            }
        }
    }
}

/* Feature f of a panel (0..15) is at this slot of a column's 16 values. */
static inline size_t slot_of(size_t f) { return f < 8 ? 2 * f : 2 * (f - 8) + 1; }

void dk_bf16_panels_row(const uint16_t *panels, size_t cols, size_t row, float *out) {
    const uint16_t *src = panels + (row / PANEL) * cols * PANEL + slot_of(row % PANEL);
    for (size_t k = 0; k < cols; k++) out[k] = dk_bf16_value(src[k * PANEL]);
}

void dk_unpack_bf16_panels(const uint16_t *panels, size_t rows, size_t cols, uint16_t *w, size_t ldw) {
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *src = panels + (r / PANEL) * cols * PANEL + slot_of(r % PANEL);
        for (size_t k = 0; k < cols; k++) w[r * ldw + k] = src[k * PANEL];
    }
}


/* The portable kernel: y[i, n] (+)= sum_k x[i, k] W[n, k] over panels [first, first + count). */
static void gemm_panels_scalar(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows, size_t cols,
                               size_t first, size_t count, float *y, size_t ldy, int accumulate) {
    for (size_t p = first; p < first + count; p++) {
        const uint16_t *panel = panels + p * cols * PANEL;
        for (size_t f = 0; f < PANEL && p * PANEL + f < rows; f++) {
            size_t s = slot_of(f), n = p * PANEL + f;
            for (size_t i = 0; i < m; i++) {
                float sum = 0;
                for (size_t k = 0; k < cols; k++) sum += dk_bf16_value(panel[k * PANEL + s]) * x[i * ldx + k];
                y[i * ldy + n] = accumulate ? y[i * ldy + n] + sum : sum;
            }
        }
    }
}

#if defined(__x86_64__)
/* MR input rows (1..6) against one panel over kc columns: y[0..MR, 0..valid) = (or +=) the products.
   Inlined with a constant MR, so each instance keeps exactly its 2 x MR accumulators in registers.
   With fewer than four rows there are too few independent FMA chains to hide their latency, so two
   columns go to separate accumulator sets and are added at the end. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
panel_tile(const int MR, const float *x, size_t ldx, const uint16_t *pw, size_t kc, float *y, size_t ldy,
           size_t valid, int add) {
    const __m256i high = _mm256_set1_epi32((int)0xffff0000u);
    __m256 c[6][2], d[6][2];
    for (int i = 0; i < MR; i++) c[i][0] = c[i][1] = d[i][0] = d[i][1] = _mm256_setzero_ps();
    size_t k = 0;
#define WIDEN(W, LO, HI)                                                                               \
    __m256 LO = _mm256_castsi256_ps(_mm256_slli_epi32((W), 16));                                       \
    __m256 HI = _mm256_castsi256_ps(_mm256_and_si256((W), high))
    if (MR < 4) {
        for (; k + 2 <= kc; k += 2) {
            __m256i w0 = _mm256_loadu_si256((const __m256i *)(pw + k * PANEL));
            __m256i w1 = _mm256_loadu_si256((const __m256i *)(pw + (k + 1) * PANEL));
            WIDEN(w0, lo0, hi0);
            WIDEN(w1, lo1, hi1);
            for (int i = 0; i < MR; i++) {
                __m256 a0 = _mm256_broadcast_ss(x + i * ldx + k), a1 = _mm256_broadcast_ss(x + i * ldx + k + 1);
                c[i][0] = _mm256_fmadd_ps(lo0, a0, c[i][0]);
                c[i][1] = _mm256_fmadd_ps(hi0, a0, c[i][1]);
                d[i][0] = _mm256_fmadd_ps(lo1, a1, d[i][0]);
                d[i][1] = _mm256_fmadd_ps(hi1, a1, d[i][1]);
            }
        }
    }
    for (; k < kc; k++) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(pw + k * PANEL));
        WIDEN(w, lo, hi);
        for (int i = 0; i < MR; i++) {
            __m256 a = _mm256_broadcast_ss(x + i * ldx + k);
            c[i][0] = _mm256_fmadd_ps(lo, a, c[i][0]);
            c[i][1] = _mm256_fmadd_ps(hi, a, c[i][1]);
        }
    }
#undef WIDEN
    for (int i = 0; i < MR; i++) {
        __m256 lo = c[i][0], hi = c[i][1];
        if (MR < 4) {
            lo = _mm256_add_ps(lo, d[i][0]);
            hi = _mm256_add_ps(hi, d[i][1]);
        }
        dk_store_row16(y + i * ldy, lo, hi, valid, add);
    }
}

__attribute__((target("avx2,fma"))) static void tile_rows(size_t mr, const float *x, size_t ldx, const uint16_t *pw,
                                                          size_t kc, float *y, size_t ldy, size_t valid, int add) {
    switch (mr) {
    case 6: panel_tile(6, x, ldx, pw, kc, y, ldy, valid, add); break;
    case 5: panel_tile(5, x, ldx, pw, kc, y, ldy, valid, add); break;
    case 4: panel_tile(4, x, ldx, pw, kc, y, ldy, valid, add); break;
    case 3: panel_tile(3, x, ldx, pw, kc, y, ldy, valid, add); break;
    case 2: panel_tile(2, x, ldx, pw, kc, y, ldy, valid, add); break;
    default: panel_tile(1, x, ldx, pw, kc, y, ldy, valid, add); break;
    }
}

/* Blocked as BLIS does: an M-block of inputs (in L2) meets every panel slice of a k-block (in L1),
   six rows at a time. */
__attribute__((target("avx2,fma"))) static void gemm_panels_avx2(const float *x, size_t ldx, size_t m,
                                                                 const uint16_t *panels, size_t rows, size_t cols,
                                                                 size_t first, size_t count, float *y, size_t ldy,
                                                                 int accumulate) {
    if (m <= 6) {
        /* Decode and the shortest prompts: each panel streams once from start to end (the inputs sit
           in L1/L2 whatever K is), which is what the prefetchers like. */
        for (size_t p = first; p < first + count; p++) {
            size_t valid = rows - p * PANEL < PANEL ? rows - p * PANEL : PANEL;
            tile_rows(m, x, ldx, panels + p * cols * PANEL, cols, y + p * PANEL, ldy, valid, accumulate);
        }
        return;
    }
    for (size_t i0 = 0; i0 < m; i0 += MC) {
        size_t mb = m - i0 < MC ? m - i0 : MC;
        for (size_t k0 = 0; k0 < cols; k0 += KC) {
            size_t kc = cols - k0 < KC ? cols - k0 : KC;
            int add = accumulate || k0 > 0;
            for (size_t p = first; p < first + count; p++) {
                size_t valid = rows - p * PANEL < PANEL ? rows - p * PANEL : PANEL;
                const uint16_t *pw = panels + (p * cols + k0) * PANEL;
                for (size_t i = 0; i < mb; i += 6) {
                    size_t mr = mb - i < 6 ? mb - i : 6;
                    tile_rows(mr, x + (i0 + i) * ldx + k0, ldx, pw, kc, y + (i0 + i) * ldy + p * PANEL, ldy, valid, add);
                }
            }
        }
    }
}
#endif

void dk_gemm_bf16_panels_variant(int variant, const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows,
                                 size_t cols, size_t first, size_t count, float *y, size_t ldy, int accumulate) {
#if defined(__x86_64__)
    switch (variant) {
    case DK_KERNEL_AVX512: dk_gemm_bf16_panels_avx512(x, ldx, m, panels, rows, cols, first, count, y, ldy, accumulate); return;
    case DK_KERNEL_AVX2: gemm_panels_avx2(x, ldx, m, panels, rows, cols, first, count, y, ldy, accumulate); return;
    default: break;
    }
#endif
    gemm_panels_scalar(x, ldx, m, panels, rows, cols, first, count, y, ldy, accumulate);
}

void dk_gemm_bf16_panels(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows, size_t cols,
                         size_t first, size_t count, float *y, size_t ldy, int accumulate) {
    dk_gemm_bf16_panels_variant(dk_best_kernel_variant(), x, ldx, m, panels, rows, cols, first, count, y, ldy, accumulate);
}

void dk_gemm_bf16_panels_reference(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows,
                                   size_t cols, size_t first, size_t count, float *y, size_t ldy, int accumulate) {
    gemm_panels_scalar(x, ldx, m, panels, rows, cols, first, count, y, ldy, accumulate);
}
