"""``CLAIR``: a minimal revision of a student's answer, for contrastive preference pairs."""

from __future__ import annotations

import re
from typing import Any, Optional

from pydantic import Field

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import MalformedOutputError, require_text
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["CLAIR"]

_SYSTEM = (
    "You are a teacher who improves a student's answer as little as needed. Fix what"
    " is wrong, make it clearer and more engaging, and keep every part that is already"
    " right, word for word. Keep it about as long as the student's answer, and never"
    " say that it was corrected or revised."
)


class CLAIR(Task):
    """Revise a ``student_solution`` to a ``task`` minimally, explaining why first.

    CLAIR, Contrastive Learning from AI Revisions (D'Oosterlinck et al., 2024,
    "Anchored Preference Optimization and Contrastive Revisions: Addressing
    Underspecification in Alignment", https://arxiv.org/abs/2408.06266): a stronger
    model makes the smallest revision of an answer that improves it, so that the
    original and the revision form a preference pair whose only differences are the
    ones that matter (train on it with APO or DPO).

    Inputs: ``task``, ``student_solution``. Outputs: ``revision`` (the improved
    answer), ``rational`` (the teacher's reasoning; 1.x's column name) and
    ``model_name``. An answer without a revision or without reasoning fails its row,
    its raw answer kept.
    """

    system_prompt: Optional[str] = Field(
        default=_SYSTEM, description="The system message (the teacher's instructions)."
    )

    @property
    def inputs(self) -> StepColumns:
        return ["task", "student_solution"]

    @property
    def outputs(self) -> StepColumns:
        return ["revision", "rational", "model_name"]

    def format_input(self, input: Row) -> ChatType:
        """The task and the student's answer, asking for reasoning then the revision."""
        task, solution = require_text(self.name, input, "task", "student_solution")
        prompt = (
            f"## Task\n{task}\n\n## Student's answer\n{solution}\n\n"
            "First think step by step about what in the student's answer should change"
            " and why. Then write the improved answer in full.\n"
            "Answer in exactly this format:\n"
            "Reasoning: <what to change and why>\n"
            "Revision: <the improved answer>"
        )
        messages: ChatType = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": prompt})
        return messages

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The revision and the reasoning, from labelled parts of the answer."""
        if output is None:
            return {"revision": None, "rational": None}
        parts: dict[str, str] = {}
        matches = list(_HEADING.finditer(output))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(output)
            kind = "revision" if match.group("revision") else "rational"
            body = output[match.end():end].strip().strip("*_").strip()
            if body and kind not in parts:
                parts[kind] = body
        if "revision" not in parts:
            raise MalformedOutputError("CLAIR", "revision (a 'Revision:' part)", output)
        if "rational" not in parts:
            raise MalformedOutputError("CLAIR", "reasoning (a 'Reasoning:' part)", output)
        return {"revision": parts["revision"], "rational": parts["rational"]}


# "Revision:", "**Improved answer:**", "## Corrected student solution", and the 1.x
# prompt's "{teacher_reasoning}" / "{corrected_student_solution}" identifiers.
_HEADING = re.compile(
    r"""^[ \t>*_#]*\{?[ \t]*(?:
        (?P<revision>revision|revised\s+(?:answer|solution)|improved\s+(?:answer|solution)
          |corrected(?:[ _]student)?[ _](?:answer|solution))
      | (?P<rational>(?:teacher[ _])?reasoning|rationale|rational)
    )[ \t]*\}?[ \t]*(?:\*\*|__)?[ \t]*(?::|$)[ \t]*(?:\*\*|__)?""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
