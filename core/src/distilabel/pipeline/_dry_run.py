"""``pipeline.dry_run()``: one row through every step, nothing cached.

Each generator step produces a single batch of ``batch_size`` rows (default 1); the run
happens in a temporary cache directory that is removed afterwards, and the returned
``Distiset`` holds its rows in memory. The pipeline's own cache is neither read nor
written, and the steps' settings are restored whatever happens.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional

from distilabel.distiset import Distiset, StepRows
from distilabel.steps._make_generator import InputDataset

__all__ = ["dry_run"]


def dry_run(
    pipeline: Any,
    parameters: Optional[Mapping[str, Any]],
    batch_size: int,
    dataset: Optional[InputDataset],
    **run_kwargs: Any,
) -> Distiset:
    """Run ``pipeline`` on ``batch_size`` rows per generator step in a throwaway cache."""
    saved_cache = pipeline._cache_dir
    limited: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="distilabel-dry-run-") as tmp:
        try:
            pipeline._cache_dir = Path(tmp)
            if dataset is not None:
                from distilabel.pipeline._dataset import attach_dataset

                attach_dataset(pipeline, dataset, batch_size)
            params = {name: dict(value or {}) for name, value in (parameters or {}).items()}
            for name, step in pipeline.dag.steps.items():
                if step.is_generator:
                    params.setdefault(name, {})["batch_size"] = batch_size
                    limited[name] = step.batch_size
                    step._row_limit = batch_size
            result = pipeline.run(parameters=params, use_cache=False, **run_kwargs)
            return Distiset(
                {name: StepRows.from_list(rows.to_list()) for name, rows in result.items()},
                pipeline_yaml=result.pipeline_yaml,
                complete=result.complete,
                summary=result.summary,
            )
        finally:
            pipeline._cache_dir = saved_cache
            for name, size in limited.items():
                step = pipeline.dag.steps[name]
                step.batch_size = size
                step._row_limit = None
