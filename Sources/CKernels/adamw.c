#include "ckernels.h"
#include "lanes.h"
#include <math.h>

/* The AdamW update over a flat range, operation for operation as PyTorch's single-tensor AdamW in f32
   (and as Duet's golden test expects, bit for bit):
       m = m + (1 - b1) * (g - m)                      (lerp)
       v = v * b2 + ((1 - b2) * g) * g                 (mul, addcmul)
       p = p * decay + (step * m) / (sqrt(v) / root + eps)
   IEEE single precision gives sqrt and division correctly rounded in scalar and vector form alike, so the
   AVX2 body and the portable loop produce the same bits, provided no multiply-add is fused: the pragma
   keeps clang from contracting the portable loop, and the vector body spells each operation out.
   The Swift loop this replaces called sqrtf through the PLT and ran scalar (31 ms per step of a 5.8M
   model on this VM; memory would allow about 7). */
#pragma clang fp contract(off)

static void adamw_scalar(float *p, const float *g, float *m, float *v, size_t n, float decay, float step, float root,
                         float w1, float b2, float w2, float eps) {
    for (size_t j = 0; j < n; j++) {
        float gj = g[j];
        float mj = m[j] + w1 * (gj - m[j]);
        float vj = v[j] * b2 + w2 * gj * gj;
        m[j] = mj;
        v[j] = vj;
        float denominator = sqrtf(vj) / root + eps;
        p[j] = p[j] * decay + step * mj / denominator;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static void adamw_avx2(float *p, const float *g, float *m, float *v, size_t n,
                                                       float decay, float step, float root, float w1, float b2,
                                                       float w2, float eps) {
    const __m256 vdecay = _mm256_set1_ps(decay), vstep = _mm256_set1_ps(step), vroot = _mm256_set1_ps(root);
    const __m256 vw1 = _mm256_set1_ps(w1), vb2 = _mm256_set1_ps(b2), vw2 = _mm256_set1_ps(w2), veps = _mm256_set1_ps(eps);
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 gj = _mm256_loadu_ps(g + j), mj = _mm256_loadu_ps(m + j), vj = _mm256_loadu_ps(v + j);
        mj = _mm256_add_ps(mj, _mm256_mul_ps(vw1, _mm256_sub_ps(gj, mj)));
        vj = _mm256_add_ps(_mm256_mul_ps(vj, vb2), _mm256_mul_ps(_mm256_mul_ps(vw2, gj), gj));
        _mm256_storeu_ps(m + j, mj);
        _mm256_storeu_ps(v + j, vj);
        __m256 denominator = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vj), vroot), veps);
        __m256 pj = _mm256_loadu_ps(p + j);
        pj = _mm256_add_ps(_mm256_mul_ps(pj, vdecay), _mm256_div_ps(_mm256_mul_ps(vstep, mj), denominator));
        _mm256_storeu_ps(p + j, pj);
    }
    adamw_scalar(p + j, g + j, m + j, v + j, n - j, decay, step, root, w1, b2, w2, eps);
}
#endif

void dk_adamw_f32(float *p, const float *g, float *m, float *v, size_t n, float decay, float step, float root, float w1,
                  float b2, float w2, float eps) {
#if defined(__x86_64__)
    if (dk_cpu_features() & DK_CPU_AVX2) {
        adamw_avx2(p, g, m, v, n, decay, step, root, w1, b2, w2, eps);
        return;
    }
#endif
    adamw_scalar(p, g, m, v, n, decay, step, root, w1, b2, w2, eps);
}

void dk_adamw_f32_reference(float *p, const float *g, float *m, float *v, size_t n, float decay, float step, float root,
                            float w1, float b2, float w2, float eps) {
    adamw_scalar(p, g, m, v, n, decay, step, root, w1, b2, w2, eps);
}
