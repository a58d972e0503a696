"""Reading what small models really write: lists, labelled sections, JSON, scores.

The task parsers share these readers. Each one is forgiving about form (numbering
``1.``/``1)``/``-``/``**1.**``, headings ``## Positive``/``Positive:``/``**Positive**``,
JSON inside a code fence or after chatter) and strict about substance: when the part a
task needs is not there, ``MalformedOutputError`` says what is missing and quotes the
start of the answer. Raised from ``format_output``, it fails that row only; the raw
answer stays in ``distilabel_metadata`` (``raw_output_<task>``).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Optional, Sequence

__all__ = [
    "MalformedOutputError",
    "require_text",
    "extract_json",
    "list_items",
    "find_score",
    "sections",
]

_QUOTE_LIMIT = 80


class MalformedOutputError(ValueError):
    """An LLM answer lacks what the task needs; the message names what and quotes it."""

    def __init__(self, task: str, missing: str, text: Optional[str]) -> None:
        start = (text or "").strip().replace("\n", " ")
        if len(start) > _QUOTE_LIMIT:
            start = start[:_QUOTE_LIMIT] + "..."
        super().__init__(
            f"{task}: the answer has no {missing} (it starts {start!r}); the raw answer"
            " is kept in `distilabel_metadata`."
        )


def require_text(step: str, row: dict[str, Any], *columns: str) -> list[str]:
    """The row's ``columns``, each a non-empty string, stripped; else a ``ValueError``
    naming the step and the column (raised in ``format_input``, it fails that row)."""
    values = []
    for column in columns:
        value = row.get(column)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(
                f"Step '{step}': column '{column}' is missing, empty or not text"
                f" ({type(value).__name__})."
            )
        values.append(value.strip())
    return values


# -- lists ---------------------------------------------------------------------------

_MARKER = re.compile(
    r"""^\s*(?:
        \*\*\s*\d+\s*[.):]?\s*\*\*[.):]?      # **1.** or **1**.
      | \d+\s*[.):]                           # 1. 1) 1:
      | \(\d+\)                               # (1)
      | [-*\u2022]                            # - * bullet
      | (?:query|question|instruction|task|prompt)\s*\#?\s*\d+\s*[.):]  # Question 1:
    )\s+""",
    re.IGNORECASE | re.VERBOSE,
)
_WRAPPERS = re.compile(r'^(?:\*\*|__|"|\u201c|\')+|(?:\*\*|__|"|\u201d|\')+$')


def _clean(item: str) -> str:
    item = item.strip()
    for _ in range(2):
        item = _WRAPPERS.sub("", item).strip()
    return item


def list_items(text: str) -> list[str]:
    """The items of a list an LLM wrote, numbered or bulleted or one per line.

    Marked lines win: when any line has a list marker, unmarked lines are chatter
    ("Here are five questions:") unless they continue the previous item. With no marked
    line each non-empty line is an item, headings and lines ending in ':' excluded.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    marked = [bool(_MARKER.match(line)) for line in lines]
    items: list[str] = []
    if any(marked):
        current: Optional[list[str]] = None
        for line, is_item in zip(lines, marked, strict=True):
            if is_item:
                if current is not None:
                    items.append(" ".join(current))
                current = [_MARKER.sub("", line, count=1)]
            elif current is not None and line.strip() and line.startswith((" ", "\t")):
                current.append(line.strip())
            elif current is not None:
                items.append(" ".join(current))
                current = None
        if current is not None:
            items.append(" ".join(current))
    else:
        items = [
            line for line in lines
            if line.strip() and not line.strip().endswith(":") and not line.startswith("#")
        ]
    return [c for c in (_clean(i) for i in items) if c]


# -- labelled sections ---------------------------------------------------------------


def sections(text: str, names: Sequence[str]) -> dict[str, str]:
    """The text under each labelled heading of ``names`` found in ``text``.

    A heading is a name at the start of a line, in any case, optionally after ``#``s or
    inside ``**``/``[[[ ]]]`` (brackets miscounted too), optionally followed by a word
    or two ("Positive sentence") and a colon; the section's text runs to the next
    heading of ``names`` (or the end) and may start on the heading's line. Names not
    found are left out.
    """
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    heading = re.compile(
        rf"^[ \t]*(?:\#+[ \t]*)?(?:\*\*|\[{{1,3}}|__)?[ \t]*({alternatives})\b"
        rf"(?:(?:[ \t]+[A-Za-z]+){{1,2}}[ \t]*(?:\*\*|__)?[ \t]*:"  # "Positive sentence:"
        rf"|[ \t]*(?:\*\*|\]{{1,3}}|__)?[ \t]*[:\-]?)(?:\*\*)?[ \t]*",
        re.IGNORECASE | re.MULTILINE,
    )
    found: dict[str, str] = {}
    matches = list(heading.finditer(text))
    lookup = {n.lower(): n for n in names}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        name = lookup[match.group(1).lower()]
        body = _clean(text[match.end():end].strip())
        if name not in found and body:
            found[name] = body
    return found


# -- JSON ----------------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def _json_candidates(text: str) -> Iterable[str]:
    yield from _FENCE.findall(text)
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for index in range(start, len(text)):
            char = text[index]
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    yield text[start:index + 1]
                    break
        start = text.find("{", start + 1)


def extract_json(text: str) -> Optional[dict[str, Any]]:
    """The first JSON object in ``text`` (bare, fenced or after chatter), or ``None``."""
    stripped = text.strip()
    for candidate in (stripped, *_json_candidates(stripped)):
        try:
            value = json.loads(candidate, strict=False)  # raw line breaks inside strings
        except (json.JSONDecodeError, ValueError):
            continue
        if isinstance(value, dict):
            return value
    return None


# -- scores --------------------------------------------------------------------------

_SCORE = re.compile(
    r"(?:score|rating|rated|grade)\s*(?:\*\*)?\s*(?:is|of|:|=)?\s*(?:\*\*)?\s*(\d+)", re.IGNORECASE
)
_FRACTION = re.compile(r"\b(\d+)\s*(?:/|out of)\s*(\d+)\b", re.IGNORECASE)


def find_score(text: str, low: int, high: int) -> Optional[int]:
    """A score in ``[low, high]`` the answer gives ("Score: 4", "4/5", "rated 4"), or
    ``None``; a number on its own in the answer counts only when it is alone."""
    for match in _SCORE.finditer(text):
        value = int(match.group(1))
        if low <= value <= high:
            return value
    for match in _FRACTION.finditer(text):
        value, top = int(match.group(1)), int(match.group(2))
        if top == high and low <= value <= high:
            return value
    alone = re.fullmatch(r"\W*(\d+)\W*", text.strip())
    if alone and low <= int(alone.group(1)) <= high:
        return int(alone.group(1))
    return None
