#!/usr/bin/env bash
# The engine's tests under ThreadSanitizer (CI runs it after scripts/sanitize.sh): the Monte
# Carlo engine, paired comparisons, the exact solver (quadrature nodes and factorisations in
# parallel), sensitivity, and the bundled scenarios, on 2 threads and more. Debian's libtbb is
# not built with ThreadSanitizer: sim/parallel.hpp states the hand-overs TBB makes and
# scripts/tsan.supp suppresses races inside TBB's own code, and tests/tsan_canary.cpp checks
# first that a race planted in each kind of parallel loop is still reported.
# Builds into build-tsan/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
build=build-tsan
engine_tests=(monte_carlo_test comparison_test exact_solver_test attribution_test engine_agreement_test
              sensitivity_test bundled_scenarios_test)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCXSIM_BUILD_BENCH=OFF -DCXSIM_JEMALLOC=OFF -DCXSIM_PYTHON=OFF \
  -DCXSIM_MPI=OFF -DCMAKE_CXX_FLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=thread" >/dev/null
cmake --build "$build" --parallel "$(nproc)" --target tsan_canary "${engine_tests[@]}"
export TSAN_OPTIONS="halt_on_error=0 history_size=7 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp"
# ThreadSanitizer needs the address layout it was built for; some kernels randomise mappings
# beyond it, so run without address randomisation.
run() { setarch "$(uname -m)" -R "$@"; }

for loop in for_each deterministic_reduce invoke; do
  log=$(mktemp)
  if run "$build/tests/tsan_canary" "$loop" >"$log" 2>&1 || ! grep -q "data race.*tsan_canary.cpp" "$log"; then
    cat "$log"
    echo "tsan.sh: the race planted in parallel::$loop was not reported; the checks below would prove nothing" >&2
    exit 1
  fi
  rm -f "$log"
done
echo "tsan.sh: the planted races are reported (for_each, deterministic_reduce, invoke)"

failed=0
for t in "${engine_tests[@]}"; do
  if ! run "$build/tests/$t" --gtest_brief=1; then
    echo "tsan.sh: $t failed under ThreadSanitizer" >&2
    failed=1
  fi
done
exit "$failed"
