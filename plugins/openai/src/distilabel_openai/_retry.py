"""When to retry a chat completion request, and how long to wait first.

Retried: 429 (rate limited), 408, 409 and 5xx answers, timeouts, dropped or refused
connections and unparsable response bodies. Everything else (400, 401, 404, ...) fails at
once: repeating a bad request cannot fix it. Waits follow the server's ``Retry-After`` /
``retry-after-ms`` header when it sends one, else exponential backoff with jitter.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from typing import Optional

__all__ = ["RETRYABLE_STATUSES", "backoff_delay", "is_retryable_status", "parse_retry_after"]

RETRYABLE_STATUSES = frozenset({408, 409, 429})
"""Statuses below 500 that are worth another try."""

BASE_DELAY = 0.5
"""Seconds before the first retry when the server gives no ``Retry-After``."""

MAX_DELAY = 30.0
"""The longest backoff between two attempts (a ``Retry-After`` may ask for up to 300 s)."""

MAX_RETRY_AFTER = 300.0


def is_retryable_status(status: int) -> bool:
    """Whether an HTTP answer with ``status`` should be retried."""
    return status >= 500 or status in RETRYABLE_STATUSES


def parse_retry_after(headers: Mapping[str, str], now: Optional[float] = None) -> Optional[float]:
    """Seconds the server asked to wait: ``retry-after-ms``, or ``Retry-After`` as seconds or
    an HTTP date. ``None`` when absent or unparsable; capped at 300 s."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return _cap(float(value) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return _cap(float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return _cap(when.timestamp() - (time.time() if now is None else now))


def _cap(seconds: float) -> Optional[float]:
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff_delay(
    attempt: int, retry_after: Optional[float], rng: Optional[random.Random] = None
) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based).

    With ``retry_after`` the wait is that, plus up to 10 % (at most 1 s) of jitter so that
    throttled requests do not all return at the same instant. Without it, "equal jitter"
    exponential backoff: half of ``min(30, 0.5 * 2**(attempt-1))`` plus a random share of
    the other half.
    """
    draw = (rng or random).random()
    if retry_after is not None:
        return retry_after + draw * min(1.0, 0.1 * retry_after)
    ceiling = min(MAX_DELAY, BASE_DELAY * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + draw * ceiling / 2
