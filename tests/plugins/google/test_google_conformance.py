"""The conformance kit for GeminiLLM (API key) and VertexAILLM (project, location and an
OAuth token), through ``google-genai`` against the Gemini protocol server in front of
llama.cpp's llama-server."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import GeminiServer

from distilabel.testing import LLMConformanceTests
from distilabel_google import GeminiLLM, VertexAILLM

pytestmark = pytest.mark.slow


class TestGeminiLLMConformance(LLMConformanceTests):
    llm_class = GeminiLLM
    generation_kwargs = {"max_output_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "GeminiLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, gemini_server: GeminiServer, test_api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": gemini_server.url, "api_key": test_api_key}


class TestVertexAILLMConformance(LLMConformanceTests):
    llm_class = VertexAILLM
    generation_kwargs = {"max_output_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "VertexAILLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, gemini_server: GeminiServer, test_api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": gemini_server.url, "project": "proj-1",
                "location": "us-central1", "access_token": test_api_key}
