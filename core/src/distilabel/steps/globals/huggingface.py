"""``distilabel.steps.globals.huggingface``, the distilabel 1.x path of ``PushToHub``
(an alias)."""

from distilabel.steps._push_to_hub import PushToHub

__all__ = ["PushToHub"]
