"""``EvolInstruct``: make instructions harder in rounds of rewrites, as in WizardLM."""

from __future__ import annotations

import re
from typing import Any, Optional

from pydantic import Field, PositiveInt, model_validator

from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps.tasks._calls import LLMCalls
from distilabel.steps.tasks._evol import answers_to, evolve, pick_mutation, rewritten_text
from distilabel.steps.tasks._kinds import MultiCallTask
from distilabel.steps.tasks._parsing import MalformedOutputError, require_text
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = [
    "EvolInstruct",
    "MUTATION_TEMPLATES",
    "evolve_request",
    "read_instruction",
    "rewrite_request",
]

_DEPTH = (
    "Rewrite the prompt below into a harder version of itself. {mutation} The new prompt"
    " must still make sense to a person and be answerable by an AI assistant; keep"
    " every table, code snippet and number of the original, and add no more than 10 to"
    " 20 words."
)

MUTATION_TEMPLATES: dict[str, str] = {
    "CONSTRAINTS": _DEPTH.format(
        mutation="Add one more constraint or requirement that the answer has to meet."
    ),
    "DEEPENING": _DEPTH.format(
        mutation="Where the prompt asks about a particular matter, ask about it in more"
        " depth and breadth."
    ),
    "CONCRETIZING": _DEPTH.format(
        mutation="Replace general ideas with more specific, concrete ones."
    ),
    "INCREASED_REASONING_STEPS": _DEPTH.format(
        mutation="If a few simple thoughts would answer it, make it ask explicitly for"
        " reasoning in several steps."
    ),
    "BREADTH": "Write a brand-new prompt inspired by the prompt below: the same domain,"
    " but a rarer topic, of similar length and difficulty, that an AI assistant could"
    " answer and a person would understand.",
}
"""Evol-Instruct's rewrites: four in-depth evolutions (harder versions of the prompt)
and one in-breadth evolution (a new prompt on a rarer topic); one is picked per round."""

_NOUNS = "prompt|instruction|question|task|version"


