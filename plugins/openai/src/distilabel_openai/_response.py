"""Read a chat completion response body (already JSON-decoded) into distilabel's shapes.

The body is read as plain dicts: no SDK model is built and nothing is re-validated, which
is most of what a request costs on the client side. Only the fields distilabel keeps are
touched: each choice's text and logprobs, and ``usage``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from distilabel.llms.typing import GenerateOutput, Logprob, TokenLogprobs

__all__ = ["Completion", "MalformedResponseError", "merge_completions", "read_completion"]


class MalformedResponseError(ValueError):
    """The server answered 200 with a body that is not a chat completion."""


@dataclass
class Completion:
    """The parts of one response distilabel keeps."""

    texts: list[Optional[str]]
    output_tokens: list[int]
    input_tokens: int
    logprobs: list[TokenLogprobs] = field(default_factory=list)


def read_completion(data: Any, want_logprobs: bool, text: bool = False) -> Completion:
    """Extract texts, per-choice output token counts, prompt tokens and logprobs.

    ``usage.completion_tokens`` counts all choices together; per choice it is exact with
    one choice or with logprobs (one entry per token), and otherwise shared out evenly.
    ``text`` reads a text completion (``POST /completions``: ``choices[].text``).

    Raises:
        MalformedResponseError: no ``choices`` list, or a choice without a ``message``
            (without ``text`` for a text completion).
    """
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise MalformedResponseError(f"the response has no 'choices' list (got {keys})")
    choices = sorted(data["choices"], key=lambda c: c.get("index", 0) if isinstance(c, dict) else 0)
    texts: list[Optional[str]] = []
    token_lists: list[Optional[list[Any]]] = []
    for choice in choices:
        if text:
            if not isinstance(choice, dict) or "text" not in choice:
                raise MalformedResponseError("a choice in the response has no 'text'")
            content = choice["text"]
            lp = choice.get("logprobs")
            token_lists.append(_text_logprobs(lp) if isinstance(lp, dict) else None)
        else:
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                raise MalformedResponseError("a choice in the response has no 'message'")
            content = message.get("content")
            lp = choice.get("logprobs")
            token_lists.append(lp.get("content") if isinstance(lp, dict) else None)
        texts.append(content if isinstance(content, str) else None)
    usage = data.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    input_tokens = int(usage.get("prompt_tokens") or 0)
    completion_tokens = int(usage.get("completion_tokens") or 0)
    completion = Completion(
        texts=texts,
        output_tokens=_per_choice_tokens(completion_tokens, token_lists),
        input_tokens=input_tokens,
    )
    if want_logprobs:
        completion.logprobs = [_token_logprobs(tokens) for tokens in token_lists]
    return completion


def _text_logprobs(lp: dict[str, Any]) -> Optional[list[Any]]:
    """A text completion's logprobs (parallel ``tokens`` / ``token_logprobs`` /
    ``top_logprobs`` lists) in the chat shape (one dict per token)."""
    tokens = lp.get("tokens")
    if not isinstance(tokens, list):
        return None
    values = lp.get("token_logprobs") or []
    tops = lp.get("top_logprobs") or []
    out: list[Any] = []
    for index, token in enumerate(tokens):
        top = tops[index] if index < len(tops) and isinstance(tops[index], dict) else {}
        out.append({
            "token": token,
            "logprob": values[index] if index < len(values) and values[index] is not None
            else 0.0,
            "top_logprobs": [{"token": t, "logprob": v} for t, v in top.items()],
        })
    return out


def _per_choice_tokens(total: int, token_lists: list[Optional[list[Any]]]) -> list[int]:
    count = len(token_lists)
    if count == 1:
        return [total]
    if count and all(isinstance(t, list) for t in token_lists):
        return [len(t or []) for t in token_lists]
    share, extra = divmod(total, count) if count else (0, 0)
    return [share + (1 if i < extra else 0) for i in range(count)]


def _token_logprobs(tokens: Optional[list[Any]]) -> TokenLogprobs:
    result: TokenLogprobs = []
    for token in tokens or []:
        top = token.get("top_logprobs") or []
        candidates = top if top else [token]
        result.append([
            Logprob(token=str(c.get("token", "")), logprob=float(c.get("logprob", 0.0)))
            for c in candidates
        ])
    return result


def merge_completions(completions: list[Completion], n: int, logprobs: bool) -> GenerateOutput:
    """Join the completions of one input (one request, or several when ``n`` was ignored)."""
    texts: list[Optional[str]] = []
    input_tokens: list[int] = []
    output_tokens: list[int] = []
    all_logprobs: list[TokenLogprobs] = []
    for completion in completions:
        texts.extend(completion.texts)
        input_tokens.extend([completion.input_tokens] * len(completion.texts))
        output_tokens.extend(completion.output_tokens)
        all_logprobs.extend(completion.logprobs)
    output: GenerateOutput = {
        "generations": texts[:n],
        "statistics": {"input_tokens": input_tokens[:n], "output_tokens": output_tokens[:n]},
    }
    if logprobs:
        output["logprobs"] = all_logprobs[:n]
    return output
