"""Pipelines: a DAG of steps, validated before anything loads, run by an engine.

``Pipeline`` builds the graph (``with Pipeline(...):`` and ``>>``) and runs it with
durable, resumable progress; ``run`` returns a :class:`distilabel.distiset.Distiset`.

The package is laid out by what each part is:

- this level: the pipeline, its DAG, validation, serialization, signatures, and what
  every engine shares (channels between steps, the progress loop);
- ``distilabel.pipeline.local``: the local engine (one process, one asyncio loop);
- ``distilabel.pipeline.ray``: the Ray engine (Ray is imported only when it is used);
- ``distilabel.pipeline.storage``: run directories on a local disk or an fsspec URL.

Names resolve on first access (PEP 562), so ``import distilabel.pipeline`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel._lazy import lazy_attributes

if TYPE_CHECKING:
    from distilabel.pipeline._dag import PipelineValidationError
    from distilabel.pipeline._engine import StepFailedError
    from distilabel.pipeline._pipeline import Pipeline
    from distilabel.pipeline._routing import (
        RoutingBatchFunction,
        routing_batch_function,
        sample_n_steps,
    )
    from distilabel.pipeline._summary import RunSummary, StepSummary, TooManyFailedRowsError

__all__ = [
    "Pipeline",
    "PipelineValidationError",
    "RoutingBatchFunction",
    "RunSummary",
    "StepFailedError",
    "StepSummary",
    "TooManyFailedRowsError",
    "routing_batch_function",
    "sample_n_steps",
]

_LAZY = {
    "Pipeline": "distilabel.pipeline._pipeline",
    "PipelineValidationError": "distilabel.pipeline._dag",
    "RoutingBatchFunction": "distilabel.pipeline._routing",
    "RunSummary": "distilabel.pipeline._summary",
    "StepFailedError": "distilabel.pipeline._engine",
    "StepSummary": "distilabel.pipeline._summary",
    "TooManyFailedRowsError": "distilabel.pipeline._summary",
    "routing_batch_function": "distilabel.pipeline._routing",
    "sample_n_steps": "distilabel.pipeline._routing",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
