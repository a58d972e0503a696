"""Cohere's Chat API v2, served by our protocol server in front of llama.cpp's llama-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from protocol_servers import CohereServer, LlamaServer


@pytest.fixture(scope="session")
def cohere_server(upstream_server: LlamaServer) -> Iterator[CohereServer]:
    """The protocol server (``.url`` is its root URL)."""
    server = CohereServer(upstream_server.url)
    server.start()
    yield server
    server.stop()
