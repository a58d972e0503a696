"""A pipeline for the URL run directory test on Ray; importable by the Ray workers.

``GatedLLM`` answers every row at once except row ``held``, which waits for the file
``gate``; ``WaitForJournal`` stops the run (the first time) only once the task's journal
holds answers, read from the run directory's URL as any node would.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts, Step, StepInput, StepOutput
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class GatedLLM(AsyncLLM):
    """Echoes upper-cased prompts, logging each call; prompt ``held`` waits for ``gate``."""

    log: str
    gate: str
    held: str

    @property
    def model_name(self) -> str:
        return "gated"

    @validate_call
    async def agenerate(self, input: ChatType, num_generations: int = 1) -> GenerateOutput:
        """Answer one prompt."""
        text = input[-1]["content"]
        while text == self.held and not os.path.exists(self.gate):
            await asyncio.sleep(0.05)
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
        return {"generations": [text.upper()] * num_generations,
                "statistics": {"input_tokens": [1], "output_tokens": [1]}}


def journal_objects(cache_url: str) -> list[str]:
    """The task's journal objects under the cache URL (listed through fsspec)."""
    import fsspec.core

    fs, path = fsspec.core.url_to_fs(cache_url)
    fs.invalidate_cache()
    return sorted(fs.glob(f"{path}/pipelines/ray-url/*/steps/generate/journal/*.jsonl"))


def journaled_keys(cache_url: str) -> set[str]:
    """Row keys in the task's journal objects under the cache URL."""
    import fsspec.core

    fs, _path = fsspec.core.url_to_fs(cache_url)
    keys: set[str] = set()
    for name in journal_objects(cache_url):
        for line in fs.cat_file(name).splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            keys.update(key for key, _output in json.loads(line))
    return keys


class WaitForJournal(Step):
    """Passes rows on; the first time (no ``marker`` yet) it waits until the task's
    journal under ``cache_url`` holds the keys ``expect``, then fails the run."""

    cache_url: str
    marker: str
    expect: list[str]

    @property
    def inputs(self) -> list[str]:
        return ["generation"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        if not os.path.exists(self.marker):
            Path(self.marker).write_text("")
            deadline = time.monotonic() + 60
            while not set(self.expect) <= journaled_keys(self.cache_url):
                if time.monotonic() > deadline:
                    raise RuntimeError("the replicas never wrote their journal to the URL")
                time.sleep(0.05)
            raise RuntimeError("stopping with answers journaled")
        yield inputs


def build(cache_dir: str, tmp: Path) -> Pipeline:
    """load (30 rows, batches of 8) >> generate >> check; row 13 is held at the gate, so
    the batch of rows 8-15 cannot be committed while its other rows are answered."""
    data = [{"instruction": f"p{i}", "id": i} for i in range(30)]
    with Pipeline(name="ray-url", cache_dir=cache_dir) as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=8)
        generate = TextGeneration(
            name="generate", input_batch_size=8,
            llm=GatedLLM(log=str(tmp / "asked.log"), gate=str(tmp / "gate"), held="p13"),
        )
        check = WaitForJournal(
            name="check", input_batch_size=8, cache_url=cache_dir, marker=str(tmp / "stopped"),
            expect=[f"load:{i}" for i in (8, 9, 10, 11, 12, 14, 15)],
        )
        load >> generate >> check
    return pipeline
