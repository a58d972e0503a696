"""The conformance kit for InferenceEndpointsLLM in ``base_url`` mode, through
``huggingface_hub``'s ``AsyncInferenceClient`` against llama.cpp's ``llama-server``."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import LlamaServer

from distilabel.testing import LLMConformanceTests
from distilabel_huggingface import InferenceEndpointsLLM

pytestmark = pytest.mark.slow


class TestInferenceEndpointsLLMConformance(LLMConformanceTests):
    llm_class = InferenceEndpointsLLM
    generation_kwargs = {"max_new_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "InferenceEndpointsLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, upstream_server: LlamaServer, test_api_key: str) -> dict[str, Any]:
        return {"base_url": upstream_server.url, "api_key": test_api_key}
