"""What LLMs that call a remote API share: key and URL fields, message shapes, results.

Plugins for hosted APIs (Anthropic, Cohere, Gemini, ...) declare their API key with
``api_key_field`` (a ``SecretStr`` read from an environment variable, never dumped), split
the system prompt off a conversation with ``split_system`` when their API takes it apart,
and build each input's result from ``Generation`` values with ``join_generations``, or
``generate_separately`` when the API answers one generation per request.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional

from pydantic import Field, SecretStr

from distilabel.errors import RuntimeParameterError
from distilabel.llms.typing import GenerateOutput

if TYPE_CHECKING:
    from distilabel.http import ExceptionAdapter, RequestRetrier

__all__ = [
    "Generation",
    "api_key_field",
    "chat_completion_generations",
    "env_field",
    "generate_separately",
    "join_generations",
    "require_api_key",
    "sdk_retrier",
    "split_system",
]


def _secret_from(env_var: str) -> Callable[[], Optional[SecretStr]]:
    def factory() -> Optional[SecretStr]:
        value = os.environ.get(env_var)
        return SecretStr(value) if value else None

    return factory


def api_key_field(env_var: str, description: Optional[str] = None) -> Any:
    """A ``SecretStr`` API key field that defaults to ``$env_var`` (never dumped or logged).

    Declare it as ``api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("X_KEY")``.
    """
    return Field(
        default_factory=_secret_from(env_var),
        description=description or f"The API key; defaults to ${env_var}. Never dumped or"
        " logged.",
        json_schema_extra={"env_var": env_var},  # a pickled LLM re-reads it there
    )


def require_api_key(owner: str, api_key: Optional[SecretStr], env_var: str) -> str:
    """The key's value, for ``load()``.

    Raises:
        RuntimeParameterError: no key was given; the message says where to put one.
    """
    if api_key is None or not api_key.get_secret_value():
        raise RuntimeParameterError(
            f"{owner} needs an API key: pass `api_key=...`, set the runtime parameter"
            f" 'api_key', or export {env_var}."
        )
    return api_key.get_secret_value()


def env_field(env_var: str, default: Optional[str], description: str) -> Any:
    """A string field that defaults to ``$env_var``, else ``default``; ``description`` is
    completed with where the default comes from."""
    return Field(
        default_factory=lambda: os.environ.get(env_var) or default,
        description=f"{description} Defaults to ${env_var}"
        + (f", else {default}." if default is not None else "."),
    )


def split_system(
    messages: Sequence[Mapping[str, Any]],
) -> tuple[Optional[str], list[dict[str, Any]]]:
    """Return ``(system_prompt, other_messages)`` for APIs that take the system prompt apart.

    Every ``system`` message's text is joined with blank lines (most conversations have one,
    first); the other messages keep their order. ``system_prompt`` is ``None`` without one.
    """
    system = [str(m.get("content") or "") for m in messages if m.get("role") == "system"]
    rest = [dict(m) for m in messages if m.get("role") != "system"]
    return ("\n\n".join(system) if system else None), rest


@dataclass(frozen=True)
class Generation:
    """One generated text and the token counts of the request that produced it.

    ``text`` is ``None`` when the API answered without text (a refusal, a filter).
    """

    text: Optional[str]
    input_tokens: int
    output_tokens: int


def join_generations(generations: Sequence[Generation], n: int) -> GenerateOutput:
    """The ``GenerateOutput`` of one input: the first ``n`` generations, with per-generation
    ``input_tokens`` and ``output_tokens`` statistics."""
    kept = list(generations)[:n]
    return {
        "generations": [g.text for g in kept],
        "statistics": {
            "input_tokens": [g.input_tokens for g in kept],
            "output_tokens": [g.output_tokens for g in kept],
        },
    }


async def generate_separately(
    request: Callable[[], Awaitable[Sequence[Generation]]], n: int
) -> GenerateOutput:
    """Send ``request`` ``n`` times concurrently (for APIs with no ``n`` parameter) and join
    the answers into one ``GenerateOutput``.

    Raises:
        Exception: the first error any of the requests raised.
    """
    answers = await asyncio.gather(*(request() for _ in range(max(n, 1))))
    return join_generations([g for answer in answers for g in answer], max(n, 1))


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def chat_completion_generations(response: Any) -> list[Generation]:
    """The generations of an OpenAI-shaped chat completion (an SDK object or a dict).

    Each choice's ``message.content`` is one text (list-of-parts content is joined;
    ``None`` stays ``None``). ``usage.prompt_tokens`` is every choice's input count;
    ``usage.completion_tokens``, which counts all choices together, is exact with one
    choice and otherwise shared out evenly.
    """
    choices = sorted(_field(response, "choices") or [], key=lambda c: _field(c, "index") or 0)
    usage = _field(response, "usage")
    input_tokens = int(_field(usage, "prompt_tokens") or 0) if usage is not None else 0
    completion = int(_field(usage, "completion_tokens") or 0) if usage is not None else 0
    count = len(choices)
    share, extra = divmod(completion, count) if count else (0, 0)
    generations = []
    for i, choice in enumerate(choices):
        content = _field(_field(choice, "message"), "content")
        if isinstance(content, list):
            content = "".join(str(_field(part, "text") or "") for part in content)
        generations.append(Generation(
            text=content if isinstance(content, str) else None,
            input_tokens=input_tokens,
            output_tokens=share + (1 if i < extra else 0),
        ))
    return generations


def sdk_retrier(
    llm: Any,
    url: Optional[str],
    api_key: Optional[SecretStr] = None,
    api_key_env_var: Optional[str] = None,
    adapters: Sequence[ExceptionAdapter] = (),
) -> RequestRetrier:
    """The ``RequestRetrier`` of a plugin that calls a vendor SDK (its retries off).

    ``llm.max_retries`` retries of transient failures (5xx, timeouts, dropped connections);
    429s are waited out as ``RetryPolicy`` says; the key is scrubbed from every message and
    ``api_key_env_var`` is named in the fix of a 401/403. Run each SDK call through it:
    ``await self._retrier.call(lambda: client.create(**request))``.
    """
    from distilabel.http import RequestRetrier, RetryPolicy

    retries = int(getattr(llm, "max_retries", 0) or 0)
    secret = api_key.get_secret_value() if api_key is not None else ""
    return RequestRetrier(
        llm, url, policy=RetryPolicy(max_attempts=retries + 1),
        secrets=(secret,) if secret else (), api_key_env_var=api_key_env_var,
        adapters=adapters, parameters={"max_attempts": f"max_retries={retries}"},
    )
