"""``Genstruct``: a grounded user question and its answer from a document."""

from __future__ import annotations

from typing import Any, Optional

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import MalformedOutputError, require_text, sections
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["Genstruct"]


_SYSTEM = (
    "From the document you are given, write one question a curious user could ask"
    " that needs the document to answer, then the answer, reasoning step by step from"
    " the document. Use the layout:\n[[[User]]] <the question>\n[[[Assistant]]] <the answer>"
)
_EXAMPLE_DOCUMENT = (
    "Frogs",
    "Frogs lay their eggs in water. The eggs hatch into tadpoles, which breathe with"
    " gills until they grow legs and lungs.",
)
_EXAMPLE_ANSWER = (
    "[[[User]]] Why do frogs need to lay their eggs in water?\n"
    "[[[Assistant]]] The eggs hatch into tadpoles, and tadpoles breathe with gills, so"
    " they can only live in water. Only after they grow lungs can they leave it."
)


def _document(title: str, content: str) -> str:
    return f"[[[Title]]] {title.strip()}\n[[[Content]]] {content.strip()}"


class Genstruct(Task):
    """Write a question a user could ask about a document, and an answer grounded in it.

    Instruction generation from raw text in the manner of Ada-Instruct (Cui and Wang,
    2023, "Ada-Instruct: Adapting Instruction Generators for Complex Reasoning",
    https://arxiv.org/abs/2310.04484) and NousResearch's Genstruct 7B: the instruction is
    made *from* the passage, so the answer can rely on it and reason over it. The prompt
    uses Genstruct's ``[[[Title]]]``/``[[[Content]]]``/``[[[User]]]``/``[[[Assistant]]]``
    layout, which a Genstruct model continues directly and a chat model is asked for.

    Inputs: ``title``, ``content``. Outputs: ``user``, ``assistant`` and ``model_name``.
    An answer without both parts fails its row.
    """

    @property
    def inputs(self) -> StepColumns:
        return ["title", "content"]

    @property
    def outputs(self) -> StepColumns:
        return ["user", "assistant", "model_name"]

    def format_input(self, input: Row) -> ChatType:
        """The document in Genstruct's layout, with the parts to write."""
        title, content = require_text(self.name, input, "title", "content")
        return [
            {"role": "system", "content": _SYSTEM},
            {"role": "user", "content": _document(*_EXAMPLE_DOCUMENT)},
            {"role": "assistant", "content": _EXAMPLE_ANSWER},
            {"role": "user", "content": _document(title, content)},
        ]

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The text after ``[[[User]]]`` and after ``[[[Assistant]]]``."""
        if output is None:
            return {"user": None, "assistant": None}
        found = sections(output, ["User", "Assistant", "Question", "Answer"])
        user = found.get("User") or found.get("Question")
        assistant = found.get("Assistant") or found.get("Answer")
        if not user or not assistant:
            missing = "user question" if not user else "assistant answer"
            raise MalformedOutputError(type(self).__name__, missing, output)
        return {"user": user, "assistant": assistant}
