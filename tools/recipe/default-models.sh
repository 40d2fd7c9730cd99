#!/usr/bin/env bash
# Duet's default models, end to end with Duet's own CLI (issue 20):
#   synthetic world data + a robustness set held out from training
#   -> a tokenizer: byte-level BPE whose alphabet holds every printable ASCII character (TOKENIZER=bpe, the
#      default), or one token per printable ASCII character (TOKENIZER=char)
#   -> decoder-only Gemma 3 pretraining (clm; ARCH=gemma2: Gemma 2, the architecture of the pair before 2026-12-07)
#   -> `duet adapt` to a balanced encoder-decoder (a T5Gemma 2 with merged attention; from Gemma 2: a T5Gemma
#      with cross-attention) -> continued pretraining with PrefixLM (and the same
#      PrefixLM budget for the decoder-only model)
#   -> SFT of BOTH architectures with the same data, steps and batch, for each SFT seed
#   -> held-out and robustness evaluation of every SFT run, paired comparisons, decode cost
#   -> bf16 copies of the first seed's models under assets/models (with --install).
#
# Usage: tools/recipe/default-models.sh OUT_DIR [--install] [--quick]
#   --quick    tiny budgets to check the plumbing in a few minutes (the models will not answer well)
#   --install  copy the two instruction-tuned models (bf16), their tables and both evaluation sets into assets/models
# Budgets can be overridden with environment variables (see the defaults below). The full recipe is sized for
# about 2.5 hours on 2 otherwise idle cores.
# The recipe is resumable: run the same command again after an interruption (Ctrl+C, a reboot) and it skips
# the stages whose outputs exist and continues an interrupted training run from its latest checkpoint
# (`duet train --resume`, bit-identical to an uninterrupted run). Keep OUT_DIR outside the work tree; use a new
# OUT_DIR to start over with other budgets.
set -euo pipefail
# The whole script is one brace group, parsed before it runs: editing this file while a recipe runs (bash
# reads scripts as it goes) cannot change or break the running recipe.
{

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
  : "${SIZE_MB:=2}" "${VOCAB:=1024}" "${PRESET:=tiny}" "${SEQ:=128}" "${SFT_TARGET_LEN:=64}" "${BATCH:=4}" "${SFT_SEEDS:=1 2}"
  : "${PRETRAIN_STEPS:=20}" "${PREFIX_STEPS:=10}" "${SFT_STEPS:=10}" "${EVAL_PER_TASK:=5}"
else
  : "${SIZE_MB:=24}" "${VOCAB:=1024}" "${PRESET:=mini}" "${SEQ:=256}" "${SFT_TARGET_LEN:=64}" "${BATCH:=8}" "${SFT_SEEDS:=1 2}"
  # 150 evaluation items per task (1350 per set): a ~2-point difference needs them (assets/models/README.md).
  : "${PRETRAIN_STEPS:=4000}" "${PREFIX_STEPS:=800}" "${SFT_STEPS:=3000}" "${EVAL_PER_TASK:=150}"
fi
: "${SEED:=1}" "${ARCH:=gemma3}" "${TOKENIZER:=bpe}" "${LR:=1e-3}" "${PREFIX_LR:=1e-3}" "${SFT_LR:=5e-4}" "${DB:=$out/recipe.sqlite}"
# DRILL_PERCENT > 0: that share of pretraining documents are arithmetic drills (lines of solved equations; not yet
# measured, see tools/recipe/README.md).
: "${DRILL_PERCENT:=0}"
# SHAPED_PERCENT > 0: that share of training list and text words are English-shaped made-up words ("flaskent"),
# whose tokens are the pieces real words are made of (not yet measured, see tools/recipe/README.md).
: "${SHAPED_PERCENT:=0}"
# TASK_WEIGHTS: space-separated TASK=N overrides of the task mix of the SFT chats and worked examples
# ("arithmetic=12"; defaults: arithmetic 3, passage_qa 4, copy 1, the others 2).
: "${TASK_WEIGHTS:=}"
weight_args=()
for w in $TASK_WEIGHTS; do weight_args+=(--task-weight "$w"); done
# DISTILL_WEIGHT > 0: the encoder-decoder's PrefixLM also learns the pretrained decoder-only model's top-32
# next-token probabilities with this weight (the paper's distillation; see assets/models/README.md for what it did).
: "${DISTILL_WEIGHT:=0}"
export DUET_HOME=${DUET_HOME:-$out/home}
# ARCH=gemma3: the decoder-only source is a Gemma 3 and `duet adapt` makes a T5Gemma 2 of it, whose decoder
# attends to the encoder and to itself in one softmax with the source's own projections (no new weights).
case "$ARCH" in
  gemma2) source_name="Gemma 2" adapted_name="T5Gemma" ;;
  gemma3) source_name="Gemma 3" adapted_name="T5Gemma 2" ;;
  *) echo "ARCH must be gemma2 or gemma3" >&2; exit 2 ;;
