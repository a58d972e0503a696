"""Types of what steps take and give: rows, batches and declared columns."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Tuple, Union

__all__ = ["GeneratorStepOutput", "Row", "StepColumns", "StepInput", "StepOutput"]

Row = Dict[str, Any]
"""One row of data: column name to value."""

StepInput = List[Row]
"""The batch of rows a step's ``process`` receives (one argument per predecessor)."""

StepOutput = Iterator[List[Row]]
"""What ``process`` returns: a generator yielding batches of output rows."""

GeneratorStepOutput = Iterator[Tuple[List[Row], bool]]
"""What a generator step's ``process`` yields: ``(batch, is_last_batch)`` pairs."""

StepColumns = Union[List[str], Dict[str, bool]]
"""Declared columns: a list of names, or a mapping of name to whether it is required."""
