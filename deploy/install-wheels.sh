#!/usr/bin/env bash
# Build wheels of pdms-core and of every module under plugins/, then install them (and
# their dependencies) into a virtual environment. No editable installs: what lands in
# the environment is exactly what the wheels hold.
#
# The container image runs this script (deploy/Containerfile), and so does the test
# suite, in a plain venv (tests/test_wheels.py), so CI runs the image's install steps.
#
# usage: deploy/install-wheels.sh [--wheels DIR] [--python PY] [--constraint FILE]
#                                  VENV [PROJECT_DIR...]
#
#   VENV             the environment to install into; created with PY when missing
#   PROJECT_DIR      further modules to build and install too (a module kept elsewhere)
#   --wheels DIR     keep the built wheels in DIR (default: a temporary folder, removed)
#   --python PY      the interpreter that builds the wheels and creates VENV (python3)
#   --constraint F   install the dependencies at the versions F pins
#
# The dependencies come from the package index pip is configured with. Each install
# writes VENV/pdms-installed.txt, the versions of the dependencies it installed: give
# that file to --constraint to install the same versions again.
set -euo pipefail

usage() {
    echo "usage: deploy/install-wheels.sh [--wheels DIR] [--python PY] [--constraint FILE]" \
        "VENV [PROJECT_DIR...]" >&2
    exit 2
}

root=$(cd "$(dirname "$0")/.." && pwd)
python=python3
keep_wheels=""
constraint=()
while [ $# -gt 0 ]; do
    case "$1" in
        --wheels) [ $# -ge 2 ] || usage; keep_wheels=$2; shift 2 ;;
        --python) [ $# -ge 2 ] || usage; python=$2; shift 2 ;;
        --constraint) [ $# -ge 2 ] || usage; constraint=(--constraint "$2"); shift 2 ;;
        -h | --help) usage ;;
        --) shift; break ;;
        -*) echo "install-wheels.sh: unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage
venv=$1
shift

projects=("$root")
for plugin in "$root"/plugins/*/; do
    [ -f "$plugin/pyproject.toml" ] && projects+=("${plugin%/}")
done
for extra in "$@"; do
    [ -f "$extra/pyproject.toml" ] || { echo "install-wheels.sh: no pyproject.toml in $extra" >&2; exit 2; }
    projects+=("$(cd "$extra" && pwd)")
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Build from clean copies: setuptools writes build/ and *.egg-info into the folder it
# builds, and files left in an old build/ would end up in the wheel. Core's copy leaves
# out what its wheel never holds (the modules, tests, benchmarks, docs).
copies=()
names=()
for project in "${projects[@]}"; do
    name=$(basename "$project")
    [ "$project" = "$root" ] && name=pdms-core
    names+=("$name")
    copy="$scratch/src/$name"
    mkdir -p "$copy"
    excludes=(
        --exclude=.git --exclude=.venv --exclude=venv --exclude=./var --exclude=build
        --exclude=dist --exclude='*.egg-info' --exclude=__pycache__ --exclude='.*_cache'
    )
    if [ "$project" = "$root" ]; then
        excludes+=(--exclude=./plugins --exclude=./tests --exclude=./bench --exclude=./docs)
    fi
    tar -C "$project" "${excludes[@]}" -cf - . | tar -C "$copy" -xf -
    copies+=("$copy")
done

built="$scratch/wheels"
echo "install-wheels.sh: building wheels of ${names[*]}"
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$built" "${copies[@]}"

if [ ! -x "$venv/bin/python" ]; then
    echo "install-wheels.sh: creating $venv"
    "$python" -m venv "$venv"
fi
echo "install-wheels.sh: installing $(cd "$built" && echo *.whl) into $venv"
# The constraint applies to this install only, not to the wheels' build environments.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    ${constraint[@]+"${constraint[@]}"} \
    "$built"/*.whl
# The dependencies' versions: not PDMS's own distributions (a rebuild brings new ones),
# nor the venv's installers.
"$venv/bin/python" -m pip list --format=freeze --disable-pip-version-check \
    --exclude pip --exclude setuptools --exclude wheel >"$scratch/installed.txt"
grep -v -i -e '^pdms-' -e '^pdms_' "$scratch/installed.txt" >"$venv/pdms-installed.txt" || true

if [ -n "$keep_wheels" ]; then
    mkdir -p "$keep_wheels"
    cp "$built"/*.whl "$keep_wheels"/
fi
