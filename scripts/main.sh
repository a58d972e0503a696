#!/usr/bin/env bash
# The main job: a real pipeline on the embedded default model, offline, no API key.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
python examples/main_job.py "$@"
