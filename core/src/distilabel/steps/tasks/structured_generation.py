"""``StructuredGeneration``: answer each instruction in the shape its row asks for."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from distilabel.llms import StructuredOutput
from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import require_text
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType, FormattedInput

__all__ = ["StructuredGeneration"]


class StructuredGeneration(Task):
    """Answer each row's ``instruction`` following the row's own ``structured_output``.

    ``structured_output`` is a request of the core's structured-output contract
    (``{"format": "json", "schema": <JSON schema or pydantic model>}`` or ``{"format":
    "regex", "schema": <pattern>}``); each backend maps it to its native mechanism (a
    llama.cpp grammar, constrained decoding, ``response_format``) and the core checks
    every answer, asking again (``structured_output_retries``) when one does not fit.

    Inputs: ``instruction``, ``structured_output``, and an optional ``system_prompt``
    (sent with ``use_system_prompt``). Outputs: ``generation`` (the answer's text: JSON
    for a JSON request) and ``model_name``. A row whose request is malformed, or whose
    answer never fits it, fails with the reason; the raw texts are kept.
    """

    use_system_prompt: bool = Field(
        default=False, description="Send the row's `system_prompt` column, when it has one."
    )

    @property
    def inputs(self) -> StepColumns:
        return {"instruction": True, "structured_output": True, "system_prompt": False}

    @property
    def outputs(self) -> StepColumns:
        return ["generation", "model_name"]

    def format_input(self, input: Row) -> FormattedInput:
        """The instruction paired with the row's structured-output request.

        Raises:
            ValueError: the instruction is missing, or the request has none of the
                accepted shapes (the row fails; the others go on).
        """
        (instruction,) = require_text(self.name, input, "instruction")
        request = input.get("structured_output")
        where = f"step '{self.name}', column 'structured_output'"
        if request is None:
            raise ValueError(
                f"Step '{self.name}': column 'structured_output' is missing or None; give"
                ' each row a request such as {"format": "json", "schema": {...}}.'
            )
        if StructuredOutput.of(request, where) is None:
            raise ValueError(
                f"Step '{self.name}': the row's 'structured_output' asks for free text;"
                " use TextGeneration for rows without a structure."
            )
        messages: ChatType = []
        system = input.get("system_prompt")
        if self.use_system_prompt and isinstance(system, str) and system.strip():
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": instruction})
        return (messages, request)  # type: ignore[return-value]

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The answer's text (the core has checked it against the request)."""
        return {"generation": output}