# Evol-Instruct's elimination step drops evolutions that copy the wording of the
# rewrite request ("the given prompt", "#Rewritten Prompt#") or change nothing.
_COPIED = re.compile(
    r"\b(?:given|original|rewritten|new)\s+prompt\b|\bwrite only the\b"
    r"|\bdo not (?:answer|explain)\b",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[\W_]+")


def read_instruction(output: str, task: str, previous: Optional[str] = None) -> str:
    """The rewritten instruction in an answer, without a 'Rewritten prompt:' label.

    Raises:
        MalformedOutputError: the answer holds no instruction, or one that Evol-Instruct
            eliminates: it repeats the request's wording, or ``previous`` unchanged.
    """
    text = rewritten_text(output, task, _NOUNS, "rewritten instruction")
    if _COPIED.search(text):
        raise MalformedOutputError(
            task, "new instruction (it copies the wording of the rewrite request)", output
        )
    if previous is not None and _words(text) == _words(previous):
        raise MalformedOutputError(task, "change to the instruction it was given", output)
    return text


def _words(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


_SYSTEM = (
    "You rewrite prompts that people send to an AI assistant. You never answer a"
    " prompt: you reply with the rewritten prompt and nothing else."
)
_EXAMPLE = (
    "Name three fruits that are red.",
    "Name three red fruits that grow in Europe, and say in which month each is picked.",
)


_EXAMPLE_MUTATION = MUTATION_TEMPLATES["CONSTRAINTS"]


def rewrite_request(task: str, given: str, label: str = "Prompt") -> str:
    """One rewrite request: the task, the reminder to write only the prompt, the input."""
    return (
        f"{task}\nWrite only the new prompt: do not answer it and do not explain what"
        f" you changed.\n\n{label}: {given}"
    )


def evolve_request(mutation: str, instruction: str) -> ChatType:
    """The conversation that asks to rewrite ``instruction`` with ``mutation``, after
    one worked example (a constraint added to a short prompt)."""
    return [
        {"role": "system", "content": _SYSTEM},
        {"role": "user", "content": rewrite_request(_EXAMPLE_MUTATION, _EXAMPLE[0])},
        {"role": "assistant", "content": _EXAMPLE[1]},
        {"role": "user", "content": rewrite_request(mutation, instruction)},
    ]


class EvolInstruct(MultiCallTask):
    """Evolve each ``instruction`` ``num_evolutions`` times into a more complex one.

    The method of Evol-Instruct (Xu et al., 2023, "WizardLM: Empowering Large Language
    Models to Follow Complex Instructions", https://arxiv.org/abs/2304.12244): each
    round rewrites the latest instruction with one mutation picked at random (add a
    constraint, deepen, concretize, ask for more reasoning steps, or a new prompt on a
    rarer topic), so a seed set grows into instructions of increasing difficulty.

    Input: ``instruction``. Outputs: ``evolved_instruction`` (or
    ``evolved_instructions``, every round's, with ``store_evolutions``), with
    ``generate_answers`` also ``answer`` (or ``answers``, one per evolved instruction),
    and ``model_name``. Each call is journaled. Evol-Instruct's elimination rejects a
    rewrite that is empty, copies the request's wording or changes nothing; the round
    then asks again with another mutation, up to ``attempts_per_round`` calls, and a
    round whose every attempt is rejected fails its row, its answers kept in
    ``distilabel_metadata``.
    """

    num_evolutions: PositiveInt = Field(..., description="Rounds of evolution per row.")
    store_evolutions: bool = Field(
        default=False, description="Keep every round's instruction, not only the last."
    )
    generate_answers: bool = Field(
        default=False, description="Also answer the evolved instruction(s)."
    )
    include_original_instruction: bool = Field(
        default=False,
        description="With store_evolutions, put the original instruction first.",
    )
    mutation_templates: dict[str, str] = Field(
        default_factory=lambda: dict(MUTATION_TEMPLATES),
        description="Name -> rewrite instruction; one is picked per round.",
    )
    seed: RuntimeParameter[int] = Field(
        default=42, description="Seed of the choice of mutations (per row and round)."
    )
    attempts_per_round: PositiveInt = Field(
        default=3,
        description="Calls a round may make: when Evol-Instruct's elimination rejects"
        " a round's evolution, the round asks again from the same instruction with a"
        " mutation not tried yet; the row fails when every attempt is rejected.",
    )

    @model_validator(mode="after")
    def _check_templates(self) -> EvolInstruct:
        if not self.mutation_templates:
            raise ValueError(
                f"{type(self).__name__} needs at least one entry in `mutation_templates`."
            )
        return self

    @property
    def inputs(self) -> StepColumns:
        return ["instruction"]

    @property
    def outputs(self) -> StepColumns:
        many = self.store_evolutions
        columns = ["evolved_instructions" if many else "evolved_instruction"]
        if self.generate_answers:
            columns.append("answers" if many else "answer")
        return [*columns, "model_name"]

    def request(self, row: Row, instruction: str, round_: int, attempt: int = 0) -> ChatType:
        """Round ``round_``'s request: ``instruction`` with the mutation picked for it
        (for a later ``attempt``, one that the round's earlier attempts did not use,
        while any is left)."""
        key = row.get("instruction")
        templates = dict(self.mutation_templates)
        for earlier in range(attempt):
            if len(templates) > 1:
                templates.pop(pick_mutation(templates, self.seed, key, round_, earlier))
        name = pick_mutation(templates, self.seed, key, round_, attempt)
        return evolve_request(self.mutation_templates[name], instruction)

    def read(self, output: str, previous: Optional[str] = None) -> str:
        """The evolved instruction in an answer (``read_instruction``)."""
        return read_instruction(output, type(self).__name__, previous)

    async def generate_row(self, row: Row, llm: LLMCalls) -> dict[str, Any]:
        (original,) = require_text(self.name, row, "instruction")
        evolved = await evolve(
            llm, original, self.num_evolutions,
            lambda latest, round_, attempt: self.request(row, latest, round_, attempt),
            self.read, self.attempts_per_round,
        )
        if not self.store_evolutions:
            columns: dict[str, Any] = {"evolved_instruction": evolved[-1]}
            if self.generate_answers:
                columns["answer"] = (await answers_to(llm, evolved[-1:]))[0]
            return columns
        kept = [original, *evolved] if self.include_original_instruction else evolved
        columns = {"evolved_instructions": kept}
        if self.generate_answers:
            columns["answers"] = await answers_to(llm, kept)
        return columns
