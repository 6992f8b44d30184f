#!/usr/bin/env bash
# Configures and builds cxsim in Release into ./build (or $CXSIM_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${CXSIM_BUILD_DIR:-build}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc)"
