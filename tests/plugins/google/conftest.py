"""Gemini's generateContent (Gemini API and Vertex AI paths), served by our protocol
server in front of llama.cpp's llama-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from protocol_servers import GeminiServer, LlamaServer


@pytest.fixture(scope="session")
def gemini_server(upstream_server: LlamaServer) -> Iterator[GeminiServer]:
    """The protocol server (``.url`` is its root URL)."""
    server = GeminiServer(upstream_server.url)
    server.start()
    yield server
    server.stop()
