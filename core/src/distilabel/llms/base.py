"""``distilabel.llms.base``, the distilabel 1.0-1.4 path of the LLM base classes (an alias)."""

from distilabel.llms._base import LLM, AsyncLLM

__all__ = ["LLM", "AsyncLLM"]
