"""The conformance kit for OllamaLLM, through the ``ollama`` client against the Ollama
protocol server in front of llama.cpp's llama-server."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import OllamaServer

from distilabel.testing import LLMConformanceTests
from distilabel_ollama import OllamaLLM

pytestmark = pytest.mark.slow


class TestOllamaLLMConformance(LLMConformanceTests):
    llm_class = OllamaLLM
    generation_kwargs = {"options": {"num_predict": 6}}
    greedy_generation_kwargs = {"options": {"num_predict": 6, "temperature": 0.0}}
    registered_name = "OllamaLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, ollama_server: OllamaServer) -> dict[str, Any]:
        return {"model": "smollm2", "host": ollama_server.url}
