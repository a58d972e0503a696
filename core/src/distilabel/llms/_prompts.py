"""What one LLM input asks for: a conversation, a raw prompt, or a Magpie user turn.

Tasks hand LLMs ``FormattedInput`` values: a conversation, a raw prompt string (sent with
no chat template: URIAL's few-shot prompts, Genstruct, base models), or either paired
with a structured-output request. ``LLM.prepare_input`` turns each into an
:class:`LLMInput`, adding what the LLM's own fields ask for (``structured_output``,
``use_magpie_template``), so every backend reads one shape.

Magpie (Xu et al., 2024, arXiv:2406.08464) makes an aligned chat model write the *user*
turn: the prompt is the model's chat template applied up to the start of a new user
message, so the model continues with an instruction of the kind it was tuned on. The
template is the model's own where the backend knows it (the GGUF's, the tokenizer's);
``magpie_pre_query_template`` names a preset or gives the text for backends that do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from distilabel.errors import DistilabelUserError
from distilabel.llms._structured import StructuredOutput
from distilabel.typing import ChatType

__all__ = [
    "MAGPIE_PRE_QUERY_TEMPLATES",
    "ChatRenderer",
    "LLMInput",
    "magpie_prompt",
    "resolve_pre_query_template",
]

MAGPIE_PRE_QUERY_TEMPLATES: dict[str, str] = {
    "llama3": "<|start_header_id|>user<|end_header_id|>\n\n",
    "qwen2": "<|im_start|>user\n",
    "chatml": "<|im_start|>user\n",
    "gemma": "<start_of_turn>user\n",
    "phi3": "<|user|>\n",
    "mistral": "[INST] ",
}
"""Named pre-query templates: the text that opens a user turn in common chat formats.

They follow the turns the template renders before them (a system prompt, earlier
turns); the tokenizer adds the model's beginning-of-sequence token where it wants one.
"""

ChatRenderer = Callable[[ChatType, bool], str]
"""``render(conversation, add_generation_prompt) -> prompt text``: a model's chat template."""

_MARKER = "\ue000distilabel-user-turn\ue000"


def resolve_pre_query_template(value: Optional[str]) -> Optional[str]:
    """A preset's text, a custom template as given, or ``None`` (use the model's template)."""
    if value is None or value == "auto":
        return None
    return MAGPIE_PRE_QUERY_TEMPLATES.get(value, value)


def magpie_prompt(render: ChatRenderer, messages: ChatType, pre_query: Optional[str]) -> str:
    """The prompt that makes a chat model write the next user turn after ``messages``.

    With ``pre_query`` ``None`` the model's template itself is applied to ``messages`` plus
    an empty user turn and cut where that turn's text would start, so default system
    prompts and separators are exactly the model's. Otherwise ``messages`` are rendered
    without a generation prompt and ``pre_query`` is appended.

    Raises:
        DistilabelUserError: the template drops or rewrites the user message, so the cut
            cannot be found (give ``magpie_pre_query_template`` then).
    """
    if pre_query is not None:
        return (render(messages, False) if messages else "") + pre_query
    text = render([*messages, {"role": "user", "content": _MARKER}], False)
    cut = text.find(_MARKER)
    if cut < 0:
        raise DistilabelUserError(
            "The model's chat template does not render a user message verbatim, so the"
            " Magpie pre-query template cannot be derived from it; set"
            f" `magpie_pre_query_template` to a preset ({', '.join(MAGPIE_PRE_QUERY_TEMPLATES)})"
            " or to the text that opens a user turn."
        )
    return text[:cut]


@dataclass(frozen=True)
class LLMInput:
    """One prepared LLM input.

    Exactly one of ``messages`` and ``prompt`` is set.

    Attributes:
        messages: the conversation (``None`` for a raw prompt).
        prompt: a raw prompt, sent as is with no chat template.
        magpie: generate the next *user* turn after ``messages`` (Magpie).
        pre_query_template: for ``magpie``, the text that opens the user turn, or
            ``None`` for the model's own template.
        structured_output: what the answer must follow, or ``None`` for free text.
    """

    messages: Optional[ChatType] = None
    prompt: Optional[str] = None
    magpie: bool = False
    pre_query_template: Optional[str] = None
    structured_output: Optional[StructuredOutput] = None

    @property
    def is_chat(self) -> bool:
        """Whether this is a plain conversation to answer (no raw prompt, no Magpie)."""
        return self.prompt is None and not self.magpie

    def text(self, render: Optional[ChatRenderer]) -> str:
        """The whole prompt text, for backends that complete raw text.

        Args:
            render: the model's chat template; needed unless this is a raw prompt or a
                Magpie turn after no messages with a ``pre_query_template``.

        Raises:
            DistilabelUserError: a chat template is needed and ``render`` is ``None``.
        """
        if self.prompt is not None:
            return self.prompt
        messages = self.messages or []
        if render is None:
            if self.magpie and self.pre_query_template is not None and not messages:
                return self.pre_query_template
            raise DistilabelUserError(
                "This input needs the model's chat template, which the backend does not"
                " know; give the LLM a `chat_template` (or send raw prompt strings)."
            )
        if self.magpie:
            return magpie_prompt(render, messages, self.pre_query_template)
        return render(messages, True)

    def raw_input(self) -> object:
        """What to record as the row's raw input: the prompt text or the conversation."""
        return self.prompt if self.prompt is not None else self.messages
