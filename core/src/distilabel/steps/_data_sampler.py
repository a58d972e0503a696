"""``DataSampler``: rows made of random samples of a list of examples (few-shot sets)."""

from __future__ import annotations

import random
from typing import Any, ClassVar, Optional

from pydantic import Field, PositiveInt

from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GeneratorStep
from distilabel.steps._load_dicts import batches_of, columns_of
from distilabel.steps.typing import GeneratorStepOutput, Row, StepColumns

__all__ = ["DataSampler"]


class DataSampler(GeneratorStep):
    """Produce ``samples`` rows, each holding ``size`` examples drawn from ``data``.

    Every column of ``data`` becomes a list column: a row is
    ``{"question": [q3, q7], "answer": [a3, a7]}`` for ``size=2``. Examples in one row are
    distinct (drawn without replacement); rows are drawn independently, from a random
    generator seeded with ``seed``, so a run and its resumption draw the same rows. Use
    it for few-shot examples, fed with a task's rows through a step that takes several
    inputs.

    Example::

        DataSampler(data=[{"question": "2+2?", "answer": "4"}, ...], size=2, samples=10)
    """

    data: list[dict[str, Any]] = Field(..., min_length=1, description="The examples to sample.")
    size: PositiveInt = Field(default=2, description="Examples per produced row.")
    samples: PositiveInt = Field(default=100, description="How many rows to produce.")
    seed: int = Field(default=42, description="Seed of the draws (the same seed, the same rows).")
    batch_size: RuntimeParameter[PositiveInt] = Field(
        default=1, description="How many rows each batch holds."
    )

    runs_inline: ClassVar[bool] = True

    @property
    def outputs(self) -> StepColumns:
        return columns_of(self.data)

    def total_rows(self) -> Optional[int]:
        return self.samples

    def _rows(self) -> list[Row]:
        rng = random.Random(self.seed)
        columns = list(self.outputs)
        size = min(self.size, len(self.data))
        rows: list[Row] = []
        for _ in range(self.samples):
            drawn = rng.sample(self.data, size)
            rows.append({c: [example.get(c) for example in drawn] for c in columns})
        return rows

    def process(self, offset: int = 0) -> GeneratorStepOutput:
        """Yield the sampled rows from ``offset`` on, ``batch_size`` at a time."""
        yield from batches_of(self._rows(), offset, self.batch_size or 1)
