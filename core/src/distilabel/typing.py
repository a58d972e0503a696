"""Shared types: chat messages, LLM inputs and outputs, step inputs and outputs.

Chat types are defined here and re-exported from ``distilabel.steps.tasks.typing`` (where
the original docs import them) and ``distilabel.llms.typing``. As in distilabel 1.5, the
LLM output types (``GenerateOutput``, ...) and the step types (``StepOutput``, ...) are
importable from here too; they are the objects of ``distilabel.llms.typing`` and
``distilabel.steps.typing``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Tuple, Union

from typing_extensions import TypedDict

from distilabel.llms.typing import (
    GenerateOutput,
    HiddenState,
    LLMOutput,
    LLMStatistics,
    Logprob,
    TokenLogprobs,
)
from distilabel.steps.typing import GeneratorStepOutput, StepColumns, StepInput, StepOutput

__all__ = [
    "ChatItem",
    "ChatType",
    "FormattedInput",
    "GenerateOutput",
    "GeneratorStepOutput",
    "HiddenState",
    "LLMOutput",
    "LLMStatistics",
    "Logprob",
    "StepColumns",
    "StepInput",
    "StepOutput",
    "StructuredInput",
    "TokenLogprobs",
]


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
