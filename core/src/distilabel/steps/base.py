"""``distilabel.steps.base``, the distilabel 1.x path of the step base classes (an alias)."""

from distilabel.steps._base import GeneratorStep, GlobalStep, Step, _Step
from distilabel.steps._resources import StepResources
from distilabel.steps.typing import StepInput, StepOutput

__all__ = ["GeneratorStep", "GlobalStep", "Step", "StepInput", "StepOutput", "StepResources",
           "_Step"]
