"""``AzureOpenAILLM``: chat completions from an Azure OpenAI deployment."""

from __future__ import annotations

import os
import urllib.parse
from typing import Any, ClassVar, Optional

from pydantic import Field, SecretStr

from distilabel.errors import RuntimeParameterError
from distilabel.http import check_base_url
from distilabel.runtime_parameters import RuntimeParameter
from distilabel_openai._fields import api_key_field
from distilabel_openai._llm import OpenAILLM
from distilabel_openai._transport import ChatEndpoint

__all__ = ["AzureOpenAILLM"]

DEFAULT_API_VERSION = "2024-10-21"


class AzureOpenAILLM(OpenAILLM):
    """Chat completions from an Azure OpenAI deployment.

    Requests go to ``{azure_endpoint}/openai/deployments/{deployment}/chat/completions``
    with the ``api-version`` query and the ``api-key`` header, as the ``openai`` SDK's
    ``AsyncAzureOpenAI`` would send them (the SDK itself is not imported). Everything else
    (retries, structured output, ``num_generations``) is as in ``OpenAILLM``.

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

    base_url_env_var: ClassVar[Optional[str]] = None

    def _build_endpoint(self, api_key: str) -> ChatEndpoint:
        """``{azure_endpoint}/openai/deployments/{deployment}/chat/completions`` (or
        ``{base_url}/chat/completions``) with ``?api-version=`` and the ``api-key`` header,
        as Azure OpenAI defines them."""
        owner = type(self).__name__
        if self.base_url:
            base = check_base_url(self.base_url, owner)
        elif self.azure_endpoint:
            endpoint = check_base_url(self.azure_endpoint, owner, name="azure_endpoint",
                                      env_var="AZURE_OPENAI_ENDPOINT")
            deployment = urllib.parse.quote(self.deployment or self.model, safe="")
            base = f"{endpoint.rstrip('/')}/openai/deployments/{deployment}"
        else:
            raise RuntimeParameterError(
                "AzureOpenAILLM needs the resource endpoint: pass `azure_endpoint=` (e.g."
                " https://NAME.openai.azure.com) or export AZURE_OPENAI_ENDPOINT."
            )
        version = self.api_version or DEFAULT_API_VERSION
        return ChatEndpoint.build(base, {"api-key": api_key}, (api_key,),
                                  query={"api-version": version})

    batch_url_prefix: ClassVar[str] = ""

    def _batch_model(self) -> str:
        """Azure batch requests name the (global batch) deployment as their model."""
        return self.deployment or self.model

    def _batch_client(self) -> Any:
        """The SDK's ``AzureOpenAI`` client: endpoint, api-version and api-key."""
        import openai

        common: dict[str, Any] = {
            "api_key": self._require_api_key(), "api_version": self.api_version
            or DEFAULT_API_VERSION, "max_retries": self.max_retries, "timeout": self.timeout,
        }
        if self.base_url:
            return openai.AzureOpenAI(base_url=self.base_url, **common)
        endpoint = check_base_url(self.azure_endpoint, type(self).__name__,
                                  name="azure_endpoint", env_var="AZURE_OPENAI_ENDPOINT")
        return openai.AzureOpenAI(azure_endpoint=endpoint, **common)

    def _max_tokens_key(self) -> str:
        """``max_completion_tokens`` from API version 2024-09-01 on (required by reasoning
        models), ``max_tokens`` before."""
        version = self.api_version or DEFAULT_API_VERSION
        return "max_completion_tokens" if version >= "2024-09-01" else "max_tokens"
