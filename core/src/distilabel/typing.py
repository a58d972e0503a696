"""Shared types: chat messages, LLM inputs and outputs, structured-output requests, step
inputs and outputs.

Chat types are defined here and re-exported from ``distilabel.steps.tasks.typing`` (where
the original docs import them) and ``distilabel.llms.typing``. As in distilabel 1.5, the
LLM output types (``GenerateOutput``, ...) and the step types (``StepOutput``, ...) are
importable from here too; they are the objects of ``distilabel.llms.typing`` and
``distilabel.steps.typing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Tuple, Type, Union

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

if TYPE_CHECKING:
    from pydantic import BaseModel

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
    "OutlinesStructuredOutputType",
    "StandardInput",
    "StepColumns",
    "StepInput",
    "StepOutput",
    "StructuredInput",
    "StructuredOutputType",
    "TokenLogprobs",
]


class ChatItem(TypedDict):
    """One chat message: ``{"role": "user", "content": "..."}``."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str


ChatType = List[ChatItem]
"""A conversation: the input of one ``generate`` call."""

StandardInput = ChatType
"""A conversation (the 1.x name)."""


class StructuredOutputType(TypedDict, total=False):
    """A request for structured output: ``{"format": "json", "schema": Model}``.

    ``format`` is ``"json"`` (``schema``: a pydantic model class, a JSON schema dict or its
    JSON text; none means any JSON object) or ``"regex"`` (``schema``: the pattern the
    whole answer must match). Every backend maps it to its native mechanism (a grammar,
    ``response_format``, a constrained-decoding library) and the core validates the text.
    """

    format: Literal["json", "regex"]
    schema: Union[str, Type[BaseModel], Dict[str, Any]]
    whitespace_pattern: Optional[str]


OutlinesStructuredOutputType = StructuredOutputType
"""The 1.x name of :class:`StructuredOutputType`."""

StructuredInput = Tuple[Union[ChatType, str], Union[StructuredOutputType, Dict[str, Any], None]]
"""An input plus the structured output its answer must follow (or ``None``)."""

FormattedInput = Union[ChatType, StructuredInput, str]
"""What tasks hand to ``generate``: a conversation, a raw prompt string (sent without any
chat template), or either paired with a structured-output request."""
