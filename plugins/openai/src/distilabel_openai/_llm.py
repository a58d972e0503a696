"""``OpenAILLM``: chat completions from OpenAI and any OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import os
import urllib.parse
from typing import Any, ClassVar, Optional, Union

from pydantic import (
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    PrivateAttr,
    SecretStr,
)

from distilabel.errors import LLMCapabilityError, RuntimeParameterError
from distilabel.http import Failure, FailureKind, RequestRetrier, RetryPolicy, check_base_url
from distilabel.llms import PRESET_CHAT_TEMPLATES, AsyncLLM, render_chat_template
from distilabel.llms.typing import GenerateOutput
from distilabel.logging import get_logger
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import ChatType, FormattedInput
from distilabel_openai._batch import OpenAIBatchAPI
from distilabel_openai._chat_requests import ChatRequests
from distilabel_openai._fields import OPENAI_BASE_URL, api_key_field, base_url_field
from distilabel_openai._request import chat_body
from distilabel_openai._response import merge_completions
from distilabel_openai._server_template import server_chat_template
from distilabel_openai._structured import ResponseFormat, from_structured, to_response_format
from distilabel_openai._transport import ChatEndpoint, ChatTransport

__all__ = ["OPENAI_BASE_URL", "OpenAILLM", "api_key_field", "base_url_field"]

logger = get_logger(__name__)


class OpenAILLM(ChatRequests, OpenAIBatchAPI, AsyncLLM):
    """Chat completions from OpenAI, or any OpenAI-compatible server by ``base_url``.

    Works with vLLM's and llama.cpp's servers, Groq, Together, Anyscale and the rest.
    Requests run concurrently (``max_concurrency``, ``requests_per_minute``) over one
    pooled connection per LLM; 429s, 5xx answers, timeouts and dropped connections are
    retried under the core's retry policy (``distilabel.http``), sustained rate limiting
    (429) lowers the concurrency by itself, and a wrong key or model stops at once
    (``FatalLLMError``).

    Raw prompt strings and Magpie pre-query templates go to ``/v1/completions`` as text:
    the conversation before a Magpie turn is rendered with ``chat_template`` (the model's
    template, or a preset name), read from the server when it publishes it (llama.cpp's
    ``/props``). Structured output (``{"format": "json", ...}``) is sent as
    ``response_format``; the API has no regex form.

    ``use_offline_batch_generation=True`` sends a task's rows through the Batch API
    instead (``_batch``, ``docs/batch.md``): about half the price, answers within 24 h.

    Example:
        >>> llm = OpenAILLM(model="gpt-4o-mini")  # OPENAI_API_KEY from the environment
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    api_key_env_var: ClassVar[str] = "OPENAI_API_KEY"
    """The environment variable the API key is read from (named in error messages)."""

    base_url_env_var: ClassVar[Optional[str]] = "OPENAI_BASE_URL"
    """The environment variable ``base_url`` defaults to (named in error messages)."""

    schema_as_json_object: ClassVar[bool] = False
    """Send schemas as ``{"type": "json_object", "schema": ...}`` (Anyscale, llama-cpp-python)
    rather than ``{"type": "json_schema", ...}``. Detected automatically when a server
    rejects the latter."""

    supports_raw_prompts: ClassVar[bool] = True
    structured_output_formats: ClassVar[Optional[frozenset[str]]] = frozenset({"json"})

    model: str = Field(description="The model to ask for, e.g. 'gpt-4o-mini'.")
    chat_template: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="The model's chat template (Jinja) or a preset name ("
        + ", ".join(PRESET_CHAT_TEMPLATES) + "), used to build Magpie prompts for"
        " /v1/completions; None reads it from the server when it publishes one"
        " (llama.cpp's /props).",
    )
    base_url: Optional[RuntimeParameter[str]] = base_url_field("OPENAI_BASE_URL", OPENAI_BASE_URL)
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("OPENAI_API_KEY")
    max_retries: RuntimeParameter[NonNegativeInt] = Field(
        default=6,
        description="Retries of a request that failed with a 5xx, 408 or 409 answer, a"
        " timeout, a dropped connection or an unreadable body. 429s do not count (see"
        " max_throttle_wait).",
    )
    timeout: RuntimeParameter[PositiveFloat] = Field(
        default=120.0, description="Seconds one request may take before it is retried."
    )
    max_throttle_wait: RuntimeParameter[NonNegativeFloat] = Field(
        default=300.0,
        description="Seconds one request may spend waiting between its attempts (on 429s and"
        " retries together) before it fails.",
    )
    max_retry_after: RuntimeParameter[PositiveFloat] = Field(
        default=60.0,
        description="The longest wait honoured when the server asks for one (Retry-After);"
        " longer asks are cut to this, and logged.",
    )
    max_response_bytes: RuntimeParameter[PositiveInt] = Field(
        default=8 << 20,
        description="The largest answer read, in bytes; a larger one fails its row"
        " (raise it for very long generations with many logprobs).",
    )

    _transport: Optional[ChatTransport] = PrivateAttr(default=None)
    _retrier: Optional[RequestRetrier] = PrivateAttr(default=None)
    _n_ignored: bool = PrivateAttr(default=False)
    _json_object_schemas: bool = PrivateAttr(default=False)
    _template: Optional[str] = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        """The model requests ask for."""
        return self.model

    # -- life cycle --------------------------------------------------------------------------

    def load(self) -> None:
        """Check the settings and build the endpoint (URL and headers, without importing the
        ``openai`` SDK); the connection pool opens on the first request, in the loop that
        makes it.

        Raises:
            RuntimeParameterError: no API key was given nor found in the environment, or
                ``base_url`` is not a valid ``http(s)://`` URL.
        """
        key = self._require_api_key()
        endpoint = self._build_endpoint(key)
        self._transport = ChatTransport(
            endpoint, timeout=self.timeout or 120.0,
            max_response_bytes=self.max_response_bytes or (8 << 20),
        )
        self._retrier = RequestRetrier(
            self, endpoint.url, policy=self._retry_policy(), secrets=endpoint.secrets,
            api_key_env_var=self.api_key_env_var, adapters=(self._read_timeout,),
            parameters={"max_attempts": f"max_retries={self.max_retries}",
                        "max_total_wait": "max_throttle_wait",
                        "max_server_wait": "max_retry_after"},
            logger=logger,
        )
        self._n_ignored = False
        self._json_object_schemas = self.schema_as_json_object
        self._template = self._find_chat_template(key)

    def _find_chat_template(self, api_key: str) -> Optional[str]:
        """The template Magpie prompts are rendered with, when they need one.

        Raises:
            LLMCapabilityError: Magpie asks for the model's own template and neither
                ``chat_template`` nor the server gives it.
        """
        if self.chat_template is not None:
            return self.chat_template
        if not self.use_magpie_template:
            return None
        preset = self.magpie_pre_query_template
        if preset in PRESET_CHAT_TEMPLATES:
            return preset
        found = server_chat_template(self.base_url or "", api_key)
        if found is None and preset is None:
            raise LLMCapabilityError(
                f"{type(self).__name__}: Magpie (use_magpie_template=True) needs the model's"
                f" chat template, and the server at {self.base_url} does not publish it. Set"
                " `chat_template` to the model's template (or a preset:"
                f" {', '.join(PRESET_CHAT_TEMPLATES)}), or `magpie_pre_query_template` to a"
                " preset."
            )
        return found

    def _render(self, messages: ChatType, add_generation_prompt: bool) -> str:
        assert self._template is not None
        return render_chat_template(self._template, messages, add_generation_prompt)

    def unload(self) -> None:
        """Close the connection pool."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        self._retrier = None

    def _require_api_key(self) -> str:
        if self.api_key is None or not self.api_key.get_secret_value():
            raise RuntimeParameterError(
                f"{type(self).__name__} needs an API key: pass `api_key=...`, set it as runtime"
                f" parameter 'api_key', or export {self.api_key_env_var}. Servers without"
                " authentication (a local vLLM or llama.cpp server) accept any value, e.g."
                " api_key='EMPTY'."
            )
        return self.api_key.get_secret_value()

    def _build_endpoint(self, api_key: str) -> ChatEndpoint:
        """``{base_url}/chat/completions`` with a bearer token (and the organization and
        project headers from ``OPENAI_ORG_ID`` / ``OPENAI_PROJECT_ID``, as the SDK sends)."""
        base = check_base_url(self.base_url, type(self).__name__, env_var=self.base_url_env_var)
        extra = {header: os.environ[var] for header, var in (
            ("OpenAI-Organization", "OPENAI_ORG_ID"), ("OpenAI-Project", "OPENAI_PROJECT_ID"))
            if os.environ.get(var)}
        return ChatEndpoint.build(base, {"Authorization": f"Bearer {api_key}"}, (api_key,),
                                  headers=extra)

    def _retry_policy(self) -> RetryPolicy:
        cap = self.max_retry_after or 60.0
        return RetryPolicy(
            max_attempts=(self.max_retries or 0) + 1,
            max_total_wait=self.max_throttle_wait or 0.0,
            max_server_wait=cap,
            min_wait=min(RetryPolicy.min_wait, cap),
        )

    def _read_timeout(self, exc: BaseException) -> Optional[Failure]:
        """Timeouts, named with this LLM's ``timeout``."""
        if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
            return Failure(
                FailureKind.TRANSIENT, f"no answer within timeout={self.timeout:g} s",
                hint="Raise timeout if the server is merely slow, or check that it is up.",
            )
        return None

    def _max_tokens_key(self) -> str:
        """OpenAI's own API wants ``max_completion_tokens``; compatible servers ``max_tokens``."""
        host = urllib.parse.urlsplit(self.base_url or "").hostname or ""
        return "max_completion_tokens" if host == "api.openai.com" else "max_tokens"

    # -- generation --------------------------------------------------------------------------

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_new_tokens: int = 128,
        temperature: float = 1.0,
        top_p: float = 1.0,
        frequency_penalty: float = 0.0,
        presence_penalty: float = 0.0,
        stop: Optional[Union[str, list[str]]] = None,
        response_format: Optional[ResponseFormat] = None,
        logprobs: bool = False,
        top_logprobs: Optional[int] = None,
        seed: Optional[int] = None,
        extra_body: Optional[dict[str, Any]] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` chat completions for one conversation.

        Args:
            input: the conversation (or a raw prompt string, sent to ``/completions``),
                optionally paired with a structured-output request.
            num_generations: how many completions; sent as ``n`` in one request (servers
                that ignore ``n`` get the missing ones as separate requests).
            max_new_tokens: the most tokens to generate per completion.
            temperature: sampling temperature; 0 for greedy decoding.
            top_p: nucleus sampling probability mass.
            frequency_penalty: penalty (-2 to 2) on tokens by how often they appeared.
            presence_penalty: penalty (-2 to 2) on tokens that appeared at all.
            stop: a string or list of strings that end generation.
            response_format: structured output: a JSON schema dict or a pydantic model
                class (the completions are then JSON text that validates against it), or a
                ready OpenAI ``response_format`` dict such as ``{"type": "json_object"}``.
            logprobs: return the log probability of each generated token.
            top_logprobs: with ``logprobs``, how many most likely candidates (0-20) to
                return per token.
            seed: a seed for best-effort deterministic sampling.
            extra_body: extra JSON fields for the request body, for server-specific options
                (e.g. ``{"top_k": 20}`` for vLLM).

        Returns:
            A ``GenerateOutput``: the texts, ``statistics`` (``input_tokens`` and
            ``output_tokens`` per completion, from ``usage``) and, when asked, ``logprobs``.

        Raises:
            FatalLLMError: every request would fail this way (401/403, unknown model...).
            LLMRequestError: the request failed for good; the message says why.
            InvalidLLMOutputError: the answer has no text (a refusal, a content filter, tool
                calls) or is not a chat completion; ``raw`` holds the response.
        """
        prepared = self.prepare_input(input)
        content: Union[list[Any], str] = (
            prepared.messages if prepared.is_chat  # type: ignore[assignment]
            else prepared.text(self._render if self._template is not None else None)
        )
        body = chat_body(
            self.model, content, {self._max_tokens_key(): max_new_tokens},
            temperature=temperature, top_p=top_p, frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty, stop=stop, logprobs=logprobs,
            top_logprobs=top_logprobs, seed=seed, extra_body=extra_body,
        )
        own = isinstance(input, tuple) and input[1] is not None
        spec = prepared.structured_output
        fmt: Optional[dict[str, Any]] = (
            from_structured(spec) if spec is not None and (own or response_format is None)
            else to_response_format(response_format)
        )
        completions = await self._complete_formatted(
            body, fmt, num_generations, logprobs, text=not prepared.is_chat
        )
        return merge_completions(completions, num_generations, logprobs)
