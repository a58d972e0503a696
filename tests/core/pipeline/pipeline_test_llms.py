"""Custom LLMs for the pipeline tests, written as the original docs show.

They count successful calls per ``prefix`` in ``CALLS`` (a request that fails or is
cancelled is not counted) and record the most calls in flight at once.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import List, Optional

from pydantic import Field, SecretStr, validate_call

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps.tasks.typing import ChatType

CALLS: collections.Counter[str] = collections.Counter()
IN_FLIGHT: dict[str, int] = collections.defaultdict(int)
MAX_IN_FLIGHT: dict[str, int] = collections.defaultdict(int)
ANSWERED: dict[str, list[str]] = collections.defaultdict(list)
_LOCK = threading.Lock()


def reset() -> None:
    """Forget every count."""
    CALLS.clear()
    IN_FLIGHT.clear()
    MAX_IN_FLIGHT.clear()
    ANSWERED.clear()


class EchoLLM(LLM):
    """Answers ``<prefix>:<last message>`` (with the temperature when given)."""

    prefix: str = "sync"

    @property
    def model_name(self) -> str:
        return f"echo-{self.prefix}"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, temperature: float = 1.0
    ) -> List[GenerateOutput]:
        """Echo each input.

        Args:
            temperature: recorded in the answer.
        """
        with _LOCK:
            CALLS[self.prefix] += len(inputs)
        return [
            [f"{self.prefix}:{i[-1]['content']}:t={temperature}"] * num_generations
            for i in inputs
        ]  # type: ignore[misc]


class SleepyAsyncLLM(AsyncLLM):
    """Sleeps ``delay`` seconds per call (``slow_delay`` for the input ``slow_on``), then
    echoes; 'boom' in the input fails. ``ANSWERED[prefix]`` lists inputs as answered."""

    prefix: str = "async"
    delay: float = 0.0
    slow_on: Optional[str] = None
    slow_delay: float = 0.0

    @property
    def model_name(self) -> str:
        return f"sleepy-{self.prefix}"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, temperature: float = 1.0
    ) -> GenerateOutput:
        """Echo one input after a nap.

        Args:
            temperature: recorded in the answer.
        """
        IN_FLIGHT[self.prefix] += 1
        MAX_IN_FLIGHT[self.prefix] = max(MAX_IN_FLIGHT[self.prefix], IN_FLIGHT[self.prefix])
        text = input[-1]["content"]
        try:
            await asyncio.sleep(self.slow_delay if text == self.slow_on else self.delay)
        finally:
            IN_FLIGHT[self.prefix] -= 1
        ANSWERED[self.prefix].append(text)
        if "boom" in text:
            raise RuntimeError(f"cannot answer {text!r}")
        CALLS[self.prefix] += 1
        return {
            "generations": [f"{self.prefix}:{text}:t={temperature}"] * num_generations,
            "statistics": {"input_tokens": [1] * num_generations,
                           "output_tokens": [2] * num_generations},
        }


class KeyedLLM(EchoLLM):
    """An echo LLM with an API key, which must never be written anywhere."""

    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="The API key."
    )
