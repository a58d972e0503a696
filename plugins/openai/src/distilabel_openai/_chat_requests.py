"""How ``OpenAILLM`` sends chat completion requests: ``n`` (and servers that ignore it),
the schema form of structured output, retries, and reading the answers.

``ChatRequests`` is a mixin of ``OpenAILLM``: it uses the transport, the retrier and the
per-server switches that ``load()`` sets up.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, Optional

from distilabel.errors import LLMRequestError
from distilabel.http import (
    HTTPStatusError,
    RequestRetrier,
    ResponseBodyError,
    failure_from_status,
)
from distilabel.llms import InvalidLLMOutputError
from distilabel.logging import get_logger
from distilabel_openai._response import Completion, MalformedResponseError, read_completion
from distilabel_openai._structured import as_json_object, rejects_json_schema
from distilabel_openai._transport import ChatTransport, RawAnswer

__all__ = ["ChatRequests"]

logger = get_logger("distilabel_openai._llm")


class ChatRequests:
    """Sending one input's chat (or text) completion requests, under the retry policy."""

    if TYPE_CHECKING:  # set by OpenAILLM (fields, and private attributes load() sets)
        model: str
        base_url: Optional[str]
        _transport: Optional[ChatTransport]
        _retrier: Optional[RequestRetrier]
        _n_ignored: bool
        _json_object_schemas: bool

    async def _complete_formatted(
        self, body: dict[str, Any], response_format: Optional[dict[str, Any]], n: int,
        logprobs: bool, text: bool = False,
    ) -> list[Completion]:
        """``_complete`` with structured output; switches to the ``json_object`` schema form
        for good when a server rejects ``json_schema``."""
        if response_format is None:
            return await self._complete(body, n, logprobs, text)
        use_object_form = self._json_object_schemas
        body["response_format"] = as_json_object(response_format) if use_object_form else (
            response_format
        )
        try:
            return await self._complete(body, n, logprobs, text)
        except _SchemaRejected as exc:
            if use_object_form:
                raise self._retrier_or_fail().error(exc.failure) from None
        if not self._json_object_schemas:
            self._json_object_schemas = True
            logger.info(
                "%s: the server at %s rejects `json_schema` response formats; sending schemas"
                " as {'type': 'json_object', 'schema': ...} from now on.",
                type(self).__name__, self.base_url,
            )
        body["response_format"] = as_json_object(response_format)
        try:
            return await self._complete(body, n, logprobs, text)
        except _SchemaRejected as exc:
            raise self._retrier_or_fail().error(exc.failure) from None

    async def _complete(
        self, body: dict[str, Any], n: int, logprobs: bool, text: bool = False
    ) -> list[Completion]:
        url = self._transport.endpoint.completions_url if text and self._transport else None
        single = json.dumps(body, separators=(",", ":")).encode()
        if n <= 1:
            return [self._read(await self._post(single, url), logprobs, text)]
        if self._n_ignored:
            return await self._separately(single, n, logprobs, url, text)
        batched = json.dumps({**body, "n": n}, separators=(",", ":")).encode()
        first = self._read(await self._post(batched, url), logprobs, text)
        missing = n - len(first.texts)
        if missing <= 0:
            return [first]
        self._n_ignored = True
        logger.info(
            "%s: %s returned %d of %d choices (it ignores `n`); sending the rest as separate"
            " requests from now on.", type(self).__name__, self.model, len(first.texts), n,
        )
        return [first, *await self._separately(single, missing, logprobs, url, text)]

    async def _separately(
        self, payload: bytes, count: int, logprobs: bool, url: Optional[str] = None,
        text: bool = False,
    ) -> list[Completion]:
        answers = await asyncio.gather(*(self._post(payload, url) for _ in range(count)))
        return [self._read(a, logprobs, text) for a in answers]

    def _read(self, data: Any, logprobs: bool, text: bool = False) -> Completion:
        try:
            return read_completion(data, logprobs, text)
        except MalformedResponseError as exc:
            where = self._transport.endpoint.display_url if self._transport else self.base_url
            error = InvalidLLMOutputError(
                f"{type(self).__name__}: the answer from {where} for model '{self.model}'"
                f" {exc}. The row is recorded as failed, with the raw response."
            )
            error.raw = data  # type: ignore[attr-defined]
            raise error from None

    # -- one request, with retries -------------------------------------------------------------

    def _retrier_or_fail(self) -> RequestRetrier:
        retrier = self._retrier
        if retrier is None:  # unloaded while requests were in flight
            raise LLMRequestError(
                f"{type(self).__name__} was unloaded while a request was waiting; load() it"
                " again.", llm=type(self).__name__, retryable=False,
            )
        return retrier

    async def _post(self, payload: bytes, url: Optional[str] = None) -> Any:
        """POST ``payload`` (to ``url``, by default chat completions) under the retry
        policy; return the decoded JSON answer."""
        retrier = self._retrier_or_fail()
        transport = self._transport
        assert transport is not None
        schema_sent = b'"response_format"' in payload

        async def attempt() -> Any:
            answer = await transport.post(payload, url)
            if not 200 <= answer.status < 300:
                if schema_sent and rejects_json_schema(answer.body):  # llama.cpp says 500
                    raise _SchemaRejected(answer)
                raise HTTPStatusError(answer.status, answer.headers, answer.body)
            try:
                return json.loads(answer.body)
            except ValueError as exc:
                raise ResponseBodyError(str(exc)) from None

        return await retrier.call(attempt)


class _SchemaRejected(Exception):
    """The server refused a ``json_schema`` response format: not a request failure for the
    retry policy (it lets this through), the format is switched instead."""

    def __init__(self, answer: RawAnswer) -> None:
        super().__init__(f"HTTP {answer.status}")
        self.failure = failure_from_status(answer.status, answer.headers, answer.body)
