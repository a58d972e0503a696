"""Run directories: where a pipeline's committed batches, journals and lock live.

A local path uses ``StepStore`` (append-only batch files) and an OS lock; an fsspec URL
(``s3://``, ``gs://``, ``file://``, ``memory://``) uses ``ObjectStepStore`` (an object per
batch) and an ``ObjectRunLock`` lease, with the same resume semantics. fsspec is
imported only when a location is a URL.
"""

from __future__ import annotations

from distilabel.pipeline.storage._location import (
    Location,
    as_location,
    cache_root,
    is_url,
    make_run_lock,
    make_step_store,
)
from distilabel.pipeline.storage._store import RunLock, StepStore

__all__ = [
    "Location",
    "RunLock",
    "StepStore",
    "as_location",
    "cache_root",
    "is_url",
    "make_run_lock",
    "make_step_store",
]
