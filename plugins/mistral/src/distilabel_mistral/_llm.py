"""``MistralLLM``: chat completions from Mistral AI through the ``mistralai`` SDK."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, SecretStr

from distilabel.llms import (
    Generation,
    HostedLLM,
    api_key_field,
    chat_completion_generations,
    env_field,
    join_generations,
    require_api_key,
    sdk_retrier,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["MistralLLM"]

MISTRAL_BASE_URL = "https://api.mistral.ai"


class MistralLLM(HostedLLM):
    """Chat completions from Mistral AI's API (``mistralai`` SDK), or a server that speaks it.

    ``num_generations`` is sent as ``n`` in one request. Raw prompts are not supported by
    the chat API. Token counts come from each answer's ``usage``.

    Example:
        >>> llm = MistralLLM(model="mistral-small-latest")  # MISTRAL_API_KEY is read
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(description="The model to ask for, e.g. 'mistral-small-latest'.")
    endpoint: Optional[RuntimeParameter[str]] = env_field(
        "MISTRAL_BASE_URL", MISTRAL_BASE_URL,
        "The API's base URL (requests go to {endpoint}/v1/chat/completions).",
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("MISTRAL_API_KEY")

    def load(self) -> None:
        """Create the ``mistralai`` client.

        Raises:
            RuntimeParameterError: no API key was given nor found in ``$MISTRAL_API_KEY``.
        """
        key = require_api_key("MistralLLM", self.api_key, "MISTRAL_API_KEY")
        import httpx
        from mistralai.client import Mistral
        from mistralai.client.utils import BackoffStrategy, RetryConfig

        from distilabel.tls import ssl_context

        no_retries = RetryConfig("none", BackoffStrategy(0, 0, 1.0, 0), False)
        self._client = Mistral(
            api_key=key, server_url=self.endpoint, retry_config=no_retries,
            timeout_ms=int((self.timeout or 120.0) * 1000),
            async_client=httpx.AsyncClient(  # type: ignore[arg-type]  # a Protocol httpx meets
                verify=ssl_context(), follow_redirects=True),
        )
        self._retrier = sdk_retrier(self, f"{self.endpoint}/v1/chat/completions", self.api_key,
                                    "MISTRAL_API_KEY")

    def close_client(self, client: Any) -> None:
        """Close the client's async connection pool."""
        async_client = getattr(client.sdk_configuration, "async_client", None)
        if async_client is not None and hasattr(async_client, "aclose"):
            self.run_coroutine(async_client.aclose())

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_new_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        random_seed: Optional[int] = None,
        stop: Optional[list[str]] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` chat completions for one conversation.

        Args:
            input: the conversation.
            num_generations: how many completions, sent as ``n`` in one request.
            max_new_tokens: the most tokens to generate per completion; ``None`` for the
                API's default.
            temperature: sampling temperature; 0 for greedy decoding, ``None`` for the
                model's default.
            top_p: nucleus sampling probability mass; ``None`` for the API's default.
            random_seed: a seed for deterministic sampling.
            stop: strings that end generation.

        Returns:
            The texts and, per completion, ``input_tokens`` and ``output_tokens``.
        """
        request: dict[str, Any] = {"model": self.model, "messages": self.conversation(input)}
        optional = {"max_tokens": max_new_tokens, "temperature": temperature, "top_p": top_p,
                    "random_seed": random_seed, "stop": stop,
                    "n": num_generations if num_generations > 1 else None}
        request.update({k: v for k, v in optional.items() if v is not None})
        return join_generations(await self._complete(request), num_generations)

    async def _complete(self, request: dict[str, Any]) -> list[Generation]:
        """Send one chat completion request; the single place the SDK is called."""
        client = self._client
        response = await self.send(lambda: client.chat.complete_async(**request))
        return chat_completion_generations(response)
