"""``distilabel.pipeline.base``, the distilabel 1.x path of the pipeline base (an alias).

``BasePipeline`` is :class:`distilabel.pipeline.Pipeline` itself: every pipeline here is
one, whichever engine runs it.
"""

from distilabel.pipeline._pipeline import Pipeline
from distilabel.pipeline._pipeline import Pipeline as BasePipeline

__all__ = ["BasePipeline", "Pipeline"]
