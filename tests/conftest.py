"""Fixtures every test folder may use."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tls_server import TLSServer


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TLSServer]:
    """A loopback HTTPS server signed by a CA of our own (``tls_server.ca``)."""
    if not TLSServer.available():
        pytest.skip("needs the openssl command")
    server = TLSServer().start(tmp_path)
    try:
        yield server
    finally:
        server.stop()
