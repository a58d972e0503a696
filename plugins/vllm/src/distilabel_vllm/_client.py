"""``ClientvLLM``: a vLLM server through its OpenAI-compatible API."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import ClassVar, Optional

from pydantic import Field, SecretStr

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel_openai import OpenAILLM

__all__ = ["ClientvLLM"]

VLLM_BASE_URL = "http://localhost:8000/v1"


def _vllm_key() -> Optional[SecretStr]:
    return SecretStr(os.environ.get("VLLM_API_KEY") or "EMPTY")


class ClientvLLM(OpenAILLM):
    """A model served by ``vllm serve`` (or any OpenAI-compatible server), by ``base_url``.

    Everything ``OpenAILLM`` does (``n`` for ``num_generations``, structured output by
    ``response_format``, logprobs, retries, rate limits) works the same. vLLM's own sampling
    options go in ``extra_body``, e.g. ``{"top_k": 20, "min_p": 0.05,
    "repetition_penalty": 1.1}``. Without ``model``, ``load()`` asks the server which model
    it serves (``GET /models``) and uses the first.

    Example:
        >>> llm = ClientvLLM(base_url="http://127.0.0.1:8000/v1")  # the server's model
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    api_key_env_var: ClassVar[str] = "VLLM_API_KEY"

    model: str = Field(
        default="", description="The served model; empty: the first one the server lists."
    )
    base_url: Optional[RuntimeParameter[str]] = Field(
        default_factory=lambda: os.environ.get("VLLM_BASE_URL") or VLLM_BASE_URL,
        description=f"The vLLM server's OpenAI base URL; defaults to $VLLM_BASE_URL, else"
        f" {VLLM_BASE_URL}.",
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default_factory=_vllm_key,
        description="The server's --api-key; defaults to $VLLM_API_KEY, else 'EMPTY' (a"
        " server without one accepts any). Never dumped or logged.",
    )

    def load(self) -> None:
        """Find the served model when none is named, then connect as ``OpenAILLM`` does.

        Raises:
            DistilabelUserError: the server cannot be reached or serves no model.
        """
        if not self.model:
            self.model = self._served_model()
        super().load()

    def _served_model(self) -> str:
        url = f"{(self.base_url or VLLM_BASE_URL).rstrip('/')}/models"
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"} if (
            self.api_key is not None) else {}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                        timeout=self.timeout) as answer:
                models = json.loads(answer.read()).get("data") or []
        except (OSError, ValueError) as exc:
            raise DistilabelUserError(
                f"ClientvLLM could not ask {url} which model it serves ({exc}); check"
                " base_url, or name the model with model=..."
            ) from None
        if not models:
            raise DistilabelUserError(f"ClientvLLM: {url} lists no model; name one with model=.")
        return str(models[0]["id"])
