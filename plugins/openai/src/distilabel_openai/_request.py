"""The request body of a chat completion (``POST /chat/completions``) or a text
completion (``POST /completions``: raw prompts, Magpie), from the generation keywords.

Parameters left at the API's defaults (``top_p=1``, zero penalties) and unset options are
left out, so the body stays small and servers that do not know an option never see it.
"""

from __future__ import annotations

from typing import Any, Optional, Union

__all__ = ["chat_body"]


def chat_body(
    model: str,
    messages: Union[list[Any], str],
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
    """Build the JSON body of ``POST /chat/completions`` (without ``n`` and the format),
    or of ``POST /completions`` when ``messages`` is a prompt string.

    ``max_tokens`` is ``{"max_tokens": N}`` or ``{"max_completion_tokens": N}``, whichever
    the server expects.
    """
    text = isinstance(messages, str)
    body: dict[str, Any] = {"model": model, "prompt" if text else "messages": messages,
                            **max_tokens, "temperature": temperature}
    if top_p != 1.0:
        body["top_p"] = top_p
    if frequency_penalty:
        body["frequency_penalty"] = frequency_penalty
    if presence_penalty:
        body["presence_penalty"] = presence_penalty
    if stop is not None:
        body["stop"] = stop
    if logprobs and text:  # the completions API takes the number of candidates
        body["logprobs"] = top_logprobs or 1
    elif logprobs:
        body["logprobs"] = True
        if top_logprobs is not None:
            body["top_logprobs"] = top_logprobs
    if seed is not None:
        body["seed"] = seed
    if extra_body:
        body.update(extra_body)
    return body
