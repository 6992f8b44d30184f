#!/usr/bin/env bash
# The parallel engines under ThreadSanitizer (CI runs it after scripts/sanitize.sh): the Monte
# Carlo engine, the paired comparison and the exact solver's parallel quadrature.
# Builds into build-tsan/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=build-tsan
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCXSIM_BUILD_BENCH=OFF \
  -DCMAKE_CXX_FLAGS="-O1 -g -fsanitize=thread" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target monte_carlo_test comparison_test exact_solver_test engine_agreement_test
cd "$build"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  ctest --output-on-failure --parallel "$(nproc)" --timeout 900 \
  -R "^(MonteCarlo|PairedComparison|ExactSolver|EngineAgreement)\."
