"""Request mechanics every HTTP backend shares: retries, waits, failure classes, redaction.

One failure contract for every plugin that talks to a server, whether over a raw HTTP
client or a vendor's SDK (with the SDK's own retries turned off)::

    from distilabel.http import HTTPStatusError, RequestRetrier, RetryPolicy

    retrier = RequestRetrier(llm, url, policy=RetryPolicy(max_attempts=4),
                             secrets=(api_key,), api_key_env_var="ACME_API_KEY")

    async def attempt():
        answer = await post(body)
        if answer.status != 200:
            raise HTTPStatusError(answer.status, answer.headers, answer.body)
        return answer.json()

    data = await retrier.call(attempt)

- ``RetryPolicy``: bounded attempts and a bounded total wait; ``Retry-After`` clamped
  between a floor and a cap.
- ``parse_retry_after``: ``Retry-After`` (seconds or HTTP date) and ``retry-after-ms``.
- ``failure_from_exception`` / ``failure_from_status`` / ``classify_status``: what a
  failure means (``FailureKind``: throttled, transient, rejected, fatal); SDK exceptions
  are read by their ``status_code`` and response headers, ``ExceptionAdapter`` covers the
  rest.
- ``RequestRetrier``: the loop; raises ``distilabel.errors.LLMRequestError`` or
  ``FatalLLMError`` naming the LLM, the URL, the status and the fix.
- ``redact_url`` / ``scrub``: no credential in a message; ``check_base_url``: a malformed
  URL refused at ``load()``.

See ``docs/failures.md`` (the contract) and ``docs/plugin-authors.md`` (how to use it).
"""

from __future__ import annotations

from distilabel.errors import FatalLLMError, LLMRequestError
from distilabel.http._classify import (
    ExceptionAdapter,
    Failure,
    FailureKind,
    HTTPStatusError,
    ResponseBodyError,
    ResponseTooLargeError,
    classify_status,
    error_detail,
    failure_from_exception,
    failure_from_status,
)
from distilabel.http._policy import RetryPolicy, Wait
from distilabel.http._redact import scrub
from distilabel.http._retrier import RequestRetrier
from distilabel.http._retry_after import header, parse_retry_after
from distilabel.http._urls import check_base_url, redact_url, url_secrets

__all__ = [
    "ExceptionAdapter",
    "Failure",
    "FailureKind",
    "FatalLLMError",
    "HTTPStatusError",
    "LLMRequestError",
    "RequestRetrier",
    "ResponseBodyError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "Wait",
    "check_base_url",
    "classify_status",
    "error_detail",
    "failure_from_exception",
    "failure_from_status",
    "header",
    "parse_retry_after",
    "redact_url",
    "scrub",
    "url_secrets",
]
