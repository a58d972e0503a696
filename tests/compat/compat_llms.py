"""An LLM as a 1.x user's own module defines it, for the hand-written 1.5 pipeline file."""

from __future__ import annotations

from typing import Any, List

from pydantic import validate_call

from distilabel.llms.base import LLM
from distilabel.llms.typing import GenerateOutput
from distilabel.steps.tasks.typing import ChatType


class ReverseLLM(LLM):
    """Answers the last message reversed."""

    model: str = "reverse"

    @property
    def model_name(self) -> str:
        return self.model

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        return [[i[-1]["content"][::-1]] * num_generations for i in inputs]  # type: ignore[misc]
