"""``HostedLLM``: what every LLM that calls a hosted API through its vendor's SDK shares.

The retry and timeout fields (one definition, one meaning on every backend), the client
and the retrier ``load()`` builds, the conversation of an input (raw prompt strings are
refused with an error naming the LLM and a backend that takes them, before any request),
each SDK call run under the core's retry policy, and closing the client in ``unload()``.
A plugin writes only its fields, ``load()`` and what its API does differently::

    class AcmeLLM(HostedLLM):
        model: str
        api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("ACME_API_KEY")

        def load(self) -> None:
            key = require_api_key("AcmeLLM", self.api_key, "ACME_API_KEY")
            self._client = acme.AsyncClient(api_key=key, max_retries=0, timeout=self.timeout)
            self._retrier = sdk_retrier(self, ACME_URL, self.api_key, "ACME_API_KEY")

        async def agenerate(self, input, num_generations=1, max_tokens: int = 128):
            messages = self.conversation(input)
            answer = await self.send(lambda: self._client.chat(messages, max_tokens))
            ...
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable
from typing import Any, Callable, Optional, TypeVar

from pydantic import Field, NonNegativeInt, PositiveFloat, PrivateAttr

from distilabel.errors import LLMRequestError
from distilabel.llms._base import AsyncLLM
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import ChatType, FormattedInput

__all__ = ["HostedLLM", "max_retries_field"]

_T = TypeVar("_T")


def max_retries_field(default: int = 6) -> Any:
    """The ``max_retries`` field of an LLM that retries through ``distilabel.http``
    (``sdk_retrier`` reads it): retries of transient failures, not of 429s."""
    return Field(
        default=default,
        description="Retries of a request that failed transiently (a 5xx answer, a timeout,"
        " a dropped connection); 429s are waited out as the server asks, within bounds.",
    )


class HostedLLM(AsyncLLM):
    """Base class of LLMs for a hosted API called through its vendor's SDK.

    Subclasses set ``_client`` (the SDK's client, its own retries off) and ``_retrier``
    (``sdk_retrier``) in ``load()``, read inputs with ``conversation`` and make every SDK
    call through ``send``; ``unload()`` closes the client (``close_client``). A subclass
    with a ``model`` field gets ``model_name`` from it.
    """

    max_retries: RuntimeParameter[NonNegativeInt] = max_retries_field()
    timeout: RuntimeParameter[PositiveFloat] = Field(
        default=120.0, description="Seconds one request may take."
    )

    _client: Any = PrivateAttr(default=None)
    _retrier: Any = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        """The model requests ask for (the ``model`` field)."""
        return str(getattr(self, "model", "") or "")

    def conversation(self, input: FormattedInput) -> ChatType:
        """The conversation ``input`` holds (a structured-output pair is unwrapped).

        Raises:
            LLMCapabilityError: ``input`` is a raw prompt string and this backend takes
                conversations only (or Magpie asks for a raw completion); the message names
                the LLM and the backends that complete raw text. Nothing is sent.
        """
        prepared = self.prepare_input(input)
        assert prepared.messages is not None
        return prepared.messages

    async def send(self, call: Callable[[], Awaitable[_T]]) -> _T:
        """Await ``call()`` (one SDK request) under the retry policy of ``_retrier``.

        Raises:
            FatalLLMError: every request would fail this way (a bad key, an unknown model).
            LLMRequestError: the request failed for good, or the LLM was unloaded.
        """
        retrier = self._retrier
        if retrier is None:
            raise LLMRequestError(
                f"{type(self).__name__} was unloaded while a request was waiting; load() it"
                " again.", llm=type(self).__name__, retryable=False,
            )
        result: _T = await retrier.call(call)
        return result

    def unload(self) -> None:
        """Close the client's connections (``close_client``) and forget it."""
        client, self._client = self._client, None
        if client is not None:
            self.close_client(client)

    def close_client(self, client: Any) -> None:
        """Close ``client``: its ``close()``, awaited when that is a coroutine; nothing for
        a client without one. SDKs that close differently override this."""
        close: Optional[Callable[[], Any]] = getattr(client, "close", None)
        if callable(close):
            result = close()
            if inspect.iscoroutine(result):
                self.run_coroutine(result)
