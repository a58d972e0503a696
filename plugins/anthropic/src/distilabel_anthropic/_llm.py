"""``AnthropicLLM``: Claude models through Anthropic's Messages API."""

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
from distilabel_anthropic._batch import AnthropicBatchAPI, message_params

__all__ = ["AnthropicLLM"]

ANTHROPIC_BASE_URL = "https://api.anthropic.com"


class AnthropicLLM(AnthropicBatchAPI, HostedLLM):
    """Claude models through Anthropic's Messages API, or any server that speaks it.

    The API has no ``n``: ``num_generations > 1`` sends that many requests concurrently.
    Raw prompts are not supported (the Messages API takes conversations only). Token counts
    come from each answer's ``usage``.

    ``use_offline_batch_generation=True`` sends a task's rows through Message Batches
    instead (``_batch``, ``docs/batch.md``): about half the price, answers within 24 h.

    Example:
        >>> llm = AnthropicLLM(model="claude-3-5-haiku-latest")  # ANTHROPIC_API_KEY is read
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(description="The model to ask for, e.g. 'claude-3-5-haiku-latest'.")
    base_url: Optional[RuntimeParameter[str]] = env_field(
        "ANTHROPIC_BASE_URL", ANTHROPIC_BASE_URL, "The Messages API's base URL."
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("ANTHROPIC_API_KEY")

    def load(self) -> None:
        """Create the ``anthropic`` async client.

        Raises:
            RuntimeParameterError: no API key was given nor found in ``$ANTHROPIC_API_KEY``.
        """
        key = require_api_key("AnthropicLLM", self.api_key, "ANTHROPIC_API_KEY")
        import anthropic

        from distilabel.tls import ssl_context

        self._client = anthropic.AsyncAnthropic(
            api_key=key, base_url=self.base_url, max_retries=0, timeout=self.timeout,
            http_client=anthropic.DefaultAsyncHttpxClient(verify=ssl_context()),
        )
        self._retrier = sdk_retrier(self, f"{self.base_url}/v1/messages", self.api_key,
                                    "ANTHROPIC_API_KEY")

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_tokens: int = 128,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        top_k: Optional[int] = None,
        stop_sequences: Optional[list[str]] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` answers to one conversation.

        Args:
            input: the conversation; ``system`` messages become the request's ``system``.
            num_generations: how many answers; one request each, sent concurrently.
            max_tokens: the most tokens to generate per answer.
            temperature: sampling temperature (0 to 1); ``None`` for the API's default
                (models that fix their sampling refuse it).
            top_p: nucleus sampling probability mass; ``None`` for the API's default.
            top_k: sample only from the ``top_k`` most likely tokens; ``None`` for all.
            stop_sequences: strings that end generation.

        Returns:
            The answers' texts and, per answer, ``input_tokens`` and ``output_tokens``.
        """
        request = message_params(self.model, self.conversation(input), max_tokens,
                                 stop_sequences=stop_sequences)
        # Recent SDKs dropped the sampling arguments (the newest models fix them); the API
        # and compatible servers still read them from the body for the models that take them.
        sampling = {"temperature": temperature, "top_p": top_p, "top_k": top_k}
        sampling = {k: v for k, v in sampling.items() if v is not None}
        if sampling:
            request["extra_body"] = sampling

        async def one() -> list[Generation]:
            return [await self._create(request)]

        return await generate_separately(one, num_generations)

    async def _create(self, request: dict[str, Any]) -> Generation:
        """Send one Messages request; the single place the SDK is called."""
        client = self._client
        message = await self.send(lambda: client.messages.create(**request))
        texts = [b.text for b in message.content if getattr(b, "type", None) == "text"]
        usage = message.usage
        return Generation(
            text="".join(texts) if texts else None,
            input_tokens=int(usage.input_tokens or 0),
            output_tokens=int(usage.output_tokens or 0),
        )
