#!/usr/bin/env bash
# The whole test suite: lint, type check, then pytest (examples included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "==> ruff"
ruff check .
echo "==> mypy"
mypy
echo "==> mkdocs (strict)"
# The API reference and the components gallery are generated (scripts/docs_hooks.py);
# tests/core/test_docs_site.py checks the built site instead of building it again.
mkdocs build --strict --quiet --site-dir site
export DISTILABEL_DOCS_SITE="$PWD/site"
echo "==> pytest"
python -m pytest "$@"
