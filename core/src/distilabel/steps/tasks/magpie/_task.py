"""``Magpie`` and ``MagpieGenerator``: instructions and conversations from nothing.

An aligned chat model, given its chat template up to the opening of a user turn and
nothing more, writes a user message of the kind it was tuned on (Xu et al., 2024,
"Magpie: Alignment Data Synthesis from Scratch by Prompting Aligned LLMs with Nothing",
https://arxiv.org/abs/2406.08464). Answering it, then asking for the next user turn,
and so on, gives multi-turn conversations with no seed data. The LLM does the template
work (``use_magpie_template``: a conversation that does not end with a user message asks
for the next user turn); these tasks run the turns, each a journaled call.
"""

from __future__ import annotations

import math
import random
from typing import Any, Optional, Union

from pydantic import Field, PositiveInt, PrivateAttr, field_validator, model_validator

from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps.tasks._calls import LLMCalls
from distilabel.steps.tasks._kinds import GeneratorTask, MultiCallTask
from distilabel.steps.tasks._parsing import MalformedOutputError
from distilabel.steps.typing import Row, StepColumns
from distilabel.typing import ChatType

__all__ = ["MAGPIE_MULTI_TURN_SYSTEM_PROMPT", "Magpie", "MagpieBase", "MagpieGenerator"]

MAGPIE_MULTI_TURN_SYSTEM_PROMPT = (
    "You are a helpful AI assistant. The user talks with you over several rounds: a first"
    " question, then follow-up questions about the same subject. Answer every message"
    " thoroughly, accurately and to the point."
)
"""The system prompt of multi-turn conversations when none is given (the paper steers
multi-turn generation with a system prompt of this kind)."""

SystemPrompts = Union[str, list[str], dict[str, str], dict[str, tuple[str, float]]]


