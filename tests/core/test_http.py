"""distilabel.http: the one retry policy, Retry-After parsing and failure classes every HTTP
plugin uses. Attempts here are plain coroutines that raise what transports and SDKs raise
(the real ``openai``/``httpx`` exception classes included); the loopback-server cases are
in tests/reliability/."""

from __future__ import annotations

import asyncio
import itertools
import logging
import pickle
import random
import time
from typing import Any, Callable

import pytest

from distilabel.errors import DistilabelError, FatalLLMError, LLMRequestError
from distilabel.http import (
    Failure,
    FailureKind,
    HTTPStatusError,
    RequestRetrier,
    ResponseBodyError,
    RetryPolicy,
    classify_status,
    failure_from_exception,
    parse_retry_after,
    redact_url,
    scrub,
)

FAST = RetryPolicy(base_delay=0.001, max_delay=0.01, min_wait=0.001, max_server_wait=0.05)
URL = "http://user:hunter2@127.0.0.1:9/v1/chat/completions"


class Recorder:
    """An attempt that raises the given exceptions once each, in turn, then returns ``"ok"``."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def always(exc: BaseException) -> Callable[[], Any]:
    calls: list[float] = []

    async def attempt() -> Any:
        calls.append(time.monotonic())
        raise exc

    attempt.calls = calls  # type: ignore[attr-defined]
    return attempt


def status(code: int, body: bytes = b"", **headers: str) -> HTTPStatusError:
    return HTTPStatusError(code, {k.replace("_", "-"): v for k, v in headers.items()}, body)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# -- Retry-After -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers, seconds",
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.5"}, 0.5),
        ({"Retry-After": "0"}, 0.0),
        ({"Retry-After": "-5"}, -5.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "0", "Retry-After": "7"}, 0.0),
        ({"retry-after-ms": "soon", "Retry-After": "7"}, 7.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 1445412480.0 - 1445412470.0),
        ({}, None),
        ({"Retry-After": "whenever"}, None),
        ({"Retry-After": "nan"}, None),
    ],
)
def test_retry_after_is_read_as_the_server_wrote_it(headers: dict, seconds: Any) -> None:
    assert parse_retry_after(headers, now=1445412470.0) == seconds


def test_retry_after_http_date_in_year_9999_is_a_huge_wait_not_an_error() -> None:
    wait = parse_retry_after({"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"})
    assert wait is not None and wait > 200 * 365 * 86400


@pytest.mark.parametrize("asked", [0.0, -30.0, 1e-9])
def test_a_server_wait_of_zero_or_less_is_raised_to_the_floor(asked: float) -> None:
    wait = RetryPolicy(min_wait=0.05).wait(1, asked)
    assert 0.05 <= wait.seconds <= 0.06 and wait.clamped


@pytest.mark.parametrize("asked", [300.0, 86400.0, float("inf")])
def test_a_huge_server_wait_is_capped(asked: float) -> None:
    wait = RetryPolicy(max_server_wait=60).wait(1, asked)
    assert 60 <= wait.seconds <= 61 and wait.clamped and wait.asked == asked


def test_a_reasonable_server_wait_is_honoured_as_given() -> None:
    wait = RetryPolicy().wait(1, 2.0, random.Random(0))
    assert 2.0 <= wait.seconds <= 2.2 and not wait.clamped


def test_repeated_zero_waits_grow_so_a_zero_retry_after_cannot_loop_fast() -> None:
    policy = RetryPolicy(min_wait=0.05, max_delay=30)
    waits = [policy.wait(n, 0.0, random.Random(0)).seconds for n in range(1, 12)]
    assert waits[:-1] == sorted(waits[:-1])
    assert waits[-1] >= 30 and sum(waits) > 60


def test_policy_rejects_settings_that_would_loop() -> None:
    with pytest.raises(ValueError, match="min_wait"):
        RetryPolicy(min_wait=0)
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


# -- classification ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, detail, kind",
    [
        (429, "", FailureKind.THROTTLED),
        (429, "(insufficient_quota): You exceeded your current quota", FailureKind.FATAL),
        (500, "", FailureKind.TRANSIENT),
        (503, "", FailureKind.TRANSIENT),
        (529, "(overloaded_error): Overloaded", FailureKind.TRANSIENT),
        (408, "", FailureKind.TRANSIENT),
        (501, "", FailureKind.REJECTED),
        (401, "", FailureKind.FATAL),
        (403, "", FailureKind.FATAL),
        (404, "(model_not_found): The model `gpt-5o` does not exist", FailureKind.FATAL),
        (400, "(invalid_request_error): model 'llama-9' not found", FailureKind.FATAL),
        (400, "(invalid_value): temperature must be <= 2", FailureKind.REJECTED),
        (422, "", FailureKind.REJECTED),
    ],
)
def test_statuses_are_classified(code: int, detail: str, kind: FailureKind) -> None:
    assert classify_status(code, detail) is kind


def test_timeouts_and_resets_are_transient_and_unknown_exceptions_are_not_failures() -> None:
    assert failure_from_exception(TimeoutError()).kind is FailureKind.TRANSIENT  # type: ignore[union-attr]
    assert failure_from_exception(ConnectionResetError(104, "reset")).kind is (  # type: ignore[union-attr]
        FailureKind.TRANSIENT)
    assert failure_from_exception(ResponseBodyError("truncated")).kind is (  # type: ignore[union-attr]
        FailureKind.TRANSIENT)
    assert failure_from_exception(KeyError("a bug in the plugin")) is None


def test_real_openai_sdk_exceptions_are_read_by_status_and_headers() -> None:
    """What an SDK-based plugin relies on: no adapter needed for SDKs shaped like openai's."""
    import httpx2 as httpx
    import openai

    request = httpx.Request("POST", "https://api.example.com/v1/chat/completions")
    limited = httpx.Response(429, headers={"retry-after-ms": "1500"}, request=request)
    body = {"message": "Rate limit reached", "code": "rate_limit_exceeded"}
    failure = failure_from_exception(openai.RateLimitError("limited", response=limited, body=body))
    assert failure is not None and failure.kind is FailureKind.THROTTLED
    assert failure.retry_after == 1.5 and "rate_limit_exceeded" in failure.problem
    denied = httpx.Response(401, request=request)
    fatal = failure_from_exception(openai.AuthenticationError("no", response=denied, body=None))
    assert fatal is not None and fatal.kind is FailureKind.FATAL and "API key" in fatal.hint
    timeout = failure_from_exception(openai.APITimeoutError(request=request))
    assert timeout is not None and timeout.kind is FailureKind.TRANSIENT
    dropped = failure_from_exception(openai.APIConnectionError(request=request))
    assert dropped is not None and dropped.kind is FailureKind.TRANSIENT
    assert failure_from_exception(httpx.ConnectError("refused")).kind is (  # type: ignore[union-attr]
        FailureKind.TRANSIENT)
    bad_url = failure_from_exception(httpx.UnsupportedProtocol("no scheme"))
    assert bad_url is not None and bad_url.kind is FailureKind.FATAL


