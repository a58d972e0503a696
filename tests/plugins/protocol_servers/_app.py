"""The base of the protocol servers: ``distilabel.testing.FaultServer`` (loopback, a
thread of its own, request counting) with handlers of their own per path and a JSON
client for the server behind them."""

from __future__ import annotations

from collections import Counter
from typing import Any, Optional

from aiohttp import ClientSession, ClientTimeout

from distilabel.testing import FaultServer

__all__ = ["LoopbackApp"]


class LoopbackApp(FaultServer):
    """Subclasses add their routes in ``add_routes``; ``upstream`` is an optional base URL
    whose JSON API ``forward`` calls. ``start_in_thread()`` listens on a free loopback
    port, ``stop_thread()`` ends it; ``requests`` counts what arrived, by path."""

    def __init__(self, upstream: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.upstream = upstream.rstrip("/") if upstream else None
        self._session: Optional[ClientSession] = None

    @property
    def requests(self) -> Counter[str]:
        """Requests so far by path (without the query)."""
        counts: Counter[str] = Counter()
        for path, n in self.stats.paths.items():
            counts[path.partition("?")[0]] += n
        return counts

    def session(self) -> ClientSession:
        """The client session to ``upstream`` (opened on first use, on the server's loop)."""
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=300))
        return self._session

    async def forward(self, path: str, body: Any) -> tuple[int, Any]:
        """POST ``body`` as JSON to ``upstream + path``; return ``(status, decoded body)``."""
        assert self.upstream is not None, "this server has no upstream"
        async with self.session().post(self.upstream + path, json=body) as answer:
            return answer.status, await answer.json(content_type=None)

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        await super().stop()
