"""The UltraFeedback shape: three generators, each batch answered by two of them.

Run it: ``python examples/pipeline_routing.py``. It needs only distilabel-core and runs
offline: each "model" answers in its own style. ``sample_n_steps(2)`` sends every batch
of ``load`` to two of the three generators, chosen per batch; ``GroupColumns`` then
gathers the two answers of each row (a judge such as UltraFeedback would rate them).
Each batch's route is stored with the batch, so a killed run resumes sending every
batch where it went before, and a second run reuses everything from the cache.
"""

from __future__ import annotations

import collections
from typing import Any

from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline, sample_n_steps
from distilabel.steps import GroupColumns, LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class StyleLLM(AsyncLLM):
    """Answers the instruction in one style (``upper``, ``lower`` or ``title``)."""

    style: str

    @property
    def model_name(self) -> str:
        return f"{self.style}-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        text = getattr(input[-1]["content"], self.style)()
        return [text] * num_generations


with Pipeline(name="routing-example") as pipeline:
    load = LoadDataFromDicts(
        name="load",
        data=[{"instruction": f"Question number {i}"} for i in range(12)],
        batch_size=4,
    )
    generators = [
        TextGeneration(name=f"generate_{style}", llm=StyleLLM(style=style))
        for style in ("upper", "lower", "title")
    ]
    combine = GroupColumns(
        name="combine",
        columns=["generation", "model_name"],
        output_columns=["generations", "model_names"],
    )
    load >> sample_n_steps(2) >> generators >> combine

if __name__ == "__main__":
    distiset = pipeline.run(show_progress=False)
    rows = distiset["combine"].to_list()
    print(f"{len(rows)} rows, each with {sorted({len(r['generations']) for r in rows})} answers")
    per_batch = collections.defaultdict(set)
    for index, row in enumerate(rows):
        per_batch[index // 4].add(tuple(row["model_names"]))
    print("each batch went to one pair of models:", all(len(p) == 1 for p in per_batch.values()))
