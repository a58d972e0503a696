"""The pipeline being built by the innermost ``with Pipeline(...)`` block.

Steps created inside the block join that pipeline. It lives beside the steps (not in
``distilabel.pipeline``) so that importing the steps never imports the engine.
"""

from __future__ import annotations

import contextvars
from typing import Any, Optional

__all__ = ["current_pipeline", "pop_pipeline", "push_pipeline"]

_CURRENT: contextvars.ContextVar[Optional[Any]] = contextvars.ContextVar(
    "distilabel_pipeline", default=None
)


def current_pipeline() -> Optional[Any]:
    """The pipeline of the innermost active ``with`` block, or ``None``."""
    return _CURRENT.get()


def push_pipeline(pipeline: Any) -> contextvars.Token[Optional[Any]]:
    """Make ``pipeline`` current; returns the token ``pop_pipeline`` needs."""
    return _CURRENT.set(pipeline)


def pop_pipeline(token: contextvars.Token[Optional[Any]]) -> None:
    """Restore the pipeline that was current before ``push_pipeline``."""
    _CURRENT.reset(token)
