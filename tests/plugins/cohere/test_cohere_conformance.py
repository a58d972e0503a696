"""The conformance kit for CohereLLM, through the ``cohere`` SDK against the Cohere
protocol server in front of llama.cpp's llama-server."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import CohereServer

from distilabel.testing import LLMConformanceTests
from distilabel_cohere import CohereLLM

pytestmark = pytest.mark.slow


class TestCohereLLMConformance(LLMConformanceTests):
    llm_class = CohereLLM
    generation_kwargs = {"max_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "CohereLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, cohere_server: CohereServer, test_api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": cohere_server.url, "api_key": test_api_key}
