"""Run an aiohttp application on loopback in a thread of its own, for the tests."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Optional

from aiohttp import ClientSession, ClientTimeout, web

__all__ = ["LoopbackApp"]


class LoopbackApp:
    """Base of the test servers: subclasses add routes in ``routes``; ``upstream`` is an
    optional base URL whose JSON API ``forward`` calls.

    ``start()`` listens on a free loopback port and returns once it does; ``stop()`` ends
    the thread. ``requests`` counts what arrived, by path.
    """

    def __init__(self, upstream: Optional[str] = None) -> None:
        self.upstream = upstream.rstrip("/") if upstream else None
        self.port = 0
        self.requests: dict[str, int] = {}
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None
        self._session: Optional[ClientSession] = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def routes(self, app: web.Application) -> None:
        """Add this server's routes to ``app``."""
        raise NotImplementedError

    @web.middleware
    async def _count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests[request.path] = self.requests.get(request.path, 0) + 1
        return await handler(request)  # type: ignore[no-any-return]

    async def forward(self, path: str, body: Any) -> tuple[int, Any]:
        """POST ``body`` as JSON to ``upstream + path``; return ``(status, decoded body)``."""
        assert self.upstream is not None, "this server has no upstream"
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=300))
        async with self._session.post(self.upstream + path, json=body) as answer:
            return answer.status, await answer.json(content_type=None)

    async def _start(self) -> None:
        app = web.Application(middlewares=[self._count], client_max_size=64 * 1024 * 1024)
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5,
                                     handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        self.port = server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def start(self) -> LoopbackApp:
        """Listen on a free port in a daemon thread; returns once listening."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self._start())
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop())
            loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None
