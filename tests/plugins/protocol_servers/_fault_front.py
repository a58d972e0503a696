"""A fault-injecting front for any JSON-over-HTTP LLM API.

Every request is forwarded unchanged (method, path, query, JSON body) to the server
behind, except those whose model asks for a fault. The model is read from the body's
``model`` field, else from the path (``.../models/<model>:generateContent`` for Gemini).
The grammar follows ``distilabel_openai.testing.FakeOpenAIServer``'s, so fault tests read
the same for every plugin (``N`` times per distinct request body, then forwarded;
``*`` = always):

=====================  ===================================================================
``fault:429:N``        429 with ``Retry-After`` (seconds)
``fault:500:N``        500
``fault:503:N``        503 with ``Retry-After``
``fault:hang:N``       no answer for ``hang_seconds``
``fault:reset:N``      connection closed with a TCP reset
``fault:badjson:N``    200 with a truncated JSON body
``fault:401:*``        401 whose message echoes the credentials sent (as real APIs do)
``fault:400:*``        400 (a request the server refuses)
=====================  ===================================================================

The model name sent on to the server is the part after the fault spec's last ``/``
(``fault:500:1/smollm2`` forwards as ``smollm2``), or ``smollm2``. With ``strip_prefix``
the front also maps an API that lives under a path prefix onto the server's root (Groq's
``/openai/v1/...`` onto llama-server's ``/v1/...``).
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
import urllib.parse
from collections import Counter
from typing import Any, Optional

from aiohttp import ClientSession, ClientTimeout, web

from protocol_servers._app import LoopbackApp

__all__ = ["FaultFront"]

_PATH_MODEL = re.compile(r"/models/(fault:[^/]*?|[^/:]+)(?::[A-Za-z]+)?$")


class FaultFront(LoopbackApp):
    """Inject faults in front of ``upstream`` (see the module docs).

    Args:
        upstream: the base URL of the real server behind (``http://127.0.0.1:PORT``).
        retry_after: seconds sent in ``Retry-After`` on 429/503 answers.
        hang_seconds: how long a ``fault:hang`` request stays unanswered.
        strip_prefix: a path prefix removed before forwarding (e.g. ``/openai``).
    """

    def __init__(
        self, upstream: str, retry_after: float = 0.05, hang_seconds: float = 5.0,
        strip_prefix: str = "",
    ) -> None:
        super().__init__(upstream)
        self.strip_prefix = strip_prefix.rstrip("/")
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.attempts: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()

    def attempts_for(self, spec: str) -> int:
        """How many requests arrived for models starting with ``spec``."""
        return sum(n for key, n in self.attempts.items() if key.split("|", 1)[0] == spec)

    def reset(self) -> None:
        """Forget the attempts counted so far."""
        self.attempts.clear()
        self.statuses.clear()
        self.requests.clear()

    def routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/{tail:.*}", self._handle)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        model = ""
        if isinstance(body, dict) and isinstance(body.get("model"), str):
            model = body["model"]
        else:
            match = _PATH_MODEL.search(request.path)
            model = match.group(1) if match else ""
        model = urllib.parse.unquote(model)
        if model.startswith("fault:"):
            spec, _, real = model.partition("/")
            key = f"{spec}|{request.path}|{raw!r}"
            self.attempts[key] += 1
            fault = self._fault(spec, self.attempts[key], request)
            if fault is not None:
                return await fault
            raw = raw.replace(model.encode(), (real or "smollm2").encode())
            path = urllib.parse.unquote(request.path_qs).replace(model, real or "smollm2")
        else:
            path = request.path_qs
        return await self._forward_raw(request, path, raw)

    async def _forward_raw(self, request: web.Request, path: str, raw: bytes) -> web.Response:
        assert self.upstream is not None
        if self.strip_prefix and path.startswith(self.strip_prefix + "/"):
            path = path[len(self.strip_prefix):]
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=300))
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "accept", "authorization", "x-api-key",
                                   "x-goog-api-key")}
        async with self._session.request(
            request.method, self.upstream + path, data=raw or None, headers=headers
        ) as answer:
            data = await answer.read()
            self.statuses[answer.status] += 1
            return web.Response(body=data, status=answer.status,
                                content_type=answer.content_type)

    def _fault(self, spec: str, attempt: int, request: web.Request) -> Optional[Any]:
        parts = spec.split(":")
        kind = parts[1] if len(parts) > 1 else ""
        limit = parts[2] if len(parts) > 2 else "*"
        if limit != "*" and attempt > int(limit):
            return None
        if kind in ("429", "503"):
            return self._error(int(kind), "rate limited" if kind == "429" else "overloaded",
                               {"Retry-After": f"{self.retry_after:g}"})
        if kind in ("500", "400"):
            return self._error(int(kind), "injected failure")
        if kind == "401":
            creds = request.headers.get("Authorization") or request.headers.get("x-api-key")
            creds = creds or request.query.get("key") or request.headers.get("x-goog-api-key")
            return self._error(401, f"Incorrect API key provided: {creds}")
        if kind == "hang":
            return self._hang()
        if kind == "reset":
            return self._reset(request)
        if kind == "badjson":
            return self._badjson()
        raise ValueError(f"unknown fault {spec!r}")

    async def _error(
        self, status: int, message: str, headers: Optional[dict[str, str]] = None
    ) -> web.Response:
        self.statuses[status] += 1
        body = {"error": {"message": message, "type": "injected", "code": status},
                "message": message}
        return web.json_response(body, status=status, headers=headers)

    async def _hang(self) -> web.Response:
        await asyncio.sleep(self.hang_seconds)
        return await self._error(504, "hung")

    async def _reset(self, request: web.Request) -> web.Response:
        transport = request.transport
        if transport is not None:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
        raise asyncio.CancelledError  # nothing to answer on an aborted connection

    async def _badjson(self) -> web.Response:
        self.statuses[200] += 1
        return web.Response(body=b'{"id": "x", "choices": [', status=200,
                            content_type="application/json")
