"""LLMs written exactly as the original distilabel docs show, for the task tests."""

from __future__ import annotations

import asyncio
from typing import Any, List

from pydantic import validate_call

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.steps.tasks.typing import ChatType


class CustomLLM(LLM):
    """Answers with the user's words reversed; raises on a message containing 'boom'."""

    @property
    def model_name(self) -> str:
        return "my-model"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        outputs = []
        for input in inputs:
            if "boom" in input[-1]["content"]:
                raise RuntimeError("the model exploded")
            words = input[-1]["content"].split()
            outputs.append([" ".join(reversed(words))] * num_generations)
        return outputs  # type: ignore[return-value]


class CustomAsyncLLM(AsyncLLM):
    """Upper-cases the last message, with token statistics; raises on 'boom'."""

    @property
    def model_name(self) -> str:
        return "my-async-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        await asyncio.sleep(0)
        text = input[-1]["content"]
        if "boom" in text:
            raise RuntimeError("the model exploded")
        suffix = f" t={kwargs['temperature']}" if "temperature" in kwargs else ""
        return {
            "generations": [f"{text.upper()}{suffix} #{i}" for i in range(num_generations)],
            "statistics": {
                "input_tokens": [len(text.split())] * num_generations,
                "output_tokens": [len(text.split()) + i for i in range(num_generations)],
            },
        }


class Replay(LLM):
    """Answers each input with the next of ``answers`` (e.g. a model's captured texts)
    and records the inputs it was given in ``seen``."""

    answers: List[str]
    seen: List[Any] = []

    @property
    def model_name(self) -> str:
        return "replay"

    @validate_call
    def generate(
        self, inputs: List[Any], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        self.seen = [*self.seen, *inputs]
        texts, self.answers = self.answers[: len(inputs)], self.answers[len(inputs):]
        return [{"generations": [t], "statistics": {}} for t in texts]
