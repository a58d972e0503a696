"""Valid Unicode text: lone surrogates found, located and replaced.

A Python ``str`` may hold a *lone surrogate* (``"\\ud83d"``: half of a UTF-16 pair, e.g.
from ``json.loads`` of a truncated escape), which is not text and cannot be written as
UTF-8. LLM answers are repaired where they enter a task (``repair_text``: each lone
surrogate becomes U+FFFD, and is counted); input data is not changed behind the user's
back: ``find_invalid_text`` says where it is, for an error that names the place.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Optional

__all__ = ["describe_unstorable", "find_invalid_text", "repair_text"]

_REPLACEMENT = "\ufffd"


def repair_text(text: str) -> tuple[str, int]:
    """``(text, replaced)``: ``text`` as valid Unicode and how many lone surrogates were
    replaced by U+FFFD (a proper surrogate *pair* becomes the character it encodes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text, 0
    joined = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return joined, joined.count(_REPLACEMENT) - text.count(_REPLACEMENT)


def _invalid(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def find_invalid_text(value: Any, path: str = "") -> Optional[tuple[str, str]]:
    """``(path, text)`` of the first string in ``value`` (nested dicts and lists) that
    holds a lone surrogate, e.g. ``("['instruction']", "a\\ud83d")``; ``None`` if none.

    Dict keys are checked too (the path then ends with the key itself).
    """
    if isinstance(value, str):
        return (path, value) if _invalid(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _invalid(key):
                return f"{path}[{key!r}]", key
            found = find_invalid_text(item, f"{path}[{key!r}]")
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = find_invalid_text(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _first_bad_value(
    value: Any, default: Optional[Callable[[Any], Any]], path: str = ""
) -> Optional[tuple[str, Any]]:
    """``(path, value)`` of the first value JSON (with ``default``) cannot hold."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _first_bad_value(item, default, f"{path}[{key!r}]")
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _first_bad_value(item, default, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    try:
        json.dumps(value, default=default)
    except (TypeError, ValueError):
        return path, value
    return None


def describe_unstorable(value: Any, default: Optional[Callable[[Any], Any]] = None) -> str:
    """Why ``value`` (a row) cannot be stored as JSON text (``default`` as for
    ``json.dumps``), and where: ``"column 'instruction' holds a lone surrogate..."``."""
    invalid = find_invalid_text(value)
    if invalid is not None:
        where, text = invalid
        return (
            f"{_place(where)} holds a lone surrogate, which is not valid Unicode text"
            f" ({text[:60]!r})"
        )
    bad = _first_bad_value(value, default)
    if bad is not None:
        where, item = bad
        return f"{_place(where)} holds a {type(item).__name__} ({item!r:.60}), which is not JSON"
    return "it is not JSON-serialisable"


def _place(path: str) -> str:
    if not path:
        return "the value"
    head, _, rest = path[1:].partition("]")
    return f"column {head}" + (f" (at {rest})" if rest else "")
