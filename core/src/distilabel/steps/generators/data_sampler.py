"""``distilabel.steps.generators.data_sampler``, the distilabel 1.x path of ``DataSampler``
(an alias)."""

from distilabel.steps._data_sampler import DataSampler

__all__ = ["DataSampler"]
