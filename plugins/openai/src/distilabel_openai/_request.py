"""The chat completion request body, from distilabel's input and generation keywords.

Parameters left at the API's defaults (``top_p=1``, zero penalties) and unset options are
left out, so the body stays small and servers that do not know an option never see it.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from distilabel.typing import FormattedInput

__all__ = ["chat_body", "split_input"]


def split_input(input: FormattedInput) -> tuple[Any, Optional[dict[str, Any]]]:
    """Return ``(messages, json_schema)``: a task may pass ``(conversation, schema)``."""
    if isinstance(input, tuple):
        messages, schema = input
        return messages, schema
    return input, None


def chat_body(
    model: str,
    messages: Any,
    max_tokens: dict[str, int],
    *,
    temperature: float,
    top_p: float,
    frequency_penalty: float,
    presence_penalty: float,
    stop: Optional[Union[str, list[str]]],
    logprobs: bool,
    top_logprobs: Optional[int],
    seed: Optional[int],
    extra_body: Optional[dict[str, Any]],
) -> dict[str, Any]:
    """Build the JSON body of ``POST /chat/completions`` (without ``n`` and the format).

    ``max_tokens`` is ``{"max_tokens": N}`` or ``{"max_completion_tokens": N}``, whichever
    the server expects.
    """
    body: dict[str, Any] = {"model": model, "messages": messages, **max_tokens,
                            "temperature": temperature}
    if top_p != 1.0:
        body["top_p"] = top_p
    if frequency_penalty:
        body["frequency_penalty"] = frequency_penalty
    if presence_penalty:
        body["presence_penalty"] = presence_penalty
    if stop is not None:
        body["stop"] = stop
    if logprobs:
        body["logprobs"] = True
        if top_logprobs is not None:
            body["top_logprobs"] = top_logprobs
    if seed is not None:
        body["seed"] = seed
    if extra_body:
        body.update(extra_body)
    return body
