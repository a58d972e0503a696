"""The conformance kit for AnthropicLLM, through the ``anthropic`` SDK against llama.cpp's
``llama-server``, which speaks the Messages API."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import LlamaServer

from distilabel.testing import LLMConformanceTests
from distilabel_anthropic import AnthropicLLM

pytestmark = pytest.mark.slow


class TestAnthropicLLMConformance(LLMConformanceTests):
    llm_class = AnthropicLLM
    generation_kwargs = {"max_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0, "top_k": 1}
    registered_name = "AnthropicLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, upstream_server: LlamaServer, test_api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": upstream_server.url, "api_key": test_api_key}
