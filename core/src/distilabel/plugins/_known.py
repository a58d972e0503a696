"""Well-known model names, the distribution that provides each, and how to install it.

``from distilabel.llms import OpenAILLM`` without ``distilabel-openai`` installed should
say what to install, not merely that a name is missing. Every distribution named here is
built from a directory of the distilabel repository (``plugins/<name>``); a test fails if
one is not. None of them is published on a package index by this project, so a hint never
says ``pip install distilabel-<name>``: a package of that name on an index would be
someone else's.
"""

from __future__ import annotations

__all__ = [
    "KNOWN_EMBEDDINGS",
    "KNOWN_LLMS",
    "KNOWN_PLUGIN_DIRS",
    "PLUGINS_ENV_VAR",
    "install_hint",
]

PLUGINS_ENV_VAR = "DISTILABEL_PLUGINS"
"""Which installed plugins load: ``all`` (the default), ``none`` or a comma list of names."""

KNOWN_PLUGIN_DIRS: dict[str, str] = {
    "distilabel-openai": "plugins/openai",
    "distilabel-transformers": "plugins/transformers",
    "distilabel-llamacpp": "plugins/llamacpp",
    "distilabel-anthropic": "plugins/anthropic",
    "distilabel-huggingface": "plugins/huggingface",
    "distilabel-litellm": "plugins/litellm",
    "distilabel-mistral": "plugins/mistral",
    "distilabel-cohere": "plugins/cohere",
    "distilabel-groq": "plugins/groq",
    "distilabel-ollama": "plugins/ollama",
    "distilabel-google": "plugins/google",
    "distilabel-vllm": "plugins/vllm",
}
"""Each known distribution and the repository directory it is built from."""

KNOWN_LLMS: dict[str, str] = {
    "OpenAILLM": "distilabel-openai",
    "AzureOpenAILLM": "distilabel-openai",
    "TogetherLLM": "distilabel-openai",
    "AnyscaleLLM": "distilabel-openai",
    "TransformersLLM": "distilabel-transformers",
    "LlamaCppLLM": "distilabel-llamacpp",
    "AnthropicLLM": "distilabel-anthropic",
    "InferenceEndpointsLLM": "distilabel-huggingface",
    "LiteLLM": "distilabel-litellm",
    "MistralLLM": "distilabel-mistral",
    "CohereLLM": "distilabel-cohere",
    "GroqLLM": "distilabel-groq",
    "OllamaLLM": "distilabel-ollama",
    "VertexAILLM": "distilabel-google",
    "GeminiLLM": "distilabel-google",
    "vLLM": "distilabel-vllm",
    "ClientvLLM": "distilabel-vllm",
}
"""Each well-known LLM name and the distribution that registers it."""


def install_hint(distribution: str) -> str:
    """The command that installs ``distribution`` (a key of ``KNOWN_PLUGIN_DIRS``).

    """
    directory = KNOWN_PLUGIN_DIRS.get(distribution)
    if directory is None:
        # Not built here (yet): the name other projects publish it under.
        return f"pip install {distribution}"
    return (
        f"pip install ./{directory} (run in a checkout of the distilabel repository; the"
        f" package is built from its {directory} directory and is not published on a"
        " package index)"
    )

KNOWN_EMBEDDINGS: dict[str, str] = {
    "SentenceTransformerEmbeddings": "distilabel-sentence-transformers",
    "LlamaCppEmbeddings": "distilabel-llamacpp",
    "OpenAIEmbeddings": "distilabel-openai",
    "vLLMEmbeddings": "distilabel-vllm",
    "SGLangEmbeddings": "distilabel-sglang",
}
