"""Ctrl-C during a run: the first stops the run cleanly, a second ends the process.

The first SIGINT cancels the engine's coroutine: every step stops taking input, what was
committed stays committed, and ``run()`` returns an incomplete ``Distiset`` (the CLI
exits 130); the next run resumes. Calls that cannot be cancelled (a synchronous LLM
stuck in ``generate()``) get ``STOP_GRACE`` seconds to return and are then left behind
in their (daemon) thread, so they can neither hold the run up nor keep the process
alive at exit. A second SIGINT ends the process at once, as an unhandled Ctrl-C does;
committed batches are safe, as after ``kill -9``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any, Callable, Coroutine, Iterator, Optional, TypeVar

__all__ = ["STOP_GRACE", "ctrl_c_quits", "on_quit", "quit_now", "run_interruptibly"]

_logger = logging.getLogger("distilabel.pipeline")
_T = TypeVar("_T")

STOP_GRACE = 3.0
"""Seconds a stopped step waits for its calls in worker threads before leaving them."""

_quit_hooks: list[Callable[[], None]] = []


@contextlib.contextmanager
def on_quit(hook: Callable[[], None]) -> Iterator[None]:
    """Within the block, ``quit_now`` calls ``hook`` before the process ends, e.g. to end
    the processes of a local Ray cluster, which would otherwise outlive it."""
    _quit_hooks.append(hook)
    try:
        yield
    finally:
        _quit_hooks.remove(hook)


def quit_now(why: str = "Second Ctrl-C") -> None:
    """End the process at once, as an unhandled SIGINT does (exit status 130 in a shell)."""
    os.write(2, f"\n{why}: quitting at once. Batches committed so far are kept; run the"
                " pipeline again to resume.\n".encode())
    for hook in list(_quit_hooks):
        try:
            hook()
        except Exception:  # quitting must not fail
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a closed or broken stream must not keep the process alive
            pass
    if hasattr(signal, "SIGKILL"):  # POSIX: die of SIGINT itself
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.raise_signal(signal.SIGINT)
    os._exit(130)


def _handles_sigint() -> bool:
    """Whether this thread may take over SIGINT (the main thread, default handler)."""
    return (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )


@contextlib.contextmanager
def ctrl_c_quits(why: str) -> Iterator[None]:
    """Within the block, Ctrl-C ends the process at once (``quit_now(why)``) instead of
    raising ``KeyboardInterrupt`` wherever the code happens to be: for clean-up after a
    run (shutting a local Ray cluster down takes seconds), which nothing may interrupt
    half-way with a traceback."""
    if not _handles_sigint():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: quit_now(why))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_interruptibly(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` on a new event loop with the two-step Ctrl-C described above.

    Raises:
        KeyboardInterrupt: after the first Ctrl-C, once ``coro`` has stopped.
    """
    if not _handles_sigint():
        return asyncio.run(coro)
    loop = asyncio.new_event_loop()
    main = loop.create_task(coro)
    interrupts = 0

    def stop() -> None:
        _logger.warning(
            "Ctrl-C: stopping the run; batches committed so far are kept, run it again to"
            " resume. Press Ctrl-C again to quit at once."
        )
        main.cancel()

    def on_sigint(signum: int, frame: Optional[FrameType]) -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts > 1 or main.done():
            quit_now()
        loop.call_soon_threadsafe(stop)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        asyncio.set_event_loop(loop)
        try:
            return loop.run_until_complete(main)
        except asyncio.CancelledError:
            if interrupts:
                raise KeyboardInterrupt from None
            raise
    finally:
        try:
            _cancel_rest(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
            signal.signal(signal.SIGINT, previous)


def _cancel_rest(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel and await whatever tasks ``coro`` left on ``loop`` (as ``asyncio.run``).

    The default executor is not waited for (``asyncio.run`` would): a call left behind
    there must not hold the process."""
    rest = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in rest:
        task.cancel()
    if rest:
        loop.run_until_complete(asyncio.gather(*rest, return_exceptions=True))
