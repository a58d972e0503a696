"""``ChatGeneration``: continue a conversation given in the ``messages`` column."""

from __future__ import annotations

from typing import Any, Optional

from distilabel.steps.tasks._base import Task
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["ChatGeneration"]

_ROLES = {"system", "user", "assistant", "tool"}


class ChatGeneration(Task):
    """Generate the next assistant message for the conversation in ``messages``.

    ``messages`` is a list of ``{"role": ..., "content": ...}`` dicts ending with a user
    message. Output columns: ``generation`` and ``model_name``.
    """

    @property
    def inputs(self) -> StepColumns:
        return ["messages"]

    @property
    def outputs(self) -> StepColumns:
        return ["generation", "model_name"]

    def format_input(self, input: Row) -> ChatType:
        """Check the conversation's shape and pass it to the LLM unchanged."""
        messages = input.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ValueError(
                f"Step '{self.name}': `messages` must be a non-empty list of"
                f" {{'role', 'content'}} dicts, got {type(messages).__name__}."
            )
        for index, message in enumerate(messages):
            if (
                not isinstance(message, dict)
                or message.get("role") not in _ROLES
                or not isinstance(message.get("content"), str)
            ):
                raise ValueError(
                    f"Step '{self.name}': message {index} is not a {{'role': one of"
                    f" {sorted(_ROLES)}, 'content': str}} dict: {message!r:.80}."
                )
        if messages[-1]["role"] != "user":
            raise ValueError(
                f"Step '{self.name}': the last message must come from the user, not"
                f" {messages[-1]['role']!r}."
            )
        return messages

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """Put the generated message in the ``generation`` column."""
        return {"generation": output}
