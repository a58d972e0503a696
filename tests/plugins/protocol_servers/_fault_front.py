"""A fault-injecting front for any JSON-over-HTTP LLM API.

Every request is forwarded unchanged (method, path, query, JSON body) to the server
behind, except those whose model asks for a fault. The model is read from the body's
``model`` field, else from the path (``.../models/<model>:generateContent`` for Gemini).
It is a ``distilabel.testing.FaultServer`` whose successful answer is the server behind's,
so the fault grammar is that one's, as for ``distilabel_openai.testing.FakeOpenAIServer``
(``N`` times per distinct request, then forwarded; ``*`` = always), for example:

=====================  ===================================================================
``fault:429:N``        429 with ``Retry-After`` (``retry_after`` seconds)
``fault:500:N``        500
``fault:503:N``        503 with ``retry-after-ms``
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

import re
import urllib.parse
from collections import Counter
from typing import Any

from aiohttp import web

from protocol_servers._app import LoopbackApp

__all__ = ["FaultFront"]

_PATH_MODEL = re.compile(r"/models/(fault:[^/]*?|[^/:]+)(?::[A-Za-z]+)?$")


def _model(request: web.Request, body: Any) -> str:
    """The model a request asks for: the body's ``model``, else the path's (Gemini)."""
    if isinstance(body, dict) and isinstance(body.get("model"), str):
        return urllib.parse.unquote(body["model"])
    match = _PATH_MODEL.search(request.path)
    return urllib.parse.unquote(match.group(1)) if match else ""


class FaultFront(LoopbackApp):
    """Inject faults in front of ``upstream`` (see the module docs).

    Args:
        upstream: the base URL of the real server behind (``http://127.0.0.1:PORT``).
        retry_after: seconds of the wait header on 429/5xx answers.
        hang_seconds: how long a ``fault:hang`` request stays unanswered.
        strip_prefix: a path prefix removed before forwarding (e.g. ``/openai``).
    """

    methods = ("*",)

    def __init__(
        self, upstream: str, retry_after: float = 0.05, hang_seconds: float = 5.0,
        strip_prefix: str = "",
    ) -> None:
        super().__init__(upstream, retry_after=retry_after, hang_seconds=hang_seconds)
        self.strip_prefix = strip_prefix.rstrip("/")

    @property
    def statuses(self) -> Counter[int]:
        """Answers by status, injected and forwarded."""
        return self.stats.statuses

    def attempts_for(self, spec: str) -> int:
        """How many requests arrived for models whose fault spec is ``spec``."""
        return sum(n for (key, _), n in self.stats.by_prompt.items() if key == spec)

    def reset(self) -> None:
        """Forget what was counted so far."""
        self.reset_stats()

    def routes(self) -> list[str]:
        return ["/{tail:.*}"]

    def fault_spec_for(self, request: web.Request, body: Any) -> str:
        return _model(request, body).partition("/")[0]

    def request_key_for(self, request: web.Request, body: Any) -> tuple[str, str]:
        spec = self.fault_spec_for(request, body)
        return (spec if spec.startswith("fault:") else "", f"{request.path}|{body!r}")

    async def answer(self, request: web.Request, body: Any, spec: str) -> web.StreamResponse:
        """The server behind's answer, the fault spec taken off the model's name (the
        part after its last ``/``, else ``smollm2``)."""
        raw = await request.read()
        path = request.path_qs
        model = _model(request, body)
        if model.startswith("fault:"):
            real = model.partition("/")[2] or "smollm2"
            raw = raw.replace(model.encode(), real.encode())
            path = urllib.parse.unquote(path).replace(model, real)
        if self.strip_prefix and path.startswith(self.strip_prefix + "/"):
            path = path[len(self.strip_prefix):]
        assert self.upstream is not None
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "accept", "authorization", "x-api-key",
                                    "x-goog-api-key")}
        async with self.session().request(
            request.method, self.upstream + path, data=raw or None, headers=headers
        ) as upstream:
            data = await upstream.read()
            self.stats.statuses[upstream.status] += 1
            return web.Response(body=data, status=upstream.status,
                                content_type=upstream.content_type)
