"""Reading judges' verdicts: one block per judged item, scores checked against a scale.

The judge tasks (UltraFeedback, PrometheusEval, QualityScorer, ComplexityScorer) share
these readers. A judge's answer is split into the blocks of the items it rates ("Text
2", "[Response 2]", "[2]", "2.", "#### Output for Text 2"), and each score is read from
its label ("Rating: 4", "**Score**: 4", "Score 4/5"). A score that is missing, not a
whole number or outside its scale is a ``MalformedOutputError``: the row fails with its
raw answer kept, the batch goes on. Nothing is guessed from a stray number.

With ``use_default_structured_output`` the judge tasks ask for JSON whose arrays have
exactly one entry per judged item of the row (``row_request``), so a constrained backend
cannot rate too few or too many.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from distilabel.steps.tasks._parsing import MalformedOutputError, extract_json
from distilabel.steps.typing import Row
from distilabel.typing import ChatType, FormattedInput

__all__ = [
    "Scale",
    "item_blocks",
    "item_scores",
    "label_position",
    "labelled_text",
    "rated_items_schema",
    "read_json",
    "required_text",
    "row_request",
    "scores_schema",
    "text_list",
]


@dataclass(frozen=True)
class Scale:
    """A whole-number rating scale ``low..high``, read from text or JSON, range-checked."""

    low: int
    high: int

    @property
    def values(self) -> list[int]:
        return list(range(self.low, self.high + 1))

    def describe(self) -> str:
        return f"{self.low}-{self.high}"

    def check(self, value: Any, task: str, what: str, answer: Optional[str]) -> int:
        """``value`` (an int, or text like ``"4"``, ``"4/5"``) as an int on the scale;
        else a ``MalformedOutputError`` naming ``what`` and the scale."""
        number: Optional[float] = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            match = _NUMBER.match(value)
            number = float(match.group(1)) if match else None
            if match and match.group(2) and int(match.group(2)) != self.high:
                raise MalformedOutputError(
                    task, f"{what} on the scale {self.describe()} (it gave {value!r})", answer
                )
        if number is None:
            raise MalformedOutputError(task, f"{what} (a whole number {self.describe()})", answer)
        if number != int(number) or not self.low <= number <= self.high:
            raise MalformedOutputError(
                task, f"{what} on the scale {self.describe()} (it gave {value!r})", answer
            )
        return int(number)

    def labelled(
        self, text: str, labels: Sequence[str], task: str, what: str, answer: Optional[str]
    ) -> int:
        """The score after one of ``labels`` in ``text`` ("Rating: 4"), checked."""
        found = labelled_text(text, labels, line=True)
        if found is None:
            raise MalformedOutputError(task, what, answer)
        return self.check(found, task, what, answer)


_NUMBER = re.compile(
    r"\s*[\[(*]*\s*(-?\d+(?:\.\d+)?)\s*[\])*]*\s*(?:(?:/|out of)\s*(\d+))?\b", re.IGNORECASE
)


def labelled_text(
    text: str, labels: Sequence[str], line: bool = False, until: Sequence[str] = ()
) -> Optional[str]:
    """What follows the first of ``labels`` at the start of a line of ``text``.

    A label is matched in any case, optionally inside ``**``, ``__``, ``[]`` or after
    ``#``s or a bullet, and is followed by ``:``, ``=``, ``-`` or (for scores) a digit.
    The value runs to the end of its line with ``line``; else to the next line that
    starts with one of ``labels`` or ``until`` (or the end). ``None`` when no label is
    there or nothing follows it.
    """
    match = _label(labels).search(text)
    if match is None:
        return None
    rest = text[match.end():]
    if line:
        value = rest.split("\n", 1)[0]
    else:
        following = _label([*labels, *until]).search(rest)
        value = rest[: following.start()] if following else rest
    value = value.strip().strip("*_").strip()
    return value or None


@functools.lru_cache(maxsize=64)
def _label_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(
        rf"^[ \t>*_#\-\[]*(?:{alternatives})\b[ \t]*(?:\*\*|__|\])?[ \t]*"
        rf"(?:[:=\-][ \t]*(?:\*\*|__)?|(?=\**\d))[ \t]*",
        re.IGNORECASE | re.MULTILINE,
    )


def _label(labels: Sequence[str]) -> re.Pattern[str]:
    return _label_pattern(tuple(labels))


def label_position(text: str, labels: Sequence[str]) -> Optional[int]:
    """Where the first line labelled with one of ``labels`` starts, or ``None``."""
    match = _label(labels).search(text)
    return match.start() if match else None


# -- one block per item ---------------------------------------------------------------

_ITEM_WORDS = r"(?:output\s+for\s+)?(?:text|response|answer|generation|instruction|query|item)"
_HEADING = re.compile(
    rf"""^[ \t>*_#]*(?:
        {_ITEM_WORDS}\s*\#?\s*(\d+)\b         # Text 2, #### Output for Text 2, Response #2
      | \[\s*(?:{_ITEM_WORDS}\s*)?(\d+)\s*\]  # [2], [Response 2]
      | (\d+)\s*[.)]\s                        # 2. 2)
    )[ \t*_\]:.)\-]*""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)


