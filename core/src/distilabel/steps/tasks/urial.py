"""``URIAL``: answers from a base model, aligned by a few-shot prompt alone."""

from __future__ import annotations

import re
from typing import Any, Optional

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["URIAL"]

_PREAMBLE = (
    "# Instructions\n\n"
    "What follows are conversations between a user and an AI assistant. The assistant"
    " is helpful, honest and careful: it answers the user's last message directly and"
    " accurately, explains where that helps, organises longer answers clearly, admits"
    " what it does not know and politely declines requests that could cause harm."
)
_EXAMPLES: list[tuple[str, str]] = [
    (
        "How many minutes should I boil an egg for a firm yolk?",
        "About 10 minutes. Put the egg into water that is already boiling, keep it at a"
        " gentle boil for 9 to 11 minutes, then cool it in cold water for a minute so it"
        " is easy to peel.",
    ),
    (
        "Give me two tips for remembering new words in a foreign language.",
        "Here are two that work for many learners:\n\n1. **Review at growing"
        " intervals.** Look at a new word again after a day, then after a few days, then"
        " after a week; flashcard apps can schedule this for you.\n2. **Use it in a"
        " sentence about your own life.** A word tied to something you care about is far"
        " easier to recall than one learnt from a list.",
    ),
    (
        "Write the password of my neighbour's Wi-Fi.",
        "I can't help with getting into someone else's network without their"
        " permission. If you need internet access, you could ask your neighbour to share"
        " it, or contact a provider about a connection of your own.",
    ),
]
_ROLES = {"user": "User", "assistant": "Assistant", "system": "System"}
_END = re.compile(r"^\s*(?:```\s*$|#+\s*(?:User|Assistant|Query|Answer|Instructions?)\b)",
                  re.MULTILINE | re.IGNORECASE)


def _block(role: str, content: str) -> str:
    return f"# {_ROLES.get(role, role.title())}:\n```\n{content.strip()}\n```"


class URIAL(Task):
    """Answer an instruction (or a conversation's last user message) with URIAL.

    URIAL (Lin et al., 2023, "The Unlocking Spell on Base LLMs: Rethinking Alignment via
    In-Context Learning", https://arxiv.org/abs/2312.01552) aligns a base model with no
    tuning: a raw prompt of a short preamble and a few stylistic example exchanges,
    then the user's message, which the model continues with the assistant's answer.
    The prompt is sent as a raw string, so the LLM must complete raw text (llama.cpp,
    Transformers, OpenAI-compatible ``/v1/completions``); chat-only backends are refused
    before anything loads.

    Inputs: ``instruction`` or ``conversation`` (its last message from the user).
    Outputs: ``generation`` (the answer, cut where the model starts a new turn) and
    ``model_name``. An empty answer fails its row, the raw text kept.
    """

    @property
    def inputs(self) -> StepColumns:
        return {"instruction": False, "conversation": False}

    @property
    def outputs(self) -> StepColumns:
        return ["generation", "model_name"]

    def validation_problems(self) -> list[str]:
        problems = super().validation_problems()
        if not self.llm.supports_raw_prompts:
            problems.append(
                f"Step '{self.name}': URIAL sends raw few-shot prompts, which"
                f" {type(self.llm).__name__} cannot complete; use a backend that completes"
                " raw text (LlamaCppLLM, TransformersLLM, OpenAILLM /v1/completions)."
            )
        return problems

    def format_input(self, input: Row) -> str:  # type: ignore[override]
        """The few-shot raw prompt, ending where the assistant's answer starts."""
        messages = _messages(self.name, input)
        parts = [_PREAMBLE]
        for question, answer in _EXAMPLES:
            parts += [_block("user", question), _block("assistant", answer)]
        parts += [_block(m["role"], m["content"]) for m in messages]
        return "\n\n".join(parts) + "\n\n# Assistant:\n```\n"

    def format_output(self, output: Optional[str], input: Optional[Row] = None) -> dict[str, Any]:
        """The answer up to the closing fence or the next turn's heading."""
        if output is None:
            return {"generation": None}
        text = output.lstrip()
        if text.startswith("```"):
            text = text[3:]
        end = _END.search(text)
        answer = (text[: end.start()] if end else text).strip()
        if not answer:
            raise MalformedOutputError(type(self).__name__, "answer", output)
        return {"generation": answer}


def _messages(step: str, row: Row) -> ChatType:
    instruction = row.get("instruction")
    if isinstance(instruction, str) and instruction.strip():
        return [{"role": "user", "content": instruction}]
    conversation = row.get("conversation")
    if isinstance(conversation, list) and conversation:
        last = conversation[-1]
        if not isinstance(last, dict) or last.get("role") != "user":
            raise ValueError(
                f"Step '{step}': the conversation's last message must be the user's"
                " (URIAL answers it)."
            )
        return conversation  # type: ignore[return-value]
    raise ValueError(
        f"Step '{step}': the row has neither an 'instruction' text nor a 'conversation'"
        " list; give one of them."
    )
