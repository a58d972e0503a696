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
        CombineOutputs,
        ExpandColumns,
        GroupColumns,
        KeepColumns,
    )
    from distilabel.steps._decorator import step
    from distilabel.steps._load_dicts import LoadDataFromDicts
    from distilabel.steps._load_files import LoadDataFromFileSystem
    from distilabel.steps._load_hub import LoadDataFromHub
    from distilabel.steps._make_generator import make_generator_step
    from distilabel.steps._resources import StepResources
    from distilabel.steps.typing import (
        GeneratorStepOutput,
        StepColumns,
        StepInput,
        StepOutput,
    )

__all__ = [
    "CombineOutputs",
    "ExpandColumns",
    "GeneratorStep",
    "GeneratorStepOutput",
    "GlobalStep",
    "GroupColumns",
    "KeepColumns",
    "LoadDataFromDicts",
    "LoadDataFromFileSystem",
    "LoadDataFromHub",
    "Step",
    "StepColumns",
    "StepInput",
    "StepOutput",
    "StepResources",
    "make_generator_step",
    "step",
]

_LAZY = {
    "CombineOutputs": "distilabel.steps._columns",
    "ExpandColumns": "distilabel.steps._columns",
    "GeneratorStep": "distilabel.steps._base",
    "GeneratorStepOutput": "distilabel.steps.typing",
    "GlobalStep": "distilabel.steps._base",
    "GroupColumns": "distilabel.steps._columns",
    "KeepColumns": "distilabel.steps._columns",
    "LoadDataFromDicts": "distilabel.steps._load_dicts",
    "LoadDataFromFileSystem": "distilabel.steps._load_files",
    "LoadDataFromHub": "distilabel.steps._load_hub",
    "Step": "distilabel.steps._base",
    "StepColumns": "distilabel.steps.typing",
    "StepInput": "distilabel.steps.typing",
    "StepOutput": "distilabel.steps.typing",
    "StepResources": "distilabel.steps._resources",
    "make_generator_step": "distilabel.steps._make_generator",
    "step": "distilabel.steps._decorator",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
