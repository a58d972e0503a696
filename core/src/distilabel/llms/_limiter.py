"""Concurrency and rate limiting for async LLM requests, adaptive to throttling.

One ``RequestLimiter`` belongs to one ``AsyncLLM`` and is shared by every caller on the
LLM's event loop (``generate`` and the pipeline engine alike), so limits hold across
batch boundaries.

Throttling (HTTP 429) is judged over windows of recent outcomes (at least ``limit``
successes and 429s together), not answer by answer: a server that answers a few
requests 429 at random costs those requests their retry and nothing else, while one
that throttles a sustained share of them (``sustained``, 20 %) halves the concurrency
and pauses new starts for its ``Retry-After`` (multiplicative decrease, at most every
``cooldown`` seconds). Windows with few 429s (under half of ``sustained``) grow the
concurrency back by one (additive increase), up to ``max_concurrency``.
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
        sustained: the share of 429s in a window that counts as sustained throttling.
        min_window: the fewest outcomes a window holds before it is judged.
        cooldown: the fewest seconds between two decreases (requests already in flight
            when the concurrency drops answer with the old load).

    Attributes:
        limit: the concurrency allowed now (``max_concurrency`` until throttled).
        throttle_events: 429s reported so far.
        decreases: how many times throttling lowered ``limit``.
    """

    def __init__(
        self,
        max_concurrency: int,
        requests_per_minute: Optional[float] = None,
        *,
        sustained: float = 0.2,
        min_window: int = 16,
        cooldown: float = 0.5,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        if not 0 < sustained <= 1:
            raise ValueError(f"sustained must be a share in (0, 1], got {sustained}")
        self.max_concurrency = max_concurrency
        self.limit = max_concurrency
        self.in_flight = 0
        self.sustained = sustained
        self.min_window = max(1, min_window)
        self.cooldown = cooldown
        self._interval = 60.0 / requests_per_minute if requests_per_minute else 0.0
        self._next_start = 0.0
        self._paused_until = 0.0
        self._window_ok = 0
        self._window_throttled = 0
        self._window_wait = 0.0
        self._last_decrease = -float("inf")
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.throttle_events = 0
        self.decreases = 0

    async def acquire(self, first: bool = False) -> None:
        """Wait for a free slot and for the rate limit / throttling pause to allow a start.

        Args:
            first: queue ahead of the other waiters (a request coming back from a pause
                has waited its turn already).
        """
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
        else:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            if first:
                self._waiters.appendleft(fut)
            else:
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
        """Record a successful request (it counts towards the current window)."""
        self._window_ok += 1
        if self._window_ok + self._window_throttled >= self._window_size():
            self._judge_window()

    def throttled(self, retry_after: Optional[float] = None) -> None:
        """Record a throttling answer (429).

        Sporadic ones change nothing; once they make up a sustained share of a window,
        the concurrency halves and new starts pause for the longest ``retry_after`` seen.

        Args:
            retry_after: seconds the server asked to wait before new requests, if it said.
        """
        self.throttle_events += 1
        self._window_throttled += 1
        if retry_after and retry_after > 0:
            self._window_wait = max(self._window_wait, min(retry_after, 300.0))
        size = self._window_size()
        if self._window_throttled >= self.sustained * size or (
            self._window_ok + self._window_throttled >= size
        ):
            self._judge_window()

    def _window_size(self) -> int:
        return max(self.limit, self.min_window)

    def _judge_window(self) -> None:
        total = self._window_ok + self._window_throttled
        share = self._window_throttled / total if total else 0.0
        wait = self._window_wait
        self._window_ok = self._window_throttled = 0
        self._window_wait = 0.0
        now = time.monotonic()
        if share >= self.sustained:
            if now - self._last_decrease < self.cooldown:
                return
            self._last_decrease = now
            self.limit = max(1, self.limit // 2)
            self.decreases += 1
            if wait:
                self._paused_until = max(self._paused_until, now + wait)
        elif share < self.sustained / 2 and self.limit < self.max_concurrency:
            self.limit += 1
            self._wake()

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
        hold slots that the concurrency limit should give to others; back from the pause
        the request queues first, ahead of requests that have not started yet. Outside a
        slot taken with ``slot()`` it is a plain sleep, and so it is while the limiter is
        backing off (its limit below ``max_concurrency``): during sustained throttling a
        waiting retry keeps its slot, so new rows do not start only to be answered 429.
        """
        held = _SLOT.get()
        backing_off = self.limit < self.max_concurrency
        if held is None or held.limiter is not self or not held.held or backing_off:
            await asyncio.sleep(seconds)
            return
        held.held = False
        self.release()
        await asyncio.sleep(seconds)
        await self.acquire(first=True)  # cancelled while queued: the slot stays free
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
