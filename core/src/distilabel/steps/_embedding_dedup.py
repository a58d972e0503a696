"""``EmbeddingDedup``: flag rows whose nearest neighbour is too close (semantic duplicates)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._dedup import DedupStep
from distilabel.steps.typing import Row, StepColumns

__all__ = ["EmbeddingDedup"]


class EmbeddingDedup(DedupStep):
    """Flag near-duplicates from each row's nearest neighbours (``FaissNearestNeighbour``'s
    ``nn_indices`` and ``nn_scores``).

    Two rows are duplicates when one is among the other's neighbours with a score at
    least ``threshold`` (``scores="similarity"``, the default: cosine similarity or inner
    product, higher is closer) or at most ``threshold`` (``scores="distance"``: L2).
    Rows are visited in order: a row not yet flagged is kept and every later row
    duplicating it is flagged ``keep_row_after_embedding_filtering=False``. Rows without
    neighbours (no embedding) are kept. With ``drop_duplicates=True`` the flagged rows
    are removed instead.

    Example::

        EmbeddingDedup(threshold=0.95)
    """

    threshold: RuntimeParameter[float] = Field(
        default=0.9,
        description="The score from which two rows are duplicates (a similarity, or a"
        " distance with scores='distance').",
    )
    scores: RuntimeParameter[Literal["similarity", "distance"]] = Field(
        default="similarity",
        description="Whether `nn_scores` are similarities (higher is closer: cosine, inner"
        " product) or distances (lower is closer: L2).",
    )

    keep_column: ClassVar[str] = "keep_row_after_embedding_filtering"

    @property
    def inputs(self) -> StepColumns:
        return ["nn_indices", "nn_scores"]

    def _close(self, score: float) -> bool:
        threshold = 0.9 if self.threshold is None else self.threshold
        return score <= threshold if self.scores == "distance" else score >= threshold

    def row_flags(self, rows: list[Row]) -> list[bool]:
        """For each row, whether it duplicates an earlier kept row."""
        neighbours: list[set[int]] = [set() for _ in rows]
        for position, row in enumerate(rows):
            indices, scores = row.get("nn_indices"), row.get("nn_scores")
            if not isinstance(indices, list) or not isinstance(scores, list):
                continue
            for other, score in zip(indices, scores, strict=False):
                if (
                    isinstance(other, int) and 0 <= other < len(rows) and other != position
                    and isinstance(score, (int, float)) and self._close(float(score))
                ):
                    neighbours[position].add(other)
                    neighbours[other].add(position)
        flags = [False] * len(rows)
        for position in range(len(rows)):
            if flags[position]:
                continue
            for other in neighbours[position]:
                if other > position:
                    flags[other] = True
        return flags
