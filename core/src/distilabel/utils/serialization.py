"""``distilabel.utils.serialization``, the distilabel 1.x path of serialization (an alias of
:mod:`distilabel.serialization`; ``_Serializable`` is ``Serializable``)."""

from distilabel.serialization import TYPE_INFO_KEY, Serializable
from distilabel.serialization import Serializable as _Serializable

__all__ = ["TYPE_INFO_KEY", "Serializable", "_Serializable"]
