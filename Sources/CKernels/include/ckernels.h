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
#define DK_CPU_AVX512VNNI 64
#define DK_CPU_AVX512VL 128
#define DK_CPU_AVXVNNI 256
/** The instruction-set variants of the matrix kernels that have several (bf16 panels, small attention
    GEMMs): the portable loop, AVX2+FMA, AVX-512 F. */
#define DK_KERNEL_SCALAR 0
#define DK_KERNEL_AVX2 1
#define DK_KERNEL_AVX512 2
/** The variant those kernels run on this CPU (the widest it has). */
int dk_best_kernel_variant(void);
/** Bit set of DK_CPU_* features of the running CPU. */
int dk_cpu_features(void);

/** y[r] = sum_c W[r*ldw + c] * x[c] for r in [0, rows): weights in bfloat16, math in f32. */
void dk_gemv_bf16(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows, size_t cols);
/** Same with IEEE half-precision weights. */
void dk_gemv_f16(const uint16_t *w, size_t ldw, const float *x, float *y, size_t rows, size_t cols);
/** y[i*ldy + r] = sum_c W[r*ldw + c] * x[i*ldx + c] for r < rows, i < m: bf16 weights read once for a
    few input rows (short prompts), widened in registers. */
void dk_gemm_rows_bf16(const uint16_t *w, size_t ldw, const float *x, size_t ldx, float *y, size_t ldy,
                       size_t rows, size_t cols, size_t m);
/** dk_gemm_rows_bf16 for Q8 int8 weights: `ws` the f32 scale of each block of 32 values (`[rows, ldw/32]`),
    widened and scaled in registers; `ldw` (= cols) a multiple of 32. */
void dk_gemm_rows_q8(const int8_t *w, const float *ws, size_t ldw, const float *x, size_t ldx, float *y, size_t ldy,
                     size_t rows, size_t cols, size_t m);

/* ---- gemm_panels.c: bf16 weights packed once into panels of 16 output features ---- */
/** Number of 16-feature panels for `rows` output features (the last one zero-padded). */
size_t dk_bf16_panel_count(size_t rows);
/** Packs W[rows, cols] (row stride ldw) into dk_bf16_panel_count(rows) * cols * 16 uint16 at `out`. */
void dk_pack_bf16_panels(const uint16_t *w, size_t ldw, size_t rows, size_t cols, uint16_t *out);
/** The inverse of dk_pack_bf16_panels (for writing a packed weight back out). */
void dk_unpack_bf16_panels(const uint16_t *panels, size_t rows, size_t cols, uint16_t *w, size_t ldw);
/** Row `row` of a packed [rows, cols] matrix, widened to f32 (an embedding lookup in a packed table). */
void dk_bf16_panels_row(const uint16_t *panels, size_t cols, size_t row, float *out);
/** y[i*ldy + n] = (or += when accumulate) sum_k x[i*ldx + k] * W[n, k] for i < m and the features n of
    panels [first, first + count) (n < rows), W given packed. Any m: decode, prompts, encoders. */
void dk_gemm_bf16_panels(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows, size_t cols,
                         size_t first, size_t count, float *y, size_t ldy, int accumulate);
/** dk_gemm_bf16_panels with a given variant (DK_KERNEL_*; the caller checks the CPU has it), for tests and benches. */
void dk_gemm_bf16_panels_variant(int variant, const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows,
                                 size_t cols, size_t first, size_t count, float *y, size_t ldy, int accumulate);
/** The portable C loop of dk_gemm_bf16_panels, for tests of the dispatched kernel. */
void dk_gemm_bf16_panels_reference(const float *x, size_t ldx, size_t m, const uint16_t *panels, size_t rows,
                                   size_t cols, size_t first, size_t count, float *y, size_t ldy, int accumulate);

/* ---- adamw.c: the optimizer's element-wise update ---- */
/** AdamW over n elements in PyTorch's operation order (no fused multiply-adds): m += w1 (g - m);
    v = v b2 + (w2 g) g; p = p decay + (step m) / (sqrt(v) / root + eps). Bitwise equal to the portable loop. */
