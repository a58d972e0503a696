"""Shared types: chat messages and formatted LLM inputs.

Re-exported from ``distilabel.steps.tasks.typing`` (where the original docs import them)
and ``distilabel.llms.typing``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Tuple, Union

from typing_extensions import TypedDict

__all__ = ["ChatItem", "ChatType", "FormattedInput", "StructuredInput"]


class ChatItem(TypedDict):
    """One chat message: ``{"role": "user", "content": "..."}``."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str


ChatType = List[ChatItem]
"""A conversation: the input of one ``generate`` call."""

StructuredInput = Tuple[ChatType, Union[Dict[str, Any], None]]
"""A conversation plus a JSON schema (or ``None``) the answer must follow."""

FormattedInput = Union[ChatType, StructuredInput]
"""What tasks hand to ``generate``: a conversation, optionally with an output schema."""
