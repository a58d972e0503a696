"""Fixtures of the transformers plugin's tests: the embedded model, loaded once per session.

The first load on a machine converts the embedded GGUF to safetensors (about 30 s) and
caches it under ``$DISTILABEL_CACHE_DIR/models``; later sessions load in about a second.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("torch", reason="distilabel-transformers needs torch")
pytest.importorskip("transformers", reason="distilabel-transformers needs transformers")

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def transformers_llm() -> Iterator[Any]:
    """One loaded ``TransformersLLM`` on the embedded model, on CPU."""
    from distilabel_transformers import TransformersLLM

    llm = TransformersLLM(model="smollm2-135m-instruct", device="cpu")
    llm.load()
    yield llm
    llm.unload()
