"""``FaissNearestNeighbour``: the ``k`` nearest rows of each row, by its embedding.

The index is faiss's (``faiss-cpu``), an optional dependency imported in ``load()``:
``pip install 'distilabel-core[faiss]'``.
"""

from __future__ import annotations

import logging
from typing import Any, Literal, Optional, Union

from pydantic import Field, PositiveInt, PrivateAttr

from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel.steps._base import GlobalStep
from distilabel.steps._optional import import_optional
from distilabel.steps._vectors import embedding_matrix, unit_rows
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput

__all__ = ["FaissNearestNeighbour", "Metric"]

Metric = Literal["cosine", "inner_product", "l2"]
_FAISS_METRICS: dict[int, Metric] = {0: "inner_product", 1: "l2"}  # faiss.METRIC_* values

_logger = logging.getLogger("distilabel.steps")


class FaissNearestNeighbour(GlobalStep):
    """Find each row's ``k`` nearest neighbours among the step's rows, by ``embedding``.

    Builds a faiss index over every row's vector (``string_factory``, default ``"Flat"``:
    exact search; ``"HNSW32"``, ``"IVF256,Flat"`` and the rest of faiss's factory strings
    trade exactness for speed) and searches it in batches. ``nn_indices`` are positions
    of the neighbours among the step's input rows (the row itself left out),
    ``nn_scores`` their scores: cosine similarity (``metric="cosine"``, the default:
    higher is closer), inner product, or squared L2 distance (``"l2"``: lower is
    closer). Rows without an embedding get ``None`` in both columns and are nobody's
    neighbour.

    Example::

        FaissNearestNeighbour(k=3)
    """

    k: RuntimeParameter[PositiveInt] = Field(
        default=1, description="How many neighbours to find for each row."
    )
    metric: RuntimeParameter[Metric] = Field(
        default="cosine",
        description="'cosine' (vectors normalised, scores are similarities), 'inner_product'"
        " or 'l2' (scores are squared distances).",
    )
    metric_type: Optional[RuntimeParameter[int]] = Field(
        default=None,
        description="distilabel 1.x's faiss metric constant (0: inner product, 1: L2);"
        " overrides `metric` when set.",
    )
    string_factory: Optional[RuntimeParameter[str]] = Field(
        default=None, description="A faiss index factory string (default 'Flat': exact search)."
    )
    search_batch_size: RuntimeParameter[PositiveInt] = Field(
        default=1024, description="How many rows are searched per faiss call."
    )
    train_size: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None,
        description="How many vectors train an index that needs training (IVF, PQ);"
        " default all.",
    )
    num_threads: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None,
        description="OpenMP threads faiss searches with (default: one per core); 1 is"
        " faster on a machine whose cores other work keeps busy.",
    )
    device: Optional[RuntimeParameter[Union[int, list[int]]]] = Field(
        default=None,
        description="Accepted for distilabel 1.x (GPU ids); this build of faiss runs on CPU.",
    )

    _faiss: Any = PrivateAttr(default=None)

    @property
    def inputs(self) -> StepColumns:
        return ["embedding"]

    @property
    def outputs(self) -> StepColumns:
        return ["nn_indices", "nn_scores"]

    def load(self) -> None:
        """Import faiss, or raise an ImportError saying how to install it."""
        self._faiss = self._import_faiss()
        if self.device is not None:
            _logger.info("Step '%s': `device` is ignored; faiss-cpu searches on the CPU.",
                         self.name)
        super().load()

    def _import_faiss(self) -> Any:
        return import_optional(
            "faiss", f"Step '{self.name}' (FaissNearestNeighbour)", "faiss-cpu", "faiss"
        )

    def resolved_metric(self) -> Metric:
        """``metric``, or what 1.x's ``metric_type`` names when it is set."""
        if self.metric_type is None:
            return self.metric or "cosine"
        if self.metric_type not in _FAISS_METRICS:
            raise DistilabelUserError(
                f"Step '{self.name}': metric_type={self.metric_type} is not a faiss metric"
                " this step supports; use 0 (inner product), 1 (L2), or `metric`."
            )
        return _FAISS_METRICS[self.metric_type]

    def search(self, matrix: Any) -> tuple[Any, Any]:
        """``(indices, scores)`` of each row's ``k`` nearest other rows of ``matrix``
        (positions in ``matrix``; ``-1`` where there are fewer than ``k`` others)."""
        import numpy as np

        faiss = self._faiss or self._import_faiss()
        metric = self.resolved_metric()
        vectors = np.ascontiguousarray(unit_rows(matrix) if metric == "cosine" else matrix)
        faiss_metric = faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT
        previous_threads = faiss.omp_get_max_threads()
        if self.num_threads is not None:
            faiss.omp_set_num_threads(self.num_threads)
        try:
            index = faiss.index_factory(
                vectors.shape[1], self.string_factory or "Flat", faiss_metric
            )
            if not index.is_trained:
                index.train(self._training_sample(vectors))
            index.add(vectors)
            return self._search(index, vectors)
        finally:
            faiss.omp_set_num_threads(previous_threads)

    def _training_sample(self, vectors: Any) -> Any:
        if self.train_size is None or self.train_size >= len(vectors):
            return vectors
        import numpy as np

        rng = np.random.default_rng(0)
        return vectors[rng.choice(len(vectors), self.train_size, replace=False)]

    def _search(self, index: Any, vectors: Any) -> tuple[Any, Any]:
        import numpy as np

        k = min(self.k or 1, len(vectors) - 1)
        indices = np.full((len(vectors), max(k, 0)), -1, dtype=np.int64)
        scores = np.zeros((len(vectors), max(k, 0)), dtype=np.float32)
        if k < 1:
            return indices, scores
        batch = self.search_batch_size or 1024
        for start in range(0, len(vectors), batch):
            found_scores, found = index.search(vectors[start:start + batch], k + 1)
            for offset, (row_found, row_scores) in enumerate(
                zip(found, found_scores, strict=True)
            ):
                own = start + offset
                keep = [j for j, n in enumerate(row_found) if n != own and n >= 0][:k]
                indices[own, :len(keep)] = row_found[keep]
                scores[own, :len(keep)] = row_scores[keep]
        return indices, scores

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield every row with ``nn_indices`` and ``nn_scores``."""
        matrix, positions = embedding_matrix(self.name, inputs)
        for row in inputs:
            row["nn_indices"] = None
            row["nn_scores"] = None
        if positions:
            indices, scores = self.search(matrix)
            for local, position in enumerate(positions):
                found: Row = inputs[position]
                pairs = [(int(n), float(s)) for n, s in zip(indices[local], scores[local],
                                                             strict=True) if n >= 0]
                found["nn_indices"] = [positions[n] for n, _ in pairs]
                found["nn_scores"] = [s for _, s in pairs]
        yield inputs
