"""Ollama's API (``/api/chat``, ``/api/generate``, ``/api/tags``) in front of llama-server.

``/api/chat`` maps to ``/v1/chat/completions``; ``/api/generate`` with ``raw: true`` to
``/v1/completions`` (the prompt as it is), without ``raw`` to a one-turn chat. Ollama's
``options`` map to the OpenAI fields llama-server reads; ``format`` (``"json"`` or a JSON
schema) to ``response_format``.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from protocol_servers._app import LoopbackApp
from protocol_servers._openai_shape import FINISH_REASONS, chat_text, openai_error_message

__all__ = ["OllamaServer"]

_OPTIONS = {"num_predict": "max_tokens", "temperature": "temperature", "top_p": "top_p",
            "top_k": "top_k", "seed": "seed", "stop": "stop",
            "presence_penalty": "presence_penalty", "frequency_penalty": "frequency_penalty",
            "repeat_penalty": "repeat_penalty"}


def _sampling(body: dict[str, Any]) -> dict[str, Any]:
    options = body.get("options") or {}
    out = {new: options[old] for old, new in _OPTIONS.items() if options.get(old) is not None}
    fmt = body.get("format")
    if fmt == "json":
        out["response_format"] = {"type": "json_object"}
    elif isinstance(fmt, dict):
        out["response_format"] = {"type": "json_object", "schema": fmt}
    return out


def _created() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())


class OllamaServer(LoopbackApp):
    """Ollama's chat, generate and tags routes translated to ``upstream``'s OpenAI API."""

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/chat", self._chat)
        app.router.add_post("/api/generate", self._generate)
        app.router.add_get("/api/tags", self._tags)

    async def _tags(self, _request: web.Request) -> web.Response:
        return web.json_response({"models": [{"name": "smollm2", "model": "smollm2"}]})

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("stream", True):
            return web.json_response({"error": "streaming is not served here"}, status=400)
        upstream = {"model": body.get("model", ""), "messages": body.get("messages", []),
                    **_sampling(body)}
        status, answer = await self.forward("/v1/chat/completions", upstream)
        if status != 200:
            return web.json_response({"error": openai_error_message(answer)}, status=status)
        choice = answer["choices"][0]
        return web.json_response({
            **self._done(body, answer, choice),
            "message": {"role": "assistant", "content": chat_text(choice)},
        })

    async def _generate(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("stream", True):
            return web.json_response({"error": "streaming is not served here"}, status=400)
        sampling = _sampling(body)
        if body.get("raw"):
            upstream = {"model": body.get("model", ""), "prompt": body.get("prompt", ""),
                        **sampling}
            status, answer = await self.forward("/v1/completions", upstream)
        else:
            messages = [{"role": "user", "content": body.get("prompt", "")}]
            if body.get("system"):
                messages.insert(0, {"role": "system", "content": body["system"]})
            upstream = {"model": body.get("model", ""), "messages": messages, **sampling}
            status, answer = await self.forward("/v1/chat/completions", upstream)
        if status != 200:
            return web.json_response({"error": openai_error_message(answer)}, status=status)
        choice = answer["choices"][0]
        return web.json_response({**self._done(body, answer, choice),
                                  "response": chat_text(choice)})

    @staticmethod
    def _done(body: dict[str, Any], answer: dict[str, Any], choice: dict[str, Any]) -> Any:
        usage = answer.get("usage") or {}
        return {
            "model": body.get("model", ""), "created_at": _created(), "done": True,
            "done_reason": FINISH_REASONS.get(choice.get("finish_reason"), "stop"),
            "total_duration": 1, "load_duration": 0,
            "prompt_eval_count": usage.get("prompt_tokens", 0), "prompt_eval_duration": 1,
            "eval_count": usage.get("completion_tokens", 0), "eval_duration": 1,
        }
