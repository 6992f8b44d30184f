#!/usr/bin/env bash
# Installs the Python module (`import cxsim`) into a Python 3: $PYTHON if set, else the active
# virtual environment's, else Debian's /usr/bin/python3 (into /usr/local/lib/python3.X/dist-packages,
# which Debian's python3 reads). Builds what is missing first. Run as root for Debian's python3.
#
#   scripts/install-python.sh                       # Debian's python3
#   python3 -m venv --system-site-packages ~/cx && . ~/cx/bin/activate && scripts/install-python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build="${CXSIM_BUILD_DIR:-build}"
python="${PYTHON:-${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python3}}"
python="${python:-/usr/bin/python3}"

scripts/install-deps.sh --python
if [ ! -f "$build/build.ninja" ]; then
  scripts/build.sh -DPython3_EXECUTABLE="$("$python" -c 'import sys; print(sys.executable)')"
fi
cmake --build "$build" --target _cxsim --parallel "$(nproc)"

# The module is built for one Python version: refuse another rather than install a broken import.
# (CMake keeps the interpreter it found as _Python3_EXECUTABLE, or as Python3_EXECUTABLE when named.)
built="$(sed -n 's/^_\{0,1\}Python3_EXECUTABLE:[A-Z]*=//p' "$build/CMakeCache.txt" | head -n 1)"
if [ -z "$built" ]; then
  echo "install-python: $build has no Python module configured (needs python3-dev and pybind11-dev;" \
       "configure again without -DCXSIM_PYTHON=OFF)" >&2
  exit 2
fi
want="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
have="$("$built" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$want" != "$have" ]; then
  echo "install-python: $build was built for Python $have ($built), not $want ($python);" \
       "build again with -DPython3_EXECUTABLE=$python" >&2
  exit 2
fi
site="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
cmake --install "$build" --component python --prefix "$site"
echo "install-python: 'import cxsim' now works in $python (installed in $site/cxsim)" >&2
