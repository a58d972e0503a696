"""``distilabel.mixins``, the distilabel 1.x package of model mixins (an alias package)."""
