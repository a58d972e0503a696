"""``TransformersLLM`` passes the conformance kit on the embedded default model."""

from __future__ import annotations

from typing import Any

import pytest

from distilabel.embedded import EMBEDDED_MODEL
from distilabel.testing import LLMConformanceTests

pytest.importorskip("torch")

from distilabel_transformers import TransformersLLM

pytestmark = pytest.mark.slow


class TestTransformersConformance(LLMConformanceTests):
    llm_class = TransformersLLM
    generation_kwargs = {"max_new_tokens": 8}
    greedy_generation_kwargs = {"do_sample": False}
    supports_hidden_state = True
    registered_name = "TransformersLLM"

    @pytest.fixture(scope="class")
    @classmethod
    def llm_kwargs(cls) -> dict[str, Any]:
        return {"model": EMBEDDED_MODEL, "device": "cpu"}