def test_an_adapter_classifies_what_the_built_in_readers_cannot() -> None:
    class VendorOverloaded(Exception):
        pass

    def adapter(exc: BaseException) -> Failure | None:
        if isinstance(exc, VendorOverloaded):
            return Failure(FailureKind.TRANSIENT, "vendor overloaded", retry_after=0.001)
        return None

    attempt = Recorder(VendorOverloaded(), VendorOverloaded())
    retrier = RequestRetrier("AcmeLLM", policy=FAST, adapters=[adapter])
    assert run(retrier.call(attempt)) == "ok" and attempt.calls == 3


# -- the retry loop ----------------------------------------------------------------------------


def test_transient_failures_are_retried_then_succeed() -> None:
    attempt = Recorder(status(503), TimeoutError(), ConnectionResetError())
    assert run(RequestRetrier("AcmeLLM", URL, policy=FAST).call(attempt)) == "ok"
    assert attempt.calls == 4


def test_attempts_are_bounded_and_the_error_names_llm_url_status_and_fix() -> None:
    attempt = always(status(500, b'{"error": {"message": "boom", "type": "server_error"}}'))
    retrier = RequestRetrier("AcmeLLM", URL, policy=FAST,
                             parameters={"max_attempts": "max_retries=2"})
    with pytest.raises(LLMRequestError) as info:
        run(retrier.call(attempt))
    error = info.value
    assert not isinstance(error, FatalLLMError) and isinstance(error, DistilabelError)
    assert len(attempt.calls) == 7  # type: ignore[attr-defined]
    assert (error.llm, error.status, error.retryable, error.attempts) == (
        "AcmeLLM", 500, True, 7)
    message = str(error)
    assert message.startswith("AcmeLLM request to http://127.0.0.1:9/v1/chat/completions")
    assert "HTTP 500 (server_error): boom" in message and "max_retries=2" in message
    assert "hunter2" not in message and "user" not in message
    assert error.url == "http://127.0.0.1:9/v1/chat/completions"


def test_zero_retry_after_429s_never_make_a_fast_loop_and_end_by_total_wait() -> None:
    attempt = always(status(429, Retry_After="0"))
    policy = RetryPolicy(min_wait=0.01, max_delay=0.08, max_total_wait=0.5)
    start = time.monotonic()
    with pytest.raises(LLMRequestError) as info:
        run(RequestRetrier("AcmeLLM", URL, policy=policy).call(attempt))
    elapsed = time.monotonic() - start
    calls = attempt.calls  # type: ignore[attr-defined]
    assert len(calls) < 20, f"{len(calls)} requests in {elapsed:.2f} s"
    assert min(b - a for a, b in itertools.pairwise(calls)) >= 0.01
    assert elapsed < 1.0 and info.value.status == 429 and info.value.retryable
    assert "max_total_wait=0.5" in str(info.value)