esac

mkdir -p "$out"
log() { printf '\n== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }
# The kernels decide the stage times: a log that says which were used explains a slow run.
log "$("$duet" version | grep 'blas core')"
latest() { echo "$1/$(cat "$1/latest")"; }
# train RUN_DIR SEED ARGS...: a new run, or the continuation of an interrupted one (a complete run is a no-op).
train() {
  local dir=$1 seed=$2; shift 2
  if [ -f "$dir/run.json" ]; then
    "$duet" train --db "$DB" --out "$dir" --resume
  else
    "$duet" train --db "$DB" --seed "$seed" --batch "$BATCH" --seq-len "$SEQ" --out "$dir" "$@"
  fi
}
# done_ FILE: true when a stage's output exists (the stage is skipped).
done_() { [ -e "$1" ] && echo "   (already done: $1)"; }
# evaluate MODEL NAME: held-out and robustness reports (JSON for `duet eval diff`, a table to read).
evaluate() {
  local model=$1 name=$2 set
  done_ "$out/robustness.jsonl" || "$duet" data robustness --out "$out/robustness.jsonl" --per-task "$EVAL_PER_TASK" --seed "$SEED"
  for set in heldout robustness; do
    local file=$out/data/eval.jsonl
    [ "$set" = robustness ] && file=$out/robustness.jsonl
    done_ "$out/eval/$name-$set.json" ||
      "$duet" eval tasks --model "$model" --eval "$file" --max-tokens 200 --show-failures 8 --report "$out/eval/$name-$set.json" \
        > "$out/eval/$name-$set.txt"
    echo "-- $name, $set"; head -12 "$out/eval/$name-$set.txt"
  done
}

log "data: synthetic world, ${SIZE_MB} MB, seed $SEED"
done_ "$out/data/stats.json" || "$duet" data synth --out "$out/data" --size-mb "$SIZE_MB" --seed "$SEED" --eval-per-task "$EVAL_PER_TASK" \
  --arithmetic-drill-percent "$DRILL_PERCENT" --english-shaped-percent "$SHAPED_PERCENT" ${weight_args[@]+"${weight_args[@]}"}

# BPE whose alphabet holds every printable ASCII character, so that a name no training file has ("Ysolde")
# is spelled with letters, not bytes. TOKENIZER=char gives one token per character instead (see
# assets/models/README.md: at this budget it had not learned to copy).
log "tokenizer: $TOKENIZER, vocabulary $VOCAB"
if [ "$TOKENIZER" = char ]; then shape=(--max-token-length 1); else shape=(); fi
done_ "$out/tokenizer/tokenizer.json" || "$duet" tokenizer train --data "$out/data/pretrain.txt" --vocab-size "$VOCAB" \
  "${shape[@]}" --alphabet ascii --character-coverage 1.0 --out "$out/tokenizer"

log "decoder-only $source_name ($PRESET), random init"
done_ "$out/init/model.safetensors" || "$duet" init --arch "$ARCH" --preset "$PRESET" --tokenizer "$out/tokenizer" --dtype f32 --seed "$SEED" --out "$out/init"

log "pretraining (clm), $PRETRAIN_STEPS steps"
train "$out/runs/pretrain" "$SEED" --model "$out/init" --objective clm --data "$out/data/pretrain.txt" \
  --steps "$PRETRAIN_STEPS" --lr "$LR" --warmup $((PRETRAIN_STEPS / 20 + 1)) --eval-every $((PRETRAIN_STEPS / 10 + 1)) \
  --checkpoint-every $((PRETRAIN_STEPS / 4 + 1)) --name pretrain
pretrained=$(latest "$out/runs/pretrain")

log "adaptation: balanced encoder-decoder from $pretrained"
done_ "$out/adapted/model.safetensors" || "$duet" adapt --from "$pretrained" --out "$out/adapted"

distill=()
[ "$DISTILL_WEIGHT" != 0 ] && distill=(--distill-from "$pretrained" --distill-weight "$DISTILL_WEIGHT" --distill-topk 32)
log "continued pretraining of the encoder-decoder (prefixlm${distill:+, distillation weight $DISTILL_WEIGHT}), $PREFIX_STEPS steps"
train "$out/runs/prefixlm" "$SEED" --model "$out/adapted" --objective prefixlm --data "$out/data/pretrain.txt" \
  --steps "$PREFIX_STEPS" --lr "$PREFIX_LR" --warmup $((PREFIX_STEPS / 20 + 1)) --checkpoint-every $((PREFIX_STEPS / 2 + 1)) \
  "${distill[@]}" --name prefixlm
adapted=$(latest "$out/runs/prefixlm")

# The decoder-only model gets the same extra pretraining budget, so the SFT comparison is fair.
log "continued pretraining of the decoder-only model (prefixlm baseline), $PREFIX_STEPS steps"
train "$out/runs/prefixlm-dec" "$SEED" --model "$pretrained" --objective prefixlm --data "$out/data/pretrain.txt" \
  --steps "$PREFIX_STEPS" --lr "$PREFIX_LR" --warmup $((PREFIX_STEPS / 20 + 1)) --checkpoint-every $((PREFIX_STEPS / 2 + 1)) \
  --name prefixlm-decoder-only
decoder=$(latest "$out/runs/prefixlm-dec")

mkdir -p "$out/eval"
for seed in $SFT_SEEDS; do
  for arch in dec encdec; do
    base=$([ "$arch" = dec ] && echo "$decoder" || echo "$adapted")
    log "SFT ($arch, seed $seed), $SFT_STEPS steps"
    # Encoder-decoder rows: the prompt in the encoder (--seq-len), the reply in a shorter decoder row.
    targets=$([ "$arch" = dec ] && echo "" || echo "--target-len $SFT_TARGET_LEN")
    # shellcheck disable=SC2086
    train "$out/runs/sft-$arch-$seed" "$seed" --model "$base" --objective sft --data "$out/data/sft.jsonl" $targets \
      --steps "$SFT_STEPS" --lr "$SFT_LR" --warmup $((SFT_STEPS / 20 + 1)) --checkpoint-every $((SFT_STEPS / 2 + 1)) \
      --name "sft-$arch-$seed"
    log "evaluation ($arch, seed $seed)"
    evaluate "$(latest "$out/runs/sft-$arch-$seed")" "$arch-$seed"
  done
done

log "encoder-decoder against decoder-only, every SFT seed pooled (paired bootstrap over items)"
for set in heldout robustness; do
  a=() b=()
  for seed in $SFT_SEEDS; do a+=(--a "$out/eval/encdec-$seed-$set.json"); b+=(--b "$out/eval/dec-$seed-$set.json"); done
  "$duet" eval diff "${a[@]}" "${b[@]}" --name-a encoder-decoder --name-b decoder-only | tee "$out/eval/diff-$set.txt"
done

first=${SFT_SEEDS%% *}
log "decode cost (1 thread, 128-token prompt)"
for arch in dec encdec; do
  done_ "$out/eval/bench-$arch.txt" ||
    { "$duet" bench generate --model "$(latest "$out/runs/sft-$arch-$first")" --prompt-tokens 128 --tokens 32 --runs 5 --threads 1 \
        > "$out/eval/bench-$arch.txt.tmp" && mv "$out/eval/bench-$arch.txt.tmp" "$out/eval/bench-$arch.txt"; }
  cat "$out/eval/bench-$arch.txt"
done

if [ "$install" = 1 ]; then
  log "installing bf16 models (SFT seed $first) into assets/models"
  dest=$here/assets/models
  mkdir -p "$dest"
  # duet_model.json: where the weights came from (the Models screen shows it).
  provenance() { printf '{\n  "createdBy" : "%s",\n  "weights" : "trained"\n}\n' "$2" > "$1/duet_model.json"; }
  for arch in dec encdec; do
    if [ "$arch" = dec ]; then
      name=duet-$PRESET-it
      made="$source_name $PRESET, clm $PRETRAIN_STEPS + prefixlm $PREFIX_STEPS + SFT $SFT_STEPS steps (seed $first)"
    else
      name=duet-$PRESET-$PRESET-it
      made="$adapted_name $PRESET-$PRESET adapted from $source_name $PRESET (clm $PRETRAIN_STEPS), prefixlm $PREFIX_STEPS + SFT $SFT_STEPS steps (seed $first)"
    fi
    rm -rf "$dest/$name"
    "$duet" convert "$(latest "$out/runs/sft-$arch-$first")" "$dest/$name" --dtype bf16
    provenance "$dest/$name" "tools/recipe/default-models.sh: $made"
    # The bundled bf16 model's own tables; short held-out prompts it answers become an empty chat's suggestions.
    log "evaluation of the bundled $name"
    "$duet" eval tasks --model "$dest/$name" --eval "$out/data/eval.jsonl" --max-tokens 200 --record-examples 4 > "$dest/eval-$name.txt"
    "$duet" eval tasks --model "$dest/$name" --eval "$out/robustness.jsonl" --max-tokens 200 > "$dest/robustness-$name.txt"
    cat "$dest/eval-$name.txt" "$dest/robustness-$name.txt"
  done
  cp "$out/data/eval.jsonl" "$dest/heldout-eval.jsonl"
  cp "$out/robustness.jsonl" "$dest/robustness-eval.jsonl"
fi
log "done: $out (eval/*.txt, eval/diff-*.txt, eval/bench-*.txt)"
exit
}
