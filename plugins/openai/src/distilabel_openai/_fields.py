"""The key and URL fields every OpenAI-API class declares (chat, Azure, embeddings)."""

from __future__ import annotations

import os
from typing import Any

from pydantic import Field

from distilabel.llms import api_key_field as _core_api_key_field

__all__ = ["OPENAI_BASE_URL", "api_key_field", "base_url_field"]

OPENAI_BASE_URL = "https://api.openai.com/v1"


def api_key_field(env_var: str) -> Any:
    """A ``SecretStr`` API key field read from ``env_var`` (never dumped, logged or pickled:
    a pickled LLM re-reads ``env_var`` where it is unpickled)."""
    return _core_api_key_field(
        env_var,
        description=f"The API key; defaults to ${env_var}. Never dumped, logged or pickled"
        f" (a pickled LLM, e.g. on a Ray worker, reads ${env_var} there). Servers without"
        " authentication accept any value, e.g. 'EMPTY'.",
    )


def base_url_field(env_var: str, default: str) -> Any:
    """A base URL field read from ``env_var``, else ``default``."""
    return Field(
        default_factory=lambda: os.environ.get(env_var) or default,
        description=f"The OpenAI-compatible API's base URL; defaults to ${env_var}, else"
        f" {default}.",
    )
