"""``ComplexityScorer``: score instructions by how complex they are, 1 to 6, as in Deita."""

from __future__ import annotations

from typing import ClassVar

from distilabel.steps.tasks._item_scorer import ItemScorer
from distilabel.steps.tasks._verdicts import Scale
from distilabel.steps.typing import Row, StepColumns

__all__ = ["ComplexityScorer"]

_EXAMPLE = (
    "Example, for the instructions [1] 'Name a fruit.' and [2] 'Compare the nutrition of"
    " three fruits and suggest a weekly plan for a diabetic.':\n[1] Score: 1\n[2] Score: 5"
)


class ComplexityScorer(ItemScorer):
    """Score each of a row's ``instructions`` for complexity, from 1 to 6.

    The complexity scoring of Deita (Liu et al., 2024, "What Makes Good Data for
    Alignment? A Comprehensive Study of Automatic Data Selection in Instruction
    Tuning", https://arxiv.org/abs/2312.15685): the variants of an instruction (e.g.
    the rounds of an Evol-Instruct evolution) are ranked and scored together, so that
    the judge tells small differences of complexity apart; Deita trains its scorer on
    such scores and selects data by them (``DeitaFiltering``).

    Input: ``instructions`` (a list). Outputs: ``scores`` (ints 1-6, one per
    instruction) and ``model_name``. A score missing or off the scale for any
    instruction fails the row, its raw answer kept.
    """

    items_column: ClassVar[str] = "instructions"
    scale: ClassVar[Scale] = Scale(1, 6)
    system: ClassVar[str] = (
        "You rate how complex instructions are: how much knowledge, reasoning and care"
        " an answer to each one needs."
    )

    @property
    def inputs(self) -> StepColumns:
        return ["instructions"]

    def prompt(self, row: Row, items: list[str]) -> str:
        """The numbered instructions, the scale and the answer format."""
        listed = "\n".join(f"[{n}] {text}" for n, text in enumerate(items, 1))
        return (
            "Rank the instructions below by complexity and give each a score from 1"
            " (simplest) to 6 (most complex). Compare them with each other: a more"
            " complex one needs more steps, knowledge, constraints or reasoning.\n"
            "Write one line per instruction, in order, and nothing else:\n"
            "[N] Score: <1-6>\n\n"
            f"{_EXAMPLE}\n\n## Instructions\n{listed}"
        )
