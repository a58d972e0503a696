"""``SelfInstruct``: write new user queries about an input, as in Self-Instruct."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, PositiveInt

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import MalformedOutputError, list_items, require_text
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["SelfInstruct"]

_CRITERIA = (
    "Each query should be self-contained and answerable by the application; vary the"
    " verbs and the form (questions, requests, commands); mix short and long queries;"
    " mix simple and demanding ones; never number the same query twice."
)


_EXAMPLE = (
    "1. Which city parks near me have a playground and free parking?\n"
    "2. Write a short letter to the council asking for more benches in the park."
)


def _ask(count: int, seed: str) -> str:
    return f"Write {count} different queries about this input.\nInput: {seed}"


class SelfInstruct(Task):
    """Generate ``num_instructions`` new user queries about the ``input`` column.

    The method of Self-Instruct (Wang et al., 2023, "Self-Instruct: Aligning Language
    Models with Self-Generated Instructions", https://arxiv.org/abs/2212.10560): a model
    bootstraps instruction data by writing new, varied instructions from seeds, which
    are then answered (``TextGeneration``) and filtered.

    Input: ``input`` (a topic, a document or a seed instruction). Outputs:
    ``instructions`` (a list of strings) and ``model_name``. An answer with no query in
    it fails its row; the raw answer is kept in ``distilabel_metadata``.
    """

    num_instructions: PositiveInt = Field(
        default=5, description="How many queries to ask for per input."
    )
    criteria_for_query_generation: str = Field(
        default=_CRITERIA, description="What makes a good query, told to the LLM."
    )
    application_description: str = Field(
        default="AI assistant", description="The application the queries are for."
    )

    @property
    def inputs(self) -> StepColumns:
        return ["input"]

    @property
    def outputs(self) -> StepColumns:
        return ["instructions", "model_name"]

    def format_input(self, input: Row) -> ChatType:
        """Ask for a numbered list of queries about the row's ``input``."""
        (seed,) = require_text(self.name, input, "input")
        system = (
            f"You write queries that users send to an {self.application_description}."
            f" {self.criteria_for_query_generation} Answer with a numbered list of"
            " queries only."
        )
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": _ask(2, "city parks")},
            {"role": "assistant", "content": _EXAMPLE},
            {"role": "user", "content": _ask(self.num_instructions, seed)},
        ]

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The queries of the answer's list (numbered, bulleted or one per line)."""
        if output is None:
            return {"instructions": None}
        items = list_items(output)
        if not items:
            raise MalformedOutputError(type(self).__name__, "query", output)
        return {"instructions": items[: max(self.num_instructions, 1) * 2]}
