"""Reading llama-server's OpenAI-shaped answers, for the protocol servers."""

from __future__ import annotations

from typing import Any

__all__ = ["FINISH_REASONS", "chat_text", "openai_error_message"]

FINISH_REASONS = {"stop": "stop", "length": "length", "tool_calls": "stop", None: "stop"}
"""llama-server's ``finish_reason`` values, reduced to ``stop`` or ``length``."""


def chat_text(choice: dict[str, Any]) -> str:
    """The text of a chat choice (``message.content``) or a completion choice (``text``)."""
    message = choice.get("message")
    if isinstance(message, dict):
        return str(message.get("content") or "")
    return str(choice.get("text") or "")


def openai_error_message(answer: Any) -> str:
    """The message of an OpenAI-shaped error body."""
    if isinstance(answer, dict):
        error = answer.get("error")
        if isinstance(error, dict):
            return str(error.get("message", error))
        return str(error or answer)
    return str(answer)
