/* The bf16 panel kernel (Sources/CKernels/gemm_panels.c) against OpenBLAS sgemm on the same shapes, in one
   run: is a prompt pass slow because of the kernel, or because of what surrounds it in the model?

   Each shape is an [m x K] f32 input times a bf16 [N x K] weight (Gemma 2 2B's projections at a 512-token
   prompt, and a shorter prompt). sgemm gets the weight already widened to f32, as a user of PyTorch would
   have it. Rounds interleave the kernels so that both see the same machine; each timing is 4 calls, split
   over THREADS threads by panels as Duet's workers split them. The committed kernel runs as AVX2 and, where
   the CPU has it, as AVX-512 (the one Duet runs there). With VARIANT set, tools/bench/panel-kernel.sh
   also links a candidate kernel `variant_gemm_bf16_panels` (same signature) and checks its output.

   Prints, per shape, min / median / max GFLOP/s of each and the median of the kernel Duet runs as a fraction
   of sgemm's. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>
#include "ckernels.h"

void openblas_set_num_threads(int);
#ifdef VARIANT
void variant_gemm_bf16_panels(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows, size_t cols,
                              size_t first, size_t count, float *y, size_t ldy, int accumulate);
#endif

/* The committed kernel's instruction-set variants (AVX-512 only where the CPU has it), a candidate, sgemm. */
enum { AVX2_KERNEL, AVX512_KERNEL, VARIANT_KERNEL, SGEMM, KINDS };
static const char *kind_name[KINDS] = {"panels-avx2", "panels-avx512", "variant", "sgemm"};
enum { CALLS = 4 };

typedef struct {
    int kind;
    const float *x;
    const uint16_t *panels;
    float *y;
    size_t m, n, k, first, count;
} Job;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run_panels(void *arg) {
    Job *j = arg;
    for (int c = 0; c < CALLS; c++) {
#ifdef VARIANT
        if (j->kind == VARIANT_KERNEL) {
            variant_gemm_bf16_panels(j->x, j->k, j->m, j->panels, j->n, j->k, j->first, j->count, j->y, j->n, 0);
            continue;
        }
#endif
        int v = j->kind == AVX512_KERNEL ? DK_KERNEL_AVX512 : DK_KERNEL_AVX2;
        dk_gemm_bf16_panels_variant(v, j->x, j->k, j->m, j->panels, j->n, j->k, j->first, j->count, j->y, j->n, 0);
    }
    return NULL;
}

/* Seconds per call of one kernel kind on the whole matrix. */
static double time_kind(int kind, int threads, const float *x, const uint16_t *panels, const float *wide, float *y,
                        size_t m, size_t n, size_t k) {
    double start = now();
    if (kind == SGEMM) {
        for (int c = 0; c < CALLS; c++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)k, 1, x, (int)k, wide, (int)k, 0, y,
                        (int)n);
    } else {
        size_t total = dk_bf16_panel_count(n), per = (total + threads - 1) / threads;
        pthread_t tid[16];
        Job jobs[16];
        for (int t = 0; t < threads; t++) {
            size_t first = t * per < total ? t * per : total;
            size_t count = first + per > total ? total - first : per;
            jobs[t] = (Job){kind, x, panels, y, m, n, k, first, count};
            pthread_create(&tid[t], NULL, run_panels, &jobs[t]);
        }
        for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
    }
    return (now() - start) / CALLS;
}

static int by_value(const void *a, const void *b) {
    double d = *(const double *)a - *(const double *)b;
    return (d > 0) - (d < 0);
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2, rounds = argc > 2 ? atoi(argv[2]) : 7;
    if (threads < 1 || threads > 16 || rounds < 1 || rounds > 99) {
        fprintf(stderr, "usage: panel-kernel THREADS(1-16) ROUNDS(1-99)\n");
        return 2;
    }
    openblas_set_num_threads(threads);
    /* q / kv / o projections, MLP gate or up, MLP down at 512 tokens; MLP gate or up at 64. */
    const size_t shapes[][3] = {{512, 2048, 2304}, {512, 1024, 2304}, {512, 2304, 2048},
                                {512, 9216, 2304}, {512, 2304, 9216}, {64, 9216, 2304}};
    int kinds[KINDS], nkinds = 0;
    kinds[nkinds++] = AVX2_KERNEL;
    int avx512 = dk_best_kernel_variant() == DK_KERNEL_AVX512;
    if (avx512) kinds[nkinds++] = AVX512_KERNEL;
#ifdef VARIANT
    kinds[nkinds++] = VARIANT_KERNEL;
#endif
    kinds[nkinds++] = SGEMM;
    printf("threads %d, rounds %d, %d calls per timing; GFLOP/s min / median / max\n", threads, rounds, CALLS);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *x = malloc(m * k * 4), *y = malloc(m * n * 4), *wide = malloc(n * k * 4);
        uint16_t *w = malloc(n * k * 2), *panels = malloc(dk_bf16_panel_count(n) * 16 * k * 2);
        uint32_t state = 12345;
        for (size_t i = 0; i < m * k; i++) x[i] = (float)((state = state * 1664525u + 1013904223u) >> 9) / (1 << 23) - 0.5f;
        for (size_t i = 0; i < n * k; i++) {
            state = state * 1664525u + 1013904223u;
            w[i] = (uint16_t)(0x3c00 + (state >> 22)); /* bf16 in [2^-7, 2^-6): small, all finite */
            uint32_t bits = (uint32_t)w[i] << 16;
            memcpy(&wide[i], &bits, 4);
        }
        dk_pack_bf16_panels(w, k, n, k, panels);
        double seconds[KINDS][99];
        for (int r = 0; r < rounds; r++)
            for (int i = 0; i < nkinds; i++) seconds[kinds[i]][r] = time_kind(kinds[i], threads, x, panels, wide, y, m, n, k);
        double flops = 2.0 * m * n * k, median[KINDS];
        printf("m %4zu  N %4zu  K %4zu:", m, n, k);
        for (int i = 0; i < nkinds; i++) {
            double *t = seconds[kinds[i]];
            qsort(t, rounds, sizeof *t, by_value);
            median[kinds[i]] = t[rounds / 2];
            printf("  %s %.1f / %.1f / %.1f", kind_name[kinds[i]], flops / t[rounds - 1] / 1e9, flops / t[rounds / 2] / 1e9,
                   flops / t[0] / 1e9);
        }
        /* The kernel Duet runs here is the best variant. */
        int best = avx512 ? AVX512_KERNEL : AVX2_KERNEL;
        printf("  | %s / sgemm %.2f", kind_name[best], median[SGEMM] / median[best]);
#ifdef VARIANT
        printf(", variant / %s %.2f", kind_name[best], median[best] / median[VARIANT_KERNEL]);
        float *z = malloc(m * n * 4);
        dk_gemm_bf16_panels(x, k, m, panels, n, k, 0, dk_bf16_panel_count(n), y, n, 0);
        variant_gemm_bf16_panels(x, k, m, panels, n, k, 0, dk_bf16_panel_count(n), z, n, 0);
        double worst = 0;
        for (size_t i = 0; i < m * n; i++) worst = fmax(worst, fabs((double)y[i] - z[i]) / (1e-3 + fabs((double)y[i])));
        printf(" (largest relative difference %.1e)", worst);
        free(z);
#endif
        printf("\n");
        free(x), free(y), free(wide), free(w), free(panels);
    }
    return 0;
}
