"""distilabel backends for vLLM: ``vLLM`` (the engine in process, on GPUs) and
``ClientvLLM`` (a vLLM server, through its OpenAI-compatible API).

Installed, the classes resolve through distilabel's plugin registry::

    from distilabel.llms import vLLM, ClientvLLM

Importing this package imports neither ``vllm`` nor ``torch``; ``vLLM.load()`` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel.hookspecs import hookimpl
from distilabel_vllm._client import ClientvLLM
from distilabel_vllm._llm import vLLM
from distilabel_vllm._placement import CudaDevicePlacementError

if TYPE_CHECKING:
    from distilabel.llms import LLM

__version__ = "0.1.0"

__all__ = ["ClientvLLM", "CudaDevicePlacementError", "distilabel_register_llms", "vLLM"]


@hookimpl
def distilabel_register_llms() -> list[type[LLM]]:
    """Register ``vLLM`` and ``ClientvLLM``."""
    return [vLLM, ClientvLLM]
