"""Durable progress: reruns reuse finished work, resume unfinished work, and recompute
exactly the steps whose output-affecting parameters changed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pipeline_test_llms as llms
import pytest
from pipeline_test_llms import EchoLLM, SleepyAsyncLLM

from distilabel.pipeline import Pipeline, StepFailedError
from distilabel.steps import LoadDataFromDicts, StepInput, StepOutput, step
from distilabel.steps.tasks import TextGeneration

FAIL_AT: dict[str, int] = {}


@step(inputs=["instruction"])
def Gate(inputs: StepInput) -> StepOutput:
    """Fails on the row whose index is FAIL_AT['gate'] (when set)."""
    for row in inputs:
        if row["index"] == FAIL_AT.get("gate"):
            raise RuntimeError("gate closed")
    yield inputs


def build(n: int = 100, temperature: float = 1.0) -> Pipeline:
    data = [{"instruction": f"q{i}", "index": i} for i in range(n)]
    with Pipeline(name="resumable") as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=10)
        first = TextGeneration(name="first", input_batch_size=10,
                               llm=SleepyAsyncLLM(prefix="first", delay=0.001,
                                                  max_concurrency=16))
        second = TextGeneration(name="second", llm=EchoLLM(prefix="second"), input_batch_size=8,
                                input_mappings={"instruction": "generation"},
                                output_mappings={"generation": "second_generation"})
        side = TextGeneration(name="side", llm=EchoLLM(prefix="side"))
        load >> first >> Gate(name="gate", input_batch_size=10) >> second
        load >> side
    second.llm.generation_kwargs = {"temperature": temperature}
    return pipeline


def check_rows(rows: list[dict[str, object]], n: int = 100, temperature: float = 1.0) -> None:
    assert [r["index"] for r in rows] == list(range(n))
    assert [r["second_generation"] for r in rows] == [
        f"second:first:q{i}:t=1.0:t={temperature}" for i in range(n)]


def test_a_second_run_reuses_everything() -> None:
    first = build().run()
    calls = dict(llms.CALLS)
    assert calls == {"first": 100, "second": 100, "side": 100}
    again = build().run()
    assert dict(llms.CALLS) == calls
    check_rows(again["second"].to_list())
    assert again["side"].to_list() == first["side"].to_list()


def test_a_failed_run_resumes_without_repeating_llm_calls() -> None:
    FAIL_AT["gate"] = 55
    with pytest.raises(StepFailedError, match="Step 'gate' failed: RuntimeError: gate closed"):
        build().run()
    assert 50 <= llms.CALLS["first"] <= 100
    FAIL_AT.clear()
    distiset = build().run()
    assert llms.CALLS["first"] == 100  # each row answered exactly once over both runs
    assert llms.CALLS["side"] == 100
    check_rows(distiset["second"].to_list())


def test_changing_a_parameter_recomputes_exactly_the_affected_steps() -> None:
    build().run()
    assert dict(llms.CALLS) == {"first": 100, "second": 100, "side": 100}
    distiset = build(temperature=0.25).run()
    assert dict(llms.CALLS) == {"first": 100, "second": 200, "side": 100}
    check_rows(distiset["second"].to_list(), temperature=0.25)


def test_speed_only_parameters_keep_the_cache() -> None:
    build().run()
    pipeline = build()
    pipeline.run(parameters={"first": {"input_batch_size": 3, "llm": {"max_concurrency": 2}},
                             "load": {"batch_size": 7}})
    assert dict(llms.CALLS) == {"first": 100, "second": 100, "side": 100}


def test_use_cache_false_recomputes_everything() -> None:
    build().run()
    distiset = build().run(use_cache=False)
    assert dict(llms.CALLS) == {"first": 200, "second": 200, "side": 200}
    check_rows(distiset["second"].to_list())


def test_a_torn_last_batch_is_cut_off_and_redone(cache_dir: Path) -> None:
    pipeline = build()
    pipeline.run()
    store = pipeline.run_dir / "steps" / "second"
    lines = (store / "batches.jsonl").read_bytes().splitlines(keepends=True)
    # A crash in the middle of writing the last batch: half a line, no done marker.
    (store / "batches.jsonl").write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    (store / "done.json").unlink()
    distiset = build().run()
    check_rows(distiset["second"].to_list())
    assert llms.CALLS["second"] == 100 + 100 % 8  # only the torn batch's rows were redone
    assert (store / "batches.jsonl").read_bytes().count(b"\n") == len(lines)


def test_journaled_answers_are_not_requested_again(cache_dir: Path) -> None:
    pipeline = build(n=20)
    pipeline.run()
    store = pipeline.run_dir / "steps" / "first"
    # Pretend the run died after answering rows 10-19 but before committing their batch.
    lines = (store / "batches.jsonl").read_bytes().splitlines(keepends=True)
    (store / "batches.jsonl").write_bytes(lines[0])
    (store / "done.json").unlink()
    answers = [[f"load:{i}", {"generations": [f"first:q{i}:t=1.0"], "statistics": {}}]
               for i in range(10, 20)]
    (store / "journal.jsonl").write_text(json.dumps(answers) + "\n")
    llms.reset()
    distiset = build(n=20).run()
    assert llms.CALLS["first"] == 0
    check_rows(distiset["second"].to_list(), n=20)


TOTAL_CALLS: list[int] = []


@step(inputs=["index"], outputs=["total"], step_type="global")
def Total(inputs: StepInput) -> StepOutput:
    TOTAL_CALLS.append(len(inputs))
    yield [{"total": sum(r["index"] for r in inputs)}]


@step(inputs=["total"], outputs=["double"])
def Double(inputs: StepInput) -> StepOutput:
    yield [{**r, "double": 2 * r["total"]} for r in inputs]


def test_a_global_step_committed_before_a_crash_is_not_run_again() -> None:
    def build_global() -> Pipeline:
        with Pipeline(name="global-resume") as pipeline:
            load = LoadDataFromDicts(name="load", data=[{"index": i} for i in range(30)],
                                     batch_size=7)
            load >> Total(name="total") >> Double(name="double")
        return pipeline

    TOTAL_CALLS.clear()
    pipeline = build_global()
    assert pipeline.run()["double"].to_list() == [{"total": 435, "double": 870}]
    steps = pipeline.run_dir / "steps"
    # A crash right after the global step's atomic commit, before it was marked done and
    # before its successor ran.
    (steps / "total" / "done.json").unlink()
    for path in (steps / "double").iterdir():
        path.unlink()
    assert build_global().run()["double"].to_list() == [{"total": 435, "double": 870}]
    assert TOTAL_CALLS == [30]


class UnevenLLM(SleepyAsyncLLM):
    """Every fifth row is slow, so later batches finish before earlier ones commit."""

    async def agenerate(  # type: ignore[override]
        self, input: Any, num_generations: int = 1, temperature: float = 1.0
    ) -> Any:
        if int(input[-1]["content"][1:]) % 5 == 0:
            await asyncio.sleep(0.02)
        return await super().agenerate(input, num_generations, temperature=temperature)


def test_journal_compaction_keeps_every_uncommitted_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from distilabel.pipeline.local import _async_runner
    from distilabel.pipeline.storage._store import StepStore

    compactions: list[int] = []
    rewrite = StepStore.rewrite_journal

    def counting_rewrite(self: StepStore, entries: list[tuple[str, object]]) -> None:
        compactions.append(len(entries))
        rewrite(self, entries)

    monkeypatch.setattr(_async_runner, "JOURNAL_COMPACT_MIN", 0)
    monkeypatch.setattr(StepStore, "rewrite_journal", counting_rewrite)

    def build_uneven() -> Pipeline:
        data = [{"instruction": f"q{i}", "index": i} for i in range(200)]
        with Pipeline(name="uneven") as pipeline:
            load = LoadDataFromDicts(name="load", data=data, batch_size=10)
            first = TextGeneration(name="first", input_batch_size=3,
                                   llm=UnevenLLM(prefix="first", max_concurrency=6))
            load >> first >> Gate(name="gate", input_batch_size=10)
        return pipeline

    FAIL_AT["gate"] = 150
    with pytest.raises(StepFailedError):
        build_uneven().run()
    FAIL_AT.clear()
    distiset = build_uneven().run()
    assert compactions and any(compactions)  # answers in flight were carried over
    assert llms.CALLS["first"] == 200
    assert [r["index"] for r in distiset["gate"]] == list(range(200))


def test_editing_a_data_file_recomputes_what_reads_it(tmp_path: Path) -> None:
    from distilabel.steps import LoadDataFromFileSystem

    data = tmp_path / "data.jsonl"
    data.write_text('{"instruction": "a"}\n')

    def build_files() -> Pipeline:
        with Pipeline(name="files-cache") as pipeline:
            load = LoadDataFromFileSystem(name="load", data_files=str(data))
            load >> TextGeneration(name="generate", llm=EchoLLM(prefix="file"))
        return pipeline

    assert [r["generation"] for r in build_files().run()["generate"]] == ["file:a:t=1.0"]
    assert [r["generation"] for r in build_files().run()["generate"]] == ["file:a:t=1.0"]
    assert llms.CALLS["file"] == 1
    data.write_text('{"instruction": "a"}\n{"instruction": "bb"}\n')
    rows = build_files().run()["generate"]
    assert [r["generation"] for r in rows] == ["file:a:t=1.0", "file:bb:t=1.0"]
    assert llms.CALLS["file"] == 3