def item_blocks(text: str, count: int) -> dict[int, str]:
    """The text about each item ``1..count`` of ``text``, keyed by its number.

    A block starts at an item heading and runs to the next one; the first block of a
    number wins (judges repeat headings when they loop). With one item and no heading,
    the whole answer is its block.
    """
    matches = [m for m in _HEADING.finditer(text) if 1 <= _number(m) <= count]
    blocks: dict[int, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        number = _number(match)
        if number not in blocks:
            blocks[number] = text[match.end():end].strip()
    if not blocks and count == 1:
        blocks[1] = text.strip()
    return blocks


def _number(match: re.Match[str]) -> int:
    return int(next(g for g in match.groups() if g is not None))


def text_list(step: str, row: Row, column: str) -> list[str]:
    """The row's ``column``, a non-empty list of non-empty texts, stripped; else a
    ``ValueError`` naming the step and the column (it fails that row)."""
    value = row.get(column)
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    if isinstance(value, list) and value:
        got = f"a list of {len(value)} with an empty or non-text entry"
    else:
        got = repr(value) if value is None or value == [] else type(value).__name__
    raise ValueError(
        f"Step '{step}': column '{column}' must be a non-empty list of non-empty texts"
        f" (got {got})."
    )


# -- JSON answers ---------------------------------------------------------------------


def read_json(output: str, keys: Sequence[str]) -> Optional[dict[str, Any]]:
    """The JSON object of ``output`` when it has every one of ``keys``, else ``None``
    (a free-text answer is read by the task's text reader)."""
    data = extract_json(output)
    if data is None or not all(k in data for k in keys):
        return None
    return data


def required_text(value: Any, task: str, what: str, answer: Optional[str]) -> str:
    """``value`` as non-empty stripped text, else a ``MalformedOutputError``."""
    if not isinstance(value, str) or not value.strip():
        raise MalformedOutputError(task, what, answer)
    return value.strip()


# -- structured output ----------------------------------------------------------------


def row_request(
    use_default: bool, row: Row, messages: ChatType, schema: dict[str, Any]
) -> FormattedInput:
    """``messages``, paired with ``schema`` (sized for this row) when the task's default
    structured output is on and the row brings no ``structured_output`` of its own."""
    if use_default and row.get("structured_output") is None:
        return (messages, {"format": "json", "schema": schema})  # type: ignore[return-value]
    return messages


def rated_items_schema(
    key: str, item: dict[str, Any], count: Optional[int]
) -> dict[str, Any]:
    """``{key: [item, ...]}`` with exactly ``count`` items (any number when ``None``)."""
    array: dict[str, Any] = {"type": "array", "items": item}
    if count is not None:
        array.update(minItems=count, maxItems=count)
    return {"type": "object", "properties": {key: array}, "required": [key]}


# -- one score per item (Deita's scorers) ---------------------------------------------


def item_scores(output: str, count: int, scale: Scale, task: str) -> list[int]:
    """One score on ``scale`` per item ``1..count``: from ``{"scores": [...]}`` or from
    the item blocks ("[2] Score: 4"); a missing or off-scale score fails the row."""
    data = read_json(output, ["scores"])
    if data is not None and isinstance(data["scores"], list):
        values = data["scores"]
        if len(values) != count:
            raise MalformedOutputError(
                task, f"score for each of the {count} items (it gave {len(values)})", output
            )
        return [scale.check(v, task, f"score of item {n}", output) for n, v in enumerate(values, 1)]
    blocks = item_blocks(output, count)
    scores = []
    for n in range(1, count + 1):
        if n not in blocks:
            raise MalformedOutputError(task, f"score for item {n}", output)
        block = blocks[n]
        if labelled_text(block, _SCORE_LABELS, line=True) is None and _ALONE.fullmatch(block):
            scores.append(scale.check(block, task, f"score of item {n}", output))
        else:
            scores.append(scale.labelled(block, _SCORE_LABELS, task, f"score of item {n}", output))
    return scores


_ALONE = re.compile(r"\W*\d+(?:\.\d+)?(?:\s*/\s*\d+)?\W*")


_SCORE_LABELS = ["score", "rating", "complexity", "quality", "complexity score", "quality score"]


def scores_schema(scale: Scale, count: Optional[int]) -> dict[str, Any]:
    """``{"scores": [...]}``, ``count`` integers on ``scale``."""
    return rated_items_schema("scores", {"type": "integer", "enum": scale.values}, count)
