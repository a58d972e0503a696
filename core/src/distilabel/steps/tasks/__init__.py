"""Tasks: steps that call an LLM for each row.

``Task`` is the base class (one LLM call per row); ``MultiCallTask`` (several calls per
row, each journaled), ``GeneratorTask`` (no input rows), ``GlobalTask`` (all rows at once)
and the ``@task`` decorator build the other kinds. ``TextGeneration``, ``ChatGeneration``,
``GenerateEmbeddings`` and the task library are ready to use (``docs/tasks/`` has a
page for each). Names resolve on first access (PEP 562).
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
    from distilabel.steps.tasks.evol_quality import EvolQuality
    from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings
    from distilabel.steps.tasks.genstruct import Genstruct
    from distilabel.steps.tasks.instruction_backtranslation import InstructionBacktranslation
    from distilabel.steps.tasks.self_instruct import SelfInstruct
    from distilabel.steps.tasks.sentence_pair import GenerateSentencePair
    from distilabel.steps.tasks.text_classification import TextClassification
    from distilabel.steps.tasks.text_generation import TextGeneration

__all__ = [
    "METADATA_COLUMN",
    "ChatGeneration",
    "EvolQuality",
    "GenerateEmbeddings",
    "GenerateSentencePair",
    "GeneratorTask",
    "Genstruct",
    "GlobalTask",
    "InstructionBacktranslation",
    "LLMCalls",
    "MultiCallTask",
    "SelfInstruct",
    "task",
    "Task",
    "TextClassification",
    "TextGeneration",
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
    "EvolQuality": "distilabel.steps.tasks.evol_quality",
    "GenerateSentencePair": "distilabel.steps.tasks.sentence_pair",
    "Genstruct": "distilabel.steps.tasks.genstruct",
    "InstructionBacktranslation": "distilabel.steps.tasks.instruction_backtranslation",
    "SelfInstruct": "distilabel.steps.tasks.self_instruct",
    "TextClassification": "distilabel.steps.tasks.text_classification",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
