"""Running pipelines with the local engine: rows, streaming, concurrency, failures."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pipeline_test_llms as llms
import pytest
from pipeline_test_llms import EchoLLM, SleepyAsyncLLM
from pydantic import validate_call

from distilabel.llms import AsyncLLM
from distilabel.llms.typing import GenerateOutput
from distilabel.pipeline import Pipeline, StepFailedError
from distilabel.steps import (
    CombineOutputs,
    GeneratorStep,
    GeneratorStepOutput,
    GroupColumns,
    KeepColumns,
    LoadDataFromDicts,
    LoadDataFromFileSystem,
    StepInput,
    StepOutput,
    step,
)
from distilabel.steps.tasks import TextGeneration
from distilabel.steps.tasks.typing import ChatType


class SomeLLM(AsyncLLM):
    """A custom LLM as the original docs write one."""

    @property
    def model_name(self) -> str:
        return "my-model"

    @validate_call
    async def agenerate(
        self, input: ChatType, num_generations: int = 1, **kwargs: Any
    ) -> GenerateOutput:
        return [f"Once upon a time (t={kwargs.get('temperature')})"] * num_generations  # type: ignore[return-value]


def test_the_issue_snippet_runs_verbatim() -> None:
    with Pipeline(name="text-generation-pipeline") as pipeline:
        load_dataset = LoadDataFromDicts(name="load_dataset", data=[{"instruction": "Write a short story ..."}])  # noqa: E501
        text_generation = TextGeneration(name="text_generation", llm=SomeLLM())
        load_dataset >> text_generation

    distiset = pipeline.run(parameters={text_generation.name: {"llm": {"generation_kwargs": {"temperature": 0.3}}}})  # noqa: E501
    assert list(distiset) == ["text_generation"]
    (row,) = distiset["text_generation"]
    assert row["instruction"] == "Write a short story ..."
    assert row["generation"] == "Once upon a time (t=0.3)"
    assert row["model_name"] == "my-model"
    assert row["distilabel_metadata"]["raw_output_text_generation"] == row["generation"]
    assert distiset["default"] is distiset["text_generation"] and distiset.complete


def test_rows_stream_through_a_sync_llm_in_order() -> None:
    data = [{"instruction": f"q{i}"} for i in range(23)]
    with Pipeline(name="sync") as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=4)
        generate = TextGeneration(name="generate", llm=EchoLLM(prefix="s"), input_batch_size=5)
        load >> generate
    rows = pipeline.run()["generate"]
    assert [r["generation"] for r in rows] == [f"s:q{i}:t=1.0" for i in range(23)]
    assert llms.CALLS["s"] == 23


def test_async_requests_flow_across_batches_up_to_max_concurrency() -> None:
    data = [{"instruction": f"q{i}"} for i in range(60)]
    with Pipeline(name="concurrency") as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=5)
        generate = TextGeneration(
            name="generate", input_batch_size=4,
            llm=SleepyAsyncLLM(prefix="c", delay=0.02, max_concurrency=8),
        )
        load >> generate
    rows = pipeline.run()["generate"]
    assert [r["generation"] for r in rows] == [f"c:q{i}:t=1.0" for i in range(60)]
    assert llms.MAX_IN_FLIGHT["c"] == 8  # 8 > input_batch_size: batches overlap


def test_one_slow_request_does_not_stall_the_batches_after_it() -> None:
    """Batches are committed in order, but while one request is slow the requests of
    the batches after it keep flowing (up to the backlog bound)."""
    data = [{"instruction": f"q{i}"} for i in range(60)]
    with Pipeline(name="slow-request") as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=10)
        generate = TextGeneration(
            name="generate", input_batch_size=2,
            llm=SleepyAsyncLLM(
                prefix="s", delay=0.01, max_concurrency=4, slow_on="q0", slow_delay=2.0
            ),
        )
        load >> generate
    rows = pipeline.run(show_progress=False)["generate"]
    assert [r["generation"] for r in rows] == [f"s:q{i}:t=1.0" for i in range(60)]
    # 5 batches of 2 may be answered at once; if their slots waited for the in-order
    # commits, q0 (2 s) would stall everything after q9.
    assert llms.ANSWERED["s"].index("q0") >= 15, llms.ANSWERED["s"]


def test_failing_rows_keep_their_place_and_the_run_goes_on() -> None:
    data = [{"instruction": "boom" if i % 7 == 3 else f"ok {i}"} for i in range(20)]
    with Pipeline(name="row-errors") as pipeline:
        load = LoadDataFromDicts(name="load", data=data)
        generate = TextGeneration(name="generate", llm=SleepyAsyncLLM(prefix="e"))
        load >> generate
    rows = pipeline.run()["generate"]
    failed = [i for i, r in enumerate(rows) if r["generation"] is None]
    assert failed == [3, 10, 17]
    assert rows[3]["distilabel_metadata"]["error_generate"] == (
        "RuntimeError: cannot answer 'boom'")
    assert llms.CALLS["e"] == 17


def test_downstream_starts_on_the_first_batch() -> None:
    first_batch_seen = threading.Event()

    class Slow(GeneratorStep):
        @property
        def outputs(self) -> list[str]:
            return ["n"]

        def process(self, offset: int = 0) -> GeneratorStepOutput:  # type: ignore[override]
            yield [{"n": 0}], False
            # Only a streaming engine lets the next step see batch one while we wait here.
            assert first_batch_seen.wait(timeout=30), "downstream never got the first batch"
            yield [{"n": 1}], True

    @step(inputs=["n"])
    def Watch(inputs: StepInput) -> StepOutput:
        first_batch_seen.set()
        yield inputs

    with Pipeline(name="streaming") as pipeline:
        Slow(name="slow") >> Watch(name="watch", input_batch_size=1)
    assert [r["n"] for r in pipeline.run()["watch"]] == [0, 1]


def test_a_sync_llm_is_loaded_and_called_on_one_thread_of_its_own() -> None:
    # Native backends keep per-thread state (llama.cpp's and torch's OpenMP teams), so
    # load, every generate and unload of a step must happen on the same thread.
    seen: dict[str, set[int]] = {"load": set(), "generate": set(), "unload": set()}

    class ThreadRecordingLLM(EchoLLM):
        def load(self) -> None:
            seen["load"].add(threading.get_ident())

        def generate(self, inputs: Any, num_generations: int = 1, **kwargs: Any) -> Any:
            seen["generate"].add(threading.get_ident())
            return super().generate(inputs, num_generations, **kwargs)

        def unload(self) -> None:
            seen["unload"].add(threading.get_ident())

    with Pipeline(name="thread-affinity") as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": f"q{i}"} for i in range(40)], batch_size=4)
        first = TextGeneration(name="first", llm=ThreadRecordingLLM(), input_batch_size=4)
        load >> first
    rows = pipeline.run(use_cache=False)["first"]
    assert len(rows) == 40
    assert len(seen["generate"]) == 1, "generate ran on several threads"
    assert seen["load"] == seen["generate"] == seen["unload"]
    assert threading.get_ident() not in seen["generate"]  # not on the event loop's thread


def test_fan_out_and_fan_in_with_combine_and_group() -> None:
    data = [{"instruction": f"q{i}"} for i in range(9)]
    with Pipeline(name="fan") as pipeline:
        load = LoadDataFromDicts(name="load", data=data, batch_size=4)
        left = TextGeneration(name="left", llm=EchoLLM(prefix="l"),
                              output_mappings={"generation": "left_generation"})
        right = TextGeneration(name="right", llm=SleepyAsyncLLM(prefix="r"),
                               output_mappings={"generation": "right_generation"})
        combine = CombineOutputs(name="combine")
        gen_a = TextGeneration(name="gen_a", llm=EchoLLM(prefix="a"))
        gen_b = TextGeneration(name="gen_b", llm=EchoLLM(prefix="b"), input_batch_size=2)
        group = GroupColumns(name="group", columns=["generation"])
        load >> [left, right] >> combine
        load >> [gen_a, gen_b] >> group
    distiset = pipeline.run()
    assert set(distiset) == {"combine", "group"}
    combined = distiset["combine"].to_list()
    assert [(r["left_generation"], r["right_generation"]) for r in combined] == [
        (f"l:q{i}:t=1.0", f"r:q{i}:t=1.0") for i in range(9)]
    assert set(combined[0]["distilabel_metadata"]) >= {"raw_output_left", "raw_output_right"}
    grouped = distiset["group"].to_list()
    assert [r["grouped_generation"] for r in grouped] == [
        [f"a:q{i}:t=1.0", f"b:q{i}:t=1.0"] for i in range(9)]


def test_a_global_step_sees_every_row_at_once() -> None:
    @step(inputs=["n"], step_type="global")
    def Total(inputs: StepInput) -> StepOutput:
        yield [{"total": sum(r["n"] for r in inputs), "rows": len(inputs)}]

    with Pipeline(name="global") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"n": i} for i in range(101)], batch_size=7)
        load >> Total(name="total")
    assert pipeline.run()["total"].to_list() == [{"total": 5050, "rows": 101}]


def test_a_failing_step_stops_the_run_naming_the_step() -> None:
    @step(inputs=["n"])
    def Explode(inputs: StepInput) -> StepOutput:
        if any(r["n"] == 13 for r in inputs):
            raise ZeroDivisionError("thirteen")
        yield inputs

    with Pipeline(name="explode") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"n": i} for i in range(40)], batch_size=5)
        load >> Explode(name="explode", input_batch_size=5)
    with pytest.raises(StepFailedError, match="Step 'explode' failed: ZeroDivisionError:"
                       " thirteen") as err:
        pipeline.run()
    assert err.value.step == "explode"


def test_a_load_failure_is_reported_with_the_step(tmp_path: Path) -> None:
    with Pipeline(name="load-failure") as pipeline:
        files = LoadDataFromFileSystem(name="files", data_files=str(tmp_path / "none.jsonl"))
        files >> KeepColumns(name="keep", columns=["a"])
    with pytest.raises(StepFailedError, match=r"Step 'files' failed: DistilabelUserError: Data"
                       r" file .* does not exist"):
        pipeline.run()


def test_file_loader_parameters_come_from_run(tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").write_text('{"instruction": "a"}\n{"instruction": "b"}\n')
    with Pipeline(name="files") as pipeline:
        files = LoadDataFromFileSystem(name="files")
        files >> TextGeneration(name="generate", llm=EchoLLM(prefix="f"))
    distiset = pipeline.run(parameters={"files": {"data_files": str(tmp_path / "*.jsonl")}})
    assert [r["generation"] for r in distiset["generate"]] == ["f:a:t=1.0", "f:b:t=1.0"]


def small_pipeline(name: str) -> Pipeline:
    with Pipeline(name=name) as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": f"q{i}"} for i in range(5)])
        load >> TextGeneration(name="generate", llm=SleepyAsyncLLM(prefix=name))
    return pipeline


def test_run_works_inside_a_running_event_loop() -> None:
    import asyncio

    async def notebook_cell() -> int:
        return len(small_pipeline("in-loop").run()["generate"])  # as in Jupyter

    assert asyncio.run(notebook_cell()) == 5


def test_fsync_mode_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISTILABEL_FSYNC", "1")
    assert len(small_pipeline("fsync").run()["generate"]) == 5


def test_a_run_directory_in_use_is_refused() -> None:
    from distilabel.errors import DistilabelUserError
    from distilabel.pipeline.storage._store import RunLock

    pipeline = small_pipeline("locked")
    lock = RunLock(pipeline.run_dir / "lock")
    lock.acquire()
    try:
        with pytest.raises(DistilabelUserError, match="Another process is running this"):
            pipeline.run()
    finally:
        lock.release()
    assert len(pipeline.run()["generate"]) == 5
