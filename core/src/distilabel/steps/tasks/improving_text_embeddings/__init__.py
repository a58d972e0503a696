"""Training data for text embeddings, after Wang et al., 2024, "Improving Text Embeddings
with Large Language Models" (also the distilabel 1.x module
``distilabel.steps.tasks.improving_text_embeddings``)."""

from distilabel.steps.tasks.improving_text_embeddings._generators import (
    BitextRetrievalGenerator,
    MonolingualTripletGenerator,
)
from distilabel.steps.tasks.improving_text_embeddings._tasks import (
    GenerateLongTextMatchingData,
    GenerateShortTextMatchingData,
    GenerateTextClassificationData,
    GenerateTextRetrievalData,
)

__all__ = [
    "BitextRetrievalGenerator",
    "GenerateLongTextMatchingData",
    "GenerateShortTextMatchingData",
    "GenerateTextClassificationData",
    "GenerateTextRetrievalData",
    "MonolingualTripletGenerator",
]
