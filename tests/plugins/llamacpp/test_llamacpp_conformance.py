"""``LlamaCppLLM`` passes the conformance kit on the embedded default model."""

from __future__ import annotations

from typing import Any

import pytest

from distilabel.embedded import EMBEDDED_MODEL
from distilabel.testing import LLMConformanceTests

pytest.importorskip("llama_cpp")

from distilabel_llamacpp import LlamaCppLLM

pytestmark = pytest.mark.slow


class TestLlamaCppConformance(LLMConformanceTests):
    llm_class = LlamaCppLLM
    generation_kwargs = {"max_new_tokens": 8}
    greedy_generation_kwargs = {"temperature": 0.0}
    supports_hidden_state = True
    registered_name = "LlamaCppLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls) -> dict[str, Any]:
        return {"model_path": EMBEDDED_MODEL, "n_threads": 1, "n_ctx": 512}
