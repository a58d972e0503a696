"""Tasks: steps that call an LLM for each row.

``Task`` is the base class (one LLM call per row); ``MultiCallTask`` (several calls per
row, each journaled), ``GeneratorTask`` (no input rows), ``GlobalTask`` (all rows at once)
and the ``@task`` decorator build the other kinds. ``TextGeneration``, ``ChatGeneration``
and ``GenerateEmbeddings`` are ready to use. Names resolve on first access (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel._lazy import lazy_attributes

if TYPE_CHECKING:
    from distilabel.steps.tasks._base import METADATA_COLUMN, Task
    from distilabel.steps.tasks._calls import LLMCalls
    from distilabel.steps.tasks._decorator import task
    from distilabel.steps.tasks._kinds import GeneratorTask, GlobalTask, MultiCallTask
    from distilabel.steps.tasks.chat_generation import ChatGeneration
    from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings
    from distilabel.steps.tasks.text_generation import TextGeneration

__all__ = [
    "METADATA_COLUMN",
    "ChatGeneration",
    "GenerateEmbeddings",
    "GeneratorTask",
    "GlobalTask",
    "LLMCalls",
    "MultiCallTask",
    "Task",
    "TextGeneration",
    "task",
]

_LAZY = {
    "METADATA_COLUMN": "distilabel.steps.tasks._base",
    "Task": "distilabel.steps.tasks._base",
    "LLMCalls": "distilabel.steps.tasks._calls",
    "task": "distilabel.steps.tasks._decorator",
    "GeneratorTask": "distilabel.steps.tasks._kinds",
    "GlobalTask": "distilabel.steps.tasks._kinds",
    "MultiCallTask": "distilabel.steps.tasks._kinds",
    "ChatGeneration": "distilabel.steps.tasks.chat_generation",
    "GenerateEmbeddings": "distilabel.steps.tasks.generate_embeddings",
    "TextGeneration": "distilabel.steps.tasks.text_generation",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
