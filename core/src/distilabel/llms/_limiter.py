"""Concurrency and rate limiting for async LLM requests, adaptive to throttling.

One ``RequestLimiter`` belongs to one ``AsyncLLM`` and is shared by every caller on the
LLM's event loop (``generate`` and the pipeline engine alike), so limits hold across
batch boundaries. When a backend reports throttling (HTTP 429) the limiter halves its
concurrency and pauses new starts for ``Retry-After``; sustained success grows the
concurrency back by one per window (additive increase, multiplicative decrease).
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import time
from types import TracebackType
from typing import Optional

__all__ = ["RequestLimiter"]


class _Slot:
    """The slot one task holds while it runs one limited request."""

    __slots__ = ("held", "limiter")

    def __init__(self, limiter: RequestLimiter) -> None:
        self.limiter = limiter
        self.held = True


_SLOT: contextvars.ContextVar[Optional[_Slot]] = contextvars.ContextVar(
    "distilabel_limiter_slot", default=None
)


class RequestLimiter:
    """Bound requests in flight and their start rate; adapt to throttling.

    Args:
        max_concurrency: the most requests in flight at once.
        requests_per_minute: the most requests started per minute, or ``None``.
    """

    def __init__(self, max_concurrency: int, requests_per_minute: Optional[float] = None) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self.max_concurrency = max_concurrency
        self.limit = max_concurrency
        self.in_flight = 0
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._next_start = 0.0
        self._paused_until = 0.0
        self._successes = 0
        self._last_decrease = 0.0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.throttle_events = 0

    async def acquire(self) -> None:
        """Wait for a free slot and for the rate limit / throttling pause to allow a start."""
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
        else:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut  # ``_wake`` hands this waiter a slot before resolving it
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled():
                    self.release()
                else:
                    try:
                        self._waiters.remove(fut)
                    except ValueError:
                        pass
                raise
        try:
            await self._wait_start()
        except BaseException:
            self.release()
            raise

    async def _wait_start(self) -> None:
        if not self._interval and not self._paused_until:
            return
        now = time.monotonic()
        start = max(now, self._next_start, self._paused_until)
        self._next_start = start + self._interval
        while start > now:
            await asyncio.sleep(start - now)
            now = time.monotonic()
            start = max(start, self._paused_until)

    def release(self) -> None:
        """Free a slot taken by ``acquire``."""
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < self.limit:
            fut = self._waiters.popleft()
            if not fut.done():
                self.in_flight += 1
                fut.set_result(None)

    def succeeded(self) -> None:
        """Record a successful request: after ``limit`` successes, allow one more in flight."""
        if self.limit >= self.max_concurrency:
            return
        self._successes += 1
        if self._successes >= self.limit:
            self._successes = 0
            self.limit += 1
            self._wake()

    def throttled(self, retry_after: Optional[float] = None) -> None:
        """Record a throttling answer: halve concurrency (at most once a second) and pause.

        Args:
            retry_after: seconds the server asked to wait before new requests, if it said.
        """
        self.throttle_events += 1
        now = time.monotonic()
        if now - self._last_decrease >= 1.0:
            self._last_decrease = now
            self.limit = max(1, self.limit // 2)
            self._successes = 0
        if retry_after and retry_after > 0:
            self._paused_until = max(self._paused_until, now + min(retry_after, 300.0))

    async def slot(self) -> _Slot:
        """Acquire a slot and remember it in this task's context (see ``pause``)."""
        await self.acquire()
        held = _Slot(self)
        _SLOT.set(held)
        return held

    def free(self, slot: _Slot) -> None:
        """Release ``slot`` unless it was already given back (a cancelled ``pause``)."""
        if slot.held:
            slot.held = False
            self.release()

    async def pause(self, seconds: float) -> None:
        """Sleep without occupying a slot, then queue for one again.

        Backends call it while backing off from throttling, so waiting retries do not
        hold slots that the (halved) concurrency limit should give to others. Outside a
        slot taken with ``slot()`` it is a plain sleep.
        """
        held = _SLOT.get()
        if held is None or held.limiter is not self or not held.held:
            await asyncio.sleep(seconds)
            return
        held.held = False
        self.release()
        await asyncio.sleep(seconds)
        await self.acquire()  # cancelled while queued: the slot stays free
        held.held = True

    async def __aenter__(self) -> RequestLimiter:
        await self.acquire()
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.release()
