#ifndef DUET_CKERNELS_H
#define DUET_CKERNELS_H
/* Hot loops that need instruction sets beyond the x86-64 baseline (AVX2, FMA, F16C, AVX-512).
   Each entry point checks the CPU once and dispatches to the widest implementation it supports,
   so the binary still runs on a baseline x86-64 (or non-x86) machine. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DK_CPU_AVX2 1
#define DK_CPU_FMA 2
#define DK_CPU_F16C 4
#define DK_CPU_AVX512F 8
#define DK_CPU_AVX512BW 16
#define DK_CPU_AVX512BF16 32
/** Bit set of DK_CPU_* features of the running CPU. */
int dk_cpu_features(void);

/** y[r] = sum_c W[r*ldw + c] * x[c] for r in [0, rows): weights in bfloat16, math in f32. */
void dk_gemv_bf16(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows, size_t cols);
/** Same with IEEE half-precision weights. */
void dk_gemv_f16(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows, size_t cols);

/** Widen n bfloat16 values to f32 (exact). */
void dk_bf16_to_f32(const uint16_t *src, float *dst, size_t n);
/** Narrow n f32 values to bfloat16, round to nearest even; NaN stays NaN (quiet). */
void dk_f32_to_bf16(const float *src, uint16_t *dst, size_t n);
/** Widen n IEEE half values to f32 (exact). */
void dk_f16_to_f32(const uint16_t *src, float *dst, size_t n);
/** Narrow n f32 values to IEEE half, round to nearest even, overflow to inf, subnormals kept. */
void dk_f32_to_f16(const float *src, uint16_t *dst, size_t n);

/** Streaming read of n floats (memory-bandwidth benchmark); returns their sum so it is not elided. */
float dk_stream_sum(const float *src, size_t n);

#ifdef __cplusplus
}
#endif
#endif
