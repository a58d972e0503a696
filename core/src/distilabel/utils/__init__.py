"""``distilabel.utils``, the distilabel 1.x package of helpers (an alias package)."""
