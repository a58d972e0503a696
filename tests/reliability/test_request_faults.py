"""Requests that go wrong end with bounded work and a clear error: no zero-delay retry loop,
no day-long stall, no thousands of requests against a wrong key, no 23 s of retrying a
malformed URL."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from distilabel.errors import FatalLLMError, LLMRequestError, RuntimeParameterError
from distilabel_openai import OpenAILLM
from distilabel_openai.testing import FakeOpenAIServer


def chat(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def one(llm: OpenAILLM, prompt: str = "hello", deadline: float = 20.0) -> Any:
    """The row's result (output or exception), failing the test if it takes past
    ``deadline`` seconds (today's code loops forever on some of these)."""
    box: list[Any] = []
    thread = threading.Thread(
        target=lambda: box.append(llm.generate_outputs_isolated([chat(prompt)])[0]),
        daemon=True,
    )
    thread.start()
    thread.join(deadline)
    assert box, f"the request was still running after {deadline} s"
    return box[0]


@pytest.mark.parametrize("wait", ["0", "-5", "ms:0", "date:2001"])
def test_a_429_saying_retry_now_never_becomes_a_request_storm(
    make_llm: Any, server: FakeOpenAIServer, wait: str
) -> None:
    """Issue case 1: ``Retry-After: 0`` (or negative, a past date, ``retry-after-ms: 0``)
    sent one row about 600 requests/s, forever."""
    llm = make_llm(f"fault:429:*:{wait}", max_throttle_wait=2.0)
    start = time.monotonic()
    result = one(llm)
    elapsed = time.monotonic() - start
    assert isinstance(result, LLMRequestError) and result.status == 429
    assert elapsed < 4.0
    assert server.stats.requests <= 25, f"{server.stats.requests} requests for one row"
    assert server.stats.rate(0.1) <= 3
    assert "max_throttle_wait=2" in str(result) and "still rate limited" in str(result)


@pytest.mark.parametrize(
    "spec", ["fault:429:1:300", "fault:429:1:date:9999", "fault:503:1:86400"]
)
def test_a_huge_server_wait_is_capped_and_said_out_loud(
    make_llm: Any, server: FakeOpenAIServer, spec: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue case 2: a Retry-After of 300 s, a date in year 9999 or 86400 s on a 503
    stalled each row for minutes with nothing printed."""
    caplog.set_level(logging.WARNING, logger="distilabel")
    llm = make_llm(spec, max_retry_after=0.3)
    start = time.monotonic()
    result = one(llm)
    assert isinstance(result, dict) and result["generations"] == ["Echo 0: hello"]
    assert time.monotonic() - start < 3.0
    assert server.stats.requests == 2
    [warning] = [r for r in caplog.records if "asked to wait" in r.getMessage()]
    assert "max_retry_after=0.3" in warning.getMessage()


def test_a_wait_longer_than_the_budget_fails_at_once_instead_of_sleeping(
    make_llm: Any, server: FakeOpenAIServer
) -> None:
    llm = make_llm("fault:503:*:86400", max_throttle_wait=5, max_retry_after=60)
    start = time.monotonic()
    result = one(llm)
    assert isinstance(result, LLMRequestError) and result.status == 503
    assert time.monotonic() - start < 2.0 and server.stats.requests == 1
    assert "asked to wait 86400 s" in str(result)


def test_a_wrong_api_key_is_fatal_after_one_request_and_says_what_to_fix(
    make_llm: Any, server: FakeOpenAIServer, api_key: str
) -> None:
    """Issue case 4 (request side): 401s are fatal, named, not retried."""
    llm = make_llm("fault:401:*", max_retries=5)
    result = one(llm)
    assert isinstance(result, FatalLLMError) and not result.retryable
    assert (result.llm, result.status, result.attempts) == ("OpenAILLM", 401, 1)
    assert result.url == f"{server.base_url}/chat/completions"
    message = str(result)
    assert "OpenAILLM" in message and server.base_url in message and "HTTP 401" in message
    assert "OPENAI_API_KEY" in message and api_key not in message
    assert server.stats.requests == 1


def test_an_unknown_model_is_fatal(make_llm: Any, server: FakeOpenAIServer) -> None:
    llm = make_llm("fault:404:*")
    result = one(llm)
    assert isinstance(result, FatalLLMError) and result.status == 404
    assert "model name" in str(result) and server.stats.requests == 1


def test_the_same_400_for_different_rows_becomes_fatal(
    make_llm: Any, server: FakeOpenAIServer
) -> None:
    """A setting every row shares (here: a temperature the server refuses) fails every
    row the same way: the third identical 400 in a row is fatal, not 2,000 of them."""
    llm = make_llm("fault:400:*:temperature must be at most 2")
    results = [one(llm, f"row {i}") for i in range(3)]
    assert [type(r) for r in results] == [LLMRequestError, LLMRequestError, FatalLLMError]
    assert "temperature must be at most 2" in str(results[2])
    assert "settings, not the rows" in str(results[2])


@pytest.mark.parametrize(
    "base_url, problem",
    [
        ("localhost:8000/v1", "scheme"),
        ("http//127.0.0.1:8000/v1", "scheme"),
        ("http://", "host"),
        ("ftp://127.0.0.1/v1", "scheme"),
        ("http://127.0.0.1:80000/v1", "port"),
        ("http://127.0.0.1:8000/v1 ", "space"),
    ],
)
def test_a_malformed_base_url_is_rejected_at_load(base_url: str, problem: str) -> None:
    """Issue case 13: a malformed base_url was retried for 23 s instead of rejected."""
    llm = OpenAILLM(model="m", base_url=base_url, api_key="EMPTY")
    start = time.monotonic()
    with pytest.raises(RuntimeParameterError) as info:
        llm.load()
    assert time.monotonic() - start < 1.0
    message = str(info.value)
    assert "base_url" in message and repr(base_url) in message and problem in message


def test_a_connection_refused_is_retried_a_bounded_number_of_times(api_key: str) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    llm = OpenAILLM(model="m", base_url=f"http://127.0.0.1:{port}/v1", api_key=api_key,
                    max_retries=2)
    llm.load()
    try:
        result = one(llm)
    finally:
        llm.unload()
    assert isinstance(result, LLMRequestError) and result.retryable
    assert result.attempts == 3 and "connection failed" in str(result)
