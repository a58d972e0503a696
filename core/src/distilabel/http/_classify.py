"""What one failed attempt means: wait and retry, give this request up, or stop asking.

A failure is whatever an attempt raised. Transports without an SDK raise the core's own
``HTTPStatusError`` (an answer with a bad status) or ``ResponseBodyError`` (an answer that
cannot be read); timeouts and connection errors are the standard library's or the HTTP
library's. Plugins on an official SDK turn the SDK's own retries off and let
``failure_from_exception`` read its exceptions: a ``status_code`` attribute and the
response's headers are all it needs, and an adapter can be passed for anything else.
"""

from __future__ import annotations

import asyncio
import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from distilabel.http._retry_after import parse_retry_after

__all__ = [
    "ExceptionAdapter",
    "Failure",
    "FailureKind",
    "HTTPStatusError",
    "ResponseBodyError",
    "ResponseTooLargeError",
    "classify_status",
    "error_detail",
    "failure_from_exception",
    "failure_from_status",
]


class FailureKind(enum.Enum):
    """How the retry policy treats a failed attempt."""

    THROTTLED = "throttled"
    """Rate limited (429): wait (the server's ``Retry-After``), slow down, retry."""
    TRANSIENT = "transient"
    """Worth another try: 5xx, 408, 409, timeouts, refused or dropped connections."""
    REJECTED = "rejected"
    """This request is refused as sent (400, 413, 422...): the row fails, others go on."""
    FATAL = "fatal"
    """Every request will be refused (401/403, unknown model, 404, no quota, bad URL)."""

    @property
    def retryable(self) -> bool:
        """Whether a failure of this kind is retried."""
        return self in (FailureKind.THROTTLED, FailureKind.TRANSIENT)


@dataclass(frozen=True)
class Failure:
    """One failed attempt, as the retry policy sees it.

    Attributes:
        kind: what to do about it.
        problem: what went wrong, for messages: ``"HTTP 503 (overloaded): busy"``.
        status: the HTTP status, or ``None`` when no answer came.
        retry_after: seconds the server asked to wait, unclamped (``parse_retry_after``).
        detail: the server's error code and message, to recognise the same answer again.
        hint: what the user should do about it (may contain ``{env}``, the API key's
            environment variable).
    """

    kind: FailureKind
    problem: str
    status: Optional[int] = None
    retry_after: Optional[float] = None
    detail: str = ""
    hint: str = ""
    headers: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


ExceptionAdapter = Callable[[BaseException], Optional[Failure]]
"""Reads one exception into a ``Failure``, or returns ``None`` for exceptions it does not
know (which then propagate unchanged, untouched by the retry policy)."""


class HTTPStatusError(Exception):
    """Raised by a raw transport for an answer whose status is not a success.

    Args:
        status: the HTTP status.
        headers: the answer's headers (``Retry-After`` is read from them).
        body: the answer's body, or its beginning (the error detail is read from it).
    """

    def __init__(self, status: int, headers: Optional[Mapping[str, Any]] = None,
                 body: bytes | str = b"") -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.headers: Mapping[str, Any] = headers or {}
        self.body = body


class ResponseBodyError(Exception):
    """Raised by a transport for a success answer whose body cannot be read (truncated or
    not JSON): retried, as a dropped connection would be."""


