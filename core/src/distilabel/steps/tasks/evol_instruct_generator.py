"""``EvolInstructGenerator``: write instructions from nothing, then evolve them (WizardLM)."""

from __future__ import annotations

import random
from typing import Any

from pydantic import Field, PositiveInt, model_validator

from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps.tasks._calls import LLMCalls
from distilabel.steps.tasks._evol import answers_to, pick_mutation
from distilabel.steps.tasks._kinds import GeneratorTask, MultiCallTask
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.steps.tasks.evol_instruct import (
    MUTATION_TEMPLATES,
    evolve_request,
    read_instruction,
    rewrite_request,
)
from distilabel.steps.typing import Row, StepColumns, StepInput
from distilabel.typing import ChatType

__all__ = ["EvolInstructGenerator", "FRESH_START", "GENERATION_MUTATION_TEMPLATES"]

FRESH_START = (
    "Write one new prompt: a question or a request that a person could send to an AI"
    " assistant, about a subject suggested by some of the keywords below."
)
"""The first round of a generated instruction: a new prompt from a few keywords."""

GENERATION_MUTATION_TEMPLATES: dict[str, str] = {"FRESH_START": FRESH_START, **MUTATION_TEMPLATES}
"""``FRESH_START`` and Evol-Instruct's rewrites (``MUTATION_TEMPLATES``)."""

SEED_KEYWORDS: tuple[str, ...] = (
    "river", "budget", "garden", "engine", "poem", "vaccine", "harbour", "recipe",
    "election", "telescope", "bicycle", "spreadsheet", "volcano", "orchestra", "tax",
    "password", "desert", "bakery", "satellite", "museum", "contract", "forest",
    "battery", "language", "insurance", "glacier", "theatre", "algorithm", "fossil",
    "marathon", "loan", "island", "microscope", "festival", "invoice", "coral",
    "painting", "railway", "symptom", "recycling", "castle", "database", "honey",
    "interview", "storm", "chess", "bridge", "diet", "robot", "library", "climate",
    "startup", "violin", "mountain", "privacy", "wedding", "compass", "vitamin",
    "keyboard", "lighthouse", "mortgage", "puzzle", "planet", "coffee", "law",
)
"""The words fresh prompts start from (three per prompt, drawn with ``seed``)."""

_INDEX = "_evol_generator_index"
_SYSTEM = (
    "You write prompts that people send to an AI assistant. You never answer a prompt:"
    " you reply with the new prompt and nothing else."
)
_EXAMPLE = (
    "river, budget, poem",
    "Write a short poem about a family who saves up a small budget for a river cruise.",
)


class EvolInstructGenerator(GeneratorTask, MultiCallTask):  # type: ignore[misc]
    """Generate ``num_instructions`` instructions with Evol-Instruct, from no input.

    After Evol-Instruct (Xu et al., 2023, "WizardLM: Empowering Large Language Models to
    Follow Complex Instructions", https://arxiv.org/abs/2304.12244), started from
    nothing: each instruction begins as a fresh prompt about three keywords
    (``FRESH_START``) and is evolved with one mutation a round until its length in bytes
    lies between ``min_length`` and ``max_length``; one that grows too long starts again
    from new keywords. A row that finds no such instruction in ``max_rounds`` rounds
    fails, its answers kept in ``distilabel_metadata``.

    Outputs: ``instruction``, with ``generate_answers`` also ``answer``, and
    ``model_name``. Every round is one journaled LLM call.
    """

    num_instructions: PositiveInt = Field(..., description="How many instructions to make.")
    generate_answers: bool = Field(default=False, description="Also answer each instruction.")
    mutation_templates: dict[str, str] = Field(
        default_factory=lambda: dict(GENERATION_MUTATION_TEMPLATES),
        description="Name -> rewrite instruction; `FRESH_START` starts each instruction.",
    )
    min_length: RuntimeParameter[int] = Field(
        default=512, description="Shortest instruction kept, in bytes (UTF-8)."
    )
    max_length: RuntimeParameter[int] = Field(
        default=1024, description="Longest instruction kept, in bytes (UTF-8)."
    )
    seed: RuntimeParameter[int] = Field(
        default=42, description="Seed of the keywords and of the choice of mutations."
    )
    max_rounds: PositiveInt = Field(
        default=8,
        description="Rounds an instruction may take to reach a length in range before"
        " its row fails.",
    )

    @model_validator(mode="after")
    def _check_templates(self) -> EvolInstructGenerator:
        templates = self.mutation_templates
        if "FRESH_START" not in templates or len(templates) < 2:
            raise ValueError(
                f"{type(self).__name__}'s `mutation_templates` need a 'FRESH_START' entry"
                " (how an instruction starts) and at least one rewrite; got"
                f" {sorted(templates)}."
            )
        self._lengths()
        return self

    def _lengths(self) -> tuple[int, int]:
        low, high = self.min_length, self.max_length
        if low is None or high is None or low > high:
            raise ValueError(
                f"{type(self).__name__}: min_length ({low}) and max_length ({high}) must"
                " be numbers of bytes, min_length at most max_length."
            )
        return low, high

    @property
    def outputs(self) -> StepColumns:
        return ["instruction", *(["answer"] if self.generate_answers else []), "model_name"]

    def num_seeds(self) -> int:
        """``num_instructions``: one instruction per row."""
        return self.num_instructions

    def seed_row(self, index: int) -> Row:
        return {_INDEX: index}

    def _fresh(self, index: int, attempt: int) -> ChatType:
        rng = random.Random(f"{self.seed}:{index}:{attempt}")
        keywords = ", ".join(rng.sample(SEED_KEYWORDS, 3))
        fresh = self.mutation_templates["FRESH_START"]
        return [
            {"role": "system", "content": _SYSTEM},
            {"role": "user", "content": rewrite_request(fresh, _EXAMPLE[0], "Keywords")},
            {"role": "assistant", "content": _EXAMPLE[1]},
            {"role": "user", "content": rewrite_request(fresh, keywords, "Keywords")},
        ]

    def _evolve(self, index: int, round_: int, instruction: str) -> ChatType:
        rewrites = {k: v for k, v in self.mutation_templates.items() if k != "FRESH_START"}
        name = pick_mutation(rewrites, self.seed, index, round_)
        return evolve_request(rewrites[name], instruction)

    async def generate_row(self, row: Row, llm: LLMCalls) -> dict[str, Any]:
        index = row[_INDEX]
        low, high = self._lengths()
        instruction, size, attempt = None, 0, 0
        for round_ in range(self.max_rounds):
            if instruction is None:
                request = self._fresh(index, attempt)
                attempt += 1
            else:
                request = self._evolve(index, round_, instruction)
            try:
                answer = await llm.text(request)
                instruction = read_instruction(answer, type(self).__name__, instruction)
            except MalformedOutputError:
                instruction = None
                continue
            size = len(instruction.encode("utf-8"))
            if low <= size <= high:
                break
            if size > high:
                instruction = None
        else:
            raise ValueError(
                f"Step '{self.name}': no instruction of {low} to {high} bytes after"
                f" {self.max_rounds} rounds (the last had {size}); lower `min_length`,"
                " raise `max_length` or `max_rounds`."
            )
        columns: dict[str, Any] = {"instruction": instruction}
        if self.generate_answers:
            columns["answer"] = (await answers_to(llm, [instruction]))[0]  # type: ignore[list-item]
        return columns

    def build_rows(self, inputs: StepInput, formatted: list[Any], results: list[Any]) -> list[Row]:
        rows = super().build_rows(inputs, formatted, results)
        for row in rows:
            row.pop(_INDEX, None)
        return rows
