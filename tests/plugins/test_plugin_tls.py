"""Every hosted-API plugin's HTTPS goes through ``distilabel.tls``: against a loopback
HTTPS server signed by a CA of our own, a request is refused while only certifi's CAs
are trusted, and reaches the server (which answers 401: a bad key, fatal at once) once
``SSL_CERT_FILE`` names that CA. No request is retried and nothing reaches a real API."""

from __future__ import annotations

from typing import Any

import pytest
from tls_server import TLSServer

from distilabel.errors import FatalLLMError, LLMRequestError

CONVERSATION = [{"role": "user", "content": "Hello"}]

# plugin module, class, and its arguments for a server at URL (the base URL's name varies)
PLUGINS: list[tuple[str, str, dict[str, Any]]] = [
    ("distilabel_anthropic", "AnthropicLLM", {"model": "m", "base_url": "URL"}),
    ("distilabel_groq", "GroqLLM", {"model": "m", "base_url": "URL"}),
    ("distilabel_mistral", "MistralLLM", {"model": "m", "endpoint": "URL"}),
    ("distilabel_cohere", "CohereLLM", {"model": "m", "base_url": "URL"}),
    ("distilabel_ollama", "OllamaLLM", {"model": "m", "host": "URL"}),
    ("distilabel_google", "GeminiLLM", {"model": "m", "base_url": "URL"}),
    ("distilabel_litellm", "LiteLLM", {"model": "openai/m", "api_base": "URL/v1"}),
    ("distilabel_openai", "OpenAILLM", {"model": "m", "base_url": "URL/v1"}),
    ("distilabel_huggingface", "InferenceEndpointsLLM", {"model_id": "m", "base_url": "URL"}),
]


def make(module: str, name: str, kwargs: dict[str, Any], url: str) -> Any:
    cls = getattr(pytest.importorskip(module), name)
    given = {k: v.replace("URL", url) if isinstance(v, str) else v for k, v in kwargs.items()}
    fields = cls.model_fields
    if "api_key" in fields:
        given["api_key"] = "sk-tls-test"
    given["max_retries"] = 0
    llm = cls(**given)
    llm.load()
    return llm


@pytest.mark.parametrize(("module", "name", "kwargs"), PLUGINS, ids=[p[1] for p in PLUGINS])
def test_https_trusts_the_ca_bundle_of_distilabel_tls(
    tls_server: TLSServer, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
    module: str, name: str, kwargs: dict[str, Any],
) -> None:
    if module == "distilabel_huggingface":
        pytest.importorskip(module)
        request.getfixturevalue("hub_client_online")  # HF_HUB_OFFLINE refuses loopback too
    tls_server.status = 401
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    llm = make(module, name, kwargs, tls_server.base_url)
    try:
        with pytest.raises(LLMRequestError) as refused:
            llm.generate_outputs([CONVERSATION])
        assert not isinstance(refused.value, FatalLLMError), refused.value
        assert tls_server.posts == [], "a request got through an untrusted certificate"
    finally:
        llm.unload()

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.ca))
    llm = make(module, name, kwargs, tls_server.base_url)
    try:
        with pytest.raises(FatalLLMError, match="401"):
            llm.generate_outputs([CONVERSATION])
        assert len(tls_server.posts) == 1, tls_server.posts
    finally:
        llm.unload()
