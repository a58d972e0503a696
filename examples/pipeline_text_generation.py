"""The docs' text-generation pipeline, run with a custom LLM written as the docs show.

Run it: ``python examples/pipeline_text_generation.py``. It needs only distilabel-core and
runs offline: the "model" answers by upper-casing the instruction. Swap ``ShoutingLLM``
for any installed backend (``from distilabel.llms import OpenAILLM``) to do it for real.
Run it twice: the second run finds every row in the cache and asks the LLM nothing.
"""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any

from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class ShoutingLLM(AsyncLLM):
    @property
    def model_name(self) -> str:
        return "shouting-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        await asyncio.sleep(0.01)  # an HTTP request would be awaited here
        text = input[-1]["content"].upper()
        return {
            "generations": [f"{text} (temperature={kwargs.get('temperature')})"]
            * num_generations,
            "statistics": {"input_tokens": [len(text.split())] * num_generations,
                           "output_tokens": [len(text.split()) + 1] * num_generations},
        }


with Pipeline(name="text-generation-pipeline") as pipeline:
    load_dataset = LoadDataFromDicts(
        name="load_dataset",
        data=[{"instruction": "Write a short story about a dragon."},
              {"instruction": "Write a haiku about the sea."}],
    )
    text_generation = TextGeneration(name="text_generation", llm=ShoutingLLM())
    load_dataset >> text_generation

if __name__ == "__main__":
    distiset = pipeline.run(
        parameters={text_generation.name: {"llm": {"generation_kwargs": {"temperature": 0.3}}}}
    )
    for row in distiset["text_generation"]:
        stats = row["distilabel_metadata"]["statistics_text_generation"]
        print(row["generation"], stats)
    with tempfile.TemporaryDirectory() as tmp:
        path = distiset.save_to_disk(tmp, formats=["jsonl"])
        print(sorted(p.name for p in path.iterdir()))
