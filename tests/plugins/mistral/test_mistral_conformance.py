"""The conformance kit for MistralLLM, through the ``mistralai`` SDK against llama.cpp's
``llama-server`` (its OpenAI-compatible ``/v1/chat/completions``, Mistral's path too)."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import LlamaServer

from distilabel.testing import LLMConformanceTests
from distilabel_mistral import MistralLLM

pytestmark = pytest.mark.slow


class TestMistralLLMConformance(LLMConformanceTests):
    llm_class = MistralLLM
    generation_kwargs = {"max_new_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "MistralLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, upstream_server: LlamaServer, test_api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "endpoint": upstream_server.url, "api_key": test_api_key}
