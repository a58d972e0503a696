"""``OpenAIEmbeddings``: the ``/v1/embeddings`` endpoint of OpenAI or a compatible server.

Requests go through the official ``openai`` SDK (its own retries off) under the core's
failure contract (:mod:`distilabel.http`): bounded retries of 429/5xx/timeouts, fatal
errors for bad keys or unknown models, no key in any message.
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional

from pydantic import Field, NonNegativeInt, PositiveFloat, PositiveInt, PrivateAttr, SecretStr

from distilabel.embeddings import Embeddings
from distilabel.errors import RuntimeParameterError
from distilabel.logging import get_logger
from distilabel.runtime_parameters import RuntimeParameter
from distilabel_openai._llm import OPENAI_BASE_URL, api_key_field, base_url_field

__all__ = ["OpenAIEmbeddings"]

_logger = get_logger("openai")


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

    _client: Any = PrivateAttr(default=None)
    _retrier: Any = PrivateAttr(default=None)
    _pooled_logged: bool = PrivateAttr(default=False)

    @property
    def model_name(self) -> str:
        """The model requests ask for."""
        return self.model

    def load(self) -> None:
        """Create the SDK client (TLS through ``distilabel.tls``) and the retrier.

        Raises:
            RuntimeParameterError: no API key was given nor found in the environment.
        """
        import openai

        from distilabel.http import RequestRetrier, RetryPolicy
        from distilabel.tls import ssl_context

        if self.api_key is None or not self.api_key.get_secret_value():
            raise RuntimeParameterError(
                f"{type(self).__name__} needs an API key: pass `api_key=...`, set it as"
                f" runtime parameter 'api_key', or export {self.api_key_env_var}. Servers"
                " without authentication accept any value, e.g. api_key='EMPTY'."
            )
        key = self.api_key.get_secret_value()
        self._close()
        self._client = openai.OpenAI(
            api_key=key, base_url=self.base_url, max_retries=0, timeout=self.timeout,
            http_client=openai.DefaultHttpx2Client(verify=ssl_context(), timeout=self.timeout),
        )
        self._retrier = RequestRetrier(
            self, f"{self.base_url}/embeddings",
            policy=RetryPolicy(max_attempts=(self.max_retries or 0) + 1),
            secrets=(key,), api_key_env_var=self.api_key_env_var,
            parameters={"max_attempts": "max_retries"},
        )

    def unload(self) -> None:
        """Close the HTTP client."""
        self._close()

    def _close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

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
        extra: dict[str, Any] = {}
        if self.dimensions is not None:
            extra["dimensions"] = self.dimensions

        def attempt() -> Any:
            return self._client.embeddings.create(
                model=self.model, input=texts, encoding_format="float", **extra
            )

        response = self._retrier.call_sync(attempt)
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(texts):
            raise ValueError(
                f"OpenAIEmbeddings: {self.base_url} returned {len(data)} embeddings for"
                f" {len(texts)} texts."
            )
        if len(texts) > 1 and any(_per_token(item.embedding) for item in data):
            # A server that does not pool answers one vector per token, and
            # llama-cpp-python's server (0.3.x) then reads every text after the first from
            # the wrong offset; one text per request is exact.
            return [vector for text in texts for vector in self._request([text])]
        return [_one_vector(item.embedding, self) for item in data]


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
