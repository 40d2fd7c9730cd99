#ifndef DUET_CKERNELS_LANES_H
#define DUET_CKERNELS_LANES_H
/* Small helpers the kernel files share (internal: not part of the module's public header). */
#include <stdint.h>
#include <string.h>

/* One bfloat16 bit pattern widened to f32 (exact). */
static inline float dk_bf16_value(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Eight bfloat16 values widened to f32 in a register. */
__attribute__((target("avx2,fma"))) static inline __m256 dk_load_bf16x8(const uint16_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
}

/* Stores a 16-float output row held in two registers: the first `valid` (1..16) floats of y, written or
   (accumulate) added to what y holds. The register kernels' tiles end with this. */
__attribute__((target("avx2,fma"))) static inline void dk_store_row16(float *y, __m256 lo, __m256 hi, size_t valid,
                                                                     int accumulate) {
    if (valid == 16) {
        if (accumulate) {
            lo = _mm256_add_ps(lo, _mm256_loadu_ps(y));
            hi = _mm256_add_ps(hi, _mm256_loadu_ps(y + 8));
        }
        _mm256_storeu_ps(y, lo);
        _mm256_storeu_ps(y + 8, hi);
    } else {
        float t[16];
        _mm256_storeu_ps(t, lo);
        _mm256_storeu_ps(t + 8, hi);
        for (size_t f = 0; f < valid; f++) y[f] = accumulate ? y[f] + t[f] : t[f];
    }
}

/* The sum of a register's eight lanes. */
__attribute__((target("avx2,fma"))) static inline float dk_hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}
#endif
#endif
