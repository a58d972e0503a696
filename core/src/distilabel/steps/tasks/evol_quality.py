"""``EvolQuality``: improve a response in rounds of rewrites, as in Deita."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PositiveInt, model_validator

from distilabel.steps.tasks._calls import LLMCalls
from distilabel.steps.tasks._evol import evolve, pick_mutation, rewritten_text
from distilabel.steps.tasks._kinds import MultiCallTask
from distilabel.steps.tasks._parsing import require_text
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["EvolQuality", "QUALITY_MUTATIONS"]

QUALITY_MUTATIONS: dict[str, str] = {
    "HELPFULNESS": "Make the response more helpful to the user: add what they would"
    " need next, such as a missing step, a caveat or a useful fact.",
    "RELEVANCE": "Make the response more relevant to the question: keep to what was"
    " asked, remove digressions and answer the exact point more precisely.",
    "DEEPENING": "Make the response go deeper: explain why, not only what, with more"
    " insight into the subject.",
    "CREATIVITY": "Make the response more creative: a clearer structure, a fitting"
    " example or an original angle, while staying correct.",
    "DETAILS": "Make the response more detailed: add concrete specifics, numbers,"
    " names or examples where they help.",
}
"""The rewrite instructions EvolQuality picks from (Deita's response mutations)."""


class EvolQuality(MultiCallTask):
    """Rewrite ``response`` ``num_evolutions`` times, each time improving one quality.

    The quality evolution of Deita (Liu et al., 2024, "What Makes Good Data for
    Alignment? A Comprehensive Study of Automatic Data Selection in Instruction
    Tuning", https://arxiv.org/abs/2312.15685), after WizardLM's Evol-Instruct: each
    round picks one of ``mutation_templates`` at random (``seed``) and asks for a better
    response to the same instruction; the evolved responses are then scored and
    selected.

    Inputs: ``instruction``, ``response``. Outputs: ``evolved_response`` (or
    ``evolved_responses``, every round's text, with ``store_evolutions``) and
    ``model_name``. Each round is one journaled LLM call; a row whose call or answer
    fails in any round fails, the answers so far kept in ``distilabel_metadata``.
    """

    num_evolutions: PositiveInt = Field(..., description="Rounds of rewriting per row.")
    store_evolutions: bool = Field(
        default=False, description="Keep every round's response, not only the last."
    )
    include_original_response: bool = Field(
        default=False, description="With store_evolutions, put the original response first."
    )
    mutation_templates: dict[str, str] = Field(
        default_factory=lambda: dict(QUALITY_MUTATIONS),
        description="Name -> rewrite instruction; one is picked per round.",
    )
    seed: int = Field(default=42, description="Seed of the choice of mutations.")

    @model_validator(mode="after")
    def _check(self) -> EvolQuality:
        if not self.mutation_templates:
            raise ValueError("EvolQuality needs at least one entry in `mutation_templates`.")
        if self.num_generations != 1:
            raise ValueError(
                "EvolQuality evolves one response per row (num_generations=1); use"
                " several rows or a second EvolQuality for more."
            )
        return self

    @property
    def inputs(self) -> StepColumns:
        return ["instruction", "response"]

    @property
    def outputs(self) -> StepColumns:
        column = "evolved_responses" if self.store_evolutions else "evolved_response"
        return [column, "model_name"]

    def request(self, row: Row, response: str, round_: int) -> ChatType:
        """Round ``round_``'s request: improve ``response`` with the mutation picked."""
        (instruction,) = require_text(self.name, row, "instruction")
        name = pick_mutation(self.mutation_templates, self.seed, row.get("instruction"), round_)
        prompt = (
            "Rewrite the response to the instruction below so that it is better in one"
            f" way: {self.mutation_templates[name]}\nKeep it correct and keep it an answer"
            " to the same instruction; do not mention that it was rewritten. Write only"
            " the new response.\n\n"
            f"Instruction: {instruction}\n\nResponse: {response}"
        )
        return [{"role": "user", "content": prompt}]

    def read(self, output: str, previous: str = "") -> str:
        """The rewritten response, without a leading 'Rewritten response:' label.

        Raises:
            MalformedOutputError: the answer is empty once the label is gone.
        """
        return rewritten_text(output, type(self).__name__, _NOUNS, "rewritten response")

    async def generate_row(self, row: Row, llm: LLMCalls) -> dict[str, Any]:
        _, original = require_text(self.name, row, "instruction", "response")
        evolved = await evolve(
            llm, original, self.num_evolutions,
            lambda latest, round_, _attempt: self.request(row, latest, round_), self.read,
        )
        if not self.store_evolutions:
            return {"evolved_response": evolved[-1]}
        kept = [original, *evolved] if self.include_original_response else evolved
        return {"evolved_responses": kept}


_NOUNS = "response|answer"
