"""A misbehaving HTTP server on loopback, for the fault tests of any HTTP backend.

``FaultServer`` answers POST requests after a fixed latency, at most ``capacity`` at once,
and injects faults chosen per request by a *fault spec*: a string a subclass reads from
the request (the OpenAI fake takes the ``model`` name, or a prompt starting with
``fault:``). A spec is ``fault:KIND:COUNT[:ARG]``: the fault hits the first ``COUNT``
attempts of each distinct request (``*``: every attempt), then the request succeeds.

===================  =============================================================================
``KIND``             the answer
===================  =============================================================================
a status, ``503``    that status, with a JSON ``error`` body. ``ARG`` sets the wait header:
                     seconds (``0``, ``-5``, ``86400``) as ``Retry-After``; ``ms:N`` as
                     ``retry-after-ms``; ``date:YEAR`` an HTTP date in that year; ``none``
                     none. Without ``ARG``: the server's ``retry_after`` (as ``Retry-After``
                     on 429s, ``retry-after-ms`` otherwise). A 401 echoes the bearer token,
                     as real APIs do; a 404 says the model does not exist; a 400 says ``ARG``.
``storm``            429 to every request for ``COUNT`` seconds after the spec's first request
``hang``             no answer for ``hang_seconds``
``reset``            the connection closed with a TCP reset, no answer
``badjson``          200 with a truncated JSON body
anything else        left to the subclass's ``answer`` (success variants: huge, empty...)
===================  =============================================================================

With ``fault_rate`` set, that share of all requests is answered 429 or 500 at random
(``fault_status`` narrows it, e.g. to 429 only). Subclasses implement ``routes`` (the paths
they serve), ``answer`` (a success) and ``fault_spec``/``request_key`` (or, to read the
path too, ``fault_spec_for``/``request_key_for``); ``methods`` widens the HTTP methods
served, and a server with handlers of its own per path overrides ``add_routes``.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from aiohttp import web

__all__ = ["FaultServer", "ServerStats"]


@dataclass
class ServerStats:
    """What the server saw: counts per status, per path and per distinct request, when each
    request arrived, and the peak number served at once."""

    requests: int = 0
    paths: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    by_prompt: Counter[tuple[str, str]] = field(default_factory=Counter)
    arrivals: list[float] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    resets: int = 0
    hangs: int = 0
    bad_json: int = 0

    def attempts(self, model: str, prompt: str) -> int:
        """How many requests arrived for ``(model, prompt)`` (a subclass's request key)."""
        return self.by_prompt[(model, prompt)]

    def rate(self, seconds: float = 1.0) -> int:
        """The most requests that arrived within any ``seconds``-long window."""
        times = sorted(self.arrivals)
        best = start = 0
        for end, t in enumerate(times):
            while t - times[start] > seconds:
                start += 1
            best = max(best, end - start + 1)
        return best


class FaultServer:
    """An HTTP server on loopback with latency, bounded capacity and injected faults.

    ``stats.paths`` counts every request by path and query, whichever handler serves it.

    Args:
        host: the address to listen on (loopback by default).
        port: the port, ``0`` for a free one (read ``port`` after start).
        latency: seconds each successful request takes.
        capacity: requests served at once; more wait their turn.
        fault_rate: share of all requests answered with a random ``fault_status``.
        fault_status: the statuses random faults draw from.
        retry_after: seconds sent as the wait header of error answers without an explicit
            one; ``None`` sends none.
        hang_seconds: how long a ``hang`` request stays unanswered.
        seed: seed of the random faults.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        capacity: int = 256,
        fault_rate: float = 0.0,
        fault_status: tuple[int, ...] = (429, 500),
        retry_after: Optional[float] = 0.05,
        hang_seconds: float = 30.0,
        seed: int = 0,
    ) -> None:
        self.host = host
        self.port = port
        self.latency = latency
        self.capacity = capacity
        self.fault_rate = fault_rate
        self.fault_status = fault_status
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.stats = ServerStats()
        self._random = random.Random(seed)
        self._storm_start: dict[str, float] = {}
        self._semaphore: Optional[asyncio.Semaphore] = None
        self._runner: Optional[web.AppRunner] = None
        self._thread: Optional[threading.Thread] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    # -- what subclasses define ------------------------------------------------------------

    methods: ClassVar[tuple[str, ...]] = ("POST",)
    """The HTTP methods ``routes`` are served for (``("*",)`` for all)."""

    def routes(self) -> list[str]:
        """The POST paths served (aiohttp route patterns); all of them by default."""
        return ["/{path:.*}"]

    def fault_spec(self, body: Any) -> str:
        """The fault spec of a request (``""`` for none)."""
        return ""

    def request_key(self, body: Any) -> tuple[str, str]:
        """What makes two requests "the same" for counting attempts."""
        return ("", json.dumps(body, sort_keys=True, default=str)[:200])

    def fault_spec_for(self, request: web.Request, body: Any) -> str:
        """The fault spec of ``request`` (``fault_spec`` of its JSON body by default)."""
        return self.fault_spec(body)

    def request_key_for(self, request: web.Request, body: Any) -> tuple[str, str]:
        """What makes two requests "the same" (``request_key`` of the body by default)."""
        return self.request_key(body)

    async def answer(self, request: web.Request, body: Any, spec: str) -> web.StreamResponse:
        """The successful answer (``spec`` may ask for a variant)."""
        return web.json_response({"ok": True})

    def add_routes(self, app: web.Application) -> None:
        """Serve ``routes`` for ``methods`` with the fault-injecting handler."""
        for route in self.routes():
            for method in self.methods:
                app.router.add_route(method, route, self._handle)

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening on the running loop."""
        self._semaphore = asyncio.Semaphore(self.capacity)
        app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[self._count])
        app.router.add_get("/health", self._health)
        self.add_routes(app)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, backlog=1024)
        await site.start()
        server: Any = site._server
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> FaultServer:
        """Run the server on its own loop in a daemon thread; returns once it listens."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name=type(self).__name__, daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            raise errors[0]
        return self

    def stop_thread(self) -> None:
        """Stop a server started with ``start_in_thread``."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> FaultServer:
        return self.start_in_thread()

    def __exit__(self, *exc_info: object) -> None:
        self.stop_thread()

    def reset_stats(self) -> None:
        """Forget what was counted so far (and restart storms)."""
        self.stats = ServerStats()
        self._storm_start.clear()

    # -- handling --------------------------------------------------------------------------

    async def _health(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok")

    @web.middleware
    async def _count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path != "/health":
            self.stats.paths[request.path_qs] += 1
        return await handler(request)  # type: ignore[no-any-return]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        stats = self.stats
        stats.requests += 1
        stats.arrivals.append(time.monotonic())
        key = self.request_key_for(request, body)
        stats.by_prompt[key] += 1
        spec = self.fault_spec_for(request, body)
        fault = self._fault_for(spec, stats.by_prompt[key], request)
        if fault is not None:
            return await fault  # type: ignore[no-any-return]
        assert self._semaphore is not None
        async with self._semaphore:
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            try:
                if self.latency:
                    await asyncio.sleep(self.latency)
                return await self.answer(request, body, spec)
            finally:
                stats.in_flight -= 1

    def _fault_for(self, spec: str, attempt: int, request: web.Request) -> Any:
        if self.fault_rate and self._random.random() < self.fault_rate:
            return self.error(self._random.choice(self.fault_status))
        if not spec.startswith("fault:"):
            return None
        parts = spec.split(":", 3)
        kind = parts[1] if len(parts) > 1 else ""
        count = parts[2] if len(parts) > 2 else "*"
        arg = parts[3] if len(parts) > 3 else None
        if kind == "storm":
            now = time.monotonic()
            start = self._storm_start.setdefault(spec, now)
            return self.error(429) if now - start < float(count) else None
        if count != "*" and attempt > int(count):
            return None
        if kind.isdigit() and len(kind) == 3:
            return self.error(int(kind), arg, request)
        if kind == "hang":
            return self._hang()
        if kind == "reset":
            return self._reset(request)
        if kind == "badjson":
            return self._bad_json()
        return None

    def _wait_headers(self, status: int, arg: Optional[str]) -> dict[str, str]:
        if arg is None:
            if self.retry_after is None or status < 429:
                return {}
            if status == 429:
                return {"Retry-After": f"{self.retry_after:g}"}
            return {"retry-after-ms": f"{self.retry_after * 1000:g}"}
        if arg == "none":
            return {}
        if arg.startswith("ms:"):
            return {"retry-after-ms": arg[3:]}
        if arg.startswith("date:"):
            year = int(arg[5:])
            return {"Retry-After": f"Fri, 31 Dec {year} 23:59:59 GMT"}
        return {"Retry-After": arg}

    async def error(
        self, status: int, arg: Optional[str] = None, request: Optional[web.Request] = None
    ) -> web.Response:
        """An error answer with ``status`` (see the table above for what ``arg`` does)."""
        self.stats.statuses[status] += 1
        if status == 401:
            message, code = (f"Incorrect API key provided: {_credentials(request)}. Find your"
                             " key at the dashboard."), "invalid_api_key"
        elif status == 404:
            message, code = "The model does not exist or you do not have access to it.", (
                "model_not_found")
        elif status == 400:
            message, code = arg or "Invalid request.", "invalid_request_error"
        elif status == 429:
            message, code = "Rate limit reached; retry later.", "rate_limit_exceeded"
        else:
            message, code = f"fake {status}", "server_error"
        # OpenAI-shaped, plus a top-level message as Cohere's and Ollama's APIs answer
        error = {"error": {"message": message, "type": code, "code": code}, "message": message}
        headers = {} if status == 400 else self._wait_headers(status, arg)
        return web.json_response(error, status=status, headers=headers)

    async def _hang(self) -> web.Response:
        self.stats.hangs += 1
        await asyncio.sleep(self.hang_seconds)
        return web.json_response({"error": {"message": "hung"}}, status=504)

    async def _reset(self, request: web.Request) -> web.Response:
        self.stats.resets += 1
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        raise asyncio.CancelledError  # nothing to answer on an aborted connection

    async def _bad_json(self) -> web.Response:
        self.stats.bad_json += 1
        self.stats.statuses[200] += 1
        return web.Response(
            body=b'{"id": "bad", "choices": [{"index": 0, "message": {"con',
            content_type="application/json",
        )



def _credentials(request: Optional[web.Request]) -> str:
    """The credentials a request carries (a bearer token, an API key header or query)."""
    if request is None:
        return ""
    headers = request.headers
    bearer = headers.get("Authorization", "").removeprefix("Bearer ")
    return (bearer or headers.get("x-api-key") or headers.get("x-goog-api-key")
            or request.query.get("key") or "")
