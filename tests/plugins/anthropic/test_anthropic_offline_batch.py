"""Offline batch generation with ``AnthropicLLM`` through Message Batches, against the
local Message Batches server: one job, generations joined, failures, expiry, re-attach."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

import pytest
from anthropic_batch_server import MessageBatchServer, MessageBatchState
from offline_batch_runs import answered, run

from distilabel.llms import AnthropicLLM
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("DISTILABEL_CACHE_DIR", str(path))
    return path


@pytest.fixture
def state() -> MessageBatchState:
    return MessageBatchState()


@pytest.fixture
def server(state: MessageBatchState) -> Iterator[MessageBatchServer]:
    with MessageBatchServer(state) as srv:
        yield srv


def build(server: MessageBatchServer, rows: int, wait: Optional[float] = 0.01,
          **task: Any) -> Pipeline:
    with Pipeline(name="anthropic-batch") as pipeline:
        load = LoadDataFromDicts(
            name="load", data=[{"instruction": f"say {i} please"} for i in range(rows)]
        )
        llm = AnthropicLLM(
            model="claude-3-5-haiku-latest", base_url=server.base_url, api_key="sk-ant-local",
            use_offline_batch_generation=True, offline_batch_generation_block_until_done=wait,
        )
        load >> TextGeneration(name="generate", llm=llm, system_prompt="Be brief.", **task)
    return pipeline


def test_a_batch_run_answers_every_row_through_one_message_batch(
    server: MessageBatchServer, state: MessageBatchState
) -> None:
    distiset = run(build(server, 25))
    rows = distiset["generate"].to_list()
    assert len(rows) == 25 and answered(rows) == 25
    assert state.created == 1 and state.requests == [25]
    params = state.inputs[next(iter(state.inputs))][0]["params"]
    assert params["system"] == "Be brief." and params["max_tokens"] == 128
    assert rows[0]["distilabel_metadata"]["statistics_generate"] == {
        "input_tokens": 3, "output_tokens": 3}
    assert distiset.summary is not None and distiset.summary.steps["generate"].batch


def test_several_generations_are_one_request_each_joined_per_row(
    server: MessageBatchServer, state: MessageBatchState
) -> None:
    rows = run(build(server, 4, num_generations=3, group_generations=True))["generate"]
    assert [r["generation"] for r in rows.to_list()] == [
        [f"say {i} please"[::-1]] * 3 for i in range(4)]
    assert state.requests == [12]


def test_errored_and_expired_requests_are_row_errors_and_a_rerun_sends_only_them(
    server: MessageBatchServer, state: MessageBatchState
) -> None:
    state.fail_custom_ids = {"row-1"}
    state.expire_after = 10
    pipeline = build(server, 20)
    rows = run(pipeline)["generate"].to_list()
    assert answered(rows) == 9
    errors = [r["distilabel_metadata"].get("error_generate") for r in rows]
    assert "api_error" in str(errors[1]) and "(expired)" in str(errors[15])
    state.fail_custom_ids, state.expire_after = set(), None
    rows = run(pipeline)["generate"].to_list()
    assert answered(rows) == 20 and state.requests == [20, 11]


def test_a_non_blocking_run_returns_and_the_rerun_reattaches(
    server: MessageBatchServer, state: MessageBatchState
) -> None:
    state.hold = True
    pipeline = build(server, 8, wait=None)
    first = run(pipeline)
    assert first.complete is False
    assert first.summary is not None and first.summary.steps["generate"].state == "pending"
    state.hold = False
    rows = run(pipeline)["generate"].to_list()
    assert answered(rows) == 8 and state.created == 1


def test_a_cancelled_batch_leaves_its_rows_failed(
    server: MessageBatchServer, state: MessageBatchState
) -> None:
    state.hold = True
    pipeline = build(server, 3, wait=None)
    assert run(pipeline).complete is False
    llm = pipeline.dag.steps["generate"].llm  # type: ignore[attr-defined]
    llm.cancel_batch(next(iter(state.batches)))
    rows = run(pipeline, max_failed_fraction=1.0)["generate"].to_list()
    assert all("(canceled)" in r["distilabel_metadata"]["error_generate"] for r in rows)
