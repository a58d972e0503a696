"""The conformance kit for GroqLLM, through the ``groq`` SDK against llama.cpp's
``llama-server`` (behind a front that maps Groq's ``/openai`` path prefix)."""

from __future__ import annotations

from typing import Any

import pytest
from protocol_servers import FaultFront

from distilabel.testing import LLMConformanceTests
from distilabel_groq import GroqLLM

pytestmark = pytest.mark.slow


class TestGroqLLMConformance(LLMConformanceTests):
    llm_class = GroqLLM
    generation_kwargs = {"max_new_tokens": 6}
    greedy_generation_kwargs = {"temperature": 0.0}
    registered_name = "GroqLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, groq_front: FaultFront, test_api_key: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": groq_front.url, "api_key": test_api_key}
