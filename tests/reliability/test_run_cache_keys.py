"""Cache keys: a knob that only changes speed never re-sends a request, adding a step
after the LLM step reuses every step before it, and what does invalidate a step's rows
is logged with the field that changed. Requests are counted at a loopback server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from run_faults import (
    ScriptedLLM,
    cache_dir,  # noqa: F401  (the autouse fixture)
)

from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts
from distilabel.steps.tasks import TextGeneration

openai_testing = pytest.importorskip("distilabel_openai.testing")

ROWS = [f"question {i}" for i in range(30)]


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    fake = openai_testing.FakeOpenAIServer().start_in_thread()
    yield fake
    fake.stop_thread()


def openai_llm(server: Any, model: str = "echo-model", **fields: Any) -> Any:
    from distilabel_openai import OpenAILLM

    return OpenAILLM(model=model, base_url=server.base_url, api_key="sk-cache-keys", **fields)


def build(server: Any, judge: bool = False, side: bool = False, **llm: Any) -> Pipeline:
    """``load >> gen`` (and ``>> judge``, and ``load >> side``, when asked)."""
    with Pipeline(name="cache-keys") as pipeline:
        load = LoadDataFromDicts(name="load", data=[{"instruction": r} for r in ROWS],
                                 batch_size=10)
        gen = TextGeneration(name="gen", llm=openai_llm(server, **llm), input_batch_size=10)
        load >> gen
        if judge:
            gen >> TextGeneration(
                name="judge", llm=openai_llm(server, model="judge-model"),
                input_mappings={"instruction": "generation"},
                output_mappings={"generation": "verdict"},
            )
        if side:
            load >> TextGeneration(name="side", llm=openai_llm(server, model="side-model"))
    return pipeline


def sent(server: Any, model: str) -> int:
    """Requests the server saw for ``model`` (all prompts)."""
    return sum(n for (m, _p), n in server.stats.by_prompt.items() if m == model)


@pytest.fixture(autouse=True)
def fresh_counts(server: Any) -> None:
    server.stats.by_prompt.clear()
    server.stats.requests = 0


def test_speed_only_knobs_never_resend_a_request(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    first = build(server, generation_kwargs={"temperature": 0.3}).run(show_progress=False)
    assert server.stats.requests == len(ROWS)
    caplog.set_level(logging.INFO, logger="distilabel.pipeline")
    again = build(
        server, generation_kwargs={"temperature": 0.3}, max_throttle_wait=900.0, timeout=5.0,
        max_retries=1, max_concurrency=3,
    ).run(
        parameters={"gen": {"input_batch_size": 7}, "load": {"batch_size": 4}},
        show_progress=False,
    )
    assert server.stats.requests == len(ROWS), "a speed-only knob re-sent requests"
    assert again["gen"].to_list() == first["gen"].to_list()
    assert "recomputing" not in caplog.text


def test_adding_a_step_after_the_llm_step_reuses_every_step_before_it(server: Any) -> None:
    first = build(server).run(show_progress=False)
    assert sent(server, "echo-model") == len(ROWS)
    grown = build(server, judge=True, side=True).run(show_progress=False)
    assert sent(server, "echo-model") == len(ROWS), "the LLM step before the new one re-ran"
    assert sent(server, "judge-model") == len(ROWS)
    assert sent(server, "side-model") == len(ROWS)
    judged = grown["judge"].to_list()
    assert [r["generation"] for r in judged] == [r["generation"] for r in first["gen"].to_list()]
    assert all(r["verdict"] for r in judged)
    # and taking the new steps away again reuses what is left
    build(server).run(show_progress=False)
    assert sent(server, "echo-model") == len(ROWS)


def test_what_invalidates_is_logged_with_the_field_and_the_step(
    server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    build(server, judge=True, generation_kwargs={"temperature": 0.3}).run(show_progress=False)
    caplog.set_level(logging.INFO, logger="distilabel.pipeline")
    build(server, judge=True, generation_kwargs={"temperature": 0.7}).run(show_progress=False)
    assert sent(server, "echo-model") == 2 * len(ROWS)
    messages = [r.getMessage() for r in caplog.records if "recomputing" in r.getMessage()]
    assert messages == [
        "Step 'gen': recomputing, its cached rows are not reused:"
        " llm.generation_kwargs.temperature changed from 0.3 to 0.7.",
        "Step 'judge': recomputing, its cached rows are not reused:"
        " its input step(s) 'gen' changed.",
    ]
    assert "sk-cache-keys" not in caplog.text


class PooledLLM(ScriptedLLM):
    """A custom LLM declaring a field of its own as speed-only."""

    speed_only_fields: ClassVar[frozenset[str]] = frozenset({"pool_size"})
    pool_size: int = 1


def test_a_class_declares_its_own_speed_only_fields() -> None:
    from run_faults import SENT, generation_pipeline

    generation_pipeline(ROWS, PooledLLM(pool_size=1)).run(show_progress=False)
    generation_pipeline(ROWS, PooledLLM(pool_size=8)).run(show_progress=False)
    assert sum(SENT.values()) == len(ROWS)
