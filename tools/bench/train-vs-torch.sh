#!/usr/bin/env bash
# Training speed of Duet against PyTorch on the same model directories, interleaved over rounds in one
# run (so both see the same machine load), with min / median / max of each and the ratio of medians.
#
#   tools/bench/train-vs-torch.sh [ROUNDS] [MODEL_DIR...]
#
# Needs a release build (swift build -c release --product duet) and a Python with torch and
# transformers (PYTHON=..., default python3; see tools/golden/README.md for the venv).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(assets/models/duet-mini-it assets/models/duet-mini-mini-it)
python=${PYTHON:-python3}
duet=.build/release/duet
threads=${THREADS:-$(nproc)}
echo "threads $threads; load average $(cut -d' ' -f1-3 /proc/loadavg); $($duet version | grep 'blas core')"
stats() { sort -n | awk '{v[NR]=$1} END {printf "%.0f %.0f %.0f", v[1], v[int((NR+1)/2)], v[NR]}'; }
for model in "${models[@]}"; do
  d=(); t=()
  for ((r = 1; r <= rounds; r++)); do
    d+=("$($duet bench train --threads "$threads" --model "$model" --steps 5 --json | sed -n 's/.*"tokens_per_second":\([0-9.]*\).*/\1/p')")
    t+=("$("$python" tools/bench/torch_train.py "$model" --threads "$threads" --steps 5 2>/dev/null | sed -n 's/.*"tokens_per_second": \([0-9.]*\).*/\1/p')")
  done
  read -r dmin dmed dmax <<<"$(printf '%s\n' "${d[@]}" | stats)"
  read -r tmin tmed tmax <<<"$(printf '%s\n' "${t[@]}" | stats)"
  printf '%s: Duet %s / %s / %s tok/s, PyTorch %s / %s / %s tok/s (min / median / max of %d), Duet / PyTorch %.2fx\n' \
    "$(basename "$model")" "$dmin" "$dmed" "$dmax" "$tmin" "$tmed" "$tmax" "$rounds" "$(echo "$dmed / $tmed" | bc -l)"
done
