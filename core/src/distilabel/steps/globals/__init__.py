"""``distilabel.steps.globals``, the distilabel 1.x package of global steps (an alias)."""

from distilabel.steps._push_to_hub import PushToHub

__all__ = ["PushToHub"]
