"""Steps: the units a pipeline runs.

``Step`` (batches of rows), ``GeneratorStep`` (rows from nothing), ``GlobalStep`` (all rows
at once) and the ``@step`` decorator; loaders and column steps ready to use. Tasks, the
steps that call an LLM, live in :mod:`distilabel.steps.tasks`.
"""

from distilabel.steps._base import GeneratorStep, GlobalStep, Step
from distilabel.steps._columns import CombineOutputs, ExpandColumns, GroupColumns, KeepColumns
from distilabel.steps._decorator import step
from distilabel.steps._load_dicts import LoadDataFromDicts
from distilabel.steps._load_files import LoadDataFromFileSystem
from distilabel.steps._load_hub import LoadDataFromHub
from distilabel.steps._resources import StepResources
from distilabel.steps.typing import GeneratorStepOutput, StepColumns, StepInput, StepOutput

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
    "step",
]
