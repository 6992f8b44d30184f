#!/usr/bin/env bash
# Quick start, part 2: install what is missing, build everything, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh -DCXSIM_BUILD_TESTS=ON -DCXSIM_BUILD_BENCH=ON -DCXSIM_WERROR="${CXSIM_WERROR:-OFF}" \
  -DCXSIM_MPI="${CXSIM_MPI:-OFF}"
cd "${CXSIM_BUILD_DIR:-build}"
ctest --output-on-failure --parallel "$(nproc)" --timeout 900