def test_429s_are_bounded_in_number_too() -> None:
    attempt = always(status(429, retry_after_ms="1"))
    policy = RetryPolicy(min_wait=0.001, max_delay=0.002, max_throttled=5)
    with pytest.raises(LLMRequestError, match="still rate limited after 5 answers"):
        run(RequestRetrier("AcmeLLM", policy=policy).call(attempt))
    assert len(attempt.calls) == 5  # type: ignore[attr-defined]


def test_a_wait_past_the_total_budget_fails_at_once_and_says_what_the_server_asked() -> None:
    attempt = always(status(503, Retry_After="86400"))
    policy = RetryPolicy(max_server_wait=60, max_total_wait=30)
    start = time.monotonic()
    with pytest.raises(LLMRequestError, match="asked to wait 86400 s") as info:
        run(RequestRetrier("AcmeLLM", URL, policy=policy).call(attempt))
    assert time.monotonic() - start < 1 and info.value.attempts == 1


def test_a_clamped_server_wait_is_logged_once_at_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="distilabel.http")
    attempt = Recorder(status(429, Retry_After="3600"), status(429, Retry_After="3600"))
    policy = RetryPolicy(max_server_wait=0.01, min_wait=0.001)
    assert run(RequestRetrier("AcmeLLM", URL, policy=policy).call(attempt)) == "ok"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "asked to wait 3600 s" in text and "max_server_wait=0.01" in text
    assert "hunter2" not in caplog.text


@pytest.mark.parametrize("code", [401, 403, 404])
def test_fatal_answers_are_not_retried(code: int) -> None:
    attempt = always(status(code, b'{"error": {"message": "no", "code": "x"}}'))
    retrier = RequestRetrier("AcmeLLM", URL, policy=FAST, api_key_env_var="ACME_API_KEY")
    with pytest.raises(FatalLLMError) as info:
        run(retrier.call(attempt))
    assert len(attempt.calls) == 1  # type: ignore[attr-defined]
    assert info.value.status == code and not info.value.retryable
    assert "not retried" in str(info.value)
    if code in (401, 403):
        assert "ACME_API_KEY" in str(info.value)


def test_a_400_fails_that_request_only_until_it_repeats_for_different_requests() -> None:
    bad = status(400, b'{"error": {"message": "temperature must be <= 2", "code": "bad"}}')
    retrier = RequestRetrier("AcmeLLM", policy=RetryPolicy(repeated_rejections=3))

    def once() -> BaseException:
        with pytest.raises(LLMRequestError) as info:
            run(retrier.call(always(bad)))
        return info.value

    first, second = once(), once()
    assert type(first) is LLMRequestError and type(second) is LLMRequestError
    assert isinstance(once(), FatalLLMError)
    run(retrier.call(Recorder()))  # a success: the next 400 is a row's problem again
    assert type(once()) is LLMRequestError


def test_the_api_key_is_scrubbed_from_errors_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    key = "sk-live-0123456789abcdef"
    echo = f'{{"error": {{"message": "Incorrect API key provided: {key}"}}}}'.encode()
    attempt = Recorder(status(500, echo), status(401, echo))
    retrier = RequestRetrier("AcmeLLM", URL, policy=FAST, secrets=[key])
    with pytest.raises(FatalLLMError) as info:
        run(retrier.call(attempt))
    assert key not in str(info.value) and key not in caplog.text
    assert "Incorrect API key provided: ***" in str(info.value)


def test_errors_survive_pickling_with_their_attributes() -> None:
    error = FatalLLMError("boom", llm="AcmeLLM", url="http://h/v1", status=401, attempts=1,
                          kind="fatal")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is FatalLLMError and str(copy) == "boom"
    assert (copy.llm, copy.url, copy.status, copy.retryable) == ("AcmeLLM", "http://h/v1", 401,
                                                                  False)


def test_call_sync_retries_synchronous_clients_the_same_way() -> None:
    failures = [status(502), TimeoutError()]

    def attempt() -> str:
        if failures:
            raise failures.pop(0)
        return "ok"

    assert RequestRetrier("AcmeLLM", policy=FAST).call_sync(attempt) == "ok"
    with pytest.raises(FatalLLMError):
        RequestRetrier("AcmeLLM", policy=FAST).call_sync(lambda: (_ for _ in ()).throw(
            status(401)))


# -- redaction ---------------------------------------------------------------------------------


def test_redact_url_drops_user_info_and_masks_secret_query_values() -> None:
    assert redact_url("https://bob:pw@h:1/v1?api-version=2024-10-21&api-key=s3") == (
        "https://h:1/v1?api-version=2024-10-21&api-key=***")
    assert redact_url("http://127.0.0.1:8000/v1") == "http://127.0.0.1:8000/v1"


@pytest.mark.parametrize("key", ["x", "EMPTY", "sk"])
def test_scrub_replaces_whole_secret_values_only(key: str) -> None:
    text = f"max_tokens exceeded for EMPTY_LIST and sklearn; key={key}."
    assert scrub(text, [key]) == "max_tokens exceeded for EMPTY_LIST and sklearn; key=***."


def test_scrub_masks_bearer_tokens_it_was_not_told_about() -> None:
    assert scrub("Authorization: Bearer abc.def-123") == "Authorization: Bearer ***"
