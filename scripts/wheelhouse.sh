#!/usr/bin/env bash
# Build a wheelhouse: wheels of distilabel-core and of plugins, to install elsewhere
# without this checkout (and, with --with-deps, without an index).
#
#   bash scripts/wheelhouse.sh                      # core + every plugin -> dist/wheelhouse
#   bash scripts/wheelhouse.sh openai               # core + distilabel-openai only
#   bash scripts/wheelhouse.sh --with-deps openai   # plus every dependency's wheel
#   bash scripts/wheelhouse.sh -o /srv/wheels ...   # another folder
#
# Then, on the target machine:
#   pip install --find-links dist/wheelhouse distilabel-openai
#   pip install --no-index --find-links dist/wheelhouse distilabel-openai   # --with-deps
set -euo pipefail
cd "$(dirname "$0")/.."

out="dist/wheelhouse"
deps=(--no-deps)
plugins=()
while [ $# -gt 0 ]; do
    case "$1" in
        -o|--output) out="$2"; shift 2 ;;
        --with-deps) deps=(-c scripts/constraints.txt); shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) plugins+=("$1"); shift ;;
    esac
done
if [ ${#plugins[@]} -eq 0 ]; then
    for project in plugins/*/pyproject.toml; do
        plugins+=("$(basename "$(dirname "$project")")")
    done
fi
projects=(./core)
for name in "${plugins[@]}"; do
    if [ ! -f "plugins/$name/pyproject.toml" ]; then
        echo "no plugin '$name' under plugins/ (have: $(ls plugins | tr '\n' ' '))" >&2
        exit 2
    fi
    projects+=("./plugins/$name")
done
PYTHON="${PYTHON:-python3}"
mkdir -p "$out"
"$PYTHON" -m pip wheel --quiet "${deps[@]}" --wheel-dir "$out" "${projects[@]}"
echo "==> wheels in $out:"
ls "$out"