void dk_adamw_f32(float *p, const float *g, float *m, float *v, size_t n, float decay, float step, float root, float w1,
                  float b2, float w2, float eps);
/** The portable loop of dk_adamw_f32, for tests of the dispatched kernel. */
void dk_adamw_f32_reference(float *p, const float *g, float *m, float *v, size_t n, float decay, float step, float root,
                            float w1, float b2, float w2, float eps);

/* ---- gemm_small.c: the small products of attention (per batch and head), register-tiled ---- */
/** c[i*ldc + j] = (or += when accumulate) alpha * sum_p A(i, p) * b[p*ldb + j] for i < m, j < n, with
    A(i, p) = a[i*ars + p*acs] (so a transposed A is free) and B read by rows. */
void dk_gemm_small_f32(size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars, size_t acs, const float *b,
                       size_t ldb, float *c, size_t ldc, int accumulate);
/** dk_gemm_small_f32 with a given variant (DK_KERNEL_*; the caller checks the CPU has it), for tests and benches. */
void dk_gemm_small_f32_variant(int variant, size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars,
                               size_t acs, const float *b, size_t ldb, float *c, size_t ldc, int accumulate);
/** The portable C loop of dk_gemm_small_f32, for tests of the dispatched kernel. */
void dk_gemm_small_f32_reference(size_t m, size_t n, size_t k, float alpha, const float *a, size_t ars, size_t acs,
                                 const float *b, size_t ldb, float *c, size_t ldc, int accumulate);
/** dst[j*ldd + i] = src[i*lds + j] for i < rows, j < cols. */
void dk_transpose_f32(const float *src, size_t rows, size_t cols, size_t lds, float *dst, size_t ldd);

/* ---- quant.c: blockwise int8 ("Q8": 32 values per f32 scale, q in [-127, 127], x ~ scale * q) ---- */
#define DK_Q8_BLOCK 32
/** Quantize n values (n a multiple of DK_Q8_BLOCK): n/32 scales max|x|/127, values round(x/scale). */
void dk_quantize_q8(const float *x, size_t n, int8_t *q, float *scales);
/** Widen n blockwise-int8 values to f32: out = scale * q. */
void dk_dequantize_q8(const int8_t *q, const float *scales, size_t n, float *out);
/** y[r] = sum over blocks b of ws[r*ldw/32 + b] * xs[b] * sum_i W[r*ldw + 32b + i] * xq[32b + i], for r in
    [0, rows): int8 weights times a quantized input, exact integer block sums (cols, ldw multiples of 32). */
void dk_gemv_q8(const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs, float *y,
                size_t rows, size_t cols);
/** dk_gemv_q8's instruction-set variants; dk_q8_best_variant() is the one dk_gemv_q8 runs here. */
#define DK_Q8_SCALAR 0
#define DK_Q8_AVX2 1
#define DK_Q8_AVXVNNI 2
#define DK_Q8_AVX512VNNI 3
int dk_q8_best_variant(void);
/** dk_gemv_q8 with a given variant (the caller checks the CPU has it), for tests and benches. */
void dk_gemv_q8_variant(int variant, const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs,
                        float *y, size_t rows, size_t cols);
/** The portable C loop of dk_gemv_q8, for tests of the dispatched kernel. */
void dk_gemv_q8_reference(const int8_t *w, const float *ws, size_t ldw, const int8_t *xq, const float *xs,
                          float *y, size_t rows, size_t cols);

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

/* ---- vecmath.c: element-wise maps and reductions (f32; AVX-512 / AVX2+FMA / baseline clones) ----
   "y may alias x" holds for every map below (exact aliasing, not partial overlap). */
