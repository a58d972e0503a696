"""A custom LLM written as the distilabel docs show, then used directly.

Run it: ``python examples/custom_llm.py``. It needs only distilabel-core: the "model"
here answers by reversing the user's words, so the script runs offline in milliseconds.
"""

from __future__ import annotations

import asyncio
from typing import Any, List

from pydantic import validate_call

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput, HiddenState
from distilabel.steps.tasks.typing import ChatType


class CustomLLM(LLM):
    @property
    def model_name(self) -> str:
        return "my-model"

    @validate_call
    def generate(
        self, inputs: List[ChatType], num_generations: int = 1, **kwargs: Any
    ) -> List[GenerateOutput]:
        outputs = []
        for input in inputs:
            words = input[-1]["content"].split()
            outputs.append([" ".join(reversed(words))] * num_generations)
        return outputs  # type: ignore[return-value]  # a list of strings per input is fine

    def get_last_hidden_state(self, inputs: List[ChatType]) -> List[HiddenState]:
        return [[[float(len(w)) for w in i[-1]["content"].split()]] for i in inputs]


class CustomAsyncLLM(AsyncLLM):
    @property
    def model_name(self) -> str:
        return "my-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        await asyncio.sleep(0.01)  # an HTTP request would be awaited here
        text = input[-1]["content"].upper()
        return {
            "generations": [text] * num_generations,
            "statistics": {
                "input_tokens": [len(input[-1]["content"].split())] * num_generations,
                "output_tokens": [len(text.split())] * num_generations,
            },
        }


def main() -> None:
    llm = CustomLLM()
    llm.load()
    print(llm.generate(inputs=[[{"role": "user", "content": "hello synthetic world"}]]))
    # Arguments from a command line arrive as strings: validate_call coerces them.
    print(llm.generate(inputs=[[{"role": "user", "content": "a b"}]], num_generations="2"))

    async_llm = CustomAsyncLLM(max_concurrency=4)
    async_llm.load()
    questions = [[{"role": "user", "content": f"question {i}"}] for i in range(3)]
    for output in async_llm.generate_outputs(questions):
        print(output["generations"], output["statistics"])
    async_llm.unload()


if __name__ == "__main__":
    main()
