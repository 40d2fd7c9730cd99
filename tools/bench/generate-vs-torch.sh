#!/usr/bin/env bash
# Inference speed of Duet against PyTorch on the same model directories, interleaved over rounds in one
# run (so both see the same machine load): prompt time (prefill, or the encoder pass), time to first
# token and greedy decode tok/s, min / median / max of each and the ratio of medians.
#
#   tools/bench/generate-vs-torch.sh [ROUNDS] [MODEL_DIR...]
#
# Needs a release build (swift build -c release --product duet) and a Python with torch and
# transformers (PYTHON=..., default python3; see tools/golden/README.md for the venv).
# PROMPT (default 128) and TOKENS (default 32) set the request; THREADS the threads of both;
# TORCH_DTYPE=float32 loads PyTorch's copy in f32 (default: the file's dtype, as Duet reads it).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(assets/models/duet-mini-it assets/models/duet-mini-mini-it)
python=${PYTHON:-python3}
duet=.build/release/duet
threads=${THREADS:-$(nproc)}
prompt=${PROMPT:-128}
tokens=${TOKENS:-32}
echo "threads $threads; prompt $prompt tokens, $tokens generated; load average $(cut -d' ' -f1-3 /proc/loadavg)"
stats() { sort -g | awk '{v[NR]=$1} END {printf "%.1f %.1f %.1f", v[1], v[int((NR+1)/2)], v[NR]}'; }
line() {  # name, unit, duet values, torch values, "higher" or "lower" is better
  read -r dmin dmed dmax <<<"$(printf '%s\n' $3 | stats)"
  read -r tmin tmed tmax <<<"$(printf '%s\n' $4 | stats)"
  if [ "$5" = higher ]; then ratio=$(echo "$dmed / $tmed" | bc -l); else ratio=$(echo "$tmed / $dmed" | bc -l); fi
  printf '  %-15s Duet %s / %s / %s %s, PyTorch %s / %s / %s %s; Duet %.2fx as fast\n' \
    "$1" "$dmin" "$dmed" "$dmax" "$2" "$tmin" "$tmed" "$tmax" "$2" "$ratio"
}
for model in "${models[@]}"; do
  dp=""; dt=""; dd=""; tp=""; tt=""; td=""
  for ((r = 1; r <= rounds; r++)); do
    out=$($duet bench generate --threads "$threads" --model "$model" --prompt-tokens "$prompt" --tokens "$tokens" --runs 3)
    # The prompt's time: the encoder pass of an encoder-decoder model, else the prefill.
    p=$(echo "$out" | sed -n 's/^encode: *[0-9]* tokens in \([0-9.]*\) ms.*/\1/p')
    [ -n "$p" ] || p=$(echo "$out" | sed -n 's/^prefill: *[0-9]* tokens in \([0-9.]*\) ms.*/\1/p')
    dp+=" $p"
    dt+=" $(echo "$out" | sed -n 's/^time to first: *\([0-9.]*\) ms.*/\1/p')"
    dd+=" $(echo "$out" | sed -n 's/^decode: *\([0-9.]*\) tok\/s.*/\1/p')"
    json=$("$python" tools/bench/torch_generate.py "$model" --threads "$threads" --prompt-tokens "$prompt" --tokens "$tokens" \
      --dtype "${TORCH_DTYPE:-file}" 2>/dev/null)
    tp+=" $(echo "$json" | sed -n 's/.*"prompt_ms": \([0-9.e+-]*\).*/\1/p')"
    tt+=" $(echo "$json" | sed -n 's/.*"time_to_first_ms": \([0-9.e+-]*\).*/\1/p')"
    td+=" $(echo "$json" | sed -n 's/.*"decode_tokens_per_second": \([0-9.e+-]*\).*/\1/p')"
  done
  dtype=$(echo "$json" | sed -n 's/.*"dtype": "\([^"]*\)".*/\1/p')
  echo "$(basename "$model") (min / median / max of $rounds rounds; PyTorch in ${dtype:-?}, the file's dtype unless TORCH_DTYPE):"
  line "prompt" "ms" "$dp" "$tp" lower
  line "time to first" "ms" "$dt" "$tt" lower
  line "decode" "tok/s" "$dd" "$td" higher
done
