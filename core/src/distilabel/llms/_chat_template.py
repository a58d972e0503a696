"""Rendering Hugging Face style (Jinja2) chat templates, and templates for the presets.

Backends that hold the model's template in a tokenizer use it there; one that only sends
text to a server (``/v1/completions``) renders the conversation itself with
``render_chat_template``: the model's template when the user gives it, or the template
of a named preset (``PRESET_CHAT_TEMPLATES``, the formats of ``MAGPIE_PRE_QUERY_TEMPLATES``).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any, NoReturn

from distilabel.errors import DistilabelUserError
from distilabel.typing import ChatType

__all__ = ["PRESET_CHAT_TEMPLATES", "render_chat_template"]

_CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n'"
    " + message['content'] + '<|im_end|>\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

PRESET_CHAT_TEMPLATES: dict[str, str] = {
    "chatml": _CHATML,
    "qwen2": _CHATML,
    "llama3": (
        "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>'"
        " + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] + '<|eot_id|>' }}"
        "{% endfor %}{% if add_generation_prompt %}"
        "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
    ),
    "gemma": (
        "{{ bos_token }}{% for message in messages %}{% set role = 'model' if"
        " message['role'] == 'assistant' else 'user' %}{{ '<start_of_turn>' + role + '\\n'"
        " + message['content'] + '<end_of_turn>\\n' }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
    ),
    "phi3": (
        "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content']"
        " + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}"
        "{% endif %}"
    ),
    "mistral": (
        "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'assistant' %}"
        "{{ ' ' + message['content'] + eos_token }}{% else %}{{ '[INST] ' + message['content']"
        " + ' [/INST]' }}{% endif %}{% endfor %}"
    ),
}
"""Chat templates of the named formats, for backends that cannot read the model's own."""


def _raise(message: str) -> NoReturn:
    raise DistilabelUserError(f"The chat template refused the conversation: {message}")


def _strftime_now(fmt: str) -> str:
    return datetime.datetime.now().strftime(fmt)


@functools.lru_cache(maxsize=32)
def _compiled(template: str) -> Any:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    environment = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
    )
    environment.globals["raise_exception"] = _raise
    environment.globals["strftime_now"] = _strftime_now
    return environment.from_string(template)


def render_chat_template(
    template: str,
    messages: ChatType,
    add_generation_prompt: bool,
    bos_token: str = "",
    eos_token: str = "",
    **extra: Any,
) -> str:
    """Render ``messages`` with a Jinja2 chat template as transformers does.

    Args:
        template: the template text, or a preset name from ``PRESET_CHAT_TEMPLATES``.
        messages: the conversation.
        add_generation_prompt: end with the opening of the assistant's turn.
        bos_token: the text of the beginning-of-sequence token, for templates using it.
        eos_token: the text of the end-of-sequence token.
        **extra: further template variables.

    Raises:
        DistilabelUserError: the template calls ``raise_exception`` for this conversation.
    """
    source = PRESET_CHAT_TEMPLATES.get(template, template)
    return str(
        _compiled(source).render(
            messages=messages, add_generation_prompt=add_generation_prompt,
            bos_token=bos_token, eos_token=eos_token, **extra,
        )
    )
