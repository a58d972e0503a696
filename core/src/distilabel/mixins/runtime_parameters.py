"""``distilabel.mixins.runtime_parameters``, the distilabel 1.x path of runtime parameters
(an alias of :mod:`distilabel.runtime_parameters`).

``RuntimeParametersMixin`` is :class:`distilabel.runtime_parameters.RuntimeParametersModel`.
"""

from distilabel.runtime_parameters import RuntimeParameter, RuntimeParametersModel
from distilabel.runtime_parameters import RuntimeParametersModel as RuntimeParametersMixin

__all__ = ["RuntimeParameter", "RuntimeParametersMixin", "RuntimeParametersModel"]
