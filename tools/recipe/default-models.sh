#!/usr/bin/env bash
# Duet's default models, end to end with Duet's own CLI (issue: bundled data and default models):
#   synthetic world data -> BPE tokenizer -> decoder-only Gemma 2 pretraining (clm)
#   -> `duet adapt` to a balanced encoder-decoder -> continued pretraining with PrefixLM
#   -> SFT of BOTH architectures with the same budget -> held-out task evaluation of both
#   -> bf16 copies under assets/models (with --install).
#
# Usage: tools/recipe/default-models.sh OUT_DIR [--install] [--quick]
#   --quick    tiny budgets to check the plumbing in a minute or two (models will not answer well)
#   --install  copy the two instruction-tuned models (bf16) and the eval table into assets/models
# Budgets can be overridden with environment variables (see the defaults below). The full recipe is
# sized for about 2 hours on 2 cores; run it on an otherwise idle machine.
# The recipe is resumable: run the same command again after an interruption (Ctrl+C, a reboot) and it
# skips the stages whose outputs exist and continues an interrupted training run from its latest
# checkpoint (`duet train --resume`, bit-identical to an uninterrupted run). Use a new OUT_DIR to
# start over with different budgets.
set -euo pipefail

out=${1:?usage: default-models.sh OUT_DIR [--install] [--quick]}
shift
install=0 quick=0
for arg in "$@"; do
  case "$arg" in
    --install) install=1 ;;
    --quick) quick=1 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")/../.." && pwd)
duet=${DUET:-$here/.build/release/duet}
[ -x "$duet" ] || { echo "build duet first: swift build -c release --product duet" >&2; exit 1; }

if [ "$quick" = 1 ]; then
  : "${SIZE_MB:=1}" "${VOCAB:=1024}" "${PRESET:=tiny}" "${SEQ:=128}" "${BATCH:=4}"
  : "${PRETRAIN_STEPS:=20}" "${PREFIX_STEPS:=10}" "${SFT_STEPS:=10}" "${EVAL_PER_TASK:=5}"
else
  : "${SIZE_MB:=20}" "${VOCAB:=4096}" "${PRESET:=mini}" "${SEQ:=256}" "${BATCH:=8}"
  : "${PRETRAIN_STEPS:=2500}" "${PREFIX_STEPS:=600}" "${SFT_STEPS:=1000}" "${EVAL_PER_TASK:=50}"
fi
: "${SEED:=1}" "${LR:=1e-3}" "${SFT_LR:=3e-4}" "${DB:=$out/recipe.sqlite}"

mkdir -p "$out"
log() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }
latest() { echo "$1/$(cat "$1/latest")"; }
# train RUN_DIR ARGS...: a new run, or the continuation of an interrupted one (a complete run is a no-op).
train() {
  local dir=$1; shift
  if [ -f "$dir/run.json" ]; then
    "$duet" train --db "$DB" --out "$dir" --resume
  else
    "$duet" train --db "$DB" --seed "$SEED" --batch "$BATCH" --seq-len "$SEQ" --out "$dir" "$@"
  fi
}
# done FILE: true when a stage's output exists (the stage is skipped).
done_() { [ -e "$1" ] && echo "   (already done: $1)"; }

log "data: synthetic world, ${SIZE_MB} MB, seed $SEED"
done_ "$out/data/stats.json" || "$duet" data synth --out "$out/data" --size-mb "$SIZE_MB" --seed "$SEED" --eval-per-task "$EVAL_PER_TASK"

log "tokenizer: BPE, vocab $VOCAB"
done_ "$out/tokenizer/tokenizer.json" || "$duet" tokenizer train --data "$out/data/pretrain.txt" --vocab-size "$VOCAB" --out "$out/tokenizer"

log "decoder-only Gemma 2 ($PRESET), random init"
done_ "$out/init/model.safetensors" || "$duet" init --preset "$PRESET" --tokenizer "$out/tokenizer" --dtype f32 --seed "$SEED" --out "$out/init"

