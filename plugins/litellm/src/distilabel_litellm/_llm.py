"""``LiteLLM``: any provider LiteLLM supports, through ``litellm.acompletion``."""

from __future__ import annotations

import os
from typing import Any, Optional, Union

from pydantic import Field, SecretStr

from distilabel.llms import (
    Generation,
    HostedLLM,
    chat_completion_generations,
    join_generations,
    sdk_retrier,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["LiteLLM"]

_BUNDLES_SET: set[object] = set()
"""The values ``load()`` gave ``litellm.ssl_verify`` (a user's own setting is kept)."""


class LiteLLM(HostedLLM):
    """Chat completions from any of the providers LiteLLM supports (OpenAI, Anthropic,
    Bedrock, Vertex, Ollama, vLLM, ...), chosen by the model's prefix (``openai/...``,
    ``anthropic/...``); each provider's key comes from its usual environment variable
    unless ``api_key`` is given.

    ``num_generations`` is sent as ``n`` (LiteLLM maps it per provider). Token counts
    come from each answer's ``usage``. LiteLLM's remote model-cost map is never fetched:
    ``load()`` sets ``LITELLM_LOCAL_MODEL_COST_MAP`` before importing it.

    Example:
        >>> llm = LiteLLM(model="gpt-4o-mini")  # OPENAI_API_KEY from the environment
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(
        description="The model, with LiteLLM's provider prefix where needed, e.g."
        " 'gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest', 'openai/<name>' with api_base."
    )
    api_base: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The provider's base URL, e.g. an OpenAI-compatible server's"
        " http://host:port/v1; None for the provider's default."
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="The API key; None to let LiteLLM read the provider's"
        " environment variable. Never dumped or logged."
    )
    api_version: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The API version, for providers that take one (Azure)."
    )
    verbose: RuntimeParameter[bool] = Field(
        default=False, description="Turn on LiteLLM's own debug logging."
    )

    def load(self) -> None:
        """Import ``litellm`` (with the bundled model-cost map: nothing is downloaded).

        HTTPS trusts ``distilabel.tls.ca_bundle()`` (``$SSL_CERT_FILE`` or certifi's
        bundle) unless ``litellm.ssl_verify`` was set to something else.
        """
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm

        from distilabel.tls import ca_bundle

        if litellm.ssl_verify is True or litellm.ssl_verify in _BUNDLES_SET:
            litellm.ssl_verify = ca_bundle()
            _BUNDLES_SET.add(litellm.ssl_verify)
        litellm.telemetry = False
        litellm.suppress_debug_info = not self.verbose
        litellm.set_verbose = bool(self.verbose)
        self._client = litellm.acompletion  # LiteLLM keeps no per-LLM connection
        self._retrier = sdk_retrier(self, self.api_base or self.model, self.api_key)

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_tokens: Optional[int] = 128,
        temperature: float = 1.0,
        top_p: float = 1.0,
        stop: Optional[Union[str, list[str]]] = None,
        presence_penalty: Optional[float] = None,
        frequency_penalty: Optional[float] = None,
        seed: Optional[int] = None,
        extra_kwargs: Optional[dict[str, Any]] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` chat completions for one conversation.

        Args:
            input: the conversation.
            num_generations: how many completions, sent as ``n``.
            max_tokens: the most tokens to generate per completion; ``None`` for the
                provider's default.
            temperature: sampling temperature; 0 for greedy decoding.
            top_p: nucleus sampling probability mass.
            stop: a string or list of strings that end generation.
            presence_penalty: penalty on tokens that appeared at all.
            frequency_penalty: penalty on tokens by how often they appeared.
            seed: a seed for best-effort deterministic sampling.
            extra_kwargs: more keyword arguments for ``litellm.acompletion`` (provider
                options such as ``{"top_k": 20}``).

        Returns:
            The texts and, per completion, ``input_tokens`` and ``output_tokens``.
        """
        request: dict[str, Any] = {
            "model": self.model, "messages": self.conversation(input), "temperature": temperature,
            "top_p": top_p, "timeout": self.timeout, "num_retries": 0, "max_retries": 0,
        }
        optional = {
            "max_tokens": max_tokens, "stop": stop, "presence_penalty": presence_penalty,
            "frequency_penalty": frequency_penalty, "seed": seed,
            "n": num_generations if num_generations > 1 else None,
            "api_base": self.api_base, "api_version": self.api_version,
            "api_key": self.api_key.get_secret_value() if self.api_key else None,
        }
        request.update({k: v for k, v in optional.items() if v is not None})
        request.update(extra_kwargs or {})
        return join_generations(await self._complete(request), num_generations)

    async def _complete(self, request: dict[str, Any]) -> list[Generation]:
        """Send one completion request; the single place LiteLLM is called."""
        acompletion = self._client
        response = await self.send(lambda: acompletion(**request))
        return chat_completion_generations(response)
