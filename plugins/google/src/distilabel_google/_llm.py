"""``GeminiLLM`` and ``VertexAILLM``: Gemini models through the ``google-genai`` SDK.

Both send ``generateContent`` requests; they differ only in where they go and how they
authenticate (an API key for the Gemini API; a Google Cloud project, location and
credentials for Vertex AI), so the request and the reading of answers live once, in
``_GenAILLM``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Optional

from pydantic import Field, SecretStr

from distilabel.llms import (
    Generation,
    HostedLLM,
    join_generations,
    require_api_key,
    sdk_retrier,
    split_system,
)
from distilabel.llms.typing import GenerateOutput
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.typing import FormattedInput

__all__ = ["GeminiLLM", "VertexAILLM"]


def _env_secret(*names: str) -> Optional[SecretStr]:
    for name in names:
        value = os.environ.get(name)
        if value:
            return SecretStr(value)
    return None


def _contents(
    messages: Sequence[Mapping[str, Any]],
) -> tuple[Optional[str], list[dict[str, Any]]]:
    """``(system_instruction, contents)``: Gemini calls the assistant ``model``."""
    system, turns = split_system(messages)
    contents = [
        {"role": "model" if m.get("role") == "assistant" else "user",
         "parts": [{"text": str(m.get("content") or "")}]}
        for m in turns
    ]
    return system, contents


def _generations(response: Any) -> list[Generation]:
    """Texts of every candidate; ``candidates_token_count`` counts them all together."""
    candidates = list(response.candidates or [])
    usage = response.usage_metadata
    input_tokens = int(getattr(usage, "prompt_token_count", 0) or 0)
    output_total = int(getattr(usage, "candidates_token_count", 0) or 0)
    share, extra = divmod(output_total, len(candidates)) if candidates else (0, 0)
    generations = []
    for i, candidate in enumerate(candidates):
        parts = candidate.content.parts if candidate.content is not None else None
        texts = [p.text for p in parts or [] if p.text is not None and not p.thought]
        generations.append(Generation(
            text="".join(texts) if texts else None, input_tokens=input_tokens,
            output_tokens=share + (1 if i < extra else 0),
        ))
    return generations


class _GenAILLM(HostedLLM):
    """What ``GeminiLLM`` and ``VertexAILLM`` share: the request, retries off, the answer."""

    model: str = Field(description="The model to ask for, e.g. 'gemini-2.0-flash'.")
    base_url: Optional[RuntimeParameter[str]] = Field(
        default=None, description="Another base URL for the API (a proxy or gateway); None for"
        " Google's."
    )

    default_url: ClassVar[str]
    """Where requests go without ``base_url`` (for messages)."""

    api_key_env_var: ClassVar[Optional[str]] = None
    """The variable named when the API refuses the key."""

    def _client_kwargs(self) -> tuple[dict[str, Any], Optional[SecretStr]]:
        """``genai.Client`` arguments other than ``http_options``, and the secret they hold."""
        raise NotImplementedError

    def load(self) -> None:
        """Create the ``google-genai`` client."""
        from google import genai
        from google.genai import types

        options = types.HttpOptions(
            base_url=self.base_url, timeout=int((self.timeout or 120.0) * 1000),
            retry_options=types.HttpRetryOptions(attempts=1),  # distilabel's retrier retries
        )
        kwargs, secret = self._client_kwargs()
        self._client = genai.Client(**kwargs, http_options=options)
        self._retrier = sdk_retrier(self, self.base_url or self.default_url, secret,
                                    self.api_key_env_var)

    def close_client(self, client: Any) -> None:
        """Close the client's connections, async and sync."""
        self.run_coroutine(client.aio.aclose())
        client.close()

    async def agenerate(  # type: ignore[override]
        self,
        input: FormattedInput,
        num_generations: int = 1,
        max_output_tokens: Optional[int] = 128,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        top_k: Optional[int] = None,
        stop_sequences: Optional[list[str]] = None,
        seed: Optional[int] = None,
        safety_settings: Optional[list[dict[str, Any]]] = None,
    ) -> GenerateOutput:
        """Generate ``num_generations`` answers to one conversation.

        Args:
            input: the conversation; ``system`` messages become the system instruction.
            num_generations: how many answers, sent as ``candidate_count`` in one request.
            max_output_tokens: the most tokens to generate per answer; ``None`` for the
                model's limit.
            temperature: sampling temperature; 0 for greedy decoding.
            top_p: nucleus sampling probability mass.
            top_k: sample only from the ``top_k`` most likely tokens.
            stop_sequences: strings that end generation.
            seed: a seed for best-effort deterministic sampling.
            safety_settings: Gemini safety settings, e.g. ``[{"category":
                "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}]``.

        Returns:
            The texts and, per answer, ``input_tokens`` and ``output_tokens``.
        """
        system, contents = _contents(self.conversation(input))
        config: dict[str, Any] = {
            "system_instruction": system, "max_output_tokens": max_output_tokens,
            "temperature": temperature, "top_p": top_p, "top_k": top_k,
            "stop_sequences": stop_sequences, "seed": seed, "safety_settings": safety_settings,
            "candidate_count": num_generations if num_generations > 1 else None,
        }
        config = {k: v for k, v in config.items() if v is not None}
        return join_generations(await self._generate_content(contents, config), num_generations)

    async def _generate_content(
        self, contents: list[dict[str, Any]], config: dict[str, Any]
    ) -> list[Generation]:
        """Send one ``generateContent`` request; the single place the SDK is called."""
        models = self._client.aio.models
        response = await self.send(lambda: models.generate_content(
            model=self.model, contents=contents, config=config
        ))
        return _generations(response)


