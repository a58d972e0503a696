"""Multi-call tasks on the Ray engine: a replica runs a ``MultiCallTask``'s rows with a
local (synchronous) LLM, each row's calls journaled as they are answered."""

from __future__ import annotations

from typing import Any

from distilabel.llms import LLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import MultiCallTask


class UpperLLM(LLM):
    """A local (synchronous) LLM: upper-cases the last message."""

    @property
    def model_name(self) -> str:
        return "upper"

    def generate(self, inputs: Any, num_generations: int = 1, **kwargs: Any) -> Any:
        return [[i[-1]["content"].upper()] * num_generations for i in inputs]


class TwoCalls(MultiCallTask):
    @property
    def inputs(self) -> list[str]:
        return ["instruction"]

    @property
    def outputs(self) -> list[str]:
        return ["answer"]

    async def generate_row(self, row: dict[str, Any], llm: Any) -> dict[str, Any]:
        first = await llm.text([{"role": "user", "content": row["instruction"]}])
        return {"answer": await llm.text([{"role": "user", "content": "again " + first}])}


def test_a_multi_call_task_with_a_local_llm_runs_on_ray(ray_address: str) -> None:
    with Pipeline(name="ray-multi-call-sync") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": f"q{i}"} for i in range(30)])
        load >> TwoCalls(name="twice", llm=UpperLLM(), input_batch_size=10)
    distiset = pipeline.ray(ray_init_kwargs={"address": ray_address}).run(show_progress=False)
    rows = distiset["twice"].to_list()
    assert [r["answer"] for r in rows] == [f"AGAIN Q{i}" for i in range(30)]
    assert all(r["distilabel_metadata"]["statistics_twice"]["calls"] == 2 for r in rows)
