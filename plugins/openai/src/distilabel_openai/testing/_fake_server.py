"""A fast, fault-injecting OpenAI-compatible chat server on loopback, for tests and benchmarks.

It answers ``POST .../chat/completions`` (any prefix, so ``/v1/...`` and Azure's
``/openai/deployments/<name>/...`` both work) with a deterministic echo completion after a
fixed latency, serving at most ``capacity`` requests at once. Faults come from the core's
``distilabel.testing.FaultServer`` (429s with any ``Retry-After``, 5xx, 401, 404, hangs,
resets, truncated bodies, storms, random faults) and are chosen per request by the
``model`` name, or by a prompt (the last message's text) that starts with ``fault:`` for
that row alone. This server adds the chat-completion variants:

===========================  ==========================================================
spec                         answer
===========================  ==========================================================
``fault:ignore-n:*``         ignores ``n`` and returns a single choice (like llama.cpp)
``fault:null:N[:REASON]``    ``content: null`` with ``finish_reason`` REASON (``stop``,
                             ``content_filter``, ``tool_calls``: then with a tool call;
                             ``refusal``: with a ``refusal`` message)
``fault:parts:N``            ``content`` as a list of text parts
``fault:badusage:N``         a ``usage`` object of the wrong types
``fault:huge:N:MB``          an answer of about MB megabytes of text
``fault:nochoices:N``        200 with no ``choices``
===========================  ==========================================================

With ``upstream`` set, successful requests are forwarded to ``<upstream>/chat/completions``
instead of echoed (an Azure-shaped front for a real local server).

Run it as ``python -m distilabel_openai.testing --port 0 --latency 0.1``; it prints
``READY <base_url>`` once listening.
"""

from __future__ import annotations

import json
import time
from typing import Any, Optional

from aiohttp import ClientSession, web

from distilabel.testing import FaultServer, ServerStats

__all__ = ["FakeOpenAIServer", "ServerStats"]


_VARIANTS = frozenset({"ignore-n", "null", "parts", "badusage", "huge", "nochoices"})


def _prompt_of(body: dict[str, Any]) -> str:
    messages = body.get("messages") or [{}]
    content = messages[-1].get("content", "") if isinstance(messages[-1], dict) else ""
    return content if isinstance(content, str) else json.dumps(content)


class FakeOpenAIServer(FaultServer):
    """An OpenAI-compatible chat completions server with latency, capacity and faults.

    Args:
        upstream: forward successful requests to this OpenAI base URL instead of echoing.
        **kwargs: ``FaultServer``'s (``latency``, ``capacity``, ``fault_rate``,
            ``retry_after``, ``hang_seconds``, ``seed``, ``host``, ``port``).
    """

    def __init__(self, *args: Any, upstream: Optional[str] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upstream = upstream.rstrip("/") if upstream else None
        self._session: Optional[ClientSession] = None
        self._huge_answers: dict[int, bytes] = {}

    @property
    def base_url(self) -> str:
        """The OpenAI base URL clients use, ``http://host:port/v1``."""
        return f"{self.url}/v1"

    def routes(self) -> list[str]:
        return ["/{prefix:.*}chat/completions"]

    def fault_spec(self, body: Any) -> str:
        model = str(body.get("model", ""))
        if model.startswith("fault:"):
            return model
        prompt = _prompt_of(body)
        return prompt.split()[0] if prompt.startswith("fault:") else ""

    def request_key(self, body: Any) -> tuple[str, str]:
        return (str(body.get("model", "")), _prompt_of(body))

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        await super().stop()

    async def answer(self, request: web.Request, body: Any, spec: str) -> web.StreamResponse:
        if self.upstream is not None:
            return await self._forward(body)
        kind, count, arg = [*spec.split(":", 3), "", "", ""][1:4] if spec else ("", "", "")
        attempt = self.stats.by_prompt[self.request_key(body)]
        if kind not in _VARIANTS or (count != "*" and attempt > int(count or 0)):
            kind = ""  # not a variant, or spent: a plain success
        self.stats.statuses[200] += 1
        if kind == "nochoices":
            return web.json_response({"id": "chatcmpl-fake", "object": "chat.completion"})
        payload = self._completion(body, kind == "ignore-n")
        message = payload["choices"][0]["message"]
        if kind == "null":
            reason = arg or "stop"
            message["content"] = None
            payload["choices"][0]["finish_reason"] = (
                "stop" if reason == "refusal" else reason)
            if reason == "refusal":
                message["refusal"] = "I can't help with that."
            if reason == "tool_calls":
                message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {
                    "name": "lookup", "arguments": "{\"q\": \"x\"}"}}]
        elif kind == "parts":
            text = message["content"]
            message["content"] = [{"type": "text", "text": text[:5]},
                                  {"type": "text", "text": text[5:]}]
        elif kind == "badusage":
            payload["usage"] = {"prompt_tokens": "lots", "completion_tokens": {"n": 1},
                                "total_tokens": None}
        elif kind == "huge":
            return self._huge(payload, int(float(arg or "10") * 1_000_000))
        return web.Response(body=json.dumps(payload).encode(), content_type="application/json")

    def _huge(self, payload: dict[str, Any], size: int) -> web.Response:
        """An answer of ``size`` bytes of text, built once per size (so that thirty of them
        in flight cost the server one copy, not thirty)."""
        data = self._huge_answers.get(size)
        if data is None:
            payload["choices"][0]["message"]["content"] = "@@TEXT@@"
            head, tail = json.dumps(payload).encode().split(b"@@TEXT@@")
            data = head + (b"lorem ipsum " * (size // 12 + 1))[:size] + tail
            self._huge_answers[size] = data
        return web.Response(body=data, content_type="application/json")

    def _completion(self, body: dict[str, Any], ignore_n: bool) -> dict[str, Any]:
        prompt = _prompt_of(body)
        n = 1 if ignore_n else int(body.get("n") or 1)
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
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(body.get("model", "")),
            "choices": choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }

    async def _forward(self, body: dict[str, Any]) -> web.Response:
        if "max_completion_tokens" in body:  # what Azure honours; llama.cpp knows max_tokens
            body.setdefault("max_tokens", body.pop("max_completion_tokens"))
        if self._session is None:
            self._session = ClientSession()
        async with self._session.post(f"{self.upstream}/chat/completions", json=body) as resp:
            data = await resp.read()
            self.stats.statuses[resp.status] += 1
            return web.Response(body=data, status=resp.status, content_type="application/json")
