"""A fast, fault-injecting OpenAI-compatible chat server on loopback, for tests and benchmarks.

It answers ``POST .../chat/completions`` (any prefix, so ``/v1/...`` and Azure's
``/openai/deployments/<name>/...`` both work) with a deterministic echo completion after a
fixed latency, serving at most ``capacity`` requests at once (the rest queue, as on a
server with that many workers). Faults are chosen per request by the ``model`` name, so
one server serves every scenario of a test module (a prompt, i.e. the last message's
text, that starts with ``fault:`` selects a fault for that row alone):

==========================  ==============================================================
``model``                   behaviour (``N`` times per distinct prompt, then success;
                            ``*`` = always)
==========================  ==============================================================
``fault:429:N``             429 with ``Retry-After``
``fault:storm:S``           429 with ``Retry-After`` to every request for ``S`` seconds
                            after this model's first request
``fault:500:N``             500 (with ``retry-after-ms`` when ``retry_after`` is set)
``fault:hang:N``            no answer for ``hang_seconds``
``fault:reset:N``           connection closed with a TCP reset, no answer
``fault:badjson:N``         200 with a truncated JSON body
``fault:401:*``             401 whose message echoes the bearer token (as real APIs do)
``fault:ignore-n:*``        ignores ``n`` and returns a single choice (like llama.cpp)
anything else               success
==========================  ==============================================================

With ``fault_rate`` set, that share of all requests is answered 429 or 500 at random.
With ``upstream`` set, successful requests are forwarded to ``<upstream>/chat/completions``
instead of echoed (an Azure-shaped front for a real local server).

Run it as ``python -m distilabel_openai.testing --port 0 --latency 0.1``; it prints
``READY <base_url>`` once listening.
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
from typing import Any, Optional

from aiohttp import ClientSession, web

__all__ = ["FakeOpenAIServer", "ServerStats"]


@dataclass
class ServerStats:
    """What the server saw: counts per status and per ``(model, prompt)``, peak concurrency."""

    requests: int = 0
    paths: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    by_prompt: Counter[tuple[str, str]] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0
    resets: int = 0
    hangs: int = 0
    bad_json: int = 0

    def attempts(self, model: str, prompt: str) -> int:
        """How many requests arrived for ``prompt`` (the last message's text) on ``model``."""
        return self.by_prompt[(model, prompt)]


def _prompt_of(body: dict[str, Any]) -> str:
    messages = body.get("messages") or [{}]
    content = messages[-1].get("content", "")
    return content if isinstance(content, str) else json.dumps(content)


class FakeOpenAIServer:
    """An OpenAI-compatible chat completions server with latency, capacity and faults.

    Args:
        host: the address to listen on (loopback by default).
        port: the port, ``0`` for a free one (read ``port`` / ``base_url`` after start).
        latency: seconds each successful request takes.
        capacity: requests served at once; more wait their turn.
        fault_rate: share of all requests answered 429 or 500 at random.
        retry_after: seconds sent as ``Retry-After`` on 429s (and ``retry-after-ms`` on
            500s); ``None`` sends no such header.
        hang_seconds: how long a ``fault:hang`` request stays unanswered.
        upstream: forward successful requests to this OpenAI base URL instead of echoing.
        seed: seed of the random faults.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        capacity: int = 256,
        fault_rate: float = 0.0,
        retry_after: Optional[float] = 0.05,
        hang_seconds: float = 30.0,
        upstream: Optional[str] = None,
        seed: int = 0,
    ) -> None:
        self.host = host
        self.port = port
        self.latency = latency
        self.capacity = capacity
        self.fault_rate = fault_rate
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.upstream = upstream.rstrip("/") if upstream else None
        self.stats = ServerStats()
        self._random = random.Random(seed)
        self._storm_start: dict[str, float] = {}
        self._semaphore: Optional[asyncio.Semaphore] = None
        self._runner: Optional[web.AppRunner] = None
        self._session: Optional[ClientSession] = None
        self._thread: Optional[threading.Thread] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    @property
    def base_url(self) -> str:
        """The OpenAI base URL clients use, ``http://host:port/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    # -- life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening on the running loop."""
        self._semaphore = asyncio.Semaphore(self.capacity)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/{prefix:.*}chat/completions", self._handle)
        app.router.add_get("/health", self._health)
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
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def start_in_thread(self) -> FakeOpenAIServer:
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

        self._thread = threading.Thread(target=run, name="fake-openai-server", daemon=True)
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

    def reset_stats(self) -> None:
        """Forget what was counted so far (and restart storms)."""
        self.stats = ServerStats()
        self._storm_start.clear()

    # -- handlers --------------------------------------------------------------------------

    async def _health(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        stats = self.stats
        stats.requests += 1
        stats.paths[request.path_qs] += 1
        model = str(body.get("model", ""))
        prompt = _prompt_of(body)
        key = (model, prompt)
        stats.by_prompt[key] += 1
        attempt = stats.by_prompt[key]
        spec = model if model.startswith("fault:") else prompt.split()[0] if prompt else ""
        fault = self._fault_for(spec, attempt, request)
        if fault is not None:
            return await fault
        assert self._semaphore is not None
        async with self._semaphore:
            stats.in_flight += 1
            stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
            try:
                if self.latency:
                    await asyncio.sleep(self.latency)
                if self.upstream is not None:
                    return await self._forward(body)
                return self._completion(body, model, prompt, spec)
            finally:
                stats.in_flight -= 1

    def _fault_for(self, spec: str, attempt: int, request: web.Request) -> Any:
        if self.fault_rate and self._random.random() < self.fault_rate:
            return self._error(429 if self._random.random() < 0.5 else 500)
        if not spec.startswith("fault:"):
            return None
        parts = spec.split(":")
        kind = parts[1] if len(parts) > 1 else ""
        arg = parts[2] if len(parts) > 2 else "*"
        if kind == "storm":
            now = time.monotonic()
            start = self._storm_start.setdefault(spec, now)
            return self._error(429) if now - start < float(arg) else None
        if arg != "*" and attempt > int(arg):
            return None
        if kind in ("429", "500"):
            return self._error(int(kind))
        if kind == "401":
            return self._unauthorized(request)
        if kind == "hang":
            return self._hang()
        if kind == "reset":
            return self._reset(request)
        if kind == "badjson":
            return self._bad_json()
        return None

    async def _error(self, status: int) -> web.Response:
        self.stats.statuses[status] += 1
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            if status == 429:
                headers["Retry-After"] = f"{self.retry_after:g}"
            else:
                headers["retry-after-ms"] = f"{self.retry_after * 1000:g}"
        kind = "rate_limit_exceeded" if status == 429 else "server_error"
        error = {"error": {"message": f"fake {status}", "type": kind, "code": kind}}
        return web.json_response(error, status=status, headers=headers)

    async def _unauthorized(self, request: web.Request) -> web.Response:
        self.stats.statuses[401] += 1
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        message = f"Incorrect API key provided: {token}. Find your key at the dashboard."
        error = {"error": {"message": message, "type": "invalid_request_error",
                           "code": "invalid_api_key"}}
        return web.json_response(error, status=401)

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
            body=b'{"id": "chatcmpl-bad", "choices": [{"index": 0, "message": {"con',
            content_type="application/json",
        )

    def _completion(
        self, body: dict[str, Any], model: str, prompt: str, spec: str
    ) -> web.Response:
        self.stats.statuses[200] += 1
        n = 1 if spec.startswith("fault:ignore-n") else int(body.get("n") or 1)
        prompt_tokens = sum(
            len(str(m.get("content", "")).split()) + 4 for m in body.get("messages", [])
        )
        choices = []
        completion_tokens = 0
        for index in range(n):
            text = f"Echo {index}: {prompt[:64]}"
            words = text.split()
            limit = body.get("max_completion_tokens") or body.get("max_tokens")
            if limit:
                words = words[: int(limit)]
                text = " ".join(words)
            completion_tokens += len(words)
            choice: dict[str, Any] = {
                "index": index,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
                "logprobs": None,
            }
            if body.get("logprobs"):
                top = int(body.get("top_logprobs") or 0)
                choice["logprobs"] = {"content": [
                    {"token": w, "logprob": -0.5, "bytes": None, "top_logprobs": [
                        {"token": w, "logprob": -0.5, "bytes": None}
                    ][:top]}
                    for w in words
                ]}
            choices.append(choice)
        payload = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
        return web.Response(body=json.dumps(payload).encode(), content_type="application/json")

    async def _forward(self, body: dict[str, Any]) -> web.Response:
        if "max_completion_tokens" in body:  # what Azure honours; llama.cpp knows max_tokens
            body.setdefault("max_tokens", body.pop("max_completion_tokens"))
        if self._session is None:
            self._session = ClientSession()
        async with self._session.post(f"{self.upstream}/chat/completions", json=body) as resp:
            data = await resp.read()
            self.stats.statuses[resp.status] += 1
            return web.Response(body=data, status=resp.status, content_type="application/json")
