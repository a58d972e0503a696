"""Tasks: steps that call an LLM for each row.

``Task`` is the base class; ``TextGeneration`` and ``ChatGeneration`` are ready to use.
"""

from distilabel.steps.tasks._base import METADATA_COLUMN, Task
from distilabel.steps.tasks.chat_generation import ChatGeneration
from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings
from distilabel.steps.tasks.text_generation import TextGeneration

__all__ = ["METADATA_COLUMN", "ChatGeneration", "GenerateEmbeddings", "Task", "TextGeneration"]
