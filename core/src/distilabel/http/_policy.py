"""How often a request is tried and how long it may wait in between."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import NamedTuple, Optional

__all__ = ["RetryPolicy", "Wait"]


class Wait(NamedTuple):
    """The pause before the next attempt.

    Attributes:
        seconds: how long to wait.
        asked: what the server asked for (``Retry-After``), or ``None``.
        clamped: ``asked`` was outside ``[min_wait, max_server_wait]`` and was changed.
    """

    seconds: float
    asked: Optional[float]
    clamped: bool


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts, bounded waiting, and server-given waits kept within reason.

    Every request ends: after ``max_attempts`` transient failures (5xx, timeouts, dropped
    connections), after ``max_throttled`` rate-limited (429) answers, or as soon as the next
    wait would take its total waiting past ``max_total_wait`` seconds, whichever comes
    first.

    Waits: a server's ``Retry-After`` / ``retry-after-ms`` is honoured but clamped to
    ``[min_wait, max_server_wait]`` (so ``Retry-After: 0``, a negative value or a date in
    the past cannot start a zero-delay loop, and one of 86,400 s or a date in year 9999
    cannot stall a row for a day); repeated waits also grow at least exponentially from
    ``min_wait``, so a server that keeps saying "0" is asked less and less often. Without a
    server wait: exponential backoff with "equal jitter" from ``base_delay`` up to
    ``max_delay``.

    Attributes:
        max_attempts: the most attempts while failures are transient (1 = no retry).
        max_throttled: the most 429 answers one request may get.
        max_total_wait: seconds one request may spend waiting between attempts, in all.
        base_delay: the first backoff (seconds) when the server gives no wait.
        max_delay: the longest backoff the policy chooses by itself.
        min_wait: the floor of every wait, including server-given ones.
        max_server_wait: the cap on a server-given wait.
        repeated_rejections: after this many identical rejections (the same status and
            error, e.g. the same 400) of different requests with no success in between,
            the rejection is treated as fatal: it is the settings, not the rows.
    """

    max_attempts: int = 7
    max_throttled: int = 60
    max_total_wait: float = 300.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    min_wait: float = 0.05
    max_server_wait: float = 60.0
    repeated_rejections: int = 3

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.max_throttled < 1:
            raise ValueError("RetryPolicy: max_attempts and max_throttled must be at least 1")
        if not (0 < self.min_wait <= self.max_server_wait) or self.base_delay <= 0:
            raise ValueError(
                "RetryPolicy: need 0 < min_wait <= max_server_wait and base_delay > 0"
            )
        if self.max_total_wait < 0 or self.repeated_rejections < 1:
            raise ValueError(
                "RetryPolicy: max_total_wait must be >= 0 and repeated_rejections >= 1"
            )

    def wait(
        self, failures: int, server_wait: Optional[float] = None,
        rng: Optional[random.Random] = None,
    ) -> Wait:
        """The pause before retry number ``failures`` (1-based, counted per kind).

        Args:
            failures: how many failures of this kind the request has had so far.
            server_wait: what the server asked for (unclamped), if anything.
            rng: the jitter's random source (for tests).
        """
        draw = (rng or random).random()
        step = 2.0 ** min(max(failures - 1, 0), 60)
        if server_wait is None or math.isnan(server_wait):
            ceiling = min(self.max_delay, self.base_delay * step)
            return Wait(max(self.min_wait, ceiling / 2 + draw * ceiling / 2), None, False)
        clamped = min(max(server_wait, self.min_wait), self.max_server_wait)
        floor = min(self.max_delay, self.min_wait * step)
        seconds = max(clamped, floor)
        seconds += draw * min(1.0, 0.1 * seconds)  # spread throttled retries apart
        return Wait(seconds, server_wait, clamped != server_wait)
