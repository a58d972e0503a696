"""Pipelines: a DAG of steps, validated before anything loads, run by a local engine.

``Pipeline`` builds the graph (``with Pipeline(...):`` and ``>>``) and runs it with
durable, resumable progress; ``run`` returns a :class:`distilabel.distiset.Distiset`.
"""

from distilabel.pipeline._engine import StepFailedError
from distilabel.pipeline._pipeline import Pipeline
from distilabel.pipeline._validate import PipelineValidationError

__all__ = ["Pipeline", "PipelineValidationError", "StepFailedError"]
