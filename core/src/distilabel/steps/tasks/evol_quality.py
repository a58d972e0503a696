"""``EvolQuality``: improve a response in rounds of rewrites, as in Deita."""

from __future__ import annotations

import random
import re
from typing import Any, Optional, Union

from pydantic import Field, PositiveInt, model_validator

from distilabel.steps.tasks._base import RowResult, Task
from distilabel.steps.tasks._parsing import MalformedOutputError, require_text
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput
from distilabel.typing import ChatType, FormattedInput

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

_LABEL = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:#?\s*(?:rewritten|improved|new|better|revised|given)\s+"
    r"(?:response|answer)#?|response|answer)\s*(?:\*\*)?\s*:?\s*(?:\*\*)?\s*",
    re.IGNORECASE,
)


class EvolQuality(Task):
    """Rewrite ``response`` ``num_evolutions`` times, each time improving one quality.

    The quality evolution of Deita (Liu et al., 2024, "What Makes Good Data for
    Alignment? A Comprehensive Study of Automatic Data Selection in Instruction
    Tuning", https://arxiv.org/abs/2312.15685), after WizardLM's Evol-Instruct: each
    round picks one of ``mutation_templates`` at random (``seed``) and asks for a better
    response to the same instruction; the evolved responses are then scored and
    selected.

    Inputs: ``instruction``, ``response``. Outputs: ``evolved_response`` (or
    ``evolved_responses``, every round's text, with ``store_evolutions``) and
    ``model_name``. A row whose LLM call or answer fails in any round fails; the raw
    answer is kept.
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

    def format_input(self, input: Row) -> ChatType:
        """The first round's request (the mutation picked for the row's first round)."""
        return self._request(input, str(input.get("response")), self._mutation(input, 0))

    def _mutation(self, row: Row, round_: int) -> str:
        names = sorted(self.mutation_templates)
        rng = random.Random(f"{self.seed}:{row.get('instruction')}:{round_}")
        return self.mutation_templates[rng.choice(names)]

    def _request(self, row: Row, response: str, mutation: str) -> ChatType:
        (instruction,) = require_text(self.name, row, "instruction", "response")[:1]
        prompt = (
            "Rewrite the response to the instruction below so that it is better in one"
            f" way: {mutation}\nKeep it correct and keep it an answer to the same"
            " instruction; do not mention that it was rewritten. Write only the new"
            " response.\n\n"
            f"Instruction: {instruction}\n\nResponse: {response}"
        )
        return [{"role": "user", "content": prompt}]

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The rewritten response, without a leading 'Rewritten response:' label."""
        text = _response_text(output)
        if self.store_evolutions:
            # process() puts the earlier rounds in the row; standalone, just this one.
            earlier = list((input or {}).get(_EARLIER) or [])
            return {"evolved_responses": None if text is None else [*earlier, text]}
        return {"evolved_response": text}

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        """Run the rounds: the rows still going are asked again with their latest text."""
        rows = [dict(row) for row in inputs]
        formatted: list[Union[FormattedInput, Exception]] = [self.format_row(r) for r in rows]
        results: list[RowResult] = [
            f if isinstance(f, Exception) else ValueError("not generated") for f in formatted
        ]
        history: list[list[str]] = [
            [r["response"]]
            if self.include_original_response and isinstance(r.get("response"), str) else []
            for r in rows
        ]
        going = [i for i, f in enumerate(formatted) if not isinstance(f, Exception)]
        last = self.num_evolutions - 1
        for round_ in range(self.num_evolutions):
            if not going:
                break
            if self.fatal_guard.stopped is not None:
                for i in going:
                    results[i] = self.fatal_guard.stopped
                break
            if round_:
                for i in going:
                    latest = history[i][-1]
                    formatted[i] = self._request(rows[i], latest, self._mutation(rows[i], round_))
            outputs = self.llm.generate_outputs_isolated(
                [formatted[i] for i in going], num_generations=1  # type: ignore[misc]
            )
            self.fatal_guard.observe_all(outputs)
            still: list[int] = []
            for i, output in zip(going, outputs, strict=True):
                results[i] = output
                if isinstance(output, Exception) or round_ == last:
                    continue
                try:
                    text = _response_text(output["generations"][0])
                except MalformedOutputError:
                    continue  # stops here; format_output fails the row with the raw text
                if text is not None:
                    history[i].append(text)
                    still.append(i)
            going = still
        for row, earlier in zip(rows, history, strict=True):
            row[_EARLIER] = earlier
        built = self.build_rows(rows, formatted, results)
        for row in built:
            row.pop(_EARLIER, None)
        yield built


_EARLIER = "_evol_quality_history"


def _response_text(output: Optional[str]) -> Optional[str]:
    if output is None:
        return None
    text = _LABEL.sub("", output.strip(), count=1).strip()
    if not text:
        raise MalformedOutputError("EvolQuality", "rewritten response", output)
    return text
