"""``AzureOpenAILLM``: chat completions from an Azure OpenAI deployment."""

from __future__ import annotations

import os
from typing import ClassVar, Optional

from pydantic import Field, SecretStr

from distilabel.errors import RuntimeParameterError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel_openai._llm import OpenAILLM, api_key_field
from distilabel_openai._transport import ChatEndpoint, endpoint_from_client

__all__ = ["AzureOpenAILLM"]

DEFAULT_API_VERSION = "2024-10-21"


class AzureOpenAILLM(OpenAILLM):
    """Chat completions from an Azure OpenAI deployment.

    Requests go to ``{azure_endpoint}/openai/deployments/{deployment}/chat/completions``
    with the ``api-version`` query and the ``api-key`` header, as the ``openai`` SDK's
    ``AsyncAzureOpenAI`` builds them. Everything else (retries, structured output,
    ``num_generations``) is as in ``OpenAILLM``.

    Example:
        >>> llm = AzureOpenAILLM(model="gpt-4o", azure_endpoint="https://NAME.openai.azure.com")
        >>> llm.load()  # AZURE_OPENAI_API_KEY from the environment
    """

    api_key_env_var: ClassVar[str] = "AZURE_OPENAI_API_KEY"

    model: str = Field(
        description="The model, also the deployment name unless `deployment` is given."
    )
    azure_endpoint: Optional[RuntimeParameter[str]] = Field(
        default_factory=lambda: os.environ.get("AZURE_OPENAI_ENDPOINT"),
        description="The resource endpoint, e.g. https://NAME.openai.azure.com; defaults to"
        " $AZURE_OPENAI_ENDPOINT.",
    )
    deployment: Optional[RuntimeParameter[str]] = Field(
        default=None, description="The deployment name; defaults to `model`."
    )
    api_version: Optional[RuntimeParameter[str]] = Field(
        default_factory=lambda: os.environ.get("OPENAI_API_VERSION") or DEFAULT_API_VERSION,
        description=f"The Azure OpenAI API version; defaults to $OPENAI_API_VERSION, else"
        f" {DEFAULT_API_VERSION}.",
    )
    base_url: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="A full base URL used instead of azure_endpoint + deployment (e.g. an API"
        " Management gateway).",
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("AZURE_OPENAI_API_KEY")

    def _build_endpoint(self, api_key: str) -> ChatEndpoint:
        import openai

        if not self.azure_endpoint and not self.base_url:
            raise RuntimeParameterError(
                "AzureOpenAILLM needs the resource endpoint: pass `azure_endpoint=` (e.g."
                " https://NAME.openai.azure.com) or export AZURE_OPENAI_ENDPOINT."
            )
        if self.base_url:
            client = openai.AsyncAzureOpenAI(
                api_key=api_key, base_url=self.base_url, api_version=self.api_version,
                max_retries=0,
            )
        else:
            client = openai.AsyncAzureOpenAI(
                api_key=api_key, azure_endpoint=self.azure_endpoint or "",
                azure_deployment=self.deployment or self.model, api_version=self.api_version,
                max_retries=0,
            )
        return endpoint_from_client(client, secrets=(api_key,))

    def _max_tokens_key(self) -> str:
        """``max_completion_tokens`` from API version 2024-09-01 on (required by reasoning
        models), ``max_tokens`` before."""
        version = self.api_version or DEFAULT_API_VERSION
        return "max_completion_tokens" if version >= "2024-09-01" else "max_tokens"
