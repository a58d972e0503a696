"""Magpie: instructions and conversations written by an aligned chat model from nothing
(also the distilabel 1.x package ``distilabel.steps.tasks.magpie``)."""

from distilabel.steps.tasks.magpie._task import (
    MAGPIE_MULTI_TURN_SYSTEM_PROMPT,
    Magpie,
    MagpieBase,
    MagpieGenerator,
)

__all__ = ["MAGPIE_MULTI_TURN_SYSTEM_PROMPT", "Magpie", "MagpieBase", "MagpieGenerator"]
