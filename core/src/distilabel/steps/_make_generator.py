"""``make_generator_step``: a loader step from data already in memory.

Accepts what distilabel 1.x accepts as an input dataset: a list of dicts, a pandas
``DataFrame`` or a Hugging Face ``datasets.Dataset``. The rows become a
``LoadDataFromDicts`` (inline in the pipeline's YAML, so a dumped pipeline reproduces).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from distilabel.errors import DistilabelUserError
from distilabel.steps._load_dicts import LoadDataFromDicts
from distilabel.steps.typing import Row

__all__ = ["InputDataset", "make_generator_step", "rows_of"]

InputDataset = Any
"""A list of dicts, a pandas ``DataFrame`` or a ``datasets.Dataset``."""


def rows_of(dataset: InputDataset) -> list[Row]:
    """The rows of ``dataset`` as plain Python dicts (numpy scalars become Python values).

    Raises:
        DistilabelUserError: ``dataset`` is none of the accepted kinds, or a list holds
            something other than dicts.
    """
    if isinstance(dataset, list):
        for index, row in enumerate(dataset):
            if not isinstance(row, Mapping):
                raise DistilabelUserError(
                    f"The dataset's row {index} is a {type(row).__name__}, not a dict; pass"
                    " a list of dicts such as [{'instruction': '...'}]."
                )
        return [dict(row) for row in dataset]
    module = type(dataset).__module__.split(".")[0]
    if module == "pandas" and hasattr(dataset, "to_dict"):
        return [_plain(row) for row in dataset.to_dict(orient="records")]
    if module == "datasets" and hasattr(dataset, "to_list"):
        return list(dataset.to_list())
    raise DistilabelUserError(
        f"Cannot feed a pipeline from a {type(dataset).__name__}: pass a list of dicts, a"
        " pandas DataFrame or a datasets.Dataset."
    )


def _plain(row: Mapping[str, Any]) -> Row:
    """A DataFrame row with numpy scalars and arrays turned into Python values."""
    out: Row = {}
    for key, value in row.items():
        if type(value).__module__ == "numpy":
            value = value.tolist() if hasattr(value, "tolist") else value.item()
        out[str(key)] = value
    return out


def make_generator_step(
    dataset: InputDataset,
    pipeline: Optional[Any] = None,
    batch_size: int = 50,
    input_mappings: Optional[dict[str, str]] = None,
    output_mappings: Optional[dict[str, str]] = None,
    name: Optional[str] = None,
) -> LoadDataFromDicts:
    """A generator step producing the rows of ``dataset``, ``batch_size`` at a time.

    Inside ``with Pipeline(...):`` (or given ``pipeline``) the step joins that pipeline.

    Raises:
        DistilabelUserError: ``dataset`` is not a list of dicts, a DataFrame or a Dataset.
    """
    values: dict[str, Any] = {
        "data": rows_of(dataset),
        "batch_size": batch_size,
        "input_mappings": input_mappings or {},
        "output_mappings": output_mappings or {},
    }
    if pipeline is not None:
        values["pipeline"] = pipeline
    if name is not None:
        values["name"] = name
    return LoadDataFromDicts(**values)
