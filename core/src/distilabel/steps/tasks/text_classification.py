"""``TextClassification``: label a text, from given labels or freely."""

from __future__ import annotations

import re
from typing import Any, Optional, Union

from pydantic import Field, PositiveInt

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import (
    MalformedOutputError,
    extract_json,
    list_items,
    require_text,
)
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["TextClassification"]

_SYSTEM = (
    "You classify texts. Read the text you are given and answer only with the labels"
    " that describe it, as JSON."
)
_CONTEXT = (
    "Give short labels that say what the text is about: its main theme, topic or"
    " category."
)


class TextClassification(Task):
    """Assign ``n`` labels to ``text``: from ``available_labels`` or, without them, freely.

    Zero- and few-shot classification by prompting (Brown et al., 2020, "Language Models
    are Few-Shot Learners", https://arxiv.org/abs/2005.14165; Sun et al., 2023, "Text
    Classification via Large Language Models", https://arxiv.org/abs/2305.08377): the
    task states the labels, optional examples and context, and asks for a JSON answer
    ``{"labels": ...}``.

    Input: ``text``. Outputs: ``labels`` (a string when ``n`` is 1, else a list) and
    ``model_name``. With ``available_labels`` an answer naming none of them gets
    ``default_label``; an answer with no label at all fails its row.
    """

    system_prompt: Optional[str] = Field(default=_SYSTEM, description="The system message.")
    n: PositiveInt = Field(default=1, description="How many labels to assign.")
    context: Optional[str] = Field(default=_CONTEXT, description="What the labels are for.")
    examples: Optional[list[str]] = Field(
        default=None, description="Example texts with their labels, shown to the LLM."
    )
    available_labels: Optional[Union[list[str], dict[str, str]]] = Field(
        default=None, description="The labels to choose from (a dict adds descriptions)."
    )
    default_label: Optional[Union[str, list[str]]] = Field(
        default="Unclassified", description="The label when none of the given ones fits."
    )
    query_title: str = Field(
        default="User Query", description="The heading above the text in the prompt."
    )

    @property
    def inputs(self) -> StepColumns:
        return ["text"]

    @property
    def outputs(self) -> StepColumns:
        return ["labels", "model_name"]

    def get_structured_output(self) -> Optional[dict[str, Any]]:
        """The JSON schema of the answer (``use_default_structured_output``)."""
        label: dict[str, Any] = {"type": "string"}
        if self.available_labels:
            label["enum"] = [*self._labels, *self._defaults]
        value = label if self.n == 1 else {"type": "array", "items": label, "maxItems": self.n}
        return {
            "format": "json",
            "schema": {
                "type": "object", "properties": {"labels": value}, "required": ["labels"],
            },
        }

    @property
    def _labels(self) -> list[str]:
        return list(self.available_labels or [])

    @property
    def _defaults(self) -> list[str]:
        default = self.default_label
        return [] if default is None else [default] if isinstance(default, str) else default

    def format_input(self, input: Row) -> ChatType:
        """Ask for ``{"labels": ...}`` with the labels, examples and context set."""
        (text,) = require_text(self.name, input, "text")
        parts = []
        if self.context:
            parts.append(self.context)
        if isinstance(self.available_labels, dict):
            listed = "\n".join(f"- {k}: {v}" for k, v in self.available_labels.items())
            parts.append(f"Choose from these labels:\n{listed}")
        elif self.available_labels:
            parts.append("Choose from these labels: " + ", ".join(self.available_labels) + ".")
        if self.available_labels and self._defaults:
            parts.append(f"If none fits, use {', '.join(self._defaults)}.")
        if self.examples:
            parts.append("Examples:\n" + "\n".join(self.examples))
        many = "one label" if self.n == 1 else f"up to {self.n} labels"
        shape = '{"labels": "<label>"}' if self.n == 1 else '{"labels": ["<label>", ...]}'
        parts.append(f"Give {many}. Answer with JSON only: {shape}")
        parts.append(f"## {self.query_title}\n{text}")
        messages: ChatType = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": "\n\n".join(parts)})
        return messages

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The labels of the JSON answer, or of a plain list when the JSON is missing."""
        if output is None:
            return {"labels": None}
        data = extract_json(output)
        raw: Any = data.get("labels", data.get("label")) if data else None
        if raw is None:
            raw = [i for i in list_items(output) if len(i) <= 60] or None
        if isinstance(raw, str):
            raw = [p.strip() for p in re.split(r"[,;]", raw) if p.strip()]
        if not isinstance(raw, list) or not raw:
            raise MalformedOutputError(type(self).__name__, "label", output)
        labels = [str(label).strip() for label in raw if str(label).strip()]
        if self.available_labels:
            labels = self._matching(labels)
        labels = labels[: self.n]
        if not labels:
            raise MalformedOutputError(type(self).__name__, "label", output)
        return {"labels": labels[0] if self.n == 1 else labels}

    def _matching(self, labels: list[str]) -> list[str]:
        """The given labels among ``labels`` (case and punctuation ignored), else the
        default."""
        known = {_key(k): k for k in [*self._labels, *self._defaults]}
        chosen = []
        for label in labels:
            match = known.get(_key(label))
            if match is not None and match not in chosen:
                chosen.append(match)
        return chosen or list(self._defaults)


def _key(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", label.lower())
