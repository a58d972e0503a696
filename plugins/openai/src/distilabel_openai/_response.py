"""Read a chat completion response body (already JSON-decoded) into distilabel's shapes.

The body is read as plain dicts: no SDK model is built and nothing is re-validated, which
is most of what a request costs on the client side. Only the fields distilabel keeps are
touched: each choice's text and logprobs, and ``usage``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from distilabel.llms.typing import GenerateOutput, Logprob, TokenLogprobs

__all__ = [
    "Completion",
    "MalformedResponseError",
    "content_text",
    "merge_completions",
    "read_completion",
]


class MalformedResponseError(ValueError):
    """The server answered 200 with a body that is not a usable chat completion: not a
    completion at all, or a choice without text (``content: null``: a refusal, a content
    filter, tool calls). The message completes "the answer ..."."""


@dataclass
class Completion:
    """The parts of one response distilabel keeps."""

    texts: list[str]
    output_tokens: list[int]
    input_tokens: int
    logprobs: list[TokenLogprobs] = field(default_factory=list)


def read_completion(data: Any, want_logprobs: bool, text: bool = False) -> Completion:
    """Extract texts, per-choice output token counts, prompt tokens and logprobs.

    ``content`` may be a string or a list of parts (their text is joined). ``usage`` is
    best effort: a missing or malformed count reads as 0, it never costs the answer.
    ``usage.completion_tokens`` counts all choices together; per choice it is exact with
    one choice or with logprobs (one entry per token), and otherwise shared out evenly.
    ``text`` reads a text completion (``POST /completions``: ``choices[].text``).

    Raises:
        MalformedResponseError: no ``choices`` list, a choice without a ``message`` (a
            text completion: without ``text``), or a choice without text (the message
            says why: refusal, filter, tool calls).
    """
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        keys = sorted(map(str, data)) if isinstance(data, dict) else type(data).__name__
        raise MalformedResponseError(f"has no 'choices' list (got {keys})")
    choices = sorted(data["choices"], key=_index)
    texts: list[str] = []
    token_lists: list[Optional[list[Any]]] = []
    for position, choice in enumerate(choices):
        if text:
            if not isinstance(choice, dict) or "text" not in choice:
                raise MalformedResponseError(f"has a choice without 'text' (choice {position})")
            content = content_text(choice["text"])
            if content is None:
                raise MalformedResponseError(
                    f"has no text in choice {position} (text is {choice['text']!r},"
                    f" finish_reason {choice.get('finish_reason')!r})"
                )
            lp = choice.get("logprobs")
            token_lists.append(_text_logprobs(lp) if isinstance(lp, dict) else None)
        else:
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                raise MalformedResponseError(
                    f"has a choice without a 'message' (choice {position})"
                )
            content = content_text(message.get("content"))
            if content is None:
                raise MalformedResponseError(
                    f"has no text in choice {position} ({_why_no_text(choice, message)})"
                )
            lp = choice.get("logprobs")
            tokens = lp.get("content") if isinstance(lp, dict) else None
            token_lists.append(tokens if isinstance(tokens, list) else None)
        texts.append(content)
    if not texts:
        raise MalformedResponseError("has no choices")
    usage = data.get("usage")
    if not isinstance(usage, dict):
        usage = {}
    completion = Completion(
        texts=texts,
        output_tokens=_per_choice_tokens(_count(usage.get("completion_tokens")), token_lists),
        input_tokens=_count(usage.get("prompt_tokens")),
    )
    if want_logprobs:
        completion.logprobs = [_token_logprobs(tokens) for tokens in token_lists]
    return completion


def content_text(content: Any) -> Optional[str]:
    """The text of a message's ``content``: the string itself, or the text parts of a list
    of parts joined (``{"type": "text", "text": ...}``, ``output_text`` or plain strings);
    ``None`` when there is no text (``null``, or only non-text parts)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return None
    pieces = [
        part if isinstance(part, str) else part["text"]
        for part in content
        if isinstance(part, str) or (
            isinstance(part, dict) and isinstance(part.get("text"), str)
            and part.get("type", "text") in ("text", "output_text")
        )
    ]
    return "".join(pieces) if pieces else None


def _why_no_text(choice: dict[str, Any], message: dict[str, Any]) -> str:
    reason = choice.get("finish_reason")
    refusal = message.get("refusal")
    calls = message.get("tool_calls") or ([message["function_call"]] if message.get(
        "function_call") else [])
    if isinstance(refusal, str) and refusal:
        return f"the model refused: {refusal[:200]!r}"
    if calls:
        names = [str((c.get("function") or c).get("name", "?")) for c in calls
                 if isinstance(c, dict)]
        return f"the model answered with tool calls ({', '.join(names) or '?'}), not text"
    if reason == "content_filter":
        return "the server's content filter withheld it: finish_reason 'content_filter'"
    return f"content is {message.get('content')!r}, finish_reason {reason!r}"


def _index(choice: Any) -> int:
    index = choice.get("index") if isinstance(choice, dict) else None
    return index if isinstance(index, int) else 0


def _count(value: Any) -> int:
    """A token count from ``usage``; 0 when absent or not a count."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return max(int(value), 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return 0


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
        if not isinstance(token, dict):
            continue
        top = token.get("top_logprobs")
        candidates = top if isinstance(top, list) and top else [token]
        result.append([
            Logprob(token=str(c.get("token", "")), logprob=_float(c.get("logprob")))
            for c in candidates if isinstance(c, dict)
        ])
    return result


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def merge_completions(completions: list[Completion], n: int, logprobs: bool) -> GenerateOutput:
    """Join the completions of one input (one request, or several when ``n`` was ignored)."""
    texts: list[str] = []
    input_tokens: list[int] = []
    output_tokens: list[int] = []
    all_logprobs: list[TokenLogprobs] = []
    for completion in completions:
        texts.extend(completion.texts)
        input_tokens.extend([completion.input_tokens] * len(completion.texts))
        output_tokens.extend(completion.output_tokens)
        all_logprobs.extend(completion.logprobs)
    output: GenerateOutput = {
        "generations": list[Optional[str]](texts[:n]),
        "statistics": {"input_tokens": input_tokens[:n], "output_tokens": output_tokens[:n]},
    }
    if logprobs:
        output["logprobs"] = all_logprobs[:n]
    return output
