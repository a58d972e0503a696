"""Well-known model names and the distribution that provides each.

``from distilabel.llms import OpenAILLM`` without ``distilabel-openai`` installed should
say what to install, not merely that a name is missing.
"""

from __future__ import annotations

__all__ = ["KNOWN_EMBEDDINGS", "KNOWN_LLMS"]

KNOWN_LLMS: dict[str, str] = {
    "OpenAILLM": "distilabel-openai",
    "AzureOpenAILLM": "distilabel-openai",
    "TogetherLLM": "distilabel-openai",
    "AnyscaleLLM": "distilabel-openai",
    "TransformersLLM": "distilabel-transformers",
    "LlamaCppLLM": "distilabel-llamacpp",
    "vLLM": "distilabel-vllm",
    "AnthropicLLM": "distilabel-anthropic",
    "MistralLLM": "distilabel-mistral",
    "CohereLLM": "distilabel-cohere",
    "GroqLLM": "distilabel-groq",
    "OllamaLLM": "distilabel-ollama",
    "LiteLLM": "distilabel-litellm",
    "InferenceEndpointsLLM": "distilabel-hf-inference-endpoints",
    "VertexAILLM": "distilabel-vertexai",
}

KNOWN_EMBEDDINGS: dict[str, str] = {
    "SentenceTransformerEmbeddings": "distilabel-sentence-transformers",
    "LlamaCppEmbeddings": "distilabel-llamacpp",
    "OpenAIEmbeddings": "distilabel-openai",
    "vLLMEmbeddings": "distilabel-vllm",
    "SGLangEmbeddings": "distilabel-sglang",
}
