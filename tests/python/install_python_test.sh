#!/usr/bin/env bash
# scripts/install-python.sh used as docs/python.md tells a user to: into a fresh virtual
# environment (made with --system-site-packages, for Debian's pandas), then `import cxsim` from
# it, outside the source tree, loading a bundled scenario and solving it exactly, which must give
# the command's JSON. Everything is written inside the build tree.
#
#   install_python_test.sh BUILD_DIR SOURCE_DIR PYTHON CXSIM_BINARY
#
# install-python.sh first calls scripts/install-deps.sh --python, which installs missing Debian
# packages as root. A test must not do that: the packages are checked here first (--check installs
# nothing), and a missing one fails the test by name; then that call finds nothing to install.
set -euo pipefail
build="$(cd "$1" && pwd)"
source="$(cd "$2" && pwd)"
python="$3"
cli="$4"
venv="$build/install-python-test/venv"

unset VIRTUAL_ENV PYTHONPATH PYTHONHOME
"$source/scripts/install-deps.sh" --python --check || {
  echo "install_python_test: install the packages above first (scripts/install-deps.sh --tests)" >&2
  exit 1
}
"$python" -c 'import venv' 2>/dev/null || {
  echo "install_python_test: $python has no venv module (python3-venv; scripts/install-deps.sh --tests)" >&2
  exit 1
}

rm -rf "$build/install-python-test"
mkdir -p "$build/install-python-test/tmp"
export TMPDIR="$build/install-python-test/tmp"  # venv's ensurepip unpacks pip in a temporary folder
"$python" -m venv --system-site-packages "$venv"
PYTHON="$venv/bin/python3" CXSIM_BUILD_DIR="$build" "$source/scripts/install-python.sh"

# Run from a folder of the build tree: `import cxsim` must find the installed copy, nothing else.
cd "$build/install-python-test"
"$cli" exact "$source/scenarios/broadband/scenario.yaml" --format json > cli-exact.json
"$venv/bin/python3" - "$venv" "$source/scenarios/broadband/scenario.yaml" cli-exact.json <<'EOF'
import json, os, sys

import cxsim

venv, scenario, cli = sys.argv[1:]
site = os.path.realpath(venv)
where = os.path.realpath(cxsim.__file__)
assert where.startswith(site + os.sep), f"imported {where}, not the copy installed in {site}"
got = cxsim.load(scenario).exact()
with open(cli) as f:
    want = json.load(f)


def drop(d):  # figures about the machine, not the journey
    if isinstance(d, dict):
        return {k: drop(v) for k, v in d.items() if k not in ("elapsed_seconds", "visits_per_second", "threads")}
    return [drop(v) for v in d] if isinstance(d, list) else d


assert drop(got.to_dict()) == drop(want), "the installed module's exact solution differs from `cxsim exact`"
assert len(got.touchpoints) == len(want["touchpoints"])  # pandas, from Debian, through the venv
print(f"install-python: {where}: {got!r}")
EOF
