#!/usr/bin/env bash
# Installs the Debian packages cxsim needs (as root, or through sudo). Safe to run every time:
# it only calls apt-get when something is missing. With --python, also pandas for the Python
# module. With --tests, also what the tests need beyond the build: pandas, NumPy (the peer of
# bench/), Chromium, which renders `cxsim report` pages headless, what runs the notebook, and
# python3-venv, in which a test installs the module as a user would (scripts/install-python.sh).
# With --check (alone or after either), nothing is installed: what is missing is listed, exit 1.
set -euo pipefail
mode="" check=false
for arg in "$@"; do
  case "$arg" in
    --check) check=true ;;
    *) mode="$arg" ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-graph-dev libtbb-dev libyaml-cpp-dev libfccp-dev librandom123-dev
  libcli11-dev nlohmann-json3-dev libeigen3-dev libssl-dev
  libgraphviz-dev libjs-chart.js libsuitesparse-dev libnlopt-cxx-dev libjemalloc-dev
  libgtest-dev libbenchmark-dev libhwy-dev libcpp-httplib-dev
  python3-dev pybind11-dev
)
# The Python module's users (scripts/install-python.sh) get pandas; the tests also run the
# notebook in docs/notebooks/ (nbclient, a kernel, matplotlib).
if [ "$mode" = "--python" ] || [ "$mode" = "--tests" ]; then
  packages+=(python3 python3-pandas)
fi
if [ "$mode" = "--tests" ]; then
  packages+=(clang-format python3-numpy python3-yaml chromium chromium-driver python3-selenium python3-nbclient python3-nbformat
            python3-ipykernel python3-matplotlib python3-venv)
fi
# .ci/run compiles its three builds through ccache, kept between runs.
if [ "${1:-}" = "--tests" ]; then
  packages+=(ccache)
fi
# An MPI build (CXSIM_MPI=ON, see docs/analysis.md) needs Open MPI and its launcher.
if [ "${CXSIM_MPI:-OFF}" = "ON" ]; then
  packages+=(libopenmpi-dev openmpi-bin)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if $check; then
  echo "install-deps: missing: ${missing[*]}" >&2
  exit 1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
