"""``LlamaCppEmbeddings``: sentence embeddings from a GGUF model through llama.cpp."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional

from pydantic import Field, PrivateAttr

from distilabel.embedded import is_embedded_model, resolve_model_path
from distilabel.embeddings import Embeddings
from distilabel.errors import DistilabelUserError
from distilabel.runtime_parameters import RuntimeParameter
from distilabel_llamacpp._loading import create_llama

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = ["LlamaCppEmbeddings"]

_POOLING = {"mean": 1, "cls": 2, "last": 3}
"""llama.cpp's ``LLAMA_POOLING_TYPE_*`` values (stable in its C API)."""


class LlamaCppEmbeddings(Embeddings):
    """Embed texts with a GGUF model in process through llama.cpp.

    ``model`` is a ``.gguf`` file's path (or its name inside ``model_path``, a
    directory), or ``"smollm2-135m-instruct"`` for the embedded default model. Token
    states are pooled into one vector per text (``pooling``, mean by default; the model's
    own pooling when it declares one and ``pooling=None``).

    Example:
        >>> embeddings = LlamaCppEmbeddings(model="smollm2-135m-instruct")
        >>> embeddings.load()
        >>> len(embeddings.encode(["Hello"])[0])
        576
    """

    model: str = Field(
        ..., description="The GGUF file (a path, a name inside `model_path`), or"
        " 'smollm2-135m-instruct' for the embedded default model.",
    )
    model_path: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="A directory holding `model`, or the GGUF file's full path.",
    )
    repo_id: Optional[RuntimeParameter[str]] = Field(
        default=None,
        description="A Hugging Face Hub repository to download `model` from (needs the"
        " network and `huggingface_hub`).",
    )
    pooling: Optional[Literal["mean", "cls", "last"]] = Field(
        default="mean",
        description="How token states become one vector; None keeps the model's own.",
    )
    normalize_embeddings: RuntimeParameter[bool] = Field(
        default=False, description="Scale each embedding to unit L2 norm."
    )
    n_ctx: RuntimeParameter[int] = Field(
        default=512, description="Context window in tokens; longer texts are truncated."
    )
    n_batch: RuntimeParameter[int] = Field(
        default=512, description="Tokens evaluated per llama.cpp decode call."
    )
    n_gpu_layers: RuntimeParameter[int] = Field(
        default=-1,
        description="Layers offloaded to the GPU (-1: all). No effect on a CPU-only build.",
    )
    n_threads: Optional[RuntimeParameter[int]] = Field(
        default=None, description="CPU threads; None uses llama.cpp's default."
    )
    seed: Optional[RuntimeParameter[int]] = Field(
        default=None, description="llama.cpp's seed (embeddings are deterministic anyway)."
    )
    verbose: RuntimeParameter[bool] = Field(
        default=False, description="Let llama.cpp log to stderr."
    )
    extra_kwargs: Optional[RuntimeParameter[dict[str, Any]]] = Field(
        default_factory=dict,
        description="Further keyword arguments for `llama_cpp.Llama(...)`.",
    )

    _llama: Optional[Llama] = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _gguf(self) -> str:
        if self.repo_id:
            return self.model
        if self.model_path and Path(self.model_path).is_file():
            return self.model_path
        if self.model_path:
            path = Path(self.model_path) / self.model
        else:
            path = Path(resolve_model_path(self.model))
        if not path.is_file():
            raise DistilabelUserError(
                f"LlamaCppEmbeddings: GGUF file '{path}' does not exist. Pass the path of a"
                " .gguf model as `model` (or its directory as `model_path`), or"
                " 'smollm2-135m-instruct' for the embedded default model."
            )
        return str(path)

    def load(self) -> None:
        """Load the GGUF model with llama.cpp in embedding mode.

        Raises:
            EmbeddedModelNotInstalledError: the embedded model was asked for but is missing.
            DistilabelUserError: the GGUF file does not exist.
            ImportError: llama-cpp-python (or, with ``repo_id``, huggingface_hub) is missing.
        """
        kwargs: dict[str, Any] = {
            "embedding": True,
            "n_ctx": self.n_ctx,
            "n_batch": self.n_batch,
            "n_ubatch": self.n_batch,
            "n_gpu_layers": self.n_gpu_layers,
            "verbose": self.verbose,
        }
        if self.pooling is not None:
            kwargs["pooling_type"] = _POOLING[self.pooling]
        if self.n_threads is not None:
            kwargs["n_threads"] = self.n_threads
        if self.seed is not None:
            kwargs["seed"] = self.seed
        kwargs.update(self.extra_kwargs or {})
        gguf = self._gguf()
        self._close()
        if self.repo_id:
            self._llama = _download_and_create(self.repo_id, gguf, kwargs)
        else:
            self._llama = create_llama(model_path=gguf, **kwargs)

    def unload(self) -> None:
        """Free the model."""
        self._close()

    def _close(self) -> None:
        with self._lock:
            if self._llama is not None:
                self._llama.close()
                self._llama = None

    @property
    def model_name(self) -> str:
        """The embedded model's alias, or the GGUF file's name."""
        if is_embedded_model(self.model):
            return self.model
        return Path(self.model).name

    def encode(self, inputs: list[str]) -> list[list[float]]:
        """One vector per text (texts past ``n_ctx`` tokens are truncated)."""
        if not inputs:
            return []
        assert self._llama is not None
        with self._lock:  # one llama.cpp context: one batch at a time
            vectors = self._llama.embed(
                inputs, normalize=bool(self.normalize_embeddings), truncate=True
            )
        return [[float(x) for x in vector] for vector in vectors]  # type: ignore[union-attr]


def _download_and_create(repo_id: str, filename: str, kwargs: dict[str, Any]) -> Llama:
    from llama_cpp import Llama

    return Llama.from_pretrained(repo_id=repo_id, filename=filename, **kwargs)
