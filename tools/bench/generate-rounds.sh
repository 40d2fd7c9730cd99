#!/usr/bin/env bash
# Prompt and decode speed of one or more models against the machine's own ceilings, interleaved over rounds
# in one run (each round runs every model once, so all see the same machine load), with min / median / max of:
# the prompt pass (encode or prefill) as a fraction of the same-run sgemm peak, and decode as a fraction of
# the same-run memory-bandwidth bound. On a shared or noisy machine a single `duet bench generate` can be
# 20-30% off either way; the median of several rounds is the figure to quote.
#
#   tools/bench/generate-rounds.sh [ROUNDS] MODEL_DIR... [-- BENCH_OPTIONS...]
#   e.g. tools/bench/generate-rounds.sh 5 /tmp/g2b-panels /tmp/t5g2b-panels -- --prompt-tokens 512 --tokens 8
#
# Needs a release build (swift build -c release --product duet).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
models=() options=()
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then shift; options=("$@"); break; fi
  models+=("$1"); shift
done
[ ${#models[@]} -gt 0 ] || models=(assets/models/duet-mini-it assets/models/duet-mini-mini-it)
duet=${DUET:-.build/release/duet}
echo "rounds $rounds; load average $(cut -d' ' -f1-3 /proc/loadavg); options: ${options[*]:-(defaults)}"
stats() { sort -g | awk '{v[NR]=$1} END {printf "%.2f / %.2f / %.2f", v[1], v[int((NR+1)/2)], v[NR]}'; }
declare -A prompt decode
for ((r = 1; r <= rounds; r++)); do
  for model in "${models[@]}"; do
    out=$("$duet" bench generate --model "$model" --runs 1 "${options[@]}")
    prompt[$model]+="$(sed -n 's/^prompt FLOP\/s: .*= \([0-9.]*\) of the sgemm peak.*/\1/p' <<<"$out") "
    decode[$model]+="$(sed -n 's/^decode \/ bound: *\([0-9.]*\).*/\1/p' <<<"$out") "
  done
done
for model in "${models[@]}"; do
  printf '%s: prompt / sgemm peak %s, decode / bandwidth bound %s (min / median / max of %d)\n' "$(basename "$model")" \
    "$(tr ' ' '\n' <<<"${prompt[$model]}" | sed '/^$/d' | stats)" "$(tr ' ' '\n' <<<"${decode[$model]}" | sed '/^$/d' | stats)" "$rounds"
done
