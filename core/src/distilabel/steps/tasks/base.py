"""``distilabel.steps.tasks.base``, the distilabel 1.x path of the task base classes (an alias)."""

from distilabel.steps.tasks._base import Task
from distilabel.steps.tasks._kinds import GeneratorTask, GlobalTask

__all__ = ["GeneratorTask", "GlobalTask", "Task"]
