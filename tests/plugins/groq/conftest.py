"""Groq's SDK sends chat completions to ``{base_url}/openai/v1/...``: a front maps that
prefix onto llama-server's ``/v1`` (and injects faults for models named ``fault:...``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from protocol_servers import FaultFront, LlamaServer


@pytest.fixture(scope="session")
def groq_front(upstream_server: LlamaServer) -> Iterator[FaultFront]:
    """``/openai/v1/...`` in front of llama-server's ``/v1/...``."""
    front = FaultFront(upstream_server.url, strip_prefix="/openai")
    front.start()
    yield front
    front.stop()
