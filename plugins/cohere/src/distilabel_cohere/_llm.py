"""``CohereLLM``: Cohere's Chat API (v2) through the ``cohere`` SDK."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field, SecretStr

from distilabel.llms import (
    Generation,
    HostedLLM,
    api_key_field,
    env_field,
    generate_separately,
    require_api_key,
    sdk_retrier,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["CohereLLM"]

COHERE_BASE_URL = "https://api.cohere.com"


class CohereLLM(HostedLLM):
    """Command models through Cohere's Chat API (v2, ``cohere`` SDK).

    The API has no ``n``: ``num_generations > 1`` sends that many requests concurrently.
    Raw prompts are not supported (v2 chat takes conversations only). Token counts come from
    each answer's ``usage.tokens`` (else its billed units).

    Example:
        >>> llm = CohereLLM(model="command-r-plus")  # COHERE_API_KEY from the environment
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(description="The model to ask for, e.g. 'command-r-plus'.")
    base_url: Optional[RuntimeParameter[str]] = env_field(
        "COHERE_BASE_URL", COHERE_BASE_URL, "The API's base URL (chat goes to {base_url}/v2/chat)."
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("COHERE_API_KEY")
    client_name: RuntimeParameter[str] = Field(
        default="distilabel", description="The client name sent to Cohere with each request."
    )

    def load(self) -> None:
        """Create the ``cohere`` v2 async client.

        Raises:
            RuntimeParameterError: no API key was given nor found in ``$COHERE_API_KEY``.
        """
        key = require_api_key("CohereLLM", self.api_key, "COHERE_API_KEY")
        import cohere
        import httpx

        from distilabel.tls import ssl_context

        self._client = cohere.AsyncClientV2(
            api_key=key, base_url=self.base_url, client_name=self.client_name,
            timeout=self.timeout, max_retries=0,
            httpx_client=httpx.AsyncClient(verify=ssl_context(), timeout=self.timeout,
                                           follow_redirects=True),
        )
        self._retrier = sdk_retrier(self, f"{self.base_url}/v2/chat", self.api_key,
                                    "COHERE_API_KEY")

    def close_client(self, client: Any) -> None:
        """Close the HTTP client's connections (the SDK itself has no ``close``)."""
        wrapper = getattr(getattr(client, "_client_wrapper", None), "httpx_client", None)
        http = getattr(wrapper, "httpx_client", None)
        if http is not None and hasattr(http, "aclose"):
            self.run_coroutine(http.aclose())

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        k: Optional[int] = None,
        p: Optional[float] = None,
        seed: Optional[int] = None,
        stop_sequences: Optional[list[str]] = None,
        frequency_penalty: Optional[float] = None,
        presence_penalty: Optional[float] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` answers to one conversation.

        Args:
            input: the conversation.
            num_generations: how many answers; one request each, sent concurrently.
            max_tokens: the most tokens to generate per answer; ``None`` for the API's.
            temperature: sampling temperature; 0 for greedy decoding.
            k: sample only from the ``k`` most likely tokens (0 to 500).
            p: nucleus sampling probability mass (0.01 to 0.99).
            seed: a seed for best-effort deterministic sampling.
            stop_sequences: strings that end generation.
            frequency_penalty: penalty on tokens by how often they appeared.
            presence_penalty: penalty on tokens that appeared at all.

        Returns:
            The texts and, per answer, ``input_tokens`` and ``output_tokens``.
        """
        request: dict[str, Any] = {"model": self.model, "messages": self.conversation(input)}
        optional = {"max_tokens": max_tokens, "temperature": temperature, "k": k, "p": p,
                    "seed": seed, "stop_sequences": stop_sequences,
                    "frequency_penalty": frequency_penalty, "presence_penalty": presence_penalty}
        request.update({key: v for key, v in optional.items() if v is not None})

        async def one() -> list[Generation]:
            return [await self._chat(request)]

        return await generate_separately(one, num_generations)

    async def _chat(self, request: dict[str, Any]) -> Generation:
        """Send one chat request; the single place the SDK is called."""
        client = self._client
        response = await self.send(lambda: client.chat(**request))
        parts = (response.message.content or []) if response.message else []
        texts = [part.text for part in parts if getattr(part, "type", None) == "text"]
        usage = response.usage
        counts = (usage.tokens or usage.billed_units) if usage is not None else None
        return Generation(
            text="".join(texts) if texts else None,
            input_tokens=int(getattr(counts, "input_tokens", 0) or 0),
            output_tokens=int(getattr(counts, "output_tokens", 0) or 0),
        )
