"""``EvolComplexity`` and its generator: Evol-Instruct's in-depth rewrites only, as in Deita."""

from __future__ import annotations

from pydantic import Field

from distilabel.steps.tasks.evol_instruct import MUTATION_TEMPLATES, EvolInstruct
from distilabel.steps.tasks.evol_instruct_generator import FRESH_START, EvolInstructGenerator

__all__ = ["COMPLEXITY_MUTATIONS", "EvolComplexity", "EvolComplexityGenerator"]

COMPLEXITY_MUTATIONS: dict[str, str] = {
    name: template for name, template in MUTATION_TEMPLATES.items() if name != "BREADTH"
}
"""Deita's complexity evolution: the four in-depth rewrites (constraints, deepening,
concretizing, more reasoning steps); no in-breadth prompt, so every round keeps the
subject and raises the difficulty."""


class EvolComplexity(EvolInstruct):
    """Evolve each ``instruction`` ``num_evolutions`` times into a more complex one,
    with in-depth rewrites only.

    The complexity evolution of Deita (Liu et al., 2024, "What Makes Good Data for
    Alignment? A Comprehensive Study of Automatic Data Selection in Instruction
    Tuning", https://arxiv.org/abs/2312.15685), which builds on Evol-Instruct (Xu et
    al., 2023, https://arxiv.org/abs/2304.12244): the rounds of evolution of one seed
    give variants of rising complexity, which Deita then scores to select data.
    Columns and parameters are ``EvolInstruct``'s.
    """

    mutation_templates: dict[str, str] = Field(
        default_factory=lambda: dict(COMPLEXITY_MUTATIONS),
        description="Name -> rewrite instruction; one is picked per round.",
    )


class EvolComplexityGenerator(EvolInstructGenerator):
    """Generate ``num_instructions`` instructions from no input, evolved with in-depth
    rewrites only.

    Deita's complexity evolution (Liu et al., 2024, https://arxiv.org/abs/2312.15685)
    started from nothing, as ``EvolInstructGenerator`` does (after Xu et al., 2023,
    https://arxiv.org/abs/2304.12244). Columns and parameters are
    ``EvolInstructGenerator``'s.
    """

    mutation_templates: dict[str, str] = Field(
        default_factory=lambda: {"FRESH_START": FRESH_START, **COMPLEXITY_MUTATIONS},
        description="Name -> rewrite instruction; `FRESH_START` starts each instruction.",
    )
