"""``pipeline.run(dataset=...)``: feed a pipeline from rows already in memory.

As in distilabel 1.x, the rows become a generator step connected to every step without
predecessors. It is named ``load_dataset`` and kept in the pipeline (so the dumped YAML
reproduces the run); a later ``run(dataset=...)`` replaces its rows.
"""

from __future__ import annotations

from typing import Any

from distilabel.errors import DistilabelUserError
from distilabel.steps._make_generator import InputDataset, make_generator_step, rows_of

__all__ = ["DATASET_STEP", "attach_dataset"]

DATASET_STEP = "load_dataset"


def attach_dataset(pipeline: Any, dataset: InputDataset, batch_size: int) -> None:
    """Make ``dataset`` the input of ``pipeline``'s root steps.

    Raises:
        DistilabelUserError: the pipeline already has a generator step of its own, has no
            step to feed, or ``dataset`` is not a list of dicts, DataFrame or Dataset.
    """
    dag = pipeline.dag
    existing = dag.steps.get(DATASET_STEP)
    if existing is not None:
        existing.data = rows_of(dataset)
        existing.batch_size = batch_size
        return
    generators = [name for name, step in dag.steps.items() if step.is_generator]
    if generators:
        raise DistilabelUserError(
            f"Pipeline '{pipeline.name}' already starts with the generator step(s)"
            f" {', '.join(repr(g) for g in generators)}; pass `dataset=` to run() or keep a"
            " generator step, not both."
        )
    roots = dag.roots
    if not roots:
        raise DistilabelUserError(
            f"Pipeline '{pipeline.name}' has no steps to feed the dataset to; create them"
            " inside `with Pipeline(...):`."
        )
    with pipeline:
        loader = make_generator_step(dataset, batch_size=batch_size, name=DATASET_STEP)
    for root in roots:
        dag.add_edge(loader.name, root)
