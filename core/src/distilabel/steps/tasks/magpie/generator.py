"""``distilabel.steps.tasks.magpie.generator``, the distilabel 1.x path of
``MagpieGenerator`` (an alias)."""

from distilabel.steps.tasks.magpie._task import MagpieGenerator

__all__ = ["MagpieGenerator"]
