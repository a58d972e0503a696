"""Steps: the units a pipeline runs.

``Step`` (batches of rows), ``GeneratorStep`` (rows from nothing), ``GlobalStep`` (all rows
at once) and the ``@step`` decorator; loaders and column steps ready to use. Tasks, the
steps that call an LLM, live in :mod:`distilabel.steps.tasks`.

Names resolve on first access (PEP 562), so importing a submodule such as
``distilabel.steps.typing`` does not build every step class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from distilabel._lazy import lazy_attributes

if TYPE_CHECKING:
    from distilabel.steps._base import GeneratorStep, GlobalStep, Step
    from distilabel.steps._columns import (
        CombineColumns,
        CombineOutputs,
        ExpandColumns,
        GroupColumns,
        KeepColumns,
        MergeColumns,
    )
    from distilabel.steps._data_sampler import DataSampler
    from distilabel.steps._decorator import step
    from distilabel.steps._deita import DeitaFiltering
    from distilabel.steps._embedding_dedup import EmbeddingDedup
    from distilabel.steps._embedding_generation import EmbeddingGeneration
    from distilabel.steps._faiss import FaissNearestNeighbour
    from distilabel.steps._formatting import (
        FormatChatGenerationDPO,
        FormatChatGenerationSFT,
        FormatTextGenerationDPO,
        FormatTextGenerationSFT,
    )
    from distilabel.steps._load_dicts import LoadDataFromDicts
    from distilabel.steps._load_disk import LoadDataFromDisk
    from distilabel.steps._load_files import LoadDataFromFileSystem
    from distilabel.steps._load_hub import LoadDataFromHub
    from distilabel.steps._make_generator import make_generator_step
    from distilabel.steps._minhash import MinHashDedup
    from distilabel.steps._push_to_hub import PushToHub
    from distilabel.steps._resources import StepResources
    from distilabel.steps.typing import (
        GeneratorStepOutput,
        StepColumns,
        StepInput,
        StepOutput,
    )

__all__ = [
    "CombineColumns",
    "CombineOutputs",
    "DataSampler",
    "DeitaFiltering",
    "EmbeddingDedup",
    "EmbeddingGeneration",
    "ExpandColumns",
    "FaissNearestNeighbour",
    "FormatChatGenerationDPO",
    "FormatChatGenerationSFT",
    "FormatTextGenerationDPO",
    "FormatTextGenerationSFT",
    "GeneratorStep",
    "GeneratorStepOutput",
    "GlobalStep",
    "GroupColumns",
    "KeepColumns",
    "LoadDataFromDicts",
    "LoadDataFromDisk",
    "LoadDataFromFileSystem",
    "LoadDataFromHub",
    "MergeColumns",
    "MinHashDedup",
    "PushToHub",
    "Step",
    "StepColumns",
    "StepInput",
    "StepOutput",
    "StepResources",
    "make_generator_step",
    "step",
]

_LAZY = {
    "CombineColumns": "distilabel.steps._columns",
    "CombineOutputs": "distilabel.steps._columns",
    "DataSampler": "distilabel.steps._data_sampler",
    "DeitaFiltering": "distilabel.steps._deita",
    "EmbeddingDedup": "distilabel.steps._embedding_dedup",
    "EmbeddingGeneration": "distilabel.steps._embedding_generation",
    "ExpandColumns": "distilabel.steps._columns",
    "FaissNearestNeighbour": "distilabel.steps._faiss",
    "FormatChatGenerationDPO": "distilabel.steps._formatting",
    "FormatChatGenerationSFT": "distilabel.steps._formatting",
    "FormatTextGenerationDPO": "distilabel.steps._formatting",
    "FormatTextGenerationSFT": "distilabel.steps._formatting",
    "GeneratorStep": "distilabel.steps._base",
    "GeneratorStepOutput": "distilabel.steps.typing",
    "GlobalStep": "distilabel.steps._base",
    "GroupColumns": "distilabel.steps._columns",
    "KeepColumns": "distilabel.steps._columns",
    "LoadDataFromDicts": "distilabel.steps._load_dicts",
    "LoadDataFromDisk": "distilabel.steps._load_disk",
    "LoadDataFromFileSystem": "distilabel.steps._load_files",
    "LoadDataFromHub": "distilabel.steps._load_hub",
    "MergeColumns": "distilabel.steps._columns",
    "MinHashDedup": "distilabel.steps._minhash",
    "PushToHub": "distilabel.steps._push_to_hub",
    "Step": "distilabel.steps._base",
    "StepColumns": "distilabel.steps.typing",
    "StepInput": "distilabel.steps.typing",
    "StepOutput": "distilabel.steps.typing",
    "StepResources": "distilabel.steps._resources",
    "make_generator_step": "distilabel.steps._make_generator",
    "step": "distilabel.steps._decorator",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