class ResponseTooLargeError(Exception):
    """Raised by a transport for an answer larger than the LLM's size cap: not retried
    (the same request gets the same answer); that row fails."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the answer is larger than max_response_bytes={limit:,}; raise max_response_bytes"
            " or lower max_new_tokens"
        )
        self.limit = limit


_TRANSIENT_BELOW_500 = frozenset({408, 409, 425})
_FATAL_STATUSES = frozenset({401, 402, 403, 404, 405, 407, 410})
_PERMANENT_5XX = frozenset({501, 505})
_MODEL_MISSING = re.compile(
    r"model.{0,120}(not found|does not exist|doesn't exist|unknown|not available|no such)"
    r"|(unknown|invalid|unsupported) model|model_not_found|no such model",
    re.IGNORECASE | re.DOTALL,
)
_NO_QUOTA = re.compile(r"insufficient_quota|exceeded your current quota|billing",
                       re.IGNORECASE)

HINTS: dict[str, str] = {
    "auth": "Check the API key (api_key, or ${env}) and that it may use this model.",
    "payment": "Check the account's plan and billing.",
    "quota": "The account's quota is used up: check its plan and billing; retrying will not"
             " help.",
    "model": "Check the model name and base_url (the server does not serve this model).",
    "url": "Check base_url: this server has no such endpoint.",
    "proxy": "Check the proxy settings (HTTP(S)_PROXY) and their credentials.",
    "rejected": "The server rejected this request: check the generation kwargs and the"
                " input.",
    "too_large": "The request is too large for the server: shorten the input or lower"
                 " max_new_tokens.",
    "throttled": "Lower max_concurrency / requests_per_minute, or raise the request's"
                 " total wait.",
    "transient": "Check that the server is up and healthy; raise max_retries or timeout if it"
                 " is merely slow.",
    "bad_url": "Fix base_url: it must look like http(s)://host[:port]/path.",
}


def classify_status(status: int, detail: str = "") -> FailureKind:
    """The kind of failure an answer with HTTP ``status`` is (``detail``, the server's error
    text, refines it: a 400 "model not found" is fatal, a 429 "insufficient_quota" too)."""
    if status == 429:
        return FailureKind.FATAL if _NO_QUOTA.search(detail) else FailureKind.THROTTLED
    if status >= 500:
        return FailureKind.REJECTED if status in _PERMANENT_5XX else FailureKind.TRANSIENT
    if status in _TRANSIENT_BELOW_500:
        return FailureKind.TRANSIENT
    if status in _FATAL_STATUSES:
        return FailureKind.FATAL
    if status >= 400 and _MODEL_MISSING.search(detail):
        return FailureKind.FATAL
    return FailureKind.REJECTED


def _hint(status: int, kind: FailureKind, detail: str) -> str:
    if status in (401, 403):
        return HINTS["auth"]
    if status == 402:
        return HINTS["payment"]
    if status == 407:
        return HINTS["proxy"]
    if _NO_QUOTA.search(detail) and kind is FailureKind.FATAL:
        return HINTS["quota"]
    if status == 404 or (kind is FailureKind.FATAL and _MODEL_MISSING.search(detail)):
        return HINTS["model"]
    if status in (405, 410):
        return HINTS["url"]
    if status == 413:
        return HINTS["too_large"]
    if kind is FailureKind.THROTTLED:
        return HINTS["throttled"]
    if kind is FailureKind.TRANSIENT:
        return HINTS["transient"]
    return HINTS["rejected"]


def error_detail(body: bytes | str | Any) -> str:
    """``"(code): message"`` from an error body: a JSON ``error`` object (OpenAI, Anthropic,
    Mistral...), ``{"detail": ...}``, ``{"message": ...}`` or plain text; at most 500
    characters, ``""`` when there is nothing."""
    if isinstance(body, (dict, list)):
        data: Any = body
    else:
        text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else (
            str(body or "")
        )
        try:
            data = json.loads(text)
        except ValueError:
            return " ".join(text[:500].split())
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, str):
        return error[:500]
    obj = error if isinstance(error, dict) else data
    if not isinstance(obj, dict):
        return ""
    code = obj.get("code") or obj.get("type")
    for key in ("message", "detail", "msg"):
        if obj.get(key):
            message = " ".join(str(obj[key]).split())[:500]
            return f"({code}): {message}" if code and isinstance(code, (str, int)) else message
    return f"({code})" if isinstance(code, (str, int)) and code else ""


def failure_from_status(
    status: int, headers: Optional[Mapping[str, Any]] = None, body: bytes | str | Any = b""
) -> Failure:
    """Classify an answer with HTTP ``status`` (its headers and error body help)."""
    detail = error_detail(body)
    kind = classify_status(status, detail)
    problem = f"HTTP {status}" + (f" {detail}" if detail.startswith("(") else (
        f": {detail}" if detail else ""))
    return Failure(
        kind=kind, problem=problem, status=status,
        retry_after=parse_retry_after(headers) if kind.retryable else None,
        detail=detail, hint=_hint(status, kind, detail), headers=headers or {},
    )


# -- exceptions ----------------------------------------------------------------------------

_TIMEOUT_NAMES = ("Timeout",)
_CONNECTION_NAMES = ("Connection", "Connect", "Disconnected", "RemoteProtocol", "ReadError",
                     "WriteError", "NetworkError", "Payload", "ProtocolError", "IncompleteRead")
_BAD_URL_NAMES = ("InvalidURL", "InvalidUrl", "UnsupportedProtocol", "MissingSchema",
                  "InvalidSchema", "LocalProtocolError")


def _names(exc: BaseException) -> list[str]:
    return [cls.__name__ for cls in type(exc).__mro__]


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _sdk_status(exc: BaseException) -> Optional[int]:
    for name in ("status_code", "status", "http_status", "code"):
        value = getattr(exc, name, None)
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
            return value
    response = getattr(exc, "response", None)
    value = getattr(response, "status_code", None) or getattr(response, "status", None)
    if isinstance(value, int) and 100 <= value <= 599:
        return value
    return None


def _sdk_headers(exc: BaseException) -> Mapping[str, Any]:
    for holder in (exc, getattr(exc, "response", None), getattr(exc, "raw_response", None)):
        headers = getattr(holder, "headers", None)
        if headers is not None and hasattr(headers, "get"):
            return headers  # type: ignore[no-any-return]
    return {}


def _sdk_body(exc: BaseException) -> Any:
    body = getattr(exc, "body", None)
    if body:
        return body
    response = getattr(exc, "response", None)
    for name in ("text", "content"):
        try:
            value = getattr(response, name, None)
        except Exception:  # e.g. an unread streaming response
            value = None
        if isinstance(value, (str, bytes)) and value:
            return value
    message = getattr(exc, "message", None)
    return message if isinstance(message, str) and message else str(exc)


def _builtin(exc: BaseException) -> Optional[Failure]:
    if isinstance(exc, HTTPStatusError):
        return failure_from_status(exc.status, exc.headers, exc.body)
    if isinstance(exc, ResponseTooLargeError):
        return Failure(FailureKind.REJECTED, str(exc), status=200,
                       hint="Raise max_response_bytes if answers this large are expected.")
    if isinstance(exc, ResponseBodyError):
        return Failure(FailureKind.TRANSIENT,
                       f"the server answered with an unreadable body ({exc})",
                       status=200, hint=HINTS["transient"])
    names = _names(exc)
    if any(n.startswith(_BAD_URL_NAMES) for n in names):
        return Failure(FailureKind.FATAL, f"the URL is invalid ({_describe(exc)})",
                       hint=HINTS["bad_url"])
    status = _sdk_status(exc)
    if status is not None and status >= 400:
        return failure_from_status(status, _sdk_headers(exc), _sdk_body(exc))
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)) or any(
        t in n for n in names for t in _TIMEOUT_NAMES
    ):
        return Failure(FailureKind.TRANSIENT, "no answer within the timeout",
                       hint="Raise timeout if the server is merely slow.")
    if isinstance(exc, ConnectionError) or any(
        c in n for n in names for c in _CONNECTION_NAMES
    ):
        return Failure(FailureKind.TRANSIENT, f"connection failed ({_describe(exc)})",
                       hint=HINTS["transient"])
    return None


def failure_from_exception(
    exc: BaseException, adapters: Sequence[ExceptionAdapter] = ()
) -> Optional[Failure]:
    """Classify what an attempt raised, or ``None`` when it is not a request failure.

    ``adapters`` are tried first, in order; then the built-in readers: ``HTTPStatusError``,
    ``ResponseBodyError`` and ``ResponseTooLargeError``; SDK exceptions carrying an HTTP
    status (a ``status_code``/``status`` attribute, on them or their ``response``) with the
    response's headers (``Retry-After``); invalid URLs (fatal); timeouts; and connection
    errors (``ConnectionError`` and the HTTP libraries' connect, read, protocol and
    disconnection errors, recognised by name so the core imports none of them).
    """
    for adapter in adapters:
        failure = adapter(exc)
        if failure is not None:
            return failure
    if isinstance(exc, (KeyboardInterrupt, SystemExit, asyncio.CancelledError)):
        return None
    return _builtin(exc)
