"""``OpenAIEmbeddings``: the ``/v1/embeddings`` endpoint of OpenAI or a compatible server.

Requests are plain JSON POSTs (the standard library's HTTP client, TLS through
``distilabel.tls``, proxies from ``HTTP(S)_PROXY``), as the OpenAI API defines them:
``load()`` imports no SDK (``openai`` costs about 0.6 s to import). They run under the
core's failure contract (:mod:`distilabel.http`): bounded retries of 429/5xx/timeouts,
fatal errors for bad keys or unknown models, no key in any message.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any, ClassVar, Optional

from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt, PrivateAttr, SecretStr

from distilabel.embeddings import Embeddings
from distilabel.errors import RuntimeParameterError
from distilabel.http import (
    HTTPStatusError,
    ResponseBodyError,
    check_base_url,
)
from distilabel.logging import get_logger
from distilabel.runtime_parameters import RuntimeParameter
from distilabel_openai._fields import OPENAI_BASE_URL, api_key_field, base_url_field

__all__ = ["OpenAIEmbeddings"]

_logger = get_logger("openai")

_MAX_RESPONSE_BYTES = 256 << 20
"""The most bytes of one answer read (256 texts of 3,072 floats are about 20 MB)."""


class OpenAIEmbeddings(Embeddings):
    """Embeddings from OpenAI, or any server speaking its embeddings API (vLLM, llama.cpp's
    server started with embeddings on, TEI...) by ``base_url``.

    Texts are sent ``batch_size`` at a time; vectors come back in input order.

    Example:
        >>> embeddings = OpenAIEmbeddings(model="text-embedding-3-small")
        >>> embeddings.load()
        >>> vectors = embeddings.encode(["Hello", "World"])
    """

    api_key_env_var: ClassVar[str] = "OPENAI_API_KEY"

    model: str = Field(description="The embedding model, e.g. 'text-embedding-3-small'.")
    base_url: Optional[RuntimeParameter[str]] = base_url_field("OPENAI_BASE_URL", OPENAI_BASE_URL)
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("OPENAI_API_KEY")
    dimensions: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None,
        description="Ask for vectors of this length (models that support shortening).",
    )
    batch_size: RuntimeParameter[PositiveInt] = Field(
        default=256, description="Texts per request."
    )
    max_retries: RuntimeParameter[NonNegativeInt] = Field(
        default=6, description="Retries of a request that failed transiently (429, 5xx)."
    )
    timeout: RuntimeParameter[PositiveFloat] = Field(
        default=120.0, description="Seconds one request may take before it is retried."
    )

    _opener: Any = PrivateAttr(default=None)
    _url: str = PrivateAttr(default="")
    _headers: dict[str, str] = PrivateAttr(default_factory=dict)
    _retrier: Any = PrivateAttr(default=None)
    _pooled_logged: bool = PrivateAttr(default=False)

    @property
    def model_name(self) -> str:
        """The model requests ask for."""
        return self.model

    def load(self) -> None:
        """Check the settings and build the endpoint (URL, headers, an HTTP opener with
        ``distilabel.tls``'s context) and the retrier; no SDK is imported.

        Raises:
            RuntimeParameterError: no API key was given nor found in the environment, or
                ``base_url`` is not a valid ``http(s)://`` URL.
        """
        from distilabel.http import RequestRetrier, RetryPolicy
        from distilabel.tls import ssl_context

        if self.api_key is None or not self.api_key.get_secret_value():
            raise RuntimeParameterError(
                f"{type(self).__name__} needs an API key: pass `api_key=...`, set it as"
                f" runtime parameter 'api_key', or export {self.api_key_env_var}. Servers"
                " without authentication accept any value, e.g. api_key='EMPTY'."
            )
        key = self.api_key.get_secret_value()
        base = check_base_url(self.base_url, type(self).__name__, env_var="OPENAI_BASE_URL")
        self._url = f"{base.rstrip('/')}/embeddings"
        extra = {header: os.environ[var] for header, var in (
            ("OpenAI-Organization", "OPENAI_ORG_ID"), ("OpenAI-Project", "OPENAI_PROJECT_ID"))
            if os.environ.get(var)}
        self._headers = {"Content-Type": "application/json", "Accept": "application/json",
                         "User-Agent": "distilabel-openai", **extra,
                         "Authorization": f"Bearer {key}"}
        self._opener = urllib.request.build_opener(  # ProxyHandler reads HTTP(S)_PROXY
            urllib.request.HTTPSHandler(context=ssl_context())
        )
        self._retrier = RequestRetrier(
            self, self._url,
            policy=RetryPolicy(max_attempts=(self.max_retries or 0) + 1),
            secrets=(key,), api_key_env_var=self.api_key_env_var,
            parameters={"max_attempts": "max_retries"},
        )

    def unload(self) -> None:
        """Forget the endpoint (the standard library's client keeps no connections)."""
        self._opener = None
        self._headers = {}

    def encode(self, inputs: list[str]) -> list[list[float]]:
        """One vector per text, in order, ``batch_size`` texts per request.

        Raises:
            LLMRequestError: a request failed for good; ``FatalLLMError`` when every request
                would (bad key, unknown model).
        """
        vectors: list[list[float]] = []
        size = self.batch_size or 256
        for start in range(0, len(inputs), size):
            vectors.extend(self._request(inputs[start:start + size]))
        return vectors

    def _request(self, texts: list[str]) -> list[list[float]]:
        body: dict[str, Any] = {"model": self.model, "input": texts, "encoding_format": "float"}
        if self.dimensions is not None:
            body["dimensions"] = self.dimensions
        payload = json.dumps(body, separators=(",", ":")).encode()
        response = self._retrier.call_sync(lambda: self._post(payload))
        items = response.get("data") if isinstance(response, Mapping) else None
        if not isinstance(items, list) or not all(
            isinstance(item, Mapping) and "embedding" in item for item in items
        ):
            raise ValueError(
                f"OpenAIEmbeddings: the answer from {self._retrier.url} is not an embeddings"
                " list (no `data` of `embedding` items)."
            )
        data = sorted(items, key=lambda item: int(item.get("index") or 0))
        if len(data) != len(texts):
            raise ValueError(
                f"OpenAIEmbeddings: {self.base_url} returned {len(data)} embeddings for"
                f" {len(texts)} texts."
            )
        if len(texts) > 1 and any(_per_token(item["embedding"]) for item in data):
            # A server that does not pool answers one vector per token, and
            # llama-cpp-python's server (0.3.x) then reads every text after the first from
            # the wrong offset; one text per request is exact.
            return [vector for text in texts for vector in self._request([text])]
        return [_one_vector(item["embedding"], self) for item in data]

    def _post(self, payload: bytes) -> Any:
        """One POST; HTTP and connection failures raised as the retrier reads them."""
        request = urllib.request.Request(self._url, data=payload, headers=self._headers,
                                         method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                data = answer.read(_MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            with exc:
                headers = {k.lower(): v for k, v in exc.headers.items()}
                raise HTTPStatusError(exc.code, headers, exc.read(1 << 16)) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise TimeoutError(f"no answer within timeout={self.timeout:g} s") from None
            raise ConnectionError(f"cannot reach {self._retrier.url}: {reason}") from None
        except http.client.HTTPException as exc:  # a truncated or garbled answer
            raise ResponseBodyError(f"{type(exc).__name__}: {exc}") from None
        if len(data) > _MAX_RESPONSE_BYTES:
            raise ValueError(
                f"OpenAIEmbeddings: the answer from {self._retrier.url} is larger than"
                f" {_MAX_RESPONSE_BYTES:,} bytes; lower batch_size."
            )
        try:
            return json.loads(data)
        except ValueError as exc:
            raise ResponseBodyError(str(exc)) from None


def _per_token(embedding: Any) -> bool:
    return bool(embedding) and isinstance(embedding[0], list)


def _one_vector(embedding: Any, owner: OpenAIEmbeddings) -> list[float]:
    """The vector of one answer item. A server serving a model that declares no pooling
    (llama-cpp-python's server on a chat GGUF) answers one vector per token: those are
    mean-pooled here, and that is logged once per model."""
    if _per_token(embedding):
        if not owner.__pydantic_private__.get("_pooled_logged"):  # type: ignore[union-attr]
            _logger.info(
                "%s: %s answered one vector per token for model '%s'; mean-pooling them"
                " and sending one text per request (start the server with a pooling type"
                " to get one vector per text).",
                type(owner).__name__, owner.base_url, owner.model,
            )
            owner.__pydantic_private__["_pooled_logged"] = True  # type: ignore[index]
        count = len(embedding)
        return [float(sum(column)) / count for column in zip(*embedding, strict=True)]
    return [float(x) for x in embedding]
