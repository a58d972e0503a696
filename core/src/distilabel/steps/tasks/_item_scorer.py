"""``ItemScorer``: the shape Deita's two scorers share - several items of a row, ranked
and scored together, one score per item on a whole-number scale."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, Optional

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._verdicts import (
    Scale,
    item_scores,
    row_request,
    scores_schema,
    text_list,
)
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType, FormattedInput

__all__ = ["ItemScorer"]


class ItemScorer(Task):
    """A task that scores each entry of the row's ``items_column`` on ``scale``.

    Subclasses set the class attributes and write ``prompt(row, items)``; the output
    is ``scores`` (ints on the scale, one per item), read from ``[N] Score: s`` lines or
    ``{"scores": [...]}``; a missing or off-scale score fails the row.
    """

    items_column: ClassVar[str]
    scale: ClassVar[Scale]
    system: ClassVar[str]

    @property
    def outputs(self) -> StepColumns:
        return ["scores", "model_name"]

    def get_structured_output(self) -> dict[str, Any]:
        """``{"scores": [...]}`` (each row asks for exactly one score per item)."""
        return {"format": "json", "schema": scores_schema(self.scale, None)}

    @abstractmethod
    def prompt(self, row: Row, items: list[str]) -> str:
        """The user message for ``row`` and its ``items``."""

    def items(self, row: Row) -> list[str]:
        """The row's items, validated (a bad row fails before any LLM call)."""
        return text_list(self.name, row, self.items_column)

    def format_input(self, input: Row) -> FormattedInput:
        items = self.items(input)
        messages: ChatType = [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.prompt(input, items)},
        ]
        return row_request(
            self.use_default_structured_output, input, messages,
            scores_schema(self.scale, len(items)),
        )

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """One score per item, from ``[N] Score: s`` lines or ``{"scores": [...]}``."""
        if output is None:
            return {"scores": None}
        count = len((input or {}).get(self.items_column) or []) or 1
        return {"scores": item_scores(output, count, self.scale, type(self).__name__)}
