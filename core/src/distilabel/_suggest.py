"""Did-you-mean: the closest known name to a mistyped one.

One mechanism for every place a name is looked up (runtime parameters, step names,
columns, LLM classes in ``from distilabel.llms import ...`` and ``distilabel llms
info``): a case-insensitive exact match wins, then the closest spelling by
``difflib``'s ratio.
"""

from __future__ import annotations

import difflib
from typing import Iterable, Optional

__all__ = ["closest", "did_you_mean"]


def closest(name: str, choices: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """The choice ``name`` most likely meant, or ``None`` when nothing is close.

    ``OpenAILMM`` -> ``OpenAILLM``; ``openaillm`` -> ``OpenAILLM`` (case is ignored, and a
    match that differs only in case always wins).
    """
    options = list(dict.fromkeys(choices))
    lowered: dict[str, str] = {}
    for option in options:
        lowered.setdefault(option.lower(), option)
    exact = lowered.get(name.lower())
    if exact is not None:
        return exact
    close = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def did_you_mean(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'X'?"`` for the closest choice, else ``"."``: the end of an
    ``Unknown ... 'name'`` sentence."""
    match = closest(name, choices, cutoff)
    return f"; did you mean '{match}'?" if match is not None else "."
