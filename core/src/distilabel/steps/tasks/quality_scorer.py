"""``QualityScorer``: score responses to one instruction by quality, 1 to 6, as in Deita."""

from __future__ import annotations

from typing import ClassVar

from distilabel.steps.tasks._item_scorer import ItemScorer
from distilabel.steps.tasks._parsing import require_text
from distilabel.steps.tasks._verdicts import Scale
from distilabel.steps.typing import Row, StepColumns

__all__ = ["QualityScorer"]

_EXAMPLE = (
    "Example, for the question 'How do I boil an egg?' and the responses [Response 1]"
    " 'Eggs are food.' and [Response 2] 'Put it in boiling water for 8 minutes, then cool"
    " it in cold water.':\n[Response 1] Score: 1\n[Response 2] Score: 5"
)


class QualityScorer(ItemScorer):
    """Score each of a row's ``responses`` to its ``instruction`` for quality, 1 to 6.

    The quality scoring of Deita (Liu et al., 2024, "What Makes Good Data for
    Alignment? A Comprehensive Study of Automatic Data Selection in Instruction
    Tuning", https://arxiv.org/abs/2312.15685): the variants of a response (e.g. the
    rounds of ``EvolQuality``) are ranked and scored together, so that the judge
    tells small differences of quality apart; Deita selects data by these scores
    with complexity and diversity (``DeitaFiltering``).

    Inputs: ``instruction``, ``responses`` (a list). Outputs: ``scores`` (ints 1-6, one
    per response) and ``model_name``. A score missing or off the scale for any response
    fails the row, its raw answer kept.
    """

    items_column: ClassVar[str] = "responses"
    scale: ClassVar[Scale] = Scale(1, 6)
    system: ClassVar[str] = (
        "You rate the quality of answers: how helpful, relevant, accurate, deep and"
        " detailed each one is for the question it answers."
    )

    @property
    def inputs(self) -> StepColumns:
        return ["instruction", "responses"]

    def prompt(self, row: Row, items: list[str]) -> str:
        """The instruction, the numbered responses, the scale and the answer format."""
        (instruction,) = require_text(self.name, row, "instruction")
        listed = "\n".join(f"[Response {n}] {text}" for n, text in enumerate(items, 1))
        return (
            "Rank the responses below by their quality as answers to the question and"
            " give each a score from 1 (worst) to 6 (best). Judge helpfulness, relevance,"
            " accuracy, depth, creativity and level of detail, comparing the responses"
            " with each other.\nWrite one line per response, in order, and nothing else:\n"
            "[Response N] Score: <1-6>\n\n"
            f"{_EXAMPLE}\n\n## Question\n{instruction}\n\n## Responses\n{listed}"
        )
