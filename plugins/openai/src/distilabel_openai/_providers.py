"""OpenAI-compatible hosted providers: the same client with their URL and key variable."""

from __future__ import annotations

from typing import ClassVar, Optional

from pydantic import SecretStr

from distilabel.runtime_parameters import RuntimeParameter
from distilabel_openai._fields import api_key_field, base_url_field
from distilabel_openai._llm import OpenAILLM

__all__ = ["AnyscaleLLM", "TogetherLLM"]

TOGETHER_BASE_URL = "https://api.together.xyz/v1"
ANYSCALE_BASE_URL = "https://api.endpoints.anyscale.com/v1"


class TogetherLLM(OpenAILLM):
    """Chat completions from Together AI (``TOGETHER_API_KEY``, ``TOGETHER_BASE_URL``).

    Example:
        >>> llm = TogetherLLM(model="meta-llama/Llama-3.3-70B-Instruct-Turbo")
    """

    api_key_env_var: ClassVar[str] = "TOGETHER_API_KEY"
    base_url_env_var: ClassVar[Optional[str]] = "TOGETHER_BASE_URL"

    base_url: Optional[RuntimeParameter[str]] = base_url_field(
        "TOGETHER_BASE_URL", TOGETHER_BASE_URL
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("TOGETHER_API_KEY")


class AnyscaleLLM(OpenAILLM):
    """Chat completions from Anyscale Endpoints (``ANYSCALE_API_KEY``, ``ANYSCALE_BASE_URL``).

    Example:
        >>> llm = AnyscaleLLM(model="meta-llama/Meta-Llama-3-70B-Instruct")
    """

    api_key_env_var: ClassVar[str] = "ANYSCALE_API_KEY"
    base_url_env_var: ClassVar[Optional[str]] = "ANYSCALE_BASE_URL"
    schema_as_json_object: ClassVar[bool] = True

    base_url: Optional[RuntimeParameter[str]] = base_url_field(
        "ANYSCALE_BASE_URL", ANYSCALE_BASE_URL
    )
    api_key: Optional[RuntimeParameter[SecretStr]] = api_key_field("ANYSCALE_API_KEY")
