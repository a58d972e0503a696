"""``EchoLLM`` (synchronous) and ``AsyncEchoLLM`` (asynchronous), backed by echo_engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional

from pydantic import Field, PrivateAttr, SecretStr

from distilabel.llms import LLM, AsyncLLM
from distilabel.llms.typing import GenerateOutput, HiddenState
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import ChatType, FormattedInput

if TYPE_CHECKING:  # the engine is imported for real only in load()
    from echo_engine import Engine

__all__ = ["AsyncEchoLLM", "EchoLLM"]


def _prompt(input: FormattedInput) -> str:
    """The text the engine answers: the last user message of the conversation."""
    chat: ChatType = input[0] if isinstance(input, tuple) else input
    users = [message["content"] for message in chat if message["role"] == "user"]
    return users[-1] if users else ""


class EchoLLM(LLM):
    """Answers with the words of the last user message: a deterministic stand-in model."""

    model: str = Field(default="echo-1", description="The echo model to load.")
    seed: RuntimeParameter[int] = Field(
        default=0, description="Seed of the hidden states (answers do not depend on it)."
    )

    _engine: Optional[Engine] = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        return self.model

    def load(self) -> None:
        """Load the engine; the backend SDK is imported here, not at module import."""
        import echo_engine

        self._engine = echo_engine.Engine(self.model, seed=self.seed or 0)

    def unload(self) -> None:
        """Close the engine."""
        if self._engine is not None:
            self._engine.close()
        self._engine = None

    @property
    def engine(self) -> Engine:
        """The loaded engine (the core guarantees ``load()`` ran before ``generate``)."""
        assert self._engine is not None
        return self._engine

    def generate(
        self,
        inputs: List[FormattedInput],
        num_generations: int = 1,
        max_new_tokens: int = 64,
        reverse: bool = False,
    ) -> List[GenerateOutput]:
        """Echo each input's last user message ``num_generations`` times.

        Args:
            inputs: the conversations to answer.
            num_generations: how many answers per conversation.
            max_new_tokens: the most words in an answer.
            reverse: answer with the words in reverse order.
        """
        outputs: List[GenerateOutput] = []
        for input in inputs:
            prompt = _prompt(input)
            text = self.engine.complete(prompt, max_new_tokens, reverse)
            outputs.append(
                {
                    "generations": [text] * num_generations,
                    "statistics": {
                        "input_tokens": [len(self.engine.tokenize(prompt))] * num_generations,
                        "output_tokens": [len(self.engine.tokenize(text))] * num_generations,
                    },
                }
            )
        return outputs

    def get_last_hidden_state(self, inputs: List[FormattedInput]) -> List[HiddenState]:
        """One ``(num_tokens, 8)`` array per input."""
        import numpy as np

        return [np.asarray(self.engine.hidden_states(_prompt(i))) for i in inputs]


class AsyncEchoLLM(AsyncLLM):
    """``EchoLLM`` behind an asynchronous, API-like client with an API key."""

    model: str = Field(default="echo-1", description="The echo model to call.")
    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="The API key (never dumped nor logged)."
    )

    _engine: Optional[Engine] = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        return self.model

    def load(self) -> None:
        """Create the client; the backend SDK is imported here, not at module import."""
        import echo_engine

        self._engine = echo_engine.Engine(self.model)

    def unload(self) -> None:
        """Close the client."""
        if self._engine is not None:
            self._engine.close()
        self._engine = None

    async def agenerate(
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_new_tokens: int = 64,
        reverse: bool = False,
        **kwargs: Any,
    ) -> GenerateOutput:
        """Echo the input's last user message ``num_generations`` times.

        Args:
            input: the conversation to answer.
            num_generations: how many answers.
            max_new_tokens: the most words in an answer.
            reverse: answer with the words in reverse order.
            **kwargs: accepted and ignored, like an API's extra body fields.
        """
        assert self._engine is not None
        prompt = _prompt(input)
        text = await self._engine.acomplete(prompt, max_new_tokens, reverse)
        return {
            "generations": [text] * num_generations,
            "statistics": {
                "input_tokens": [len(self._engine.tokenize(prompt))] * num_generations,
                "output_tokens": [len(self._engine.tokenize(text))] * num_generations,
            },
        }
