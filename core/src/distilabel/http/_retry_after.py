"""How long a server asked us to wait: ``Retry-After`` and ``retry-after-ms`` headers."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping
from typing import Any, Optional

__all__ = ["header", "parse_retry_after"]


def header(headers: Optional[Mapping[str, Any]], name: str) -> Optional[str]:
    """The value of header ``name`` in ``headers``, looked up case-insensitively.

    Works with plain dicts as well as the case-insensitive mappings of aiohttp, httpx and
    requests (``CIMultiDictProxy``, ``Headers``, ``CaseInsensitiveDict``).
    """
    if not headers:
        return None
    try:
        value = headers.get(name)
    except Exception:  # an odd mapping; fall back to scanning
        value = None
    if value is None:
        lowered = name.lower()
        for key in headers:
            if isinstance(key, str) and key.lower() == lowered:
                value = headers[key]
                break
    return None if value is None else str(value).strip()


def parse_retry_after(
    headers: Optional[Mapping[str, Any]], now: Optional[float] = None
) -> Optional[float]:
    """Seconds the server asked to wait before the next request, exactly as it said.

    Reads ``retry-after-ms`` (milliseconds, as OpenAI and Azure send) first, then
    ``Retry-After`` as seconds (``"2"``, ``"0.5"``) or as an HTTP date (``"Fri, 31 Dec 9999
    23:59:59 GMT"``, measured from ``now``, default the current time). The value is not
    clamped: it may be ``0``, negative (a date in the past) or huge; ``RetryPolicy`` decides
    what to do with it. ``None`` when there is no such header or it cannot be read.
    """
    value = header(headers, "retry-after-ms")
    if value is not None:
        seconds = _number(value)
        if seconds is not None:
            return seconds / 1000.0
    value = header(headers, "retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    try:
        stamp = when.timestamp()
    except (OverflowError, ValueError, OSError):
        return math.inf
    return stamp - (time.time() if now is None else now)


def _number(value: str) -> Optional[float]:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return None if math.isnan(seconds) else seconds
