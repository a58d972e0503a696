"""The request limiter: bounded concurrency, fairness, cancellation, adaptive throttling."""

from __future__ import annotations

import asyncio

import pytest

from distilabel.llms import RequestLimiter


async def _run_many(limiter: RequestLimiter, count: int, work: float = 0.001) -> int:
    peak = 0

    async def one() -> None:
        nonlocal peak
        async with limiter:
            peak = max(peak, limiter.in_flight)
            await asyncio.sleep(work)
            limiter.succeeded()

    await asyncio.gather(*(one() for _ in range(count)))
    return peak


def test_in_flight_never_exceeds_max_concurrency() -> None:
    limiter = RequestLimiter(max_concurrency=5)
    peak = asyncio.run(_run_many(limiter, 60))
    assert peak == 5
    assert limiter.in_flight == 0


def test_waiters_are_served_in_arrival_order() -> None:
    limiter = RequestLimiter(max_concurrency=1)
    order: list[int] = []

    async def one(i: int) -> None:
        async with limiter:
            order.append(i)
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(*(one(i) for i in range(20)))

    asyncio.run(main())
    assert order == list(range(20))


def test_cancelled_waiter_does_not_leak_a_slot() -> None:
    limiter = RequestLimiter(max_concurrency=1)

    async def main() -> int:
        await limiter.acquire()
        waiter = asyncio.ensure_future(limiter.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        limiter.release()
        return await _run_many(limiter, 10)

    assert asyncio.run(main()) == 1
    assert limiter.in_flight == 0


def test_a_sporadic_429_changes_nothing() -> None:
    limiter = RequestLimiter(max_concurrency=64)
    for _ in range(20):
        for _ in range(30):
            limiter.succeeded()
        limiter.throttled(retry_after=5.0)  # ~3 % of answers, spread out
    assert limiter.limit == 64 and limiter.decreases == 0
    assert limiter.throttle_events == 20


def test_sustained_throttling_halves_concurrency_and_success_grows_it_back() -> None:
    limiter = RequestLimiter(max_concurrency=8)  # windows of at least 16 answers
    for _ in range(3):
        limiter.throttled()
    assert limiter.limit == 8  # 3 of 16 could still be sporadic
    for _ in range(10):
        limiter.throttled()  # the 4th makes it sustained; later ones wait out the cooldown
    assert limiter.limit == 4 and limiter.decreases == 1
    peak = asyncio.run(_run_many(limiter, 4 * 50))
    assert peak <= 8
    assert limiter.limit == 8


def test_decreases_wait_out_the_cooldown() -> None:
    limiter = RequestLimiter(max_concurrency=64, min_window=4, cooldown=60)
    for _ in range(64):
        limiter.throttled()
    assert limiter.limit == 32 and limiter.decreases == 1


def test_sustained_throttling_pauses_new_starts_for_retry_after() -> None:
    limiter = RequestLimiter(max_concurrency=4, min_window=4)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        for _ in range(4):
            limiter.throttled(retry_after=0.2)
        start = loop.time()
        await limiter.acquire()
        limiter.release()
        return loop.time() - start

    assert asyncio.run(main()) >= 0.15


def test_requests_per_minute_spaces_starts() -> None:
    limiter = RequestLimiter(max_concurrency=10, requests_per_minute=600)  # one per 0.1 s

    async def main() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await _run_many(limiter, 4, work=0)
        return loop.time() - start

    assert asyncio.run(main()) >= 0.25


def test_max_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RequestLimiter(max_concurrency=0)


def test_pause_lends_the_slot_to_others_while_backing_off() -> None:
    limiter = RequestLimiter(max_concurrency=1)
    order: list[str] = []

    async def throttled_request() -> None:
        slot = await limiter.slot()
        try:
            order.append("first starts")
            await limiter.pause(0.05)  # backing off after a 429
            order.append("first retries")
        finally:
            limiter.free(slot)

    async def other_request() -> None:
        await asyncio.sleep(0.01)
        slot = await limiter.slot()
        try:
            order.append("other runs")
        finally:
            limiter.free(slot)

    async def main() -> None:
        await asyncio.gather(throttled_request(), other_request())

    asyncio.run(main())
    assert order == ["first starts", "other runs", "first retries"]
    assert limiter.in_flight == 0


def test_pause_outside_a_slot_is_a_plain_sleep() -> None:
    limiter = RequestLimiter(max_concurrency=1)

    async def main() -> int:
        await limiter.pause(0)
        return limiter.in_flight

    assert asyncio.run(main()) == 0
