#ifndef DUET_CKERNELS_KERNELS_AVX512_H
#define DUET_CKERNELS_KERNELS_AVX512_H
/* The AVX-512 kernels' entry points (internal): each has the arguments of the public function it
   serves, which picks it at run time (see dk_best_kernel_variant). */
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
void dk_gemm_bf16_panels_avx512(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows, size_t cols,
                                size_t first, size_t count, float *y, size_t ldy, int accumulate);
void dk_gemm_small_f32_avx512(size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars, size_t acs,
                              const float *b, size_t ldb, float *c, size_t ldc, int accumulate);
#endif
#endif
