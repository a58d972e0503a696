"""Cohere's Chat API v2 (``POST /v2/chat``) in front of llama-server's OpenAI API."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from protocol_servers._app import LoopbackApp
from protocol_servers._openai_shape import FINISH_REASONS, chat_text, openai_error_message

__all__ = ["CohereServer"]

_FINISH = {"stop": "COMPLETE", "length": "MAX_TOKENS"}


def _text(content: Any) -> str:
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


class CohereServer(LoopbackApp):
    """``/v2/chat`` translated to ``/v1/chat/completions`` of ``upstream``."""

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/v2/chat", self._chat)

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return web.json_response({"message": "no api key supplied"}, status=401)
        if body.get("stream"):
            return web.json_response({"message": "streaming is not served here"}, status=400)
        upstream: dict[str, Any] = {
            "model": body.get("model", ""),
            "messages": [{"role": m["role"], "content": _text(m.get("content"))}
                         for m in body.get("messages", [])],
        }
        renames = {"max_tokens": "max_tokens", "temperature": "temperature", "k": "top_k",
                   "p": "top_p", "seed": "seed", "stop_sequences": "stop",
                   "frequency_penalty": "frequency_penalty",
                   "presence_penalty": "presence_penalty"}
        upstream.update({new: body[old] for old, new in renames.items() if old in body})
        fmt = body.get("response_format")
        if isinstance(fmt, dict) and fmt.get("type") == "json_object":
            upstream["response_format"] = {"type": "json_object",
                                           "schema": fmt.get("json_schema") or {}}
        status, answer = await self.forward("/v1/chat/completions", upstream)
        if status != 200:
            return web.json_response({"message": openai_error_message(answer)}, status=status)
        choice = answer["choices"][0]
        usage = answer.get("usage") or {}
        counts = {"input_tokens": usage.get("prompt_tokens", 0),
                  "output_tokens": usage.get("completion_tokens", 0)}
        return web.json_response({
            "id": str(uuid.uuid4()),
            "finish_reason": _FINISH.get(FINISH_REASONS.get(choice.get("finish_reason"), ""),
                                         "COMPLETE"),
            "message": {"role": "assistant",
                        "content": [{"type": "text", "text": chat_text(choice)}]},
            "usage": {"billed_units": counts, "tokens": counts},
        })
