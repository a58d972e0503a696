"""Normalisation of whatever ``generate``/``agenerate`` returned into ``GenerateOutput``."""

from __future__ import annotations

from typing import Any

from distilabel.errors import DistilabelError
from distilabel.llms.typing import GenerateOutput, LLMStatistics

__all__ = ["normalize_output", "normalize_outputs"]


class InvalidLLMOutputError(DistilabelError, TypeError):
    """Raised when an LLM returns something that is not a list of strings nor a GenerateOutput."""


def normalize_output(raw: Any, owner: str) -> GenerateOutput:
    """Turn one input's result (list of strings, a string, or a dict) into ``GenerateOutput``.

    Raises:
        InvalidLLMOutputError: the value has neither shape; the message names the LLM.
    """
    if isinstance(raw, dict):
        generations = raw.get("generations")
        if not isinstance(generations, list):
            raise InvalidLLMOutputError(
                f"{owner} returned a dict without a 'generations' list: keys {sorted(raw)}."
                " Return {'generations': [...], 'statistics': {...}} or a list of strings."
            )
        statistics = raw.get("statistics") or {}
        out: GenerateOutput = {
            "generations": [_text(g, owner) for g in generations],
            "statistics": _statistics(statistics, owner),
        }
        if raw.get("logprobs") is not None:
            out["logprobs"] = raw["logprobs"]
        return out
    if isinstance(raw, str):
        return {"generations": [raw], "statistics": {}}
    if isinstance(raw, (list, tuple)):
        return {"generations": [_text(g, owner) for g in raw], "statistics": {}}
    raise InvalidLLMOutputError(
        f"{owner} returned {type(raw).__name__} for one input; expected a list of strings"
        " or a GenerateOutput dict ({'generations': [...], 'statistics': {...}})."
    )


def normalize_outputs(raw: Any, expected: int, owner: str) -> list[GenerateOutput]:
    """Normalise a whole ``generate`` result: one entry per input, ``expected`` inputs.

    Raises:
        InvalidLLMOutputError: not a list, or the wrong number of entries.
    """
    if not isinstance(raw, (list, tuple)):
        raise InvalidLLMOutputError(
            f"{owner}.generate returned {type(raw).__name__}; expected a list with one entry"
            " per input."
        )
    if len(raw) != expected:
        raise InvalidLLMOutputError(
            f"{owner}.generate returned {len(raw)} results for {expected} inputs;"
            " return exactly one entry per input."
        )
    return [normalize_output(r, owner) for r in raw]


def _text(value: Any, owner: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InvalidLLMOutputError(
        f"{owner} returned a generation of type {type(value).__name__}; generations must be"
        " strings (or None for a failed generation)."
    )


def _statistics(stats: Any, owner: str) -> LLMStatistics:
    if not isinstance(stats, dict):
        raise InvalidLLMOutputError(
            f"{owner} returned statistics of type {type(stats).__name__}; expected a dict"
            " with 'input_tokens' and 'output_tokens' lists."
        )
    out: LLMStatistics = {}
    for key in ("input_tokens", "output_tokens"):
        if key in stats and stats[key] is not None:
            value = stats[key]
            out[key] = list(value) if isinstance(value, (list, tuple)) else [value]  # type: ignore[literal-required]
    return out
