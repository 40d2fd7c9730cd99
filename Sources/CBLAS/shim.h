#ifndef DUET_CBLAS_SHIM_H
#define DUET_CBLAS_SHIM_H
/* Debian's multiarch include dir resolves <cblas.h> to OpenBLAS's header (libopenblas-dev). */
#include <cblas.h>
/* OpenBLAS extensions (declared in OpenBLAS's cblas.h; repeated here so other BLAS headers work). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
#endif
