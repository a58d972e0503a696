"""``EmbeddingGeneration``: one vector per row from an embedding model plugin."""

from __future__ import annotations

import logging
from typing import Any, Union

from pydantic import Field, PrivateAttr

from distilabel.embeddings._base import Embeddings
from distilabel.steps._base import Step
from distilabel.steps.tasks._outcome import METADATA_COLUMN
from distilabel.steps.typing import Row, StepColumns, StepInput, StepOutput

__all__ = ["EmbeddingGeneration"]

_logger = logging.getLogger("distilabel.steps")
_LOGGED_ERRORS = 3


class EmbeddingGeneration(Step):
    """Embed the ``text`` column with an embedding model (``embeddings``).

    Any installed embedding model works: ``SentenceTransformerEmbeddings``,
    ``LlamaCppEmbeddings``, ``OpenAIEmbeddings`` or a third party's (``distilabel
    embeddings list``). A batch is encoded in one call; when that call fails each text is
    encoded alone, so one bad text fails only its row: it gets ``embedding=None`` and its
    error in ``distilabel_metadata`` (``error_<step name>``). A ``text`` that is not a
    non-empty string fails its row the same way, without reaching the model.

    The model's runtime parameters are nested under ``embeddings``:
    ``pipeline.run(parameters={"embed": {"embeddings": {...}}})``.

    Example::

        EmbeddingGeneration(embeddings=SentenceTransformerEmbeddings(model="all-minilm-l6-v2"))
    """

    embeddings: Embeddings = Field(..., description="The embedding model that encodes `text`.")

    _errors_logged: int = PrivateAttr(default=0)

    @property
    def inputs(self) -> StepColumns:
        return ["text"]

    @property
    def outputs(self) -> StepColumns:
        return ["embedding", "model_name"]

    def load(self) -> None:
        """Load the embedding model."""
        self.embeddings.load()
        super().load()

    def unload(self) -> None:
        """Unload the embedding model."""
        self.embeddings.unload()
        super().unload()

    def _encode(self, texts: list[Any]) -> list[Union[list[float], Exception]]:
        results: list[Union[list[float], Exception]] = [
            ValueError(
                f"Step '{self.name}': column 'text' must be a non-empty string, got"
                f" {type(t).__name__} {t!r:.60}."
            ) for t in texts
        ]
        valid = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        if valid:
            vectors = self.embeddings.encode_isolated([texts[i] for i in valid])
            for index, vector in zip(valid, vectors, strict=True):
                results[index] = vector
        return results

    def _log_error(self, exc: Exception) -> None:
        self._errors_logged += 1
        if self._errors_logged <= _LOGGED_ERRORS:
            _logger.warning(
                "Step '%s': a row failed (%s: %s); its embedding is None and the error is in"
                " `%s`.", self.name, type(exc).__name__, exc, METADATA_COLUMN,
            )

    def process(self, inputs: StepInput) -> StepOutput:
        """Yield the rows with ``embedding`` and ``model_name`` added."""
        results = self._encode([row.get("text") for row in inputs])
        model_name = self.embeddings.model_name
        out: list[Row] = []
        for row, result in zip(inputs, results, strict=True):
            if isinstance(result, Exception):
                self._log_error(result)
                previous = row.get(METADATA_COLUMN)
                meta: dict[str, Any] = dict(previous) if isinstance(previous, dict) else {}
                meta[f"error_{self.name}"] = f"{type(result).__name__}: {result}"
                row[METADATA_COLUMN] = meta
                row["embedding"] = None
            else:
                row["embedding"] = [float(v) for v in result]
            row["model_name"] = model_name
            out.append(row)
        yield out
