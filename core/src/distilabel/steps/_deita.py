"""``DeitaFiltering``: DEITA's score-first, diversity-aware selection of training rows.

Liu et al., "What Makes Good Data for Alignment? A Comprehensive Study of Automatic Data
Selection in Instruction Tuning" (https://arxiv.org/abs/2312.15685): rank the rows by
complexity times quality, then walk down the ranking and take a row only when it is far
enough from every row taken so far, until the data budget is spent.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, Optional

from pydantic import Field, PositiveInt

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GlobalStep
from distilabel.steps._vectors import embedding_matrix, import_numpy, unit_rows
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput

__all__ = ["DeitaFiltering"]

_SCORES = ("evol_instruction_score", "evol_response_score")
_logger = logging.getLogger("distilabel.steps")


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def deita_score(row: Row) -> tuple[Optional[float], list[str]]:
    """The row's DEITA score (the product of the scores it has) and their column names."""
    present = [(name, v) for name in _SCORES if (v := _number(row.get(name))) is not None]
    if not present:
        return None, []
    score = 1.0
    for _, value in present:
        score *= value
    return score, [name for name, _ in present]


class DeitaFiltering(GlobalStep):
    """Select at most ``data_budget`` rows the DEITA way (Liu et al., 2023,
    https://arxiv.org/abs/2312.15685).

    Each row's ``deita_score`` is ``evol_instruction_score`` (``ComplexityScorer``) times
    ``evol_response_score`` (``QualityScorer``), or the one of them it has
    (``deita_score_computed_with`` names which). Rows are visited from the highest score
    down; a row is taken when its distance to the nearest row already taken
    (``nearest_neighbor_distance``; ``None`` for the first) is greater than
    ``diversity_threshold``. Only the taken rows are output, best first. Rows without a
    score or an embedding cannot be ranked or compared and are left out.

    With cosine distance (``1 - cosine similarity``), the paper's similarity threshold
    of 0.9 is ``diversity_threshold=0.1``; the default of 0.9 is distilabel 1.x's and
    takes only rows that are nearly orthogonal to every row taken.

    Example::

        DeitaFiltering(data_budget=500, diversity_threshold=0.1)
    """

    data_budget: RuntimeParameter[PositiveInt] = Field(
        default=None, description="How many rows to keep at most."
    )
    diversity_threshold: RuntimeParameter[float] = Field(
        default=0.9,
        description="A row is taken when its distance to the nearest row taken so far is"
        " greater than this.",
    )
    normalize_embeddings: RuntimeParameter[bool] = Field(
        default=True, description="Scale embeddings to unit norm before measuring distances."
    )
    distance_metric: RuntimeParameter[Literal["cosine", "manhattan"]] = Field(
        default="cosine", description="'cosine' (1 - cosine similarity) or 'manhattan' (L1)."
    )

    @property
    def inputs(self) -> StepColumns:
        return [*_SCORES, "embedding"]

    @property
    def outputs(self) -> StepColumns:
        return ["deita_score", "nearest_neighbor_distance", "deita_score_computed_with"]

    def _distances(self, taken: Any, vector: Any) -> Any:
        np = import_numpy(f"Step '{self.name}'")
        if self.distance_metric == "manhattan":
            return np.abs(taken - vector).sum(axis=1)
        norms = np.linalg.norm(taken, axis=1) * np.linalg.norm(vector)
        return 1.0 - (taken @ vector) / np.where(norms == 0, 1, norms)

    def select(self, rows: list[Row]) -> list[Row]:
        """The taken rows, best first, with the three output columns set."""
        if self.data_budget is None:
            raise DistilabelUserError(
                f"Step '{self.name}' (DeitaFiltering) needs `data_budget`: how many rows to"
                " keep, e.g. DeitaFiltering(data_budget=500)."
            )
        np = import_numpy(f"Step '{self.name}' (DeitaFiltering)")
        matrix, positions = embedding_matrix(self.name, rows)
        if self.normalize_embeddings and len(positions):
            matrix = unit_rows(matrix)
        ranked = []
        for local, position in enumerate(positions):
            score, used = deita_score(rows[position])
            if score is not None:
                ranked.append((-score, position, local, used))
        ranked.sort(key=lambda item: (item[0], item[1]))
        budget = self.data_budget
        threshold = 0.9 if self.diversity_threshold is None else self.diversity_threshold
        taken_vectors = np.zeros((min(budget, len(ranked)), matrix.shape[1]), dtype=np.float32)
        taken: list[Row] = []
        for negative, position, local, used in ranked:
            if len(taken) >= budget:
                break
            nearest = None
            if taken:
                nearest = float(self._distances(taken_vectors[:len(taken)], matrix[local]).min())
                if nearest <= threshold:
                    continue
            taken_vectors[len(taken)] = matrix[local]
            row = rows[position]
            row["deita_score"] = -negative
            row["nearest_neighbor_distance"] = nearest
            row["deita_score_computed_with"] = used
            taken.append(row)
        if len(taken) < budget:
            _logger.info(
                "Step '%s': took %d rows of a budget of %d (%d ranked); a lower"
                " diversity_threshold (now %s) takes more.",
                self.name, len(taken), budget, len(ranked), threshold,
            )
        return taken

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the taken rows, best first."""
        yield self.select(inputs)

    def expected_output_rows(self, input_rows: Optional[int]) -> Optional[int]:
        return None
