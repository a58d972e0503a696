"""Creating ``llama_cpp.Llama`` objects safely from several threads.

With ``verbose=False`` llama-cpp-python silences model loading by pointing the process's
file descriptors 1 and 2 (and ``sys.stdout``/``sys.stderr``) at ``/dev/null`` and
restoring them afterwards. Two loads overlapping in two threads (a pipeline loads its
steps concurrently) can restore the other's ``/dev/null`` and leave the whole process
silent for good. One process-wide lock around construction prevents that.

A ``Llama`` still open when the interpreter exits frees itself in ``__del__`` after
llama-cpp-python's module globals are gone and prints a ``TypeError`` traceback; models
created here are closed at exit instead.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llama_cpp import Llama

__all__ = ["create_llama"]

_CONSTRUCTION_LOCK = threading.Lock()
_OPEN: weakref.WeakSet[Llama] = weakref.WeakSet()


@atexit.register
def _close_open_models() -> None:
    for llama in list(_OPEN):
        try:
            llama.close()
        except Exception:  # exiting anyway; never mask the real exit status
            pass


def create_llama(**kwargs: Any) -> Llama:
    """``llama_cpp.Llama(**kwargs)``, one construction at a time in this process.

    Raises:
        ImportError: llama-cpp-python is not installed (the message says how to get it).
    """
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ImportError(
            "LlamaCppLLM needs llama-cpp-python: `pip install distilabel-llamacpp`"
            " (it compiles llama.cpp; CMAKE_ARGS='-DLLAVA_BUILD=OFF' shortens the build)."
        ) from exc
    with _CONSTRUCTION_LOCK:
        llama = Llama(**kwargs)
    _OPEN.add(llama)
    return llama
