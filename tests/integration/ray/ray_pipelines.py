"""Steps and an LLM for the Ray tests; importable by the Ray workers (on PYTHONPATH).

Steps that must act once (crash, fail) use a marker file; every step appends the ids it
processed to a log file, so tests can tell what ran where and how often.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any, Optional

from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps import (
    GeneratorStep,
    GlobalStep,
    LoadDataFromDicts,
    Step,
    StepInput,
    StepOutput,
)
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType
from distilabel.steps.typing import GeneratorStepOutput


def log_ids(path: str, rows: list[dict[str, Any]]) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(" ".join(str(r["id"]) for r in rows) + "\n")


def logged_ids(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(i) for line in path.read_text().splitlines() for i in line.split()]


def process_title() -> str:
    """The title Ray gives the worker process running this (``ray::<actor class>.<method>``),
    as ``ps`` shows it."""
    with open("/proc/self/cmdline", "rb") as fh:
        return fh.read().split(b"\0")[0].decode().strip()


class Numbers(GeneratorStep):
    """Rows ``id`` 0..count-1 in batches of 5, each with the pid and the title of the
    process that made it (``pid``, ``made_in``)."""

    count: int = 20

    @property
    def outputs(self) -> list[str]:
        return ["id", "pid", "made_in"]

    def process(self, offset: int = 0) -> GeneratorStepOutput:  # type: ignore[override]
        for start in range(offset, self.count, 5):
            stop = min(start + 5, self.count)
            rows = [
                {"id": i, "pid": os.getpid(), "made_in": process_title()}
                for i in range(start, stop)
            ]
            yield rows, stop == self.count


class Square(Step):
    """Adds ``square`` (plus a runtime ``offset``) and logs the ids it saw."""

    log: str
    offset: RuntimeParameter[int] = 0

    @property
    def inputs(self) -> list[str]:
        return ["id"]

    @property
    def outputs(self) -> list[str]:
        return ["square", "where"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        log_ids(self.log, inputs)
        for row in inputs:
            row["square"] = row["id"] ** 2 + self.offset
            row["where"] = 0  # the same on every engine; set to make a column
        yield inputs


class Sleepy(Square):
    """Like ``Square``, but the batch holding row 0 takes ``slow`` seconds and the others
    ``fast``; ids are logged when their batch is done."""

    slow: float = 3.0
    fast: float = 0.02

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        import time

        time.sleep(self.slow if any(row["id"] == 0 for row in inputs) else self.fast)
        yield from super().process(inputs)


class Trouble(Square):
    """Like ``Square``, but the first time it sees row ``at`` it kills its own process
    (``kill=True``, as a crashed replica) or raises; ``marker`` makes it happen once."""

    at: int
    marker: str
    kill: bool = True

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        if any(r["id"] == self.at for r in inputs) and not os.path.exists(self.marker):
            Path(self.marker).write_text(str(os.getpid()))
            if self.kill:
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError(f"trouble at row {self.at}")
        yield from super().process(inputs)


class Total(GlobalStep):
    """Sums ``square`` over all rows (a global step)."""

    @property
    def inputs(self) -> list[str]:
        return ["square"]

    @property
    def outputs(self) -> list[str]:
        return ["total"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        yield [{"total": sum(r["square"] for r in inputs), "rows": len(inputs)}]


class EchoAsyncLLM(AsyncLLM):
    """Echoes the prompt with the temperature; a prompt containing 'boom' fails."""

    @property
    def model_name(self) -> str:
        return "echo-async"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, temperature: float = 1.0
    ) -> GenerateOutput:
        """Echo one input.

        Args:
            temperature: recorded in the answer.
        """
        await asyncio.sleep(0)
        text = input[-1]["content"]
        if "boom" in text:
            raise RuntimeError(f"cannot answer {text!r}")
        return {
            "generations": [f"{text}:t={temperature}"] * num_generations,
            "statistics": {"input_tokens": [1] * num_generations,
                           "output_tokens": [2] * num_generations},
        }


def build(
    name: str,
    rows: int,
    log: Path,
    trouble: Optional[dict[str, Any]] = None,
    with_llm: bool = True,
) -> Pipeline:
    """load >> square (or trouble) >> [generate, total]."""
    data = [
        {"id": i, "instruction": f"boom {i}" if i % 17 == 5 else f"say {i}"}
        for i in range(rows)
    ]
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=7)
        if trouble is None:
            square: Square = Square(name="square", log=str(log), input_batch_size=10)
        else:
            square = Trouble(name="square", log=str(log), input_batch_size=10, **trouble)
        total = Total(name="total")
        load >> square >> total
        if with_llm:
            generate = TextGeneration(
                name="generate", llm=EchoAsyncLLM(), input_batch_size=8
            )
            square >> generate
    return pipeline
