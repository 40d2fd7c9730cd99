#include "ckernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
static int detect(void) {
    int f = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) f |= DK_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= DK_CPU_FMA;
    if (__builtin_cpu_supports("avx512f")) f |= DK_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) f |= DK_CPU_AVX512BW;
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C)) f |= DK_CPU_F16C;
    if (__get_cpuid_count(7, 1, &a, &b, &c, &d)) {
        if (a & (1u << 5)) f |= DK_CPU_AVX512BF16;
        if (a & (1u << 4)) f |= DK_CPU_AVXVNNI;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if (c & (1u << 11)) f |= DK_CPU_AVX512VNNI;
        if (b & (1u << 31)) f |= DK_CPU_AVX512VL;
    }
    return f;
}
#else
static int detect(void) { return 0; }
#endif

int dk_cpu_features(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        v = detect();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

int dk_best_kernel_variant(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        int f = dk_cpu_features();
        v = (f & DK_CPU_AVX512F) ? DK_KERNEL_AVX512 : ((f & DK_CPU_AVX2) && (f & DK_CPU_FMA)) ? DK_KERNEL_AVX2 : DK_KERNEL_SCALAR;
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}