log "pretraining (clm), $PRETRAIN_STEPS steps"
train "$out/runs/pretrain" --model "$out/init" --objective clm --data "$out/data/pretrain.txt" \
  --steps "$PRETRAIN_STEPS" --lr "$LR" --warmup $((PRETRAIN_STEPS / 20 + 1)) --eval-every $((PRETRAIN_STEPS / 10 + 1)) \
  --checkpoint-every $((PRETRAIN_STEPS / 4 + 1)) --name pretrain
pretrained=$(latest "$out/runs/pretrain")

log "adaptation: balanced encoder-decoder from $pretrained"
done_ "$out/adapted/model.safetensors" || "$duet" adapt --from "$pretrained" --out "$out/adapted"

log "continued pretraining of the encoder-decoder (prefixlm), $PREFIX_STEPS steps"
train "$out/runs/prefixlm" --model "$out/adapted" --objective prefixlm --data "$out/data/pretrain.txt" \
  --steps "$PREFIX_STEPS" --lr "$LR" --warmup $((PREFIX_STEPS / 20 + 1)) --checkpoint-every $((PREFIX_STEPS / 2 + 1)) \
  --name prefixlm
adapted=$(latest "$out/runs/prefixlm")

# The decoder-only model gets the same extra pretraining budget, so the SFT comparison is fair.
log "continued pretraining of the decoder-only model (prefixlm baseline), $PREFIX_STEPS steps"
train "$out/runs/prefixlm-dec" --model "$pretrained" --objective prefixlm --data "$out/data/pretrain.txt" \
  --steps "$PREFIX_STEPS" --lr "$LR" --warmup $((PREFIX_STEPS / 20 + 1)) --checkpoint-every $((PREFIX_STEPS / 2 + 1)) \
  --name prefixlm-decoder-only
decoder=$(latest "$out/runs/prefixlm-dec")

for arch in dec encdec; do
  base=$([ "$arch" = dec ] && echo "$decoder" || echo "$adapted")
  log "SFT ($arch), $SFT_STEPS steps"
  train "$out/runs/sft-$arch" --model "$base" --objective sft --data "$out/data/sft.jsonl" \
    --steps "$SFT_STEPS" --lr "$SFT_LR" --warmup $((SFT_STEPS / 20 + 1)) --checkpoint-every $((SFT_STEPS / 2 + 1)) \
    --name "sft-$arch"
  log "evaluation ($arch) on held-out tasks"
  done_ "$out/eval-$arch.txt" ||
    { "$duet" eval tasks --model "$(latest "$out/runs/sft-$arch")" --eval "$out/data/eval.jsonl" --show-failures 5 \
        > "$out/eval-$arch.txt.tmp" && mv "$out/eval-$arch.txt.tmp" "$out/eval-$arch.txt"; }
  cat "$out/eval-$arch.txt"
done

if [ "$install" = 1 ]; then
  log "installing bf16 models into assets/models"
  dest=$here/assets/models
  mkdir -p "$dest"
  # duet_model.json: where the weights came from (the Models screen shows it).
  provenance() { printf '{\n  "createdBy" : "%s",\n  "weights" : "trained"\n}\n' "$2" > "$1/duet_model.json"; }
  for arch in dec encdec; do
    if [ "$arch" = dec ]; then
      name=duet-$PRESET-it
      made="Gemma 2 $PRESET, clm $PRETRAIN_STEPS + prefixlm $PREFIX_STEPS + SFT $SFT_STEPS steps"
    else
      name=duet-$PRESET-$PRESET-it
      made="T5Gemma $PRESET-$PRESET adapted from Gemma 2 $PRESET (clm $PRETRAIN_STEPS), prefixlm $PREFIX_STEPS + SFT $SFT_STEPS steps"
    fi
    "$duet" convert "$(latest "$out/runs/sft-$arch")" "$dest/$name" --dtype bf16
    provenance "$dest/$name" "tools/recipe/default-models.sh: $made"
    # The bundled bf16 model's own table; short held-out prompts it answers become an empty chat's suggestions.
    log "evaluation of the bundled $name"
    "$duet" eval tasks --model "$dest/$name" --eval "$out/data/eval.jsonl" --record-examples 4 > "$dest/eval-$name.txt"
    cat "$dest/eval-$name.txt"
  done
  cp "$out/data/eval.jsonl" "$dest/heldout-eval.jsonl"
fi
log "done: $out (eval-dec.txt, eval-encdec.txt)"
