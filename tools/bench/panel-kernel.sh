#!/usr/bin/env bash
# The bf16 panel kernel against OpenBLAS sgemm on Gemma 2 2B's projection shapes, interleaved in one run
# (tools/bench/panel_kernel.c says what is measured). Optionally a candidate kernel beside them: a C file
# defining `variant_gemm_bf16_panels` with dk_gemm_bf16_panels's signature; its output is checked against
# the committed kernel's.
#
#   tools/bench/panel-kernel.sh [THREADS] [ROUNDS] [VARIANT.c]     e.g. tools/bench/panel-kernel.sh 2 9
#
# Needs clang (the Swift toolchain's) and OpenBLAS (libopenblas-dev). Nothing else should run meanwhile.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
threads=${1:-2} rounds=${2:-7} variant=${3:-}
bin=$(mktemp -d)/panel-kernel
trap 'rm -rf "$(dirname "$bin")"' EXIT
kernels=$here/Sources/CKernels
extra=()
[ -n "$variant" ] && extra=(-DVARIANT "$variant")
clang -O3 -fno-math-errno -fno-trapping-math -I"$kernels/include" -I"$kernels" "$here/tools/bench/panel_kernel.c" \
  "$kernels/gemm_panels.c" "$kernels/gemm_panels_avx512.c" "$kernels/cpu.c" "${extra[@]}" -lopenblas -lpthread -lm -o "$bin"
# sgemm with the kernels Duet selects (Sources/Engine/Numerics/BLASKernels.swift): the widest the CPU runs.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  has() { grep -m1 '^flags' /proc/cpuinfo | grep -qw "$1"; }
  if has avx512f && has avx512bw; then
    if has avx512_bf16; then export OPENBLAS_CORETYPE=Cooperlake; else export OPENBLAS_CORETYPE=SkylakeX; fi
  fi
fi
echo "sgemm kernels: ${OPENBLAS_CORETYPE:-as OpenBLAS detects}"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" "$threads" "$rounds"
