"""Formatters that turn generations into SFT and DPO training rows.

The output columns are those of distilabel 1.x and of the usual trainers (TRL,
alignment-handbook, axolotl): ``prompt``, ``prompt_id`` (the SHA-256 of the prompt),
``messages`` for SFT; ``chosen``/``rejected`` conversations with their ratings and models
for DPO.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Optional

from distilabel.steps._base import Step
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput
from distilabel.typing import ChatType

__all__ = [
    "FormatChatGenerationDPO",
    "FormatChatGenerationSFT",
    "FormatTextGenerationDPO",
    "FormatTextGenerationSFT",
    "prompt_id",
]

_DPO_OUTPUTS = [
    "prompt", "prompt_id", "chosen", "chosen_model", "chosen_rating",
    "rejected", "rejected_model", "rejected_rating",
]


def prompt_id(prompt: Optional[str]) -> Optional[str]:
    """The SHA-256 hex digest of ``prompt`` (UTF-8), the ``prompt_id`` column."""
    if not isinstance(prompt, str):
        return None
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()


def _text_conversation(row: Row) -> ChatType:
    conversation: ChatType = []
    system = row.get("system_prompt")
    if isinstance(system, str) and system:
        conversation.append({"role": "system", "content": system})
    conversation.append({"role": "user", "content": row["instruction"]})
    return conversation


def _last_user_message(messages: Any) -> Optional[str]:
    if not isinstance(messages, list):
        return None
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            return content if isinstance(content, str) else None
    return None


def _with_answer(conversation: ChatType, answer: Any) -> Optional[ChatType]:
    if not isinstance(answer, str):
        return None  # a failed generation: no training conversation for it
    return [*(dict(m) for m in conversation), {"role": "assistant", "content": answer}]  # type: ignore[list-item]


def _rating(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def _pick_pair(generations: Any, ratings: Any) -> Optional[tuple[int, int]]:
    """Indices of the best and the worst rated generation, or ``None`` without two rated
    answers. Ties go to the earliest generation for ``chosen`` and the latest for
    ``rejected``; generations that failed (not text) or got no rating are skipped."""
    if not isinstance(generations, list) or not isinstance(ratings, list):
        return None
    rated = [
        (index, score) for index, (text, raw) in enumerate(zip(generations, ratings, strict=False))
        if isinstance(text, str) and (score := _rating(raw)) is not None
    ]
    if len(rated) < 2:
        return None
    chosen = max(rated, key=lambda item: (item[1], -item[0]))[0]
    rejected = min(rated, key=lambda item: (item[1], -item[0]))[0]
    if rejected == chosen:  # every rating equal: still a pair, the first and the last
        rejected = rated[-1][0]
    return chosen, rejected


def _dpo_columns(conversation: Optional[ChatType], row: Row) -> dict[str, Any]:
    generations = row.get("generations")
    pair = _pick_pair(generations, row.get("ratings")) if conversation is not None else None
    out: dict[str, Any] = dict.fromkeys(_DPO_OUTPUTS[2:])
    if pair is None or conversation is None:
        return out
    models = row.get("generation_models")
    for side, index in zip(("chosen", "rejected"), pair, strict=True):
        out[side] = _with_answer(conversation, generations[index])  # type: ignore[index]
        out[f"{side}_rating"] = _rating(row["ratings"][index])
        if isinstance(models, list) and index < len(models):
            out[f"{side}_model"] = models[index]
    return out


class FormatTextGenerationSFT(Step):
    """Format ``instruction`` + ``generation`` (from ``TextGeneration``) for supervised
    fine-tuning: ``messages`` is the conversation (the optional ``system_prompt``, the
    instruction, the answer) and ``prompt_id`` the SHA-256 of the instruction.

    A row whose generation failed (``None``) keeps ``messages=None``.

    Example::

        FormatTextGenerationSFT()
    """

    @property
    def inputs(self) -> StepColumns:
        return {"system_prompt": False, "instruction": True, "generation": True}

    @property
    def outputs(self) -> StepColumns:
        return ["prompt", "prompt_id", "messages"]

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows with ``prompt``, ``prompt_id`` and ``messages`` added."""
        for row in inputs:
            row["prompt"] = row["instruction"]
            row["prompt_id"] = prompt_id(row["instruction"])
            row["messages"] = _with_answer(_text_conversation(row), row.get("generation"))
        yield inputs


class FormatChatGenerationSFT(Step):
    """Format ``messages`` + ``generation`` (from ``ChatGeneration``) for supervised
    fine-tuning: ``messages`` gains the answer as its last, assistant, turn; ``prompt`` is
    the last user message and ``prompt_id`` its SHA-256.

    Example::

        FormatChatGenerationSFT()
    """

    @property
    def inputs(self) -> StepColumns:
        return ["messages", "generation"]

    @property
    def outputs(self) -> StepColumns:
        return ["prompt", "prompt_id", "messages"]

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows with ``prompt``, ``prompt_id`` and the extended ``messages``."""
        for row in inputs:
            messages = row.get("messages")
            row["prompt"] = _last_user_message(messages)
            row["prompt_id"] = prompt_id(row["prompt"])
            row["messages"] = (
                _with_answer(messages, row.get("generation"))
                if isinstance(messages, list) else None
            )
        yield inputs


class FormatTextGenerationDPO(Step):
    """Format ``instruction`` + rated ``generations`` (a preference task such as
    ``UltraFeedback`` after several generators) for DPO.

    ``chosen`` is the best rated generation, ``rejected`` the worst, each as a
    conversation (optional ``system_prompt``, the instruction, the answer), with its
    rating and, when the row has ``generation_models``, its model. Generations that
    failed or got no rating are skipped; with fewer than two rated generations every
    ``chosen_*``/``rejected_*`` column is ``None`` and the row is kept.

    Example::

        FormatTextGenerationDPO()
    """

    @property
    def inputs(self) -> StepColumns:
        return {
            "system_prompt": False, "instruction": True, "generations": True,
            "generation_models": False, "ratings": True,
        }

    @property
    def outputs(self) -> StepColumns:
        return list(_DPO_OUTPUTS)

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows with the prompt and the chosen/rejected pair added."""
        for row in inputs:
            row["prompt"] = row["instruction"]
            row["prompt_id"] = prompt_id(row["instruction"])
            conversation = _text_conversation(row) if isinstance(row["instruction"], str) else None
            row.update(_dpo_columns(conversation, row))
        yield inputs


class FormatChatGenerationDPO(Step):
    """Format a conversation (``messages``) + rated ``generations`` for DPO.

    Like ``FormatTextGenerationDPO``, with ``chosen`` and ``rejected`` being the
    conversation followed by the best and the worst rated answer; ``prompt`` is the last
    user message.

    Example::

        FormatChatGenerationDPO()
    """

    @property
    def inputs(self) -> StepColumns:
        return {
            "messages": True, "generations": True, "generation_models": False,
            "ratings": True,
        }

    @property
    def outputs(self) -> StepColumns:
        return list(_DPO_OUTPUTS)

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows with the prompt and the chosen/rejected pair added."""
        for row in inputs:
            messages = row.get("messages")
            row["prompt"] = _last_user_message(messages)
            row["prompt_id"] = prompt_id(row["prompt"])
            row.update(_dpo_columns(messages if isinstance(messages, list) else None, row))
        yield inputs
