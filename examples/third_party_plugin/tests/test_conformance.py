"""distilabel's conformance checks, run against this plugin's LLMs.

Subclass ``LLMConformanceTests`` once per LLM class, name the class, give its constructor
arguments in the class-scoped ``llm_kwargs`` fixture and set the capability flags: every
check every distilabel LLM must pass is inherited.
"""

from __future__ import annotations

from typing import Any

import pytest

# Import the classes the way users do: through the installed plugin's entry point.
from distilabel.llms import AsyncEchoLLM, EchoLLM
from distilabel.testing import LLMConformanceTests


class TestEchoLLM(LLMConformanceTests):
    llm_class = EchoLLM
    registered_name = "EchoLLM"
    generation_kwargs = {"max_new_tokens": 8}
    greedy_generation_kwargs = {"reverse": False}

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls) -> dict[str, Any]:
        return {"model": "echo-1", "seed": 7}


class TestAsyncEchoLLM(LLMConformanceTests):
    llm_class = AsyncEchoLLM
    registered_name = "AsyncEchoLLM"
    generation_kwargs = {"max_new_tokens": 8}
    greedy_generation_kwargs = {"reverse": False}

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls) -> dict[str, Any]:
        return {"model": "echo-1", "api_key": "echo-secret-key"}
