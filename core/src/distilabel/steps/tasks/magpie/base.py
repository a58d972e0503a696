"""``distilabel.steps.tasks.magpie.base``, the distilabel 1.x path of ``Magpie`` (an alias)."""

from distilabel.steps.tasks.magpie._task import MAGPIE_MULTI_TURN_SYSTEM_PROMPT, Magpie, MagpieBase

__all__ = ["MAGPIE_MULTI_TURN_SYSTEM_PROMPT", "Magpie", "MagpieBase"]
