"""The conformance kit: checks every LLM and embedding-model backend (ours or a third
party's) must pass.

A plugin's test module subclasses :class:`LLMConformanceTests` (or
:class:`EmbeddingsConformanceTests`), names its class,
overrides the ``llm_kwargs`` fixture and sets capability flags; pytest then runs the
inherited checks. Requires ``pytest`` (``pip install distilabel-core[testing]``).
"""

from distilabel.testing._embeddings_conformance import EmbeddingsConformanceTests
from distilabel.testing._llm_conformance import LLMConformanceTests

__all__ = ["EmbeddingsConformanceTests", "LLMConformanceTests"]
