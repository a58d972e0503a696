"""The conformance kit: checks every LLM backend (ours or a third party's) must pass.

A plugin's test module subclasses :class:`LLMConformanceTests`, names its LLM class,
overrides the ``llm_kwargs`` fixture and sets capability flags; pytest then runs the
inherited checks. Requires ``pytest`` (``pip install distilabel-core[testing]``).
"""

from distilabel.testing._llm_conformance import LLMConformanceTests

__all__ = ["LLMConformanceTests"]
