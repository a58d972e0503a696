"""Gemini's ``generateContent`` (Gemini API and Vertex AI paths) in front of llama-server.

Served paths (any API version), as ``google-genai`` builds them:

- Gemini API: ``/{version}/models/{model}:generateContent`` (key in ``x-goog-api-key``);
- Vertex AI: ``/{version}/projects/{p}/locations/{l}/publishers/google/models/{model}:
  generateContent`` and express mode ``/{version}/publishers/google/models/{model}:...``
  (an OAuth bearer token, or a key).

``contents`` and ``systemInstruction`` become OpenAI messages; ``generationConfig`` maps to
OpenAI sampling fields (``candidateCount`` to ``n``; ``responseMimeType``
``application/json`` with ``responseSchema`` / ``responseJsonSchema`` to
``response_format``).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from aiohttp import web

from protocol_servers._app import LoopbackApp
from protocol_servers._openai_shape import FINISH_REASONS, chat_text, openai_error_message

__all__ = ["GeminiServer"]

_PATH = re.compile(
    r"^/(?P<version>v[^/]+)/(?:projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/)?"
    r"(?:publishers/google/)?models/(?P<model>[^/:]+):generateContent$"
)
_CONFIG = {"temperature": "temperature", "topP": "top_p", "topK": "top_k",
           "maxOutputTokens": "max_tokens", "stopSequences": "stop", "seed": "seed",
           "candidateCount": "n", "presencePenalty": "presence_penalty",
           "frequencyPenalty": "frequency_penalty"}
_FINISH = {"stop": "STOP", "length": "MAX_TOKENS"}


def _text(parts: Any) -> str:
    return "".join(str(p.get("text", "")) for p in parts or [] if isinstance(p, dict))


def _error(status: int, message: str) -> web.Response:
    state = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND"}
    return web.json_response(
        {"error": {"code": status, "message": message, "status": state.get(status, "INTERNAL")}},
        status=status,
    )


class GeminiServer(LoopbackApp):
    """``generateContent`` translated to ``upstream``'s ``/v1/chat/completions``.

    ``calls`` records, per request, the path's parts and how it authenticated.
    """

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.calls: list[dict[str, Any]] = []

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/{path:.+}", self._generate)

    async def _generate(self, request: web.Request) -> web.Response:
        match = _PATH.match(request.path)
        if match is None:
            return _error(404, f"no such method: {request.path}")
        key = request.headers.get("x-goog-api-key") or request.query.get("key")
        bearer = request.headers.get("Authorization", "")
        if not key and not bearer.startswith("Bearer "):
            return _error(401, "Request is missing required authentication credential.")
        self.calls.append({**match.groupdict(), "api_key": bool(key),
                           "bearer": bearer.startswith("Bearer ")})
        body = await request.json()
        messages = []
        system = body.get("systemInstruction") or body.get("system_instruction")
        if system:
            messages.append({"role": "system", "content": _text(system.get("parts"))})
        for content in body.get("contents", []):
            role = "assistant" if content.get("role") == "model" else "user"
            messages.append({"role": role, "content": _text(content.get("parts"))})
        upstream: dict[str, Any] = {"model": match["model"], "messages": messages}
        config = body.get("generationConfig") or {}
        upstream.update({new: config[old] for old, new in _CONFIG.items() if old in config})
        schema = config.get("responseJsonSchema") or config.get("responseSchema")
        if config.get("responseMimeType") == "application/json":
            upstream["response_format"] = {"type": "json_object", "schema": schema or {}}
        status, answer = await self.forward("/v1/chat/completions", upstream)
        if status != 200:
            return _error(status, openai_error_message(answer))
        usage = answer.get("usage") or {}
        candidates = [
            {"content": {"role": "model", "parts": [{"text": chat_text(choice)}]},
             "finishReason": _FINISH.get(FINISH_REASONS.get(choice.get("finish_reason"), ""),
                                         "STOP"),
             "index": choice.get("index", i)}
            for i, choice in enumerate(answer.get("choices", []))
        ]
        prompt, output = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
        return web.json_response({
            "candidates": candidates,
            "usageMetadata": {"promptTokenCount": prompt, "candidatesTokenCount": output,
                              "totalTokenCount": prompt + output},
            "modelVersion": match["model"], "responseId": uuid.uuid4().hex,
        })
