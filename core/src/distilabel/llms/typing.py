"""Types of what LLMs take and return.

A ``generate`` may return, for each input, either a plain list of generated strings (as
custom LLMs in the original docs do) or a :class:`GenerateOutput` dict carrying
statistics and, optionally, log probabilities. The core normalises both to
``GenerateOutput`` before tasks use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, Union

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "GenerateOutput",
    "HiddenState",
    "LLMOutput",
    "LLMStatistics",
    "Logprob",
    "TokenLogprobs",
]


class Logprob(TypedDict):
    """One candidate token and its log probability."""

    token: str
    logprob: float


TokenLogprobs = List[List[Logprob]]
"""Log probabilities of one generation: for each generated token, its top candidates."""


class LLMStatistics(TypedDict, total=False):
    """Token counts of one input's generations, one entry per generation."""

    input_tokens: List[int]
    output_tokens: List[int]
    replaced_surrogates: List[int]
    """Lone surrogates replaced by U+FFFD in each generation (only when there were any)."""


class GenerateOutput(TypedDict):
    """What an LLM produced for one input: ``num_generations`` texts plus statistics.

    A generation is ``None`` when the backend produced nothing usable for it.
    """

    generations: List[Optional[str]]
    statistics: LLMStatistics
    logprobs: NotRequired[List[TokenLogprobs]]


LLMOutput = Union[GenerateOutput, List[Optional[str]]]
"""What ``generate`` may return per input: a ``GenerateOutput`` or a plain list of strings."""

if TYPE_CHECKING:
    from numpy.typing import NDArray

    HiddenState = NDArray[Any]
else:
    HiddenState = Any
"""The last hidden state of one input: an array of shape ``(num_tokens, hidden_size)``."""
