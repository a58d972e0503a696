"""What the offline-batch tests of the OpenAI and the Anthropic plugins share.

Both batch servers (``batch_api_server``, ``anthropic_batch_server``) answer a request
with its prompt reversed, so a row is answered when its generation is its instruction
backwards.
"""

from __future__ import annotations

from typing import Any

from distilabel.distiset import Distiset
from distilabel.pipeline import Pipeline

__all__ = ["answered", "run"]


def run(pipeline: Pipeline, **kwargs: Any) -> Distiset:
    """Run ``pipeline`` without a progress display."""
    return pipeline.run(show_progress=False, **kwargs)


def answered(rows: list[dict[str, Any]]) -> int:
    """How many ``rows`` hold their batch server's answer."""
    return sum(r["generation"] == r["instruction"][::-1] for r in rows)
