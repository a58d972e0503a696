"""Validation of whatever ``generate``/``agenerate`` returned, at the boundary.

Every LLM answer passes through here before a task sees it: it becomes a
``GenerateOutput`` with exactly ``num_generations`` texts, each a valid Unicode string
(lone surrogates replaced by U+FFFD and counted in the statistics as
``replaced_surrogates``), or an ``InvalidLLMOutputError`` that keeps the raw answer, which
the task records as that row's error. A wrong shape never drops, duplicates or silently
empties rows.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from distilabel._text import repair_text
from distilabel.errors import DistilabelError
from distilabel.llms.typing import GenerateOutput, LLMStatistics

__all__ = [
    "InvalidLLMOutputError",
    "normalize_output",
    "normalize_outputs",
    "normalize_results",
    "storable_raw",
]

_RAW_LIMIT = 2000
"""Characters of an unusable answer's ``repr`` kept when it is not plain JSON data."""


class InvalidLLMOutputError(DistilabelError, TypeError):
    """Raised when an LLM's answer is unusable: not a list of strings nor a
    ``GenerateOutput``, the wrong number of generations, ``None`` or a non-text generation.

    In a task it becomes the row's error; ``raw`` holds what the LLM returned (made
    storable), which the task keeps in the row's ``raw_output_<task>`` metadata.
    """

    def __init__(self, message: str, raw: Any = None) -> None:
        super().__init__(message)
        self.raw = storable_raw(raw)

    def __reduce__(self) -> Any:
        return (type(self), (str(self), self.raw))


def storable_raw(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON data that can be stored: strings repaired, tuples as lists,
    anything else (an object, bytes...) as its ``repr`` (at most 2,000 characters)."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return repair_text(value)[0]
    if depth < 20 and isinstance(value, (list, tuple)):
        return [storable_raw(v, depth + 1) for v in value]
    if depth < 20 and isinstance(value, dict):
        return {repair_text(str(k))[0]: storable_raw(v, depth + 1) for k, v in value.items()}
    return repair_text(repr(value)[:_RAW_LIMIT])[0]


def normalize_output(
    raw: Any, owner: str, num_generations: Optional[int] = None
) -> GenerateOutput:
    """Turn one input's result (list of strings, a string, or a dict) into ``GenerateOutput``.

    Args:
        raw: what the LLM returned for one input.
        owner: the LLM's class name, for messages.
        num_generations: how many generations were asked for (checked when given).

    Raises:
        InvalidLLMOutputError: the value has neither shape, holds the wrong number of
            generations, or a generation is ``None`` or not a string; ``raw`` is kept.
    """
    logprobs: Any = None
    if isinstance(raw, dict):
        generations = raw.get("generations")
        if not isinstance(generations, (list, tuple)):
            raise InvalidLLMOutputError(
                f"{owner} returned a dict without a 'generations' list: keys"
                f" {sorted(map(str, raw))}. Return {{'generations': [...], 'statistics':"
                " {...}} or a list of strings.", raw,
            )
        statistics = _statistics(raw.get("statistics") or {})
        logprobs = raw.get("logprobs")
    elif isinstance(raw, str):
        generations, statistics = [raw], {}
    elif isinstance(raw, (list, tuple)):
        generations, statistics = list(raw), {}
    else:
        raise InvalidLLMOutputError(
            f"{owner} returned {type(raw).__name__} for one input; expected a list of strings"
            " or a GenerateOutput dict ({'generations': [...], 'statistics': {...}}).", raw,
        )
    if num_generations is not None and len(generations) != num_generations:
        raise InvalidLLMOutputError(
            f"{owner} returned {len(generations)} generation(s) for one input where"
            f" {num_generations} were asked for (num_generations={num_generations}); return"
            " exactly num_generations texts per input.", raw,
        )
    texts: list[Optional[str]] = []
    replaced: list[int] = []
    for index, generation in enumerate(generations):
        text, count = _text(generation, index, owner, raw)
        texts.append(text)
        replaced.append(count)
    if any(replaced):
        statistics["replaced_surrogates"] = replaced
    out: GenerateOutput = {"generations": texts, "statistics": statistics}
    if logprobs is not None:
        out["logprobs"] = logprobs
    return out


def normalize_results(
    raw: Any, expected: int, owner: str, num_generations: Optional[int] = None
) -> list[Union[GenerateOutput, InvalidLLMOutputError]]:
    """Validate a whole ``generate`` result: one entry per input, ``expected`` inputs;
    an unusable entry becomes that input's ``InvalidLLMOutputError``.

    Raises:
        InvalidLLMOutputError: not a list, or the wrong number of entries (no entry can
            be matched to its input then).
    """
    if not isinstance(raw, (list, tuple)):
        raise InvalidLLMOutputError(
            f"{owner}.generate returned {type(raw).__name__}; expected a list with one entry"
            " per input.", raw,
        )
    if len(raw) != expected:
        raise InvalidLLMOutputError(
            f"{owner}.generate returned {len(raw)} results for {expected} inputs;"
            " return exactly one entry per input.", raw,
        )
    results: list[Union[GenerateOutput, InvalidLLMOutputError]] = []
    for entry in raw:
        try:
            results.append(normalize_output(entry, owner, num_generations))
        except InvalidLLMOutputError as exc:
            results.append(exc)
    return results


def normalize_outputs(
    raw: Any, expected: int, owner: str, num_generations: Optional[int] = None
) -> list[GenerateOutput]:
    """``normalize_results`` that raises the first unusable entry's error.

    Raises:
        InvalidLLMOutputError: not a list, the wrong number of entries, or an entry is
            unusable.
    """
    results = normalize_results(raw, expected, owner, num_generations)
    for result in results:
        if isinstance(result, InvalidLLMOutputError):
            raise result
    return results  # type: ignore[return-value]


def _text(value: Any, index: int, owner: str, raw: Any) -> tuple[str, int]:
    if isinstance(value, str):
        return repair_text(value)
    if value is None:
        raise InvalidLLMOutputError(
            f"{owner} returned None for generation {index}: no text (a refusal, a content"
            " filter, a tool call?). The row is recorded as failed; an LLM should raise an"
            " exception for an input it cannot answer.", raw,
        )
    raise InvalidLLMOutputError(
        f"{owner} returned a generation of type {type(value).__name__}; generations must be"
        " strings.", raw,
    )


def _statistics(stats: Any) -> LLMStatistics:
    """The token counts of ``stats``; a malformed statistics value is dropped, never the
    answer it came with."""
    out: LLMStatistics = {}
    if not isinstance(stats, dict):
        return out
    for key in ("input_tokens", "output_tokens"):
        if key in stats and stats[key] is not None:
            value = stats[key]
            out[key] = list(value) if isinstance(value, (list, tuple)) else [value]  # type: ignore[literal-required]
    return out