/** y = exp(x); 0 below -87.34, +inf above 88. */
void dk_exp_f32(const float *x, float *y, size_t n);
/** y = tanh(x), ~2 ulp. */
void dk_tanh_f32(const float *x, float *y, size_t n);
/** y = tanh(x / cap) * cap. */
void dk_softcap_f32(const float *x, float *y, size_t n, float cap);
/** dx = dy * (1 - (y / cap)^2), y the soft-cap output; dx may alias dy. */
void dk_softcap_backward_f32(const float *dy, const float *y, float *dx, size_t n, float cap);
/** y = gelu_tanh(x) (PyTorch approximate="tanh"). */
void dk_gelu_tanh_f32(const float *x, float *y, size_t n);
/** dx = dy * gelu_tanh'(x). */
void dk_gelu_tanh_backward_f32(const float *dy, const float *x, float *dx, size_t n);
/** h = gelu_tanh(gate) * up. */
void dk_geglu_f32(const float *gate, const float *up, float *h, size_t n);
/** dgate = dh * up * gelu_tanh'(gate), dup = dh * gelu_tanh(gate) (overwritten). */
void dk_geglu_backward_f32(const float *dh, const float *gate, const float *up, float *dgate, float *dup, size_t n);
/** x *= s. */
void dk_scale_f32(float *x, size_t n, float s);
/** y = a + b. */
void dk_add_f32(const float *a, const float *b, float *y, size_t n);
/** y += alpha * x. */
void dk_axpy_f32(float alpha, const float *x, float *y, size_t n);
/** y += alpha * a * b (element-wise). */
void dk_mul_acc_f32(float alpha, const float *a, const float *b, float *y, size_t n);
/** sum a[i] * b[i]. */
float dk_dot_f32(const float *a, const float *b, size_t n);
/** sum x[i]^2, blocks accumulated in double. */
double dk_sumsq_f32(const float *x, size_t n);
/** max x[i] (-inf when n == 0). */
float dk_max_f32(const float *x, size_t n);
/** sum exp(x[i] - shift), blocks accumulated in double; also stores the exponentials in y unless y is NULL. */
double dk_exp_sum_f32(const float *x, float shift, float *y, size_t n);
/** y = exp(x - shift) * scale. */
void dk_exp_shift_scale_f32(const float *x, float shift, float scale, float *y, size_t n);
/** Numerically stable softmax of one row. */
void dk_softmax_row_f32(const float *x, float *y, size_t n);
/** Softmax backward of one row: dx = y (dy - y.dy); dx may alias dy. */
void dk_softmax_backward_row_f32(const float *dy, const float *y, float *dx, size_t n);
/** Gemma RMSNorm of one row: y = x r (1 + w), r = 1/sqrt(mean(x^2) + eps); returns r. */
float dk_rmsnorm_f32(const float *x, const float *w, float *y, size_t dim, float eps);
/** A post-norm row added to the residual stream: y = residual + x r (1 + w); returns r. y may alias residual. */
float dk_rmsnorm_add_f32(const float *x, const float *w, const float *residual, float *y, size_t dim, float eps);
/** Gradient wrt x of one RMSNorm row given its saved r (dx overwritten, or added to when accumulate != 0), and
    when dw is non-null the row's share of the weight's gradient added to it: dw += r dy x. */
void dk_rmsnorm_backward_f32(const float *dy, const float *x, const float *w, float r, float *dx, size_t dim, int accumulate,
                             float *dw);

/* ---- attention.c: attention products for few queries ---- */
/** scores[r*lds + s] = scale * (q[r*ldq : +n] . k[s*ldk : +n]) for r < nq, s < nk. */
void dk_qk_scores_f32(const float *q, size_t ldq, size_t nq, const float *k, size_t ldk, size_t nk,
                      size_t n, float scale, float *scores, size_t lds);
/** out[r*ldo : +n] += sum_s p[r*ldp + s] * v[s*ldv : +n] for r < nq. */
void dk_pv_accumulate_f32(const float *p, size_t ldp, size_t nq, const float *v, size_t ldv, size_t nk,
                          size_t n, float *out, size_t ldo);

#ifdef __cplusplus
}
#endif
#endif
