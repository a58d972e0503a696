"""``InstructionBacktranslation``: rate how well a text answers an instruction."""

from __future__ import annotations

from typing import Any, Optional

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import MalformedOutputError, find_score, require_text
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["InstructionBacktranslation"]

_SCALE = """\
1: the answer does not address the instruction, or is unusable.
2: it addresses part of the instruction but misses what was asked.
3: it is helpful but reads like a web page or a blog post rather than an assistant.
4: it is written as an AI assistant would answer, complete and clear, with small flaws.
5: it is a perfect assistant answer: focused, complete, expert and well written."""


_SYSTEM = (
    "You rate how well an answer responds to an instruction, on this scale:\n"
    f"{_SCALE}\n"
    "Explain your rating in one sentence, then end with a line 'Score: N' (N from 1 to 5)."
)
# Two worked examples, a good and a poor answer: with only the good one, SmolLM2-135M
# left out the score on 3 of 8 rows (it copied the reason but not the verdict line).
_EXAMPLES = (
    (
        ("Name three fruits that are red.", "Strawberries, cherries and raspberries."),
        "The answer names three red fruits, as asked, and nothing else.\nScore: 5",
    ),
    (
        ("How far is the Moon from Earth?", "The Moon is made of rock."),
        "The answer talks about the Moon but does not say how far away it is.\nScore: 1",
    ),
)


def _pair(instruction: str, answer: str) -> str:
    return f"Instruction: {instruction}\nAnswer: {answer}"


class InstructionBacktranslation(Task):
    """Score (1-5) how well ``generation`` answers ``instruction``, with a reason.

    The self-curation step of instruction backtranslation (Li et al., 2023,
    "Self-Alignment with Instruction Backtranslation",
    https://arxiv.org/abs/2308.06259): instructions written for existing texts are kept
    only where the model itself rates the pair highly on a five-point scale.

    Inputs: ``instruction``, ``generation``. Outputs: ``score`` (an int from 1 to 5),
    ``reason`` and ``model_name``. An answer with no score fails its row.
    """

    @property
    def inputs(self) -> StepColumns:
        return ["instruction", "generation"]

    @property
    def outputs(self) -> StepColumns:
        return ["score", "reason", "model_name"]

    def format_input(self, input: Row) -> ChatType:
        """Ask for a reason and then a score on the five-point scale."""
        instruction, generation = require_text(self.name, input, "instruction", "generation")
        messages: ChatType = [{"role": "system", "content": _SYSTEM}]
        for pair, verdict in _EXAMPLES:
            messages.append({"role": "user", "content": _pair(*pair)})
            messages.append({"role": "assistant", "content": verdict})
        messages.append({"role": "user", "content": _pair(instruction, generation)})
        return messages

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The score (the last 'Score: N' wins over earlier mentions) and the reason."""
        if output is None:
            return {"score": None, "reason": None}
        lines = output.strip().splitlines()
        score = None
        for index in range(len(lines) - 1, -1, -1):  # the verdict is usually last
            score = find_score(lines[index], 1, 5)
            if score is not None:
                reason = "\n".join(lines[:index] + lines[index + 1:]).strip() or None
                break
        if score is None:
            raise MalformedOutputError(type(self).__name__, "score from 1 to 5", output)
        return {"score": score, "reason": reason}
