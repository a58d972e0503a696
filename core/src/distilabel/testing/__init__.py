"""The conformance kit: checks every LLM and embedding-model backend (ours or a third
party's) must pass, and a misbehaving HTTP server for the fault tests of HTTP backends.

A plugin's test module subclasses :class:`LLMConformanceTests` (or
:class:`EmbeddingsConformanceTests`), names its class,
overrides the ``llm_kwargs`` fixture and sets capability flags; pytest then runs the
inherited checks. Requires ``pytest`` (``pip install distilabel-core[testing]``).

:class:`FaultServer` (needs ``aiohttp``, also in the ``testing`` extra) answers on
loopback with latency, bounded capacity and faults chosen per request: 429s with any
``Retry-After``, 5xx, 401/404, hangs, TCP resets, truncated bodies. A backend subclasses it
to speak its wire format.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distilabel.testing._embeddings_conformance import EmbeddingsConformanceTests
    from distilabel.testing._fault_server import FaultServer, ServerStats
    from distilabel.testing._llm_conformance import LLMConformanceTests

__all__ = ["EmbeddingsConformanceTests", "FaultServer", "LLMConformanceTests", "ServerStats"]

_LAZY = {
    "EmbeddingsConformanceTests": "distilabel.testing._embeddings_conformance",
    "FaultServer": "distilabel.testing._fault_server",
    "ServerStats": "distilabel.testing._fault_server",
    "LLMConformanceTests": "distilabel.testing._llm_conformance",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
