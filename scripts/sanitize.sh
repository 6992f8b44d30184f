#!/usr/bin/env bash
# The test suite again under AddressSanitizer and UndefinedBehaviorSanitizer (CI runs it after
# scripts/test.sh). Builds into build-sanitize/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
build=build-sanitize
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCXSIM_BUILD_BENCH=OFF -DCXSIM_JEMALLOC=OFF -DCXSIM_PYTHON=OFF \
  -DCMAKE_CXX_FLAGS="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
cd "$build"
# print_suppressions=0: tests that read a command's standard error must see only its own lines,
# not the statistics of the leaks suppressed in Graphviz and fontconfig.
# The pages' own tests in Chromium (*InChromium) ran in scripts/test.sh; here they would add
# minutes of Chromium and no C++ the report and studio tests (CliReport.*, StudioApi) do not run.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 LSAN_OPTIONS="suppressions=$PWD/../scripts/lsan.supp:print_suppressions=0" \
  ctest --output-on-failure --parallel "$(nproc)" --timeout 900 --exclude-regex 'InChromium$'
