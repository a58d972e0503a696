"""Ollama's API, served by our protocol server in front of llama.cpp's llama-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from protocol_servers import LlamaServer, OllamaServer


@pytest.fixture(scope="session")
def ollama_server(upstream_server: LlamaServer) -> Iterator[OllamaServer]:
    """The protocol server (``.url`` is its root URL)."""
    server = OllamaServer(upstream_server.url)
    server.start()
    yield server
    server.stop()
