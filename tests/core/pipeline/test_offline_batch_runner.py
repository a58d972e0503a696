"""The engine's offline batch path with an in-memory provider: rows from several
predecessors in one job, committed in ``input_batch_size`` batches with the right offsets,
rows that cannot be formatted never sent, and nothing ever sent online."""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Mapping, Optional

import pytest

from distilabel.llms import AsyncLLM, BatchJob, BatchResults, OfflineBatchGeneration
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


class MemoryBatchLLM(OfflineBatchGeneration, AsyncLLM):
    """A provider in memory: each job answers every request upper-cased on its 2nd poll."""

    jobs: ClassVar[dict[str, list[dict[str, Any]]]] = {}
    polls: ClassVar[dict[str, int]] = {}

    @property
    def model_name(self) -> str:
        return "memory-batch"

    async def agenerate(self, input: Any, num_generations: int = 1) -> Any:
        raise AssertionError("a batch step must never send a row online")

    def batch_request(self, custom_id: str, input: Any, num_generations: int) -> bytes:
        return (json.dumps({"id": custom_id, "text": input[-1]["content"]}) + "\n").encode()

    def submit_batch(self, content: bytes, metadata: Mapping[str, str]) -> str:
        job = f"job-{len(self.jobs)}"
        self.jobs[job] = [json.loads(line) for line in content.splitlines()]
        self.polls[job] = 0
        return job

    def batch_status(self, job_id: str) -> BatchJob:
        self.polls[job_id] += 1
        total = len(self.jobs[job_id])
        done = self.polls[job_id] >= 2
        return BatchJob(job_id, "completed" if done else "running", total,
                        total if done else 0, 0)

    def batch_results(self, job_id: str) -> BatchResults:
        return {r["id"]: {"generations": [r["text"].upper()],
                          "statistics": {"input_tokens": [1], "output_tokens": [2]}}
                for r in self.jobs[job_id]}


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(tmp_path / "cache"))
    MemoryBatchLLM.jobs.clear()
    MemoryBatchLLM.polls.clear()
    yield tmp_path / "cache"


def build(a: list[Optional[str]], b: list[Optional[str]]) -> Pipeline:
    with Pipeline(name="memory-batch") as pipeline:
        load_a = LoadDataFromDicts(name="load_a", data=[{"instruction": x} for x in a])
        load_b = LoadDataFromDicts(name="load_b", data=[{"instruction": x} for x in b])
        task = TextGeneration(name="generate", input_batch_size=4, llm=MemoryBatchLLM(
            use_offline_batch_generation=True, offline_batch_generation_block_until_done=0))
        [load_a, load_b] >> task
    return pipeline


def test_rows_of_two_predecessors_go_in_one_job_and_commit_in_input_batches(
    cache_dir: Path,
) -> None:
    a = [f"a{i}" for i in range(5)]
    b = [f"b{i}" for i in range(7)]
    rows = build(a, b).run(show_progress=False)["generate"].to_list()
    assert [r["generation"] for r in rows] == [x.upper() for x in a + b]
    assert list(MemoryBatchLLM.jobs) == ["job-0"] and len(MemoryBatchLLM.jobs["job-0"]) == 12
    store = Path(glob.glob(str(cache_dir / "pipelines" / "memory-batch" / "*" / "steps"
                               / "generate"))[0])
    headers = [json.loads(line.partition(b"\t")[0])
               for line in (store / "batches.jsonl").read_bytes().splitlines()]
    assert [(h["n"], h["c"]) for h in headers] == [
        (4, {"load_a": 4, "load_b": 0}), (4, {"load_a": 5, "load_b": 3}),
        (4, {"load_a": 5, "load_b": 7})]


def test_a_row_that_cannot_be_formatted_fails_alone_and_is_never_sent() -> None:
    rows = build(["x", None, "y"], ["z"]).run(show_progress=False)["generate"].to_list()
    assert [r["generation"] for r in rows] == ["X", None, "Y", "Z"]
    assert "missing or None" in rows[1]["distilabel_metadata"]["error_generate"]
    assert [r["text"] for r in MemoryBatchLLM.jobs["job-0"]] == ["x", "y", "z"]


def test_a_request_too_large_for_any_job_names_its_row() -> None:
    from distilabel.pipeline._engine import StepFailedError

    MemoryBatchLLM.batch_max_bytes = 40
    try:
        with pytest.raises(StepFailedError, match=r"'load_a:1' is \d+ bytes, more than a"):
            build(["ok", "x" * 60], ["ok"]).run(show_progress=False)
    finally:
        MemoryBatchLLM.batch_max_bytes = OfflineBatchGeneration.batch_max_bytes
    assert MemoryBatchLLM.jobs == {}
