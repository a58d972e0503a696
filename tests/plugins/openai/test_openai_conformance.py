"""The conformance kit, run against a real llama.cpp server for each backend class."""

from __future__ import annotations

from typing import Any

import pytest

from distilabel.testing import LLMConformanceTests
from distilabel_openai import AnyscaleLLM, AzureOpenAILLM, OpenAILLM, TogetherLLM

pytestmark = pytest.mark.slow

_GENERATION = {"max_new_tokens": 6}
_GREEDY = {"temperature": 0.0}


class TestOpenAILLMConformance(LLMConformanceTests):
    llm_class = OpenAILLM
    generation_kwargs = _GENERATION
    greedy_generation_kwargs = _GREEDY
    registered_name = "OpenAILLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, llama_server: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": llama_server, "api_key": "EMPTY"}


class TestAzureOpenAILLMConformance(LLMConformanceTests):
    llm_class = AzureOpenAILLM
    generation_kwargs = _GENERATION
    greedy_generation_kwargs = _GREEDY
    raw_prompts_served = False  # the Azure-shaped fake serves chat completions only
    registered_name = "AzureOpenAILLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, azure_front: str) -> dict[str, Any]:
        return {"model": "smollm2", "azure_endpoint": azure_front, "api_key": "EMPTY",
                "api_version": "2024-10-21"}


class TestTogetherLLMConformance(LLMConformanceTests):
    llm_class = TogetherLLM
    generation_kwargs = _GENERATION
    registered_name = "TogetherLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, llama_server: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": llama_server, "api_key": "EMPTY"}


class TestAnyscaleLLMConformance(LLMConformanceTests):
    llm_class = AnyscaleLLM
    generation_kwargs = _GENERATION
    registered_name = "AnyscaleLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls, llama_server: str) -> dict[str, Any]:
        return {"model": "smollm2", "base_url": llama_server, "api_key": "EMPTY"}
