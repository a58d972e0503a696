"""A pipeline run on Ray: a CPU step with two replicas, then an LLM task.

Run it: ``python examples/pipeline_ray.py`` (needs ``pip install 'distilabel-core[ray]'``).
Without ``RAY_ADDRESS`` it starts a local Ray for the run; with
``RAY_ADDRESS=<head-ip>:6379`` (or ``ray://<head-ip>:10001``) it joins that cluster,
whose nodes must have distilabel installed. The "model" answers by upper-casing the
prompt, so the script runs offline; swap ``ShoutingLLM`` for any backend
(``from distilabel.llms import OpenAILLM``) to do it for real.

Run it twice: the second run finds every row in the run directory and starts no actor.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class ShoutingLLM(AsyncLLM):
    """Answers by upper-casing the prompt (an HTTP API would be awaited here)."""

    @property
    def model_name(self) -> str:
        return "shouting-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        await asyncio.sleep(0.01)
        text = input[-1]["content"].upper()
        return {
            "generations": [f"{text} (temperature={kwargs.get('temperature')})"]
            * num_generations,
            "statistics": {"input_tokens": [len(text.split())] * num_generations,
                           "output_tokens": [len(text.split())] * num_generations},
        }


@step(inputs=["topic"], outputs=["instruction", "fingerprint"])
def MakeInstruction(inputs: StepInput) -> StepOutput:
    """CPU work worth spreading: build the instruction and a (deliberately slow) hash."""
    for row in inputs:
        row["instruction"] = f"Write one sentence about {row['topic']}."
        digest = row["topic"].encode()
        for _ in range(2_000):
            digest = hashlib.sha256(digest).digest()
        row["fingerprint"] = digest.hex()[:12]
    yield inputs


with Pipeline(name="pipeline-ray", description="A CPU step and an LLM task on Ray") as pipeline:
    load = LoadDataFromDicts(
        name="load", data=[{"topic": f"topic number {i}"} for i in range(200)], batch_size=20
    )
    make = MakeInstruction(name="make_instruction", input_batch_size=20)
    generate = TextGeneration(name="generate", llm=ShoutingLLM())
    load >> make >> generate

if __name__ == "__main__":
    distiset = pipeline.ray(
        # Two actors share the CPU step, each reserving one CPU; the LLM task needs no
        # CPU reservation (it waits on the network), one replica is plenty.
        resources={"make_instruction": {"replicas": 2, "cpus": 1}},
    ).run(parameters={generate.name: {"llm": {"generation_kwargs": {"temperature": 0.3}}}})
    rows = distiset["generate"]
    print(f"{len(rows)} rows")
    print(rows[0]["instruction"], "->", rows[0]["generation"], rows[0]["fingerprint"])
