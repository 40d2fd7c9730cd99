#ifndef DUET_CKERNELS_PANEL_LAYOUT_H
#define DUET_CKERNELS_PANEL_LAYOUT_H
/* The bf16 panel layout and blocking that gemm_panels.c and gemm_panels_avx512.c share (internal). */
#include <stddef.h>
#include <stdint.h>

#define PANEL 16
/* k-block: a panel's slice (KC x 16 bf16 = 8 KB) and a tile's input rows stay in L1. */
#define KC 256
/* Rows per M-block: the input block (MC x KC f32 = 96 KB) stays in L2 while the panels pass. */
#define MC 96

#endif
