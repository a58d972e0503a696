"""``distilabel.steps.tasks.base``, the distilabel 1.x path of the task base class (an alias)."""

from distilabel.steps.tasks._base import Task

__all__ = ["Task"]
