#!/usr/bin/env bash
# Coverage-guided fuzzing of one of Duet's file parsers with libFuzzer (see tools/fuzz/README.md).
#
#   tools/fuzz/run.sh FORMAT [SECONDS] [extra libFuzzer flags...]
#   tools/fuzz/run.sh FORMAT --replay CRASH_FILE     # run one input (reproduce a finding)
#
# FORMAT: safetensors npy config generation spm tokenizer-json tokenizer-config jsonl eval toml
#
# Builds Engine (release, -sanitize=fuzzer,address, -enable-testing) into .build-libfuzzer, separate
# from every other build, and links tools/fuzz/Harness.swift against it. The normal
# `swift build --build-tests` never sees any of this.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$PWD
format=${1:?usage: tools/fuzz/run.sh FORMAT [SECONDS] [libFuzzer flags...]}
shift
scratch=$root/.build-libfuzzer
work=$scratch/fuzz
out=$work/duet-fuzz

case $format in
  safetensors|npy|config|generation|spm|tokenizer-json|tokenizer-config|jsonl|eval|toml) ;;
  *) echo "unknown format $format" >&2; exit 2 ;;
esac

# 1. Engine with coverage instrumentation (incremental after the first run).
swift build -c release --target Engine --scratch-path "$scratch" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing >&2
rel=$scratch/release

# 2. The harness, linked against Engine's objects and the C kernels. ConfigFile.swift (config.toml) is
#    compiled in directly: it lives in the TUI executable, which cannot be linked into another binary.
mkdir -p "$work"
if [ ! -x "$out" ] || [ -n "$(find "$rel/Engine.build" tools/fuzz/Harness.swift Sources/TUI/App/ConfigFile.swift -newer "$out" -name '*.o' -o -newer "$out" -name '*.swift' | head -1)" ]; then
  swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name DuetFuzz \
    -I "$rel/Modules" -Xcc -fmodule-map-file="$rel/CKernels.build/module.modulemap" \
    -Xcc -fmodule-map-file="$root/Sources/CBLAS/module.modulemap" -I "$root/Sources/CKernels/include" \
    tools/fuzz/Harness.swift Sources/TUI/App/ConfigFile.swift \
    "$rel"/Engine.build/*.o "$rel"/CKernels.build/*.o -lopenblas -lm -o "$out" >&2
fi

# 3. Seeds: the same committed files the deterministic fuzz tests start from.
corpus=$work/corpus-$format
mkdir -p "$corpus"
seed() { for f in "$@"; do [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done; }
case $format in
  safetensors) seed Tests/Fixtures/checkpoints/writer-reference.safetensors Tests/Fixtures/models/gemma2-mha/model.safetensors ;;
  npy) seed Tests/Fixtures/checkpoints/reference/*.npy ;;
  config) seed Tests/Fixtures/models/*/config.json Tests/Fixtures/checkpoints/*/config.json assets/models/*/config.json ;;
  generation) seed Tests/Fixtures/models/*/generation_config.json assets/models/*/generation_config.json ;;
  spm) seed Tests/Fixtures/tokenizers/features/*.model ;;
  tokenizer-json) seed Tests/Fixtures/tokenizers/features/bytelevel.json Tests/Fixtures/tokenizers/features/wordsplit.json \
                      Tests/Fixtures/tokenizers/duet-trained/tokenizer.json ;;
  tokenizer-config) seed Tests/Fixtures/tokenizers/*/tokenizer_config.json assets/models/*/tokenizer_config.json ;;
  jsonl|eval) head -c 3000 assets/models/heldout-eval.jsonl > "$corpus/seed-heldout.jsonl" ;;
  toml) printf '[keys]\napp.palette = "ctrl+k"  # c\n"screen.chat" = ["f6", "alt+c"]\n[t]\nx = 1_000\ny = 0.5e-3\nz = [true, [1, "\\u00e9"]]\n' > "$corpus/seed.toml" ;;
esac

export DUET_FUZZ_FORMAT=$format
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0}
if [ "${1:-}" = "--replay" ]; then
  exec "$out" "${2:?--replay needs a file}"
fi
seconds=${1:-60}
shift || true
mkdir -p "$work/artifacts"
# Findings: a crash, an input over 1 s (-timeout), a single malloc over 1 GB (-malloc_limit_mb) or
# 2 GB of RSS; libFuzzer writes the input to $work/artifacts/.
exec "$out" "$corpus" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
  -max_len=262144 -artifact_prefix="$work/artifacts/$format-" -print_final_stats=1 "$@"
