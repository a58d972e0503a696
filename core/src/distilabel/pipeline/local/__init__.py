"""The local engine: every step of a pipeline on one asyncio loop in this process.

``LocalEngine`` is what ``Pipeline.run()`` uses by default. Steps stream batches to each
other through bounded channels; sync steps and LLMs run on a worker thread per step,
async LLM calls run concurrently within each LLM's limits.
"""

from __future__ import annotations

from distilabel.pipeline.local._engine import LocalEngine

__all__ = ["LocalEngine"]
