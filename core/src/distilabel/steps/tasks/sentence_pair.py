"""``GenerateSentencePair``: positive (and negative) sentences for embedding training."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import Field

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import (
    MalformedOutputError,
    extract_json,
    require_text,
    sections,
)
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["GenerateSentencePair"]

GenerationAction = Literal["paraphrase", "semantically-similar", "query", "answer"]

_POSITIVE = {
    "paraphrase": "a paraphrase of the anchor: the same meaning in different words",
    "semantically-similar": "a sentence about the same thing as the anchor, similar in"
    " meaning without repeating it",
    "query": "a search query that the anchor would answer well",
    "answer": "an answer to the anchor, which is a question or query",
}
_NEGATIVE = {
    "paraphrase": "a sentence that does not mean the same as the anchor",
    "semantically-similar": "a sentence that is not similar in meaning to the anchor",
    "query": "a search query that the anchor would not answer",
    "answer": "a sentence that does not answer the anchor",
}
_EXAMPLE_ANCHOR = {
    "paraphrase": "The shop closes early on Sundays.",
    "semantically-similar": "The shop closes early on Sundays.",
    "query": "The shop closes at 4 pm on Sundays and at 8 pm on other days.",
    "answer": "When does the shop close on Sundays?",
}
_EXAMPLE_POSITIVE = {
    "paraphrase": "On Sundays the store shuts its doors before the usual time.",
    "semantically-similar": "Sunday opening hours at the shop are shorter.",
    "query": "shop opening hours sunday",
    "answer": "On Sundays the shop closes at 4 pm.",
}
_EXAMPLE_NEGATIVE = {
    "paraphrase": "The bakery sells fresh bread every morning.",
    "semantically-similar": "Mountains are covered in snow in winter.",
    "query": "best hiking trails in the alps",
    "answer": "Mountains are covered in snow in winter.",
}
_EXAMPLE_HARD = {
    "paraphrase": "The shop opens early on Sundays.",
    "semantically-similar": "The shop stays open late on Sundays.",
    "query": "shop opening hours saturday",
    "answer": "On Sundays the shop gets most of its customers.",
}
_HARD = (
    " Make it a hard negative: it shares words and topic with the anchor, so it looks"
    " related, but it must still be wrong for the anchor."
)


class GenerateSentencePair(Task):
    """Write a positive (and with ``triplet=True`` a negative) sentence for ``anchor``.

    Pairs and triplets of this kind train sentence embeddings with contrastive losses
    (Reimers and Gurevych, 2019, "Sentence-BERT", https://arxiv.org/abs/1908.10084);
    writing them with an LLM, hard negatives included, follows Wang et al., 2024,
    "Improving Text Embeddings with Large Language Models",
    https://arxiv.org/abs/2401.00368.

    Input: ``anchor``. Outputs: ``positive``, ``negative`` (with ``triplet``) and
    ``model_name``. An answer without the sections asked for fails its row.
    """

    triplet: bool = Field(default=False, description="Also write a negative sentence.")
    action: GenerationAction = Field(
        ..., description="What the positive is to the anchor: paraphrase,"
        " semantically-similar, query or answer."
    )
    hard_negative: bool = Field(
        default=False, description="Make the negative look related (triplet only)."
    )
    context: str = Field(
        default="", description="What the anchors are about, told to the LLM."
    )

    @property
    def inputs(self) -> StepColumns:
        return ["anchor"]

    @property
    def outputs(self) -> StepColumns:
        columns = ["positive", "negative"] if self.triplet else ["positive"]
        return [*columns, "model_name"]

    def get_structured_output(self) -> Optional[dict[str, Any]]:
        """The JSON schema of the answer (``use_default_structured_output``)."""
        names = ["positive", "negative"] if self.triplet else ["positive"]
        return {
            "format": "json",
            "schema": {
                "type": "object",
                "properties": {n: {"type": "string"} for n in names},
                "required": names,
            },
        }

    def format_input(self, input: Row) -> ChatType:
        """Ask for the sentences under '## Positive' (and '## Negative') headings."""
        (anchor,) = require_text(self.name, input, "anchor")
        wanted = f"Write {_POSITIVE[self.action]}."
        layout = "## Positive\n<the sentence>"
        if self.triplet:
            wanted += f" Then write {_NEGATIVE[self.action]}."
            if self.hard_negative:
                wanted += _HARD
            layout += "\n## Negative\n<the sentence>"
        system = (
            "You write sentences for training sentence-embedding models."
            f" {wanted} Answer exactly in this layout and write nothing else:\n{layout}"
        )
        if self.context:
            system += f"\n\nThe anchors come from this context: {self.context}"
        example = f"## Positive\n{_EXAMPLE_POSITIVE[self.action]}"
        if self.triplet:
            negatives = _EXAMPLE_HARD if self.hard_negative else _EXAMPLE_NEGATIVE
            example += f"\n## Negative\n{negatives[self.action]}"
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": f"Anchor: {_EXAMPLE_ANCHOR[self.action]}"},
            {"role": "assistant", "content": example},
            {"role": "user", "content": f"Anchor: {anchor}"},
        ]

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The sentences under the headings (or the keys of a JSON answer)."""
        names = ["positive", "negative"] if self.triplet else ["positive"]
        if output is None:
            return dict.fromkeys(names)
        found: dict[str, Any] = (extract_json(output) if "{" in output else None) or {}
        if not all(isinstance(found.get(n), str) for n in names):
            found = {k.lower(): v for k, v in sections(output, ["Positive", "Negative"]).items()}
        missing = [n for n in names if not found.get(n)]
        if missing:
            raise MalformedOutputError(
                type(self).__name__, " and ".join(f"'{m}' section" for m in missing), output
            )
        return {n: str(found[n]).strip() for n in names}
