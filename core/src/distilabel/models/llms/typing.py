"""``distilabel.models.llms.typing``, the distilabel 1.5 path of the LLM types (an alias)."""

from distilabel.llms.typing import (
    GenerateOutput,
    HiddenState,
    LLMOutput,
    LLMStatistics,
    Logprob,
    TokenLogprobs,
)

__all__ = [
    "GenerateOutput",
    "HiddenState",
    "LLMOutput",
    "LLMStatistics",
    "Logprob",
    "TokenLogprobs",
]
