"""Derive the accepted ``generation_kwargs`` from a ``generate``/``agenerate`` signature.

Each keyword other than the inputs and ``num_generations`` becomes a key, typed from its
annotation, defaulted from the signature and described from the method's Google-style
docstring ``Args:`` section.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from typing import Any, Callable

from distilabel.runtime_parameters import KeySchema, KeySpec

__all__ = ["generation_kwargs_schema", "parse_docstring_args"]

_SKIPPED = frozenset({"self", "inputs", "input", "num_generations"})
_ARG_LINE = re.compile(r"^(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring_args(doc: str | None) -> dict[str, str]:
    """Return ``{argument: description}`` from the ``Args:`` section of a docstring."""
    if not doc:
        return {}
    lines = inspect.cleandoc(doc).splitlines()
    result: dict[str, str] = {}
    in_args = False
    current: str | None = None
    arg_indent: int | None = None
    for line in lines:
        stripped = line.strip()
        if not in_args:
            if stripped in ("Args:", "Arguments:", "Parameters:"):
                in_args = True
            continue
        if not stripped:
            current = None
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            break  # next section (Returns:, Raises:, ...)
        match = _ARG_LINE.match(stripped)
        if match and (arg_indent is None or indent <= arg_indent):
            arg_indent = indent
            current = match.group(1).lstrip("*")
            result[current] = match.group(2).strip()
        elif current is not None:
            result[current] = (result[current] + " " + stripped).strip()
    return result


@functools.lru_cache(maxsize=256)
def generation_kwargs_schema(func: Callable[..., Any]) -> KeySchema:
    """Build the ``KeySchema`` of ``generation_kwargs`` for ``func`` (cached per function)."""
    signature = inspect.signature(func)
    target = inspect.unwrap(func)
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to raw annotations
        hints = {}
    docs = parse_docstring_args(getattr(target, "__doc__", None) or func.__doc__)
    keys: dict[str, KeySpec] = {}
    allow_extra = False
    for name, param in signature.parameters.items():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            allow_extra = True
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL or name in _SKIPPED:
            continue
        annotation = hints.get(name, param.annotation)
        if annotation is inspect.Parameter.empty or isinstance(annotation, str):
            annotation = Any
        required = param.default is inspect.Parameter.empty
        keys[name] = KeySpec(
            name=name,
            annotation=annotation,
            default=None if required else param.default,
            required=required,
            description=docs.get(name),
        )
    return KeySchema(keys=keys, allow_extra=allow_extra)