class MagpieBase(MultiCallTask):
    """What ``Magpie`` and ``MagpieGenerator`` share: the parameters and the turns.

    Outputs: ``instruction`` (``only_instruction``, or one turn ending with the user),
    ``instruction`` and ``response`` (one turn), else ``conversation``; plus
    ``system_prompt_key`` when ``system_prompt`` is a dict, and ``model_name``.
    """

    n_turns: RuntimeParameter[PositiveInt] = Field(
        default=1, description="How many user turns (each answered) per conversation."
    )
    end_with_user: RuntimeParameter[bool] = Field(
        default=False, description="End the conversation with a user turn (no last answer)."
    )
    include_system_prompt: RuntimeParameter[bool] = Field(
        default=False, description="Keep the system prompt as the conversation's first message."
    )
    only_instruction: RuntimeParameter[bool] = Field(
        default=False,
        description="Write only the first user turn (`instruction`); `n_turns` is ignored.",
    )
    system_prompt: Optional[RuntimeParameter[SystemPrompts]] = Field(
        default=None,
        description="The system prompt that steers what users ask: one text, a list to"
        " pick from at random per row, a dict of named texts (the name goes to"
        " `system_prompt_key`), or a dict of (text, probability) pairs. A row's own"
        " `system_prompt` column wins.",
    )

    _random: random.Random = PrivateAttr(default_factory=random.Random)

    @field_validator("system_prompt", mode="after")
    @classmethod
    def _weights_sum_to_one(cls, value: Optional[SystemPrompts]) -> Optional[SystemPrompts]:
        if isinstance(value, dict) and value:
            weighted = [isinstance(v, (tuple, list)) for v in value.values()]
            if any(weighted) and not all(weighted):
                raise ValueError(
                    "system_prompt: give every entry of the dict a (text, probability) pair,"
                    " or none of them."
                )
            if all(weighted):
                total = sum(float(v[1]) for v in value.values())  # type: ignore[index]
                if not math.isclose(total, 1.0, abs_tol=1e-6):
                    raise ValueError(
                        f"system_prompt: the probabilities add up to {total:g}; make them"
                        " add up to 1."
                    )
        if isinstance(value, (list, dict)) and not value:
            raise ValueError("system_prompt: the list or dict of prompts is empty.")
        return value

    @model_validator(mode="after")
    def _llm_writes_user_turns(self) -> MagpieBase:
        # The LLM writes the user turn for a conversation that does not end with one.
        self.llm.use_magpie_template = True
        return self

    @property
    def _turns(self) -> int:
        return int(self.n_turns or 1)

    def _instruction_only(self) -> bool:
        return bool(self.only_instruction or (self._turns == 1 and self.end_with_user))

    @property
    def outputs(self) -> StepColumns:
        if self._instruction_only():
            columns = ["instruction"]
        elif self.n_turns == 1:
            columns = ["instruction", "response"]
        else:
            columns = ["conversation"]
        if isinstance(self.system_prompt, dict):
            columns.append("system_prompt_key")
        return [*columns, "model_name"]

    def choose_system_prompt(self, row: Row) -> tuple[Optional[str], Optional[str]]:
        """The system prompt of ``row`` and its key: the row's ``system_prompt`` column,
        else one of ``system_prompt`` (picked at random), else the multi-turn default
        when there is more than one turn."""
        own = row.get("system_prompt")
        if isinstance(own, str) and own.strip():
            return own, None
        prompts = self.system_prompt
        if isinstance(prompts, str):
            return prompts, None
        if isinstance(prompts, list):
            return self._random.choice(prompts), None
        if isinstance(prompts, dict):
            keys = list(prompts)
            values = list(prompts.values())
            weights = (
                [float(v[1]) for v in values]  # type: ignore[index]
                if isinstance(values[0], (tuple, list)) else None
            )
            key = self._random.choices(keys, weights=weights, k=1)[0]
            chosen = prompts[key]
            return (chosen[0] if isinstance(chosen, (tuple, list)) else chosen), key
        if self._turns > 1 and not self._instruction_only():
            return MAGPIE_MULTI_TURN_SYSTEM_PROMPT, None
        return None, None

    async def generate_row(self, row: Row, llm: LLMCalls) -> dict[str, Any]:
        """Alternate user turns (Magpie) and answers; an empty turn fails the row."""
        system, key = self.choose_system_prompt(row)
        conversation: ChatType = [{"role": "system", "content": system}] if system else []
        turns = 1 if self._instruction_only() else self._turns
        for turn in range(turns):
            for role in ("user", "assistant"):
                if role == "assistant" and (
                    self._instruction_only() or (turn == turns - 1 and self.end_with_user)
                ):
                    break
                text = (await llm.text(conversation)).strip()
                if not text:
                    what = "user turn" if role == "user" else "answer"
                    raise MalformedOutputError(
                        type(self).__name__, f"text in its {what} {turn + 1}", text
                    )
                conversation.append({"role": role, "content": text})
        columns: dict[str, Any] = {}
        messages = [m for m in conversation if m["role"] != "system"]
        if self._instruction_only():
            columns["instruction"] = messages[0]["content"]
        elif self.n_turns == 1:
            columns["instruction"] = messages[0]["content"]
            columns["response"] = messages[1]["content"]
        else:
            columns["conversation"] = conversation if self.include_system_prompt else messages
        if isinstance(self.system_prompt, dict):
            columns["system_prompt_key"] = key
        return columns


class Magpie(MagpieBase):
    """Write instructions (or whole conversations) with Magpie, one per input row.

    Magpie (Xu et al., 2024, "Magpie: Alignment Data Synthesis from Scratch by Prompting
    Aligned LLMs with Nothing", https://arxiv.org/abs/2406.08464): the LLM (one that
    completes raw prompts, with ``use_magpie_template``, which this task turns on) is
    given its chat template up to a user turn and writes the user's message; it then
    answers it, and with ``n_turns`` > 1 the user follows up. Each turn is a journaled
    call.

    Input: ``system_prompt`` (optional; it steers the topic and wins over the
    ``system_prompt`` parameter). Outputs: ``instruction`` (with ``only_instruction``,
    or one turn and ``end_with_user``), ``instruction`` and ``response`` (one turn), or
    ``conversation``; ``system_prompt_key`` when ``system_prompt`` is a dict; and
    ``model_name``. An empty turn fails its row, the calls made so far kept.
    """

    @property
    def inputs(self) -> StepColumns:
        return {"system_prompt": False}


class MagpieGenerator(GeneratorTask, MagpieBase):  # type: ignore[misc]
    """``Magpie`` with no input rows: ``num_rows`` instructions or conversations.

    The same method and parameters as ``Magpie`` (Xu et al., 2024,
    https://arxiv.org/abs/2406.08464); it starts a pipeline, no seed data needed.
    """
