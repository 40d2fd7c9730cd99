#include "ckernels.h"
#include <string.h>

/* The two products of attention for a few queries (decode): every key row is read from memory once
   and used by all the query heads that share it (grouped-query attention), and the loops over keys
   run here rather than as one call per key. Same dispatch scheme as vecmath.c. */

#if defined(__x86_64__) && defined(__linux__)
#define DK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DK_CLONES
#endif

typedef float v16f __attribute__((ext_vector_type(16)));
typedef float v16f_u __attribute__((ext_vector_type(16), aligned(4)));
#define ld(p) ((v16f)(*(const v16f_u *)(p)))
#define st(p, v) (*(v16f_u *)(p) = (v))

DK_CLONES void dk_qk_scores_f32(const float *q, size_t ldq, size_t nq, const float *k, size_t ldk, size_t nk,
                                size_t n, float scale, float *scores, size_t lds) {
    size_t nv = n & ~(size_t)15;
    for (size_t s = 0; s < nk; s++) {
        const float *ks = k + s * ldk;
        for (size_t r = 0; r < nq; r++) {
            const float *qr = q + r * ldq;
            v16f acc = 0;
            for (size_t i = 0; i < nv; i += 16) acc += ld(qr + i) * ld(ks + i);
            float sum = 0;
            for (int j = 0; j < 16; j++) sum += acc[j];
            for (size_t i = nv; i < n; i++) sum += qr[i] * ks[i];
            scores[r * lds + s] = sum * scale;
        }
    }
}

DK_CLONES void dk_pv_accumulate_f32(const float *p, size_t ldp, size_t nq, const float *v, size_t ldv, size_t nk,
                                    size_t n, float *out, size_t ldo) {
    size_t nv = n & ~(size_t)15;
    for (size_t s = 0; s < nk; s++) {
        const float *vs = v + s * ldv;
        for (size_t r = 0; r < nq; r++) {
            float w = p[r * ldp + s];
            if (w == 0) continue; /* masked key */
            float *o = out + r * ldo;
            for (size_t i = 0; i < nv; i += 16) st(o + i, ld(o + i) + w * ld(vs + i));
            for (size_t i = nv; i < n; i++) o[i] += w * vs[i];
        }
    }
}
