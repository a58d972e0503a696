"""Fixtures of the llama.cpp plugin's tests: the embedded model, loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from distilabel.embedded import EMBEDDED_MODEL, EmbeddedModelNotInstalledError, embedded_model_path

pytest.importorskip("llama_cpp", reason="distilabel-llamacpp needs llama-cpp-python")


@pytest.fixture(scope="session")
def embedded_gguf() -> str:
    """Path of the embedded SmolLM2 GGUF; the tests fail (not skip) when it is missing."""
    try:
        return str(embedded_model_path())
    except EmbeddedModelNotInstalledError as exc:  # pragma: no cover - setup problem
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def llamacpp_llm(embedded_gguf: str) -> Iterator[object]:
    """One loaded ``LlamaCppLLM`` on the embedded model (one thread: tests share the CPU)."""
    from distilabel_llamacpp import LlamaCppLLM

    llm = LlamaCppLLM(model_path=EMBEDDED_MODEL, n_threads=1, n_ctx=1024)
    llm.load()
    yield llm
    llm.unload()
