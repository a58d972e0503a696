"""``OllamaLLM``: models served by Ollama, through the ``ollama`` client."""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

from pydantic import Field

from distilabel.llms import (
    Generation,
    HostedLLM,
    env_field,
    generate_separately,
    sdk_retrier,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["OllamaLLM"]

OLLAMA_HOST = "http://localhost:11434"


class OllamaLLM(HostedLLM):
    """Models served by an Ollama server (``ollama`` client, ``/api/chat``).

    Ollama has no ``n``: ``num_generations > 1`` sends that many requests concurrently (give
    a ``seed`` in ``options`` only if identical answers are wanted). Token counts are the
    server's ``prompt_eval_count`` and ``eval_count``. Generation settings go in ``options``
    as Ollama names them (``num_predict``, ``temperature``, ``top_k``, ``seed``, ...).

    Example:
        >>> llm = OllamaLLM(model="llama3.2")  # a local Ollama on the default port
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    model: str = Field(description="The model to ask for, as Ollama names it, e.g. 'llama3.2'.")
    host: Optional[RuntimeParameter[str]] = env_field(
        "OLLAMA_HOST", OLLAMA_HOST, "The Ollama server's URL."
    )
    follow_redirects: bool = Field(default=True, description="Follow HTTP redirects.")

    def load(self) -> None:
        """Create the ``ollama`` async client."""
        import ollama

        from distilabel.tls import ssl_context

        self._client = ollama.AsyncClient(
            host=self.host, timeout=self.timeout, follow_redirects=self.follow_redirects,
            verify=ssl_context(),
        )
        self._retrier = sdk_retrier(self, f"{self.host}/api/chat")

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        format: Union[Literal["", "json"], dict[str, Any]] = "",
        options: Optional[dict[str, Any]] = None,
        keep_alive: Optional[Union[float, str]] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` answers to one conversation.

        Args:
            input: the conversation.
            num_generations: how many answers; one request each, sent concurrently.
            format: ``"json"`` for any JSON answer, a JSON schema for answers that follow
                it, ``""`` for free text.
            options: Ollama's generation options, e.g. ``{"num_predict": 128,
                "temperature": 0.7, "seed": 1}``.
            keep_alive: how long the server keeps the model loaded after the request
                (seconds, or a duration such as ``"5m"``).

        Returns:
            The texts and, per answer, ``input_tokens`` and ``output_tokens``.
        """
        request: dict[str, Any] = {"model": self.model, "messages": self.conversation(input),
                                   "format": format, "options": options}
        if keep_alive is not None:
            request["keep_alive"] = keep_alive

        async def one() -> list[Generation]:
            return [await self._chat(request)]

        return await generate_separately(one, num_generations)

    async def _chat(self, request: dict[str, Any]) -> Generation:
        """Send one chat request; the single place the client is called."""
        client = self._client
        response = await self.send(lambda: client.chat(**request, stream=False))
        message = response.message
        return Generation(
            text=message.content if message is not None else None,
            input_tokens=int(response.prompt_eval_count or 0),
            output_tokens=int(response.eval_count or 0),
        )
