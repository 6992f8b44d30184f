#!/usr/bin/env bash
# Fails, naming the files, when C++ code is not formatted as .clang-format says (Debian's
# clang-format 14). To fix: clang-format -i $(git ls-files '*.cpp' '*.hpp')
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || scripts/install-deps.sh --tests
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/cxsim-format.$$; then
  grep -o '^[^:]*\.[ch]pp' /tmp/cxsim-format.$$ | sort -u | sed 's/^/not formatted: /' >&2
  rm -f /tmp/cxsim-format.$$
  echo "run: clang-format -i \$(git ls-files '*.cpp' '*.hpp')" >&2
  exit 1
fi
rm -f /tmp/cxsim-format.$$
echo "every C++ file is formatted as .clang-format says" >&2
