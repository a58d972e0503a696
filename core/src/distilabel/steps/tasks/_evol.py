"""What the Evol tasks share: picking a mutation per round, and reading a rewrite.

Evol-Instruct (WizardLM) and Deita's Evol-Complexity / Evol-Quality all run rounds: each
round picks one mutation at random (reproducibly, from ``seed``, the row and the round)
and asks the LLM to rewrite the latest text with it; a rewrite the task eliminates can
be asked for again, with another mutation. Small models wrap the rewrite in a
label ("Rewritten prompt:", "**New response:**"), quotes or a trailing note; the readers
here take the text out, and raise ``MalformedOutputError`` when nothing is left.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

from distilabel.steps.tasks._calls import LLMCalls
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.typing import ChatType

__all__ = ["answers_to", "evolve", "pick_mutation", "rewritten_text"]


def pick_mutation(
    templates: Mapping[str, str], seed: Any, key: Any, round_: int, attempt: int = 0
) -> str:
    """The name of the mutation for round ``round_`` of the row keyed ``key``.

    The same seed, row and round always pick the same mutation, whatever order the rows
    run in or however often a run is resumed. A later ``attempt`` at the round (the
    earlier one's evolution was eliminated) draws again, from ``templates`` (pass the
    mutations not tried yet).
    """
    names = sorted(templates)
    draw = f"{seed}:{key}:{round_}" if attempt == 0 else f"{seed}:{key}:{round_}:{attempt}"
    return random.Random(draw).choice(names)


def _label(nouns: str, adjectives: str) -> re.Pattern[str]:
    word = rf"(?:(?:{adjectives})\s+)?(?:{nouns})"
    return re.compile(
        rf"^\s*(?:\#+\s*)?(?:\*\*|__)?\s*\#?\s*(?:here\s+is\s+)?(?:the\s+|a\s+|my\s+)?{word}"
        rf"\s*\#?\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*",
        re.IGNORECASE,
    )


_ADJECTIVES = "rewritten|improved|new|better|revised|evolved|given|created|more complex|harder"
_QUOTES = re.compile(r'^(?:\*\*|"|\u201c)+\s*|\s*(?:\*\*|"|\u201d)+$')


def rewritten_text(output: str, task: str, nouns: str, what: str) -> str:
    """The rewrite in ``output``, its leading label (``nouns``: "prompt|instruction"),
    wrapping quotes and bold removed.

    Raises:
        MalformedOutputError: nothing is left (the answer is empty or only a label).
    """
    text = output.strip()
    label = _label(nouns, _ADJECTIVES)
    for _ in range(2):  # "## Rewritten prompt:\n**Prompt:** ..."
        text = label.sub("", text, count=1).strip()
    text = _QUOTES.sub("", text).strip()
    if not text:
        raise MalformedOutputError(task, what, output)
    return text


async def evolve(
    llm: LLMCalls,
    start: str,
    rounds: int,
    request: Callable[[str, int, int], ChatType],
    read: Callable[[str, str], str],
    attempts: int = 1,
) -> list[str]:
    """Run ``rounds`` rewrites from ``start``: round ``r`` sends ``request(latest, r, 0)``
    and reads the answer with ``read(answer, latest)``; every round's text, in order.
    When ``read`` rejects an answer (``MalformedOutputError``: the evolution is
    eliminated), the round asks again from the same text, ``request(latest, r, a)`` for
    attempt ``a``, up to ``attempts`` calls in all.

    Raises:
        Exception: a failed call, or ``read``'s error on the round's last attempt (the
            row fails; the calls made so far stay in its metadata).
    """
    history: list[str] = []
    latest = start
    for round_ in range(rounds):
        for attempt in range(attempts):
            try:
                evolved = read(await llm.text(request(latest, round_, attempt)), latest)
            except MalformedOutputError:
                if attempt + 1 == attempts:
                    raise
                continue
            break
        latest = evolved
        history.append(latest)
    return history


async def answers_to(llm: LLMCalls, instructions: list[str]) -> list[str]:
    """One answer per instruction (``generate_answers``), the calls sent together."""
    return list(
        await asyncio.gather(*(llm.text([{"role": "user", "content": i}]) for i in instructions))
    )
