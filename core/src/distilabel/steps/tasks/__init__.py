"""Tasks: steps that call an LLM for each row.

``Task`` is the base class (one LLM call per row); ``MultiCallTask`` (several calls per
row, each journaled), ``GeneratorTask`` (no input rows), ``GlobalTask`` (all rows at once)
and the ``@task`` decorator build the other kinds. ``TextGeneration``, ``ChatGeneration``,
``GenerateEmbeddings`` and the task library are ready to use (``docs/tasks/`` has a
page for each). Names resolve on first access (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel._lazy import lazy_attributes

if TYPE_CHECKING:
    from distilabel.steps.tasks._base import METADATA_COLUMN, Task
    from distilabel.steps.tasks._calls import LLMCalls
    from distilabel.steps.tasks._decorator import task
    from distilabel.steps.tasks._kinds import GeneratorTask, GlobalTask, MultiCallTask
    from distilabel.steps.tasks.chat_generation import ChatGeneration
    from distilabel.steps.tasks.clair import CLAIR
    from distilabel.steps.tasks.complexity_scorer import ComplexityScorer
    from distilabel.steps.tasks.evol_complexity import EvolComplexity, EvolComplexityGenerator
    from distilabel.steps.tasks.evol_instruct import EvolInstruct
    from distilabel.steps.tasks.evol_instruct_generator import EvolInstructGenerator
    from distilabel.steps.tasks.evol_quality import EvolQuality
    from distilabel.steps.tasks.generate_embeddings import GenerateEmbeddings
    from distilabel.steps.tasks.genstruct import Genstruct
    from distilabel.steps.tasks.improving_text_embeddings import (
        BitextRetrievalGenerator,
        GenerateLongTextMatchingData,
        GenerateShortTextMatchingData,
        GenerateTextClassificationData,
        GenerateTextRetrievalData,
        MonolingualTripletGenerator,
    )
    from distilabel.steps.tasks.instruction_backtranslation import InstructionBacktranslation
    from distilabel.steps.tasks.magpie import Magpie, MagpieGenerator
    from distilabel.steps.tasks.prometheus_eval import PROMETHEUS_RUBRICS, PrometheusEval
    from distilabel.steps.tasks.quality_scorer import QualityScorer
    from distilabel.steps.tasks.self_instruct import SelfInstruct
    from distilabel.steps.tasks.sentence_pair import GenerateSentencePair
    from distilabel.steps.tasks.structured_generation import StructuredGeneration
    from distilabel.steps.tasks.text_classification import TextClassification
    from distilabel.steps.tasks.text_generation import TextGeneration
    from distilabel.steps.tasks.ultrafeedback import UltraFeedback
    from distilabel.steps.tasks.urial import URIAL

__all__ = [
    "CLAIR",
    "METADATA_COLUMN",
    "BitextRetrievalGenerator",
    "ChatGeneration",
    "EvolComplexity",
    "EvolComplexityGenerator",
    "EvolInstruct",
    "EvolInstructGenerator",
    "ComplexityScorer",
    "EvolQuality",
    "GenerateEmbeddings",
    "GenerateLongTextMatchingData",
    "GenerateSentencePair",
    "GenerateShortTextMatchingData",
    "GenerateTextClassificationData",
    "GenerateTextRetrievalData",
    "GeneratorTask",
    "Genstruct",
    "GlobalTask",
    "InstructionBacktranslation",
    "LLMCalls",
    "Magpie",
    "MagpieGenerator",
    "MonolingualTripletGenerator",
    "MultiCallTask",
    "PROMETHEUS_RUBRICS",
    "PrometheusEval",
    "QualityScorer",
    "SelfInstruct",
    "StructuredGeneration",
    "task",
    "Task",
    "TextClassification",
    "TextGeneration",
    "URIAL",
    "UltraFeedback",
]

_LAZY = {
    "METADATA_COLUMN": "distilabel.steps.tasks._base",
    "Task": "distilabel.steps.tasks._base",
    "LLMCalls": "distilabel.steps.tasks._calls",
    "task": "distilabel.steps.tasks._decorator",
    "GeneratorTask": "distilabel.steps.tasks._kinds",
    "GlobalTask": "distilabel.steps.tasks._kinds",
    "MultiCallTask": "distilabel.steps.tasks._kinds",
    "ChatGeneration": "distilabel.steps.tasks.chat_generation",
    "GenerateEmbeddings": "distilabel.steps.tasks.generate_embeddings",
    "TextGeneration": "distilabel.steps.tasks.text_generation",
    "EvolQuality": "distilabel.steps.tasks.evol_quality",
    "EvolComplexity": "distilabel.steps.tasks.evol_complexity",
    "EvolComplexityGenerator": "distilabel.steps.tasks.evol_complexity",
    "EvolInstruct": "distilabel.steps.tasks.evol_instruct",
    "EvolInstructGenerator": "distilabel.steps.tasks.evol_instruct_generator",
    "StructuredGeneration": "distilabel.steps.tasks.structured_generation",
    "GenerateSentencePair": "distilabel.steps.tasks.sentence_pair",
    "Genstruct": "distilabel.steps.tasks.genstruct",
    "InstructionBacktranslation": "distilabel.steps.tasks.instruction_backtranslation",
    "SelfInstruct": "distilabel.steps.tasks.self_instruct",
    "Magpie": "distilabel.steps.tasks.magpie",
    "URIAL": "distilabel.steps.tasks.urial",
    "MagpieGenerator": "distilabel.steps.tasks.magpie",
    "BitextRetrievalGenerator": "distilabel.steps.tasks.improving_text_embeddings",
    "GenerateLongTextMatchingData": "distilabel.steps.tasks.improving_text_embeddings",
    "GenerateShortTextMatchingData": "distilabel.steps.tasks.improving_text_embeddings",
    "GenerateTextClassificationData": "distilabel.steps.tasks.improving_text_embeddings",
    "GenerateTextRetrievalData": "distilabel.steps.tasks.improving_text_embeddings",
    "MonolingualTripletGenerator": "distilabel.steps.tasks.improving_text_embeddings",
    "TextClassification": "distilabel.steps.tasks.text_classification",
    "UltraFeedback": "distilabel.steps.tasks.ultrafeedback",
    "PROMETHEUS_RUBRICS": "distilabel.steps.tasks.prometheus_eval",
    "PrometheusEval": "distilabel.steps.tasks.prometheus_eval",
    "QualityScorer": "distilabel.steps.tasks.quality_scorer",
    "ComplexityScorer": "distilabel.steps.tasks.complexity_scorer",
    "CLAIR": "distilabel.steps.tasks.clair",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
