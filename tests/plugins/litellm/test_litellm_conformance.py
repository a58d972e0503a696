"""The conformance kit for LiteLLM, through ``litellm`` (its ``openai/`` provider) against
llama.cpp's ``llama-server``."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import LlamaServer

from distilabel.testing import LLMConformanceTests
from distilabel_litellm import LiteLLM

pytestmark = pytest.mark.slow


class TestLiteLLMConformance(LLMConformanceTests):
    llm_class = LiteLLM
    generation_kwargs = {"max_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "LiteLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, upstream_server: LlamaServer, test_api_key: str) -> dict[str, Any]:
        return {"model": "openai/smollm2", "api_base": f"{upstream_server.url}/v1",
                "api_key": test_api_key}
