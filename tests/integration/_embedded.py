"""``needs_embedded_model``: the marks of tests that run the embedded SmolLM2 through
the llama.cpp plugin (slow; skipped where the plugin or the model wheel is missing)."""

from __future__ import annotations

import importlib.util

import pytest


def _embedded_model_ready() -> bool:
    if importlib.util.find_spec("distilabel_llamacpp") is None:
        return False
    from distilabel.embedded import EmbeddedModelNotInstalledError, embedded_model_path

    try:
        embedded_model_path()
    except EmbeddedModelNotInstalledError:
        return False
    return True


needs_embedded_model = [
    pytest.mark.slow,
    pytest.mark.skipif(not _embedded_model_ready(),
                       reason="needs distilabel-llamacpp and the embedded model wheel"),
]