class GeminiLLM(_GenAILLM):
    """Gemini models through the Gemini API (``google-genai``, API key).

    ``num_generations`` is sent as ``candidate_count`` in one request. Token counts come
    from ``usage_metadata``. Raw prompts are not supported (the API takes conversations).

    Example:
        >>> llm = GeminiLLM(model="gemini-2.0-flash")  # GEMINI_API_KEY from the environment
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default_factory=lambda: _env_secret("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        description="The Gemini API key; defaults to $GEMINI_API_KEY, else $GOOGLE_API_KEY."
        " Never dumped or logged.",
    )
    api_version: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The API version, e.g. 'v1beta'; None for the SDK's."
    )

    default_url: ClassVar[str] = "https://generativelanguage.googleapis.com"
    api_key_env_var: ClassVar[Optional[str]] = "GEMINI_API_KEY"

    def _client_kwargs(self) -> tuple[dict[str, Any], Optional[SecretStr]]:
        key = require_api_key("GeminiLLM", self.api_key, "GEMINI_API_KEY")
        return {"vertexai": False, "api_key": key}, self.api_key

    def load(self) -> None:
        """Create the ``google-genai`` client for the Gemini API.

        Raises:
            RuntimeParameterError: no API key was given nor found in the environment.
        """
        super().load()
        if self.api_version:
            self._client._api_client._http_options.api_version = self.api_version


class VertexAILLM(_GenAILLM):
    """Gemini models on Google Cloud's Vertex AI (``google-genai`` in Vertex mode).

    Authentication: Application Default Credentials (``gcloud auth application-default
    login``, a service account, the metadata server), or an OAuth ``access_token``, or an
    ``api_key`` (Vertex AI express mode). ``num_generations`` is sent as
    ``candidate_count``; token counts come from ``usage_metadata``.

    Example:
        >>> llm = VertexAILLM(model="gemini-2.0-flash", project="my-project")
        >>> llm.load()
        >>> llm.generate(inputs=[[{"role": "user", "content": "Hello!"}]])
    """

    project: Optional[RuntimeParameter[str]] = Field(
        default_factory=lambda: os.environ.get("GOOGLE_CLOUD_PROJECT"),
        description="The Google Cloud project; defaults to $GOOGLE_CLOUD_PROJECT, else the"
        " credentials' own.",
    )
    location: Optional[RuntimeParameter[str]] = Field(
        default_factory=lambda: os.environ.get("GOOGLE_CLOUD_LOCATION") or "us-central1",
        description="The region; defaults to $GOOGLE_CLOUD_LOCATION, else us-central1.",
    )
    access_token: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="An OAuth 2 access token (e.g. `gcloud auth"
        " print-access-token`) instead of Application Default Credentials. Never dumped.",
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = Field(
        default=None, description="A Vertex AI express-mode API key instead of credentials."
        " Never dumped or logged.",
    )

    default_url: ClassVar[str] = "https://aiplatform.googleapis.com"

    def _client_kwargs(self) -> tuple[dict[str, Any], Optional[SecretStr]]:
        if self.api_key is not None and self.api_key.get_secret_value():
            return {"vertexai": True, "api_key": self.api_key.get_secret_value()}, self.api_key
        kwargs: dict[str, Any] = {"vertexai": True, "project": self.project,
                                  "location": self.location}
        if self.access_token is not None and self.access_token.get_secret_value():
            from google.oauth2.credentials import Credentials

            kwargs["credentials"] = Credentials(token=self.access_token.get_secret_value())
        return kwargs, self.access_token
