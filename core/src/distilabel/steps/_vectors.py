"""An embedding column as a numpy matrix: the rows that have a vector, checked."""

from __future__ import annotations

from typing import Any

from distilabel.errors import DistilabelUserError
from distilabel.steps._optional import import_optional
from distilabel.steps.typing import Row

__all__ = ["embedding_matrix", "import_numpy", "unit_rows"]


def import_numpy(purpose: str) -> Any:
    """Import numpy, or say how to install it."""
    return import_optional("numpy", purpose, "numpy", "faiss")


def _is_vector(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    return getattr(value, "ndim", 0) == 1 and getattr(value, "size", 0) > 0


def embedding_matrix(
    step: str, rows: list[Row], column: str = "embedding"
) -> tuple[Any, list[int]]:
    """``(matrix, positions)``: a float32 matrix of every row whose ``column`` holds a
    vector, and those rows' positions. Rows without one (``None``, an empty list: an
    embedding that failed) are left out.

    Raises:
        DistilabelUserError: vectors of different lengths, or values that are not numbers.
    """
    np = import_numpy(f"Step '{step}'")
    positions = [
        i for i, row in enumerate(rows)
        if (isinstance(row.get(column), (list, tuple)) and len(row[column]) > 0)
        or hasattr(row.get(column), "shape")
    ]
    if not positions:
        return np.zeros((0, 0), dtype=np.float32), []
    lengths = {len(rows[i][column]) for i in positions}
    if len(lengths) > 1:
        raise DistilabelUserError(
            f"Step '{step}': the `{column}` vectors have different lengths {sorted(lengths)};"
            " every row must be embedded by the same model."
        )
    try:
        matrix = np.asarray([rows[i][column] for i in positions], dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise DistilabelUserError(
            f"Step '{step}': column `{column}` must hold lists of numbers ({exc})."
        ) from None
    return matrix, positions


def unit_rows(matrix: Any) -> Any:
    """``matrix`` with every row scaled to unit L2 norm (zero rows stay zero)."""
    np = import_numpy("unit_rows")
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
