"""``GroqLLM``: chat completions from Groq through the ``groq`` SDK."""

from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import Field, NonNegativeInt, SecretStr

from distilabel.llms import (
    Generation,
    HostedLLM,
    api_key_field,
    chat_completion_generations,
    env_field,
    generate_separately,
    max_retries_field,
    require_api_key,
    sdk_retrier,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["GroqLLM"]

GROQ_BASE_URL = "https://api.groq.com"


class GroqLLM(HostedLLM):
    """Chat completions from Groq's API (``groq`` SDK), or a server that speaks it.

    Groq accepts only ``n=1``: ``num_generations > 1`` sends that many requests
    concurrently. Raw prompts are not supported (Groq serves chat completions only). Token
    counts come from each answer's ``usage``.

    Example:
        >>> llm = GroqLLM(model="llama-3.1-8b-instant")  # GROQ_API_KEY from the environment
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(description="The model to ask for, e.g. 'llama-3.1-8b-instant'.")
    base_url: Optional[RuntimeParameter[str]] = env_field(
        "GROQ_BASE_URL", GROQ_BASE_URL,
        "Groq's base URL (requests go to {base_url}/openai/v1/chat/completions).",
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("GROQ_API_KEY")
    max_retries: RuntimeParameter[NonNegativeInt] = max_retries_field(default=2)

    def load(self) -> None:
        """Create the ``groq`` async client.

        Raises:
            RuntimeParameterError: no API key was given nor found in ``$GROQ_API_KEY``.
        """
        key = require_api_key("GroqLLM", self.api_key, "GROQ_API_KEY")
        import groq

        from distilabel.tls import ssl_context

        self._client = groq.AsyncGroq(
            api_key=key, base_url=self.base_url, max_retries=0, timeout=self.timeout,
            http_client=groq.DefaultAsyncHttpxClient(verify=ssl_context()),
        )
        self._retrier = sdk_retrier(self, f"{self.base_url}/openai/v1/chat/completions",
                                    self.api_key, "GROQ_API_KEY")

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_new_tokens: int = 128,
        temperature: float = 1.0,
        top_p: float = 1.0,
        stop: Optional[Union[str, list[str]]] = None,
        seed: Optional[int] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` chat completions for one conversation.

        Args:
            input: the conversation.
            num_generations: how many completions; one request each, sent concurrently.
            max_new_tokens: the most tokens to generate per completion.
            temperature: sampling temperature (0 to 2); 0 for greedy decoding.
            top_p: nucleus sampling probability mass.
            stop: a string or up to 4 strings that end generation.
            seed: a seed for best-effort deterministic sampling.

        Returns:
            The texts and, per completion, ``input_tokens`` and ``output_tokens``.
        """
        request: dict[str, Any] = {
            "model": self.model, "messages": self.conversation(input), "max_tokens": max_new_tokens,
            "temperature": temperature, "top_p": top_p,
        }
        if stop is not None:
            request["stop"] = stop
        if seed is not None:
            request["seed"] = seed

        async def one() -> list[Generation]:
            return await self._create(request)

        return await generate_separately(one, num_generations)

    async def _create(self, request: dict[str, Any]) -> list[Generation]:
        """Send one chat completion request; the single place the SDK is called."""
        client = self._client
        response = await self.send(lambda: client.chat.completions.create(**request))
        return chat_completion_generations(response)
