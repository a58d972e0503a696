"""The local engine: every step of a pipeline on one asyncio loop in this process.

``LocalEngine`` is what ``Pipeline.run()`` uses by default. Steps stream batches to each
other through bounded channels; sync steps and LLMs run on a worker thread per step,
async LLM calls run concurrently within each LLM's limits.

``from distilabel.pipeline.local import Pipeline``, the distilabel 1.x path, gives
:class:`distilabel.pipeline.Pipeline` (resolved on first access: the pipeline module
imports this engine).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel._lazy import lazy_attributes
from distilabel.pipeline.local._engine import LocalEngine

if TYPE_CHECKING:
    from distilabel.pipeline._pipeline import Pipeline

__all__ = ["LocalEngine", "Pipeline"]


__getattr__, __dir__ = lazy_attributes(
    __name__, {"Pipeline": "distilabel.pipeline._pipeline"}, __all__
)
