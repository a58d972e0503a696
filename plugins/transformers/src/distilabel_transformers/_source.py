"""Where ``TransformersLLM`` loads a model from: a hub id, a directory, or a GGUF file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from distilabel.embedded import embedded_model_path, is_embedded_model
from distilabel.errors import DistilabelUserError

__all__ = ["ModelSource", "resolve_source"]


@dataclass(frozen=True)
class ModelSource:
    """A resolved model location.

    Attributes:
        location: what ``from_pretrained`` receives (a hub id or a local directory).
        gguf: the local GGUF file to convert first, or ``None`` for a regular checkpoint.
    """

    location: str
    gguf: Optional[Path] = None


def resolve_source(model: str, gguf_file: Optional[str], revision: str) -> ModelSource:
    """Resolve ``model`` (plus ``gguf_file``) to a ``ModelSource``.

    ``model`` may be the embedded alias ``"smollm2-135m-instruct"``, a path to a ``.gguf``
    file, a local directory, or a hub id; ``gguf_file`` names a GGUF file inside the
    directory or hub repository. A GGUF in a hub repository is fetched through the
    Hugging Face cache (with ``HF_HUB_OFFLINE=1`` only a cached copy is used).

    Raises:
        EmbeddedModelNotInstalledError: the alias was given and the model is missing.
        DistilabelUserError: a local GGUF named by the arguments does not exist.
    """
    if is_embedded_model(model):
        return ModelSource(location=model, gguf=embedded_model_path())
    path = Path(model).expanduser()
    if gguf_file is None and path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise DistilabelUserError(
                f"TransformersLLM: model '{model}' looks like a GGUF file but does not exist."
                " Pass an existing .gguf path, a model directory or a hub id."
            )
        return ModelSource(location=str(path.parent), gguf=path)
    if gguf_file is None:
        return ModelSource(location=model)
    if path.is_dir():
        candidate = path / gguf_file
        if not candidate.is_file():
            raise DistilabelUserError(
                f"TransformersLLM: gguf_file '{gguf_file}' is not in directory '{model}'."
                f" Files there: {sorted(p.name for p in path.glob('*.gguf')) or 'no .gguf'}."
            )
        return ModelSource(location=str(path), gguf=candidate)
    from huggingface_hub import hf_hub_download

    local = hf_hub_download(repo_id=model, filename=gguf_file, revision=revision)
    return ModelSource(location=model, gguf=Path(local))
