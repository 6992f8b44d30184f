#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and run the bundled broadband scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DCXSIM_BUILD_TESTS=OFF -DCXSIM_BUILD_BENCH=OFF
exec "${CXSIM_BUILD_DIR:-build}/cxsim" run scenarios/broadband/scenario.yaml "$@"
