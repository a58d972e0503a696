"""Fault behaviour against our fault-injecting fake server: every row ends generated or with
a clear error of its own, retries happen as configured, and the API key never leaks."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from distilabel.llms.typing import GenerateOutput
from distilabel.typing import ChatType
from distilabel_openai import OpenAILLM, OpenAIRequestError
from distilabel_openai.testing import FakeOpenAIServer


def _chat(text: str) -> ChatType:
    return [{"role": "user", "content": text}]


@pytest.fixture
def server(fake_server: FakeOpenAIServer) -> FakeOpenAIServer:
    fake_server.reset_stats()
    return fake_server


@pytest.fixture
def make_llm(server: FakeOpenAIServer, api_key: str) -> Iterator[Any]:
    """Build and load an OpenAILLM on the fake server; unloaded after the test."""
    made: list[OpenAILLM] = []

    def make(model: str = "echo", **kwargs: Any) -> OpenAILLM:
        llm = OpenAILLM(model=model, base_url=server.base_url, api_key=api_key, **kwargs)
        llm.load()
        made.append(llm)
        return llm

    yield make
    for llm in made:
        llm.unload()


def _isolated(llm: OpenAILLM, prompts: list[str], **kwargs: Any) -> list[Any]:
    return llm.generate_outputs_isolated([_chat(p) for p in prompts], **kwargs)


def _generated(result: Any) -> bool:
    return isinstance(result, dict) and all(isinstance(g, str) for g in result["generations"])


# -- success path ----------------------------------------------------------------------------


def test_generate_returns_texts_and_usage_statistics(make_llm: Any) -> None:
    llm = make_llm()
    [output] = llm.generate([_chat("hello there")], max_new_tokens=16)
    assert output["generations"] == ["Echo 0: hello there"]
    assert output["statistics"] == {"input_tokens": [6], "output_tokens": [4]}


def test_num_generations_uses_n_in_one_request(make_llm: Any, server: FakeOpenAIServer) -> None:
    llm = make_llm()
    [output] = llm.generate([_chat("several")], num_generations=3)
    assert output["generations"] == ["Echo 0: several", "Echo 1: several", "Echo 2: several"]
    assert server.stats.requests == 1
    assert output["statistics"]["output_tokens"] == [3, 3, 3]


def test_server_ignoring_n_gets_separate_requests(make_llm: Any, server: FakeOpenAIServer) -> None:
    llm = make_llm("fault:ignore-n:*")
    [first] = llm.generate([_chat("one")], num_generations=3)
    assert len(first["generations"]) == 3
    assert server.stats.requests == 3  # n=3 answered with 1 choice, then 2 more
    [second] = llm.generate([_chat("two")], num_generations=3)
    assert len(second["generations"]) == 3
    assert server.stats.requests == 6  # known now: 3 single requests, no wasted n=3
    assert second["statistics"]["input_tokens"] == [5, 5, 5]


def test_logprobs_are_returned_per_generation(make_llm: Any) -> None:
    llm = make_llm()
    [output] = llm.generate([_chat("ab cd")], num_generations=2, logprobs=True, top_logprobs=1)
    assert len(output["logprobs"]) == 2
    first = output["logprobs"][0]
    assert [candidates[0]["token"] for candidates in first] == ["Echo", "0:", "ab", "cd"]
    assert output["statistics"]["output_tokens"] == [4, 4]


def test_max_concurrency_bounds_requests_in_flight(api_key: str) -> None:
    slow = FakeOpenAIServer(latency=0.05).start_in_thread()
    try:
        llm = OpenAILLM(model="echo", base_url=slow.base_url, api_key=api_key, max_concurrency=4)
        llm.load()
        try:
            outputs = llm.generate_outputs([_chat(f"row {i}") for i in range(20)])
        finally:
            llm.unload()
        assert [o["generations"][0] for o in outputs] == [f"Echo 0: row {i}" for i in range(20)]
        assert slow.stats.max_in_flight == 4
    finally:
        slow.stop_thread()


# -- retries ---------------------------------------------------------------------------------


def test_429_is_retried_after_retry_after_without_using_max_retries(
    make_llm: Any, server: FakeOpenAIServer
) -> None:
    llm = make_llm("fault:429:3", max_retries=0)
    prompts = [f"throttled {i}" for i in range(4)]
    results = _isolated(llm, prompts)
    assert all(_generated(r) for r in results), results
    assert [server.stats.attempts("fault:429:3", p) for p in prompts] == [4, 4, 4, 4]
    assert llm.limiter.throttle_events == 12


def test_429_storm_slows_down_and_every_row_completes(
    make_llm: Any, server: FakeOpenAIServer
) -> None:
    llm = make_llm("fault:storm:0.4", max_retries=0, max_concurrency=16)
    results = _isolated(llm, [f"storm {i}" for i in range(40)])
    assert all(_generated(r) for r in results)
    assert server.stats.statuses[429] > 0
    assert llm.limiter.throttle_events == server.stats.statuses[429]
    assert llm.limiter.limit < 16  # concurrency was halved and is still growing back


def test_persistent_429_fails_after_max_throttle_wait(make_llm: Any) -> None:
    llm = make_llm("fault:429:*", max_throttle_wait=0.2)
    [result] = _isolated(llm, ["never"])
    assert isinstance(result, OpenAIRequestError)
    assert result.status == 429
    assert "still rate limited" in str(result) and "max_throttle_wait" in str(result)


def test_500s_are_retried(make_llm: Any, server: FakeOpenAIServer) -> None:
    llm = make_llm("fault:500:2", max_retries=2)
    results = _isolated(llm, ["flaky a", "flaky b"])
    assert all(_generated(r) for r in results)
    assert server.stats.attempts("fault:500:2", "flaky a") == 3


def test_500s_beyond_max_retries_fail_that_row_only(
    make_llm: Any, server: FakeOpenAIServer
) -> None:
    llm = make_llm(max_retries=2)
    results = _isolated(llm, ["fine 1", "fault:500:* broken", "fine 2"])
    assert _generated(results[0]) and _generated(results[2])
    error = results[1]
    assert isinstance(error, OpenAIRequestError)
    assert (error.status, error.attempts) == (500, 3)
    assert server.stats.attempts("echo", "fault:500:* broken") == 3
    message = str(error)
    assert "HTTP 500" in message and "max_retries=2" in message
    assert server.base_url in message and "'echo'" in message


def test_hanging_request_times_out_and_is_retried(
    make_llm: Any, server: FakeOpenAIServer
) -> None:
    llm = make_llm("fault:hang:1", timeout=0.3, max_retries=1)
    [result] = _isolated(llm, ["slow start"])
    assert _generated(result)
    assert server.stats.attempts("fault:hang:1", "slow start") == 2


def test_request_that_always_hangs_fails_with_timeout_message(make_llm: Any) -> None:
    llm = make_llm("fault:hang:*", timeout=0.2, max_retries=1)
    [result] = _isolated(llm, ["stuck"])
    assert isinstance(result, OpenAIRequestError)
    assert result.status is None and result.attempts == 2
    assert "no answer within timeout=0.2 s" in str(result)


def test_connection_reset_is_retried(make_llm: Any, server: FakeOpenAIServer) -> None:
    llm = make_llm("fault:reset:1", max_retries=1)
    [result] = _isolated(llm, ["reset me"])
    assert _generated(result)
    assert server.stats.resets == 1
    assert server.stats.attempts("fault:reset:1", "reset me") == 2


def test_malformed_json_is_retried_then_reported(make_llm: Any) -> None:
    llm = make_llm(max_retries=1)
    once, always = _isolated(llm, ["fault:badjson:1 once", "fault:badjson:* always"])
    assert _generated(once)
    assert isinstance(always, OpenAIRequestError)
    assert "unreadable body" in str(always) and always.attempts == 2


def test_client_errors_are_not_retried(make_llm: Any, server: FakeOpenAIServer) -> None:
    llm = make_llm("fault:401:*", max_retries=5)
    [result] = _isolated(llm, ["who am i"])
    assert isinstance(result, OpenAIRequestError)
    assert (result.status, result.attempts) == (401, 1)
    assert server.stats.requests == 1
    assert "Check the API key" in str(result) and "OPENAI_API_KEY" in str(result)


def test_ten_percent_random_faults_every_row_completes(api_key: str) -> None:
    flaky = FakeOpenAIServer(fault_rate=0.1, retry_after=0.01, seed=7).start_in_thread()
    try:
        llm = OpenAILLM(model="echo", base_url=flaky.base_url, api_key=api_key,
                        max_concurrency=32)
        llm.load()
        try:
            results = _isolated(llm, [f"row {i}" for i in range(300)])
        finally:
            llm.unload()
        assert all(_generated(r) for r in results)
        assert flaky.stats.statuses[429] > 0 and flaky.stats.statuses[500] > 0
    finally:
        flaky.stop_thread()


# -- secrets ---------------------------------------------------------------------------------


def test_api_key_appears_in_no_error_log_or_dump(
    make_llm: Any, api_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The fake 401 echoes the bearer token, as real APIs do; it must be scrubbed."""
    caplog.set_level(logging.DEBUG, logger="distilabel")
    llm = make_llm(max_retries=1, timeout=0.3)
    prompts = ["fault:401:* a", "fault:500:* b", "fault:reset:1 c", "fault:hang:* d",
               "fault:429:2 e", "fault:badjson:* f", "g"]
    results = _isolated(llm, prompts)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 4
    texts = [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [caplog.text, json.dumps(llm.dump()), repr(llm)]
    texts.append(str(llm.get_runtime_parameters_info()))
    for text in texts:
        assert api_key not in text
    assert "Incorrect API key provided: ***" in str(errors[0])


def test_agenerate_output_on_an_engine_loop(server: FakeOpenAIServer, api_key: str) -> None:
    """An engine attaches its own running loop; the LLM's pool binds to it."""
    import asyncio

    llm = OpenAILLM(model="echo", base_url=server.base_url, api_key=api_key)

    async def run() -> GenerateOutput:
        llm.use_event_loop(asyncio.get_running_loop())
        llm.load()
        try:
            return await llm.agenerate_output(_chat("on the engine loop"))
        finally:
            llm.unload()

    output = asyncio.run(run())
    assert output["generations"] == ["Echo 0: on the engine loop"]


def test_failed_request_becomes_that_rows_error_in_a_pipeline(
    server: FakeOpenAIServer, api_key: str, tmp_path: Any
) -> None:
    from distilabel.pipeline import Pipeline
    from distilabel.steps import LoadDataFromDicts
    from distilabel.steps.tasks import TextGeneration

    instructions = ["first", "fault:401:* rejected", "fault:500:1 flaky", "last"]
    with Pipeline(name="openai-row-errors", cache_dir=tmp_path) as pipeline:
        load = LoadDataFromDicts(data=[{"instruction": i} for i in instructions])
        generate = TextGeneration(
            name="generate",
            llm=OpenAILLM(model="echo", base_url=server.base_url, api_key=api_key),
        )
        load >> generate
    rows = list(pipeline.run(use_cache=False, show_progress=False)["default"])
    by_instruction = {row["instruction"]: row for row in rows}
    assert [by_instruction[i]["generation"] for i in ("first", "fault:500:1 flaky", "last")] \
        == ["Echo 0: first", "Echo 0: fault:500:1 flaky", "Echo 0: last"]
    failed = by_instruction["fault:401:* rejected"]
    assert failed["generation"] is None
    error = failed["distilabel_metadata"]["error_generate"]
    assert "FatalLLMError" in error and "HTTP 401" in error and "***" in error
    leaks = [p for p in tmp_path.rglob("*") if p.is_file() and api_key.encode() in p.read_bytes()]
    assert leaks == []


def test_requests_go_through_the_environment_proxy(
    server: FakeOpenAIServer, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY points at the fake server; the API host itself does not resolve."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    llm = OpenAILLM(model="echo", base_url="http://api.example.invalid/v1", api_key=api_key)
    llm.load()
    try:
        [output] = llm.generate_outputs([_chat("via proxy")])
    finally:
        llm.unload()
    assert output["generations"] == ["Echo 0: via proxy"]
    assert server.stats.requests == 1
