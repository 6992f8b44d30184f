#!/usr/bin/env bash
# Fuzzes the YAML reader, the CSV reader and whole scenarios with libFuzzer (clang, with ASan and
# UBSan), seeded from the bundled scenarios and the fuzz corpus. CI runs each target briefly;
# for a longer hunt: scripts/fuzz.sh 3600 (seconds per target).
# Every crash or hang found is saved as fuzz-out/crash-*; turn it into a test, then fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
scripts/install-deps.sh
build=build-fuzz
CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCXSIM_FUZZ=ON -DCXSIM_BUILD_TESTS=OFF -DCXSIM_PYTHON=OFF \
  -DCXSIM_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target yaml_fuzz csv_fuzz scenario_fuzz variant_writer_fuzz
mkdir -p fuzz-out
for target in yaml_fuzz csv_fuzz scenario_fuzz variant_writer_fuzz; do
  corpus="$build/corpus-$target"
  mkdir -p "$corpus"
  case "$target" in
    csv_fuzz) cp scenarios/*/*.csv fuzz/corpus/*.csv "$corpus"/ 2>/dev/null || true ;;
    *) cp scenarios/*/*.yaml fuzz/corpus/*.yaml "$corpus"/ 2>/dev/null || true ;;
  esac
  echo "fuzzing $target for ${seconds}s" >&2
  ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 \
    "$build/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=fuzz-out/ -print_final_stats=1 "$corpus" 2>&1 | tail -n 3
done
echo "fuzzing found nothing" >&2
