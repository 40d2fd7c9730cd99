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
typedef float v8f __attribute__((ext_vector_type(8)));
typedef float v4f __attribute__((ext_vector_type(4)));
typedef float v16f_u __attribute__((ext_vector_type(16), aligned(4)));
#define ld(p) ((v16f)(*(const v16f_u *)(p)))
#define st(p, v) (*(v16f_u *)(p) = (v))

/* Sum of the 16 lanes as a tree (4 dependent adds, not 16). */
#define HSUM16(v)                                                                                      \
    ({                                                                                                 \
        v8f _a = __builtin_shufflevector((v), (v), 0, 1, 2, 3, 4, 5, 6, 7) +                          \
                 __builtin_shufflevector((v), (v), 8, 9, 10, 11, 12, 13, 14, 15);                     \
        v4f _b = __builtin_shufflevector(_a, _a, 0, 1, 2, 3) + __builtin_shufflevector(_a, _a, 4, 5, 6, 7); \
        (_b[0] + _b[2]) + (_b[1] + _b[3]);                                                             \
    })

/* Four keys at a time: four independent accumulators hide the FMA latency, and each load of q
   feeds four keys. */
DK_CLONES void dk_qk_scores_f32(const float *q, size_t ldq, size_t nq, const float *k, size_t ldk, size_t nk,
                                size_t n, float scale, float *scores, size_t lds) {
    size_t nv = n & ~(size_t)15;
    size_t s = 0;
    for (; s + 4 <= nk; s += 4) {
        const float *k0 = k + s * ldk, *k1 = k0 + ldk, *k2 = k1 + ldk, *k3 = k2 + ldk;
        for (size_t r = 0; r < nq; r++) {
            const float *qr = q + r * ldq;
            v16f a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (size_t i = 0; i < nv; i += 16) {
                v16f qv = ld(qr + i);
                a0 += qv * ld(k0 + i);
                a1 += qv * ld(k1 + i);
                a2 += qv * ld(k2 + i);
                a3 += qv * ld(k3 + i);
            }
            float s0 = HSUM16(a0), s1 = HSUM16(a1), s2 = HSUM16(a2), s3 = HSUM16(a3);
            for (size_t i = nv; i < n; i++) {
                s0 += qr[i] * k0[i];
                s1 += qr[i] * k1[i];
                s2 += qr[i] * k2[i];
                s3 += qr[i] * k3[i];
            }
            float *out = scores + r * lds + s;
            out[0] = s0 * scale;
            out[1] = s1 * scale;
            out[2] = s2 * scale;
            out[3] = s3 * scale;
        }
    }
    for (; s < nk; s++) {
        const float *ks = k + s * ldk;
        for (size_t r = 0; r < nq; r++) {
            const float *qr = q + r * ldq;
            v16f acc = 0;
            for (size_t i = 0; i < nv; i += 16) acc += ld(qr + i) * ld(ks + i);
            float sum = HSUM16(acc);
            for (size_t i = nv; i < n; i++) sum += qr[i] * ks[i];
            scores[r * lds + s] = sum * scale;
        }
    }
}

/* P·v over blocks of PV_KEYS keys: the output chunk stays in registers while the block's value rows
   (8 KB, in L1 after the first head) stream through, instead of a load/store of the output per
   key (which also suffers 4 KB aliasing between the value rows and the output). */
#define PV_KEYS 8

DK_CLONES void dk_pv_accumulate_f32(const float *p, size_t ldp, size_t nq, const float *v, size_t ldv, size_t nk,
                                    size_t n, float *out, size_t ldo) {
    size_t nv = n & ~(size_t)31;
    for (size_t s0 = 0; s0 < nk; s0 += PV_KEYS) {
        size_t s1 = s0 + PV_KEYS < nk ? s0 + PV_KEYS : nk;
        for (size_t r = 0; r < nq; r++) {
            const float *pr = p + r * ldp;
            float *o = out + r * ldo;
            for (size_t i = 0; i < nv; i += 32) {
                v16f a0 = ld(o + i), a1 = ld(o + i + 16);
                for (size_t s = s0; s < s1; s++) {
                    const float *vs = v + s * ldv + i;
                    float w = pr[s];
                    a0 += w * ld(vs);
                    a1 += w * ld(vs + 16);
                }
                st(o + i, a0);
                st(o + i + 16, a1);
            }
            for (size_t i = nv; i < n; i++) {
                float a = o[i];
                for (size_t s = s0; s < s1; s++) a += pr[s] * v[s * ldv + i];
                o[i] = a;
            }
        }
    }
}
